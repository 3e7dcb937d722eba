/**
 * Pacing of IDENTIFY: Discord accepts `max_concurrency` IDENTIFYs per 5 s,
 * one per bucket `shard_id % max_concurrency`, and only as many new sessions
 * a day as `session_start_limit` allows. Shards ask an
 * {@linkcode IdentifyQueue} before they identify; {@linkcode MemoryIdentifyQueue}
 * is the in-process implementation.
 *
 * @module
 */
import { ForwardClock } from "../base/forward_clock.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import {
  realScheduler,
  type Scheduler,
  type TimerId,
} from "../base/scheduler.ts";
import { assertShardId } from "./saved_session.ts";
import { BinaryHeap } from "../base/binary_heap.ts";
import { checkOptionKeys, optionKeys } from "../base/option_keys.ts";
import {
  assertObjectOption,
  assertSchedulerOption,
  shownQuoted,
} from "../base/option_checks.ts";

// Shards held for hours by a spent budget are something to act on (start()
// looks hung otherwise): shown on stderr unless LogTape is set up.
const visible = getVisibleLogger(["disruption", "gateway", "identify_queue"]);

/**
 * Discord's session start window. After a reset the budget is `total` again
 * and the next reset is assumed this long after the refill, until
 * {@linkcode MemoryIdentifyQueue.updateSessionStartLimit} says otherwise.
 */
const SESSION_START_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The `session_start_limit` object of `GET /gateway/bot`. */
export interface SessionStartLimit {
  /** Session starts (IDENTIFYs) allowed in the current window. */
  total: number;
  /** Session starts left in the current window. */
  remaining: number;
  /** Milliseconds until the window resets. */
  reset_after: number;
  /** IDENTIFYs allowed per 5 s (one per bucket). */
  max_concurrency: number;
}

/**
 * Decides when a shard may send IDENTIFY. Implement it to share the budget
 * between processes (a Redis lock, a broker): a shard only calls
 * {@linkcode IdentifyQueue.acquire}; a `ShardManager` also hands it
 * Discord's session start limit through
 * {@linkcode IdentifyQueue.updateSessionStartLimit} when it has that method.
 */
export interface IdentifyQueue {
  /**
   * Wait until shard `shardId` may send IDENTIFY; each resolved call uses up
   * one IDENTIFY.
   *
   * @param shardId The shard that wants to identify.
   * @param signal Gives up waiting; the promise rejects with its reason.
   * @returns A promise that resolves when the shard may identify. One that
   * rejects otherwise (the queue failed) sends nothing: the shard reports a
   * `GatewayError` `identify_queue` and reconnects to ask again.
   */
  acquire(shardId: number, signal?: AbortSignal): Promise<void>;
  /**
   * Take Discord's session start limit (`session_start_limit` of
   * `GET /gateway/bot`) and its `max_concurrency`. A `ShardManager` calls
   * it once, at construction, with its `sessionStartLimit` option (which
   * the `Client` fills from `GET /gateway/bot`). Implement it so the daily
   * budget and the bucket count reach the queue: a manager given a
   * `sessionStartLimit` refuses a queue without it (a `TypeError`), and the
   * `Client` then warns that the queue must keep to the limit by itself
   * (Discord resets the token of a bot that starts too many sessions).
   *
   * @param limit The limit, as Discord sent it.
   * @returns Nothing, or a promise that settles once the limit is stored
   * (a shared store); a rejection is logged as a warning, as shards may then
   * identify past the budget.
   * @throws {RangeError} When a field is out of range (what
   * {@linkcode MemoryIdentifyQueue.updateSessionStartLimit} throws): the
   * manager's constructor throws it on.
   */
  updateSessionStartLimit?(limit: SessionStartLimit): void | Promise<void>;
}

/** Options for {@linkcode MemoryIdentifyQueue}. */
export interface MemoryIdentifyQueueOptions {
  /**
   * IDENTIFYs allowed per interval, one per bucket
   * `shardId % maxConcurrency`. `sessionStartLimit.max_concurrency` takes
   * precedence when given.
   *
   * @default {1}
   */
  maxConcurrency?: number;
  /**
   * Milliseconds between two grants of the same bucket: Discord's 5 s plus
   * room for an IDENTIFY leaving a little after its grant, or taking longer
   * to arrive than the one before (granted 5 s apart, IDENTIFYs reached a
   * strict gateway in 4,997 ms, and the later one was refused with op 9).
   *
   * @default {5250}
   */
  intervalMs?: number;
  /**
   * The clock for the waits.
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
  /**
   * The daily budget, e.g. from `GET /gateway/bot`. Without it the queue
   * only paces buckets and never runs out.
   */
  sessionStartLimit?: SessionStartLimit;
}

