/**
 * {@linkcode FleetGeneration}: the fleet's shard count in Redis, the reshard
 * in progress and its barrier (the new shards that are complete), and the
 * deletion of the keys of counts the fleet has left behind or given up
 * (see {@linkcode retiredKeysGraceMs}).
 *
 * @module
 */
import type { RedisConnection } from "../redis/connection.ts";
import { getLogger } from "@logtape/logtape";
import { getVisibleLogger } from "../base/visible_logger.ts";
import { MAX_TIMER_DELAY } from "../base/scheduler.ts";
import { MAX_RECOMMENDED_SHARDS } from "../handler/gateway_bot_check.ts";
import { DEFAULT_SESSION_MAX_AGE } from "../gateway/session_store.ts";
import { luaNow } from "../redis/lua_now.ts";
import { EPOCH_LUA, seeding } from "./generation_seed.ts";
import { LeaseTimes } from "./lease_times.ts";
import { FleetIntents } from "./fleet_intents.ts";

const logger = getLogger(["disruption", "fleet"]);
/** What was put right in Redis is for an operator to see. */
const visible = getVisibleLogger(["disruption", "fleet"]);

/**
 * How long after the fleet leaves a shard count (switches away from it, or
 * gives up the reshard to it) that count's keys in Redis are deleted, for a
 * fleet whose lease TTL is `leaseTtlMs`: four TTLs plus
 * `DEFAULT_SESSION_MAX_AGE` (120 s), 3 minutes by default. A count's keys
 * are its leases and members (`<prefix>:<n>:leases`, `:members`) and its
 * {@linkcode eraKeys}; the count switched to keeps its leases and members,
 * and its era keys go after the same grace. By then every process has
 * switched (or closed the given-up set) and stopped writing them (each
 * within a renewal), a process that died around the switch has had its new
 * shards taken over (within a TTL and a renewal) and resumed from the era
 * keys, and every session saved there is past the age a shard resumes
 * (120 s): nothing reads them any more. A bot that only grows its count
 * would otherwise keep one set of keys per reshard for good.
 *
 * @param leaseTtlMs The fleet's lease TTL, in ms.
 * @returns The grace, in ms.
 */
export function retiredKeysGraceMs(leaseTtlMs: number): number {
  return 4 * leaseTtlMs + DEFAULT_SESSION_MAX_AGE;
}

/**
 * Lua for the keys of counts the fleet left: `retire(prefix, count, what,
 * ttl)` records that `count`'s keys (`what`: "all", or "era" for its
 * {@linkcode eraKeys} only) go `retiredKeysGraceMs(ttl)` from `now`, in
 * the hash `<prefix>:retired` (field `<count>:<what>`, value the time, on
 * the leases' clock); `unretire(prefix, count)` keeps them (a reshard to
 * that count starts); `sweep(prefix, count, nxt)`, at every sync, deletes
 * the keys whose time has come, never those of the running reshard's
 * count nor the running count's leases and members. Expects `now`.
 */
const RETIRING = `
local function retire(prefix, count, what, ttl)
  redis.call('HSET', prefix .. ':retired', count .. ':' .. what,
    now + 4 * tonumber(ttl) + ${DEFAULT_SESSION_MAX_AGE})
end
local function unretire(prefix, count)
  redis.call('HDEL', prefix .. ':retired', count .. ':all', count .. ':era')
end
local function sweep(prefix, count, nxt)
  local retired = prefix .. ':retired'
  local raw = redis.call('HGETALL', retired)
  for i = 1, #raw, 2 do
    local c, what = string.match(raw[i], '^(%d+):(%a+)$')
    local at = tonumber(raw[i + 1])
    local valid = c and at and (what == 'all' or what == 'era')
    if not valid or at <= now then
      redis.call('HDEL', retired, raw[i])
      c = tonumber(c)
      if valid and c ~= nxt and (what == 'era' or c ~= count) then
        local base = prefix .. ':' .. c .. ':'
        redis.call('DEL', base .. 'sessions', base .. 'session_count',
          base .. 'complete')
        if what == 'all' then
          redis.call('DEL', base .. 'leases', base .. 'members')
        end
      end
    end
  end
end
`;

