/**
 * How the fleet's shard count and lease TTL (and with the TTL its intents,
 * see `fleet_intents.ts`) are written into the generation hash
 * (`<prefix>:generation`, fields `count`, `lease_ttl` and `intents`) when
 * it has none (a first start, or Redis lost its keys), and whose values win: Lua
 * shared by the scripts of `fleet_generation.ts`. Internal to the package.
 *
 * The rule: a process that runs the count Redis gave it knows that count's
 * epoch (field `epoch`: when the fleet's count last flipped, stamped at
 * every flip), and the count of the later epoch wins. After a data loss the
 * first process to sync writes back the count it runs with its epoch; one
 * that switched at a flip it missed (cut off from Redis through a whole
 * reshard, or lagging behind the flip) knows a higher epoch and puts its
 * count back over it, once, and the others follow. A process that has not
 * run a count Redis gave it (just started: it has only its options, perhaps
 * from before a reshard) writes its own provisionally, marked `seeded`
 * (until when), with no epoch, and any running process puts its own back
 * over them. Firm/provisional alone was not enough: a process cut off
 * through a reshard wrote the count it had left as firm and the fleet went
 * back to it, and processes all unsure of their counts put theirs back over
 * each other at every sync, the fleet running both counts for a minute.
 * Running processes sync every renewal period, so a provisional seed lasts
 * a TTL (at least {@linkcode MIN_SEED_HOLD_MS}), then holds; a flip ends it
 * at once. A process that just started also writes its TTL over the stored
 * one when no process of the running count is live (the fleet was stopped)
 * and the count was not written afresh within a TTL (the running processes'
 * memberships are gone until their next lease tick): that is how the
 * fleet's TTL changes.
 *
 * When the count is written where there was none, the time is stored too
 * (field `created_at`), and no process takes a shard until a lease TTL
 * after it (see `FleetShards`). After a data loss the processes still
 * running have either renewed by then, writing their leases and their count
 * back, or stopped their shards (their lease guard fires within a TTL of
 * their last renewal); before it, a process that had just started took
 * the shards they still ran (their leases were gone), under its own count
 * when its seed still stood, and the fleet ran them twice. A fleet's very
 * first start waits that TTL too: nothing tells it from a data loss.
 *
 * @module
 */
import { MAX_TIMER_DELAY } from "../base/scheduler.ts";

/**
 * The shortest time a provisional seed waits for a running process to put
 * its own count back, in ms: a running process syncs every renewal period
 * (a third of its TTL at most), so fleets with TTLs up to 180 s sync
 * within it. (A default-TTL newcomer's 15 s let the seed of a fleet with a
 * 60 s TTL become firm before its processes synced, undoing a reshard.)
 */
export const MIN_SEED_HOLD_MS = 60_000;

/**
 * Lua defining `epochOf(v)` (a stored or given epoch, a whole number from 0,
 * or nil) and `bumpEpoch(key)`, which stamps a flip (or a seed holding) in
 * the generation hash at `key`: the time on the leases' clock (`now`,
 * defined by the caller), or one more than the stored epoch if that is
 * later, marked `epoch_stamped`. The epoch orders what processes know of
 * the count after Redis lost it (see the module's doc); a flip is the only
 * change of count a running fleet makes. A time, not a count of flips: a
 * count started again from 0 with the keys, and a process frozen through a
 * loss, back with a higher count of an older flip, undid a reshard made
 * since. And a stamped epoch is never replaced by one a process writes
 * back: everything a process knew before the loss is older than what this
 * Redis stamped since, whatever its clock says (one back from a loss
 * minutes behind stamped lower than the flips before it).
 */
export const EPOCH_LUA = `
local function epochOf(v)
  local n = tonumber(v)
  if n and n >= 0 and n < 2^53 and n == math.floor(n) then return n end
  return nil
end
local function bumpEpoch(key, kind)
  local e = epochOf(redis.call('HGET', key, 'epoch')) or 0
  redis.call('HSET', key, 'epoch', string.format('%.0f', math.max(e + 1, math.floor(now))),
    'epoch_stamped', kind or 'flip')
end
`;

