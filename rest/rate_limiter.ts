/**
 * Discord's HTTP rate limits: per-route buckets learned from the
 * `X-RateLimit-*` headers, the global limits (the bot's and the IP's), and
 * 429 pauses.
 *
 * The {@linkcode RateLimiter} knows nothing about HTTP: it queues jobs per
 * bucket, decides when each may be sent, and reads the {@linkcode RateLimitInfo}
 * each attempt reports back. All waiting goes through the injected
 * {@linkcode Scheduler}.
 *
 * @module
 */
import { onAbort } from "../base/abort_fanout.ts";
import { Fifo } from "../base/fifo.ts";
import { ForwardClock } from "../base/forward_clock.ts";
import {
  clampTimerDelay,
  realScheduler,
  type Scheduler,
} from "../base/scheduler.ts";
import {
  type GlobalScope,
  routeGlobalScope,
  routeHashKey,
  type RouteInfo,
} from "./routes.ts";
import type {
  AttemptResult,
  BucketState,
  JobChecks,
  RateLimiterEvent,
  RateLimiterOptions,
  RateLimitInfo,
  RateLimitView,
} from "./rate_limit_headers.ts";
import { CloudflarePause } from "./invalid_requests.ts";
import {
  asked,
  assertGlobalLimits,
  type Bucket,
  globalAvailableAt,
  type GlobalWindow,
  globalWindowOf,
  heldUntil,
  type Job,
  type Lane,
  laneId,
} from "./_limiter_queue.ts";
import { type KeptBucket, MIN_SWEEP_AT, sweepBuckets } from "./_bucket_cap.ts";
import { applyAnswer } from "./_bucket_window.ts";
import { headLane, insertBySeq } from "./_lane_order.ts";

// The read-only view of a limiter, its options and what it and its jobs
// tell each other live with what answers say of limits.
export { CLOUDFLARE_REPORT_INTERVAL } from "./rate_limit_headers.ts";
export { MAX_HELD_RESET } from "./_bucket_window.ts";
export type {
  AttemptResult,
  BucketState,
  JobChecks,
  RateLimiterEvent,
  RateLimiterOptions,
  RateLimitView,
} from "./rate_limit_headers.ts";

/** Requests per second Discord allows an IP without authorization. */
export const IP_GLOBAL_LIMIT = 50;

/**
 * Added to a global window's send time under the real clock, which reads
 * whole milliseconds rounded down: the time rounded up, so that the slot
 * reopens 1 s after the request really left, not up to 1 ms before (bursts
 * of dozens within one millisecond put up to 68 requests into some real
 * second). Under another scheduler its time is taken as exact.
 */
const REAL_CLOCK_SLACK = 1;

/**
 * Route keys whose bucket hash is kept; past this the hash least recently
 * answered is forgotten. Keys leave out the major id
 * (`routeHashKey` in `routes.ts`), so a bot's count is that of the routes it
 * uses (a few hundred), not of the channels it writes to: only paths with
 * free-form segments reach it. At the global limit of 50 requests a second, a
 * forgotten route has been quiet for over 200 s, its bucket's window long
 * over: it learns its hash again on its next answer.
 */
export const MAX_ROUTE_HASHES = 10_000;

