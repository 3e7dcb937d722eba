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

/**
 * The session starts `queue`'s budget has left: a `RedisIdentifyQueue`'s
 * shared one, a `MemoryIdentifyQueue`'s own; `undefined` for a queue that
 * keeps none, or a budget not known yet.
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
  if (queue instanceof RedisIdentifyQueue) {
    return (await fromRedis(scheduler, queue.budget(), asked))?.remaining;
  }
  return queue instanceof MemoryIdentifyQueue ? queue.remaining : undefined;
}
