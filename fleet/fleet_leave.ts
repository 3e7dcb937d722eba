/**
 * {@linkcode leaveSets}: the end of `FleetShards.close()`, each running
 * set's shards closed resumably, their sessions saved and their leases
 * released, within a wait on Redis.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { getVisibleLogger } from "../base/visible_logger.ts";
import { heldIds, type ShardSet } from "./shard_sets.ts";

const logger = getLogger(["disruption", "fleet"]);
/** A leave without Redis is for an operator to see. */
const visible = getVisibleLogger(["disruption", "fleet"]);

/** How {@linkcode leaveSets} closes the sets. */
export interface SetsLeave {
  /** Close shards `ids` of `set` resumably, saving the running set's sessions. */
  stop(set: ShardSet, ids: readonly number[]): Promise<unknown>;
  /** Whether a promise settled before the leave's deadline. */
  wait(promise: Promise<unknown>): Promise<boolean>;
  /** How long the leave waits for Redis, in ms (0: not at all). */
  ms: number;
  /** The lease TTL, for the warnings. */
  ttlMs: number;
  /** Whether Redis answered everything waited for so far. */
  answered: boolean;
}

/**
 * Close `sets` and release their leases (see {@linkcode SetsLeave}).
 *
 * @param sets The running set and a reshard's new set, when there is one.
 * @param how How.
 */
export async function leaveSets(
  sets: readonly (ShardSet | undefined)[],
  how: SetsLeave,
): Promise<void> {
  let answered = how.answered;
  for (const set of sets) {
    if (!set) continue;
    const ids = heldIds(set);
    // The shards close whatever Redis does (see FleetShards' #stop); the
    // leases are released once their sessions are saved, if Redis answers.
    const released = how.stop(set, ids).then(
      () => set.leases.release(ids, true),
    ).catch((error: unknown) => {
      logger.warn(
        "Could not release leases ({shards}); they expire in {ttl} ms: {error}",
        { shards: ids, ttl: how.ttlMs, error },
      );
    });
    answered = await how.wait(released) && answered;
  }
  if (!answered && how.ms > 0) {
    visible.warn(
      "Left the fleet without Redis answering within {ms} ms: its shards are closed, their sessions may not be saved and their leases expire within {ttl} ms",
      { ms: how.ms, ttl: how.ttlMs },
    );
  }
}