/**
 * Queues requests per rate-limit bucket and sends them when Discord's limits
 * allow.
 *
 * - Each route key, without its major id (`routeHashKey` in `routes.ts`), maps
 *   to a bucket hash once a response names one (`X-RateLimit-Bucket`), for
 *   every major parameter; routes with the same hash and major parameter
 *   share one bucket. Before that, each route key (with its major
 *   parameter) is its own bucket. The hashes of the
 *   {@linkcode MAX_ROUTE_HASHES} route keys answered last are kept, and at
 *   most 10,000 buckets, idle ones forgotten first (`sweepBuckets` in
 *   `_bucket_cap.ts`).
 * - When a route's hash is learned or changes, its waiting jobs follow it to
 *   the new bucket, keeping their order (in O(1), however many wait). Its
 *   jobs on other major parameters follow with their own first answer;
 *   when the hash changed, their buckets meanwhile ask one request at a
 *   time (after their window, if spent), not the old hash's count.
 * - Within a bucket jobs leave strictly in FIFO order. While `remaining` is
 *   unknown only one job is in flight; with `remaining` known, up to
 *   `remaining` jobs go out at once; at 0 the bucket waits for the reset,
 *   however far Discord put it, and a job that cannot wait so long fails
 *   unsent (see {@linkcode JobChecks.waitRefusal}) instead of being sent
 *   into a window still closed.
 * - Two global limits (default 50 in any second each) and a global 429 hold
 *   back the requests under them ({@linkcode GlobalScope}): the bot's, sent
 *   with the bot token; the IP's, sent without authorization (webhooks with
 *   their token). Interaction endpoints wait for neither.
 * - A 429 of Cloudflare's (a failure whose `rateLimit.scope` is
 *   `cloudflare`: the IP is restricted) pauses every job, interaction
 *   endpoints too, for its `retryAfter`; a job that cannot wait (see
 *   {@linkcode JobChecks.waitsForCloudflare}) fails meanwhile. After the
 *   pause one job goes first and the others wait for its answer, so a
 *   restriction still on gets one request per pause, not every one queued;
 *   answered by Cloudflare again, the jobs held fail (see
 *   {@linkcode JobChecks.cloudflareRefusal}), so none waits more than one
 *   pause and the queue does not grow for as long as the restriction lasts.
 * - A job its {@linkcode JobChecks} refuse fails unsent, taking neither a
 *   global slot nor its bucket's `remaining`.
 * - An answer's `remaining` is never taken above its `limit`. When it maps
 *   the route to another bucket, the requests still in flight from the
 *   one it was sent from count against what it says remains (they may be
 *   in the same window).
 * - A retry goes back to the head of its bucket, in arrival order among
 *   retries: sent in order, though requests in flight together may be
 *   applied in another, a retried one after those sent while it waited. A
 *   retry `aside` (a 429 of its own: a sublimit, a shared resource) holds
 *   only its lane meanwhile (its route on its major parameter: a channel's
 *   renames and topic edits, its reactions), the bucket's other lanes (the
 *   channel's permission overwrites) going on: within a lane jobs still
 *   leave in order, a later edit never before an earlier one's retry.
 * - Under the real scheduler waits are measured on the runtime's monotonic
 *   clock, which NTP does not step (it steps `Date.now`): a wall clock set
 *   back neither holds a bucket's reset, the global window nor a global
 *   pause for the size of the step, and set back and forward again ends
 *   none of them early. Under another scheduler a step back counts as no
 *   time passed (see `ForwardClock` in `base/forward_clock.ts`).
 *
 * @example Two jobs on one route, the first teaching the bucket
 * ```ts
 * import { parseRoute } from "./routes.ts";
 * import { RateLimiter } from "./rate_limiter.ts";
 * import { VirtualScheduler } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const clock = new VirtualScheduler();
 * const limiter = new RateLimiter({ scheduler: clock });
 * const route = parseRoute("POST", "/channels/1/messages");
 * const sent: number[] = [];
 * const send = () => {
 *   sent.push(clock.now());
 *   // One request per 2 s window, and this one used it up.
 *   return Promise.resolve({
 *     type: "success" as const,
 *     value: "ok",
 *     rateLimit: { bucket: "h", limit: 1, remaining: 0, resetAfter: 2000 },
 *   });
 * };
 * const results = Promise.all([limiter.schedule(route, send), limiter.schedule(route, send)]);
 * await clock.advance(2000);
 * assert.deepEqual(await results, ["ok", "ok"]);
 * assert.deepEqual(sent, [0, 2000]);
 * ```
 */
export class RateLimiter implements RateLimitView {
  #scheduler: Scheduler;
  #globalWindow: number;
  /** Added to each global send time: see {@linkcode REAL_CLOCK_SLACK}. */
  #sendSlack: number;
  #onEvent: ((event: RateLimiterEvent) => void) | undefined;
  #hashes = new Map<string, string>();
  #buckets = new Map<string, KeptBucket>();
  #lanes = new Map<string, Lane>();
  /**
   * The lanes of each route-hash key (`routeHashKey`), on every major
   * parameter, whose buckets' counts were taken under its current hash:
   * when it changes, those counts are in doubt (`#forgetCounts`).
   */
  #routeLanes = new Map<string, Set<Lane>>();
  #seq = 0;
  /** Bucket count at which idle buckets are next swept (see `#bucketFor`). */
  #sweepAt = MIN_SWEEP_AT;
  #bot: GlobalWindow;
  #ip: GlobalWindow;
  /** A 429 of Cloudflare's holds every job (on `#clock`). */
  #cloudflare = new CloudflarePause<Job>();
  /**
   * Buckets whose head job its `hold` check kept, in the order they were
   * held: pumped at each answer.
   */
  #held = new Set<Bucket>();
  /**
   * Every reset, window and pause is kept on this clock: a wall clock set
   * back counts as no time passed, not as the size of the step to wait.
   */
  readonly #clock: ForwardClock;

