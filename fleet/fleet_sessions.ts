/**
 * The sessions of the shards a `FleetShards` process runs: which saved
 * session each shard a tick starts resumes from ({@linkcode TickSessions},
 * each store read once per tick however many shards the tick starts, and
 * never waited for past the tick's leases), the save of running shards'
 * sessions ({@linkcode saveSessions}, at each tick, and
 * {@linkcode NewSessionSaves}, at each READY), and the sessions forgotten
 * at a switch to fewer shards ({@linkcode forgetSessionsPast}).
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { type Scheduler, settlesWithin } from "../base/scheduler.ts";
import type { SavedSession, SessionStore } from "../gateway/session_store.ts";
import type { Shard } from "../gateway/shard.ts";
import { type ResumePoint, savedSequence } from "../gateway/resume_point.ts";
import type { StoreFailures } from "./store_failures.ts";

const logger = getLogger(["disruption", "fleet"]);

/**
 * The saved sessions of one store as one tick sees them: read once, on the
 * first {@linkcode TickSessions.get}, with `loadAll` (a store's `load`
 * reads the whole value: once per shard, a 4,000-shard takeover read and
 * parsed every session 4,000 times, and outlasted its leases). A read not
 * answered by `until` (on the scheduler's clock) counts as no session: the
 * shards it was for are not started then anyway, their leases no longer
 * safe.
 */
export class TickSessions {
  readonly #store: SessionStore;
  readonly #scheduler: Scheduler;
  readonly #until: number;
  readonly #newer: ReadonlyMap<number, SavedSession>;
  readonly #failures: StoreFailures;
  #loaded: Promise<Map<number, SavedSession>> | undefined;

  /**
   * @param store Where the sessions are saved.
   * @param scheduler The clock `until` is on.
   * @param until When to stop waiting for the store.
   * @param failures Where a failed load is said (see StoreFailures).
   * @param newer Sessions this process kept itself (of shards it stopped):
   * each is used instead of the stored one when saved later.
   */
  constructor(
    store: SessionStore,
    scheduler: Scheduler,
    until: number,
    failures: StoreFailures,
    newer: ReadonlyMap<number, SavedSession> = new Map(),
  ) {
    this.#store = store;
    this.#scheduler = scheduler;
    this.#until = until;
    this.#failures = failures;
    this.#newer = newer;
  }

