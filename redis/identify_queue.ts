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
 * The scripts, their arguments and replies are in the private
 * `_identify_scripts.ts` beside it; this file keeps the waiting, the
 * memory of the budget and the logging.
 *
 * Keys, under the prefix: `queue:<bucket>` (sorted set, waiter → ticket),
 * `deadlines:<bucket>` (sorted set, waiter → liveness deadline in ms),
 * `next:<bucket>` (the bucket's next free time), `next:last` (the latest
 * grant's), `next:floor` (the earliest any bucket may grant, set when
 * `max_concurrency` changes), `layout` (the `max_concurrency` of the latest
 * attempt), `budget` (hash: `total`, `remaining`, `reset_at`), `tickets`
 * (the ticket counter), `granted:<waiter>` (a grant, handed again to a
 * waiter whose reply was lost) and `epoch` (an id and a time, written anew
 * when missing: a process that saw another id knows the keys were lost).
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { errorText } from "../base/error_text.ts";
import { shownQuoted } from "../base/option_checks.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import {
  MAX_TIMER_DELAY,
  realScheduler,
  type Scheduler,
  type TimerId,
} from "../base/scheduler.ts";
import type {
  IdentifyQueue,
  SessionStartLimit,
} from "../gateway/identify_queue.ts";
import { assertShardId } from "../gateway/saved_session.ts";
import { assumedSessionStartLimit } from "../gateway/_manager_pacing.ts";
import type { RedisConnection } from "./connection.ts";
import { SILENT_REDIS_MS } from "./silent_redis.ts";
import { RedisClosedError } from "./closed_error.ts";
import {
  BUDGET_KEPT_MS,
  type BudgetReply,
  TRY_SCRIPT,
  type TryReply,
} from "./_identify_scripts.ts";
import {
  checkQueueKeys,
  checkSessionStartLimit,
  nonNegative,
  positiveInteger,
  QUEUE_KEYS,
} from "./_identify_checks.ts";
import {
  type AssumedStore,
  REAL_BUDGET_SCRIPT,
  storeAssumed,
} from "./_assumed_budget.ts";
import type { RedisIdentifyQueueOptions } from "./identify_queue_options.ts";
import { RoundTrips } from "./_identify_round_trips.ts";
import { IdentifyOutage } from "./_identify_outage.ts";
import { readBudget } from "./_budget_read.ts";

export type { RedisIdentifyQueueOptions };

const logger = getLogger(["disruption", "redis", "identify_queue"]);
// Shards that cannot identify are something to act on: shown on stderr
// unless LogTape is set up.
const visible = getVisibleLogger(["disruption", "redis", "identify_queue"]);

/** The shortest pause between two attempts of one waiter. */
const MIN_POLL_MS = 10;

/** Discord's session start window, used after a refill until told otherwise. */
const SESSION_START_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * The longest a waiter may stay in the queue without asking again: a longer
 * `livenessMs` is refused, and a deadline further ahead (written by a
 * process with another clock, or by anything but this script) counts as
 * expired.
 */
const MAX_LIVENESS_MS = 60_000;

/** The daily budget as one process last learnt it. */
interface KnownBudget {
  total: number;
  remaining: number;
  /** On the queue's scheduler, whatever clock the scripts decide on. */
  resetAt: number;
  /** Discord's default, assumed: written back marked so (see _assumed_budget.ts). */
  assumed?: true;
}

