/**
 * What one response says about rate limits: its `X-RateLimit-*` headers
 * read into a {@linkcode RateLimitInfo} (the rate limiter reads no HTTP);
 * what the REST client shows of the limits it learnt
 * ({@linkcode RateLimitView}); and the rate limiter's options
 * ({@linkcode RateLimiterOptions}) and what it and its jobs tell each
 * other: how an attempt ended ({@linkcode AttemptResult}), what fails a
 * job unsent ({@linkcode JobChecks}) and what the limiter reports
 * ({@linkcode RateLimiterEvent}).
 *
 * @module
 */
import type { RateLimitScope } from "./errors.ts";
import type { Scheduler } from "../base/scheduler.ts";
import type { GlobalScope, RouteInfo } from "./routes.ts";

/** What one response said about rate limits (all times in milliseconds). */
export interface RateLimitInfo {
  /** `X-RateLimit-Bucket`: the bucket hash, shared by routes with one limit. */
  bucket?: string;
  /** `X-RateLimit-Limit`: requests per window. */
  limit?: number;
  /** `X-RateLimit-Remaining`: requests left in the window. */
  remaining?: number;
  /** `X-RateLimit-Reset-After`, in milliseconds. */
  resetAfter?: number;
  /** For a 429: how long to wait, in milliseconds. */
  retryAfter?: number;
  /** For a 429: `X-RateLimit-Scope` (`global` also when `X-RateLimit-Global` is set). */
  scope?: RateLimitScope;
}

/** How one attempt ended, as the rate limiter needs to know it. */
export type AttemptResult<T> =
  | {
    /** Done: resolve the job with `value`. */
    type: "success";
    /** The job's result. */
    value: T;
    /** The response's rate-limit headers. */
    rateLimit?: RateLimitInfo;
  }
  | {
    /** Done: reject the job with `error`. */
    type: "failure";
    /** The job's error. */
    error: unknown;
    /**
     * The response's rate-limit headers, when there was a response. With
     * the `cloudflare` scope and a `retryAfter`, every job of every scope
     * pauses for that long (see {@linkcode JobChecks.cloudflareRefusal}).
     */
    rateLimit?: RateLimitInfo;
  }
  | {
    /**
     * Send again after `delay` ms, at the head of the bucket's queue. With a
     * `rateLimit.retryAfter` (a 429) the bucket, or every bucket for the
     * `global` scope, pauses for that long too.
     */
    type: "retry";
    /** Milliseconds before the retry. */
    delay: number;
    /**
     * Whether the wait is this request's alone (a 429 of a sublimit or a
     * shared resource, the bucket open by its headers): it waits at the
     * head of its lane, holding that lane's requests (its route on its
     * major parameter) behind it in their order, and the bucket's other
     * lanes go on meanwhile. Otherwise (a 5xx, no answer, a bucket's own
     * 429) it holds every request of the bucket behind it.
     */
    aside?: boolean;
    /** The response's rate-limit headers, when there was a response. */
    rateLimit?: RateLimitInfo;
  };

/**
 * What fails a rate limiter job without sending it. A refused job takes
 * no global slot and none of its bucket's `remaining`: refusals never pace
 * the requests that are sent, and a queue of them drains at once.
 */
