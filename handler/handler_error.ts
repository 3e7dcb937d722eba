/**
 * The error a throwing handler becomes.
 *
 * @module
 */
import { errorText } from "../base/error_text.ts";

/** Where a {@linkcode HandlerError} happened. */
export interface HandlerErrorOptions {
  /** What the handler threw. */
  cause: unknown;
  /** The event being handled. */
  event: string;
  /** The shard the event came from. */
  shardId: number;
  /** The event's sequence number. */
  sequence: number;
}

/**
 * A handler (a `Handler` method or an `on` listener) threw or rejected. The
 * shard is not affected: the next event is handled as usual.
 *
 * @example Usage
 * ```ts
 * import { HandlerError } from "@disruption/disruption/handler";
 * import assert from "node:assert/strict";
 *
 * const error = new HandlerError({ cause: new Error("boom"), event: "MESSAGE_CREATE", shardId: 0, sequence: 7 });
 * assert.equal(error.event, "MESSAGE_CREATE");
 * assert.match(error.message, /MESSAGE_CREATE/);
 * ```
 */
export class HandlerError extends Error {
  /** The event being handled. */
  readonly event: string;
  /** The shard the event came from. */
  readonly shardId: number;
  /** The event's sequence number. */
  readonly sequence: number;

  /**
   * Wrap what a handler threw.
   *
   * @param options What was thrown, and where.
   */
  constructor(options: HandlerErrorOptions) {
    // Never throwing: building the error must not fail (its report, `onError`
    // or the stderr line, was then lost, and an `atArrival` listener's
    // rejection ended the process).
    const reason = errorText(options.cause);
    super(
      `Handler for ${options.event} (shard ${options.shardId}, sequence ${options.sequence}) threw: ${reason}`,
      { cause: options.cause },
    );
    this.name = "HandlerError";
    this.event = options.event;
    this.shardId = options.shardId;
    this.sequence = options.sequence;
  }
}
