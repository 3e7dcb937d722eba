/**
 * {@linkcode closeSetShards}: how a `FleetShards` process stops shards of
 * one of its sets (lost or shed leases, the lease guard, a cancelled
 * reshard, `close()`): out of the set first, a new set's unmarked from its
 * reshard's barrier, then closed.
 *
 * @module
 */
import { type Scheduler, settlesWithin } from "../base/scheduler.ts";
import type { Shard } from "../gateway/shard.ts";
import type { FleetGeneration } from "./fleet_generation.ts";
import { type ShardSet, shardsOf } from "./shard_sets.ts";

/** How {@linkcode closeSetShards} closes. */
export interface SetStop {
  /** The fleet's count and barrier. */
  record: FleetGeneration;
  /** The timers. */
  scheduler: Scheduler;
  /** Whether the set is a reshard's new set (its shards are unmarked). */
  isNext: boolean;
  /** How long Redis is waited for to unmark them, in ms. */
  unmarkMs: number;
  /** Whether the sessions stay resumable on Discord. */
  resumable: boolean;
  /** The lease guard fired late: Redis is not waited for at all. */
  late: boolean;
}

/**
 * Take shards `ids` out of `set` and close them.
 *
 * @param set The set.
 * @param ids The shards.
 * @param how How (see {@linkcode SetStop}).
 * @returns The shards closed, for their sessions to be saved.
 */
export async function closeSetShards(
  set: ShardSet,
  ids: readonly number[],
  how: SetStop,
): Promise<Shard[]> {
  const shards = shardsOf(set, ids);
  for (const shard of shards) {
    set.shards.delete(shard.id);
    set.watchers.get(shard.id)?.();
    set.watchers.delete(shard.id);
  }
  if (how.isNext && shards.length > 0) {
    // A new shard that stops no longer counts toward the barrier. Redis
    // is waited for half a renewal at most (the guard stops them a renewal
    // period before their leases end; a late one a second: not waited).
    const unmarked = Promise.all(
      shards.map((shard) =>
        how.record.markReady(set.count, shard.id, false).catch(() => {})
      ),
    );
    const waited = how.late ? undefined : unmarked;
    await settlesWithin(how.scheduler, waited, how.unmarkMs);
  }
  await Promise.all(shards.map((s) => s.close({ resumable: how.resumable })));
  return shards;
}
