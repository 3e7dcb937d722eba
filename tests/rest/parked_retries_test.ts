// A retry whose wait is its own (`aside`: a sublimit's or a shared
// resource's 429) waits at the head of its lane: the lane's later jobs
// wait behind it, in order, and the bucket's other lanes go on. An abort
// or a refusal reaches it while it waits. Time is the virtual scheduler's.
import assert from "node:assert/strict";
import { type AttemptResult, RateLimiter } from "../../rest/rate_limiter.ts";
import { parseRoute } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const OPEN = { bucket: "h", limit: 10, remaining: 7, resetAfter: 10_000 };

/** A job that is answered `aside` with `delay` the first time, then ok. */
function job(
  clock: VirtualScheduler,
  sent: string[],
  name: string,
  delay?: number,
): () => Promise<AttemptResult<string>> {
  let tries = 0;
  return () => {
    sent.push(`${clock.now()} ${name}`);
    if (delay !== undefined && tries++ === 0) {
      return Promise.resolve({
        type: "retry",
        delay,
        aside: true,
        rateLimit: { ...OPEN, retryAfter: delay, scope: "user" },
      });
    }
    return Promise.resolve({ type: "success", value: name, rateLimit: OPEN });
  };
}

Deno.test("RateLimiter: a retry aside holds only its lane: the lane's later jobs and retries wait behind it in arrival order, another lane of the bucket goes meanwhile", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const route = parseRoute("PATCH", "/channels/1");
  const other = parseRoute("PUT", "/channels/1/permissions/2");
  const sent: string[] = [];
  // Both routes learn they share the bucket `h`, 7 left.
  await limiter.schedule(route, job(clock, sent, "x"));
  await limiter.schedule(other, job(clock, sent, "y"));
  const retried = [
    limiter.schedule(route, job(clock, sent, "a", 800)),
    limiter.schedule(route, job(clock, sent, "b", 300)),
  ];
  await clock.flushMicrotasks();
  const later = [
    limiter.schedule(route, job(clock, sent, "c")),
    limiter.schedule(other, job(clock, sent, "p")),
  ];
  await clock.advance(2000);
  assert.deepEqual(sent.slice(2), [
    "0 a",
    "0 b",
    "0 p",
    "800 a",
    "800 b",
    "800 c",
  ]);
  assert.deepEqual(await Promise.all([...retried, ...later]), [
    "a",
    "b",
    "c",
    "p",
  ]);
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter: a retry aside is failed by an abort and by a recheck's refusal while it waits, its timer cleared", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const route = parseRoute("PATCH", "/channels/1");
  const sent: string[] = [];
  const controller = new AbortController();
  const aborted = limiter.schedule(
    route,
    job(clock, sent, "a", 5000),
    controller.signal,
  );
  let refusing = false;
  const refused = limiter.schedule(
    route,
    job(clock, sent, "b", 5000),
    undefined,
    undefined,
    { refuse: () => refusing ? new Error("refused") : undefined },
  );
  await clock.advance(10);
  // b waits behind a, on a's lane.
  assert.deepEqual(sent, ["0 a"]);
  assert.equal(clock.pending, 1, "its lane's one timer");
  controller.abort(new Error("not needed"));
  await assert.rejects(aborted, { message: "not needed" });
  // Its lane's head now, b is sent and answered aside in turn.
  assert.deepEqual(sent, ["0 a", "10 b"]);
  assert.equal(clock.pending, 1);
  refusing = true;
  limiter.recheck();
  await assert.rejects(refused, { message: "refused" });
  assert.equal(clock.pending, 0);
  assert.deepEqual(sent, ["0 a", "10 b"]);
});

Deno.test("RateLimiter: when every lane of a bucket waits aside, the bucket wakes when the first wait ends, not the last one listed", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const rename = parseRoute("PATCH", "/channels/1");
  const overwrite = parseRoute("PUT", "/channels/1/permissions/2");
  const sent: string[] = [];
  // Both routes learn they share the bucket `h`, 7 left.
  await limiter.schedule(rename, job(clock, sent, "x"));
  await limiter.schedule(overwrite, job(clock, sent, "y"));
  // The rename's 429 asks 300 ms, answered first; the overwrite's 800 ms.
  const retried = [
    limiter.schedule(rename, job(clock, sent, "a", 300)),
    limiter.schedule(overwrite, job(clock, sent, "b", 800)),
  ];
  await clock.advance(1000);
  assert.deepEqual(sent.slice(2), ["0 a", "0 b", "300 a", "800 b"]);
  assert.deepEqual(await Promise.all(retried), ["a", "b"]);
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter.bucketState counts a retry waiting aside among its bucket's queued requests", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const route = parseRoute("PATCH", "/channels/1");
  const sent: string[] = [];
  await limiter.schedule(route, job(clock, sent, "x"));
  const retried = limiter.schedule(route, job(clock, sent, "a", 800));
  await clock.advance(10);
  assert.deepEqual(sent, ["0 x", "0 a"]);
  assert.deepEqual(limiter.bucketState(route), {
    id: "h:channels/1",
    queued: 1,
    inFlight: 0,
    limit: 10,
    remaining: 6,
    resetAt: 10_000,
  });
  await clock.advance(790);
  assert.equal(await retried, "a");
  assert.equal(limiter.bucketState(route)?.queued, 0);
});
