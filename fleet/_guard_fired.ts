/**
 * {@linkcode stopUnrenewed}: what a `FleetShards` process does when no lease
 * renewal was answered in time (its `LeaseGuard` fired): says so on stderr,
 * parks the running set's sessions as they stand and stops every shard of
 * its sets before their leases can expire.
 *
 * Private to the package: tested through `FleetShards`
 * (`tests/fleet/fleet_lease_guard_test.ts`).
 *
 * @module
 */
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { ResumePoint } from "../gateway/resume_point.ts";
import type { ParkedSessions } from "./parked_sessions.ts";
import { idsOf, type ShardSet } from "./shard_sets.ts";

/** Lines an operator must act on: on stderr when LogTape is not configured. */
const visible = getVisibleLogger(["disruption", "fleet"]);

/** What {@linkcode stopUnrenewed} acts on. */
export interface UnrenewedSets {
  /** The running set: its sessions are parked. */
  current: ShardSet;
  /** A reshard's new set, if any. */
  next: ShardSet | undefined;
  /** Now on the fleet's clock: when the parked sessions are dated. */
  fleetNow: number;
  /** Where the parked sessions stay before (see `ResumePoint`). */
  points: readonly ResumePoint[];
  /** Where the running set's sessions are parked. */
  parked: ParkedSessions;
  /** Close shards `ids` of `set` resumably, saving nothing. */
  stop(set: ShardSet, ids: number[]): void;
}

/**
 * No renewal answered `why`: stop every shard of `sets`.
 *
 * @param why How late, for the error said.
 * @param sets The sets and how to stop them.
 * @returns Whether it stopped any shard.
 */
export function stopUnrenewed(why: string, sets: UnrenewedSets): boolean {
  let stopped = false;
  for (const set of [sets.current, sets.next]) {
    const ids = set ? idsOf(set) : [];
    if (!set || ids.length === 0) continue;
    // Said without setup: a silent Redis fails no command; the only sign.
    visible.error(
      "No lease renewal answered {why}: stopping shards {shards} before their leases can expire (they run again once a renewal goes through)",
      { why, shards: ids },
    );
    if (set === sets.current) sets.parked.park(set, sets.fleetNow, sets.points);
    sets.stop(set, ids);
    stopped = true;
  }
  return stopped;
}