/**
 * An {@linkcode IdentifyQueue} shared by every process of a bot through
 * Redis.
 *
 * Guarantees, across all processes using one `prefix` and one Redis:
 * - at most one grant per bucket `shardId % maxConcurrency` per
 *   `intervalMs`, decided atomically by Redis on one clock (the server's by
 *   default), so no lock is ever held;
 * - grants reach their processes at least `intervalMs` apart in a bucket
 *   however far each is from Redis, while round trips hold steady: a grant
 *   holds its bucket longer by the longest of its process's latest round
 *   trips to Redis (its way back is at most one; a process's first attempt
 *   measures one with a PING), 5 s at most and a measure counting for 30
 *   s, so one absurd measure stalls the grants of that half minute no
 *   longer than that (a process of an earlier version sharing the
 *   prefix sends none, counted 0, and its attempts cut a next free time
 *   back to `intervalMs` ahead: not guaranteed during a rolling upgrade);
 * - each grant uses one of the session start limit's `remaining`, shared
 *   by all processes; at `0` the queue waits for the reset (logging a
 *   warning). Given none (and `maxConcurrency` 1), it assumes Discord's
 *   default, 1,000 a day, as the in-memory queue does, where no process
 *   stored a budget (a restart never refills it), until a real one comes;
 * - when Redis loses the budget (a restart without persistence, a failover,
 *   the key deleted), a process that was given one grants nothing on the
 *   missing key: it writes the budget again from what it last learnt (the
 *   count of its latest attempt, granted or not, and the same reset time)
 *   with a warning, and its buckets' next free times with it, then asks
 *   again;
 * - when Redis loses its keys, the first attempt of a process that had a
 *   reply before finds it (the `epoch` is another) and holds every bucket
 *   `intervalMs` from then, with a warning, whoever granted before the
 *   loss (a process that never had a reply, alone to ask meanwhile, cannot
 *   tell a loss from a first start); every attempt also brings the asking
 *   process's own grants of the last interval back where their keys are
 *   missing;
 * - a new `max_concurrency` (from
 *   {@linkcode RedisIdentifyQueue.updateSessionStartLimit}) lets no bucket
 *   of the new layout grant before the latest grant of the old one is
 *   `intervalMs` old;
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
 * `pollMs`, and the outage is logged once, shown on stderr unless LogTape
 * is configured (its end too, where it was shown). A Redis that accepts
 * commands and never answers them (frozen, a stalled network) fails none:
 * waiters keep waiting (identifying without the shared queue could burn the
 * budget), still give up when their signal aborts, and the wait is said
 * once an outage after 10 s without an answer. A Redis user whose ACL
 * refuses a command the queue needs (`+@read +@write +@scripting` lacks
 * PING, TIME, MULTI and EXEC) is told every command it needs. A grant that arrives after its signal aborted is lost (its slot
 * and session start are spent).
 *
 * @example Share the queue between processes
 * ```ts
 * import { ShardManager } from "@disruption/disruption/gateway";
 * import { connectRedis, RedisIdentifyQueue } from "@disruption/disruption/redis";
 * import { RestClient } from "@disruption/disruption/rest";
 *
 * async function main(): Promise<void> {
 *   const redis = await connectRedis({ url: "redis://10.0.0.5:6379" });
 *   const bot = await new RestClient({ token: "..." }).getGatewayBot();
 *   // The same prefix in every process of the bot. Without the limit,
 *   // Discord's default (1,000 a day) is assumed.
 *   const identifyQueue = new RedisIdentifyQueue(redis, {
 *     prefix: "mybot:identify",
 *     sessionStartLimit: bot.session_start_limit,
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
  readonly #roundTrips: RoundTrips;
  #maxConcurrency: number;
  #seq = 0;
  #pending = 0;
  #budgetUpdate: Promise<void> | undefined;
  readonly #outage = new IdentifyOutage();
  #exhaustedWarned = false;
  /**
   * The budget as this process last learnt it (the limit it was given, then
   * what Redis answered): what it writes again when Redis has lost it.
   * Unset until it is given one; set, the scripts are told to expect one.
   */
  #known: KnownBudget | undefined;
  /** This process's latest grant in each bucket, on the scheduler's clock. */
  #lastGrants = new Map<number, number>();
  /** When the buckets of the layout before the current one are all free. */
  #oldLayoutFree = -Infinity;
  /** The write of a lost budget in progress, shared by every waiter. */
  #restoring: Promise<void> | undefined;
  /** The epoch id of the latest reply: another one means the keys were lost. */
  #epoch = "";
  /** The epoch whose loss was last said (once per loss, not per request). */
  #lossSaidAt: string | undefined;
  /** Numbers the ids this process offers for a new epoch. */
  #epochSeq = 0;
  /** Whether the assumed budget was said (once, at info level). */
  #assumedSaid = false;

  /**
   * Create a queue on a connection from `connectRedis` (the caller closes
   * it).
   *
   * @param redis The connection.
   * @param options Prefix, concurrency, pacing, clock and daily budget.
   * @throws {RangeError} When a number is out of range.
   * @throws {TypeError} When `prefix` is empty, `clock` is unknown or a key
   * is none of the options (the message names the nearest one).
   */
  constructor(redis: RedisConnection, options: RedisIdentifyQueueOptions = {}) {
    checkQueueKeys<RedisIdentifyQueueOptions>(options, QUEUE_KEYS);
    const {
      prefix = "disruption:identify",
      maxConcurrency = 1,
      intervalMs = 5_250, // see the option's doc
      pollMs = 500,
      livenessMs = 5000,
      clock = "redis",
      scheduler = realScheduler,
      sessionStartLimit,
    } = options;
    if (typeof prefix !== "string" || prefix === "") {
      throw new TypeError(
        `Cannot create identify queue as 'prefix' must be a non-empty string: current value 'prefix=${
          shownQuoted(prefix)
        }'`,
      );
    }
    positiveInteger("create identify queue", "maxConcurrency", maxConcurrency);
    nonNegative("create identify queue", "intervalMs", intervalMs);
    // Redis's PX refuses what Lua prints in exponent form (1e17): every
    // attempt failed. A timer's longest wait is far past any pacing.
    if (intervalMs > MAX_TIMER_DELAY) {
      throw new RangeError(
        `Cannot create identify queue as 'intervalMs' must be at most ${MAX_TIMER_DELAY}: current value 'intervalMs=${
          shownQuoted(intervalMs)
        }'`,
      );
    }
    if (!Number.isFinite(pollMs) || pollMs < 1) {
      throw new RangeError(
        `Cannot create identify queue as 'pollMs' must be a finite number of at least 1: current value 'pollMs=${
          shownQuoted(pollMs)
        }'`,
      );
    }
    if (
      !Number.isFinite(livenessMs) || livenessMs <= pollMs ||
      livenessMs > MAX_LIVENESS_MS
    ) {
      throw new RangeError(
        `Cannot create identify queue as 'livenessMs' must be above 'pollMs' and at most ${MAX_LIVENESS_MS}: current values 'livenessMs=${
          shownQuoted(livenessMs)
        }', 'pollMs=${shownQuoted(pollMs)}'`,
      );
    }
    if (clock !== "redis" && clock !== "scheduler") {
      throw new TypeError(
        `Cannot create identify queue as 'clock' must be "redis" or "scheduler": current value 'clock=${
          shownQuoted(clock)
        }'`,
      );
    }
    this.#redis = redis;
    this.#scheduler = scheduler;
    this.#roundTrips = new RoundTrips(scheduler);
    this.#prefix = prefix;
    this.#intervalMs = intervalMs;
    this.#pollMs = pollMs;
    this.#livenessMs = livenessMs;
    this.#useSchedulerClock = clock === "scheduler";
    this.#maxConcurrency = maxConcurrency;
    if (sessionStartLimit !== undefined) {
      // Its numbers are checked here, as the constructor's @throws says
      // (the update rejects instead, and the rejection is not kept).
      checkSessionStartLimit(sessionStartLimit);
      // Grants wait for it; a failure is logged and the next update retries.
      this.updateSessionStartLimit(sessionStartLimit).catch(() => {});
    } else {
      // Discord's default, as the in-memory queue assumes it; known before
      // Redis answers, so a waiter that finds none stored writes it.
      const assumed = assumedSessionStartLimit(maxConcurrency);
      if (assumed) {
        const { total, remaining, reset_after } = assumed;
        const resetAt = scheduler.now() + reset_after;
        this.#known = { total, remaining, resetAt, assumed: true };
        this.#budgetUpdate = this.#storeAssumed([]).catch(() => {});
      }
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
   * numbers replace it. A reset over a day off is taken as a day's.
   *
   * @param limit The `session_start_limit` of `GET /gateway/bot`.
   * @returns A promise that resolves with the shared `remaining` once it is
   * stored.
   * @throws {RangeError} (as a rejection) When a field is out of range.
   */
  updateSessionStartLimit(limit: SessionStartLimit): Promise<void> {
    try {
      checkSessionStartLimit(limit);
      const { total, remaining, max_concurrency } = limit;
      // A day at most, as in MemoryIdentifyQueue: PEXPIRE refused 1e21 ms.
      const resetAfter = Math.min(limit.reset_after, SESSION_START_WINDOW_MS);
      if (max_concurrency !== this.#maxConcurrency) {
        this.#changeLayout(max_concurrency);
      }
      // Known before Redis answers: a store that fails is made again from
      // it when a waiter finds no budget.
      this.#known = {
        total,
        remaining,
        resetAt: this.#scheduler.now() + resetAfter,
      };
      const update = this.#storeBudget(total, remaining, resetAfter).then(
        () => {},
        (error: unknown) => {
          logger.warn(
            "Could not store the session start limit in Redis: {message}",
            { message: errorText(error) },
          );
          throw error;
        },
      );
      this.#budgetUpdate = update.catch(() => {});
      return update;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * The shared budget as stored in Redis, or `undefined` when no process
   * has stored one, or what is stored is not three numbers (written by
   * hand or by another program: the next attempt drops it). A `remaining`
   * of NaN passed every "enough left?" check.
   *
   * @returns `total`, `remaining` and `resetAt` (ms, on the queue's
   * scheduler: as far from its `now()` as the stored reset is from the
   * scripts' clock, Redis's by default, so a process whose clock is off
   * Redis's still reads the right time left).
   */
  budget(): Promise<
    { total: number; remaining: number; resetAt: number } | undefined
  > {
    const key = this.#key("budget");
    return readBudget(this.#redis, key, this.#nowArg(), this.#scheduler);
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
   * @throws {RedisClosedError} (as a rejection) When the connection has
   * been closed for good (`closeRedis`) before the shard was granted.
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
      // Armed while a round trip is unanswered (see SILENT_REDIS_MS).
      let watch: TimerId | undefined;
      let done = false;
      const unwatch = (): void => {
        if (watch !== undefined) this.#scheduler.clearTimeout(watch);
        watch = undefined;
      };
      const finish = (error?: { reason: unknown }): void => {
        if (done) return;
        done = true;
        this.#pending--;
        if (timer !== undefined) this.#scheduler.clearTimeout(timer);
        unwatch();
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
        // Waiting on, not giving up: identifying without the shared queue
        // could burn the budget. But a wait on a Redis that never answers
        // (frozen, a stalled network: no command fails) is said.
        watch = this.#scheduler.setTimeout(() => {
          watch = undefined;
          this.#outage.silent(SILENT_REDIS_MS);
        }, SILENT_REDIS_MS);
        try {
          await this.#budgetUpdate;
          // A grant holds its bucket this process's round trip longer (see
          // _identify_round_trips.ts): the first attempt knows one already.
          await this.#roundTrips.ready(() => this.#redis.ping());
          if (done) return;
          // A new max_concurrency moves the waiter to its new bucket.
          const current = shardId % this.#maxConcurrency;
          if (current !== bucket) {
            this.#leave(bucket, waiter);
            bucket = current;
          }
          const reply = await this.#try(bucket, waiter);
          this.#outage.answered();
          // Also from a reply that came after an abort: a grant then is
          // spent all the same.
          this.#learn(reply, bucket);
          if (done) return;
          const [kind, wait, extra, fixed] = reply;
          if (fixed > 0) {
            visible.warn(
              "Identify queue: {fixed} key(s) under its prefix held values it cannot read (a wrong type, or a budget or ticket counter that is not a number: written by hand or by another program); they were dropped",
              { fixed },
            );
          }
          if (kind === 3) {
            await this.#restoreBudget();
            if (done) return;
            // Asked again now that the budget is back (not at once: a
            // budget deleted over and over must not make this spin).
            waitMs = MIN_POLL_MS;
          } else if (kind === 1) {
            this.#exhaustedWarned = false;
            logger.debug(
              "Shard {shardId} may identify (bucket {bucket}, {left} session starts left)",
              { shardId, bucket, left: extra },
            );
            return finish();
          } else {
            if (kind === 2 && !this.#exhaustedWarned) {
              this.#exhaustedWarned = true;
              visible.warn(
                "Session start limit exhausted: waiting {waitMs} ms for it to reset before shard {shardId} may identify",
                { waitMs: wait, shardId },
              );
            }
            waitMs = this.#nextAttemptIn(wait, extra);
          }
        } catch (error) {
          if (done) return;
          // Closed for good (closeRedis): no attempt can ever be answered,
          // and polling on kept the process alive for ever.
          if (this.#redis.status === "end") {
            return finish({
              reason: new RedisClosedError(
                `acquire identify slot for shard ${shardId}`,
                { cause: error },
              ),
            });
          }
          this.#outage.failed(error);
          waitMs = this.#pollMs;
        } finally {
          unwatch();
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
    // What this process knows of its own grants goes with every attempt:
    // after Redis lost its keys, the process that first finds the budget
    // gone writes back only its own, and this one would otherwise grant its
    // bucket again within the interval.
    const own = this.#ownGrants(this.#scheduler.now());
    const roundTrip = this.#roundTrips.longest;
    // Sent as EVALSHA by a connection from connectRedis (TRY_SCRIPT is
    // marked so): 359 bytes an attempt instead of 12.7 KB, Redis's CPU 45 %
    // lower (_scripts_by_sha.ts).
    return this.#roundTrips.time(() =>
      this.#redis.eval(
        TRY_SCRIPT,
        10,
        this.#key(`queue:${bucket}`),
        this.#key(`deadlines:${bucket}`),
        this.#key(`next:${bucket}`),
        this.#key("budget"),
        this.#key("tickets"),
        this.#key("next:last"),
        this.#key("next:floor"),
        this.#key("layout"),
        this.#key(`granted:${waiter}`),
        this.#key("epoch"),
        waiter,
        this.#nowArg(),
        String(this.#intervalMs),
        String(this.#livenessMs),
        String(SESSION_START_WINDOW_MS),
        String(MAX_LIVENESS_MS),
        this.#known ? "1" : "0",
        String(this.#maxConcurrency),
        String(Math.ceil(own.buckets.get(bucket) ?? 0)),
        String(Math.ceil(own.latest)),
        String(Math.ceil(own.oldLayout)),
        `${this.#owner}:${this.#epochSeq++}`,
        this.#epoch,
        String(Math.ceil(roundTrip)),
      ) as Promise<TryReply>
    );
  }

  /**
   * How long, from `now`, this process's own grants keep their buckets busy
   * (ms, only those still busy: the rest are forgotten), the latest of them
   * (the old layout's included), and how long the buckets of the layout
   * before the current one stay busy (0 when free). Lost with Redis's keys,
   * these are what this process writes back.
   */
  #ownGrants(now: number): {
    buckets: Map<number, number>;
    latest: number;
    oldLayout: number;
  } {
    const buckets = new Map<number, number>();
    const oldLayout = Math.max(0, this.#oldLayoutFree - now);
    let latest = oldLayout;
    for (const [bucket, at] of this.#lastGrants) {
      const freeIn = at + this.#intervalMs - now;
      if (freeIn <= 0) {
        this.#lastGrants.delete(bucket);
        continue;
      }
      buckets.set(bucket, freeIn);
      latest = Math.max(latest, freeIn);
    }
    return { buckets, latest, oldLayout };
  }

  /**
   * Store the assumed budget this process knows where Redis has none (see
   * _assumed_budget.ts), raising the bucket free times in `raise`; remember
   * what Redis kept, and say it once. (A failure is said by the caller: a
   * waiter, or the constructor's next waiter writing it.)
   */
  async #storeAssumed(raise: AssumedStore["raise"]): Promise<void> {
    this.#known = await storeAssumed({
      redis: this.#redis,
      key: this.#key("budget"),
      raise,
      nowArg: this.#nowArg(),
      scheduler: this.#scheduler,
      say: !this.#assumedSaid,
    }, this.#known!);
    this.#assumedSaid = true;
  }

  /**
   * Store a budget and, after a loss, raise the bucket free times in
   * `raise` (key, ms from now until free); remember what Redis kept. Known
   * from Discord, it replaces an assumed budget (see _assumed_budget.ts).
   */
  async #storeBudget(
    total: number,
    remaining: number,
    resetAfter: number,
    raise: readonly [key: string, freeInMs: number][] = [],
  ): Promise<void> {
    const [stored, resetIn] = await this.#redis.eval(
      REAL_BUDGET_SCRIPT,
      1 + raise.length,
      this.#key("budget"),
      ...raise.map(([key]) => key),
      this.#nowArg(),
      String(total),
      String(remaining),
      String(Math.ceil(resetAfter)),
      ...raise.map(([, freeInMs]) => String(Math.ceil(freeInMs))),
    ) as BudgetReply;
    this.#known = {
      total,
      remaining: stored,
      resetAt: this.#scheduler.now() + resetIn,
    };
  }

  /**
   * Follow the shared budget, this process's grants and the keys' epoch
   * through an attempt's reply. The budget is taken from every reply that
   * gives it, a wait too: a process whose shards only waited behind others'
   * grants wrote back, after a loss, the count of its last grant, session
   * starts ago, and spent them again.
   */
  #learn(
    [kind, wait, , , epoch, lost, resetIn, total, remaining]: TryReply,
    bucket: number,
  ): void {
    const now = this.#scheduler.now();
    if (kind === 1) this.#lastGrants.set(bucket, now);
    // Every request sent with the old epoch finds the loss: said once per
    // epoch it brought (120 waiters said it 78 times).
    if (lost === 1 && epoch !== this.#lossSaidAt) {
      this.#lossSaidAt = epoch;
      visible.warn(
        "Identify queue: Redis lost its keys (restarted without persistence, failed over, or flushed); every bucket waits {intervalMs} ms from when this was found, as the grants made before are not all known",
        { intervalMs: this.#intervalMs },
      );
    }
    this.#epoch = epoch;
    if (!this.#known) return;
    if (
      resetIn !== undefined && total !== undefined && remaining !== undefined
    ) {
      const { assumed } = this.#known;
      this.#known = { total, remaining, resetAt: now + resetIn };
      // Still replaced by a real limit, should it have been written back.
      if (assumed) this.#known.assumed = true;
    } else if (kind === 2) {
      this.#known.remaining = 0;
      this.#known.resetAt = now + wait;
    }
  }

  /**
   * Write the budget again after Redis lost it, from what this process
   * knows; every waiter that finds it gone meanwhile waits for the same
   * write.
   */
  #restoreBudget(): Promise<void> {
    this.#restoring ??= this.#writeBackBudget().finally(() => {
      this.#restoring = undefined;
    });
    return this.#restoring;
  }

  async #writeBackBudget(): Promise<void> {
    const known = this.#known!;
    const now = this.#scheduler.now();
    // Kept a day past its reset: gone after that, it expired as meant.
    const expired = now >= known.resetAt + BUDGET_KEPT_MS;
    if (now >= known.resetAt) {
      // Discord's window has passed meanwhile: it refilled.
      known.remaining = known.total;
      known.resetAt = now + SESSION_START_WINDOW_MS;
    }
    // The same loss reset the buckets' next free times: this process's own
    // grants of the last interval are written back, so another process
    // does not grant their buckets within it (grants of processes that
    // have not asked since it cannot know; each brings its own back with
    // its next attempt).
    const raise: [string, number][] = [];
    const { buckets, latest, oldLayout } = this.#ownGrants(now);
    if (oldLayout > 0) raise.push([this.#key("next:floor"), oldLayout]);
    for (const [bucket, freeIn] of buckets) {
      raise.push([this.#key(`next:${bucket}`), freeIn]);
    }
    if (latest > 0) raise.push([this.#key("next:last"), latest]);
    // An assumed budget never stored yet (its first write failed) was not
    // lost: said as assumed, not warned about.
    const firstWrite = known.assumed && !this.#assumedSaid;
    const { total, remaining, resetAt } = known;
    await (known.assumed
      ? this.#storeAssumed(raise)
      : this.#storeBudget(total, remaining, resetAt - now, raise));
    if (firstWrite) return;
    const stored = this.#known!;
    const properties = {
      remaining: stored.remaining,
      total: stored.total,
      resetInMs: Math.max(0, stored.resetAt - now),
    };
    if (expired) {
      logger.debug(
        "Identify queue: the session start budget had expired in Redis; stored again ({remaining} of {total} left, reset in {resetInMs} ms)",
        properties,
      );
      return;
    }
    visible.warn(
      "Identify queue: the session start budget is gone from Redis (restarted without persistence, failed over, or the key deleted); written again from what this process knew: {remaining} of {total} left, reset in {resetInMs} ms. Session starts other processes used since this one last heard are not counted.",
      properties,
    );
  }

  /**
   * Take a new `max_concurrency`: the grants remembered per bucket belong
   * to the old layout, so they become the floor written back after a loss.
   * (Redis raises the shared floor when an attempt brings the new layout.)
   */
  #changeLayout(maxConcurrency: number): void {
    for (const at of this.#lastGrants.values()) {
      this.#oldLayoutFree = Math.max(
        this.#oldLayoutFree,
        at + this.#intervalMs,
      );
    }
    this.#lastGrants.clear();
    this.#maxConcurrency = maxConcurrency;
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
          { livenessMs: this.#livenessMs, message: errorText(error) },
        );
      });
  }

  #key(name: string): string {
    return `${this.#prefix}:${name}`;
  }

  #nowArg(): string {
    return this.#useSchedulerClock ? String(this.#scheduler.now()) : "";
  }
}