export interface JobChecks {
  /**
   * Asked whenever the job is at the head of its queue, before it waits
   * for anything (`sending` false: for what no wait changes, such as a
   * webhook that answered 404), and again just before it is sent
   * (`sending` true), and for every queued job, wherever it waits, when
   * `RateLimiter.recheck` is called (`sending` true). Whatever it returns
   * other than `undefined` (or throws) fails the job.
   */
  refuse?: (sending: boolean) => unknown;
  /**
   * What fails the job unsent when it is at the head of a bucket with no
   * request left until its reset, `waitFor` ms away (a wait longer than
   * the client accepts: sent before the reset, it would only be answered
   * 429). Whatever it returns other than `undefined` (or throws) fails the
   * job; without it, or returning `undefined`, the job waits for the reset.
   */
  waitRefusal?: (waitFor: number) => unknown;
  /**
   * What fails the job unsent because of a Cloudflare pause, given the ms
   * the pause still lasts. Asked for every job still queued when the first
   * request after a pause is answered with another such 429 (so that none
   * waits through more than one pause while the restriction lasts), and,
   * for a job that cannot wait (`waitsForCloudflare` false), whenever it is
   * at the head of its queue while a pause runs. Without it a job waits.
   */
  cloudflareRefusal?: (pausedFor: number) => unknown;
  /**
   * `false` for a job that cannot wait out a Cloudflare pause (an
   * interaction callback: Discord takes it within 3 s of the interaction or
   * never): while a pause runs it fails at once, queued before the pause or
   * after, with what `cloudflareRefusal` returns; nor does it wait for the
   * first request after a pause to be answered.
   *
   * @default {true}
   */
  waitsForCloudflare?: boolean;
  /**
   * Asked just before the job is sent, once `refuse` let it: `true` keeps
   * it, and the jobs of its bucket behind it, queued until the limiter's
   * next answer to any job, when it is asked again. For what requests in
   * flight hold and their answers free (the invalid-request cap they fill
   * while unanswered): with none in flight, a job held waits for ever. A
   * throw counts as `false`.
   */
  hold?: () => boolean;
  /**
   * For a job `hold` keeps: the ms it may still wait held, from now (an
   * interaction callback: what is left of its 3 s). Asked each time it is
   * held; when they are over, it fails unsent with what `holdRefusal`
   * returns (or throws). Without it, or without a number, it waits held
   * until an answer frees it.
   */
  holdLeft?: () => number;
  /**
   * What fails a job `hold` keeps once its `holdLeft` is over; returning
   * `undefined`, it waits on.
   */
  holdRefusal?: () => unknown;
}

/** Options for the rate limiter. */
export interface RateLimiterOptions {
  /** The clock every wait goes through. */
  scheduler: Scheduler;
  /**
   * Requests per `globalWindow` sent with the bot token (Discord's global
   * limit is 50 per second for most bots).
   *
   * @default {50}
   */
  globalLimit?: number;
  /**
   * Requests per `globalWindow` sent without authorization (the `ip`
   * {@linkcode GlobalScope}: webhooks with their token), which Discord
   * limits per IP address.
   *
   * @default {50}
   */
  ipGlobalLimit?: number;
  /**
   * The global limits' sliding window in ms: never more in any such span.
   *
   * @default {1000}
   */
  globalWindow?: number;
  /**
   * Called with a job's bucket id, hash and state changes, for logging.
   * Never receives a token.
   */
  onEvent?: (event: RateLimiterEvent) => void;
}

/**
 * The least time between two `cloudflare_pause` events of a rate limiter
 * (ms): a minute. A restriction that outlasts its pause makes one pause
 * after another.
 */
export const CLOUDFLARE_REPORT_INTERVAL = 60_000;

/** What the rate limiter reports to its `onEvent`. */
export type RateLimiterEvent =
  | {
    /** A route's bucket hash was learned or changed. */
    type: "bucket_learned";
    /** The route key. */
    route: string;
    /** The bucket hash. */
    bucket: string;
  }
  | {
    /** Every request of one global scope pauses after a global 429. */
    type: "global_pause";
    /** Milliseconds of the pause. */
    duration: number;
    /** The scope paused: that of the request the 429 answered. */
    scope: GlobalScope;
  }
  | {
    /**
     * Every request pauses, whatever its scope: a 429 of Cloudflare's (the
     * IP is restricted). Reported when a pause starts, not when another
     * such answer extends it, and at most once a minute
     * ({@linkcode CLOUDFLARE_REPORT_INTERVAL}): a restriction that outlasts its pause
     * starts one pause after another (the first request after each is
     * answered 429 again), and that is one restriction to say.
     */
    type: "cloudflare_pause";
    /** Milliseconds of the pause. */
    duration: number;
    /** The route key of the request it answered. */
    route: string;
  };

