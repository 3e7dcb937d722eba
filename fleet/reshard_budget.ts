/**
 * What a reshard is checked against before anything starts (a fleet's,
 * `FleetShards.reshard`, before it is asked of Redis, and one process's,
 * `ReshardingShards.reshard`): the new count, and the day's session
 * starts, given or read from the identify queue's budget.
 *
 * @module
 */
import type { Scheduler } from "../base/scheduler.ts";
import type { IdentifyQueue } from "../gateway/identify_queue.ts";
import { MemoryIdentifyQueue } from "../gateway/identify_queue.ts";
import { RedisIdentifyQueue } from "../redis/identify_queue.ts";
import { checkSessionStartsLeft, checkShardCount } from "./shard_count.ts";
import { fromRedis } from "./redis_waits.ts";
import { ReshardError } from "./reshard_error.ts";

/**
 * Options for `ReshardingShards.reshard` and `FleetShards.reshard`.
 */
export interface ReshardOptions {
  /**
   * Session starts left today (`session_start_limit.remaining`, or a shared
   * queue's budget), an integer >= 0: the reshard is refused when the new
   * set needs more. Without it, the identify queue's budget is asked (a
   * `RedisIdentifyQueue`'s shared one, a `MemoryIdentifyQueue`'s own).
   */
  sessionStartsLeft?: number;
}

/**
 * Refuse a reshard to `shardCount` that is out of range or that the day's
 * session starts cannot cover: `sessionStartsLeft` when given, else the
 * budget of the identify queue (a `RedisIdentifyQueue`'s shared one, a
 * `MemoryIdentifyQueue`'s own; a queue that keeps none, or a budget not
 * known yet, refuses nothing).
 *
 * @param scheduler The timers, for the wait on Redis.
 * @param queue The identify queue the new set would identify through.
 * @param shardCount The count asked for.
 * @param options The day's session starts left, when known.
 * @param what What is resharded, as said in the refusal ("the fleet").
 * @throws {ReshardError} When the budget cannot cover the new set.
 * @throws {RangeError} When `shardCount` is not an integer from 1 to
 * 65,536 or `sessionStartsLeft` not an integer >= 0.
 * @throws {Error} When Redis does not answer within 10 s.
 */
export async function checkReshard(
  scheduler: Scheduler,
  queue: IdentifyQueue,
  shardCount: number,
  options: ReshardOptions,
  what?: string,
): Promise<void> {
  checkShardCount(shardCount);
  checkSessionStartsLeft(options.sessionStartsLeft, shardCount);
  const left = options.sessionStartsLeft ??
    await sessionStartsLeft(
      scheduler,
      queue,
      `reshard to ${shardCount} shards`,
    );
  if (left !== undefined && left < shardCount) {
    throw new ReshardError(
      `Cannot reshard ${
        what ? `${what} ` : ""
      }to ${shardCount} shards: ${shardCount} session starts are needed and only ${left} are left today; wait for the reset or reshard later`,
    );
  }
}

/** A queue's session start budget, as a reshard reads it. */
export interface SessionStartBudget {
  /** Session starts left (a reset that has passed counts as `total`). */
  left: number;
  /** Milliseconds until the budget resets; 0 once the reset is due. */
  resetIn: number;
}

/**
 * The session start budget of `queue`: a `RedisIdentifyQueue`'s shared
 * one, a `MemoryIdentifyQueue`'s own; `undefined` for a queue that keeps
 * none, or a budget not known yet.
 *
 * @param scheduler The timers, for the wait on Redis, and the clock the
 * shared budget's reset time is read against.
 * @param queue The identify queue.
 * @param asked What the budget is asked for, as a Redis timeout says it.
 * @returns What is left, and when it resets, when known.
 * @throws {Error} When Redis does not answer within 10 s.
 */
export async function sessionStartBudget(
  scheduler: Scheduler,
  queue: IdentifyQueue,
  asked: string,
): Promise<SessionStartBudget | undefined> {
  if (queue instanceof RedisIdentifyQueue) {
    const budget = await fromRedis(scheduler, queue.budget(), asked);
    if (budget === undefined) return undefined;
    // The stored count is refilled by the first grant attempt after
    // reset_at, not before: until then it still reads the spent window's.
    // `resetAt` is on the queue's scheduler, placed from the time left by
    // the scripts' own clock (Redis's by default): read against this
    // process's wall clock as stored, a clock 10 min ahead took a spent
    // budget for reset. (`scheduler` is the queue's: a fleet's options
    // give both, a process has one clock.)
    const resetIn = budget.resetAt - scheduler.now();
    return resetIn > 0
      ? { left: budget.remaining, resetIn }
      : { left: budget.total, resetIn: 0 };
  }
  if (!(queue instanceof MemoryIdentifyQueue)) return undefined;
  // Read after `remaining`, which refills a budget whose reset has passed.
  const left = queue.remaining;
  const resetIn = queue.resetAfter;
  return left === undefined || resetIn === undefined
    ? undefined
    : { left, resetIn };
}

/**
 * The session starts `queue`'s budget has left (see
 * {@linkcode sessionStartBudget}).
 *
 * @param scheduler The timers, for the wait on Redis.
 * @param queue The identify queue.
 * @param asked What the budget is asked for, as a Redis timeout says it.
 * @returns The session starts left, when known.
 * @throws {Error} When Redis does not answer within 10 s.
 */
export async function sessionStartsLeft(
  scheduler: Scheduler,
  queue: IdentifyQueue,
  asked: string,
): Promise<number | undefined> {
  return (await sessionStartBudget(scheduler, queue, asked))?.left;
}
