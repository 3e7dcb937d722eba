// The Lua half of RedisIdentifyQueue (redis/identify_queue.ts): its two
// scripts, the key layout and arguments they take, and the replies they
// give, read beside the class that calls them. Private to the queue.
import { luaNow } from "./lua_now.ts";
import { MAX_ROUND_TRIP_MS } from "./_identify_round_trips.ts";
import { sentBySha } from "./_scripts_by_sha.ts";

/**
 * How long the budget is kept in Redis after its reset: gone later than
 * that, it expired as meant (nobody identified for a day) rather than was
 * lost.
 */
export const BUDGET_KEPT_MS = 24 * 60 * 60 * 1000;

/**
 * The most waiters one call drops, so a call's work stays bounded however
 * many died at once; the next calls drop the rest.
 */
const DROP_BATCH = 100;

/**
 * Lua's `finite(x)`: whether a `tonumber` result is a finite number. Lua's
 * tonumber takes "nan", "inf" and "1e400", which a stored budget must not
 * be: the scripts treat them as the unreadable values they are.
 */
const LUA_FINITE =
  "local function finite(x) return x ~= nil and x == x and x - x == 0 end";

/**
 * One attempt of one waiter. Joins the bucket's FIFO (a sorted set scored by
 * a global ticket counter) unless already in it, renews the waiter's
 * deadline (a sorted set scored by deadline), drops waiters that stopped
 * renewing (their process died) and grants only to the head, only when the
 * bucket's next free time has passed and the daily budget (when known) has a
 * session start left.
 *
 * Every call costs O(log W + dropped) for W waiters: the position is a
 * ZRANK, the dead are found by deadline, oldest first, a bounded batch a
 * call. (Walking the queue with one HGET a waiter ahead cost O(W) a call,
 * O(W²) a polling round: 500 waiters kept Redis 94 % busy.)
 *
 * Before deciding, the bucket's next free time, the latest grant's and the
 * floor are raised to what the caller knows of its own grants (ARGV 9-11):
 * when Redis lost its keys, only the process that first finds the budget
 * gone writes its grants back, and another would otherwise grant its own
 * bucket again within the interval.
 *
 * A loss of the keys is seen through KEYS 10, the epoch: an id and the time
 * it was written, written again by whichever attempt finds it missing. A
 * caller that saw another id (ARGV 13) knows the keys were lost, and then
 * nobody knows every grant of the last interval (each process knows its
 * own, and the first to ask after the loss may never have granted): every
 * bucket is held until an interval after the new epoch (the floor, KEYS
 * 7), the same time for every process that finds the loss, so at most one
 * interval of delay. (A process that never had a reply, first to ask after
 * a loss, cannot tell it from a first start: it finds nothing to hold.)
 *
 * KEYS: 1 queue (zset: waiter → ticket), 2 deadlines (zset: waiter →
 * deadline in ms), 3 bucket next free time, 4 budget (hash: total,
 * remaining, reset_at), 5 ticket counter, 6 the latest grant's next free
 * time, 7 the floor of every bucket's next free time, 8 the layout (the
 * `max_concurrency` of the latest attempt), 9 this waiter's grant (a
 * string: budget left, reset time and total, or `unknown`, then the
 * bucket's next free time it set; kept 15 minutes or two intervals: a
 * waiter asks again within seconds, or after an outage), 10 the epoch (a
 * string: id and the time it was written, kept without expiry).
 *
 * A waiter granted before that asks again gets the same grant back, and
 * spends nothing: its reply was lost (a connection dropped after Redis ran
 * the script, and the command sent again), and a second grant cost a
 * second session start and held its bucket one more interval. Its IDENTIFY
 * leaves only now, so the bucket is held an interval from now (never
 * earlier than stored), and it waits for the bucket first should another
 * grant have come since (reply 0, as any wait).
 * ARGV: 1 waiter id, 2 now in ms ("" = the server's TIME), 3 interval ms,
 * 4 liveness ms, 5 session start window ms, 6 the longest liveness ms,
 * 7 "1" when the caller knows a budget was stored, 8 the caller's
 * `max_concurrency`, 9 ms until the caller's own latest grant in this
 * bucket is an interval old, 10 the same for its latest grant in any
 * bucket, 11 ms until the buckets of the caller's previous layout are free
 * (each 0 when none; each applied only where its key is missing: a stored
 * time already counts the grant, and a command held up on the way, by a
 * frozen Redis, would otherwise add the delay to it), 12 an id unique to
 * this attempt, the new epoch's should this attempt write it, 13 the epoch
 * id the caller last saw ("" when none), 14 the caller's recent round trip to
 * Redis in ms (missing, as from a version before it, or no positive number:
 * 0; at most ${MAX_ROUND_TRIP_MS}).
 *
 * A grant holds its bucket an interval plus the grantee's round trip: its
 * IDENTIFY leaves when the reply arrives, and a reply's way back is at most
 * a round trip, so the next grant, to however near a process, reaches it at
 * least an interval after this one reached its own.
 *
 * Every expiry is a whole number of milliseconds (PEXPIRE and PX refuse a
 * fraction, which a `reset_at` written by another program or a scheduler
 * clock with a fraction gives), and a grant spends the budget's count as
 * its last write: a command that fails ends a script without undoing the
 * writes before it, and a count spent before a failing write was a session
 * start spent on every attempt and none granted.
 *
 * Returns `{kind, waitMs, extra, fixed, epoch, lost, resetIn, total,
 * remaining}` (fixed: keys it dropped as unreadable; epoch: the epoch id;
 * lost: 1 when the caller's epoch was another, so the keys were lost; the
 * last three, the budget as stored, given whenever one is, so a process
 * writing it back after a loss knows it as of its latest attempt, not its
 * latest grant): kind 1 granted (extra = budget left, -1 when
 * unknown), 0 wait (waitMs = until a
 * grant is possible: the bucket is free and, for a waiter behind others, a
 * spent budget has reset; extra = waiters ahead), 2 out of budget (waitMs =
 * until the reset), 3 budget gone (expected, and not in Redis).
 */
