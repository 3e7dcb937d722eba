// The range checks of RedisIdentifyQueue's options and session start limit
// (redis/identify_queue.ts), with its messages. Private to the queue.
import type { SessionStartLimit } from "../gateway/identify_queue.ts";

/** Throws a RangeError unless `value` is a positive safe integer. */
export function positiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot configure identify queue as '${name}' must be a positive integer: current value '${name}=${value}'`,
    );
  }
}

/** Throws a RangeError unless `value` is a non-negative safe integer. */
export function nonNegativeInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(
      `Cannot configure identify queue as '${name}' must be a non-negative integer: current value '${name}=${value}'`,
    );
  }
}

/** Throws a RangeError unless `value` is a non-negative finite number. */
export function nonNegative(name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(
      `Cannot configure identify queue as '${name}' must be a non-negative finite number: current value '${name}=${value}'`,
    );
  }
}

/**
 * Refuse a session start limit with a field out of range.
 *
 * @param limit The `session_start_limit` of `GET /gateway/bot`.
 * @throws {RangeError} When a field is out of range.
 */
export function checkSessionStartLimit(limit: SessionStartLimit): void {
  nonNegativeInteger("total", limit.total);
  nonNegativeInteger("remaining", limit.remaining);
  nonNegative("reset_after", limit.reset_after);
  positiveInteger("max_concurrency", limit.max_concurrency);
}
