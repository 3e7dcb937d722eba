/**
 * {@linkcode ShardLeases}: which process of a fleet runs which shard, decided
 * in Redis. Each process renews its membership and its leases on every tick;
 * one Lua script per tick renews, reports leases lost, sheds shards above
 * the fair share and takes free ones up to it, atomically. A process's
 * first tick only joins the members: it takes shards from its second.
 *
 * @module
 */
import type { RedisConnection } from "../redis/connection.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import { luaNow } from "../redis/lua_now.ts";

/** A fleet key that had to be dropped is for an operator to see. */
const visible = getVisibleLogger(["disruption", "fleet"]);

/**
 * The pool argument of a process that may run no shard: an empty list
 * joined is "", which means every shard.
 */
const NO_SHARD = "none";

/**
 * The pool as {@linkcode TICK_SCRIPT} takes it, the same for every process
 * whose pool holds the same shards: its shards below `shardCount` (the
 * only ones there are), sorted, each once, and "" (every shard) when that
 * is all of them. Members count together only with the same argument: one
 * process listing `[0, 1, 2, 3]` and another `[3, 2, 1, 0]`, or none, each
 * took the whole pool for itself, so one ran every shard and the other none.
 */
function poolArgument(
  pool: readonly number[] | undefined,
  shardCount: number,
): string {
  if (pool === undefined) return "";
  const ids = [...new Set(pool)].filter((id) => id >= 0 && id < shardCount)
    .sort((a, b) => a - b);
  if (ids.length === 0) return NO_SHARD;
  return ids.length === shardCount ? "" : ids.join(",");
}

/**
 * One tick of one process.
 *
 * KEYS: 1 leases (hash shard -> "owner|expiresAt"), 2 members (hash owner ->
 * "expiresAt|pool", with "|grace" while it takes none after rejoining and
 * "|refusing" while it refuses a shard);
 * expiries are whole milliseconds. ARGV: 1 owner, 2 now ("" = the server's
 * TIME), 3 ttl, 4 shard count, 5 pool (comma-separated, "" = every shard,
 * `NO_SHARD` = none), 6 shards held (comma-separated), 7 "1" to take no
 * shard (join the members only: a process's first tick, or a new shard
 * set's), 8 take none before this time (a grace after rejoining), 9 "1"
 * when this process has ticked before, 10 take and shed none before this
 * time (the fleet's count was just written afresh), 11 "1" when this
 * process refuses a shard of the pool (the others count without it).
 *
 * A held shard stays held unless another process holds a live lease on it:
 * a lease that is gone (Redis lost its data, or someone deleted the key) is
 * written again rather than the shard stopped, re-identified and its events
 * lost. A process that finds its own membership gone (the same loss) takes
 * no free shard this tick, and the caller none for a TTL: the others, who
 * lost theirs too, have rewritten their leases by then, so nobody takes a
 * shard another still runs. A process that starts then (its first tick)
 * finds no member and no lease either: its first tick only joins, and no
 * process takes a shard until a TTL after the fleet's count was written
 * again (ARGV 10, see `generation_seed.ts`), by when the live processes
 * have written theirs back. (Only the leases deleted, the count kept, there
 * is no such hold: a process started then takes what is free from its
 * second tick.) An expiry further ahead than
 * twice the TTL is no process's (a ghost written by hand, or by a clock far
 * ahead): it counts as expired.
 *
 * The fair share is `ceil(pool size / live members with the same pool)`:
 * members of one pool together take every shard of it, so identical pools
 * ("all") and disjoint pools both leave no shard unrun. A process prefers the
 * consecutive shards `[rank * share, rank * share + share)` of the pool
 * (rank: its place among members by name): consecutive IDs fall in
 * different `max_concurrency` buckets, so its shards identify in parallel.
 * A member that refuses a shard is not counted by the others: their shares
 * then cover the whole pool, so the shard it released is taken, while it
 * keeps (and takes) shards within its own share as before.
 *
 * Returns `{kept, lost, acquired, shed, members}`; shed shards stay leased
 * (and renewed) until released, so their sessions can be closed and saved
 * before anyone else resumes them.
 *
 * Repeat-safe: a shard leased to this owner that it does not hold (a second
 * run of the same tick, whose reply was lost with the connection and which
 * ioredis sent again; or a shard whose release failed) is taken like a free
 * one, within the fair share, and reported acquired again: the first run's
 * acquisitions are not lost with its reply. The pool argument is the same
 * for every process with the same pool (see `poolArgument`).
 */