export const TRY_SCRIPT = sentBySha(`
${luaNow(2)}
${LUA_FINITE}
-- A key of the wrong type, a ticket counter that is no integer, or a budget
-- without its three numbers (written by hand, by another program or half
-- by a crash) failed this script on every call, so no shard ever
-- identified: each is dropped and counted (the 4th value returned).
local fixed = 0
local function expect(key, kind)
  local t = redis.call('TYPE', key).ok
  if t ~= 'none' and t ~= kind then
    redis.call('DEL', key)
    fixed = fixed + 1
  end
end
expect(KEYS[1], 'zset')
expect(KEYS[2], 'zset')
expect(KEYS[3], 'string')
expect(KEYS[4], 'hash')
expect(KEYS[5], 'string')
expect(KEYS[6], 'string')
expect(KEYS[7], 'string')
expect(KEYS[8], 'string')
expect(KEYS[9], 'string')
expect(KEYS[10], 'string')
local ticket = tonumber(redis.call('GET', KEYS[5]) or '0')
if ticket == nil or ticket ~= math.floor(ticket) or ticket > 2^52 then
  redis.call('DEL', KEYS[5])
  fixed = fixed + 1
end
local me = ARGV[1]
local interval = tonumber(ARGV[3])
local window = tonumber(ARGV[5])
local longest = tonumber(ARGV[6])
local alive = math.min(tonumber(ARGV[4]), longest)
local transit = tonumber(ARGV[14])
if not finite(transit) or transit < 0 then transit = 0 end
transit = math.min(transit, ${MAX_ROUND_TRIP_MS})
-- The furthest ahead a grant sets a next free time.
local furthest = interval + ${MAX_ROUND_TRIP_MS}
-- Whole milliseconds: an interval or a liveness with a fraction is allowed.
local keepNext = math.ceil(interval) + 86400000
local grantKept = math.max(900000, math.ceil(interval) * 2)
-- The epoch (see above); one that is not an id and a time is written anew.
local epochId, epochAt = nil, nil
local epoch = redis.call('GET', KEYS[10])
if epoch then
  epochId, epochAt = string.match(epoch, '^(%S+) (%S+)$')
  epochAt = tonumber(epochAt)
end
-- Kept without expiry: only a loss may remove it. Expiring a day after the
-- latest attempt, it was gone after a quiet day, and the next attempt of a
-- process that had a reply before took the expiry for a loss (a false
-- warning, every bucket held an interval). One short key per prefix.
if not epochId or not finite(epochAt) then
  epochId, epochAt = ARGV[12], now
  redis.call('SET', KEYS[10], string.format('%s %.17g', epochId, now))
else
  -- One written by an earlier version expires: kept from now on.
  redis.call('PERSIST', KEYS[10])
end
local lost = 0
if ARGV[13] ~= '' and ARGV[13] ~= epochId then
  lost = 1
  -- Held from the new epoch, not from now: every process that finds the
  -- same loss holds the buckets until the same time.
  local hold = epochAt + interval
  local floor = tonumber(redis.call('GET', KEYS[7]))
  if hold > now and (not finite(floor) or floor < hold) then
    redis.call('SET', KEYS[7], string.format('%.17g', hold), 'PX', keepNext)
  end
end
local function answer(kind, waitMs, extra, resetIn, total, remaining)
  return {kind, waitMs, extra, fixed, epochId, lost, resetIn, total, remaining}
end
-- A grant sets a next free time an interval and a capped round trip ahead
-- at most: a time further off (another program's, or a clock far ahead)
-- would hold the bucket for good, and one that is no number ("nan" granted
-- at once) is no time. Either is brought to that from now, which is never
-- earlier than a grant.
-- A missing one is raised to \`mine\` ms from now (an interval at most) when
-- the caller knows of a grant of its own that Redis does not: the keys were
-- lost and whoever wrote the budget back knew only its own grants. (Only a
-- missing one: \`mine\` was measured when the command was sent, and one
-- held up on the way, by a frozen Redis, would hold a bucket that long
-- past its grant's interval.)
local function nextFree(key, mine)
  local at = redis.call('GET', key)
  if at then
    at = tonumber(at)
    if not finite(at) or at - now > furthest then
      at = now + furthest
      redis.call('SET', key, at, 'PX', keepNext)
    end
  elseif mine > 0 then
    at = now + mine
    redis.call('SET', key, at, 'PX', keepNext)
  else
    at = 0
  end
  return at
end
-- The grant's record (KEYS 9): the budget left, its reset time and total
-- (or 'unknown'), then the bucket's next free time the grant set.
local function grantRecord(left, resetAt, total, freeAt)
  if left == nil then
    return string.format('unknown %.17g', freeAt)
  end
  return string.format('%.17g %.17g %.17g %.17g', left, resetAt, total, freeAt)
end
local granted = redis.call('GET', KEYS[9])
if granted then
  local fields = {}
  for field in string.gmatch(granted, '%S+') do fields[#fields + 1] = field end
  local left, resetAt, total, freeAt = nil, nil, nil, nil
  if fields[1] == 'unknown' then
    freeAt = tonumber(fields[2])
  else
    left, resetAt, total = tonumber(fields[1]), tonumber(fields[2]), tonumber(fields[3])
    freeAt = tonumber(fields[4])
    if not (finite(left) and finite(resetAt) and finite(total)) then
      left, resetAt, total = nil, nil, nil
    end
  end
  -- (A record of an earlier version has no free time: taken as this
  -- grant's own, nothing to wait for.)
  if not finite(freeAt) then freeAt = nil end
  -- Handed again late (the reply was lost and the command sent again, up
  -- to the record's life later), its IDENTIFY leaves now, not when Redis
  -- first ran it. Should another grant of the bucket have come since (the
  -- bucket's next free time, or the floor, past the one this grant set),
  -- it waits until that one is an interval old: handed at once, the two
  -- IDENTIFYs left 1,477 ms apart (a 3 s outage). Then the bucket is held
  -- an interval from now, as by a new grant (never earlier than stored):
  -- counted from the first run, the next grant came that much too early.
  local busy = math.max(nextFree(KEYS[3], 0), nextFree(KEYS[7], 0))
  if freeAt and busy > freeAt + 1 and busy > now then
    return answer(0, math.ceil(busy - now), 0)
  end
  local holdUntil = now + interval + transit
  local raised = holdUntil
  for _, key in ipairs({KEYS[3], KEYS[6]}) do
    local at = nextFree(key, 0)
    if at < holdUntil then
      redis.call('SET', key, string.format('%.17g', holdUntil), 'PX', keepNext)
    elseif key == KEYS[3] then
      raised = at
    end
  end
  redis.call('SET', KEYS[9], grantRecord(left, resetAt, total, raised),
    'PX', grantKept)
  if left then
    return answer(1, 0, left, math.max(0, math.ceil(resetAt - now)), total, left)
  end
  return answer(1, 0, -1)
end
if not redis.call('ZSCORE', KEYS[1], me) then
  redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[5]), me)
end
redis.call('ZADD', KEYS[2], now + alive, me)
local keep = math.ceil(alive + interval) + 60000
redis.call('PEXPIRE', KEYS[1], keep)
redis.call('PEXPIRE', KEYS[2], keep)
redis.call('PEXPIRE', KEYS[5], 86400000)
local function drop(waiters)
  if #waiters > 0 then
    redis.call('ZREM', KEYS[1], unpack(waiters))
    redis.call('ZREM', KEYS[2], unpack(waiters))
  end
end
-- Expired (deadline before now) and impossible (beyond now + longest):
-- this waiter's own deadline lies between, so it never drops itself.
drop(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', string.format('(%.17g', now),
  'LIMIT', 0, ${DROP_BATCH}))
drop(redis.call('ZRANGEBYSCORE', KEYS[2],
  string.format('(%.17g', now + longest), '+inf', 'LIMIT', 0, ${DROP_BATCH}))
-- A queued waiter without a deadline (a key edited by hand, or a waiter of a
-- version that kept deadlines elsewhere) can never be dropped by deadline:
-- it is dropped when it reaches the head, so it cannot block the bucket.
local ahead = redis.call('ZRANK', KEYS[1], me)
for _ = 1, ${DROP_BATCH} do
  if ahead == 0 then break end
  local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
  if redis.call('ZSCORE', KEYS[2], head) then break end
  redis.call('ZREM', KEYS[1], head)
  ahead = ahead - 1
end
-- The caller's own grants (ARGV 9-11), in ms from now: a value that is no
-- positive number counts as none, and none is more than an interval ahead.
local function ownFree(arg)
  local ms = tonumber(arg)
  if not finite(ms) or ms <= 0 then return 0 end
  return math.min(ms, interval)
end
local mineBucket, mineLatest, mineFloor = ownFree(ARGV[9]), ownFree(ARGV[10]), ownFree(ARGV[11])
local bucketFree = nextFree(KEYS[3], mineBucket)
-- Read only when the caller granted within the interval: the layout change
-- below reads it itself otherwise.
local lastFree = nil
if mineLatest > 0 then lastFree = nextFree(KEYS[6], mineLatest) end
-- A new max_concurrency regroups the shards: the new buckets may not grant
-- before the latest grant of the old ones is an interval old, or a shard
-- sharing Discord's bucket with one just granted would identify at once.
-- (Processes that disagree on it flip it back and forth, each flip holding
-- every bucket so: one IDENTIFY an interval, safe under either layout.)
local layout = redis.call('GET', KEYS[8])
if layout ~= ARGV[8] then
  if layout then
    local last = lastFree or nextFree(KEYS[6], 0)
    if last > now and last > nextFree(KEYS[7], mineFloor) then
      redis.call('SET', KEYS[7], last, 'PX', keepNext)
    end
  end
  redis.call('SET', KEYS[8], ARGV[8], 'PX', 86400000)
end
-- Rounded up: a reply's numbers reach the caller as integers, cut toward
-- zero, and a wait cut short is one more attempt before the bucket frees.
local free = math.ceil(math.max(bucketFree, nextFree(KEYS[7], mineFloor)) - now)
if free < 0 then free = 0 end
local b = redis.call('HMGET', KEYS[4], 'total', 'remaining', 'reset_at')
local total, remaining, resetAt = tonumber(b[1]), tonumber(b[2]), tonumber(b[3])
-- A remaining of NaN is never <= 0: it granted every IDENTIFY.
if redis.call('EXISTS', KEYS[4]) == 1 and
    (not finite(total) or not finite(remaining) or not finite(resetAt)) then
  redis.call('DEL', KEYS[4])
  fixed = fixed + 1
  total, remaining, resetAt = nil, nil, nil
end
-- The caller stored a budget and it is gone (a restart without persistence,
-- a failover, the key deleted): "no budget" would grant every IDENTIFY, and
-- one without a session start left resets the bot's token. The caller
-- writes it again from what it knows, then asks again.
if ARGV[7] == '1' and not total then return answer(3, 0, ahead) end
-- Discord's session start window is a day at most: a reset further off
-- (the same) would hold every bucket for good; it is brought to a window.
if resetAt and resetAt - now > window then
  resetAt = now + window
  redis.call('HSET', KEYS[4], 'reset_at', resetAt)
end
-- The budget as stored, for the reply: what the caller writes back after
-- a loss.
local function wait(waitMs, extra)
  if not total then return answer(0, waitMs, extra) end
  return answer(0, waitMs, extra, math.max(0, math.ceil(resetAt - now)),
    total, remaining)
end
if ahead > 0 then
  -- Nor is anyone granted before a spent budget resets (within its window
  -- it only goes down): the waiters behind can sleep until then too.
  if remaining and resetAt and remaining <= 0 and resetAt - now > free then
    free = math.ceil(resetAt - now)
  end
  return wait(free, ahead)
end
if free > 0 then return wait(free, 0) end
local left = -1
if total then
  if now >= resetAt then
    remaining = total
    resetAt = now + window
    redis.call('HSET', KEYS[4], 'remaining', remaining, 'reset_at', resetAt)
  end
  if remaining <= 0 then
    local resetIn = math.ceil(resetAt - now)
    return answer(2, resetIn, 0, resetIn, total, remaining)
  end
  left = remaining - 1
  -- Kept as the update keeps it, a day past its reset: refilled here, it
  -- would otherwise expire with the window it was written for.
  redis.call('PEXPIRE', KEYS[4], math.ceil(resetAt - now) + ${BUDGET_KEPT_MS})
end
local freeAt = now + interval + transit
redis.call('SET', KEYS[3], freeAt, 'PX', keepNext)
redis.call('SET', KEYS[6], freeAt, 'PX', keepNext)
redis.call('PEXPIRE', KEYS[8], 86400000)
drop({me})
-- Last: only a grant that went through spends a session start (and is
-- handed again to its waiter should the reply be lost).
if total then
  redis.call('HSET', KEYS[4], 'remaining', left)
  redis.call('SET', KEYS[9], grantRecord(left, resetAt, total, freeAt),
    'PX', grantKept)
  return answer(1, 0, left, math.ceil(resetAt - now), total, left)
end
redis.call('SET', KEYS[9], grantRecord(nil, nil, nil, freeAt), 'PX', grantKept)
return answer(1, 0, -1)
`);

