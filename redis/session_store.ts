/**
 * {@linkcode RedisSessionStore}: saved sessions in Redis, so any machine of a
 * bot can RESUME any shard, in the layout the dispatch service (and
 * twilight-dispatch) keeps in `gateway_sessions`.
 *
 * @module
 */
import { cut, shown } from "../base/option_checks.ts";
import { getLogger } from "@logtape/logtape";
import { checkOptionKeys, optionKeys } from "../base/option_keys.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import {
  assertSavedSession,
  assertSavedSessions,
  assertShardId,
  type SavedSession,
  SHARD_OUT_OF_RANGE,
} from "../gateway/saved_session.ts";
import { assertShardIds, type SessionStore } from "../gateway/session_store.ts";
import type { RedisConnection } from "./connection.ts";
import type { Scheduler } from "../base/scheduler.ts";
import * as clocks from "./_session_clock.ts";
import { sentBySha } from "./_scripts_by_sha.ts";

// A key this store cannot read loses every saved session (the next start
// identifies every shard): shown on stderr unless LogTape is set up.
const visible = getVisibleLogger(["disruption", "redis", "session_store"]);
const logger = getLogger(["disruption", "redis", "session_store"]);

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
  intents?: number;
  bot_id?: string;
}

/** How many dropped or skipped shards a warning names; the rest it counts. */
const NAMED_SHARDS = 10;

/**
 * The most bytes a stored entry may take encoded; the save drops a larger
 * one. A session the readers accept takes under 3 KB (a session ID of 512
 * characters and a resume URL of 2,048 at most, which `toSession` and the
 * shard hold to), so this only meets values no session needs, which every
 * save decoded and encoded again: 100 MB left by another writer under a
 * shard no process saves made each save take 1–3 s and hold Redis for every
 * client. It is also Deno KV's limit for a value.
 */
const MAX_ENTRY_BYTES = 64 * 1024;

/**
 * The bytes a shard's entry takes on average above which the script looks
 * for entries over {@linkcode MAX_ENTRY_BYTES}. Discord's sessions take about
 * 200; looking at every entry of 4,000 shards costs half a save of them, so
 * an object its sessions explain is not looked through (one over 64 KiB may
 * then stay while it costs a save less than 512 bytes a shard would).
 */
const LOOK_ABOVE_BYTES_PER_ENTRY = 512;

/**
 * Merge entries into the sessions object, and remove some, atomically
 * (other processes write the other shards' entries), in one pass over the
 * object however many shards change: a delete per shard re-encoded it per
 * shard, and closing 4,000 shards stalled Redis for 20 s. A value that is
 * not a JSON object, or a key that is not a string at all (a hash there
 * failed every save with WRONGTYPE), is replaced, and the script says so.
 *
 * Redis's cjson cannot take some JSON whole that readers parse: a number
 * beyond the double range decodes to inf, which it refuses to encode (every
 * later save of every shard failed), and it decodes 1,000 levels of nesting
 * at most (one deep entry made the object unreadable, and the save replaced
 * every shard's session). So an object that does not encode whole is
 * encoded entry by entry (only then: always, it doubled the time of a save
 * of 4,000 shards), and one cjson cannot decode is split into its members
 * by a scan of its text (no depth limit: it only counts brackets outside
 * strings), each decoded alone. An entry that does not encode or decode is
 * dropped, and the script says which; the others are kept. Dropped, not
 * kept as text, because text cjson accepts need not be JSON (`nan`,
 * `0x1F`): kept, it would leave the whole key unreadable to every reader
 * for good; dropped, one shard identifies once. The rebuilt object can
 * itself be one level too deep for cjson (an entry exactly 1,000 deep):
 * each save then scans again, slower (about 50 ms for 4,000 shards), and
 * works.
 *
 * KEYS: 1 sessions, 2 shard count. ARGV: 1 JSON object of entries to set,
 * 2 JSON array of shard ids (strings) to delete, 3 shard count to store (""
 * for none), 4 how many dropped keys to name, 5 the ms to add to each
 * `saved_at` ("" to store them as given, see `localClock`). Returns
 * `{replaced, dropped, foreign, redis_ms, key...}`: replaced 1 when a
 * malformed value was replaced, else 0; the count of entries dropped; the
 * count of members dropped as no shard's; Redis's clock in ms (0 when
 * ARGV[5] is ""); the keys of the first ARGV[4] entries dropped (shards
 * first, in order), then of the first ARGV[4] members no shard's (in byte order),
 * each cut to 64 bytes.
 *
 * A member whose key is not a shard id as written here (`0`, `17`; not
 * `007`, `-1`, `note`) is dropped too: neither this store nor
 * twilight-dispatch writes one, no reader loads it, and kept, every save
 * decoded and encoded it again (20 MB of it held Redis 22 % busy under
 * the dispatch service's save a second). Its value is not decoded when the
 * object is split by members. An entry encoding to over
 * {@linkcode MAX_ENTRY_BYTES} is dropped for the same reason, as if it did
 * not encode: under a shard this bot does not run, no save replaced it
 * (looked for only in an object over
 * {@linkcode LOOK_ABOVE_BYTES_PER_ENTRY} bytes a shard, when the object is
 * decoded whole).
 */