const TICK_SCRIPT = `
${luaNow(2)}
-- Times are written as whole milliseconds: a fraction (of the clock or
-- the TTL) or an exponent (a sum past 14 digits, which Lua prints as
-- 1e+15) made every lease and membership unreadable by the parsers below,
-- so every lease looked free and every member gone.
now = math.floor(now)
local function stamp(t) return string.format('%.0f', math.floor(t)) end
-- A key of another type (set by hand, or by another program on the same
-- prefix) failed every tick with WRONGTYPE: no process ever ran a shard,
-- and nothing said so. It is dropped and reported (8th value: 1 leases,
-- 2 members, 3 both); held shards are then kept as after a data loss.
local fixed = 0
for i = 1, 2 do
  local t = redis.call('TYPE', KEYS[i]).ok
  if t ~= 'none' and t ~= 'hash' then
    redis.call('DEL', KEYS[i])
    fixed = fixed + i
  end
end
local owner, ttl, count = ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[4])
local function split(text)
  local out = {}
  for part in string.gmatch(text, '[^,]+') do table.insert(out, tonumber(part)) end
  return out
end
local horizon = now + 2 * ttl
local function lease(shard)
  local v = redis.call('HGET', KEYS[1], shard)
  if not v then return nil, 0 end
  local o, e = string.match(v, '^(.*)|(%d+)$')
  e = tonumber(e)
  if o == nil or e == nil or e > horizon then return nil, 0 end
  return o, e
end
local prior = string.match(redis.call('HGET', KEYS[2], owner) or '', '^(%d+)|')
prior = tonumber(prior)
local rejoined = prior == nil or prior < now or prior > horizon
-- In its grace (back after its membership was gone) a process takes no
-- shard for a TTL: the others must not count it meanwhile, or they hand it
-- shards it will not take, and nobody runs them for that TTL. Its entry is
-- marked, which keeps it out of their member lists.
local grace = now < (tonumber(ARGV[8]) or 0) or (rejoined and ARGV[9] == '1')
-- Until a TTL after the fleet's count was written afresh (see
-- generation_seed.ts) nobody takes a shard, so nobody sheds one either (it
-- would stay unrun); everyone is counted, so the shares are settled at its
-- end. Marked as a grace instead, the first process past it counted only
-- itself and took every shard, to hand most of them over at once.
local hold = now < (tonumber(ARGV[10]) or 0)
local noTake = ARGV[7] == '1' or grace or hold
local entry = stamp(now + ttl) .. '|' .. ARGV[5]
if grace then entry = entry .. '|grace' end
-- A process that refuses a shard of the pool (stopped for good there: see
-- refusing_leases.ts) is kept out of the others' member lists the same way:
-- counted, it held their shares at a size that left the shard it released
-- to them unrun by anyone.
if ARGV[11] == '1' then entry = entry .. '|refusing' end
redis.call('HSET', KEYS[2], owner, entry)
local members = {}
local raw = redis.call('HGETALL', KEYS[2])
for i = 1, #raw, 2 do
  local e, p = string.match(raw[i + 1], '^(%d+)|(.*)$')
  if e == nil or tonumber(e) < now or tonumber(e) > horizon then
    redis.call('HDEL', KEYS[2], raw[i])
  elseif p == ARGV[5] then table.insert(members, raw[i]) end
end
-- The caller counts itself, in its grace too (it keeps what it holds).
local counted = false
for _, name in ipairs(members) do if name == owner then counted = true end end
if not counted then table.insert(members, owner) end
table.sort(members)
local rank = 0
for i, name in ipairs(members) do if name == owner then rank = i - 1 end end
local pool = {}
if ARGV[5] == '' then
  for s = 0, count - 1 do table.insert(pool, s) end
elseif ARGV[5] ~= '${NO_SHARD}' then
  pool = split(ARGV[5])
end
table.sort(pool)
local share = math.ceil(#pool / #members)
local preferred = {}
for i = rank * share + 1, math.min(rank * share + share, #pool) do preferred[pool[i]] = true end
local kept, lost, shed, mine = {}, {}, {}, {}
for _, shard in ipairs(split(ARGV[6])) do
  local o, e = lease(shard)
  if o == nil or o == owner or e < now then
    redis.call('HSET', KEYS[1], shard, owner .. '|' .. stamp(now + ttl))
    table.insert(kept, shard)
    mine[shard] = true
  else
    table.insert(lost, shard)
  end
end
local function shedWhere(wanted)
  for i = #kept, 1, -1 do
    if #kept <= share then return end
    if (preferred[kept[i]] == true) == wanted then
      table.insert(shed, kept[i])
      table.remove(kept, i)
    end
  end
end
if not hold then
  shedWhere(false)
  shedWhere(true)
end
local acquired = {}
-- A live lease of this owner's on a shard it does not hold counts as free
-- for it: a second run of this tick (ioredis resends a command whose reply
-- was lost with the connection) finds what the first run took leased to
-- itself, and left those shards leased and unrun for a TTL. Owners are
-- unique per process, so no other process can be running that shard.
local function take(shard)
  if noTake or #kept + #acquired >= share or mine[shard] then return end
  local o, e = lease(shard)
  if o == nil or o == owner or e < now then
    redis.call('HSET', KEYS[1], shard, owner .. '|' .. stamp(now + ttl))
    table.insert(acquired, shard)
    mine[shard] = true
  end
end
for _, shard in ipairs(pool) do if preferred[shard] then take(shard) end end
local start = math.min(rank * share + share, #pool)
for i = 1, #pool do take(pool[((start + i - 1) % #pool) + 1]) end
for _, shard in ipairs(shed) do mine[shard] = nil end
return {kept, lost, acquired, shed, #members, rejoined and 1 or 0, now, fixed}
`;

