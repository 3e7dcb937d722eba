/**
 * {@linkcode ParkedSessions}: the sessions of the shards a `FleetShards`
 * process's lease guard stopped (no renewal answered) or that it handed
 * over, kept in memory by shard id with their shard count, and handed back
 * to the fleet's session store once Redis answers again.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import {
  isSessionUsable,
  type SavedSession,
  type SessionStore,
} from "../gateway/session_store.ts";
import type { Shard } from "../gateway/shard.ts";
import type { ResumePoint } from "../gateway/resume_point.ts";
import { newerThan, savedSessionOf } from "./fleet_sessions.ts";

const logger = getLogger(["disruption", "fleet"]);

/** The shards of one count a process runs (a `ShardSet`, as far as needed). */
export interface ParkedSet {
  count: number;
  shards: ReadonlyMap<number, Shard>;
}

/**
 * Sessions of shards the guard stopped: newer than the store's, which was
 * last written at the last renewal that went through (Redis being silent or
 * down since), and perhaps the only copy left: a Redis that comes back
 * without its data has lost the store's. They are keyed by shard id, each
 * with the shard count it was identified with, not by the process's shard
 * set, so they serve whichever set of that count runs next, and never one
 * of another count.
 *
 * Two uses: this process resumes a shard it runs again from its parked
 * session when newer than the stored one ({@linkcode ParkedSessions.of});
 * and the first renewal that goes through writes them back to the store
 * ({@linkcode ParkedSessions.publish}), since the shard may go to another
 * process: after a loss every process takes none for a TTL, and the first
 * out of it counts the others out and takes every shard; resuming only from
 * the store, it identified the shards whose sessions another process held,
 * and their events since the stop were lost while Discord still held the
 * sessions. A parked session is resumed only by the shard's lease holder,
 * like a stored one, so never by two processes at once.
 *
 * The sessions of shards handed over to a process that joined are kept
 * too ({@linkcode ParkedSessions.keep}), for a lease TTL: saved once as they
 * closed, they were lost when Redis lost its data before the taker's next
 * tick, and it identified them.
 */
export class ParkedSessions {
  /** By shard id; `until`: a handed over one's end, on the fleet's clock. */
  readonly #sessions = new Map<
    number,
    { saved: SavedSession; until?: number }
  >();

  /**
   * Park the sessions of every shard `set` runs as they stand, dated
   * `savedAt` on the fleet's clock (a shard with no session is skipped),
   * each no further on than `points` allow (see `savedSessionOf`).
   */
  park(
    set: ParkedSet,
    savedAt: number,
    points: Iterable<ResumePoint> = [],
  ): void {
    for (const [id, shard] of set.shards) {
      const saved = savedSessionOf(shard, set.count, savedAt, points);
      if (saved) this.#sessions.set(id, { saved });
    }
  }

  /**
   * Keep the sessions of shards handed over (saved to the store as they
   * closed, `sessions` as saved: same `savedAt`, so not written back while
   * the store holds them) until `until` on the fleet's clock, or until the
   * store holds a newer one (the taker's: it saves those it runs at each
   * tick). Within that, a tick after Redis lost its data writes them back
   * ({@linkcode ParkedSessions.publish}), and the taker resumes them.
   */
  keep(sessions: readonly SavedSession[], until: number): void {
    for (const saved of sessions) {
      this.#sessions.set(saved.shardId, { saved, until });
    }
  }

  /** The sessions parked for shards of `count`, by shard id. */
  of(count: number): ReadonlyMap<number, SavedSession> {
    return new Map(
      [...this.#sessions].flatMap(([id, { saved }]) =>
        saved.shardCount === count ? [[id, saved]] : []
      ),
    );
  }

  /**
   * Write the parked sessions of `set`'s count back to `store` where they
   * are newer than what it holds (it may have lost them with Redis's data),
   * so whichever process takes a shard next resumes it; then forget them
   * (the store holds them, or something newer), but those handed over while
   * kept ({@linkcode ParkedSessions.keep}) unless the store holds newer
   * (Redis may lose its data again before the taker runs them). Sessions
   * of another count, of shards `set` runs (a renewal answered late
   * restarted them: their sessions are saved as they run) or too old to
   * resume are forgotten at once. A store that fails keeps them parked, for this process to resume
   * its own shards from and for the next renewal to try again; logged, not
   * thrown.
   *
   * A save racing another process's (one that took a shard and saved its
   * session between this read and this write) may put back an older one
   * for a renewal period, until that process saves again: a RESUME from it
   * replays more, or fails and identifies.
   *
   * @param store The fleet's session store.
   * @param set The running set.
   * @param now The time on the fleet's clock.
   */
  async publish(
    store: SessionStore,
    set: ParkedSet,
    now: number,
  ): Promise<void> {
    for (const [id, { saved }] of this.#sessions) {
      if (
        set.shards.has(id) ||
        !isSessionUsable(saved, { shardCount: set.count, now })
      ) {
        this.#sessions.delete(id);
      }
    }
    const parked = [...this.#sessions.values()];
    if (parked.length === 0) return;
    const current = (entry: (typeof parked)[number]) =>
      this.#sessions.get(entry.saved.shardId) === entry;
    try {
      const stored = new Map(
        (await store.loadAll()).map((saved) => [saved.shardId, saved]),
      );
      const newer = parked.map(({ saved }) => saved).filter((saved) =>
        newerThan(saved, stored.get(saved.shardId))
      );
      if (newer.length > 0) {
        await store.save(newer);
        logger.info(
          "Wrote back the sessions of shards {shards} the guard stopped (newer than the store's)",
          { shards: newer.map((saved) => saved.shardId) },
        );
      }
      // Only those written or outdated: the guard may have parked newer
      // ones meanwhile (Redis silent again), for the next renewal. One
      // handed over stays while kept and the store holds no newer: equal
      // is its own save (or the write-back), which a loss may take again.
      for (const entry of parked) {
        const { saved, until } = entry;
        const prior = stored.get(saved.shardId);
        const taken = prior !== undefined && newerThan(prior, saved);
        const kept = until !== undefined && now < until && !taken;
        if (!kept && current(entry)) this.#sessions.delete(saved.shardId);
      }
    } catch (error) {
      logger.warn(
        "Could not write back the sessions of the shards the guard stopped (kept for the next renewal): {error}",
        { error },
      );
    }
  }
}