/**
 * Lua: bring the bucket free times of KEYS 2… (each ARGV[i + 3] ms from
 * `now`) back after Redis lost them, never earlier than stored; for the
 * scripts that write a budget (this file's and `_assumed_budget.ts`'s),
 * which take them as KEYS 2… and ARGV 5….
 */
export const LUA_RAISE_FREE_TIMES = `for i = 2, #KEYS do
  local freeIn = tonumber(ARGV[i + 3])
  local at = nil
  if redis.call('TYPE', KEYS[i]).ok == 'string' then
    at = tonumber(redis.call('GET', KEYS[i]))
  end
  if not finite(at) or at < now + freeIn then
    redis.call('SET', KEYS[i], now + freeIn, 'PX', math.ceil(freeIn) + 86400000)
  end
end`;

/**
 * Take Discord's fresh `session_start_limit`, or a process's own account of
 * it after Redis lost it. Within the stored window the shared count only
 * goes down (another process may have identified since Discord answered
 * this one); once the stored window has passed, these numbers replace it.
 * Written again after a loss, it also brings bucket free times the caller
 * knows of back, never earlier than stored.
 *
 * KEYS: 1 budget, 2… next free times to raise. ARGV: 1 now ("" = TIME),
 * 2 total, 3 remaining, 4 reset_after, 5… ms until each of KEYS 2… is free.
 * Returns `{remaining, resetIn}`: the count now stored and the ms until its
 * reset.
 */