/**
 * Lua: `liveMark(leases, shard)`, whether a barrier mark of `shard` counts:
 * its lease in the hash `leases` (`holder|expiry`) is held at `now` (see
 * `liveBarrier`). Expects `now`.
 */
const LIVE_MARK = `
local function liveMark(leases, shard)
  local v = redis.call('HGET', leases, shard)
  local e = v and tonumber(string.match(v, '|(%d+)$'))
  return e and e >= now or false
end
`;

/**
 * Whether the fleet may switch to the next set (`nxt` shards): every one of
 * its shards is marked complete by a process that still holds its lease,
 * and every lease of the running set was renewed since that was so. A mark
 * outlives the process that made it, and a lease looks held for a TTL after
 * its process died: flipped meanwhile, the set was switched to while the
 * dead process's old shards ran nowhere, and nobody resumed them, so every
 * event of their guilds between the death and the new shards' IDENTIFY was
 * lost. Now the flip waits for the old shards' holders to show they live
 * (a renewal, within `renewMs` for a live one), or for another process to
 * take a dead one's over (it resumes them: nothing is lost). Marks whose
 * lease is gone are dropped, to be made again by whoever takes the shard
 * over. `complete_at` in the generation hash records since when the marks
 * were complete. Expects `now` (luaNow), the fleet's prefix in
 * ARGV[prefix] and the caller's lease TTL in ARGV[ttl] (the fleet's, stored
 * in the generation hash, wins: a lease's renewal time is its expiry less
 * the TTL its holder wrote it with).
 */
function liveBarrier(prefixArg: number, ttlArg: number): string {
  return `
${LIVE_MARK}
local function complete(nxt)
  local live = 0
  if redis.call('SCARD', KEYS[2]) >= nxt then
    local leases = ARGV[${prefixArg}] .. ':' .. nxt .. ':leases'
    for _, shard in ipairs(redis.call('SMEMBERS', KEYS[2])) do
      if liveMark(leases, shard) then live = live + 1
      else redis.call('SREM', KEYS[2], shard) end
    end
  end
  if live < nxt then
    redis.call('HDEL', KEYS[1], 'complete_at')
    return false
  end
  local at = tonumber(redis.call('HGET', KEYS[1], 'complete_at'))
  if not at then
    at = now
    redis.call('HSET', KEYS[1], 'complete_at', now)
  end
  local old = ARGV[${prefixArg}] .. ':' .. redis.call('HGET', KEYS[1], 'count') .. ':leases'
  -- A stored TTL that is none (hand-edited: -inf, nan, a fraction) is not
  -- used: it made every old lease look expired, and the flip left a dead
  -- holder's shards unrun. The next sync puts it right.
  local ttl = tonumber(redis.call('HGET', KEYS[1], 'lease_ttl'))
  if not (ttl and ttl >= 3 and ttl <= ${MAX_TIMER_DELAY} and ttl == math.floor(ttl)) then
    ttl = tonumber(ARGV[${ttlArg}])
  end
  local raw = redis.call('HGETALL', old)
  for i = 2, #raw, 2 do
    local e = tonumber(string.match(raw[i], '|(%d+)$'))
    if e == nil or e - ttl <= at then return false end
  end
  redis.call('HDEL', KEYS[1], 'complete_at')
  return true
end
`;
}

/**
 * Read the shard count, flipping it to the next one when the barrier is
 * complete (a mark may have been lost with its process), and delete the
 * keys of counts left long enough ago (see {@linkcode retiredKeysGraceMs}).
 *
 * KEYS: 1 generation (hash count, next, lease_ttl, seeded), 2 ready (set
 * of the next count's complete shards). ARGV: 1 the caller's count, 2 the
 * largest valid count, 3 now ("" = the server's TIME), 4 the fleet's prefix
 * (its leases are `prefix:count:leases`), 5 the caller's lease TTL, 6 the
 * epoch of the count the caller runs ("" when none: see `SeedArgs`), 7 "1"
 * on its first sync, 8 until when its last renewal keeps its shards safe
 * ("" when none; see `generation_seed.ts` for what is stored when), 9 its
 * intents ("" when unknown). Returns `{count, next or 0, fixed, the
 * fleet's lease TTL, created_at or 0, 1 when the count is provisional
 * (seeded), the id of the last reshard request, what stamped the count's
 * epoch ("flip", "seed" or ""), the fleet's intents or "", that epoch}`.
 */
