/**
 * The fake REST layer's 429 answer: its headers and body for each
 * `X-RateLimit-Scope`. Private to the test kit.
 *
 * @module
 */

/** The bucket a 429 reports in its `X-RateLimit-*` headers. */
export interface LimitedBucket {
  hash: string;
  limit: number;
  /**
   * Requests the bucket has left: 0 when the bucket itself is spent; a
   * shared resource's limit leaves the bucket alone, and Discord's example
   * of one reports what the bucket still has.
   */
  remaining: number;
  resetAt: number;
  now: number;
  /** `resetAt` on the wall clock, for `X-RateLimit-Reset`. */
  wallResetAt: number;
}

/**
 * Discord's 429 for a scope (developers/topics/rate-limits.mdx): a shared
 * resource's limit says "The resource is being rate limited." (as the
 * docs' shared example), the bot's own limits "You are being rate limited.".
 *
 * @param retryAfter Seconds to wait (`retry_after`).
 * @param scope `X-RateLimit-Scope`.
 * @param bucket The route's bucket, or `undefined` for the global limit.
 * @returns The 429 response.
 */
export function tooManyRequests(
  retryAfter: number,
  scope: "user" | "global" | "shared",
  bucket: LimitedBucket | undefined,
): Response {
  const seconds = Math.max(0, Math.round(retryAfter * 1000) / 1000);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "retry-after": String(Math.ceil(seconds)),
    "x-ratelimit-scope": scope,
  };
  if (scope === "global") headers["x-ratelimit-global"] = "true";
  if (bucket) {
    headers["x-ratelimit-bucket"] = bucket.hash;
    headers["x-ratelimit-limit"] = String(bucket.limit);
    headers["x-ratelimit-remaining"] = String(Math.max(0, bucket.remaining));
    headers["x-ratelimit-reset"] = (bucket.wallResetAt / 1000).toFixed(3);
    headers["x-ratelimit-reset-after"] = ((bucket.resetAt - bucket.now) / 1000)
      .toFixed(3);
  }
  const message = scope === "shared"
    ? "The resource is being rate limited."
    : "You are being rate limited.";
  return new Response(
    JSON.stringify({
      message,
      retry_after: seconds,
      global: scope === "global",
    }),
    { status: 429, headers },
  );
}