/** A snapshot of one bucket, for tests and diagnostics. */
export interface BucketState {
  /** The bucket id: `<hash>:<major parameter>`, or `route:<key>|<major>` before a hash is known. */
  id: string;
  /**
   * Requests waiting to be sent, a retry waiting out a 429 of its own (a
   * sublimit's, a shared resource's) at the head of its lane among them.
   */
  queued: number;
  /** Requests sent and not yet answered. */
  inFlight: number;
  /** Requests per window, if known. */
  limit: number | undefined;
  /** Requests left in the window, if known. */
  remaining: number | undefined;
  /** When the window ends on the scheduler's clock, if known. */
  resetAt: number | undefined;
}

/**
 * What the REST client shows of its rate limiter
 * (`RestClient.rateLimiter`): read-only, for diagnostics and tests.
 */
export interface RateLimitView {
  /**
   * The bucket hash learned for a route key, if any.
   *
   * @param routeKey A {@linkcode RouteInfo.key}.
   * @returns The hash from `X-RateLimit-Bucket`, or `undefined`.
   */
  bucketHash(routeKey: string): string | undefined;
  /**
   * The state of the bucket a route currently uses, if it has one.
   *
   * @param route The parsed route.
   * @returns A snapshot, or `undefined` when no bucket is kept for it.
   */
  bucketState(route: RouteInfo): BucketState | undefined;
  /** Until when (scheduler time) a global 429 pauses requests with the bot token; `-Infinity` when not paused. */
  readonly globalPausedUntil: number;
  /** Until when (scheduler time) a global 429 pauses requests without authorization; `-Infinity` when not paused. */
  readonly ipGlobalPausedUntil: number;
  /**
   * Until when (scheduler time) a 429 of Cloudflare's (the IP restricted
   * after too many invalid requests) pauses every request; `-Infinity` when
   * it never did. Interaction callbacks fail at once meanwhile (they cannot
   * wait: Discord takes them within 3 s). After a pause one request goes
   * first and the others wait for its answer: another 429 of Cloudflare's
   * pauses again. A past time once a pause is over.
   */
  readonly cloudflarePausedUntil: number;
}

/** The longest `X-RateLimit-Bucket` taken as a bucket hash. */
const MAX_BUCKET_HASH_LENGTH = 256;

/**
 * Read Discord's rate-limit headers. `X-RateLimit-Reset` (an absolute Unix
 * time) is ignored in favour of `X-RateLimit-Reset-After`, so a skewed local
 * clock cannot matter. Seconds become milliseconds, rounded up.
 *
 * @param headers The response headers.
 * @returns The parsed values; absent or malformed headers are left out.
 *
 * @example Usage
 * ```ts
 * import { parseRateLimitHeaders } from "./rate_limit_headers.ts";
 * import assert from "node:assert/strict";
 *
 * const info = parseRateLimitHeaders(new Headers({
 *   "x-ratelimit-bucket": "abcd1234",
 *   "x-ratelimit-limit": "5",
 *   "x-ratelimit-remaining": "4",
 *   "x-ratelimit-reset-after": "1.25",
 * }));
 * assert.deepEqual(info, { bucket: "abcd1234", limit: 5, remaining: 4, resetAfter: 1250 });
 * ```
 */
