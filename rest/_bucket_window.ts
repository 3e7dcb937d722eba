/**
 * What an answer's `X-RateLimit-*` headers say of a bucket's window, taken
 * into the bucket the rate limiter (`rate_limiter.ts`) keeps. Private to
 * the package.
 *
 * @module
 */
import type { RateLimitInfo } from "./rate_limit_headers.ts";
import type { Bucket } from "./_limiter_queue.ts";

/**
 * The longest a bucket is held for a reset Discord reported (the longest
 * documented windows are minutes long). The requests waiting past the
 * client's `maxRateLimitWait` fail unsent meanwhile; a peer's reset of a
 * year would otherwise keep each bucket it named until the count's cap
 * (`MAX_BUCKETS` in `_bucket_cap.ts`) forgot it.
 */
export const MAX_HELD_RESET = 3_600_000;

/**
 * Take in what an answer says of the bucket's window. `carried` requests
 * in flight from another bucket count against its `remaining`, and so do
 * its own in flight (this answer's no longer counted) when it has no count
 * of its own in the current window.
 *
 * @param bucket The bucket the answer's route now maps to.
 * @param info The answer's rate-limit headers.
 * @param now The limiter's clock when the answer was taken.
 * @param success Whether the attempt succeeded.
 * @param carried Requests in flight from the bucket the route left.
 */
export function applyAnswer(
  bucket: Bucket,
  info: RateLimitInfo,
  now: number,
  success: boolean,
  carried: number,
): void {
  const windowOver = bucket.resetAt !== undefined && now >= bucket.resetAt;
  // With no local count (a new bucket, or one whose count a route's hash
  // change put in doubt), the bucket's own requests still in flight may
  // have reached Discord after this one and be missing from its count:
  // they count against it, like those from the bucket the route left. Not
  // once its window is over: those were sent in it (the pump starts a new
  // window before it sends).
  const unseen = carried +
    (bucket.remaining === undefined && !windowOver ? bucket.inFlight : 0);
  if (windowOver) {
    // The local window is over (a bucket the route left, mapped to
    // again): its count is stale, the answer's is of the current one.
    bucket.remaining = undefined;
    bucket.resetAt = undefined;
  }
  if (info.limit !== undefined) bucket.limit = info.limit;
  if (info.remaining !== undefined) {
    // Never more than the limit (a peer said 50 of 5), less those in
    // flight and not in the header.
    const reported = Math.max(
      0,
      Math.min(info.remaining, bucket.limit ?? Infinity) - unseen,
    );
    // In-flight requests may already have used some of what the header
    // reports, so never trust a higher count than the local one.
    bucket.remaining = bucket.remaining === undefined
      ? reported
      : Math.min(bucket.remaining, reported);
  }
  if (info.resetAfter !== undefined) {
    bucket.resetAt = now + Math.min(info.resetAfter, MAX_HELD_RESET);
  }
  if (
    success && info.limit === undefined && info.remaining === undefined &&
    info.bucket === undefined
  ) {
    // A success without rate-limit headers: the route has no per-route
    // limit (the global one still applies).
    bucket.remaining = Infinity;
    bucket.limit = Infinity;
  }
  // A 429 whose headers say the bucket has requests left is a sublimit
  // of that request alone (2 channel renames in 10 minutes): it waits
  // (its retry's delay) or fails, and the bucket keeps what the headers
  // say. Held, the bucket refused its other requests (a slowmode edit, a
  // permission overwrite) unsent for the rename's 5 minutes. (A `shared`
  // 429 comes without `retryAfter`: see `attemptOutcome`.)
  const open = info.remaining !== undefined && info.remaining > 0;
  if (info.retryAfter !== undefined && !open) {
    bucket.remaining = 0;
    bucket.resetAt = Math.max(
      bucket.resetAt ?? now,
      now + Math.min(info.retryAfter, MAX_HELD_RESET),
    );
  }
}