/** Where {@linkcode seeding} finds its inputs in `ARGV`. */
export interface SeedArgs {
  /** The largest valid count. */
  max: number;
  /** The caller's count. */
  count: number;
  /** The caller's lease TTL. */
  ttl: number;
  /**
   * The epoch of the caller's count when it runs the count Redis gave it
   * (see {@linkcode EPOCH_LUA}); "" when it does not (just started, or it
   * follows a provisional seed).
   */
  epoch: number;
  /** "1" when the caller has not synced before (just started). */
  fresh: number;
  /**
   * Until when (on the leases' clock) the caller's last renewal keeps its
   * shards safe: it still runs its count. "" when it runs nothing on one.
   */
  running: number;
  /** The fleet's prefix (memberships at `prefix:count:members`). */
  prefix: number;
  /** The caller's intents, "" when unknown (it only reads). */
  intents: number;
}

/**
 * Lua defining `valid(v)` (`v` as a shard count, an integer from 1 to the
 * largest, or nil) and `clean()`, which applies the module's rule, puts a
 * stored count or TTL that is none back, drops a stored `next` that is none
 * (or equals the count: a value written by hand or by a broken process,
 * "abc", "0", "2.5", "1e9", stopped every shard or left the fleet unable to
 * reshard, for good), and returns `count, next, fixed, ttl, created, intents`
 * (`created_at`, 0 when none; the fleet's intents, "" when none). The
 * intents are written with the TTL, and where none (or none valid) are
 * stored. `fixed`
 * says what it did: 1 the count was none, 2 the next was none, 4 the TTL
 * was none, 8 seeded provisionally, 16 a provisional seed replaced by the
 * caller's running values, 32 the TTL of a stopped fleet replaced, 64 the
 * count was missing and the caller's running one written back, 128 the
 * generation hash, its barrier set or the retired hash held another type
 * and was dropped (`retype()`, also defined), 256 a count of an older epoch
 * replaced by the caller's running values, 512 the epoch was none and was
 * dropped. Includes {@linkcode EPOCH_LUA}. Expects
 * `now` (luaNow) and the generation hash in KEYS[1], its barrier set in
 * KEYS[2].
 */
