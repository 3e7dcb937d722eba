/**
 * {@linkcode markShard}: how a `FleetShards` process tells Redis that a
 * shard of a reshard's new set is complete (counts toward the fleet's
 * switch) or no longer (its session ended), as `watchMarks` reports it.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import type { Shard } from "../gateway/shard.ts";
import type { FleetGeneration } from "./fleet_generation.ts";
import type { ShardSet } from "./shard_sets.ts";

const logger = getLogger(["disruption", "fleet"]);

/** What {@linkcode markShard} needs of the process. */
export interface ShardMarks {
  /** The fleet's shard count and reshard in Redis. */
  record: FleetGeneration;
  /** Now on the leases' clock, or `undefined` for Redis's. */
  leaseNow(): number | undefined;
  /** Save the sessions of `shards` of `set`. */
  save(set: ShardSet, shards: Shard[]): Promise<unknown>;
  /** The mark flipped the fleet's count: switch now, not at the next tick. */
  flipped(): Promise<void>;
}

/**
 * Mark `shard` of the new set `set` complete (`ready`) or no longer.
 *
 * @param marks What the process provides.
 * @param set The reshard's new set, which runs `shard`.
 * @param shard The shard.
 * @param ready Complete, or its session ended.
 * @returns `false` when Redis was not told (the mark is sent again).
 */
export async function markShard(
  marks: ShardMarks,
  set: ShardSet,
  shard: Shard,
  ready: boolean,
): Promise<boolean> {
  const id = shard.id;
  try {
    if (!ready) {
      logger.info(
        "New shard {id} of {count} lost its session; it counts toward the switch again once complete",
        { id, count: set.count },
      );
      await marks.record.markReady(
        set.count,
        id,
        false,
        marks.leaseNow(),
        true,
      );
      return true;
    }
    // Its session first: once marked, the set may flip without this
    // process, and whoever takes the shard over resumes from it.
    await marks.save(set, [shard]);
    const flipped = await marks.record.markReady(
      set.count,
      id,
      true,
      marks.leaseNow(),
    );
    if (flipped) await marks.flipped();
    return true;
  } catch (error) {
    logger.warn("Could not mark shard {id} {what}: {error}", {
      id,
      what: ready ? "ready" : "no longer ready",
      error,
    });
    return false;
  }
}
