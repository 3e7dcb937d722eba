/**
 * Discord's Create Followup Message right after a deferred reply (callback
 * type 5): "this endpoint will function as Edit Original Interaction
 * Response ... the loading message will be edited instead. The ephemeral
 * flag will be ignored, and the value you provided in the initial defer
 * response will be preserved." Private to the fake.
 *
 * @module
 */
import type { RestMessage } from "../rest/payloads.ts";

const EPHEMERAL = 1 << 6;
/** The LOADING flag: the "thinking..." message of a deferred reply. */
const LOADING = 1 << 7;

/**
 * The edit a follow-up makes of the interaction's original response, when
 * that is still a deferred reply's loading message (not answered or edited
 * yet); `undefined` when the follow-up is a new message.
 *
 * @param original The interaction's original response, if any.
 * @param fields The follow-up's body.
 * @returns The edit's body: the follow-up's, with the defer's EPHEMERAL
 *   flag in place of its own.
 */
export function deferredReplyEdit(
  original: RestMessage | undefined,
  fields: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const current = original?.flags ?? 0;
  if ((current & LOADING) === 0) return undefined;
  const given = typeof fields.flags === "number" ? fields.flags : 0;
  return { ...fields, flags: (given & ~EPHEMERAL) | (current & EPHEMERAL) };
}
