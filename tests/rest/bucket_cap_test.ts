// The rate limiter's buckets are capped by count, not only by time: a peer
// naming a new bucket hash in every answer, each with an hour's reset, kept
// one bucket per request for that hour (180,000 at 50 a second, 88 MB).
// At the cap idle buckets are forgotten, those no route names any more
// first, soonest reset first, spent ones (no request left) last; one with
// requests waiting or in flight never.
import assert from "node:assert/strict";
import { MAX_BUCKETS } from "../../rest/_bucket_cap.ts";
import { type AttemptResult, RateLimiter } from "../../rest/rate_limiter.ts";
import type { RateLimitInfo } from "../../rest/rate_limit_headers.ts";
import { parseRoute, type RouteInfo } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const HOUR = 3_600_000;

/** Past the cap by a fifth: enough to make it sweep at least once. */
const PAST_CAP = MAX_BUCKETS * 6 / 5;

/** A success with `rateLimit`. */
function ok(
  rateLimit: RateLimitInfo,
): () => Promise<AttemptResult<string>> {
  return (): Promise<AttemptResult<string>> =>
    Promise.resolve({ type: "success", value: "ok", rateLimit });
}

/**
 * Run `fn` and return the one map a string key starting with `marker` was
 * set in meanwhile: the limiter's buckets by id (`<hash>:<major>`), which
 * nothing else shows the size of.
 */
async function mapKeyedWith(
  marker: string,
  fn: () => Promise<unknown>,
): Promise<Map<unknown, unknown>> {
  const found = new Set<Map<unknown, unknown>>();
  const set = Map.prototype.set;
  Map.prototype.set = function (
    this: Map<unknown, unknown>,
    key: unknown,
    value: unknown,
  ): Map<unknown, unknown> {
    if (typeof key === "string" && key.startsWith(marker)) found.add(this);
    return set.call(this, key, value);
  };
  try {
    await fn();
  } finally {
    Map.prototype.set = set;
  }
  assert.equal(found.size, 1);
  return [...found][0]!;
}

/** A limiter the global limit never holds back, on a virtual clock. */
function unpacedLimiter(): { clock: VirtualScheduler; limiter: RateLimiter } {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 1e9 });
  return { clock, limiter };
}

/**
 * One route answered with a new bucket hash each time, past the cap: the
 * buckets it leaves behind are idle, with requests left, and named by no
 * route.
 */
async function rotateHashesPastCap(limiter: RateLimiter): Promise<void> {
  const route = parseRoute("GET", "/channels/1/messages");
  for (let n = 0; n < PAST_CAP; n++) {
    await limiter.schedule(
      route,
      ok({ bucket: `rot${n}`, limit: 5, remaining: 4, resetAfter: HOUR }),
    );
  }
}

/** `/channels/<id>/messages`, POST. */
function channel(id: number): RouteInfo {
  return parseRoute("POST", `/channels/${id}/messages`);
}

Deno.test("RateLimiter: a new bucket hash in every answer keeps at most MAX_BUCKETS buckets", async () => {
  const { limiter } = unpacedLimiter();
  const route = parseRoute("GET", "/channels/1/messages");
  const rotated = (n: number) =>
    ok({ bucket: `rot${n}`, limit: 1e6, remaining: 1e6 - 1, resetAfter: HOUR });
  // Every answer moves the route to a new hash, leaving the bucket it was
  // sent from idle, its window an hour long.
  const buckets = await mapKeyedWith(
    "rot0:",
    () => limiter.schedule(route, rotated(0)),
  );
  let most = buckets.size;
  for (let n = 1; n < PAST_CAP; n++) {
    assert.equal(await limiter.schedule(route, rotated(n)), "ok");
    most = Math.max(most, buckets.size);
  }
  assert.ok(most <= MAX_BUCKETS, `${most} buckets kept`);
  assert.equal(limiter.bucketHash(route.key), `rot${PAST_CAP - 1}`);
  assert.equal(limiter.bucketState(route)?.remaining, 1e6 - 1);
});

Deno.test("RateLimiter: at the cap, buckets no route names any more go before named ones", async () => {
  const { limiter } = unpacedLimiter();
  // 1,000 channels of one hash, each with no request left for an hour:
  // forgotten, each would cost a 429.
  const named = Array.from({ length: 1000 }, (_, i) => channel(1000 + i));
  const empty = ok({
    bucket: "named",
    limit: 1,
    remaining: 0,
    resetAfter: HOUR,
  });
  const buckets = await mapKeyedWith(
    "named:",
    () => Promise.all(named.map((route) => limiter.schedule(route, empty))),
  );
  await rotateHashesPastCap(limiter);
  assert.ok(buckets.size <= MAX_BUCKETS, `${buckets.size} buckets kept`);
  const kept = named.filter((route) =>
    limiter.bucketState(route)?.remaining === 0
  );
  assert.equal(kept.length, named.length);
});

Deno.test("RateLimiter: at the cap, idle named buckets go soonest reset first, and their routes still work", async () => {
  const { clock, limiter } = unpacedLimiter();
  const routes = Array.from({ length: PAST_CAP }, (_, i) => channel(1 + i));
  // Channel i's window ends i ms after the first's: the first end soonest.
  const window = (i: number) =>
    ok({
      bucket: "h",
      limit: 5,
      remaining: 4,
      resetAfter: HOUR - PAST_CAP + i,
    });
  const buckets = await mapKeyedWith(
    "h:",
    () => limiter.schedule(routes[0]!, window(0)),
  );
  for (let i = 1; i < routes.length; i++) {
    await limiter.schedule(routes[i]!, window(i));
  }
  assert.ok(buckets.size <= MAX_BUCKETS, `${buckets.size} buckets kept`);
  assert.equal(limiter.bucketState(routes[0]!), undefined);
  assert.equal(limiter.bucketState(routes[PAST_CAP - 1]!)?.remaining, 4);
  const kept = routes.map((route) => limiter.bucketState(route) !== undefined);
  // What is kept is a run of the latest resets.
  assert.equal(kept.indexOf(true), kept.length - kept.filter(Boolean).length);
  // A forgotten bucket is asked anew: its route's request goes out at once.
  assert.equal(await limiter.schedule(routes[0]!, window(0)), "ok");
  assert.equal(clock.now(), 0);
});

