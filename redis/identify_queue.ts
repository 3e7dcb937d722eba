/**
 * {@linkcode RedisIdentifyQueue}: the IDENTIFY pacing of
 * `gateway/identify_queue.ts` shared by every process of a bot through
 * Redis, so shards of one bot on many machines never IDENTIFY twice in one
 * `max_concurrency` bucket within 5 s, and spend one daily budget.
 *
 * Every decision is one Lua script run atomically by Redis (a reservation of
 * the bucket's next free time, not a lock): a process that dies between two
 * calls leaves nothing held. Its waiting tickets expire when it stops
 * polling for them.
 *
 * Keys, under the prefix: `queue:<bucket>` (sorted set, waiter → ticket),
 * `deadlines:<bucket>` (sorted set, waiter → liveness deadline in ms),
 * `next:<bucket>` (the bucket's next free time), `budget` (hash: `total`,
 * `remaining`, `reset_at`) and `tickets` (the ticket counter). Earlier
 * versions kept deadlines in a hash, `alive:<bucket>`, which is no longer
 * read or written.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { getVisibleLogger } from "../base/visible_logger.ts";
import {
  realScheduler,
  type Scheduler,
  type TimerId,
} from "../base/scheduler.ts";
import type {
  IdentifyQueue,
  SessionStartLimit,
} from "../gateway/identify_queue.ts";
import { assertShardId } from "../gateway/saved_session.ts";
import type { RedisConnection } from "./connection.ts";
import { luaNow } from "./lua_now.ts";

const logger = getLogger(["disruption", "redis", "identify_queue"]);
// Shards that cannot identify are something to act on: shown on stderr
// unless LogTape is set up.
const visible = getVisibleLogger(["disruption", "redis", "identify_queue"]);

/** The shortest pause between two attempts of one waiter. */
const MIN_POLL_MS = 10;

/** Discord's session start window, used after a refill until told otherwise. */
const SESSION_START_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * The most waiters one call drops, so a call's work stays bounded however
 * many died at once; the next calls drop the rest.
 */
const DROP_BATCH = 100;

/**
 * The longest a waiter may stay in the queue without asking again: a longer
 * `livenessMs` is refused, and a deadline further ahead (written by a
 * process with another clock, or by anything but this script) counts as
 * expired.
 */
