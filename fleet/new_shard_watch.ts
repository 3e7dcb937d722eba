/**
 * {@linkcode watchNewShard}: how a `FleetShards` process follows a shard of
 * a reshard's new set until the switch, marking it in Redis (see
 * `reshard_marks.ts`) as its completeness changes.
 *
 * @module
 */
import type { Scheduler } from "../base/scheduler.ts";
import type { Shard } from "../gateway/shard.ts";
import { markShard, type ShardMarks } from "./reshard_marks.ts";
import { watchMarks } from "./shard_completion.ts";
import type { ShardSet } from "./shard_sets.ts";

/**
 * Watch a new set's started shard until the switch: marked ready once
 * complete, the mark withdrawn if its session ends (it identifies again:
 * the set must not flip while its guilds have no session), and marked
 * again once its new session is complete. The marks go to Redis in order;
 * none once the set is no longer the new set or runs another shard.
 *
 * @param marks How the process marks.
 * @param scheduler The clock of the retries.
 * @param isNext Whether `set` is still the reshard's new set.
 * @param set The new set.
 * @param shard Its shard, just started.
 * @param resumed It resumes a session that was complete.
 */
export function watchNewShard(
  marks: ShardMarks,
  scheduler: Scheduler,
  isNext: (set: ShardSet) => boolean,
  set: ShardSet,
  shard: Shard,
  resumed: boolean,
): void {
  const stop = watchMarks(
    shard,
    resumed,
    scheduler,
    (ready) =>
      !isNext(set) || set.shards.get(shard.id) !== shard
        ? Promise.resolve(true)
        : markShard(marks, set, shard, ready),
  );
  set.watchers.set(shard.id, stop);
}