const SYNC_SCRIPT = `${luaNow(3)}
${
  seeding({
    max: 2,
    count: 1,
    ttl: 5,
    epoch: 6,
    fresh: 7,
    running: 8,
    prefix: 4,
    intents: 9,
  })
}
${liveBarrier(4, 5)}
${RETIRING}
local count, nxt, fixed, ttl, created, fleetIntents = clean()
if nxt and complete(nxt) then
  redis.call('HSET', KEYS[1], 'count', nxt)
  bumpEpoch(KEYS[1])
  redis.call('HDEL', KEYS[1], 'next', 'seeded')
  redis.call('DEL', KEYS[2])
  retire(ARGV[4], count, 'all', ttl)
  retire(ARGV[4], nxt, 'era', ttl)
  count, nxt = nxt, nil
end
sweep(ARGV[4], count, nxt)
local asked = string.match(redis.call('HGET', KEYS[1], 'asked') or '', '^(.*)|')
return {count, nxt or 0, fixed, ttl, created,
  redis.call('HEXISTS', KEYS[1], 'seeded'), asked or '',
  redis.call('HGET', KEYS[1], 'epoch_stamped') or '', fleetIntents,
  epochOf(redis.call('HGET', KEYS[1], 'epoch')) or 0}
`;

/**
 * Ask for a reshard. KEYS: 1 generation, 2 ready. ARGV: 1 the caller's
 * count, 2 the target, 3 the largest valid count, 4 the fleet's prefix, 5
 * now ("" = the server's TIME), 6 the caller's lease TTL, 7 and 8 as the
 * sync's 6 and 7, 9 the request's id (one per call), 10 and 11 as the
 * sync's 8 and 9.
 * Returns `{1, count}` when recorded, `{0, next}` when another reshard is running, `{2, count}`
 * when the count is the target, each with what `clean()` fixed third. A
 * recorded reshard starts its set's own keys afresh (see
 * {@linkcode eraKeys}): an earlier reshard to the same count left its
 * sessions and marks there, and the count's keys, if the fleet left it
 * lately, are no longer to be deleted.
 *
 * Repeat-safe: the request's id and the count it was recorded from stay in
 * the generation hash (field `asked`, until the next request), and a second
 * run of the same request (ioredis resends a command whose reply was lost
 * with the connection, so Redis runs the script twice) answers `{1, count}`
 * again and records nothing: it took its own reshard for another's, and
 * `reshard()` threw although its reshard ran.
 */
const REQUEST_SCRIPT = `${luaNow(5)}
${
  seeding({
    max: 3,
    count: 1,
    ttl: 6,
    epoch: 7,
    fresh: 8,
    running: 10,
    prefix: 4,
    intents: 11,
  })
}
${RETIRING}
local retyped = retype()
local asked = redis.call('HGET', KEYS[1], 'asked')
local id, from = string.match(asked or '', '^(.*)|(%d+)$')
if id == ARGV[9] then return {1, tonumber(from)} end
local count, nxt, fixed = clean()
if retyped then fixed = fixed + 128 end
if nxt then return {0, nxt, fixed} end
if count == tonumber(ARGV[2]) then return {2, count, fixed} end
redis.call('DEL', KEYS[2])
redis.call('HDEL', KEYS[1], 'complete_at')
for _, suffix in ipairs({'sessions', 'session_count', 'complete'}) do
  redis.call('DEL', ARGV[4] .. ':' .. ARGV[2] .. ':' .. suffix)
end
unretire(ARGV[4], ARGV[2])
redis.call('HSET', KEYS[1], 'next', ARGV[2], 'asked', ARGV[9] .. '|' .. count)
return {1, count, fixed}
`;

