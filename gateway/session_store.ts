/**
 * Saved sessions, so a restarted bot can RESUME instead of identifying again:
 * the {@linkcode SessionStore} interface, the in-process
 * {@linkcode MemorySessionStore}, and {@linkcode isSessionUsable}, which says
 * whether a saved session is worth a RESUME attempt.
 *
 * A RESUME that fails costs little (Discord answers op 9 `d:false` and the
 * shard identifies); an IDENTIFY that could have been a RESUME costs one of
 * the day's session starts and every event missed while the bot was down.
 *
 * @module
 */
import { shown } from "../base/option_checks.ts";
import {
  assertSavedSession,
  assertSavedSessions,
  assertShardId,
  copySession,
  isSavedSession,
  type SavedSession,
} from "./saved_session.ts";

export {
  assertSavedSession,
  isSavedSession,
  type SavedSession,
} from "./saved_session.ts";

/**
 * Where a bot keeps its shards' sessions between runs. Implement it on any
 * storage (a file, Redis, a database); `KvSessionStore` is the Deno KV
 * implementation and {@linkcode MemorySessionStore} the in-process one.
 *
 * Implementations should reject malformed sessions in
 * {@linkcode SessionStore.save} (a `TypeError` or `RangeError`) and skip
 * stored values that are not sessions when loading. A well-formed
 * {@linkcode SavedSession} has `shardCount` a positive integer, `shardId`
 * an integer from 0 to `shardCount - 1`, `sessionId` a well-formed string
 * of 1 to 512 characters (what READY may carry),
 * `sequence` a non-negative integer, `resumeUrl` a string or absent,
 * `savedAt` a finite number, `intents` a non-negative integer or absent and
 * `botId` a snowflake string or absent; a store keeps `intents` and `botId`
 * as it keeps the rest. Whether a loaded session is still worth a RESUME
 * (same shard count and intents, at most 120 s old, this bot's) is decided
 * by the `ShardManager`, not the store.
 */
export interface SessionStore {
  /**
   * The saved session of one shard.
   *
   * @param shardId The shard.
   * @returns The session, or `undefined` when none is saved.
   */
  load(shardId: number): Promise<SavedSession | undefined>;
  /**
   * Every saved session.
   *
   * @returns The sessions, ordered by shard ID.
   */
  loadAll(): Promise<SavedSession[]>;
  /**
   * Save a batch of sessions, replacing what is saved for those shards and
   * leaving the others alone.
   *
   * @param sessions The sessions to save.
   * @returns A promise that resolves when they are stored.
   */
  save(sessions: SavedSession[]): Promise<void>;
  /**
   * Forget one shard's session.
   *
   * @param shardId The shard.
   * @returns A promise that resolves when it is gone.
   */
  delete(shardId: number): Promise<void>;
  /**
   * Forget several shards' sessions at once, as `ShardManager.close()` does
   * with every shard it ran. Optional, so stores written before it still
   * fit: without it the manager calls {@linkcode SessionStore.delete} once
   * per shard, which costs a store that rewrites one shared value per call
   * (Redis's `gateway_sessions`) that value's size once per shard: 4,000
   * shards took 38 s and stalled Redis for 20 s.
   *
   * @param shardIds The shards; those with nothing saved are skipped.
   * @returns A promise that resolves when they are gone.
   */
  deleteMany?(shardIds: readonly number[]): Promise<void>;
  /**
   * Release the storage.
   *
   * @returns Nothing, or a promise that resolves when the storage is closed.
   */
  close?(): void | Promise<void>;
}

/**
 * How long after it was saved a session is still worth a RESUME, in
 * milliseconds: 2 minutes.
 *
 * Discord does not document how long a dropped session stays resumable.
 * Reports put it at about 90 seconds after the disconnect
 * (discord/discord-api-docs#1619). A session saved on a timer may have been
 * saved some time before the disconnect, so the age since `savedAt`
 * overstates the time since the disconnect; the extra 30 seconds cover that.
 * Erring long is cheap: a RESUME of an expired session gets op 9 `d:false`
 * and the shard identifies, while refusing a live session wastes a session
 * start and loses the missed events.
 */
export const DEFAULT_SESSION_MAX_AGE = 120_000;