Deno.test("RateLimiter: at the cap, a bucket with requests waiting (for a reset or held by their check) or in flight is never forgotten", async () => {
  const { clock, limiter } = unpacedLimiter();
  // Channel 1's bucket has no request left for an hour: three wait.
  const waiting = channel(1);
  const empty = ok({ bucket: "w", limit: 1, remaining: 0, resetAfter: HOUR });
  const buckets = await mapKeyedWith(
    "w:",
    () => limiter.schedule(waiting, empty),
  );
  const queued = [1, 2, 3].map(() => limiter.schedule(waiting, empty));
  // Channel 2's request is in flight, unanswered, the whole time.
  const inFlight = channel(2);
  let answer: (result: AttemptResult<string>) => void = () => {};
  const pending = limiter.schedule(
    inFlight,
    () => new Promise<AttemptResult<string>>((resolve) => answer = resolve),
  );
  // Channel 3's request is held by its `hold` check (the invalid-request
  // cap filled by requests in flight): no timer, nothing in flight.
  const held = channel(3);
  let holding = true;
  const heldDone = limiter.schedule(held, empty, undefined, undefined, {
    hold: () => holding,
  });
  const waitingId = limiter.bucketState(waiting)!.id;
  const inFlightId = limiter.bucketState(inFlight)!.id;
  const heldId = limiter.bucketState(held)!.id;
  // Idle buckets with an hour's window each, past the cap.
  for (let i = 0; i < PAST_CAP; i++) {
    await limiter.schedule(
      channel(1000 + i),
      ok({ bucket: "w", limit: 5, remaining: 4, resetAfter: HOUR }),
    );
  }
  assert.ok(buckets.size <= MAX_BUCKETS, `${buckets.size} buckets kept`);
  assert.ok(buckets.has(waitingId), "a bucket with waiters forgotten");
  assert.ok(buckets.has(inFlightId), "a bucket in flight forgotten");
  assert.ok(buckets.has(heldId), "a bucket held forgotten");
  assert.equal(limiter.bucketState(waiting)?.queued, 3);
  assert.equal(limiter.bucketState(inFlight)?.inFlight, 1);
  assert.equal(limiter.bucketState(held)?.queued, 1);
  // The answer pumps the held bucket: no longer held, its request goes.
  holding = false;
  answer({ type: "success", value: "late" });
  assert.equal(await pending, "late");
  assert.equal(await heldDone, "ok");
  // The waiters go out one an hour, as their bucket said.
  await clock.advance(HOUR);
  assert.equal(await queued[0], "ok");
  await clock.advance(2 * HOUR);
  assert.deepEqual(await Promise.all(queued), ["ok", "ok", "ok"]);
});

Deno.test("RateLimiter: at the cap, spent buckets go after those with requests left, however soon they reset", async () => {
  const { limiter } = unpacedLimiter();
  // 1,000 channels renamed twice in their 10 minutes: spent, each forgotten
  // would send its next rename to a 429 (9,000 of them at 12,000 channels).
  const spentRoutes = Array.from(
    { length: 1000 },
    (_, i) => parseRoute("PATCH", `/channels/${1 + i}`),
  );
  const spent = ok({
    bucket: "s",
    limit: 2,
    remaining: 0,
    resetAfter: 600_000,
  });
  const buckets = await mapKeyedWith(
    "s:",
    () =>
      Promise.all(spentRoutes.map((route) => limiter.schedule(route, spent))),
  );
  // Then more channels written, each with a later reset and requests left.
  for (let i = 0; i < PAST_CAP; i++) {
    await limiter.schedule(
      channel(100_000 + i),
      ok({ bucket: "s", limit: 5, remaining: 4, resetAfter: HOUR }),
    );
  }
  assert.ok(buckets.size <= MAX_BUCKETS, `${buckets.size} buckets kept`);
  const kept = spentRoutes.filter((route) =>
    limiter.bucketState(route)?.remaining === 0
  );
  assert.equal(kept.length, spentRoutes.length, "a spent bucket forgotten");
});

Deno.test("RateLimiter: at the cap, idle buckets no route names go before named ones that reset sooner", async () => {
  const { limiter } = unpacedLimiter();
  // 1,000 channels of one hash, each with requests left and a window
  // ending before any of the unnamed ones': by reset alone, they went first.
  const named = Array.from({ length: 1000 }, (_, i) => channel(1000 + i));
  const sooner = ok({
    bucket: "named",
    limit: 5,
    remaining: 4,
    resetAfter: HOUR / 2,
  });
  const buckets = await mapKeyedWith(
    "named:",
    () => Promise.all(named.map((route) => limiter.schedule(route, sooner))),
  );
  await rotateHashesPastCap(limiter);
  assert.ok(buckets.size <= MAX_BUCKETS, `${buckets.size} buckets kept`);
  const kept = named.filter((route) =>
    limiter.bucketState(route)?.remaining === 4
  );
  assert.equal(kept.length, named.length);
});