/** Every key of {@linkcode MemoryIdentifyQueueOptions}. */
const QUEUE_OPTION_KEYS = optionKeys(
  {
    maxConcurrency: true,
    intervalMs: true,
    scheduler: true,
    sessionStartLimit: true,
  } satisfies Record<keyof MemoryIdentifyQueueOptions, true>,
);

interface Waiter {
  readonly shardId: number;
  readonly seq: number;
  /** The bucket's grant count when it asked (see byShardThenArrival). */
  round: number;
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
  bucket: Bucket;
  /** Granted or given up: an aborted waiter stays queued until it is at the head. */
  settled: boolean;
}

interface Bucket {
  /**
   * The waiters, lowest shard ID first and then in request order (see
   * {@linkcode byShardThenArrival}); a given-up one is taken out at once.
   */
  readonly queue: BinaryHeap<Waiter>;
  /** Waiters in `queue` not given up. */
  waiting: number;
  /** Grants so far: the round a request joins. */
  grants: number;
  /** The earliest time this bucket may grant again. */
  nextAllowed: number;
  timer: TimerId | undefined;
}

/**
 * A bucket's order: by round (the requests that came between two grants),
 * then lowest shard ID first, as Discord asks bots to start shards ("shard
 * 0 to 15 concurrently, then 16 to 31"), then by request. Request order
 * alone let a shard whose HELLO came late (shard 0, 300 ms) go after every
 * shard of its bucket that asked meanwhile; shard order alone let low
 * shards that drop and ask again within an interval pass a higher one for
 * ever (measured: shard 15 never granted in an hour of shards 0-14 asking
 * again each minute). By round, a request is passed only by those of its
 * own round or earlier, a bounded number. A binary heap keeps each insert
 * O(log n) for a bucket of 1,000 shards and more (max_concurrency 1).
 */
function byShardThenArrival(a: Waiter, b: Waiter): number {
  return a.round - b.round || a.shardId - b.shardId || a.seq - b.seq;
}

interface Budget {
  total: number;
  remaining: number;
  resetAt: number;
}

/**
 * An in-memory {@linkcode IdentifyQueue} for the shards of one process.
 *
 * Each bucket (`shardId % maxConcurrency`) grants its waiting shards in
 * rounds (the requests made between two of its grants), each lowest ID
 * first, the first grant at once and then at most one per `intervalMs`;
 * buckets do not wait for each other. When a session start limit is known,
 * each grant uses
 * one of `remaining`; at `0` the queue waits until `reset_after` has passed
 * (with a warning on `["disruption", "gateway", "identify_queue"]`, shown on
 * stderr unless LogTape is configured) and never grants without budget.
 *
 * Waits are measured with the scheduler's timers, so a step of the wall
 * clock (NTP) neither holds a bucket for the size of the step (a bucket
 * never waits more than `intervalMs` for its turn) nor refills the budget
 * early while shards wait for its reset. A reset that passes while no shard
 * waits is read from the clock, as no timer runs then.
 *
 * @example Pace four shards with max_concurrency 1
 * ```ts
 * import { MemoryIdentifyQueue } from "@disruption/disruption/gateway";
 * import { VirtualScheduler } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const scheduler = new VirtualScheduler();
 * const queue = new MemoryIdentifyQueue({ scheduler });
 * const grants: number[] = [];
 * const all = [0, 1, 2, 3].map((shard) =>
 *   queue.acquire(shard).then(() => grants.push(scheduler.now()))
 * );
 * await scheduler.runAll();
 * await Promise.all(all);
 * // 5 s apart, and a margin (see `intervalMs`).
 * assert.deepEqual(grants, [0, 5250, 10500, 15750]);
 * ```
 *
 * @example Respect the session start limit
 * ```ts
 * import { MemoryIdentifyQueue } from "@disruption/disruption/gateway";
 * import { VirtualScheduler } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const scheduler = new VirtualScheduler();
 * const queue = new MemoryIdentifyQueue({
 *   scheduler,
 *   sessionStartLimit: { total: 1000, remaining: 0, reset_after: 60_000, max_concurrency: 1 },
 * });
 * let grantedAt = -1;
 * const granted = queue.acquire(0).then(() => grantedAt = scheduler.now());
 * await scheduler.runAll();
 * await granted;
 * assert.equal(grantedAt, 60_000);
 * assert.equal(queue.remaining, 999);
 * ```
 */