export function seeding(a: SeedArgs): string {
  return `${EPOCH_LUA}
local function valid(v)
  local n = tonumber(v)
  if n and n >= 1 and n <= tonumber(ARGV[${a.max}]) and n == math.floor(n) then
    return n
  end
  return nil
end
local function validTtl(v)
  local n = tonumber(v)
  if n and n >= 3 and n <= ${MAX_TIMER_DELAY} and n == math.floor(n) then
    return n
  end
  return nil
end
-- Intents as stored: a whole number from 0 (as a string), or nil.
local function validIntents(v)
  local n = tonumber(v)
  if n and n >= 0 and n < 2^53 and n == math.floor(n) then
    return string.format('%.0f', n)
  end
  return nil
end
local intents = validIntents(ARGV[${a.intents}])
local function recordIntents()
  if intents then redis.call('HSET', KEYS[1], 'intents', intents) end
  return intents
end
local function anyLive(count)
  local raw = redis.call('HGETALL', ARGV[${a.prefix}] .. ':' .. count .. ':members')
  for i = 2, #raw, 2 do
    local e = tonumber(string.match(raw[i], '^(%d+)|'))
    if e and e >= now then return true end
  end
  return false
end
-- A key of another type (set by hand, or by another program on the same
-- prefix) failed every sync with WRONGTYPE, and nothing said so: the
-- process ran its option's count for good, never held after a loss, and
-- reshard() threw Redis's error. Dropped, and said (fixed 128). A
-- reshard running loses its barrier's marks with it, and processes mark a
-- shard only when it changes: it is abandoned (as after a data loss)
-- rather than left never to flip.
local function retype()
  local dropped = false
  for key, want in pairs({[KEYS[1]] = 'hash', [KEYS[2]] = 'set',
      [ARGV[${a.prefix}] .. ':retired'] = 'hash'}) do
    local t = redis.call('TYPE', key).ok
    if t ~= 'none' and t ~= want then
      redis.call('DEL', key)
      dropped = true
      if key == KEYS[2] and redis.call('TYPE', KEYS[1]).ok == 'hash' then
        redis.call('HDEL', KEYS[1], 'next', 'complete_at')
      end
    end
  end
  return dropped
end
local function clean()
  local fixed = 0
  if retype() then fixed = fixed + 128 end
  local mine, ttl = tonumber(ARGV[${a.count}]), tonumber(ARGV[${a.ttl}])
  local known, fresh = epochOf(ARGV[${a.epoch}]), ARGV[${a.fresh}] == '1'
  local hold = math.max(ttl, ${MIN_SEED_HOLD_MS})
  local raw = redis.call('HGET', KEYS[1], 'count')
  local count = valid(raw)
  local rawTtl = redis.call('HGET', KEYS[1], 'lease_ttl')
  local fleetTtl = validTtl(rawTtl)
  local fleetIntents = validIntents(redis.call('HGET', KEYS[1], 'intents'))
  if rawTtl and not fleetTtl then fixed = fixed + 4 end
  local rawEpoch = redis.call('HGET', KEYS[1], 'epoch')
  local epoch = epochOf(rawEpoch)
  if rawEpoch and not epoch then
    redis.call('HDEL', KEYS[1], 'epoch', 'epoch_stamped')
    fixed = fixed + 512
  end
  local seeded = tonumber(redis.call('HGET', KEYS[1], 'seeded'))
  -- Against the longer of this caller's hold and the seeder's (its TTL is
  -- the stored one): a newcomer with a longer TTL seeded further ahead, and
  -- dropping its seed as garbage made it firm. Written so that nan drops.
  local seedHold = math.max(hold, fleetTtl or 0)
  if seeded and seeded > now + 2 * seedHold then
    -- Too far ahead (Redis's clock stepped back, or garbage): provisional
    -- still, for a hold from now (taken as held, it could be put back by
    -- no running process).
    seeded = now + hold
    redis.call('HSET', KEYS[1], 'seeded', seeded)
  elseif seeded and not (seeded > now) then
    redis.call('HDEL', KEYS[1], 'seeded')
    seeded = nil
    -- A seed nobody running contradicted holds: stamped, so a process
    -- frozen since before the loss, back however late with the epoch of
    -- an older flip, does not take the fleet back to its count. One still
    -- running its shards puts its count back over it (see below).
    if count then bumpEpoch(KEYS[1], 'seed') end
  end
  -- When the count was last written where there was none: nobody takes a
  -- shard for a TTL after it (see the module's doc). One not a time before now
  -- (written by hand, or garbage) is dropped: it would hold takes longer.
  local rawCreated = redis.call('HGET', KEYS[1], 'created_at')
  local created = tonumber(rawCreated)
  if rawCreated and not (created and created <= now and created > 0) then
    redis.call('HDEL', KEYS[1], 'created_at')
    created = nil
  end
  local stamped = redis.call('HGET', KEYS[1], 'epoch_stamped')
  -- The caller's last renewal kept its shards safe past the moment a seed
  -- held (its stamp): it ran its count on through the seed's minute (a
  -- fleet with a long TTL, cut off from Redis), and a newcomer's count had
  -- taken it for good. Against the stamp, not now: a command held in a
  -- stalled link runs late, and its own process stopped its shards since.
  -- Less than a TTL past it too: a renewal is safe for less than a TTL,
  -- and one far past the stamp was made on a clock Redis is now behind.
  local runningUntil = tonumber(ARGV[${a.running}])
  local running = stamped == 'seed' and runningUntil ~= nil
    and runningUntil > (epoch or 0) and runningUntil < (epoch or 0) + ttl
  local putBack = false
  local seedEpoch = tonumber(redis.call('HGET', KEYS[1], 'seed_epoch'))
  if not count then
    if raw then fixed = fixed + 1 end
    count, fleetTtl = mine, ttl
    created = math.floor(now)
    redis.call('HSET', KEYS[1], 'count', mine, 'lease_ttl', ttl, 'created_at', string.format('%.0f', created))
    fleetIntents = recordIntents() or fleetIntents
    if known then
      redis.call('HSET', KEYS[1], 'epoch', string.format('%.0f', known))
      redis.call('HDEL', KEYS[1], 'seeded', 'epoch_stamped')
      if not raw then fixed = fixed + 64 end
    else
      redis.call('HSET', KEYS[1], 'seeded', now + hold)
      fixed = fixed + 8
    end
  elseif known and (seeded or running
      or (not stamped and known > (epoch or 0) and known ~= seedEpoch)) then
    -- A running process's count over a newcomer's seed (one that held
    -- too, while it runs on), or over a count of an older epoch written
    -- back by a process that missed a flip.
    if count ~= mine or fleetTtl ~= ttl then
      fixed = fixed + ((seeded or stamped) and 16 or 256)
      count, fleetTtl, putBack = mine, ttl, true
      redis.call('HSET', KEYS[1], 'count', mine, 'lease_ttl', ttl)
      fleetIntents = recordIntents() or fleetIntents
    end
    -- The same count a seed held with keeps its stamp. Over a held seed,
    -- the caller's own epoch (raised past the seed's, the first running
    -- process to come back won whatever it knew, and one that missed the
    -- last reshard undid it), the seed's kept: the newcomers that followed
    -- it know that one, and put nothing back with it.
    if putBack or seeded or not stamped then
      if stamped == 'seed' then
        redis.call('HSET', KEYS[1], 'seed_epoch', string.format('%.0f', epoch or 0))
      end
      redis.call('HSET', KEYS[1], 'epoch', string.format('%.0f', known))
      redis.call('HDEL', KEYS[1], 'seeded', 'epoch_stamped')
    end
  elseif not fleetTtl or (fresh
      and (fleetTtl ~= ttl or (intents and intents ~= fleetIntents))
      and not anyLive(count) and not (created and created > now - fleetTtl)) then
    -- Not while the count is fresh from a loss: the running processes'
    -- memberships are gone until their next lease tick, and a newcomer's
    -- shorter TTL, written in that gap, made the leases they renewed look
    -- like ghosts it could take (a shard ran twice).
    -- A stopped fleet takes the intents with the TTL; a TTL that was none
    -- (put right) does not make the caller's intents the fleet's.
    if fleetTtl then
      if fleetTtl ~= ttl then fixed = fixed + 32 end
      fleetIntents = recordIntents() or fleetIntents
    end
    fleetTtl = ttl
    redis.call('HSET', KEYS[1], 'lease_ttl', ttl)
  end
  -- None stored (a fleet older than the field): the caller's.
  if not fleetIntents then fleetIntents = recordIntents() end
  local rawNext = redis.call('HGET', KEYS[1], 'next')
  local nxt = valid(rawNext)
  if rawNext and (not nxt or nxt == count) then
    -- A reshard asked on a newcomer's seed to the count just put back is
    -- done: dropped without a word (it is no broken field).
    if not (putBack and nxt == count) then fixed = fixed + 2 end
    nxt = nil
    redis.call('HDEL', KEYS[1], 'next', 'complete_at')
    redis.call('DEL', KEYS[2])
  end
  return count, nxt, fixed, fleetTtl, created or 0, fleetIntents or ''
end
`;
}
