/**
 * {@linkcode RedisSessionStore}: saved sessions in Redis, so any machine of a
 * bot can RESUME any shard, in the layout the dispatch service (and
 * twilight-dispatch) keeps in `gateway_sessions`.
 *
 * @module
 */
import { checkOptionKeys, optionKeys } from "../base/option_keys.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import {
  assertSavedSessions,
  assertShardId,
  describe,
  isSavedSession,
  type SavedSession,
} from "../gateway/saved_session.ts";
import { assertShardIds, type SessionStore } from "../gateway/session_store.ts";
import type { RedisConnection } from "./connection.ts";

// A key this store cannot read loses every saved session (the next start
// identifies every shard): shown on stderr unless LogTape is set up.
const visible = getVisibleLogger(["disruption", "redis", "session_store"]);

/**
 * One shard's entry in the sessions key: twilight-dispatch's three fields,
 * plus the shard count and the save time as additions.
 */
interface StoredEntry {
  session_id: string;
  sequence: number;
  resume_url?: string;
  shard_count?: number;
  saved_at?: number;
}

/**
 * Merge entries into the sessions object, and remove some, atomically
 * (other processes write the other shards' entries), in one pass over the
 * object however many shards change: a delete per shard re-encoded it per
 * shard, and closing 4,000 shards stalled Redis for 20 s. A value that is
 * not a JSON object, or a key that is not a string at all (a hash there
 * failed every save with WRONGTYPE), is replaced, and the script says so.
 *
 * KEYS: 1 sessions, 2 shard count. ARGV: 1 JSON object of entries to set,
 * 2 JSON array of shard ids (strings) to delete, 3 shard count to store (""
 * for none). Returns 1 when a malformed value was replaced, else 0.
 */
const WRITE_SCRIPT = `
local replaced = 0
local current = {}
local kind = redis.call('TYPE', KEYS[1]).ok
if kind ~= 'none' and kind ~= 'string' then
  redis.call('DEL', KEYS[1])
  replaced = 1
end
local text = redis.call('GET', KEYS[1])
if text then
  local ok, decoded = pcall(cjson.decode, text)
  -- cjson decodes an array to a table too: its entries are no shards.
  if ok and type(decoded) == 'table' and string.match(text, '^%s*{') then
    current = decoded
  else
    replaced = 1
  end
end
for shard, entry in pairs(cjson.decode(ARGV[1])) do current[shard] = entry end
for _, shard in ipairs(cjson.decode(ARGV[2])) do current[shard] = nil end
if next(current) == nil then
  redis.call('SET', KEYS[1], '{}')
else
  redis.call('SET', KEYS[1], cjson.encode(current))
end
if ARGV[3] ~= '' then redis.call('SET', KEYS[2], ARGV[3]) end
return replaced
`;

/** Options for {@linkcode RedisSessionStore}. */
export interface RedisSessionStoreOptions {
  /**
   * The key holding every shard's session, as one JSON object keyed by
   * shard ID. Give each bot sharing a Redis its own.
   *
   * @default {"gateway_sessions"}
   */
  key?: string;
  /**
   * The key holding the shard count of the latest save, for entries written
   * without their own (the dispatch service's, twilight-dispatch's).
   *
   * @default {"gateway_shards"}
   */
  shardCountKey?: string;
}

/** Every key of {@linkcode RedisSessionStoreOptions}. */
const STORE_OPTION_KEYS = optionKeys(
  {
    key: true,
    shardCountKey: true,
  } satisfies Record<keyof RedisSessionStoreOptions, true>,
);

/**
 * What the options of other stores are here: a `prefix` (KvSessionStore's,
 * RedisIdentifyQueue's) would have left the sessions under the key of every
 * other bot on the same Redis.
 */
const STORE_KEY_HINTS: Readonly<Record<string, string>> = {
  prefix:
    "the sessions are under one key, 'key' (the shard count under 'shardCountKey')",
};