const WRITE_SCRIPT = sentBySha(String.raw`
-- The end of the string starting at i (its closing quote), or nil.
local function string_end(text, i)
  local j = i + 1
  while true do
    local k = string.find(text, '["\\]', j)
    if not k then return nil end
    if string.byte(text, k) == 34 then return k end
    j = k + 2
  end
end
-- The end of the value starting at i, or nil. Brackets are only counted:
-- decoding the value checks the rest.
local function value_end(text, i)
  local first = string.byte(text, i)
  if first == 34 then return string_end(text, i) end
  if first ~= 123 and first ~= 91 then
    local k = string.find(text, '[,}%] \t\r\n]', i)
    if not k or k == i then return nil end
    return k - 1
  end
  local depth = 0
  local j = i
  while true do
    local k = string.find(text, '["{}%[%]]', j)
    if not k then return nil end
    local c = string.byte(text, k)
    if c == 34 then
      k = string_end(text, k)
      if not k then return nil end
    elseif c == 123 or c == 91 then
      depth = depth + 1
    else
      depth = depth - 1
      if depth == 0 then return k end
    end
    j = k + 1
  end
end
-- The members of an object as {key text, value text} pairs, or nil when the
-- text is no object.
local function members(text)
  local list = {}
  local i = string.find(text, '[^ \t\r\n]')
  if not i or string.byte(text, i) ~= 123 then return nil end
  i = string.find(text, '[^ \t\r\n]', i + 1)
  if i and string.byte(text, i) == 125 then
    if string.find(text, '[^ \t\r\n]', i + 1) then return nil end
    return list
  end
  while true do
    if not i or string.byte(text, i) ~= 34 then return nil end
    local key_end = string_end(text, i)
    if not key_end then return nil end
    local colon = string.find(text, '[^ \t\r\n]', key_end + 1)
    if not colon or string.byte(text, colon) ~= 58 then return nil end
    local value = string.find(text, '[^ \t\r\n]', colon + 1)
    if not value then return nil end
    local last = value_end(text, value)
    if not last then return nil end
    list[#list + 1] = {
      string.sub(text, i, key_end), string.sub(text, value, last)
    }
    i = string.find(text, '[^ \t\r\n]', last + 1)
    if not i then return nil end
    local c = string.byte(text, i)
    if c == 125 then
      if string.find(text, '[^ \t\r\n]', i + 1) then return nil end
      return list
    end
    if c ~= 44 then return nil end
    i = string.find(text, '[^ \t\r\n]', i + 1)
  end
end

-- Whether an entry encodes to over ${MAX_ENTRY_BYTES} bytes. A session (a few
-- short fields) is told by its text's length, not encoded: encoding every
-- entry apart doubled the time of a save. Text grows 6 times at most when
-- encoded (a control character is 6 characters escaped), a field of no text
-- by a few dozen bytes.
local function oversized(value)
  local size = 0
  if type(value) == 'string' then
    size = #value
  elseif type(value) == 'table' then
    for k, v in pairs(value) do
      if type(v) == 'table' then size = math.huge break end
      size = size + 8 + (type(k) == 'string' and #k or 0)
        + (type(v) == 'string' and #v or 0)
      if size > ${MAX_ENTRY_BYTES / 8} then break end
    end
  end
  if size <= ${MAX_ENTRY_BYTES / 8} then return false end
  -- One that does not encode is dropped when the object is encoded.
  local ok, encoded = pcall(cjson.encode, value)
  return ok and #encoded > ${MAX_ENTRY_BYTES}
end

-- Whether a member's key is a shard id as this store and twilight-dispatch
-- write it (no sign, no leading zero).
local function is_shard(key)
  return key == '0' or string.match(key, '^[1-9]%d*$') ~= nil
end

local replaced = 0
local dropped = {}
local foreign = {}
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
    local count = 0
    for key in pairs(current) do
      if not is_shard(key) then
        foreign[#foreign + 1] = key
        current[key] = nil
      else
        count = count + 1
      end
    end
    if #text > count * ${LOOK_ABOVE_BYTES_PER_ENTRY} then
      for key, value in pairs(current) do
        if oversized(value) then
          dropped[#dropped + 1] = key
          current[key] = nil
        end
      end
    end
  else
    local list = not ok and members(text)
    if list then
      for _, member in ipairs(list) do
        local key_ok, key = pcall(cjson.decode, member[1])
        if key_ok and type(key) == 'string' and not is_shard(key) then
          foreign[#foreign + 1] = key
        else
          local value_ok, value = pcall(cjson.decode, member[2])
          if key_ok and value_ok and not oversized(value) then
            current[key] = value
          else
            dropped[#dropped + 1] = key_ok and key or member[1]
          end
        end
      end
    else
      replaced = 1
    end
  end
end
${clocks.luaMergeOnRedisClock(1, 5)}
for _, shard in ipairs(cjson.decode(ARGV[2])) do current[shard] = nil end
-- Whole first, as fast as ever; one by one only when that fails.
local whole_ok, whole = pcall(cjson.encode, current)
if next(current) == nil then
  whole = '{}'
elseif not whole_ok then
  local parts = {}
  for shard, entry in pairs(current) do
    local ok, encoded = pcall(cjson.encode, entry)
    if ok then
      parts[#parts + 1] = cjson.encode(shard) .. ':' .. encoded
    else
      dropped[#dropped + 1] = shard
    end
  end
  whole = '{' .. table.concat(parts, ',') .. '}'
end
redis.call('SET', KEYS[1], whole)
if ARGV[3] ~= '' then redis.call('SET', KEYS[2], ARGV[3]) end
${clocks.luaRedisMs(5)}
local reply = {replaced, #dropped, #foreign, redis_ms}
if #dropped > 0 then
  table.sort(dropped, function(a, b)
    local a_shard = string.match(a, '^%d+$') ~= nil
    local b_shard = string.match(b, '^%d+$') ~= nil
    if a_shard ~= b_shard then return a_shard end
    if a_shard and #a ~= #b then return #a < #b end
    return a < b
  end)
  for i = 1, math.min(#dropped, tonumber(ARGV[4])) do
    reply[#reply + 1] = string.sub(dropped[i], 1, 64)
  end
end
table.sort(foreign)
for i = 1, math.min(#foreign, tonumber(ARGV[4])) do
  reply[#reply + 1] = string.sub(foreign[i], 1, 64)
end
return reply
`);

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
  /**
   * The clock of the `savedAt` of sessions saved and loaded, when not
   * Redis's: `realScheduler` (this machine's) for a `ShardManager` or
   * `Client`. Dates are then stored on Redis's clock (`TIME`), so a machine
   * whose clock is minutes off still resumes a session saved just before,
   * and refuses one over 2 minutes old. Left out, they are stored as given:
   * a `FleetShards` dates them on Redis's clock already, and refuses it.
   */
  localClock?: Pick<Scheduler, "now">;
}

