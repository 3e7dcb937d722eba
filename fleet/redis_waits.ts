/**
 * How long a `FleetShards` process waits for Redis where a caller waits:
 * `start()`, `reshard()`, `cancelReshard()` and `close()`. Redis that does
 * not answer at all (frozen, a stalled network) fails no command (ioredis
 * has no command timeout), and those waits held the caller forever.
 *
 * @module
 */
import { type Scheduler, settlesWithin } from "../base/scheduler.ts";

/**
 * The longest a caller waits for Redis, in ms (as `ShardManager` waits for
 * its session store).
 */
export const REDIS_WAIT_MS = 10_000;

/** What an error says of Redis not answering in time. */
export function silentRedis(ms: number): string {
  return `Redis did not answer within ${ms} ms (is it frozen, or the network to it stalled?)`;
}

/**
 * `promise`'s answer, within {@linkcode REDIS_WAIT_MS}.
 *
 * @param scheduler The timers.
 * @param promise A Redis call.
 * @param what What it was for, as in "Cannot reshard to 4 shards".
 * @returns Its answer.
 * @throws {Error} When it has none in time, saying `Cannot {what}`.
 */
export async function fromRedis<T>(
  scheduler: Scheduler,
  promise: Promise<T>,
  what: string,
): Promise<T> {
  if (!await settlesWithin(scheduler, promise, REDIS_WAIT_MS)) {
    throw new Error(`Cannot ${what}: ${silentRedis(REDIS_WAIT_MS)}`);
  }
  return await promise;
}

/**
 * Waits that all end by `until` (on the scheduler's clock).
 *
 * @returns A wait: whether its promise settled by then (at once `false`
 * past `until`, `true` for none).
 */
export function waitsUntil(
  scheduler: Scheduler,
  until: number,
): (promise: Promise<unknown> | undefined) => Promise<boolean> {
  return (promise) => {
    const left = until - scheduler.now();
    return left > 0 || !promise
      ? settlesWithin(scheduler, promise, left)
      : Promise.resolve(false);
  };
}