/**
 * A {@linkcode SessionStore} in Redis, shared by every process of a bot.
 *
 * The layout is the dispatch service's (and twilight-dispatch's)
 * `gateway_sessions`: one JSON object,
 * `{"<shard>": {"session_id", "sequence", "resume_url"}}`, to which this
 * store adds `shard_count` and `saved_at` (milliseconds since the epoch) per
 * entry; `gateway_shards` holds the shard count of the latest save. Either
 * side reads what the other wrote: an entry without `shard_count` takes the
 * one in `gateway_shards`, one without `saved_at` counts as saved at `0`
 * (too old to resume: the manager resumes only sessions saved within the
 * last 2 minutes, with the same shard count).
 *
 * Each save or delete (of one shard or, with `deleteMany`, of many) is one
 * Lua script, so processes saving different shards at once never undo each
 * other's entries. Entries that are not well-formed sessions are skipped
 * when loading; a value that is not a JSON object, or a key of another
 * type, loads as no sessions and is replaced by the next save (each with a
 * warning, on stderr unless LogTape is configured). Numbers are kept to
 * Redis's JSON precision of 14 digits, ample for sequences and times.
 *
 * @example Save on one machine, load on another
 * ```ts
 * import { closeRedis, connectRedis, RedisSessionStore } from "@disruption/disruption/redis";
 *
 * async function main(): Promise<void> {
 *   const redis = await connectRedis({ url: "redis://10.0.0.5:6379" });
 *   const store = new RedisSessionStore(redis, { key: "mybot:sessions" });
 *   const saved = await store.load(3);
 *   if (saved) console.log(`resume ${saved.sessionId} at ${saved.sequence}`);
 *   await closeRedis(redis);
 * }
 * void main; // needs a server: defined, not run
 * ```
 */
export class RedisSessionStore implements SessionStore {
  readonly #redis: RedisConnection;
  readonly #key: string;
  readonly #shardCountKey: string;

  /**
   * Create a store on a connection from `connectRedis` (the caller closes
   * it).
   *
   * @param redis The connection.
   * @param options The keys.
   * @throws {TypeError} When a key is not a non-empty string, or `options`
   * has a key that is none of its options (the message names the nearest
   * one).
   */
  constructor(redis: RedisConnection, options: RedisSessionStoreOptions = {}) {
    checkOptionKeys(
      "create session store",
      "",
      options,
      STORE_OPTION_KEYS,
      STORE_KEY_HINTS,
    );
    const { key = "gateway_sessions", shardCountKey = "gateway_shards" } =
      options;
    for (
      const [name, value] of [["key", key], ["shardCountKey", shardCountKey]]
    ) {
      if (typeof value !== "string" || value === "") {
        throw new TypeError(
          `Cannot create session store as '${name}' must be a non-empty string: current value '${name}=${
            describe(value)
          }'`,
        );
      }
    }
    this.#redis = redis;
    this.#key = key;
    this.#shardCountKey = shardCountKey;
  }

  /**
   * The saved session of one shard.
   *
   * @param shardId The shard.
   * @returns The session, or `undefined` when none (or a malformed one) is
   * saved.
   * @throws {RangeError} (as a rejection) When `shardId` is not a
   * non-negative integer.
   */
  async load(shardId: number): Promise<SavedSession | undefined> {
    assertShardId(shardId, "load session");
    const sessions = await this.#read();
    return sessions.get(shardId);
  }

  /**
   * Every well-formed saved session.
   *
   * @returns The sessions, ordered by shard ID.
   */
  async loadAll(): Promise<SavedSession[]> {
    const sessions = await this.#read();
    return [...sessions.values()].sort((a, b) => a.shardId - b.shardId);
  }

  /**
   * Save a batch of sessions in one atomic write, leaving other shards'
   * entries as they are. Nothing is saved when one of them is malformed;
   * when a shard appears twice the last one wins.
   *
   * @param sessions The sessions to save.
   * @returns A promise that resolves when they are stored.
   * @throws {TypeError} (as a rejection) When a session has a field of the
   * wrong type.
   * @throws {RangeError} (as a rejection) When a session has a number out of
   * range.
   */
  async save(sessions: SavedSession[]): Promise<void> {
    assertSavedSessions(sessions);
    if (sessions.length === 0) return;
    const entries: Record<string, StoredEntry> = {};
    for (const session of sessions) {
      const entry: StoredEntry = {
        session_id: session.sessionId,
        sequence: session.sequence,
        shard_count: session.shardCount,
        saved_at: session.savedAt,
      };
      if (session.resumeUrl !== undefined) entry.resume_url = session.resumeUrl;
      entries[String(session.shardId)] = entry;
    }
    const shardCount = sessions[sessions.length - 1]!.shardCount;
    await this.#write(JSON.stringify(entries), "[]", String(shardCount));
  }