export class MemoryIdentifyQueue implements IdentifyQueue {
  #scheduler: Scheduler;
  /**
   * The budget's and buckets' clock: it never goes back, and under the
   * real scheduler it is the monotonic one, so a wall clock stepped forward
   * neither refills a spent budget (an IDENTIFY Discord has no session
   * start for resets the bot's token) nor lets an IDENTIFY out early.
   */
  readonly #clock: ForwardClock;
  #intervalMs: number;
  #maxConcurrency: number;
  #buckets = new Map<number, Bucket>();
  /** `nextAllowed` of buckets created from now on (raised by re-bucketing). */
  #floor = -Infinity;
  #budget: Budget | undefined;
  #resetTimer: TimerId | undefined;
  #seq = 0;
  /** Shards granted before (at most 65,536: see the rounds in acquire). */
  readonly #granted = new Set<number>();
  #pending = 0;

  /**
   * Create an empty queue.
   *
   * @param options Concurrency, interval, clock and session start limit.
   * @throws {TypeError} When `options` has a key that is not one of its
   * options (the message names the nearest one), `scheduler` is not a
   * Scheduler or `sessionStartLimit` is not an object.
   * @throws {RangeError} When `maxConcurrency` is not a positive integer,
   * `intervalMs` is not a non-negative finite number, or the session start
   * limit is malformed.
   */
  constructor(options: MemoryIdentifyQueueOptions = {}) {
    // A misspelt `maxConcurrency` would pace every shard in one bucket.
    checkOptionKeys("create identify queue", "", options, QUEUE_OPTION_KEYS);
    const {
      maxConcurrency = 1,
      intervalMs = 5_250, // see the option's doc
      scheduler = realScheduler,
      sessionStartLimit,
    } = options;
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
      throw new RangeError(
        `Cannot create identify queue as 'maxConcurrency' must be a positive integer: current value 'maxConcurrency=${
          shownQuoted(maxConcurrency)
        }'`,
      );
    }
    if (!Number.isFinite(intervalMs) || intervalMs < 0) {
      throw new RangeError(
        `Cannot create identify queue as 'intervalMs' must be a non-negative finite number: current value 'intervalMs=${
          shownQuoted(intervalMs)
        }'`,
      );
    }
    // Else the first acquire failed with "scheduler.now is not a function".
    assertSchedulerOption("identify queue", scheduler);
    // A falsy one (0, "", null) was read as "not set".
    assertObjectOption(
      "identify queue",
      "sessionStartLimit",
      sessionStartLimit,
    );
    this.#scheduler = scheduler;
    this.#clock = new ForwardClock(scheduler);
    this.#intervalMs = intervalMs;
    this.#maxConcurrency = maxConcurrency;
    if (sessionStartLimit !== undefined) {
      this.updateSessionStartLimit(sessionStartLimit);
    }
  }

  /** IDENTIFYs allowed per interval, i.e. the number of buckets. */
  get maxConcurrency(): number {
    return this.#maxConcurrency;
  }

  /**
   * Session starts left, or `undefined` when no session start limit is
   * known.
   */
  get remaining(): number | undefined {
    if (!this.#budget) return undefined;
    this.#refill(this.#clock.now());
    return this.#budget.remaining;
  }

  /**
   * Milliseconds until the session start budget resets (the `reset_after`
   * Discord would give now), or `undefined` when no session start limit is
   * known. 0 while shards wait for a reset that is due.
   */
  get resetAfter(): number | undefined {
    if (!this.#budget) return undefined;
    const now = this.#clock.now();
    this.#refill(now);
    return Math.max(0, this.#budget.resetAt - now);
  }

  /** How many {@linkcode MemoryIdentifyQueue.acquire} calls are waiting. */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Replace the session start limit with fresh numbers from Discord, and
   * take over its `max_concurrency`. Waiting shards are re-examined at once.
   *
   * @param limit The `session_start_limit` of `GET /gateway/bot`.
   * @throws {RangeError} When a field is not a non-negative integer (or
   * `max_concurrency` not a positive one).
   */
  updateSessionStartLimit(limit: SessionStartLimit): void {
    const { total, remaining, reset_after, max_concurrency } = limit;
    for (
      const [name, value] of [["total", total], [
        "remaining",
        remaining,
      ]] as const
    ) {
      if (!Number.isInteger(value) || value < 0) {
        throw new RangeError(
          `Cannot update session start limit as '${name}' must be a non-negative integer: current value '${name}=${
            shownQuoted(value)
          }'`,
        );
      }
    }
    if (!Number.isFinite(reset_after) || reset_after < 0) {
      throw new RangeError(
        `Cannot update session start limit as 'reset_after' must be a non-negative finite number: current value 'reset_after=${
          shownQuoted(reset_after)
        }'`,
      );
    }
    if (!Number.isInteger(max_concurrency) || max_concurrency < 1) {
      throw new RangeError(
        `Cannot update session start limit as 'max_concurrency' must be a positive integer: current value 'max_concurrency=${
          shownQuoted(max_concurrency)
        }'`,
      );
    }
    const now = this.#clock.now();
    this.#budget = { total, remaining, resetAt: now + reset_after };
    if (max_concurrency !== this.#maxConcurrency) {
      this.#rebucket(max_concurrency);
    }
    this.#clearResetTimer();
    this.#drainAll();
  }

  /**
   * Wait until shard `shardId` may send IDENTIFY.
   *
   * @param shardId The shard, a non-negative integer.
   * @param signal Gives up waiting: the promise rejects with the signal's
   * reason, nothing is used up and no timer is left behind.
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
    return new Promise<void>((resolve, reject) => {
      const bucket = this.#bucket(shardId % this.#maxConcurrency);
      // A shard asking for the first time joins the oldest round still
      // waiting, so one whose first connect failed still starts among the
      // first (it went last of 1,000, 5.4 min late); asking again, after a
      // grant, it joins the current round. Each shard is first once: bounded.
      const round = this.#granted.has(shardId)
        ? bucket.grants
        : this.#head(bucket)?.round ?? bucket.grants;
      const waiter: Waiter = {
        shardId,
        seq: this.#seq++,
        round,
        resolve,
        reject,
        signal,
        onAbort: () => this.#abort(waiter),
        bucket,
        settled: false,
      };
      bucket.queue.push(waiter);
      bucket.waiting++;
      this.#pending++;
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.#drain(bucket);
    });
  }

  #bucket(key: number): Bucket {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = {
        queue: new BinaryHeap(byShardThenArrival),
        waiting: 0,
        grants: 0,
        nextAllowed: this.#floor,
        timer: undefined,
      };
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  /** Grant as many of `bucket`'s waiters as the interval and budget allow. */
  #drain(bucket: Bucket): void {
    for (;;) {
      const head = this.#head(bucket);
      if (head === undefined) return;
      if (bucket.timer !== undefined) return; // waiting for the interval
      const now = this.#clock.now();
      if (now < bucket.nextAllowed) {
        bucket.timer = this.#scheduler.setTimeout(() => {
          bucket.timer = undefined;
          // The timer measured the wait: the bucket is free, whatever the
          // wall clock did meanwhile (stepped back, it would re-arm for the
          // size of the step).
          bucket.nextAllowed = -Infinity;
          this.#drain(bucket);
        }, bucket.nextAllowed - now);
        return;
      }
      if (!this.#take(now)) {
        this.#waitForReset(now, head.shardId);
        return;
      }
      bucket.queue.pop();
      head.settled = true;
      bucket.waiting--;
      this.#pending--;
      head.signal?.removeEventListener("abort", head.onAbort);
      bucket.nextAllowed = now + this.#intervalMs;
      bucket.grants++;
      this.#granted.add(head.shardId);
      head.resolve();
    }
  }

  /** The first waiter of `bucket` not given up (dropping those before it). */
  #head(bucket: Bucket): Waiter | undefined {
    let head = bucket.queue.peek();
    while (head?.settled) {
      bucket.queue.pop();
      head = bucket.queue.peek();
    }
    return head;
  }

  /** Drain every bucket, oldest request first. */
  #drainAll(): void {
    const waiting = [...this.#buckets.values()]
      .filter((bucket) => this.#head(bucket) !== undefined)
      .sort((a, b) => this.#head(a)!.seq - this.#head(b)!.seq);
    for (const bucket of waiting) this.#drain(bucket);
  }

  /** Use one session start if there is one; `false` when out of budget. */
  #take(now: number): boolean {
    const budget = this.#budget;
    if (!budget) return true;
    this.#refill(now);
    if (budget.remaining <= 0) return false;
    budget.remaining--;
    return true;
  }

  /**
   * Refill a budget whose reset time has passed on the clock, when no reset
   * timer is measuring the wait. While shards wait for the reset, only the
   * timer refills (see #waitForReset): a wall clock stepped forward would
   * otherwise refill the day's budget while Discord still has none left, and
   * an IDENTIFY without one resets the bot's token. With nobody waiting
   * there is no timer (it would keep the process alive for up to a day), so
   * the clock is all there is to go by.
   */
  #refill(now: number): void {
    const budget = this.#budget;
    if (!budget || this.#resetTimer !== undefined) return;
    // Discord's window is a day at most: a reset further off (a
    // reset_after over a day) is brought to a day.
    if (budget.resetAt - now > SESSION_START_WINDOW_MS) {
      budget.resetAt = now + SESSION_START_WINDOW_MS;
    }
    if (now >= budget.resetAt) this.#refillAt(now);
  }

  #refillAt(now: number): void {
    const budget = this.#budget!;
    budget.remaining = budget.total;
    budget.resetAt = now + SESSION_START_WINDOW_MS;
  }

  #waitForReset(now: number, shardId: number): void {
    if (this.#resetTimer !== undefined) return;
    const budget = this.#budget!;
    const waitMs = Math.max(0, budget.resetAt - now);
    visible.warn(
      "Session start limit exhausted ({total} per window): waiting {waitMs} ms for it to reset before shard {shardId} may identify",
      { waitMs, total: budget.total, shardId },
    );
    // The timer, not the clock, says when the window has passed.
    this.#resetTimer = this.#scheduler.setTimeout(() => {
      this.#resetTimer = undefined;
      this.#refillAt(this.#clock.now());
      this.#drainAll();
    }, waitMs);
  }

  #clearResetTimer(): void {
    if (this.#resetTimer === undefined) return;
    this.#scheduler.clearTimeout(this.#resetTimer);
    this.#resetTimer = undefined;
  }

  #abort(waiter: Waiter): void {
    if (waiter.settled) return;
    waiter.settled = true;
    const bucket = waiter.bucket;
    // Out of the queue now, not when it reaches the head: behind a head
    // that waits hours for the budget's reset, every reconnect's given-up
    // request stayed queued.
    bucket.queue.remove(waiter);
    bucket.waiting--;
    this.#pending--;
    if (bucket.waiting === 0 && bucket.timer !== undefined) {
      this.#scheduler.clearTimeout(bucket.timer);
      bucket.timer = undefined;
    }
    if (this.#pending === 0) this.#clearResetTimer();
    waiter.reject(waiter.signal?.reason);
  }

  /**
   * Move every waiter to the buckets of a new `maxConcurrency` (each
   * keeps its request's place in the order). New buckets may not grant before the latest pacing of any
   * old bucket, so a change never lets an IDENTIFY out early.
   */
  #rebucket(maxConcurrency: number): void {
    const waiters: Waiter[] = [];
    let floor = this.#floor;
    for (const bucket of this.#buckets.values()) {
      if (bucket.timer !== undefined) {
        this.#scheduler.clearTimeout(bucket.timer);
      }
      floor = Math.max(floor, bucket.nextAllowed);
      for (let waiter; (waiter = bucket.queue.pop()) !== undefined;) {
        if (!waiter.settled) waiters.push(waiter);
      }
    }
    this.#floor = floor;
    this.#maxConcurrency = maxConcurrency;
    this.#buckets.clear();
    for (const waiter of waiters) {
      const bucket = this.#bucket(waiter.shardId % maxConcurrency);
      waiter.bucket = bucket;
      // One round in the new buckets: lowest shard first, as at a start.
      waiter.round = 0;
      bucket.queue.push(waiter);
      bucket.waiting++;
    }
  }
}
