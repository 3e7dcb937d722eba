// How RedisIdentifyQueue (redis/identify_queue.ts) reads the shared session
// start budget for others to decide on (a reshard's check and its guard).
// The stored `reset_at` is on the scripts' clock, Redis's by default: read
// against this process's clock, one 10 minutes ahead took a spent budget
// for reset, and one behind took a reset just passed for minutes away. So
// the script says how far its own clock is from the reset, and the reset is
// placed that far from the queue's clock.
import type { Scheduler } from "../base/scheduler.ts";
import type { RedisConnection } from "./connection.ts";
import { luaNow } from "./lua_now.ts";

/**
 * KEYS: 1 budget. ARGV: 1 now ("" = TIME). Returns the stored `total`,
 * `remaining` and `reset_at` as stored (nil where missing), and the `now`
 * they are read against: given, as given (a fraction kept), else Redis's,
 * whole milliseconds.
 */
export const BUDGET_READ_SCRIPT = `${luaNow(1)}
local b = redis.call('HMGET', KEYS[1], 'total', 'remaining', 'reset_at')
if tonumber(ARGV[1]) then now = ARGV[1] end
return {b[1], b[2], b[3], now}`;

/** The shared budget, its reset on the queue's clock. */
export interface StoredBudget {
  total: number;
  remaining: number;
  /** When it resets, in ms on the queue's scheduler (see the module). */
  resetAt: number;
}

/**
 * Read the budget stored at `key`.
 *
 * @param redis The connection.
 * @param key The budget's key.
 * @param nowArg The scripts' `now` ("" = the server's clock).
 * @param scheduler The queue's clock, which `resetAt` is given on.
 * @returns The budget, or `undefined` when none is stored or what is
 * stored is not three finite numbers.
 */
export async function readBudget(
  redis: RedisConnection,
  key: string,
  nowArg: string,
  scheduler: Scheduler,
): Promise<StoredBudget | undefined> {
  const [total, remaining, resetAt, now] = await redis.eval(
    BUDGET_READ_SCRIPT,
    1,
    key,
    nowArg,
  ) as [string | null, string | null, string | null, string | number];
  if (total === null || remaining === null || resetAt === null) {
    return undefined;
  }
  const budget = {
    total: Number(total),
    remaining: Number(remaining),
    resetAt: scheduler.now() + (Number(resetAt) - Number(now)),
  };
  return Object.values(budget).every(Number.isFinite) ? budget : undefined;
}