/**
 * Give up the reshard asked for; its count's keys are deleted after
 * {@linkcode retiredKeysGraceMs}. KEYS: 1 generation, 2 ready. ARGV: 1 the
 * target, 2 the cancel's id (one per call), 3 the fleet's prefix, 4 now
 * ("" = the server's TIME), 5 the caller's lease TTL. Returns 1 when it
 * was running.
 *
 * Repeat-safe: the id of the cancel that gave a reshard up stays in the
 * generation hash (field `cancelled`, until the next cancel), and a second
 * run of that cancel (a resend, as for {@linkcode REQUEST_SCRIPT}) answers 1
 * again and gives up nothing more (not a reshard asked since).
 */
const CANCEL_SCRIPT = `
${luaNow(4)}
${RETIRING}
if redis.call('HGET', KEYS[1], 'cancelled') == ARGV[2] then return 1 end
if redis.call('HGET', KEYS[1], 'next') ~= ARGV[1] then return 0 end
redis.call('HDEL', KEYS[1], 'next', 'complete_at')
redis.call('HSET', KEYS[1], 'cancelled', ARGV[2])
redis.call('DEL', KEYS[2])
retire(ARGV[3], ARGV[1], 'all', ARGV[5])
return 1
`;

/**
 * Mark a shard of the next count complete (or no longer), flipping the count
 * when that completes the set (see `liveBarrier`). KEYS: 1 generation,
 * 2 ready. ARGV: 1 the shard's count, 2 shard, 3 "1" ready / "0" not, 4 now
 * ("" = the server's TIME), 5 the fleet's prefix, 6 the lease TTL, 7 "1"
 * when its session ended (no longer complete either). Returns 1 when it
 * flipped (the count left is then retired, as by {@linkcode SYNC_SCRIPT}).
 */
const MARK_SCRIPT = `
${luaNow(4)}
${EPOCH_LUA}
${liveBarrier(5, 6)}
${RETIRING}
if redis.call('HGET', KEYS[1], 'next') ~= ARGV[1] then return 0 end
if ARGV[3] == '0' then
  redis.call('SREM', KEYS[2], ARGV[2])
  -- No longer complete: a later completion waits for the old set's
  -- renewals again (see liveBarrier).
  redis.call('HDEL', KEYS[1], 'complete_at')
  if ARGV[7] == '1' then
    redis.call('SREM', ARGV[5] .. ':' .. ARGV[1] .. ':complete', ARGV[2])
  end
  return 0
end
redis.call('SADD', KEYS[2], ARGV[2])
-- Kept past the flip, unlike the barrier: whoever takes the shard over
-- later resumes its session only if it was complete (see eraKeys).
redis.call('SADD', ARGV[5] .. ':' .. ARGV[1] .. ':complete', ARGV[2])
if complete(tonumber(ARGV[1])) then
  local left = redis.call('HGET', KEYS[1], 'count')
  redis.call('HSET', KEYS[1], 'count', ARGV[1])
  bumpEpoch(KEYS[1])
  redis.call('HDEL', KEYS[1], 'next', 'seeded')
  redis.call('DEL', KEYS[2])
  if left then retire(ARGV[5], left, 'all', ARGV[6]) end
  retire(ARGV[5], ARGV[1], 'era', ARGV[6])
  return 1
end
return 0
`;

/**
 * The barrier's marks that count (see `liveBarrier`), read only: a mark
 * whose shard's lease expired (its process died) is dropped by the barrier
 * only once it holds as many marks as shards. KEYS: 1 ready. ARGV: 1 the
 * reshard's count, 2 the fleet's prefix, 3 now ("" = the server's TIME).
 * Returns the shards of the live marks.
 */
const LIVE_MARKS_SCRIPT = `
${luaNow(3)}
${LIVE_MARK}
local leases = ARGV[2] .. ':' .. ARGV[1] .. ':leases'
local live = {}
for _, shard in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if liveMark(leases, shard) then live[#live + 1] = shard end
end
return live
`;