  /**
   * Create a rate limiter with no buckets learned yet.
   *
   * @param options The scheduler and the global limit.
   */
  constructor(options: RateLimiterOptions) {
    const globalLimit = options.globalLimit ?? 50;
    const ipGlobalLimit = options.ipGlobalLimit ?? IP_GLOBAL_LIMIT;
    const globalWindow = options.globalWindow ?? 1000;
    assertGlobalLimits({ globalLimit, ipGlobalLimit }, globalWindow);
    this.#scheduler = options.scheduler;
    this.#clock = new ForwardClock(options.scheduler);
    this.#sendSlack = options.scheduler.now === realScheduler.now
      ? REAL_CLOCK_SLACK
      : 0;
    this.#bot = globalWindowOf(globalLimit);
    this.#ip = globalWindowOf(ipGlobalLimit);
    this.#globalWindow = globalWindow;
    this.#onEvent = options.onEvent;
  }

  /**
   * Queue `attempt` on the bucket of `route` and run it (again, for retries)
   * when the limits allow.
   *
   * @typeParam T The job's result.
   * @param route The parsed route ({@linkcode parseRoute}).
   * @param attempt Sends the request once and says how it went.
   * @param signal Removes the job from its queue when aborted (the promise
   * rejects with the signal's reason); an attempt in flight sees the signal
   * itself.
   * @param global The global limit it counts against (see
   * {@linkcode routeGlobalScope} for the default).
   * @param checks What fails it unsent.
   * @returns The `value` of the first `success`, or the `error` of a
   * `failure` or a refusal.
   */
  schedule<T>(
    route: RouteInfo,
    attempt: () => Promise<AttemptResult<T>>,
    signal?: AbortSignal,
    global: GlobalScope = routeGlobalScope(route),
    checks: JobChecks = {},
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const job: Job = {
        route,
        global,
        attempt: attempt as () => Promise<AttemptResult<unknown>>,
        checks,
        resolve: resolve as (value: unknown) => void,
        reject,
        signal,
        unlisten: undefined,
        notBefore: -Infinity,
        aside: false,
        seq: this.#seq++,
        lane: undefined,
      };
      // One listener per signal, not per job: an app's one shutdown
      // signal passed to every call made queueing quadratic.
      if (signal) job.unlisten = onAbort(signal, () => this.#abort(job));
      this.#enqueue(job, false);
    });
  }

  /**
   * The bucket hash learned for a route key, if any: learned from any
   * major parameter's answer (`routeHashKey` in `routes.ts`).
   *
   * @param routeKey A {@linkcode RouteInfo.key}.
   * @returns The hash from `X-RateLimit-Bucket`, or `undefined`.
   */
  bucketHash(routeKey: string): string | undefined {
    return this.#hashes.get(routeHashKey(routeKey));
  }

  /**
   * The state of the bucket a route currently uses, if it has one.
   *
   * @param route The parsed route.
   * @returns A snapshot, or `undefined` when no bucket is kept for it.
   */
  bucketState(route: RouteInfo): BucketState | undefined {
    const bucket = this.#lanes.get(laneId(route))?.bucket ??
      this.#buckets.get(this.#bucketId(route));
    if (!bucket) return undefined;
    return {
      id: bucket.id,
      queued: bucket.queued,
      inFlight: bucket.inFlight,
      limit: bucket.limit,
      remaining: bucket.remaining,
      resetAt: bucket.resetAt === undefined
        ? undefined
        : this.#clock.toScheduler(bucket.resetAt),
    };
  }

  /** Until when (scheduler time) a global 429 pauses requests with the bot token; `-Infinity` when not paused. */
  get globalPausedUntil(): number {
    return this.#clock.toScheduler(this.#bot.pausedUntil);
  }

  /** Until when (scheduler time) a global 429 pauses requests without authorization; `-Infinity` when not paused. */
  get ipGlobalPausedUntil(): number {
    return this.#clock.toScheduler(this.#ip.pausedUntil);
  }

  /** Until when (scheduler time) a 429 of Cloudflare's pauses every request; `-Infinity` when not paused. */
  get cloudflarePausedUntil(): number {
    return this.#clock.toScheduler(this.#cloudflare.until);
  }

  /**
   * Ask every queued job, in every bucket and wherever in its queue, its
   * `refuse` check as if it were about to be sent, and fail at once those
   * it refuses: for when a refusal starts to apply (a rejected token, a
   * webhook gone, the invalid-request cap reached), which otherwise
   * reached a job waiting on another bucket only at its turn. O(jobs
   * queued): for that rare moment, not for every answer.
   */
  recheck(): void {
    for (const bucket of [...this.#buckets.values()]) {
      if (bucket.queued === 0) continue;
      for (const lane of [...bucket.lanes]) {
        // Each job once around the queue, those kept in order; taken out
        // here, as `#dequeue`'s removal from the middle is O(queue).
        for (let n = lane.queue.length; n > 0; n--) {
          const job = lane.queue.shift()!;
          const refused = asked(() => job.checks.refuse?.(true));
          if (refused === undefined) {
            lane.queue.push(job);
            continue;
          }
          job.lane = undefined;
          bucket.queued--;
          this.#settle(job);
          job.reject(refused);
        }
        if (lane.queue.length === 0) this.#dropLane(lane);
      }
      this.#pump(bucket);
    }
  }

  /** The global limit a scope is under, if any. */
  #globalOf(scope: GlobalScope): GlobalWindow | undefined {
    return scope === "bot" ? this.#bot : scope === "ip" ? this.#ip : undefined;
  }

  #bucketId(route: RouteInfo): string {
    const hash = this.#hashes.get(routeHashKey(route.key));
    return hash === undefined
      ? `route:${route.key}|${route.majorParameter}`
      : `${hash}:${route.majorParameter}`;
  }

  #bucketFor(route: RouteInfo): Bucket {
    const id = this.#bucketId(route);
    let bucket = this.#buckets.get(id);
    if (!bucket) {
      const hashKey = routeHashKey(route.key);
      bucket = {
        id,
        hash: this.#hashes.get(hashKey),
        hashKey,
        lanes: [],
        queued: 0,
        inFlight: 0,
        limit: undefined,
        remaining: undefined,
        resetAt: undefined,
        timer: undefined,
        timerAt: Infinity,
      };
      if (this.#buckets.size >= this.#sweepAt) {
        const now = this.#clock.now();
        this.#sweepAt = sweepBuckets(this.#buckets, this.#hashes, now);
      }
      this.#buckets.set(id, bucket);
    }
    return bucket;
  }

  /**
   * Queue a job in its route's lane: at the tail, or at the head for a
   * retry (after older retries: it keeps its place in the order).
   */
  #enqueue(job: Job, atHead: boolean): void {
    const id = laneId(job.route);
    let lane = this.#lanes.get(id);
    if (!lane) {
      const bucket = this.#bucketFor(job.route);
      const hashKey = routeHashKey(job.route.key);
      lane = { id, hashKey, queue: new Fifo(), bucket };
      bucket.lanes.push(lane);
      this.#lanes.set(id, lane);
      this.#indexLane(lane);
    }
    if (atHead) insertBySeq(lane.queue, job);
    else lane.queue.push(job);
    job.lane = lane;
    lane.bucket.queued++;
    this.#pump(lane.bucket);
  }

  /** Take a job out of its lane (sent, or aborted); drop the lane once empty. */
  #dequeue(job: Job): void {
    const lane = job.lane!;
    if (lane.queue.peek() === job) lane.queue.shift();
    else lane.queue.remove(job);
    job.lane = undefined;
    lane.bucket.queued--;
    if (lane.queue.length === 0) this.#dropLane(lane);
  }

  /** Forget an emptied lane. */
  #dropLane(lane: Lane): void {
    this.#detach(lane);
    this.#lanes.delete(lane.id);
    const lanes = this.#routeLanes.get(lane.hashKey);
    lanes?.delete(lane);
    if (lanes?.size === 0) this.#routeLanes.delete(lane.hashKey);
  }

  #detach(lane: Lane): void {
    const lanes = lane.bucket.lanes;
    lanes.splice(lanes.indexOf(lane), 1);
  }

  #abort(job: Job): void {
    const lane = job.lane;
    if (!lane) return; // in flight: the attempt sees the signal
    this.#dequeue(job);
    job.reject(job.signal?.reason);
    this.#pump(lane.bucket);
  }

  #settle(job: Job): void {
    job.unlisten?.();
    job.unlisten = undefined;
  }

  /**
   * What refuses a job, if anything: its own check, or, at the head of its
   * queue, a Cloudflare pause it cannot wait out.
   */
  #refusal(job: Job, now: number, sending: boolean): unknown {
    const { refuse, cloudflareRefusal, waitsForCloudflare } = job.checks;
    const refused = asked(() => refuse?.(sending));
    const pausedFor = this.#cloudflare.until - now;
    return refused !== undefined || sending || pausedFor <= 0 ||
        waitsForCloudflare !== false
      ? refused
      : asked(() => cloudflareRefusal?.(pausedFor));
  }

  /** Fail a queued job unsent: nothing of its bucket's or global taken. */
  #refuse(job: Job, error: unknown): void {
    this.#dequeue(job);
    this.#settle(job);
    job.reject(error);
  }

  /**
   * Send whatever may be sent now; otherwise arm one timer for when it may.
   * Returns whether it stopped at a job its `hold` check kept.
   */
  #pump(bucket: Bucket): boolean {
    const now = this.#clock.now();
    let wakeAt = Infinity;
    let held = false;
    while (bucket.queued > 0) {
      if (bucket.resetAt !== undefined && now >= bucket.resetAt) {
        // The window is over: a full one starts (its end is learned anew).
        bucket.remaining = bucket.limit;
        bucket.resetAt = undefined;
      }
      const lane = headLane(bucket, now);
      if (typeof lane === "number") {
        wakeAt = lane; // every lane waits behind a retry aside
        break;
      }
      const job = lane.queue.peek()!;
      // Refused before it waits (a dead webhook, a rejected token, a
      // callback in a Cloudflare pause): the next one's turn, at once.
      const refused = this.#refusal(job, now, false);
      if (refused !== undefined) {
        this.#refuse(job, refused);
        continue;
      }
      if (bucket.remaining === undefined && bucket.inFlight > 0) break;
      if (bucket.remaining !== undefined && bucket.remaining <= 0) {
        if (bucket.resetAt !== undefined) {
          // Sent before the reset it would only be answered 429: one that
          // cannot wait so long fails now, unsent.
          const waitFor = bucket.resetAt - now;
          const tooLong = asked(() => job.checks.waitRefusal?.(waitFor));
          if (tooLong !== undefined) {
            this.#refuse(job, tooLong);
            continue;
          }
          wakeAt = bucket.resetAt;
          break;
        }
        if (bucket.inFlight > 0) break; // a response will tell the reset
        bucket.remaining = undefined; // no reset known: ask once
      }
      if (job.notBefore > now) {
        wakeAt = job.notBefore;
        break;
      }
      if (this.#cloudflare.until > now) {
        wakeAt = this.#cloudflare.until;
        break;
      }
      // After a pause the first job's answer tells whether the IP is still
      // restricted; the others wait for it (`#finish` pumps them).
      const probing = this.#cloudflare.probeDue &&
        job.checks.waitsForCloudflare !== false;
      if (probing && this.#cloudflare.probe !== undefined) break;
      const global = this.#globalOf(job.global);
      const globalAt = global
        ? globalAvailableAt(global, now, this.#globalWindow)
        : now;
      if (globalAt > now) {
        wakeAt = globalAt;
        break;
      }
      const refusedNow = this.#refusal(job, now, true);
      if (refusedNow !== undefined) {
        this.#refuse(job, refusedNow);
        continue;
      }
      if (asked(() => job.checks.hold?.()) === true) {
        // Pumped again at the next answer; refused once it may wait held
        // no longer (a callback's 3 s).
        const until = heldUntil(job, now);
        if (typeof until !== "number") {
          this.#refuse(job, until.refusal);
          continue;
        }
        wakeAt = until;
        this.#held.add(bucket);
        held = true;
        break;
      }
      if (probing) this.#cloudflare.probe = job;
      this.#dequeue(job);
      if (bucket.remaining !== undefined) bucket.remaining--;
      bucket.inFlight++;
      this.#send(bucket, job);
      // Counted from once the attempt has started (the client's calls
      // fetch() before it first awaits), read then: a burst takes time to
      // send, and counted from its start (`now`) its last sends' slots
      // reopened early.
      global?.sent.push(this.#clock.now() + this.#sendSlack);
    }
    this.#arm(bucket, wakeAt);
    if (
      bucket.queued === 0 && bucket.inFlight === 0 &&
      (bucket.resetAt === undefined || now >= bucket.resetAt) &&
      this.#buckets.get(bucket.id) === bucket
    ) {
      // Idle and its window is over: nothing worth remembering but the hash.
      this.#buckets.delete(bucket.id);
    }
    return held;
  }

  #arm(bucket: Bucket, at: number): void {
    if (bucket.timer !== undefined && bucket.timerAt === at) return;
    if (bucket.timer !== undefined) {
      this.#scheduler.clearTimeout(bucket.timer);
      bucket.timer = undefined;
      bucket.timerAt = Infinity;
    }
    if (at === Infinity) return;
    bucket.timerAt = at;
    const armedAt = this.#clock.now();
    // The time the timer measures: a runtime timer holds 2^31 - 1 ms at most.
    const delay = clampTimerDelay(at - armedAt);
    bucket.timer = this.#scheduler.setTimeout(() => {
      bucket.timer = undefined;
      bucket.timerAt = Infinity;
      this.#clock.reached(armedAt + delay);
      this.#pump(bucket);
    }, delay);
  }

  #send(bucket: Bucket, job: Job): void {
    let outcome: Promise<AttemptResult<unknown>>;
    try {
      outcome = job.attempt();
    } catch (error) {
      outcome = Promise.resolve({ type: "failure", error });
    }
    outcome.then(
      (result) => this.#finish(bucket, job, result),
      (error) => this.#finish(bucket, job, { type: "failure", error }),
    );
  }

  #finish(sentFrom: Bucket, job: Job, result: AttemptResult<unknown>): void {
    sentFrom.inFlight--;
    const now = this.#clock.now();
    const info = result.rateLimit;
    let bucket = sentFrom;
    /** Buckets a lane left, to pump (or drop, when idle). */
    const left: Bucket[] = [];
    let pauseExtended = false;
    const cloudflare = info?.scope === "cloudflare";
    const probed = this.#cloudflare.settled(
      job,
      now,
      info !== undefined,
      cloudflare,
    );
    if (cloudflare && info.retryAfter !== undefined) {
      const pause = this.#cloudflare.extend(now, info.retryAfter);
      pauseExtended = pause !== "same";
      if (pause === "report") {
        const duration = info.retryAfter;
        this.#onEvent?.({
          type: "cloudflare_pause",
          duration,
          route: job.route.key,
        });
      }
      if (probed) this.#failHeld(now);
    } else if (info?.scope === "global" && info.retryAfter !== undefined) {
      // The limit of the request's own scope: a webhook's 429 is the IP's,
      // not the bot's. An exempt request's (an interaction endpoint's) holds
      // back only itself, by its retry's delay.
      const global = this.#globalOf(job.global);
      if (global) {
        pauseExtended = now + info.retryAfter > global.pausedUntil;
        if (pauseExtended) global.pausedUntil = now + info.retryAfter;
        this.#onEvent?.({
          type: "global_pause",
          duration: info.retryAfter,
          scope: job.global,
        });
      }
    } else if (info) {
      bucket = this.#learn(job.route, sentFrom, info, left);
      // Sent from another bucket (the route's hash changed): those still
      // in flight from it may count against this window too.
      const carried = bucket === sentFrom ? 0 : sentFrom.inFlight;
      applyAnswer(bucket, info, now, result.type === "success", carried);
    }

    if (result.type === "retry" && job.signal?.aborted) {
      // Aborted while the attempt was in flight (its listener leaves that
      // to fetch): not queued again to wait out the retry's delay.
      this.#settle(job);
      job.reject(job.signal.reason);
    } else if (result.type === "retry") {
      job.notBefore = now + Math.max(0, result.delay);
      job.aside = result.aside === true;
      this.#enqueue(job, true);
    } else {
      this.#settle(job);
      if (result.type === "success") job.resolve(result.value);
      else job.reject(result.error);
    }
    for (const other of left) if (other !== bucket) this.#pump(other);
    if (bucket !== sentFrom) this.#pump(sentFrom);
    this.#pump(bucket);
    // In the order held (copying, or asking all, per answer was O(held)):
    // held again after sending, a bucket goes to the back (a busy one took
    // every freed place before those held earlier); having sent none, not.
    for (const other of this.#held) {
      const before = other.inFlight;
      if (this.#pump(other)) {
        const sent = other.inFlight > before;
        if (sent && this.#held.delete(other)) this.#held.add(other);
        break;
      }
      this.#held.delete(other);
    }
    if (pauseExtended || probed) {
      // Everyone waits for the pause now; re-arm their timers. Only for a
      // 429 that moved the pause's end: Discord sends the scope on 429s
      // alone, and rescanning for any answer naming it (a 200 too) took
      // 7.1 s for 16,000 answers over 16,000 waiting buckets. Or the first
      // job after a Cloudflare pause was answered: the others held for it
      // have no timer.
      for (const other of [...this.#buckets.values()]) {
        if (other !== bucket && other.queued > 0) this.#pump(other);
      }
    }
  }

  /**
   * The first job after a Cloudflare pause was answered by Cloudflare
   * again: the jobs held fail (by their `cloudflareRefusal`), from the head
   * of each queue, rather than wait through one pause after another.
   */
  #failHeld(now: number): void {
    const pausedFor = this.#cloudflare.until - now;
    for (const bucket of [...this.#buckets.values()]) {
      for (const lane of [...bucket.lanes]) {
        while (lane.queue.length > 0) {
          const job = lane.queue.peek()!;
          const error = asked(() => job.checks.cloudflareRefusal?.(pausedFor));
          if (error === undefined) break;
          this.#refuse(job, error);
        }
      }
    }
  }

  /**
   * Record the route's bucket hash and return the bucket it names. The
   * route's waiting jobs follow as one lane, in O(1) however many they are;
   * a bucket the lane left goes into `left`.
   */
  #learn(
    route: RouteInfo,
    sentFrom: Bucket,
    info: RateLimitInfo,
    left: Bucket[],
  ): Bucket {
    if (info.bucket === undefined) return sentFrom;
    const key = routeHashKey(route.key);
    const known = this.#hashes.get(key);
    // Deleted first so that the key moves to the end: the Map's order is
    // then least recently answered first, and the first key is evicted.
    if (known !== undefined) this.#hashes.delete(key);
    this.#hashes.set(key, info.bucket);
    if (this.#hashes.size > MAX_ROUTE_HASHES) {
      this.#hashes.delete(this.#hashes.keys().next().value!);
    }
    if (known !== info.bucket) {
      this.#onEvent?.({
        type: "bucket_learned",
        route: route.key,
        bucket: info.bucket,
      });
    }
    const target = this.#bucketFor(route);
    const lane = this.#lanes.get(laneId(route));
    if (lane && lane.bucket !== target) {
      const from = lane.bucket;
      this.#detach(lane);
      from.queued -= lane.queue.length;
      lane.bucket = target;
      target.lanes.push(lane);
      target.queued += lane.queue.length;
      left.push(from);
    }
    if (known !== undefined && known !== info.bucket) {
      this.#forgetCounts(key, lane);
    }
    if (lane) this.#indexLane(lane);
    return target;
  }

  /** Keep a lane among those of its route-hash key (see `#routeLanes`). */
  #indexLane(lane: Lane): void {
    let lanes = this.#routeLanes.get(lane.hashKey);
    if (!lanes) this.#routeLanes.set(lane.hashKey, lanes = new Set());
    lanes.add(lane);
  }

  /**
   * The route's hash changed: it holds on every major parameter, but the
   * queues of the others wait on the old hash's buckets, and at a reset
   * went with the old count (5 at once) into a bucket never asked (of 2).
   * Their buckets ask one request at a time instead (from their reset, if
   * spent), those in flight waited for, until an answer tells a count
   * again (and moves the lane). Each lane once until its own answer: a
   * peer alternating the hash costs O(1) a lane, not one per answer. The
   * lane answered is in the bucket the answer tells of.
   */
  #forgetCounts(hashKey: string, answered: Lane | undefined): void {
    const lanes = this.#routeLanes.get(hashKey);
    if (!lanes) return;
    for (const lane of lanes) {
      if (lane === answered) continue;
      const stale = lane.bucket;
      stale.limit = undefined;
      if (stale.remaining !== undefined && stale.remaining > 0) {
        stale.remaining = undefined;
      }
    }
    this.#routeLanes.delete(hashKey);
  }
}