export function parseRateLimitHeaders(headers: Headers): RateLimitInfo {
  const info: RateLimitInfo = {};
  const bucket = headers.get("x-ratelimit-bucket");
  // Discord's hashes are short (32 hex digits); a longer one is a broken or
  // hostile peer's, and each is kept per route (up to 10,000 routes: 390 KB
  // hashes took 392 MB for 500 routes). Left out, the route keys the bucket.
  if (bucket && bucket.length <= MAX_BUCKET_HASH_LENGTH) info.bucket = bucket;
  const limit = decimalNumber(headers.get("x-ratelimit-limit"));
  if (limit !== undefined) info.limit = limit;
  const remaining = decimalNumber(headers.get("x-ratelimit-remaining"));
  if (remaining !== undefined) info.remaining = remaining;
  const resetAfter = decimalNumber(headers.get("x-ratelimit-reset-after"));
  if (resetAfter !== undefined) info.resetAfter = secondsToMs(resetAfter);
  const scope = headers.get("x-ratelimit-scope");
  if (scope === "user" || scope === "global" || scope === "shared") {
    info.scope = scope;
  }
  if (headers.get("x-ratelimit-global")?.toLowerCase() === "true") {
    info.scope = "global";
  }
  return info;
}

/**
 * Whether an answer carried any of Discord's rate-limit headers: a bucket,
 * limit, remaining count, reset-after or scope (`X-RateLimit-Global` sets
 * the scope). Discord's own 429s carry them, or `retry_after` in the body,
 * or both; a 429 with neither is Cloudflare's.
 *
 * @param info What {@linkcode parseRateLimitHeaders} read.
 * @returns `true` when at least one was there (and well formed).
 *
 * @example Usage
 * ```ts
 * import { hasRateLimitHeaders, parseRateLimitHeaders } from "./rate_limit_headers.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(hasRateLimitHeaders(parseRateLimitHeaders(new Headers({ "retry-after": "5" }))), false);
 * assert.equal(hasRateLimitHeaders(parseRateLimitHeaders(new Headers({ "x-ratelimit-scope": "user" }))), true);
 * ```
 */
export function hasRateLimitHeaders(info: RateLimitInfo): boolean {
  return info.bucket !== undefined || info.limit !== undefined ||
    info.remaining !== undefined || info.resetAfter !== undefined ||
    info.scope !== undefined;
}

/**
 * A non-negative decimal number: as Discord writes its headers (`5`,
 * `0.25`, `64.57`), an exponent allowed (`1e3`), surrounding spaces too.
 */
const DECIMAL = /^\s*(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/**
 * A header's value as a non-negative decimal number, else `undefined`
 * (absent or malformed). `Number` alone took what no Discord header holds:
 * hex (`0x10` read as 16), binary (`0b11`), octal (`0o7`) and `Infinity`.
 *
 * @param value The header's value, or `null` when it is absent.
 * @returns The number, or `undefined` when absent, malformed or too large
 *   to be finite.
 *
 * @example Usage
 * ```ts
 * import { decimalNumber } from "./rate_limit_headers.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(decimalNumber("64.57"), 64.57);
 * assert.equal(decimalNumber("0x10"), undefined);
 * assert.equal(decimalNumber(null), undefined);
 * ```
 */
export function decimalNumber(value: string | null): number | undefined {
  if (value === null || !DECIMAL.test(value)) return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/**
 * The longest wait read from an answer, in ms: the largest integer a
 * number holds exactly (about 285,000 years). Any wait that long is past
 * what a client waits; the cap keeps it a finite, exact number, where
 * `retry_after: 1e308` seconds became `Infinity` ms (in the error's
 * message too).
 */
export const MAX_READ_WAIT = Number.MAX_SAFE_INTEGER;

/**
 * Seconds from an answer as milliseconds: rounded up, at most
 * {@linkcode MAX_READ_WAIT}, never negative.
 *
 * @param seconds The seconds Discord sent (a finite number).
 * @returns Milliseconds.
 *
 * @example Usage
 * ```ts
 * import { MAX_READ_WAIT, secondsToMs } from "./rate_limit_headers.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(secondsToMs(1.2345), 1235);
 * assert.equal(secondsToMs(1e308), MAX_READ_WAIT);
 * ```
 */
export function secondsToMs(seconds: number): number {
  const ms = Math.ceil(seconds * 1000);
  return ms > 0 ? Math.min(ms, MAX_READ_WAIT) : 0;
}
