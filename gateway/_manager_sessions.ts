/**
 * The session keeping of `ShardManager` (`shard_manager.ts`): loading the
 * saved sessions at start and restoring the usable ones, saving on a timer
 * (one save after another, with failures reported once per outage), and the
 * final save or delete at close.
 *
 * Saves and deletes reach the store one at a time, each once the store
 * answered the one before: a save answered late never lands over a newer
 * one, nor brings back sessions a close deleted. What callers wait for is
 * bounded in time, so a store that never answers holds neither start nor
 * close; a call unanswered for 30 s counts as lost (its reply never comes),
 * and the calls after it stop waiting for it (timed saves wait longer for
 * a store that stays silent).
 *
 * Private to the package: the manager builds one when it has a session
 * store, and its behaviour is tested through the manager
 * (`tests/gateway/session_restart_test.ts`; stores that answer late or lose
 * a reply: `tests/gateway/manager_sessions_test.ts`).
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { getVisibleLogger } from "../base/visible_logger.ts";
import {
  type Scheduler,
  settlesWithin,
  type TimerId,
} from "../base/scheduler.ts";
import type { SavedSession, SessionStore } from "./session_store.ts";
import {
  deleteSessions,
  stillSaved,
  storedSessions,
  wellFormed,
} from "./_stored_sessions.ts";
import type { Shard } from "./shard.ts";
import type { ShardStatus } from "./shard_state.ts";
import type { ResumePoint } from "./resume_point.ts";
import type { OtherBotSessionsError } from "./errors.ts";
import {
  otherBotSessionsOf,
  restoreUsable,
  sessionsOf,
} from "./_session_identity.ts";

export { restoreUsable, sessionsOf } from "./_session_identity.ts";

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

/**
 * How long a store call may go unanswered before it counts as lost, in
 * milliseconds: later saves and deletes stop waiting for it, and timed
 * saves (paused while the store is silent, or each would only queue one
 * more copy of every session behind it) go on. One lost reply paused them
 * for the life of the process.
 */
const LOST_AFTER = 3 * SESSION_STORE_TIMEOUT;

/**
 * The longest timed saves pause for a store that stays silent: each save
 * that goes on past a lost call and is not answered either doubles the
 * pause, so a frozen store is sent a copy of every session every 10
 * minutes at most, not every 30 s.
 */
const MAX_LOST_AFTER = 20 * LOST_AFTER;

/**
 * How soon after a shard's READY the sessions are saved, in milliseconds,
 * when that is sooner than the next timed save: a process that crashed
 * between a READY and the first timed save had its successor identify the
 * shard again (a session start each time, in a crash loop every time). A
 * second lets the READYs of one identify bucket share the save.
 */
const READY_SAVE_DELAY = 1_000;

/** A store call not answered yet. */
interface Unanswered {
  /** When it was asked for (a save or delete: when it joined the chain). */
  readonly since: number;
}

/** A save or delete in the chain of store calls. */
interface Link extends Unanswered {
  /** Its place in the chain. */
  readonly seq: number;
  /** When its caller stops waiting for it. */
  readonly deadline: number;
  /** Settles once the store answered it, or it was dropped; never rejects. */
  settled: Promise<void>;
}

/**
 * A session a shard is handed across a resumable close (a Client's kept
 * sessions): a saved session, with the sequence received when it was set
 * back on purpose.
 */
export interface HeldSession extends SavedSession {
  /**
   * The last sequence the shard received in the session, when it was then
   * set back below it (a Client's resumable stop that dropped handler
   * calls resumes before their events): the store's copy of the same
   * session, such as the close's own save, wins only further on than this
   * (another process ran it since). Left out: `sequence`.
   */
  readonly received?: number;
}

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
  /**
   * What the consumers of the shards' events still need replayed after a
   * crash: each session is saved no further on than they say.
   */
  resumePoints?: Iterable<ResumePoint>;
}