/**
 * The keys of one shard count's set that outlive the barrier: the sessions
 * its shards saved while it was the new set (the fleet's session store holds
 * only the running set's, keyed by shard id like the old set's), and which
 * of its shards were complete. A process that dies after its new shards
 * completed may let the set flip without it: whoever takes those shards
 * over resumes them from here, so Discord replays what was missed, instead
 * of identifying afresh and losing every event of their guilds since the
 * death. Deleted when a reshard to that count is recorded, and
 * {@linkcode retiredKeysGraceMs} after the fleet switches to the count,
 * away from it, or gives up the reshard to it (by then every session
 * there is too old to resume).
 *
 * @param prefix The fleet's prefix.
 * @param count The set's shard count.
 */
export function eraKeys(prefix: string, count: number): {
  sessions: string;
  sessionCount: string;
  complete: string;
} {
  return {
    sessions: `${prefix}:${count}:sessions`,
    sessionCount: `${prefix}:${count}:session_count`,
    complete: `${prefix}:${count}:complete`,
  };
}

/** The fleet's shard count and reshard, shared by its processes in Redis. */
export class FleetGeneration {
  readonly #redis: RedisConnection;
  readonly #generationKey: string;
  readonly #readyKey: string;
  readonly #prefix: string;
  readonly #times: LeaseTimes;
  /** The process's intents against the fleet's (see fleet_intents.ts). */
  readonly #intents: FleetIntents;
  /**
   * The count the last sync returned: a caller passing it runs what Redis
   * gave it (see `generation_seed.ts`); none before the first sync.
   */
  #known: number | undefined;
  /** The reshard the last sync returned, if any. */
  #knownNext: number | undefined;
  /** See {@linkcode FleetGeneration.createdAt}. */
  #createdAt: number | undefined;
  /**
   * The epoch of the count the last sync returned (see
   * `generation_seed.ts`), `undefined` when that count was provisional.
   */
  #knownEpoch: number | undefined;
  /** See {@linkcode FleetGeneration.flippedAt}. */
  #flippedAt: number | undefined;
  /** What the last sync was given as `runningUntil` (a request reuses it). */
  #runningUntil: number | undefined;
  /** See {@linkcode FleetGeneration.reshardId}. */
  #reshardId: string | undefined;
  /** See {@linkcode FleetGeneration.lostNext}. */
  #lostNext: number | undefined;
  /** See {@linkcode FleetGeneration.lostAt}. */
  #lostAt: number | undefined;

  /**
   * @param redis The connection.
   * @param prefix The fleet's prefix.
   * @param times The process's lease timings, set to the fleet's TTL at
   *   each sync (a number: this TTL, for a caller that only reads).
   * @param intents The process's intents, compared at each sync with the
   *   fleet's (see `fleet_intents.ts`); none for a caller that only reads.
   */
  constructor(
    redis: RedisConnection,
    prefix: string,
    times: LeaseTimes | number,
    intents?: number,
  ) {
    this.#redis = redis;
    this.#intents = new FleetIntents(intents);
    this.#prefix = prefix;
    this.#times = typeof times === "number" ? new LeaseTimes(times) : times;
    this.#generationKey = `${prefix}:generation`;
    this.#readyKey = `${prefix}:ready`;
  }

