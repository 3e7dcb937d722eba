// The budget RedisIdentifyQueue (redis/identify_queue.ts) assumes when it is
// given no session start limit: Discord's default (gateway/_manager_pacing.ts
// decides which, for the in-memory queue too), shared through the same
// `budget` hash, marked `assumed` so that a real limit replaces it. Private
// to the queue, beside `_identify_scripts.ts`, whose budget script this
// builds on.
import { getLogger } from "@logtape/logtape";
import type { Scheduler } from "../base/scheduler.ts";
import type { RedisConnection } from "./connection.ts";
import { luaNow } from "./lua_now.ts";
import {
  BUDGET_KEPT_MS,
  BUDGET_SCRIPT,
  LUA_RAISE_FREE_TIMES,
} from "./_identify_scripts.ts";
import { sentBySha } from "./_scripts_by_sha.ts";

/**
 * Store an assumed budget where none is stored, or keep the one that is.
 * A stored budget, real or assumed, is never replaced: another process
 * stored it, or an earlier start of this one, and written again each
 * restart would refill a spent one (a crash loop started 1,000 sessions
 * each time). Its reset refills it as any budget's (the attempt script).
 * Written after Redis lost it, it also brings bucket free times the caller
 * knows of back, never earlier than stored (as the budget script does).
 *
 * KEYS: 1 budget (hash: total, remaining, reset_at, and `assumed` = 1),
 * 2… next free times to raise. ARGV: 1 now ("" = TIME), 2 total,
 * 3 remaining, 4 reset_after, 5… ms until each of KEYS 2… is free.
 * Returns `{written, total, remaining, resetIn}`: 1 when this call stored
 * it, and the budget now stored.
 */
export const ASSUME_SCRIPT = sentBySha(`
${luaNow(1)}
local function finite(x) return x ~= nil and x == x and x - x == 0 end
local b = {}
-- Another type (written by hand or by another program) is no budget: the
-- attempt script drops it too.
if redis.call('TYPE', KEYS[1]).ok == 'hash' then
  b = redis.call('HMGET', KEYS[1], 'total', 'remaining', 'reset_at')
end
local total, remaining, resetAt = tonumber(b[1]), tonumber(b[2]), tonumber(b[3])
local written = 0
if not (finite(total) and finite(remaining) and finite(resetAt)) then
  written = 1
  total, remaining = tonumber(ARGV[2]), tonumber(ARGV[3])
  resetAt = now + tonumber(ARGV[4])
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'total', total, 'remaining', remaining,
    'reset_at', resetAt, 'assumed', 1)
  redis.call('PEXPIRE', KEYS[1], math.ceil(resetAt - now) + ${BUDGET_KEPT_MS})
end
${LUA_RAISE_FREE_TIMES}
return {written, total, remaining, math.max(0, math.ceil(resetAt - now))}
`);

/** A reply of {@linkcode ASSUME_SCRIPT}. */
type AssumeReply = [
  written: number,
  total: number,
  remaining: number,
  resetIn: number,
];

// The queue's category: these lines are the queue's.
const logger = getLogger(["disruption", "redis", "identify_queue"]);

/** A budget as the queue knows it, assumed. */
export interface AssumedBudget {
  total: number;
  remaining: number;
  /** On the queue's scheduler. */
  resetAt: number;
  assumed: true;
}

/** Where and how {@linkcode storeAssumed} stores. */
export interface AssumedStore {
  redis: RedisConnection;
  /** The budget's key. */
  key: string;
  /** Bucket free times to raise: key, ms from now until free. */
  raise: readonly [key: string, freeInMs: number][];
  /** The script's `now` ("" = the server's clock). */
  nowArg: string;
  /** The queue's clock. */
  scheduler: Scheduler;
  /**
   * Say at info level what the queue now keeps to (once a queue: a normal
   * setup, a `gatewayUrl` and a shard count, is no fault to warn about, but
   * the queue holds shards back past it).
   */
  say: boolean;
}

/**
 * Run {@linkcode ASSUME_SCRIPT}: store `budget` where none is stored.
 *
 * @param store Where and how.
 * @param budget The assumed budget, as this process knows it.
 * @returns The budget stored now, this one or the one found.
 */
export async function storeAssumed(
  { redis, key, raise, nowArg, scheduler, say }: AssumedStore,
  budget: Omit<AssumedBudget, "assumed">,
): Promise<AssumedBudget> {
  const resetAfter = Math.max(0, budget.resetAt - scheduler.now());
  const [written, total, remaining, resetIn] = await redis.eval(
    ASSUME_SCRIPT,
    1 + raise.length,
    key,
    ...raise.map(([key]) => key),
    nowArg,
    String(budget.total),
    String(budget.remaining),
    String(Math.ceil(resetAfter)),
    ...raise.map(([, freeInMs]) => String(Math.ceil(freeInMs))),
  ) as AssumeReply;
  if (say) {
    logger.info(
      written === 1
        ? "No session start limit is known (none was given), so the identify queue assumes Discord's default: {total} session starts per {hours} h from now for every process on its prefix, held back past it (pass 'sessionStartLimit' from GET /gateway/bot)"
        : "No session start limit is known (none was given), so the identify queue keeps to the budget stored in Redis: {remaining} of {total} left, reset in {resetInMs} ms",
      { total, remaining, resetInMs: resetIn, hours: resetIn / 3.6e6 },
    );
  }
  const resetAt = scheduler.now() + resetIn;
  return { total, remaining, resetAt, assumed: true };
}

/**
 * {@linkcode BUDGET_SCRIPT} for Discord's own numbers: an assumed budget
 * stored (by any process) is dropped first, so they replace it rather than
 * only lower it (the assumed 1,000 is a guess, Discord's count is known).
 * A real one stored is taken as the budget script takes it. The same KEYS,
 * ARGV and reply.
 */
export const REAL_BUDGET_SCRIPT = sentBySha(
  // HMGET, not HEXISTS: a command a least-privilege user already has
  // (_redis_permissions.ts).
  `if redis.call('HMGET', KEYS[1], 'assumed')[1] then
  redis.call('DEL', KEYS[1])
end
${BUDGET_SCRIPT}`,
);
