/**
 * After Redis lost the fleet's keys, a shard with no stored session is not
 * identified for a while: its session may be in a process's memory only.
 *
 * A process cut off from Redis stops its shards before their leases can
 * expire (the lease guard) and keeps their sessions, newer than the store's,
 * to write back once it reaches Redis again. When Redis then loses its keys
 * (a restart without persistence, `FLUSHALL`), the others' hold after the
 * loss ends a lease TTL later, they take those shards, find no session and
 * identify: every event since the guard stopped them was lost (140 in a
 * reviewer's run), though the cut-off process could still have RESUMEd them
 * for Discord. So a shard of the running set that finds no usable session
 * waits, its lease held, and looks again at each renewal: it RESUMEs as soon
 * as its session is back in the store, and identifies once
 * {@linkcode IDENTIFY_AFTER_LOSS_MS} have passed since the loss. Waiting
 * costs only availability, after a double fault (a cut-off process and a
 * data loss): a session that never comes back is lost all the same.
 *
 * Only a process that synced before the loss since it started sees it (a
 * first sync cannot tell a loss from the fleet's first start): one started
 * after the loss identifies such a shard at once.
 *
 * @module
 */
import { getVisibleLogger } from "../base/visible_logger.ts";

const visible = getVisibleLogger(["disruption", "fleet"]);

/**
 * How long after Redis lost the fleet's keys (the count written again, on
 * the leases' clock) a shard with no stored session waits before it
 * identifies, in ms. Under Discord's resume window (about 90 s from the
 * disconnect) with room for a renewal or two: a session the lease guard's
 * process writes back meanwhile is still resumable when a taker reads it.
 */
export const IDENTIFY_AFTER_LOSS_MS = 60_000;

/** What {@linkcode waitsForSession} reads of the last sync. */
export interface SyncedLoss {
  /** When the count was written again after a loss this process saw. */
  readonly lostAt: number | undefined;
}

/**
 * Whether a shard of the running set with no usable session must wait
 * rather than identify at `now` (on the leases' clock).
 *
 * @param synced What the process's syncs saw (a `FleetGeneration`).
 * @param now The time on the fleet's clock.
 */
export function waitsForSession(synced: SyncedLoss, now: number): boolean {
  const lostAt = synced.lostAt;
  return lostAt !== undefined && now < lostAt + IDENTIFY_AFTER_LOSS_MS;
}

/** The last loss said (its time), so that each is said once. */
const said = new WeakMap<SyncedLoss, number>();

/**
 * Say (once per loss) that `ids` wait for their sessions rather than
 * identify.
 *
 * @param synced What the process's syncs saw.
 * @param ids The shards waiting.
 * @param now The time on the fleet's clock.
 */
export function sayWaiting(
  synced: SyncedLoss,
  ids: readonly number[],
  now: number,
): void {
  const lostAt = synced.lostAt;
  if (ids.length === 0 || lostAt === undefined) return;
  if (said.get(synced) === lostAt) return;
  said.set(synced, lostAt);
  visible.warn(
    "Redis lost the fleet's keys: shards {shards} have no saved session, perhaps kept in the memory of a process cut off from Redis; they wait for it (RESUMEd once it is back in the store) and identify in {ms} ms if it does not come",
    { shards: ids, ms: Math.max(0, lostAt + IDENTIFY_AFTER_LOSS_MS - now) },
  );
}