/** Every key of {@linkcode RedisSessionStoreOptions}. */
const STORE_OPTION_KEYS = optionKeys(
  {
    key: true,
    shardCountKey: true,
    localClock: true,
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
 * store adds `shard_count`, `saved_at` (milliseconds since the epoch, on
 * Redis's clock given `localClock`),
 * `intents` and `bot_id` (when known) per entry; `gateway_shards` holds the shard count of the latest save. Either
 * side reads what the other wrote: an entry without `shard_count` takes the
 * one in `gateway_shards`, one without `saved_at` loads with `savedAt` 0
 * (the dispatch service resumes it, Discord refusing it if expired; a
 * `ShardManager` resumes only sessions saved within the last 2 minutes,
 * with the same shard count), and one with an empty `session_id`
 * (twilight-dispatch's for a shard without a session) is none, skipped
 * quietly.
 *
 * Each save or delete (of one shard or, with `deleteMany`, of many) is one
 * Lua script, so processes saving different shards at once never undo each
 * other's entries. Entries that are not well-formed sessions are skipped
 * when loading; members whose key is not a shard id (neither this store nor
 * twilight-dispatch writes one) are dropped by the next save; a value that is not a JSON object, or a key of another
 * type, loads as no sessions and is replaced by the next save; entries
 * Redis's JSON cannot rewrite (a number beyond the double range, nesting
 * over 1,000 levels), or over 64 KiB (a session takes under 3 KB; looked
 * for in an object over 512 bytes a shard), are dropped by the next save,
 * the other shards' kept
 * (each with a warning naming them, on stderr unless LogTape is
 * configured). Numbers are kept to Redis's JSON precision of 14 digits,
 * ample for sequences and times.
 *
 * @example Save on one machine, load on another
 * ```ts
 * import { closeRedis, connectRedis, RedisSessionStore } from "@disruption/disruption/redis";
 * import { realScheduler } from "@disruption/disruption/gateway";
 *
 * async function main(): Promise<void> {
 *   const redis = await connectRedis({ url: "redis://10.0.0.5:6379" });
 *   // For a ShardManager or Client (a FleetShards refuses 'localClock': it
 *   // dates sessions on Redis's clock itself): machines agree on ages.
 *   const store = new RedisSessionStore(redis, { key: "mybot:sessions", localClock: realScheduler });
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
  readonly #clock: clocks.SessionClock;
  #foreignSaid = false;

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
            shown(value)
          }'`,
        );
      }
    }
    this.#redis = redis;
    this.#key = key;
    this.#shardCountKey = shardCountKey;
    this.#clock = clocks.sessionClock(this, options.localClock);
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
    const sessions = await this.#read(shardId);
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
   * when a shard appears twice the last one wins. A session whose ID or
   * resume URL is not well-formed Unicode (a lone surrogate, which Redis's
   * JSON cannot read) is not saved, with a warning, and its shard's stored
   * entry (an earlier session's) is removed, unless a later session of that
   * shard in the batch is saved; the others are saved.
   *
   * @param sessions The sessions to save.
   * @returns A promise that resolves when they are stored.
   * @throws {TypeError} (as a rejection) When a session has a field of the
   * wrong type.
   * @throws {RangeError} (as a rejection) When a session has a number out of
   * range.
   */
  async save(sessions: SavedSession[]): Promise<void> {
    // JSON.stringify writes a lone surrogate as an escape Redis's cjson
    // refuses: the whole batch failed, every shard's save, until that
    // shard had a new session. Left out before the checks, so a rule that
    // refuses such an ID does not fail the batch either.
    const unwritable = Array.isArray(sessions)
      ? sessions.filter(isUnwritable)
      : [];
    const kept = unwritable.length === 0
      ? sessions
      : sessions.filter((session) => !isUnwritable(session));
    assertSavedSessions(kept);
    // Each shard's last session only: an unwritable one before a good one
    // of its shard had the good one removed (the script deletes after it
    // writes), though the last one wins.
    const last = new Map<string, SavedSession>();
    for (const session of unwritable.length === 0 ? kept : sessions) {
      last.set(String(session.shardId), session);
    }
    const removed = [...last.keys()].filter((id) => isUnwritable(last.get(id)));
    if (removed.length > 0) {
      visible.warn(
        "Session of {shards} not saved: its session ID or resume URL is not well-formed Unicode (a lone surrogate), which Redis's JSON cannot read; the stored one removed, the other sessions saved. Those shards identify instead of resuming",
        {
          shards: `shard ${
            nameSome(
              removed.slice(0, NAMED_SHARDS).map((id) => cut(id, 20)),
              removed.length,
            )
          }`,
        },
      );
    }
    if (kept.length === 0 && removed.length === 0) return;
    const entries: Record<string, StoredEntry> = {};
    for (const session of last.values()) {
      if (isUnwritable(session)) continue;
      const entry: StoredEntry = {
        session_id: session.sessionId,
        sequence: session.sequence,
        shard_count: session.shardCount,
        saved_at: session.savedAt,
      };
      if (session.resumeUrl !== undefined) entry.resume_url = session.resumeUrl;
      if (session.intents !== undefined) entry.intents = session.intents;
      if (session.botId !== undefined) entry.bot_id = session.botId;
      entries[String(session.shardId)] = entry;
    }
    const final = kept[kept.length - 1];
    await this.#clock.save(this.#redis, (shift) =>
      this.#write(
        JSON.stringify(entries),
        JSON.stringify(removed),
        final === undefined ? "" : String(final.shardCount),
        shift,
      ));
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
    shift = "",
  ): Promise<number> {
    const [replaced, dropped, foreign, time, ...keys] = await this.#redis.eval(
      WRITE_SCRIPT,
      2,
      this.#key,
      this.#shardCountKey,
      entries,
      remove,
      shardCount,
      String(NAMED_SHARDS),
      shift,
    ) as [number, number, number, number, ...string[]];
    const named = Math.min(dropped, NAMED_SHARDS);
    if (replaced === 1) {
      visible.warn(
        "Redis key {key} did not hold a JSON object of sessions (written by hand or by another program); it was replaced",
        { key: this.#key },
      );
    }
    if (dropped > 0) {
      visible.warn(
        "Redis key {key} held {entries} Redis cannot decode or encode (a number beyond the double range, nesting deeper than 1,000 levels, text that is not JSON) or over {maxKiB} KiB encoded (a session takes under 3 KB; each save encoded it again), for {shards}: dropped so that saves go through, the other entries kept; those shards identify instead of resuming",
        {
          maxKiB: MAX_ENTRY_BYTES / 1024,
          key: this.#key,
          entries: dropped === 1 ? "1 entry" : `${dropped} entries`,
          shards: nameSome(keys.slice(0, named).map(showKey), dropped),
        },
      );
    }
    if (foreign > 0) {
      // Shown once: a program that keeps writing such members would have
      // it said on every save (every second in the dispatch service).
      const said = this.#foreignSaid;
      this.#foreignSaid = true;
      const say = (message: string, properties: Record<string, unknown>) =>
        said
          ? logger.debug(message, properties)
          : visible.warn(message, properties);
      say(
        "Redis key {key} held {members} that {are} no shard's session (their key is not a shard id): {keys}: dropped, as neither this store nor twilight-dispatch writes such members and every save re-encoded them",
        {
          key: this.#key,
          members: foreign === 1 ? "1 member" : `${foreign} members`,
          are: foreign === 1 ? "is" : "are",
          keys: nameSome(
            keys.slice(named).map((name) => JSON.stringify(name)),
            foreign,
          ),
        },
      );
    }
    return time;
  }

  /**
   * Read every well-formed session; say, once, which entries of shards
   * (only `only`'s, when given) are skipped and why: each costs its shard an
   * IDENTIFY.
   */
  async #read(
    only?: number,
    again = false,
  ): Promise<Map<number, SavedSession>> {
    const redis = this.#redis;
    const [[text, countText], onClock] = await this.#clock.read(
      redis,
      () => redis.mget(this.#key, this.#shardCountKey),
    );
    const sessions = new Map<number, SavedSession>();
    if (text === null || text === undefined) {
      // MGET answers nil for a key of another type as for a missing one.
      const kind = await this.#redis.type(this.#key);
      // A string: another process saved between the two calls (after a
      // Redis restart, processes save at once), not a key gone wrong.
      if (kind === "string") {
        return again ? sessions : await this.#read(only, true);
      }
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
    const skipped: string[] = [];
    // Entries of shards beyond the shard count: no shard identifies for them.
    let beyond = 0;
    for (const [shard, value] of Object.entries(stored)) {
      // Other keys are no shard's: nothing identifies for them, and the
      // next save drops them, saying so (said here, every load said it).
      if (!/^(0|[1-9][0-9]*)$/.test(shard)) continue;
      if (only !== undefined && shard !== String(only)) continue;
      const session = toSession(Number(shard), value, fallbackCount);
      if (session === undefined) continue;
      if (typeof session === "string") {
        skipped.push(`${cut(shard, 20)} (${session})`);
        if (session.startsWith(SHARD_OUT_OF_RANGE)) beyond++;
      } else {
        sessions.set(session.shardId, session);
      }
    }
    onClock(this.#key, sessions);
    if (skipped.length > 0) {
      visible.warn(
        "Redis key {key} holds {skipped}, skipped: {outcome}: {shards}",
        {
          key: this.#key,
          outcome: beyond === 0
            ? "their shards identify instead of resuming"
            : beyond === skipped.length
            ? "their shard ids are beyond the shard count, so no shard identifies for them"
            : "their shards identify instead of resuming (those beyond the shard count run no shard)",
          skipped: skipped.length === 1
            ? "1 entry that is not a well-formed session"
            : `${skipped.length} entries that are not well-formed sessions`,
          shards: nameSome(skipped.slice(0, NAMED_SHARDS), skipped.length),
        },
      );
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

/** The longest part of a skipped entry's value a warning shows. */
const SHOWN_CHARS = 40;

/**
 * The session an entry holds, why it holds none (the rule's message,
 * bounded: the value may be anything someone wrote), or `undefined` for an
 * entry that says it holds none.
 */
function toSession(
  shardId: number,
  value: unknown,
  fallbackCount: number | undefined,
): SavedSession | string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return `not an object: current value '${cut(shown(value), SHOWN_CHARS)}'`;
  }
  const entry = value as Record<string, unknown>;
  // twilight-dispatch's entry for a shard without a session (not yet
  // identified): nothing to resume, and nothing wrong to warn about.
  if (entry.session_id === "") return undefined;
  const session: Record<string, unknown> = {
    shardId,
    shardCount: entry.shard_count ?? fallbackCount,
    sessionId: entry.session_id,
    sequence: entry.sequence,
    savedAt: entry.saved_at ?? 0,
  };
  if (entry.resume_url !== undefined && entry.resume_url !== null) {
    session.resumeUrl = entry.resume_url;
  }
  // None in entries of older versions and of twilight-dispatch.
  if (entry.intents !== undefined && entry.intents !== null) {
    session.intents = entry.intents;
  }
  if (entry.bot_id !== undefined && entry.bot_id !== null) {
    session.botId = entry.bot_id;
  }
  try {
    assertSavedSession(session);
    // Written by another program (as a JSON escape): resumed, it would
    // fail every later save of the batch it is in.
    if (isUnwritable(session)) {
      return "'sessionId' or 'resumeUrl' is not well-formed Unicode (a lone surrogate)";
    }
    return session;
  } catch (error) {
    return cut(
      (error as Error).message.replace(/^Cannot use session as /, ""),
      4 * SHOWN_CHARS,
    );
  }
}

/**
 * Whether `session` holds text Redis's JSON cannot read: a session ID or
 * resume URL that is not well-formed Unicode (a lone surrogate).
 */
function isUnwritable(session: unknown): boolean {
  if (typeof session !== "object" || session === null) return false;
  const { sessionId, resumeUrl } = session as Record<string, unknown>;
  return (typeof sessionId === "string" && !sessionId.isWellFormed()) ||
    (typeof resumeUrl === "string" && !resumeUrl.isWellFormed());
}

/** A key Redis named, as a warning shows it (quoted unless a shard ID). */
function showKey(key: string): string {
  return /^[0-9]+$/.test(key) ? key : JSON.stringify(key);
}

/** `named` joined, followed by how many of `total` it leaves out. */
function nameSome(named: readonly string[], total: number): string {
  const more = total - named.length;
  return named.join(", ") + (more > 0 ? ` and ${more} more` : "");
}