  /**
   * The session saved last for `shardId`.
   *
   * @param shardId The shard.
   * @returns The session, or `undefined` (none, or the store failed or did
   * not answer in time, which is logged once).
   */
  async get(shardId: number): Promise<SavedSession | undefined> {
    this.#loaded ??= this.#load();
    const stored = (await this.#loaded).get(shardId);
    const kept = this.#newer.get(shardId);
    return kept && newerThan(kept, stored) ? kept : stored;
  }

  async #load(): Promise<Map<number, SavedSession>> {
    const ms = this.#until - this.#scheduler.now();
    if (ms <= 0) return new Map();
    const loading = (async () => await this.#store.loadAll())();
    loading.catch(() => {}); // A read given up on may still fail.
    try {
      if (await settlesWithin(this.#scheduler, loading, ms)) {
        const sessions = await loading;
        this.#failures.worked("load");
        return new Map(sessions.map((s) => [s.shardId, s]));
      }
      logger.warn(
        "The session store did not answer before the shards' leases ran short; not starting them",
      );
    } catch (error) {
      this.#failures.failed(
        "load",
        "Could not load the fleet's saved sessions, so the shards started now identify (a session start each) instead of resuming: {error}",
        { error },
      );
    }
    return new Map();
  }
}

/**
 * Save the sessions of `shards` (of `shardCount` shards), dated `now` on
 * the fleet's clock; a failure is said (see StoreFailures), not thrown.
 *
 * @param store Where to save them.
 * @param shardCount The shard count they were identified with.
 * @param shards The shards; those with no session are skipped.
 * @param now The fleet's time.
 * @param failures Where a failure is said.
 * @param points What consumers of the shards' events need: each session is
 * saved no further (see {@linkcode savedSessionOf}).
 * @returns The sessions it saved, or tried to (a failed save's may be the
 * only copy left).
 */
export async function saveSessions(
  store: SessionStore,
  shardCount: number,
  shards: readonly Shard[],
  now: number,
  failures: StoreFailures,
  points: Iterable<ResumePoint> = [],
): Promise<SavedSession[]> {
  const sessions = shards.flatMap((shard) => {
    const saved = savedSessionOf(shard, shardCount, now, points);
    return saved ? [saved] : [];
  });
  if (sessions.length === 0) return sessions;
  try {
    await store.save(sessions);
    failures.worked("save");
  } catch (error) {
    failures.failed("save", SAVE_FAILED, { shards: idsOf(sessions), error });
  }
  return sessions;
}

/**
 * What a failed save costs, said once per outage. The store keeps what the
 * last save that worked wrote (a renewal's, at most `renewMs` old before
 * the outage): a taker resumes from there, not afresh.
 */
const SAVE_FAILED =
  "Could not save the sessions of shards {shards}: until a save works, a process that takes them over (this one restarted, or another) resumes each from its session saved last, and the events since are delivered again; a shard whose session was never saved (or is too old to resume, or ended since) is identified instead (a session start), and its events meanwhile are lost: {error}";

/** The shard ids of `sessions`. */
function idsOf(sessions: readonly { shardId: number }[]): number[] {
  return sessions.map((s) => s.shardId);
}

/**
 * Forget the saved sessions of shards `shardCount` and up, at a switch to
 * `shardCount` shards: those of the count switched down from, which nobody
 * resumes (their count is not the fleet's) and no shard saves over. A
 * failure is said (see StoreFailures), not thrown.
 *
 * @param store The fleet's session store.
 * @param shardCount The count switched to.
 * @param failures Where a failure is said.
 */
export async function forgetSessionsPast(
  store: SessionStore,
  shardCount: number,
  failures: StoreFailures,
): Promise<void> {
  try {
    const ids = idsOf(await store.loadAll()).filter((id) => id >= shardCount);
    if (ids.length > 0) {
      if (store.deleteMany) await store.deleteMany(ids);
      else for (const id of ids) await store.delete(id);
    }
    failures.worked("forget");
  } catch (error) {
    failures.failed(
      "forget",
      "Could not forget the saved sessions of shards {count} and up (a shard count left behind): they stay in the session store, unused: {error}",
      { count: shardCount, error },
    );
  }
}

/**
 * `shard`'s session as it stands, to save, dated `savedAt`; `undefined`
 * when it has none. Its sequence is the last received, or the earliest of
 * `points` (events an async listener has not finished with, say): saved
 * past them, a process killed meanwhile left the next owner resuming after
 * them, and Discord never sent them again.
 *
 * @param shard The shard.
 * @param shardCount The shard count it was identified with.
 * @param savedAt The fleet's time.
 * @param points Where its events' consumers need it resumed from.
 */
export function savedSessionOf(
  shard: Shard,
  shardCount: number,
  savedAt: number,
  points: Iterable<ResumePoint> = [],
): SavedSession | undefined {
  const session = shard.session;
  if (!session) return undefined;
  const sequence = savedSequence(shard, session.sequence, points);
  return { shardId: shard.id, shardCount, ...session, sequence, savedAt };
}

/**
 * Whether `saved` is newer than `prior` (or `prior` is none): the one that
 * a shard resumes from.
 *
 * @param saved A session.
 * @param prior The one it would replace.
 */
export function newerThan(saved: SavedSession, prior?: SavedSession): boolean {
  return !prior || saved.savedAt > prior.savedAt;
}

/**
 * Saves of shards' new sessions, as soon as each is READY rather than at
 * the next tick: a process killed in between left the taker no session to
 * resume, so it identified, and the events since that READY were lost.
 * Bounded: one save in flight per shard; READYs meanwhile are saved once
 * after it. A failure is said, as a tick's save's is.
 */
export class NewSessionSaves {
  /** Shards being saved; `again`: once more after the one in flight. */
  readonly #saving = new Map<Shard, { again: boolean }>();
  readonly #failures: StoreFailures;

  /** @param failures Where a failure is said (see StoreFailures). */
  constructor(failures: StoreFailures) {
    this.#failures = failures;
  }

  /**
   * Save `shard`'s session (it just had a READY).
   *
   * @param shard The shard.
   * @param save Saves its session as it stands then (skipping a shard that
   *   no longer runs).
   */
  save(shard: Shard, save: () => Promise<void>): void {
    const saving = this.#saving.get(shard);
    if (saving) {
      saving.again = true;
      return;
    }
    const entry = { again: false };
    this.#saving.set(shard, entry);
    const run = async (): Promise<void> => {
      do {
        entry.again = false;
        await save();
      } while (entry.again);
    };
    void run().catch((error: unknown) => {
      this.#failures.failed("save", SAVE_FAILED, { shards: [shard.id], error });
    }).finally(() => this.#saving.delete(shard));
  }
}