/**
 * One manager's session keeping over its store: saves and deletes in the
 * order asked for, the save timer and its reporting, the load at start and
 * the last save or delete at close.
 */
export class ManagerSessions {
  readonly #store: SessionStore;
  readonly #scheduler: Scheduler;
  readonly #saveInterval: number;
  readonly #shards: ReadonlyMap<number, Shard>;
  readonly #shardCount: number;
  readonly #saveNow: () => Promise<void>;
  readonly #closed: () => boolean;
  readonly #resumePoints: Iterable<ResumePoint>;
  #saveTimer: TimerId | undefined;
  /** The save soon after a READY; at most one. */
  #readySaveTimer: TimerId | undefined;
  /** The session each shard had when it was last ready. */
  readonly #readySessions = new Map<number, string>();
  /** The latest save or delete: the next one waits for the store's answer to it. */
  #tail: Link | undefined;
  /** How many saves and deletes joined the chain. */
  #links = 0;
  /** The latest link handed to the store (its `seq`). */
  #started = 0;
  /**
   * Store calls the store has not answered, timed out ones included; a
   * call given up on as lost leaves.
   */
  readonly #unanswered = new Set<Unanswered>();
  /** How long a call may go unanswered before it counts as lost. */
  #lostAfter = LOST_AFTER;
  /** Whether the last timed save failed (reported once until one works). */
  #saveFailing = false;
  /** Whether the pause of timed saves was said (once until one works). */
  #pauseSaid = false;
  /**
   * When each shard's session, held across a resumable close, was last
   * current here: a saved copy from before then is older.
   */
  readonly #heldSince = new Map<number, number>();
  /**
   * The last sequence each shard received in the session it holds across a
   * resumable close (above the one it holds, when set back): the store's
   * copy of that session wins only further on.
   */
  readonly #heldReceived = new Map<number, number>();
  /** Stops the running start()'s wait for the store; aborted by stop(). */
  #loadAbort: AbortController | undefined;
  /** The session each shard was last seen with; what it lost; in chain. */
  readonly #seen = new Map<number, string>();
  readonly #lost = new Map<number, string>();
  #forgetQueued = false;
  /** What this process last asked the store to save, by shard. */
  #saved = new Map<number, SavedSession>();
  /** Why the last start was refused: the store holds another bot's sessions. */
  #otherBot: OtherBotSessionsError | undefined;
  /** Another bot's sessions were found after the shards ran: none saved. */
  #savesRefused = false;
  /**
   * The last start's load failed: whose sessions the store holds is not
   * known, and the first write must look before it writes (see `#mayWrite`).
   */
  #unchecked = false;

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
    this.#resumePoints = options.resumePoints ?? [];
  }

  /**
   * Save every shard's session, after the saves already in the chain.
   *
   * @returns A promise that resolves when the store has them, and rejects
   * with the store's error (or a timeout after 10 s, past the wait for a
   * save already in flight) when it does not.
   */
  save(): Promise<void> {
    return this.#saveSome((sessions) => sessions);
  }

  /**
   * Save again once a dispatches() reader behind at a resumable close read
   * to the end, but each shard's session only where the store still holds
   * what this process saved for it: another process may run the shard
   * since (resumed further on, or refused it and saved a new one), and
   * this one's copy would replace its newer entry. Read first (no
   * compare-and-set), in the chain and its time bounds as a save is.
   *
   * @returns A promise that resolves when the store has them (or none
   * needed saving), and rejects as {@linkcode ManagerSessions.save} does.
   */
  drained(): Promise<void> {
    return this.#saveSome((sessions) =>
      stillSaved(this.#store, sessions, this.#saved)
    );
  }

  /**
   * Save the shards' sessions as they stand now, those `pick` keeps (a
   * drained save none: nothing is written), in the chain; what landed is
   * remembered as this process's (a failed save's sessions are no copy of
   * ours).
   */
  #saveSome(
    pick: (
      sessions: SavedSession[],
    ) => SavedSession[] | Promise<SavedSession[]>,
  ): Promise<void> {
    const store = this.#store;
    const sessions = sessionsOf(
      this.#shards,
      this.#shardCount,
      this.#scheduler.now(),
      this.#resumePoints,
    );
    return this.#inTurn(async () => {
      if (!await this.#mayWrite()) return;
      const kept = await pick(sessions);
      if (kept.length === 0 && kept !== sessions) return;
      await store.save(kept);
      for (const session of kept) this.#saved.set(session.shardId, session);
    });
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
      // Not in the chain: a load overwrites nothing.
      const call = { since: this.#scheduler.now() };
      const answer = this.#ask(call, () => this.#store.loadAll());
      const saved = wellFormed(
        await within(
          this.#scheduler,
          answer,
          SESSION_STORE_TIMEOUT,
          abort.signal,
        ),
      );
      this.#unchecked = false;
      return saved;
    } catch (error) {
      // After close() the caller reports the close instead.
      if (!abort.signal.aborted) {
        this.#unchecked = true;
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
   * stale, same shard count and intents); a running shard keeps its live
   * one. None when a session is another bot's: the start is refused, and
   * the close after it leaves the store as it is (it is that bot's).
   *
   * @param saved What {@linkcode ManagerSessions.load} returned.
   * @throws {OtherBotSessionsError} When a saved session of a shard run
   *   here is another bot's than its token's.
   */
  restore(saved: readonly SavedSession[]): void {
    this.#otherBot = otherBotSessionsOf(this.#shards, saved);
    if (this.#otherBot) throw this.#otherBot;
    restoreUsable(
      this.#shards,
      saved,
      this.#shardCount,
      this.#scheduler.now(),
      this.#heldSince,
      this.#heldReceived,
    );
  }

  /**
   * Note sessions handed to the shards from elsewhere than the store (a
   * Client's kept sessions): the store's copy must be newer to replace them.
   *
   * @param sessions The sessions the shards now hold, dated.
   */
  held(sessions: readonly HeldSession[]): void {
    for (const session of sessions) {
      this.#heldSince.set(session.shardId, session.savedAt);
      this.#heldReceived.set(
        session.shardId,
        session.received ?? session.sequence,
      );
    }
  }

  /**
   * `shard`'s state is now `current` (told by the manager's own listener):
   * ready, see {@linkcode ManagerSessions.ready}; a session lost while the
   * manager runs (op 9 `d:false`, 4007, 4009) is forgotten in the store.
   */
  stateChanged(shard: Shard, current: ShardStatus): void {
    if (current === "ready") this.ready(shard);
    const seen = this.#seen.get(shard.id);
    if (shard.sessionId !== undefined) {
      this.#seen.set(shard.id, shard.sessionId);
    } else if (seen !== undefined && !this.#closed()) {
      this.#seen.delete(shard.id);
      this.#lost.set(shard.id, seen);
      if (!this.#forgetQueued) this.#forgetLost();
    }
  }

  /**
   * A shard is ready: when with a session not seen ready here before (a
   * READY, or the first RESUMED of a restored one), save within
   * {@linkcode READY_SAVE_DELAY} rather than at the next timed save.
   *
   * @param shard The shard.
   */
  ready(shard: Shard): void {
    const sessionId = shard.sessionId;
    if (sessionId === undefined) return;
    if (this.#readySessions.get(shard.id) === sessionId) return;
    this.#readySessions.set(shard.id, sessionId);
    if (this.#readySaveTimer !== undefined || this.#closed()) return;
    this.#readySaveTimer = this.#scheduler.setTimeout(() => {
      this.#readySaveTimer = undefined;
      // Behind a call the store has not answered it would only queue; the
      // timed saves handle that, and say it.
      if (!this.#closed() && this.#unanswered.size === 0) this.#timedSave();
    }, Math.min(READY_SAVE_DELAY, this.#saveInterval));
  }

  /** Start saving on the timer; one timer however often it is called. */
  keepSaving(): void {
    if (this.#saveTimer === undefined) this.#scheduleSave();
  }

  /**
   * Delete sessions lost running (op 9 `d:false`, 4007, 4009) still saved,
   * or the next process has them refused and waits 1-5 s; in the chain,
   * joined until it runs. Read first (no compare-and-delete): newer stays.
   */
  #forgetLost(): void {
    this.#forgetQueued = true;
    this.#inTurn(async () => {
      this.#forgetQueued = false;
      const lost = new Map(this.#lost);
      this.#lost.clear();
      const saved = await storedSessions(this.#store, [...lost.keys()]);
      // A shard with a session again skips: a save of it may have gone past
      // a read answered late, and its next save replaces the stale entry.
      const dead = [...saved.values()].flatMap((s) =>
        lost.get(s.shardId) === s.sessionId &&
          this.#shards.get(s.shardId)?.sessionId === undefined
          ? [s.shardId]
          : []
      );
      if (dead.length > 0) await deleteSessions(this.#store, dead);
    }).catch((error) => {
      this.#forgetQueued = false; // Dropped unrun: its losses join the next.
      logger.warn("Deleting refused saved sessions failed: {error}", { error });
    });
  }

  /** Stop the save timer and a load in progress (which then finds none). */
  stop(): void {
    this.#loadAbort?.abort();
    this.#stopTimers();
  }

  /**
   * Every shard stopped without the manager's close (a fatal close code on
   * each: a reset token, revoked intents): stop the timed saves, which
   * otherwise kept a process with nothing connected alive for ever and
   * wrote the store every interval, and leave the store as the shards
   * stand, once: the session of a shard closed resumably by its own
   * `close` is saved, and the saved session of every other shard deleted
   * (a shard stopped for good forgot its session: a later process would
   * only try to resume a dead one). Starting the manager, or a shard,
   * again starts the timed saves again. Nothing is done while timed saves
   * do not run: the shards of a manager not started, closed by hand,
   * leave the store alone, as its sessions are for a start to resume.
   */
  allStopped(): void {
    if (this.#saveTimer === undefined) return;
    this.#stopTimers();
    const store = this.#store;
    const sessions = sessionsOf(
      this.#shards,
      this.#shardCount,
      this.#scheduler.now(),
      this.#resumePoints,
    );
    const kept = new Set(sessions.map((session) => session.shardId));
    const gone = [...this.#shards.keys()].filter((id) => !kept.has(id));
    // In the chain: it lands after a timed save still in flight, not under it.
    this.#inTurn(async () => {
      if (!await this.#mayWrite()) return;
      if (sessions.length > 0) await store.save(sessions);
      if (gone.length > 0) await deleteSessions(store, gone);
    }).catch((error) => {
      visible.warn(
        "Every shard has stopped, and updating the saved sessions failed: the store may still hold sessions of shards that stopped for good, which a later process tries to resume before identifying: {error}",
        { error },
      );
    });
  }

  #stopTimers(): void {
    if (this.#saveTimer !== undefined) {
      this.#scheduler.clearTimeout(this.#saveTimer);
      this.#saveTimer = undefined;
    }
    if (this.#readySaveTimer !== undefined) {
      this.#scheduler.clearTimeout(this.#readySaveTimer);
      this.#readySaveTimer = undefined;
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
    // The sessions are another bot's, for it to resume: left as they are.
    // Refused at start, that is what the close asks; found after the shards
    // ran, theirs are not saved.
    if (this.#otherBot) {
      // Told once: a later start and close of this manager are a run of
      // their own (a second start() refused while the shards run is not).
      const saved = !this.#savesRefused;
      this.#savesRefused = false;
      return saved;
    }
    const store = this.#store;
    const now = this.#scheduler.now();
    this.#heldSince.clear();
    this.#heldReceived.clear();
    if (resumable) {
      // Held as they stand, whether or not the store takes them.
      for (const [id, shard] of this.#shards) {
        this.#heldSince.set(id, now);
        const sequence = shard.session?.sequence;
        if (sequence !== undefined) this.#heldReceived.set(id, sequence);
      }
    }
    try {
      if (resumable) await this.#saveNow();
      else {
        // In the chain: given up on, it still runs after a late save, not
        // before it.
        const ids = [...this.#shards.keys()];
        await this.#inTurn(async () => {
          if (await this.#mayWrite()) await deleteSessions(store, ids);
        });
      }
      return true;
    } catch (error) {
      if (resumable) {
        visible.error(
          "Saving the sessions at close failed: a start in this process still resumes them, but another process finds none or older ones, and identifies every shard closed here ({count}, a session start each) or replays events from an older save: {error}",
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
   * Whether the store may be written: not when it holds another bot's
   * sessions. A start whose load failed (a Redis blip) could not check,
   * and its first save wrote over the other bot's sessions: the first
   * write after it loads first (a failure fails the write, as the store
   * is failing), and another bot's sessions found stop this process's
   * saves, said on stderr, its shards running on.
   */
  async #mayWrite(): Promise<boolean> {
    if (this.#otherBot) return false;
    if (!this.#unchecked) return true;
    const saved = wellFormed(await this.#store.loadAll());
    this.#unchecked = false;
    this.#otherBot = otherBotSessionsOf(this.#shards, saved);
    if (!this.#otherBot) return true;
    this.#stopTimers();
    this.#savesRefused = true;
    const { savedBotId, botId, shardIds } = this.#otherBot;
    visible.error(
      "Saving no session: the session store holds sessions of bot {savedBotId} (shard {shardIds}), and this process's token is bot {botId}'s. It started while the store did not answer, so its shards run on, but none of their sessions is saved (a restart identifies them). Give each bot its own session store (or Redis key / KV prefix)",
      { savedBotId, botId, shardIds: shardIds.join(", ") },
    );
    return false;
  }

  /**
   * Hand a save or delete to the store once it answered the one before, so
   * they land in order (the time bound of the one before would not do: a
   * save answered after it would land after the next save, or after the
   * delete of a close). The one before is not waited for when it is
   * answered, or lost (unanswered for `#lostAfter`, or given up on by a
   * timed save); a link whose turn comes after a later one was handed over
   * is dropped, as its sessions are older.
   *
   * The caller waits until 10 s past the wait of the one before, at most
   * {@linkcode LOST_AFTER} in all: by then a later call may go past it, so
   * no one waits longer. The call itself still runs in its turn after its
   * caller gave up.
   */
  #inTurn(call: () => Promise<void>): Promise<void> {
    const now = this.#scheduler.now();
    const before = this.#tail;
    const after = before && this.#unanswered.has(before) &&
        now - before.since < this.#lostAfter
      ? before
      : undefined;
    const deadline = Math.min(
      Math.max(now, after?.deadline ?? now) + SESSION_STORE_TIMEOUT,
      now + LOST_AFTER,
    );
    const link: Link = {
      since: now,
      seq: ++this.#links,
      deadline,
      settled: Promise.resolve(),
    };
    this.#unanswered.add(link);
    const answer = (after?.settled ?? Promise.resolve()).then(() => {
      if (this.#started > link.seq) {
        this.#unanswered.delete(link);
        throw new Error(
          "A later session store call went first (past one the store did not answer), so this older one was dropped",
        );
      }
      this.#started = link.seq;
      return this.#ask(link, call);
    });
    link.settled = answer.then(() => {}, () => {});
    this.#tail = link;
    return within(this.#scheduler, answer, deadline - now);
  }

  /**
   * Run one store call; it is one of `#unanswered` until the store answers
   * it (then no call is taken as lost for a while again). A call that
   * throws counts as one that rejects.
   */
  #ask<T>(unanswered: Unanswered, call: () => Promise<T>): Promise<T> {
    this.#unanswered.add(unanswered);
    let answer: Promise<T>;
    try {
      answer = Promise.resolve(call());
    } catch (error) {
      answer = Promise.reject(error);
    }
    const answered = (): void => {
      this.#unanswered.delete(unanswered);
      this.#lostAfter = LOST_AFTER;
    };
    answer.then(answered, answered);
    return answer;
  }

  #scheduleSave(): void {
    this.#saveTimer = this.#scheduler.setTimeout(() => {
      this.#saveTimer = undefined;
      if (this.#closed()) return;
      this.#timedSave();
      this.#scheduleSave();
    }, this.#saveInterval);
  }

  /**
   * Save on the timer, unless the store has left a call unanswered for less
   * than `#lostAfter` (a frozen Redis would only queue one more copy of
   * every session per tick); past that the calls are taken as lost, so one
   * lost reply stops no timed save for good. None without a session: one
   * of none, reaching no store, said a frozen one answers.
   */
  #timedSave(): void {
    if (![...this.#shards.values()].some((shard) => shard.session)) return;
    const now = this.#scheduler.now();
    let oldest = Infinity;
    let newest = -Infinity;
    for (const { since } of this.#unanswered) {
      oldest = Math.min(oldest, since);
      newest = Math.max(newest, since);
    }
    if (now - newest < this.#lostAfter) {
      // The tick at which the newest counts as lost.
      const ticks = Math.ceil(
        (newest + this.#lostAfter - now) / this.#saveInterval,
      );
      this.#timedSavePaused(now - oldest, ticks * this.#saveInterval);
      return;
    }
    if (this.#unanswered.size > 0) {
      // Lost: neither this save nor a later call waits for them. Should the
      // store not answer this one either, the next waits twice as long.
      this.#unanswered.clear();
      this.#lostAfter = Math.min(2 * this.#lostAfter, MAX_LOST_AFTER);
    }
    this.#saveNow().then(
      () => this.#timedSaveWorked(),
      (error) => this.#timedSaveFailed(error),
    );
  }

  #timedSavePaused(waitedMs: number, resumeInMs: number): void {
    // A call within its 10 s is only slow; past them its caller was told
    // it failed, and the pause is said, once until a timed save works.
    if (waitedMs < SESSION_STORE_TIMEOUT || this.#pauseSaid) {
      logger.debug("Skipping a session save: the store has not answered");
      return;
    }
    this.#pauseSaid = true;
    visible.warn(
      "Timed session saves are paused: the session store has not answered a call for {waitedMs} ms, and each save would only queue behind it. They go on once it answers, or in {resumeInMs} ms if it does not; until then a restart resumes from older saved sessions, or identifies",
      { waitedMs, resumeInMs },
    );
  }

  #timedSaveWorked(): void {
    if (this.#pauseSaid) {
      this.#pauseSaid = false;
      // On stderr as the pause was (info follows the warning there): the
      // reader would otherwise think the sessions are still not saved.
      visible.info("Timed session saves work again: the session store answers");
    }
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
 * Wait for a store call at most `ms` milliseconds, or until `signal`
 * aborts; no timer is left behind either way.
 *
 * @param scheduler The clock of the wait.
 * @param answer The call's promise.
 * @param ms How long to wait.
 * @param signal Stops the wait; the promise rejects with its reason.
 * @returns The call's result.
 * @throws {Error} When the store does not answer in time.
 */
async function within<T>(
  scheduler: Scheduler,
  answer: Promise<T>,
  ms: number,
  signal?: AbortSignal,
): Promise<T> {
  if (!await settlesWithin(scheduler, answer, ms, signal)) {
    signal?.throwIfAborted();
    throw new Error(
      `The session store did not answer within ${ms} ms`,
    );
  }
  return await answer;
}
