// A retry whose wait is its own (`aside`: a sublimit's or a shared
// resource's 429) waits out of its lane: the bucket's other jobs go on,
// and it goes back in arrival order when its wait is over. An abort or a
// refusal reaches it while it waits. Time is the virtual scheduler's.
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

Deno.test("RateLimiter: a retry aside waits out of its lane; the jobs after it are sent meanwhile, and retries come back in arrival order", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const route = parseRoute("PATCH", "/channels/1");
  const sent: string[] = [];
  const done = Promise.all([
    limiter.schedule(route, job(clock, sent, "a", 800)),
    limiter.schedule(route, job(clock, sent, "b", 300)),
    limiter.schedule(route, job(clock, sent, "c")),
  ]);
  await clock.advance(2000);
  assert.deepEqual(sent, ["0 a", "0 b", "0 c", "300 b", "800 a"]);
  assert.deepEqual(await done, ["a", "b", "c"]);
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
  assert.equal(clock.pending, 2);
  controller.abort(new Error("not needed"));
  await assert.rejects(aborted, { message: "not needed" });
  refusing = true;
  limiter.recheck();
  await assert.rejects(refused, { message: "refused" });
  assert.equal(clock.pending, 0);
  assert.deepEqual(sent, ["0 a", "0 b"]);
});
