/**
 * What one response says about rate limits: its `X-RateLimit-*` headers
 * read into a {@linkcode RateLimitInfo} (the rate limiter reads no HTTP);
 * and what the REST client shows of the limits it learnt
 * ({@linkcode RateLimitView}).
 *
 * @module
 */
import type { RateLimitScope } from "./errors.ts";
import type { RouteInfo } from "./routes.ts";

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

/** A snapshot of one bucket, for tests and diagnostics. */
export interface BucketState {
  /** The bucket id: `<hash>:<major parameter>`, or `route:<key>|<major>` before a hash is known. */
  id: string;
  /** Requests waiting to be sent. */
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
   * after too many invalid requests) pauses every request, interaction
   * endpoints too; `-Infinity` when not paused.
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
  const limit = number(headers.get("x-ratelimit-limit"));
  if (limit !== undefined) info.limit = limit;
  const remaining = number(headers.get("x-ratelimit-remaining"));
  if (remaining !== undefined) info.remaining = remaining;
  const resetAfter = number(headers.get("x-ratelimit-reset-after"));
  if (resetAfter !== undefined) info.resetAfter = Math.ceil(resetAfter * 1000);
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

function number(value: string | null): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}
