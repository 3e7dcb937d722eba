// The range and key checks of RedisIdentifyQueue's options and session
// start limit (redis/identify_queue.ts), with its messages. Private to the
// queue.
import { checkOptionKeys } from "../base/option_keys.ts";
import {
  assertObjectOption,
  assertSchedulerOption,
  shownQuoted,
} from "../base/option_checks.ts";
import type { SessionStartLimit } from "../gateway/identify_queue.ts";

/**
 * Every key of `RedisIdentifyQueueOptions`: the queue passes its options
 * type along, and the compiler refuses a list that misses one.
 */
export const QUEUE_KEYS = {
  prefix: true,
  maxConcurrency: true,
  intervalMs: true,
  sessionStartLimit: true,
  pollMs: true,
  livenessMs: true,
  clock: true,
  scheduler: true,
} as const;

/**
 * Refuse a key that is none of the queue's options, as `MemoryIdentifyQueue`
 * does: a misspelt `interval` left every process pacing at 5 s.
 *
 * @param options The queue's options.
 * @param keys Every key of their type ({@linkcode QUEUE_KEYS}).
 * @throws {TypeError} When `options` is not an object or has another key
 * (the message names the nearest one), its `scheduler` is not a Scheduler
 * or its `sessionStartLimit` is not an object.
 */
export function checkQueueKeys<T>(
  options: T,
  keys: NoInfer<Readonly<Record<keyof T, true>>>,
): void {
  checkOptionKeys("create identify queue", "", options, Object.keys(keys));
  // Else construction failed with "scheduler.now is not a function", and a
  // falsy limit (0, "", null) was read as "not set".
  const { scheduler, sessionStartLimit } = (options ?? {}) as {
    scheduler?: unknown;
    sessionStartLimit?: unknown;
  };
  assertSchedulerOption("identify queue", scheduler);
  assertObjectOption("identify queue", "sessionStartLimit", sessionStartLimit);
}

/**
 * Throws a RangeError unless `value` is a positive safe integer; `action`
 * names what was refused ("create identify queue").
 */
export function positiveInteger(
  action: string,
  name: string,
  value: number,
): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot ${action} as '${name}' must be a positive integer: current value '${name}=${
        shownQuoted(value)
      }'`,
    );
  }
}

/** Throws a RangeError unless `value` is a non-negative safe integer (see {@linkcode positiveInteger}). */
export function nonNegativeInteger(
  action: string,
  name: string,
  value: number,
): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(
      `Cannot ${action} as '${name}' must be a non-negative integer: current value '${name}=${
        shownQuoted(value)
      }'`,
    );
  }
}

/** Throws a RangeError unless `value` is a non-negative finite number (see {@linkcode positiveInteger}). */
export function nonNegative(
  action: string,
  name: string,
  value: number,
): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(
      `Cannot ${action} as '${name}' must be a non-negative finite number: current value '${name}=${
        shownQuoted(value)
      }'`,
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
  // Worded as MemoryIdentifyQueue words it, at construction too.
  const action = "update session start limit";
  nonNegativeInteger(action, "total", limit.total);
  nonNegativeInteger(action, "remaining", limit.remaining);
  nonNegative(action, "reset_after", limit.reset_after);
  positiveInteger(action, "max_concurrency", limit.max_concurrency);
}