/**
 * Give up leases (only those still this owner's), and optionally leave the
 * members.
 *
 * KEYS: 1 leases, 2 members. ARGV: 1 owner, 2 "1" to leave, 3.. shards.
 */
const RELEASE_SCRIPT = `
for i = 3, #ARGV do
  local v = redis.call('HGET', KEYS[1], ARGV[i])
  if v and string.sub(v, 1, #ARGV[1] + 1) == ARGV[1] .. '|' then
    redis.call('HDEL', KEYS[1], ARGV[i])
  end
end
if ARGV[2] == '1' then redis.call('HDEL', KEYS[2], ARGV[1]) end
return 1
`;

/** What one {@linkcode ShardLeases.tick} decided. */
export interface LeaseTick {
  /** Shards still leased to this process (renewed). */
  kept: number[];
  /** Shards whose lease expired or moved: stop them at once. */
  lost: number[];
  /** Shards newly leased to this process: start them. */
  acquired: number[];
  /** Shards above the fair share: stop, save, then release them. */
  shed: number[];
  /** Live processes with this one's pool, this one included. */
  members: number;
  /**
   * This process's membership was gone (expired, or lost with Redis's
   * data) although it had ticked before: it takes no free shard for a TTL.
   */
  rejoined: boolean;
  /** The time the tick ran at on the fleet's clock (Redis's, by default). */
  at: number;
}

/** Options for {@linkcode ShardLeases}. */
export interface ShardLeasesOptions {
  /** Where the fleet's leases live; every process of a bot uses the same. */
  prefix: string;
  /**
   * This process's name among the members; unique per process (a lease
   * of this name is this process's own: see `TICK_SCRIPT`).
   */
  owner: string;
  /** The bot's shard count. */
  shardCount: number;
  /**
   * The shards this process may run; every shard when absent, none when
   * empty (a process whose pool has no shard below the count, after
   * resharding down, say). Order, repeats and IDs not below the count do
   * not matter, and a list of every shard is the same pool as none:
   * processes share the shards of the same pool, however it is written.
   */
  pool?: readonly number[] | undefined;
  /**
   * How long a lease or membership lasts without renewal, in ms: a number,
   * or a `LeaseTimes` read at each tick (the fleet's TTL, once known).
   */
  ttlMs: number | { readonly ttlMs: number };
}

/**
 * The Redis side of shard leases: one atomic tick (renew, report lost,
 * shed above the fair share, take free shards) and a release.
 */