/** Options for {@linkcode isSessionUsable}. */
export interface SessionUsableOptions {
  /** The shard count the bot runs with now. */
  shardCount: number;
  /**
   * The current time in milliseconds since the Unix epoch, on the clock of
   * the session's `savedAt`.
   */
  now: number;
  /**
   * The oldest session to resume, in milliseconds since `savedAt`.
   *
   * @default {DEFAULT_SESSION_MAX_AGE}
   */
  maxAge?: number;
}

/**
 * Whether a saved session is worth a RESUME: it is well formed, was
 * identified with the same shard count as now, and is at most `maxAge`
 * milliseconds old. A `savedAt` in the future (two machines' clocks
 * disagreeing) counts as usable as long as it is at most `maxAge` ahead.
 *
 * `savedAt` and `now` must be on one clock: the age is their difference.
 * {@linkcode MemorySessionStore} and `KvSessionStore` give back `savedAt` as
 * saved, on the saver's clock (one machine's); a store shared by machines
 * must give it on the loader's (`RedisSessionStore` with `localClock`, which
 * dates on Redis's clock) or on one they share (a `FleetShards`' sessions,
 * on Redis's clock, and its `now` on it too).
 *
 * A `false` means "identify"; a `true` is only a good guess: Discord may still
 * answer the RESUME with op 9, and the shard then identifies.
 *
 * @param saved The session, as loaded from a {@linkcode SessionStore}.
 * @param options The current shard count and time, and the age limit.
 * @returns `true` when the session should be resumed.
 * @throws {RangeError} When `shardCount` is not a positive integer, `now` is
 * not a finite number or `maxAge` is not a non-negative finite number.
 *
 * @example Resume only recent sessions of the same shard layout
 * ```ts
 * import { isSessionUsable } from "./session_store.ts";
 * import assert from "node:assert/strict";
 *
 * const saved = {
 *   shardId: 1,
 *   shardCount: 4,
 *   sessionId: "f00dfeed",
 *   sequence: 42,
 *   savedAt: 1_000_000,
 * };
 * assert.ok(isSessionUsable(saved, { shardCount: 4, now: 1_060_000 }));
 * // Two minutes and a bit later: too old.
 * assert.ok(!isSessionUsable(saved, { shardCount: 4, now: 1_120_001 }));
 * // The bot was resharded: the session routes the wrong guilds.
 * assert.ok(!isSessionUsable(saved, { shardCount: 8, now: 1_060_000 }));
 * ```
 */
export function isSessionUsable(
  saved: SavedSession,
  options: SessionUsableOptions,
): boolean {
  const { shardCount, now, maxAge = DEFAULT_SESSION_MAX_AGE } = options;
  if (!Number.isSafeInteger(shardCount) || shardCount < 1) {
    throw new RangeError(
      `Cannot check session as 'shardCount' must be a positive integer: current value 'shardCount=${shardCount}'`,
    );
  }
  if (typeof now !== "number" || !Number.isFinite(now)) {
    throw new RangeError(
      `Cannot check session as 'now' must be a finite number: current value 'now=${now}'`,
    );
  }
  if (typeof maxAge !== "number" || !Number.isFinite(maxAge) || maxAge < 0) {
    throw new RangeError(
      `Cannot check session as 'maxAge' must be a non-negative finite number: current value 'maxAge=${maxAge}'`,
    );
  }
  if (!isSavedSession(saved)) return false;
  if (saved.shardCount !== shardCount) return false;
  return Math.abs(now - saved.savedAt) <= maxAge;
}

/**
 * A {@linkcode SessionStore} in this process's memory: sessions survive a
 * shard restart or a manager restart in the same process, not a process
 * restart. Sessions are copied in and out, so later changes to saved or
 * loaded objects do not reach the store.
 *
 * @example Usage
 * ```ts
 * import { MemorySessionStore } from "@disruption/disruption/gateway";
 * import assert from "node:assert/strict";
 *
 * const store = new MemorySessionStore();
 * await store.save([
 *   { shardId: 1, shardCount: 2, sessionId: "b", sequence: 7, savedAt: 0 },
 *   { shardId: 0, shardCount: 2, sessionId: "a", sequence: 9, savedAt: 0 },
 * ]);
 * assert.equal((await store.load(1))?.sequence, 7);
 * assert.deepEqual((await store.loadAll()).map((s) => s.shardId), [0, 1]);
 * await store.delete(1);
 * assert.equal(await store.load(1), undefined);
 * await store.deleteMany([0, 5]);
 * assert.deepEqual(await store.loadAll(), []);
 * ```
 */
