/**
 * The session keeping of `ShardManager` (`shard_manager.ts`): loading the
 * saved sessions at start and restoring the usable ones, saving on a timer
 * (one save after another, with failures reported once per outage), and the
 * final save or delete at close. Every store call is bounded in time, so a
 * store that never answers holds neither start nor close.
 *
 * Private to the package: the manager builds one when it has a session
 * store, and its behaviour is tested through the manager
 * (`tests/gateway/session_restart_test.ts`).
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { Scheduler, TimerId } from "../base/scheduler.ts";
import {
  isSessionUsable,
  type SavedSession,
  type SessionStore,
} from "./session_store.ts";
import type { Shard } from "./shard.ts";

// The manager's categories: these lines are the manager's.
const logger = getLogger(["disruption", "gateway", "manager"]);
// Sessions that cannot be saved or loaded cost session starts at the next
// start: shown on stderr unless LogTape is set up.
const visible = getVisibleLogger(["disruption", "gateway", "manager"]);

/**
 * The longest the manager waits for one session store call, in
 * milliseconds. A store that never answers (a frozen Redis keeps its
 * connection open) held `start()` and `close()` forever; past this the
 * shards identify (at start) or the save counts as failed (at close).
 */
const SESSION_STORE_TIMEOUT = 10_000;

/** What {@linkcode ManagerSessions} keeps the sessions of, and how. */
export interface ManagerSessionsOptions {
  /** Where the sessions are saved. */
  store: SessionStore;
  /** The manager's clock: save timer, store call timeouts, `savedAt`. */
  scheduler: Scheduler;
  /** Milliseconds between timed saves. */
  saveInterval: number;
  /** The manager's shards, by ID. */
  shards: ReadonlyMap<number, Shard>;
  /** How many shards the bot runs in total. */
  shardCount: number;
  /**
   * Save every session now: the manager's `saveSessions`, which the timer
   * and a resumable close go through.
   */
  save: () => Promise<void>;
  /** Whether the manager is closed: the save timer then stops. */
  closed: () => boolean;
}

/**
 * One manager's session keeping over its store: a chain of bounded saves,
 * the save timer and its reporting, the load at start and the last save or
 * delete at close.
 */
export class ManagerSessions {
  readonly #store: SessionStore;
  readonly #scheduler: Scheduler;
  readonly #saveInterval: number;
  readonly #shards: ReadonlyMap<number, Shard>;
  readonly #shardCount: number;
  readonly #saveNow: () => Promise<void>;
  readonly #closed: () => boolean;
  #saveTimer: TimerId | undefined;
  /** The last save in the chain of saves; never rejects. */
  #saving: Promise<void> = Promise.resolve();
  /** Store calls the store has not answered yet, timed out ones included. */
  #unanswered = 0;
  /** Whether the last timed save failed (reported once until one works). */
  #saveFailing = false;
  /** Stops the running start()'s wait for the store; aborted by stop(). */
  #loadAbort: AbortController | undefined;

  /**
   * Keep a manager's sessions; nothing is loaded or saved until asked.
   *
   * @param options The store, the clock, the shards and the manager's hooks.
   */
  constructor(options: ManagerSessionsOptions) {
    this.#store = options.store;
    this.#scheduler = options.scheduler;
    this.#saveInterval = options.saveInterval;
    this.#shards = options.shards;
    this.#shardCount = options.shardCount;
    this.#saveNow = options.save;
    this.#closed = options.closed;
  }