const MAX_LIVENESS_MS = 60_000;

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
 * KEYS: 1 queue (zset: waiter → ticket), 2 deadlines (zset: waiter →
 * deadline in ms), 3 bucket next free time, 4 budget (hash: total,
 * remaining, reset_at), 5 ticket counter.
 * ARGV: 1 waiter id, 2 now in ms ("" = the server's TIME), 3 interval ms,
 * 4 liveness ms, 5 session start window ms, 6 the longest liveness ms.
 *
 * Returns `{kind, waitMs, extra, fixed}` (fixed: keys it dropped as
 * unreadable): kind 1 granted (extra = budget left, -1
 * when unknown), 0 wait (waitMs = until a grant is possible: the bucket is
 * free and, for a waiter behind others, a spent budget has reset; extra =
 * waiters ahead), 2 out of budget (waitMs = until the reset).
 */
const TRY_SCRIPT = `
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
if not redis.call('ZSCORE', KEYS[1], me) then
  redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[5]), me)
end
redis.call('ZADD', KEYS[2], now + alive, me)
local keep = alive + interval + 60000
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
local nextFree = tonumber(redis.call('GET', KEYS[3])) or 0
local free = nextFree - now
if free < 0 then free = 0 end
-- A grant sets it an interval ahead at most: a time further off (another
-- program's, or a clock far ahead) would hold the bucket for good. It is
-- brought to one interval from now, which is never earlier than a grant.
if free > interval then
  free = interval
  redis.call('SET', KEYS[3], now + interval, 'PX', interval + 86400000)
end
local b = redis.call('HMGET', KEYS[4], 'total', 'remaining', 'reset_at')
local total, remaining, resetAt = tonumber(b[1]), tonumber(b[2]), tonumber(b[3])
-- A remaining of NaN is never <= 0: it granted every IDENTIFY.
if redis.call('EXISTS', KEYS[4]) == 1 and
    (not finite(total) or not finite(remaining) or not finite(resetAt)) then
  redis.call('DEL', KEYS[4])
  fixed = fixed + 1
  total, remaining, resetAt = nil, nil, nil
end
-- Discord's session start window is a day at most: a reset further off
-- (the same) would hold every bucket for good; it is brought to a window.
if resetAt and resetAt - now > window then
  resetAt = now + window
  redis.call('HSET', KEYS[4], 'reset_at', resetAt)
end
if ahead > 0 then
  -- Nor is anyone granted before a spent budget resets (within its window
  -- it only goes down): the waiters behind can sleep until then too.
  if remaining and resetAt and remaining <= 0 and resetAt - now > free then
    free = resetAt - now
  end
  return {0, free, ahead, fixed}
end
if free > 0 then return {0, free, 0, fixed} end
local left = -1
if redis.call('EXISTS', KEYS[4]) == 1 then
  if now >= resetAt then
    remaining = total
    resetAt = now + window
    redis.call('HSET', KEYS[4], 'remaining', remaining, 'reset_at', resetAt)
  end
  if remaining <= 0 then return {2, resetAt - now, 0, fixed} end
  left = remaining - 1
  redis.call('HSET', KEYS[4], 'remaining', left)
end
redis.call('SET', KEYS[3], now + interval, 'PX', interval + 86400000)
drop({me})
return {1, 0, left, fixed}
`;

/**
 * Take Discord's fresh `session_start_limit`. Within the stored window the
 * shared count only goes down (another process may have identified since
 * Discord answered this one); once the stored window has passed, Discord's
 * numbers replace it.
 *
 * KEYS: 1 budget. ARGV: 1 now ("" = TIME), 2 total, 3 remaining,
 * 4 reset_after. Returns the remaining count now stored.
 */
const BUDGET_SCRIPT = `
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
redis.call('PEXPIRE', KEYS[1], resetAfter + 86400000)
return remaining
`;

/** Options for {@linkcode RedisIdentifyQueue}. */
export interface RedisIdentifyQueueOptions {
  /**
   * Where the bot's queue lives: every process of one bot must use the same
   * prefix, and two bots on one Redis different ones.
   *
   * @default {"disruption:identify"}
   */
  prefix?: string;
  /**
   * IDENTIFYs allowed per interval, one per bucket `shardId %
   * maxConcurrency`; every process must agree. `sessionStartLimit`'s
   * `max_concurrency` takes precedence when given.
   *
   * @default {1}
   */
  maxConcurrency?: number;
  /**
   * Milliseconds between two IDENTIFYs of the same bucket.
   *
   * @default {5000}
   */
  intervalMs?: number;
  /**
   * The daily budget from `GET /gateway/bot`: shared in Redis (see
   * {@linkcode RedisIdentifyQueue.updateSessionStartLimit}). Without it
   * (here or stored by another process) the queue only paces buckets.
   */
  sessionStartLimit?: SessionStartLimit;
  /**
   * How often a waiting shard asks Redis again while its bucket is free but
   * another shard is ahead of it, in milliseconds: the longest a shard waits
   * after the one ahead of it gave up. While the bucket is not free yet a
   * waiter sleeps until it is, renewing its place every `livenessMs / 2`
   * (or `pollMs`, if longer).
   *
   * @default {500}
   */
  pollMs?: number;
  /**
   * How long a waiter stays in the queue without asking again, in
   * milliseconds: a dead process's shards block their buckets at most this
   * long. Must exceed `pollMs` plus a Redis round trip, and be at most
   * 60,000 (a deadline further ahead, whoever wrote it, counts as expired).
   *
   * @default {5000}
   */
  livenessMs?: number;
  /**
   * Whose clock decides: `"redis"` (the server's `TIME`, one clock for every
   * machine) or `"scheduler"` (the `scheduler`'s `now()`, for tests on a
   * virtual clock; every process must then share that clock).
   *
   * @default {"redis"}
   */
  clock?: "redis" | "scheduler";
  /**
   * The timers for the waits.
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
}

/** A reply of {@linkcode TRY_SCRIPT}. */
type TryReply = [kind: number, waitMs: number, extra: number, fixed: number];

/**
 * An {@linkcode IdentifyQueue} shared by every process of a bot through
 * Redis.
 *
 * Guarantees, across all processes using one `prefix` and one Redis:
 * - at most one grant per bucket `shardId % maxConcurrency` per
 *   `intervalMs`, decided atomically by Redis on one clock (the server's by
 *   default), so no lock is ever held;
 * - when a session start limit is known, each grant uses one of its
 *   `remaining`, shared by all processes; at `0` the queue waits for the
 *   reset (logging a warning) and never grants without budget;
 * - first come, first served within a bucket, across processes (a global
 *   ticket order), and waiters of a dead process drop out after
 *   `livenessMs`;
 * - an aborted {@linkcode RedisIdentifyQueue.acquire} leaves the queue at
 *   once, and leaves no timer behind.
 *
 * Each attempt costs Redis O(log W) for W waiters of a bucket (plus the dead
 * waiters it drops, each dropped once), and a waiter asks again only when a
 * grant could have become possible or its place needs renewing.
 *
 * While Redis is unreachable nothing is granted: waiters keep asking every
 * `pollMs`, and the outage is logged once. A grant that arrives after its
 * signal aborted is lost (its slot and session start are spent).
 *
 * @example Share the queue between processes
 * ```ts
 * import { ShardManager } from "@disruption/disruption/gateway";
 * import { connectRedis, RedisIdentifyQueue } from "@disruption/disruption/redis";
 *
 * async function main(): Promise<void> {
 *   const redis = await connectRedis({ url: "redis://10.0.0.5:6379" });
 *   // The same prefix in every process of the bot.
 *   const identifyQueue = new RedisIdentifyQueue(redis, {
 *     prefix: "mybot:identify",
 *     maxConcurrency: 16,
 *   });
 *   const manager = new ShardManager({
 *     token: "...",
 *     intents: 0,
 *     shardCount: 64,
 *     shardIds: [0, 1, 2, 3, 4, 5, 6, 7],
 *     identifyQueue,
 *   });
 *   await manager.start();
 * }
 * void main; // needs a server: defined, not run
 * ```
 */
export class RedisIdentifyQueue implements IdentifyQueue {
  readonly #redis: RedisConnection;
  readonly #scheduler: Scheduler;
  readonly #prefix: string;
  readonly #intervalMs: number;
  readonly #pollMs: number;
  readonly #livenessMs: number;
  readonly #useSchedulerClock: boolean;
  readonly #owner = crypto.randomUUID();
  #maxConcurrency: number;
  #seq = 0;
  #pending = 0;
  #budgetUpdate: Promise<void> | undefined;
  #redisDown = false;
  #exhaustedWarned = false;

  /**
   * Create a queue on a connection from `connectRedis` (the caller closes
   * it).
   *
   * @param redis The connection.
   * @param options Prefix, concurrency, pacing, clock and daily budget.
   * @throws {RangeError} When a number is out of range.
   * @throws {TypeError} When `prefix` is empty or `clock` is unknown.
   */
  constructor(redis: RedisConnection, options: RedisIdentifyQueueOptions = {}) {
    const {
      prefix = "disruption:identify",
      maxConcurrency = 1,
      intervalMs = 5000,
      pollMs = 500,
      livenessMs = 5000,
      clock = "redis",
      scheduler = realScheduler,
      sessionStartLimit,
    } = options;
    if (typeof prefix !== "string" || prefix === "") {
      throw new TypeError(
        `Cannot create identify queue as 'prefix' must be a non-empty string: current value 'prefix=${prefix}'`,
      );
    }
    positiveInteger("maxConcurrency", maxConcurrency);
    nonNegative("intervalMs", intervalMs);
    if (!Number.isFinite(pollMs) || pollMs < 1) {
      throw new RangeError(
        `Cannot create identify queue as 'pollMs' must be a finite number of at least 1: current value 'pollMs=${pollMs}'`,
      );
    }
    if (
      !Number.isFinite(livenessMs) || livenessMs <= pollMs ||
      livenessMs > MAX_LIVENESS_MS
    ) {
      throw new RangeError(
        `Cannot create identify queue as 'livenessMs' must be above 'pollMs' and at most ${MAX_LIVENESS_MS}: current values 'livenessMs=${livenessMs}', 'pollMs=${pollMs}'`,
      );
    }
    if (clock !== "redis" && clock !== "scheduler") {
      throw new TypeError(
        `Cannot create identify queue as 'clock' must be "redis" or "scheduler": current value 'clock=${
          String(clock)
        }'`,
      );
    }
    this.#redis = redis;
    this.#scheduler = scheduler;
    this.#prefix = prefix;
    this.#intervalMs = intervalMs;
    this.#pollMs = pollMs;
    this.#livenessMs = livenessMs;
    this.#useSchedulerClock = clock === "scheduler";
    this.#maxConcurrency = maxConcurrency;
    if (sessionStartLimit) {
      // Grants wait for it; a failure is logged and the next update retries.
      this.updateSessionStartLimit(sessionStartLimit).catch(() => {});
    }
  }

  /** IDENTIFYs allowed per interval, i.e. the number of buckets. */
  get maxConcurrency(): number {
    return this.#maxConcurrency;
  }

  /** How many of this process's {@linkcode RedisIdentifyQueue.acquire} calls are waiting. */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Share fresh numbers from Discord and take over their `max_concurrency`.
   * Within the stored window the shared `remaining` only goes down (another
   * process may have identified since Discord answered); after it, these
   * numbers replace it.
   *
   * @param limit The `session_start_limit` of `GET /gateway/bot`.
   * @returns A promise that resolves with the shared `remaining` once it is
   * stored.
   * @throws {RangeError} (as a rejection) When a field is out of range.
   */
  updateSessionStartLimit(limit: SessionStartLimit): Promise<void> {
    try {
      const { total, remaining, reset_after, max_concurrency } = limit;
      nonNegativeInteger("total", total);
      nonNegativeInteger("remaining", remaining);
      nonNegative("reset_after", reset_after);
      positiveInteger("max_concurrency", max_concurrency);
      this.#maxConcurrency = max_concurrency;
      const update = this.#redis.eval(
        BUDGET_SCRIPT,
        1,
        this.#key("budget"),
        this.#nowArg(),
        String(total),
        String(remaining),
        String(Math.ceil(reset_after)),
      ).then(() => {}, (error: unknown) => {
        logger.warn(
          "Could not store the session start limit in Redis: {message}",
          { message: messageOf(error) },
        );
        throw error;
      });
      this.#budgetUpdate = update.catch(() => {});
      return update;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * The shared budget as stored in Redis, or `undefined` when no process
   * has stored one.
   *
   * @returns `total`, `remaining` and `resetAt` (ms, on the queue's clock).
   */
  async budget(): Promise<
    { total: number; remaining: number; resetAt: number } | undefined
  > {
    const [total, remaining, resetAt] = await this.#redis.hmget(
      this.#key("budget"),
      "total",
      "remaining",
      "reset_at",
    );
    if (total === null || remaining === null || resetAt === null) {
      return undefined;
    }
    return {
      total: Number(total),
      remaining: Number(remaining),
      resetAt: Number(resetAt),
    };
  }

  /**
   * Wait until shard `shardId` may send IDENTIFY, in first-come order among
   * every process's waiters of its bucket.
   *
   * @param shardId The shard, a non-negative integer.
   * @param signal Gives up waiting: the promise rejects with its reason and
   * the waiter leaves the shared queue.
   * @returns A promise that resolves when the shard may identify.
   * @throws {RangeError} (as a rejection) When `shardId` is not a
   * non-negative integer.
   */
  acquire(shardId: number, signal?: AbortSignal): Promise<void> {
    try {
      assertShardId(shardId, "acquire identify slot");
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    const waiter = `${this.#owner}:${this.#seq++}:${shardId}`;
    let bucket = shardId % this.#maxConcurrency;
    this.#pending++;
    return new Promise<void>((resolve, reject) => {
      let timer: TimerId | undefined;
      let done = false;
      const finish = (error?: { reason: unknown }): void => {
        if (done) return;
        done = true;
        this.#pending--;
        if (timer !== undefined) this.#scheduler.clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        if (error) reject(error.reason);
        else resolve();
      };
      const onAbort = (): void => {
        finish({ reason: signal?.reason });
        this.#leave(bucket, waiter);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const attempt = async (): Promise<void> => {
        timer = undefined;
        let waitMs: number;
        try {
          await this.#budgetUpdate;
          if (done) return;
          // A new max_concurrency moves the waiter to its new bucket.
          const current = shardId % this.#maxConcurrency;
          if (current !== bucket) {
            this.#leave(bucket, waiter);
            bucket = current;
          }
          const [kind, wait, extra, fixed] = await this.#try(bucket, waiter);
          if (done) return;
          this.#upAgain();
          if (fixed > 0) {
            visible.warn(
              "Identify queue: {fixed} key(s) under its prefix held values it cannot read (a wrong type, or a budget or ticket counter that is not a number: written by hand or by another program); they were dropped",
              { fixed },
            );
          }
          if (kind === 1) {
            this.#exhaustedWarned = false;
            logger.debug(
              "Shard {shardId} may identify (bucket {bucket}, {left} session starts left)",
              { shardId, bucket, left: extra },
            );
            return finish();
          }
          if (kind === 2 && !this.#exhaustedWarned) {
            this.#exhaustedWarned = true;
            visible.warn(
              "Session start limit exhausted: waiting {waitMs} ms for it to reset before shard {shardId} may identify",
              { waitMs: wait, shardId },
            );
          }
          waitMs = this.#nextAttemptIn(wait, extra);
        } catch (error) {
          if (done) return;
          this.#down(error);
          waitMs = this.#pollMs;
        }
        timer = this.#scheduler.setTimeout(() => void attempt(), waitMs);
      };
      void attempt();
    });
  }

  /**
   * When a waiter that was not granted asks again. Nothing can be granted
   * before `wait` (the bucket's next free time, which grants only push
   * later, or a spent budget's reset), so the waiter sleeps until then;
   * once the bucket is free, a waiter behind another asks every `pollMs`,
   * to move up as soon as the head is granted or gone. Either way it renews its place at least every
   * `max(pollMs, livenessMs / 2)`, leaving half of `livenessMs` for a late
   * timer and the round trip. (Asking every `pollMs` regardless made 10
   * attempts a waiter per 5 s window, 4,000 a second for 2,000 waiters:
   * Redis 16 % busy even at O(log W) an attempt; now 2 or 3, and 5 %.) A
   * floor of MIN_POLL_MS keeps an interval of 0 from spinning.
   */
  #nextAttemptIn(wait: number, ahead: number): number {
    const renewMs = Math.max(this.#pollMs, this.#livenessMs / 2);
    const floor = ahead > 0 ? this.#pollMs : MIN_POLL_MS;
    return Math.min(Math.max(wait, floor), renewMs);
  }

  #try(bucket: number, waiter: string): Promise<TryReply> {
    return this.#redis.eval(
      TRY_SCRIPT,
      5,
      this.#key(`queue:${bucket}`),
      this.#key(`deadlines:${bucket}`),
      this.#key(`next:${bucket}`),
      this.#key("budget"),
      this.#key("tickets"),
      waiter,
      this.#nowArg(),
      String(this.#intervalMs),
      String(this.#livenessMs),
      String(SESSION_START_WINDOW_MS),
      String(MAX_LIVENESS_MS),
    ) as Promise<TryReply>;
  }

  /** Leave the shared queue (an aborted wait); a failure only delays others by `livenessMs`. */
  #leave(bucket: number, waiter: string): void {
    this.#redis.multi()
      .zrem(this.#key(`queue:${bucket}`), waiter)
      .zrem(this.#key(`deadlines:${bucket}`), waiter)
      .exec()
      .catch((error: unknown) => {
        logger.debug(
          "Could not leave the identify queue (it expires in {livenessMs} ms): {message}",
          { livenessMs: this.#livenessMs, message: messageOf(error) },
        );
      });
  }

  #key(name: string): string {
    return `${this.#prefix}:${name}`;
  }

  #nowArg(): string {
    return this.#useSchedulerClock ? String(this.#scheduler.now()) : "";
  }

  #down(error: unknown): void {
    if (this.#redisDown) return;
    this.#redisDown = true;
    // A script error is Redis answering, not Redis gone: say which.
    const answered = error instanceof Error &&
      /^(ERR|WRONGTYPE)\b/.test(error.message);
    visible.warn(
      answered
        ? "Identify queue: Redis refused its script; no shard identifies until this is fixed: {message}"
        : "Identify queue cannot reach Redis; no shard identifies until it is back: {message}",
      { message: messageOf(error) },
    );
  }

  #upAgain(): void {
    if (!this.#redisDown) return;
    this.#redisDown = false;
    logger.info("Identify queue reaches Redis again");
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function positiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot configure identify queue as '${name}' must be a positive integer: current value '${name}=${value}'`,
    );
  }
}

function nonNegativeInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(
      `Cannot configure identify queue as '${name}' must be a non-negative integer: current value '${name}=${value}'`,
    );
  }
}

function nonNegative(name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(
      `Cannot configure identify queue as '${name}' must be a non-negative finite number: current value '${name}=${value}'`,
    );
  }
}