export const BUDGET_SCRIPT = sentBySha(`
${luaNow(1)}
${LUA_FINITE}
local total, remaining, resetAfter = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local b = redis.call('HMGET', KEYS[1], 'remaining', 'reset_at')
local stored, resetAt = tonumber(b[1]), tonumber(b[2])
-- A stored "nan" or "inf" is no count: Discord's wins.
if finite(stored) and finite(resetAt) and now < resetAt then
  if stored < remaining then remaining = stored end
  if now + resetAfter < resetAt then resetAt = now + resetAfter end
else
  resetAt = now + resetAfter
end
redis.call('HSET', KEYS[1], 'total', total, 'remaining', remaining, 'reset_at', resetAt)
-- Whole milliseconds: PEXPIRE refuses a fraction, which a stored reset_at
-- or a scheduler clock with one gives (the HSET above is not undone then).
redis.call('PEXPIRE', KEYS[1], math.ceil(resetAt - now) + ${BUDGET_KEPT_MS})
${LUA_RAISE_FREE_TIMES}
return {remaining, resetAt - now}
`);

/** A reply of {@linkcode TRY_SCRIPT}. */
export type TryReply = [
  kind: number,
  waitMs: number,
  extra: number,
  fixed: number,
  epoch: string,
  lost: number,
  resetIn?: number,
  total?: number,
  remaining?: number,
];

/** A reply of {@linkcode BUDGET_SCRIPT}. */
export type BudgetReply = [remaining: number, resetIn: number];