export class ShardLeases {
  readonly #redis: RedisConnection;
  readonly #leasesKey: string;
  readonly #membersKey: string;
  readonly #owner: string;
  readonly #shardCount: number;
  readonly #pool: string;
  readonly #ttl: number | { readonly ttlMs: number };
  /** Whether a tick went through before. */
  #ticked = false;
  /** No free shard is taken before this time (on the tick's clock). */
  #graceUntil = 0;

  /**
   * @param redis The connection.
   * @param options Prefix, owner, shard count, pool and TTL.
   */
  constructor(redis: RedisConnection, options: ShardLeasesOptions) {
    this.#redis = redis;
    this.#leasesKey = `${options.prefix}:leases`;
    this.#membersKey = `${options.prefix}:members`;
    this.#owner = options.owner;
    this.#shardCount = options.shardCount;
    this.#pool = poolArgument(options.pool, options.shardCount);
    this.#ttl = options.ttlMs;
  }

  /**
   * Whether this process refuses a shard of its pool: the other members
   * then leave it out of their fair shares (see `TICK_SCRIPT`).
   */
  protected get refusing(): boolean {
    return false;
  }

  /** The lease TTL now. */
  get #ttlMs(): number {
    return typeof this.#ttl === "number" ? this.#ttl : this.#ttl.ttlMs;
  }

  /**
   * Renew membership and the leases held, and rebalance. The first tick
   * that goes through only joins the members (as with `take` `false`):
   * shards are taken from the next.
   *
   * @param held The shards this process believes it holds.
   * @param now The time on the fleet's clock, or `undefined` for Redis's.
   * @param take `false` to only join the members (and renew what is held),
   * so that others count this process before anyone takes shards.
   * @param notBefore Take no free shard and shed none before this time, on
   *   the tick's clock: the fleet's count was just written afresh (see
   *   `generation_seed.ts`).
   * @returns What to stop and start.
   */
  async tick(
    held: readonly number[],
    now: number | undefined,
    take = true,
    notBefore = 0,
  ): Promise<LeaseTick> {
    // A process's first tick only joins: right after Redis lost its data a
    // process starting then sees no member and no lease, and took every
    // shard the live processes still run (they write theirs back at their
    // next tick, within a renew interval, and are counted by then).
    const joinOnly = !take || !this.#ticked;
    const [kept, lost, acquired, shed, members, rejoined, at, fixed] =
      await this.#redis.eval(
        TICK_SCRIPT,
        2,
        this.#leasesKey,
        this.#membersKey,
        this.#owner,
        now === undefined ? "" : String(now),
        String(this.#ttlMs),
        String(this.#shardCount),
        this.#pool,
        held.join(","),
        joinOnly ? "1" : "0",
        String(this.#graceUntil),
        this.#ticked ? "1" : "0",
        String(notBefore),
        this.refusing ? "1" : "0",
      ) as [
        number[],
        number[],
        number[],
        number[],
        number,
        number,
        number,
        number,
      ];
    if (fixed) {
      const keys = [this.#leasesKey, this.#membersKey].filter((_, i) =>
        fixed & (1 << i)
      );
      visible.error(
        "The fleet's {keys} in Redis held another type than a hash; dropped (shards held are kept, and taken again as after a Redis data loss)",
        { keys: keys.join(" and ") },
      );
    }
    const back = rejoined === 1 && this.#ticked;
    if (back) this.#graceUntil = at + this.#ttlMs;
    this.#ticked = true;
    return { kept, lost, acquired, shed, members, rejoined: back, at };
  }

  /**
   * Release leases this process still holds.
   *
   * @param shards The shards.
   * @param leave Also leave the members (the process is stopping).
   */
  async release(shards: readonly number[], leave = false): Promise<void> {
    // Left on purpose (close()): a start() after joins afresh, not as one
    // back from a loss, whose grace kept it uncounted for a TTL (others took
    // its share meanwhile, to hand it over after).
    if (leave) [this.#ticked, this.#graceUntil] = [false, 0];
    await this.#redis.eval(
      RELEASE_SCRIPT,
      2,
      this.#leasesKey,
      this.#membersKey,
      this.#owner,
      leave ? "1" : "0",
      ...shards.map(String),
    );
  }
}
