/**
 * How many rate-limit buckets a {@linkcode RateLimiter} keeps, and which
 * it forgets first. Private to the package.
 *
 * @module
 */
import type { Bucket } from "./_limiter_queue.ts";

/**
 * The most buckets kept. A bucket is one hash and major parameter (a
 * channel, a guild, a webhook) that was answered within its window, which
 * Discord keeps to seconds or minutes: a busy bot has a few hundred. A peer
 * naming a new hash in each answer with an hour's reset kept one bucket per
 * request for that hour (180,000 at 50 a second, 88 MB). 10,000 buckets,
 * under 10 MB even with hashes of the longest length taken, are far more
 * than a real bot holds and far less than what hurts.
 */
export const MAX_BUCKETS = 10_000;

/**
 * What a sweep at the cap brings the buckets down to: a quarter of the cap
 * freed at once, so that the scan, O(buckets), runs once per 2,500 new
 * buckets, not for each.
 */
const EVICT_TO = MAX_BUCKETS * 3 / 4;

/** The fewest buckets kept before idle ones are swept. */
export const MIN_SWEEP_AT = 64;

/** A bucket as the rate limiter keeps it: with the hash it was made for. */
export interface KeptBucket extends Bucket {
  /** The bucket hash; `undefined` for a route's own bucket (no hash known). */
  readonly hash: string | undefined;
  /** The route-hash key (`routeHashKey` in `routes.ts`) it was made for. */
  readonly hashKey: string;
}

/**
 * Drop the idle buckets whose window is over; at the cap, forget idle ones
 * whose window still runs as well. `#pump` drops a bucket that is idle when
 * it runs, but one left with a window still running (every success with
 * `X-RateLimit-Reset-After`) has no timer to come back: one bucket per
 * channel ever written to would pile up. Sweeping when the map doubles
 * keeps it within twice the buckets in use, at O(1) amortized and without
 * a timer per bucket.
 *
 * At {@linkcode MAX_BUCKETS} the idle ones go soonest reset first, those
 * with requests left before spent ones, and those no route's hash names
 * any more (the route moved to another hash) before those still named,
 * until a quarter of the cap is free. A bucket with
 * requests waiting or in flight is never forgotten: should those alone
 * fill the cap, the map grows to a third above them before the next sweep.
 * Forgetting a spent bucket still named costs at worst one 429: the
 * route's next request goes out as to a bucket not yet known, and its
 * answer tells the window again; only past 7,500 spent buckets at once.
 *
 * @param buckets The limiter's buckets by id; those dropped are deleted.
 * @param hashes The bucket hash of each route-hash key.
 * @param now The limiter's clock.
 * @returns The bucket count at which to sweep next.
 */
export function sweepBuckets(
  buckets: Map<string, KeptBucket>,
  hashes: ReadonlyMap<string, string>,
  now: number,
): number {
  const idleLive: KeptBucket[] = [];
  for (const [id, bucket] of buckets) {
    if (
      bucket.queued > 0 || bucket.inFlight > 0 || bucket.timer !== undefined
    ) continue;
    if (bucket.resetAt === undefined || now >= bucket.resetAt) {
      buckets.delete(id);
    } else idleLive.push(bucket);
  }
  if (buckets.size < MAX_BUCKETS) {
    return Math.min(MAX_BUCKETS, Math.max(MIN_SWEEP_AT, buckets.size * 2));
  }
  const named = new Set(hashes.values());
  const victims = idleLive.map((bucket) => ({
    bucket,
    // A route's own bucket is left once the route learned a hash.
    unnamed: bucket.hash === undefined
      ? hashes.has(bucket.hashKey)
      : !named.has(bucket.hash),
  }));
  // A spent bucket (no request left in its window) forgotten lets its
  // route's next request out as to a bucket not known: a 429, which counts
  // towards the invalid-request limit (12,000 channels renamed past their
  // 2 per 10 minutes: 9,000 429s, where kept they were refused unsent).
  // Forgetting one with requests left costs nothing. So spent ones go last.
  const spent = (bucket: KeptBucket): number => Number(bucket.remaining === 0);
  victims.sort((a, b) =>
    spent(a.bucket) - spent(b.bucket) ||
    Number(b.unnamed) - Number(a.unnamed) ||
    a.bucket.resetAt! - b.bucket.resetAt!
  );
  for (const { bucket } of victims) {
    if (buckets.size <= EVICT_TO) break;
    buckets.delete(bucket.id);
  }
  return Math.max(MAX_BUCKETS, Math.ceil(buckets.size * 4 / 3));
}
