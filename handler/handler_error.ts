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
  /**
   * What threw: a `Handler` event method (named by `method`), `onRaw`, a
   * listener added with `client.on`, or one added with `{ atArrival: true }`.
   * The Client always says; an error built without it is worded "Handler
   * for …".
   */
  source?: "method" | "raw" | "listener" | "atArrival";
  /** The Handler method that threw, for a `method` or `raw` source. */
  method?: string;
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
 * const error = new HandlerError({ cause: new Error("boom"), event: "MESSAGE_CREATE", shardId: 0, sequence: 7, source: "method", method: "onMessageCreate" });
 * assert.equal(error.event, "MESSAGE_CREATE");
 * assert.equal(error.source, "method");
 * assert.equal(error.message, "Handler method onMessageCreate for MESSAGE_CREATE (shard 0, sequence 7) threw: boom");
 *
 * const fromListener = new HandlerError({ cause: new Error("boom"), event: "MESSAGE_CREATE", shardId: 0, sequence: 8, source: "listener" });
 * assert.equal(fromListener.message, "A listener for MESSAGE_CREATE (shard 0, sequence 8) threw: boom");
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
   * What threw: a method, `onRaw`, a listener or an `atArrival` listener
   * (two handlers of one event that throw are told apart by it, not only by
   * what they threw). Unset for an error built without it.
   */
  readonly source?: HandlerErrorOptions["source"];
  /** The Handler method that threw (`onMessageCreate`, `onRaw`), if one did. */
  readonly method?: string;

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
    const who = whoThrew(options);
    super(
      `${who} for ${options.event} (shard ${options.shardId}, sequence ${options.sequence}) threw: ${reason}`,
      { cause: options.cause },
    );
    this.name = "HandlerError";
    this.event = options.event;
    this.shardId = options.shardId;
    this.sequence = options.sequence;
    if (options.source !== undefined) this.source = options.source;
    if (options.method !== undefined) this.method = options.method;
  }
}

/** The start of the message: what threw. */
function whoThrew(options: HandlerErrorOptions): string {
  switch (options.source) {
    case "listener":
      return "A listener";
    case "atArrival":
      return "An atArrival listener";
    case "method":
    case "raw": {
      const method = options.method ??
        (options.source === "raw" ? "onRaw" : undefined);
      return method === undefined
        ? "Handler method"
        : `Handler method ${method}`;
    }
    default:
      return "Handler";
  }
}
