/**
 * {@linkcode InteractionError}: what goes wrong answering an interaction.
 *
 * @module
 */

/**
 * Why an {@linkcode InteractionError} was raised:
 * - `not_answered`: the handler did not answer within Discord's 3 s.
 * - `already_answered`: a second initial response to one interaction.
 * - `handler_failed`: the handler threw (the cause is attached).
 * - `options_mismatch`: the interaction's options do not fit the command's
 *   definition (the registered command is out of date: sync again).
 * - `invalid_response`: the response breaks one of Discord's rules (e.g.
 *   content with Components v2); nothing was sent.
 * - `token_expired`: Discord would no longer take it (an initial response
 *   after 3 s, or after the HTTP endpoint's `answerDeadline`; a follow-up
 *   or edit after the token's 15 minutes); nothing was sent.
 */
export type InteractionErrorKind =
  | "not_answered"
  | "already_answered"
  | "handler_failed"
  | "options_mismatch"
  | "invalid_response"
  | "token_expired";

/** Options for {@linkcode InteractionError}. */
export interface InteractionErrorOptions {
  /** The command name or custom id the interaction was for. */
  interaction?: string | undefined;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * An interaction could not be handled as it should.
 *
 * @example Usage
 * ```ts
 * import { InteractionError } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const error = new InteractionError("not_answered", "/roll was not answered within 3000 ms", { interaction: "/roll" });
 * assert.equal(error.kind, "not_answered");
 * assert.equal(error.interaction, "/roll");
 * ```
 */
export class InteractionError extends Error {
  /** Why it was raised. */
  readonly kind: InteractionErrorKind;
  /** The command (`/name`) or custom id it was for. */
  readonly interaction: string | undefined;

  /**
   * Create the error.
   *
   * @param kind Why.
   * @param message What happened and what to do.
   * @param options The interaction and the cause.
   */
  constructor(
    kind: InteractionErrorKind,
    message: string,
    options: InteractionErrorOptions = {},
  ) {
    super(
      message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "InteractionError";
    this.kind = kind;
    this.interaction = options.interaction;
  }
}