  /**
   * Forget one shard's session; nothing happens when none is saved.
   *
   * @param shardId The shard.
   * @returns A promise that resolves when it is gone.
   * @throws {RangeError} (as a rejection) When `shardId` is not a
   * non-negative integer.
   */
  async delete(shardId: number): Promise<void> {
    assertShardId(shardId, "delete session");
    await this.#write("{}", JSON.stringify([String(shardId)]), "");
  }

  /**
   * Forget several shards' sessions in one atomic write (one pass over the
   * sessions object, however many shards); shards with none saved are
   * skipped. Nothing is deleted when one ID is malformed.
   *
   * @param shardIds The shards.
   * @returns A promise that resolves when they are gone.
   * @throws {TypeError} (as a rejection) When `shardIds` is not an array.
   * @throws {RangeError} (as a rejection) When an ID is not a non-negative
   * integer.
   */
  async deleteMany(shardIds: readonly number[]): Promise<void> {
    assertShardIds(shardIds, "delete sessions");
    if (shardIds.length === 0) return;
    await this.#write("{}", JSON.stringify(shardIds.map(String)), "");
  }

  async #write(
    entries: string,
    remove: string,
    shardCount: string,
  ): Promise<void> {
    const replaced = await this.#redis.eval(
      WRITE_SCRIPT,
      2,
      this.#key,
      this.#shardCountKey,
      entries,
      remove,
      shardCount,
    );
    if (replaced === 1) {
      visible.warn(
        "Redis key {key} did not hold a JSON object of sessions (written by hand or by another program); it was replaced",
        { key: this.#key },
      );
    }
  }

  async #read(again = false): Promise<Map<number, SavedSession>> {
    const [text, countText] = await this.#redis.mget(
      this.#key,
      this.#shardCountKey,
    );
    const sessions = new Map<number, SavedSession>();
    if (text === null || text === undefined) {
      // MGET answers nil for a key of another type as for a missing one.
      const kind = await this.#redis.type(this.#key);
      // A string: another process saved between the two calls (after a
      // Redis restart, processes save at once), not a key gone wrong.
      if (kind === "string") return again ? sessions : await this.#read(true);
      if (kind !== "none") this.#unreadable(`a ${kind}`);
      return sessions;
    }
    let stored: unknown;
    try {
      stored = JSON.parse(text);
    } catch {
      this.#unreadable("a string that is not JSON");
      return sessions;
    }
    if (
      typeof stored !== "object" || stored === null || Array.isArray(stored)
    ) {
      this.#unreadable("JSON that is not an object");
      return sessions;
    }
    const fallbackCount = countText === null ? undefined : Number(countText);
    for (const [shard, value] of Object.entries(stored)) {
      if (!/^(0|[1-9][0-9]*)$/.test(shard)) continue;
      if (typeof value !== "object" || value === null) continue;
      const entry = value as Record<string, unknown>;
      const session: Record<string, unknown> = {
        shardId: Number(shard),
        shardCount: entry.shard_count ?? fallbackCount,
        sessionId: entry.session_id,
        sequence: entry.sequence,
        savedAt: entry.saved_at ?? 0,
      };
      if (entry.resume_url !== undefined && entry.resume_url !== null) {
        session.resumeUrl = entry.resume_url;
      }
      if (isSavedSession(session)) sessions.set(session.shardId, session);
    }
    return sessions;
  }

  #unreadable(held: string): void {
    visible.warn(
      "Redis key {key} holds {held} where a JSON object of sessions belongs (written by hand or by another program): no sessions loaded, so the shards identify; the next save replaces it",
      { key: this.#key, held },
    );
  }
}