  /**
   * The shard count events come from and the one a reshard moves to; the
   * process's lease timings are set to the fleet's TTL.
   *
   * @param initial The count the caller runs (stored when none is: see
   *   `generation_seed.ts` for which count wins).
   * @param now The time on the leases' clock, or `undefined` for Redis's.
   * @param runningUntil Until when, on the leases' clock, the caller's last
   *   renewal keeps its shards safe; `undefined` when it runs on none (its
   *   guard fired, or it just started).
   * @returns The counts.
   */
  async sync(
    initial: number,
    now?: number,
    runningUntil?: number,
  ): Promise<{ count: number; next: number | undefined }> {
    this.#runningUntil = runningUntil;
    const reply = await this.#redis.eval(
      SYNC_SCRIPT,
      2,
      this.#generationKey,
      this.#readyKey,
      String(initial),
      String(MAX_RECOMMENDED_SHARDS),
      now === undefined ? "" : String(now),
      this.#prefix,
      String(this.#times.ttlMs),
      ...this.#standing(initial),
      this.#intents.arg,
    ) as [
      number,
      number,
      number,
      number,
      number,
      number,
      string,
      string,
      string,
      number,
    ];
    const [count, next, fixed, ttl, created, provisional, asked, kind] = reply;
    const [intents, epoch] = [reply[8], reply[9]];
    const createdAt = created > 0 ? created : undefined;
    // The count written afresh since the last sync (Redis lost its keys),
    // whoever wrote it: a reshard seen running was lost with them.
    const rewritten = createdAt !== undefined && createdAt !== this.#createdAt;
    const lostNext = fixed & (8 | 64) || rewritten
      ? this.#knownNext
      : undefined;
    // Seen by a process that synced before since it started: a first sync
    // cannot tell a loss from the fleet's first start.
    if (rewritten && this.#known !== undefined) this.#lostAt = createdAt;
    this.#known = count;
    this.#knownEpoch = provisional === 0 ? epoch : undefined;
    this.#flippedAt = kind === "flip" ? this.#knownEpoch : undefined;
    this.#knownNext = next > 0 ? next : undefined;
    this.#reshardId = this.#knownNext === undefined ? undefined : asked;
    this.#lostNext = lostNext;
    this.#reportFixed(fixed, initial, lostNext);
    this.#times.adopt(ttl, this.#generationKey);
    this.#intents.compare(intents, this.#generationKey);
    this.#createdAt = createdAt;
    return { count, next: this.#knownNext };
  }

  /**
   * When the fleet flipped to the count the last sync returned, on the
   * leases' clock (its epoch, see `generation_seed.ts`); `undefined` when
   * no flip set that count (a seed, or a provisional count).
   */
  get flippedAt(): number | undefined {
    return this.#flippedAt;
  }

  /**
   * The id of the reshard request running, as of the last sync: a reshard
   * given up and asked again to the same count is another reshard (its
   * barrier starts empty, and the new set's shards must be marked again).
   */
  get reshardId(): string | undefined {
    return this.#reshardId;
  }

  /**
   * The count of the reshard this process saw running before Redis lost the
   * fleet's keys, when the last sync found them lost (the reshard gone with
   * them); `undefined` otherwise, and at every sync after that one.
   */
  get lostNext(): number | undefined {
    return this.#lostNext;
  }

  /**
   * When the count was written again after Redis lost the fleet's keys, on
   * the leases' clock, as seen by a sync of this process that followed
   * another since it started (see `identify_after_loss.ts`); `undefined`
   * when it saw no loss.
   */
  get lostAt(): number | undefined {
    return this.#lostAt;
  }

  /**
   * When the count was last written where Redis had none (a first start, or
   * it lost its keys), on the leases' clock, as of the last sync;
   * `undefined` when unknown (a fleet older than the field).
   */
  get createdAt(): number | undefined {
    return this.#createdAt;
  }

  /**
   * No process takes a shard before this time, on the leases' clock: a lease
   * TTL after {@linkcode FleetGeneration.createdAt} (see
   * `generation_seed.ts`); 0 when that is unknown.
   */
  get takeFrom(): number {
    const created = this.#createdAt;
    return created === undefined ? 0 : created + this.#times.ttlMs;
  }

  /**
   * Forget what the last syncs returned: the next sync is a first one (a
   * process started again after `close()` knows nothing of what the fleet
   * did meanwhile, and must not write its old count back as one it runs).
   */
  forget(): void {
    this.#runningUntil = undefined;
    this.#known = undefined;
    this.#knownNext = undefined;
    this.#knownEpoch = undefined;
  }

  /**
   * The `epoch`, `fresh` and `running` arguments of a caller of `count`
   * (see `SeedArgs`): the epoch only while it runs the count the last sync
   * returned, and that count was not provisional (a newcomer following its
   * own seed, or another's, knows no epoch of it).
   */
  #standing(count: number): [string, string, string] {
    const epoch = count === this.#known ? this.#knownEpoch : undefined;
    return [
      epoch === undefined ? "" : String(epoch),
      this.#known === undefined ? "1" : "0",
      this.#runningUntil === undefined ? "" : String(this.#runningUntil),
    ];
  }

  /**
   * Say what {@linkcode SYNC_SCRIPT} put right: an operator must know.
   * `lostNext` is the reshard this process saw before Redis lost the keys.
   */
  #reportFixed(
    fixed: number,
    initial: number,
    lostNext?: number,
  ): void {
    const key = this.#generationKey;
    const ttl = this.#times.ttlMs;
    if (lostNext !== undefined) {
      visible.error(
        "Redis lost the fleet's keys ({key}) during the reshard to {next} shards: the reshard is abandoned (its new shards are closed in {ttl} ms, a lease TTL, and the fleet stays at {initial}, unless a process had switched already: it puts {next} back meanwhile and the others switch to it); call reshard() again if the fleet stays at {initial}",
        { key, next: lostNext, initial, ttl },
      );
    } else if (fixed & 64) {
      logger.info(
        "The fleet's shard count was missing from Redis ({key}): wrote back the {initial} shards this process runs",
        { key, initial },
      );
    }
    if (fixed & 1) {
      visible.error(
        "The fleet's shard count in Redis ({key}, field count) was not a shard count from 1 to {max}; it is {initial} again, this process's",
        { key, max: MAX_RECOMMENDED_SHARDS, initial },
      );
    }
    if (fixed & 2) {
      visible.error(
        "The reshard recorded in Redis ({key}, field next) was not a shard count from 1 to {max} other than the current one; it is dropped",
        { key, max: MAX_RECOMMENDED_SHARDS },
      );
    }
    if (fixed & 4) {
      visible.error(
        "The fleet's lease TTL in Redis ({key}, field lease_ttl) was not a whole number of ms from 3 to {max}; it is {ttl} again, this process's",
        { key, max: MAX_TIMER_DELAY, ttl },
      );
    }
    if (fixed & 8) {
      logger.info(
        "No shard count in Redis ({key}): stored {initial} shards and a lease TTL of {ttl} ms from this process's options, provisionally (a process still running from before, if Redis lost its keys, puts back what it runs)",
        { key, initial, ttl },
      );
    }
    if (fixed & 16) {
      visible.warn(
        "The fleet's shard count or lease TTL in Redis ({key}) had been stored by a process that started after Redis lost them; put back to what the fleet runs ({initial} shards, a lease TTL of {ttl} ms)",
        { key, initial, ttl },
      );
    }
    if (fixed & 256) {
      visible.warn(
        "The fleet's shard count in Redis ({key}) had been written back, after Redis lost its keys, by a process that missed a reshard; put back to {initial} shards, the count of the later reshard this process ran",
        { key, initial },
      );
    }
    if (fixed & 512) {
      visible.error(
        "The fleet's epoch in Redis ({key}, field epoch) was not a whole number from 0; it is dropped (the next reshard stamps it again)",
        { key },
      );
    }
    if (fixed & 32) {
      logger.info(
        "No process of the fleet was live: its lease TTL is now {ttl} ms, this process's",
        { ttl },
      );
    }
    if (fixed & 128) {
      visible.error(
        "The fleet's {key}, its barrier set ({ready}) or {retired} in Redis held another type than expected; dropped (what it held is lost, as after a Redis data loss: a reshard running is abandoned, call reshard() again)",
        { key, ready: this.#readyKey, retired: `${this.#prefix}:retired` },
      );
    }
  }

  /**
   * Record a reshard to `target`. Repeat-safe (see `REQUEST_SCRIPT`): a
   * resend of this call after a lost reply answers as the first run, not
   * "another reshard is running".
   *
   * @param initial The count the caller runs (stored when none is, as by
   *   {@linkcode FleetGeneration.sync}).
   * @param target The new count.
   * @param now The time on the leases' clock, or `undefined` for Redis's.
   * @returns The count now, and the reshard running when one is.
   */
  async request(
    initial: number,
    target: number,
    now?: number,
  ): Promise<{ count: number; running: number | undefined }> {
    const [epoch, fresh, running] = this.#standing(initial);
    const [kind, value, fixed] = await this.#redis.eval(
      REQUEST_SCRIPT,
      2,
      this.#generationKey,
      this.#readyKey,
      String(initial),
      String(target),
      String(MAX_RECOMMENDED_SHARDS),
      this.#prefix,
      now === undefined ? "" : String(now),
      String(this.#times.ttlMs),
      epoch,
      fresh,
      crypto.randomUUID(),
      running,
      this.#intents.arg,
    ) as [number, number, number?];
    // What it put right is said as by a sync (a key of another type, say).
    if (fixed) this.#reportFixed(fixed, initial);
    return kind === 0
      ? { count: target, running: value }
      : { count: value, running: undefined };
  }

  /**
   * Give up the reshard to `target`, if it is still running. Repeat-safe
   * (see `CANCEL_SCRIPT`): a resend of this call after a lost reply answers
   * `true` again.
   *
   * @param target The count it was moving to.
   * @param now The time on the leases' clock, or `undefined` for Redis's
   *   (the count's keys are deleted a grace after it).
   * @returns `true` when it was running and is given up.
   */
  async cancel(target: number, now?: number): Promise<boolean> {
    const cancelled = await this.#redis.eval(
      CANCEL_SCRIPT,
      2,
      this.#generationKey,
      this.#readyKey,
      String(target),
      crypto.randomUUID(),
      this.#prefix,
      now === undefined ? "" : String(now),
      String(this.#times.ttlMs),
    );
    return cancelled === 1;
  }

  /**
   * The shards of the reshard to `count` not counted complete in the
   * barrier (not READY with their guilds, or run by no live process): a
   * shard marked complete counts only while its lease is held, as the
   * barrier counts it (the process that marked it may have died since).
   *
   * @param count The count the reshard moves to.
   * @param now The time on the leases' clock, or `undefined` for Redis's.
   * @returns Their IDs, in order.
   */
  async incompleteShards(count: number, now?: number): Promise<number[]> {
    const live = await this.#redis.eval(
      LIVE_MARKS_SCRIPT,
      1,
      this.#readyKey,
      String(count),
      this.#prefix,
      now === undefined ? "" : String(now),
    ) as string[];
    const marked = new Set(live);
    const ids: number[] = [];
    for (let id = 0; id < count; id++) {
      if (!marked.has(String(id))) ids.push(id);
    }
    return ids;
  }

