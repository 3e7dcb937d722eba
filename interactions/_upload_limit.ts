/**
 * The upload limit per file of an interaction's responses, read from what
 * Discord sent with it. Private to the package.
 *
 * @module
 */
import { DEFAULT_UPLOAD_LIMIT } from "../rest/uploads.ts";
import type { Interaction } from "../types/objects/interaction.ts";

/**
 * The upload limit per file of an interaction's responses, in bytes: its
 * `attachment_size_limit` when that is a positive safe integer, else
 * {@linkcode DEFAULT_UPLOAD_LIMIT}. Anything else is not a size Discord
 * sends (1.5 or 1e300 from a hostile or broken peer): taken as the limit,
 * it made every file response fail with a `RangeError` blaming the bot's
 * `maxSize`.
 *
 * @param interaction The interaction.
 * @returns The limit in bytes.
 */
export function uploadLimitOf(interaction: Interaction): number {
  const limit: unknown = interaction.attachment_size_limit;
  return typeof limit === "number" && Number.isSafeInteger(limit) && limit > 0
    ? limit
    : DEFAULT_UPLOAD_LIMIT;
}