export class MemorySessionStore implements SessionStore {
  #sessions = new Map<number, SavedSession>();

  /**
   * Create a store, optionally holding some sessions already.
   *
   * @param sessions Sessions to start with.
   * @throws {TypeError} When a session has a field of the wrong type.
   * @throws {RangeError} When a session has a number out of range.
   */
  constructor(sessions: Iterable<SavedSession> = []) {
    const list = [...sessions];
    for (const session of list) assertSavedSession(session);
    for (const session of list) {
      this.#sessions.set(session.shardId, copySession(session));
    }
  }

  /**
   * The saved session of one shard.
   *
   * @param shardId The shard.
   * @returns A copy of the session, or `undefined` when none is saved.
   * @throws {RangeError} When `shardId` is not a non-negative integer.
   */
  load(shardId: number): Promise<SavedSession | undefined> {
    try {
      assertShardId(shardId, "load session");
    } catch (error) {
      return Promise.reject(error);
    }
    const session = this.#sessions.get(shardId);
    return Promise.resolve(session && copySession(session));
  }

  /**
   * Every saved session.
   *
   * @returns Copies of the sessions, ordered by shard ID.
   */
  loadAll(): Promise<SavedSession[]> {
    return Promise.resolve(
      [...this.#sessions.values()]
        .sort((a, b) => a.shardId - b.shardId)
        .map(copySession),
    );
  }

  /**
   * Save a batch of sessions. Nothing is saved when one of them is malformed;
   * when a shard appears twice the last one wins.
   *
   * @param sessions The sessions to save.
   * @returns A promise that resolves when they are stored.
   * @throws {TypeError} When a session has a field of the wrong type.
   * @throws {RangeError} When a session has a number out of range.
   */
  save(sessions: SavedSession[]): Promise<void> {
    try {
      assertSavedSessions(sessions);
    } catch (error) {
      return Promise.reject(error);
    }
    for (const session of sessions) {
      this.#sessions.set(session.shardId, copySession(session));
    }
    return Promise.resolve();
  }

  /**
   * Forget one shard's session; nothing happens when none is saved.
   *
   * @param shardId The shard.
   * @returns A promise that resolves when it is gone.
   * @throws {RangeError} When `shardId` is not a non-negative integer.
   */
  delete(shardId: number): Promise<void> {
    try {
      assertShardId(shardId, "delete session");
    } catch (error) {
      return Promise.reject(error);
    }
    this.#sessions.delete(shardId);
    return Promise.resolve();
  }

  /**
   * Forget several shards' sessions; shards with none saved are skipped.
   * Nothing is forgotten when one ID is malformed.
   *
   * @param shardIds The shards.
   * @returns A promise that resolves when they are gone.
   * @throws {TypeError} When `shardIds` is not an array.
   * @throws {RangeError} When an ID is not a non-negative integer.
   */
  deleteMany(shardIds: readonly number[]): Promise<void> {
    try {
      assertShardIds(shardIds, "delete sessions");
    } catch (error) {
      return Promise.reject(error);
    }
    for (const shardId of shardIds) this.#sessions.delete(shardId);
    return Promise.resolve();
  }
}

/**
 * Check the `shardIds` argument of {@linkcode SessionStore.deleteMany}, so
 * every store refuses the same values with the same message.
 *
 * @param shardIds The value.
 * @param action What the caller wanted to do, for the message.
 * @throws {TypeError} When it is not an array.
 * @throws {RangeError} When an ID is not a non-negative integer.
 */
export function assertShardIds(
  shardIds: unknown,
  action: string,
): asserts shardIds is readonly number[] {
  if (!Array.isArray(shardIds)) {
    throw new TypeError(
      `Cannot ${action} as 'shardIds' must be an array: current value '${
        shown(shardIds)
      }'`,
    );
  }
  for (const shardId of shardIds) assertShardId(shardId, action);
}