  /**
   * Save every shard's session, after the saves already in the chain.
   *
   * @returns A promise that resolves when the store has them, and rejects
   * with the store's error (or a timeout after 10 s) when it does not.
   */
  save(): Promise<void> {
    const store = this.#store;
    const now = this.#scheduler.now();
    const sessions: SavedSession[] = [];
    for (const shard of this.#shards.values()) {
      const session = shard.session;
      if (!session) continue;
      sessions.push({
        shardId: shard.id,
        shardCount: this.#shardCount,
        sessionId: session.sessionId,
        sequence: session.sequence,
        resumeUrl: session.resumeUrl,
        savedAt: now,
      });
    }
    // Saves run one after another so an older one never overwrites a newer;
    // each is bounded, so one the store never answers does not hold the rest.
    const saved = this.#saving.then(() =>
      this.#storeCall(() => store.save(sessions))
    );
    this.#saving = saved.catch(() => {});
    return saved;
  }

  /**
   * The saved sessions, or none (the shards then identify) when the store
   * fails, does not answer in time, or {@linkcode ManagerSessions.stop}
   * runs meanwhile.
   *
   * @returns The sessions the store holds.
   */
  async load(): Promise<SavedSession[]> {
    const abort = new AbortController();
    this.#loadAbort = abort;
    try {
      return await this.#storeCall(() => this.#store.loadAll(), abort.signal);
    } catch (error) {
      // After close() the caller reports the close instead.
      if (!abort.signal.aborted) {
        visible.warn(
          "Could not load the saved sessions, so every shard identifies (a session start each) instead of resuming: {error}",
          { error },
        );
      }
      return [];
    } finally {
      if (this.#loadAbort === abort) this.#loadAbort = undefined;
    }
  }

  /**
   * Hand each idle or closed shard its saved session when it is usable (not
   * stale, same shard count); a running shard keeps its live one.
   *
   * @param saved What {@linkcode ManagerSessions.load} returned.
   */
  restore(saved: readonly SavedSession[]): void {
    const now = this.#scheduler.now();
    for (const session of saved) {
      const shard = this.#shards.get(session.shardId);
      // A running shard (start() called again) keeps its live session.
      if (!shard || (shard.status !== "idle" && shard.status !== "closed")) {
        continue;
      }
      if (isSessionUsable(session, { shardCount: this.#shardCount, now })) {
        shard.restore({
          sessionId: session.sessionId,
          sequence: session.sequence,
          resumeUrl: session.resumeUrl,
        });
      } else {
        logger.info(
          "Shard {shardId}: the saved session is stale or for another shard count; identifying",
          { shardId: session.shardId },
        );
      }
    }
  }

  /** Start saving on the timer; one timer however often it is called. */
  keepSaving(): void {
    if (this.#saveTimer === undefined) this.#scheduleSave();
  }

  /** Stop the save timer and a load in progress (which then finds none). */
  stop(): void {
    this.#loadAbort?.abort();
    if (this.#saveTimer !== undefined) {
      this.#scheduler.clearTimeout(this.#saveTimer);
      this.#saveTimer = undefined;
    }
  }

  /**
   * The store's part of a close, once the shards are closed: save the
   * sessions (resumable) or delete them, and report a failure.
   *
   * @param resumable Whether the close keeps the sessions.
   * @returns Whether the store did it.
   */
  async close(resumable: boolean): Promise<boolean> {
    const store = this.#store;
    try {
      if (resumable) await this.#saveNow();
      else {
        await this.#saving;
        const ids = [...this.#shards.keys()];
        await this.#storeCall(() => deleteSessions(store, ids));
      }
      return true;
    } catch (error) {
      if (resumable) {
        visible.error(
          "Saving the sessions at close failed, so the next start identifies every shard closed here ({count}, a session start each) instead of resuming it: {error}",
          { count: this.#shards.size, error },
        );
      } else {
        // Harmless but worth knowing: Discord refuses to resume a session
        // closed with 1000, so the next start identifies anyway.
        visible.warn(
          "Deleting the saved sessions at close failed; they stay in the store until the next save replaces them: {error}",
          { error },
        );
      }
      return false;
    }
  }

  /**
   * Run one store call, waiting for it at most
   * {@linkcode SESSION_STORE_TIMEOUT} ms or until `signal` aborts; a call
   * that throws counts as one that rejects.
   */
  #storeCall<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    let answer: Promise<T>;
    try {
      answer = Promise.resolve(call());
    } catch (error) {
      answer = Promise.reject(error);
    }
    this.#unanswered++;
    const answered = (): void => void this.#unanswered--;
    answer.then(answered, answered);
    return within(this.#scheduler, answer, signal);
  }

  #scheduleSave(): void {
    this.#saveTimer = this.#scheduler.setTimeout(() => {
      this.#saveTimer = undefined;
      if (this.#closed()) return;
      if (this.#unanswered > 0) {
        // A store still silent on an earlier call (a frozen Redis) would
        // only queue one more copy of every session per tick behind it.
        logger.debug("Skipping a session save: the store has not answered");
      } else {
        this.#saveNow().then(
          () => this.#timedSaveWorked(),
          (error) => this.#timedSaveFailed(error),
        );
      }
      this.#scheduleSave();
    }, this.#saveInterval);
  }

  #timedSaveWorked(): void {
    if (!this.#saveFailing) return;
    this.#saveFailing = false;
    logger.info("Saving sessions works again");
  }

  #timedSaveFailed(error: unknown): void {
    // Once per outage on stderr, not every interval.
    if (this.#saveFailing) {
      logger.warn("Saving sessions failed again: {error}", { error });
      return;
    }
    this.#saveFailing = true;
    visible.error(
      "Saving sessions failed, so until a save works a restart identifies the shards (a session start each) instead of resuming them: {error}",
      { error },
    );
  }
}

/**
 * Forget the sessions of `shardIds`: in one call when the store has
 * `deleteMany`, else one `delete` per shard.
 *
 * @param store The store.
 * @param shardIds The shards.
 * @returns A promise that resolves when they are gone.
 */
async function deleteSessions(
  store: SessionStore,
  shardIds: readonly number[],
): Promise<void> {
  if (store.deleteMany) return await store.deleteMany(shardIds);
  await Promise.all(shardIds.map((id) => store.delete(id)));
}

/**
 * Wait for a store call at most {@linkcode SESSION_STORE_TIMEOUT} ms, or
 * until `signal` aborts; no timer is left behind either way.
 *
 * @param scheduler The clock of the wait.
 * @param answer The call's promise.
 * @param signal Stops the wait; the promise rejects with its reason.
 * @returns The call's result.
 * @throws {Error} When the store does not answer in time.
 */
function within<T>(
  scheduler: Scheduler,
  answer: Promise<T>,
  signal: AbortSignal | undefined,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const finish = (): void => {
      scheduler.clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = (): void => {
      finish();
      reject(signal?.reason);
    };
    const timer = scheduler.setTimeout(() => {
      finish();
      reject(
        new Error(
          `The session store did not answer within ${SESSION_STORE_TIMEOUT} ms`,
        ),
      );
    }, SESSION_STORE_TIMEOUT);
    signal?.addEventListener("abort", onAbort, { once: true });
    answer.then((value) => {
      finish();
      resolve(value);
    }, (error: unknown) => {
      finish();
      reject(error);
    });
  });
}
