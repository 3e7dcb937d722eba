/**
 * The router's answer to an interaction whose options do not fit its route
 * (`options_mismatch`): what every user meets in the minutes after a
 * command is redeployed with changed options, their client still sending
 * the old shape. Unanswered, they waited 3 s for "The application did not
 * respond" (the HTTP endpoint answered 500), and `onError` has no context
 * to answer with. Private to the package.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { errorText } from "../base/error_text.ts";
import { shownQuoted } from "../base/option_checks.ts";
import { textLength } from "../base/text_length.ts";
import type { InteractionContext } from "./context.ts";

const logger = getLogger(["disruption", "interactions"]);

/** The router's `staleReply` when none is given. */
export const DEFAULT_STALE_REPLY =
  "This command has changed since your Discord app loaded it. Please try again.";

/**
 * Check a router's `staleReply`, when given: Discord refuses an empty
 * message or one over 2000 characters, which would only show when the
 * first stale interaction came.
 *
 * @param value The value.
 * @throws {TypeError} When it is neither `null` nor a string of 1 to 2000
 *   characters (code points, as Discord counts them), not all white space.
 */
export function assertStaleReply(value: unknown): void {
  if (value === undefined || value === null) return;
  const length = typeof value === "string" ? textLength(value) : undefined;
  // Discord refuses content of white space alone as empty.
  const blank = typeof value === "string" && value.trim() === "";
  if (length !== undefined && !blank && length <= 2000) return;
  throw new TypeError(
    `Cannot create interaction router as 'staleReply' must be a string of 1 to 2000 characters, not all white space, or null: current ${
      length === undefined || length <= 2000
        ? `value 'staleReply=${shownQuoted(value)}'`
        : `length '${length}'`
    }`,
  );
}

/**
 * Answer a stale interaction as a handler would, through its context (so
 * the HTTP endpoint's initial response carries it): an ephemeral `text`
 * for a command, a component or a modal submit, no choices for an
 * autocomplete. Never rejects.
 *
 * @param ctx The interaction's context, still pending.
 * @param text The router's `staleReply`.
 * @returns Whether it was answered (a failed answer, a REST error say, is
 *   logged and leaves the context pending).
 */
export async function answerStale(
  ctx: InteractionContext,
  text: string,
): Promise<boolean> {
  const type = ctx.interaction.type;
  try {
    if (type === 4) await ctx.autocomplete([]);
    else if (type === 2 || type === 3 || type === 5) {
      await ctx.respond({ content: text, ephemeral: true });
    } else return false;
    return true;
  } catch (error) {
    logger.warn(
      "Interaction {id}: its options do not fit its route, and the staleReply answering it failed: {error}",
      { id: shownQuoted(ctx.interaction.id), error: errorText(error) },
    );
    return false;
  }
}