  /**
   * Whether a shard of the set of `count` shards was complete while that set
   * was the new one (see {@linkcode eraKeys}).
   *
   * @param count The set's shard count.
   * @param shardId The shard.
   * @returns `true` when it was.
   */
  async wasComplete(count: number, shardId: number): Promise<boolean> {
    const member = await this.#redis.sismember(
      eraKeys(this.#prefix, count).complete,
      String(shardId),
    );
    return member === 1;
  }

  /**
   * Count a shard of the new set toward the barrier, or stop counting it.
   *
   * @param count The shard's count.
   * @param shardId The shard.
   * @param ready Complete (`true`) or stopped (`false`).
   * @param now The time on the leases' clock, or `undefined` for Redis's.
   * @param lost With `ready` false: its session ended (it identifies
   *   again), so it is no longer complete either, and whoever takes it over
   *   does not take a session saved since for a complete one.
   * @returns `true` when this mark completed the set and flipped the count
   *   (never when the count flipped already: a mark then changes nothing).
   */
  async markReady(
    count: number,
    shardId: number,
    ready: boolean,
    now?: number,
    lost = false,
  ): Promise<boolean> {
    const flipped = await this.#redis.eval(
      MARK_SCRIPT,
      2,
      this.#generationKey,
      this.#readyKey,
      String(count),
      String(shardId),
      ready ? "1" : "0",
      now === undefined ? "" : String(now),
      this.#prefix,
      String(this.#times.ttlMs),
      lost ? "1" : "0",
    );
    return flipped === 1;
  }
}
