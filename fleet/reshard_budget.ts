/**
 * What a fleet-wide reshard is checked against before it is asked of Redis
 * (`FleetShards.reshard`, `fleet_shards.ts`): the new count, and the day's
 * session starts, given or read from a `RedisIdentifyQueue`'s shared budget.
 *
 * @module
 */
import type { Scheduler } from "../base/scheduler.ts";
import type { IdentifyQueue } from "../gateway/identify_queue.ts";
import { RedisIdentifyQueue } from "../redis/identify_queue.ts";
import { checkSessionStartsLeft, checkShardCount } from "./shard_count.ts";
import { fromRedis } from "./redis_waits.ts";
import { ReshardError, type ReshardOptions } from "./resharding_shards.ts";

/**
 * Refuse a reshard of the fleet to `shardCount` that is out of range or
 * that the day's session starts cannot cover: `sessionStartsLeft` when
 * given, else the shared budget of a `RedisIdentifyQueue` (a queue that
 * keeps none, or a budget not in Redis yet, refuses nothing).
 *
 * @param scheduler The timers, for the wait on Redis.
 * @param queue The fleet's identify queue.
 * @param shardCount The count asked for.
 * @param options The day's session starts left, when known.
 * @throws {ReshardError} When the budget cannot cover the new set.
 * @throws {RangeError} When `shardCount` is not an integer from 1 to
 * 65,536 or `sessionStartsLeft` not an integer >= 0.
 * @throws {Error} When Redis does not answer within 10 s.
 */
export async function checkFleetReshard(
  scheduler: Scheduler,
  queue: IdentifyQueue,
  shardCount: number,
  options: ReshardOptions,
): Promise<void> {
  checkShardCount(shardCount);
  checkSessionStartsLeft(options.sessionStartsLeft, shardCount);
  let left = options.sessionStartsLeft;
  if (left === undefined && queue instanceof RedisIdentifyQueue) {
    const what = `reshard to ${shardCount} shards`;
    left = (await fromRedis(scheduler, queue.budget(), what))?.remaining;
  }
  if (left !== undefined && left < shardCount) {
    throw new ReshardError(
      `Cannot reshard the fleet to ${shardCount} shards: ${shardCount} session starts are needed and only ${left} are left today; wait for the reset or reshard later`,
    );
  }
}
