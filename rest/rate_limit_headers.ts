/**
 * What one response says about rate limits: its `X-RateLimit-*` headers
 * read into a {@linkcode RateLimitInfo} (the rate limiter reads no HTTP).
 *
 * @module
 */
import type { RateLimitScope } from "./errors.ts";

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

function number(value: string | null): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}
