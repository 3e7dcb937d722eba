// The global limit's sliding window counts each request from the moment it
// is sent. Stamped with the time read once at the start of a burst, the
// later sends of a burst (each fetch() takes time to issue) were counted
// from before they left, their slots reopened early, and some 1000 ms held
// up to 68-84 sends of 50. Time is the virtual scheduler's, moved on by
// each send as a real one takes time to issue.
import assert from "node:assert/strict";
import { type AttemptResult, RateLimiter } from "../../rest/rate_limiter.ts";
import { parseRoute } from "../../rest/routes.ts";
import { realScheduler, type Scheduler } from "../../base/scheduler.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

Deno.test("RateLimiter: no 1000 ms, measured at each send, holds more than the global limit when each send takes time", async () => {
  const clock = new VirtualScheduler();
  /**
   * Time taken by the sends so far: while the event loop is busy each takes
   * 1 ms to issue, then none.
   */
  let work = 0;
  let busy = true;
  const scheduler: Scheduler = {
    now: () => clock.now() + work,
    setTimeout: (callback, ms) => clock.setTimeout(callback, ms),
    clearTimeout: (id) => clock.clearTimeout(id),
  };
  const limiter = new RateLimiter({ scheduler });
  const route = parseRoute("POST", "/channels/1/messages");
  const sent: number[] = [];
  const attempt = (): Promise<AttemptResult<number>> => {
    sent.push(scheduler.now());
    if (busy) work++;
    // The first answer holds the bucket for 100 ms, so that the queue
    // leaves in one burst; then it has room for all, and only the global
    // limit paces them.
    const first = sent.length === 1;
    return Promise.resolve({
      type: "success",
      value: 0,
      rateLimit: {
        bucket: "h",
        limit: 1000,
        remaining: first ? 0 : 999,
        resetAfter: first ? 100 : 60_000,
      },
    });
  };
  await limiter.schedule(route, attempt);
  const burst = Promise.all(
    Array.from({ length: 300 }, () => limiter.schedule(route, attempt)),
  );
  await clock.advance(500);
  assert.equal(sent.length, 50, "the first burst");
  busy = false;
  await clock.advance(10_000);
  await burst;
  assert.equal(sent.length, 301);
  let most = 0;
  for (const start of sent) {
    const inWindow = sent.filter((t) => t >= start && t < start + 1000);
    most = Math.max(most, inWindow.length);
  }
  assert.ok(most <= 50, `${most} sent within 1000 ms`);
});

Deno.test("RateLimiter under the real clock reopens a global slot 1001 ms after a send read in the same whole millisecond: the reading is rounded up", async () => {
  // The real clock reads whole milliseconds rounded down: a send at 0.9
  // ms reads 0, and its slot reopened at 1000, 100 µs before a second had
  // passed (bursts put up to 68 requests into some real second). Timers
  // are recorded, not run: only the delay armed for the next send is read.
  const monotonicNow = (): number =>
    Math.floor(performance.timeOrigin + performance.now());
  for (let tries = 0; tries < 100; tries++) {
    const armed: number[] = [];
    const scheduler: Scheduler = {
      now: realScheduler.now,
      setTimeout: (_callback, ms) => armed.push(ms),
      clearTimeout: () => {},
    };
    const limiter = new RateLimiter({ scheduler, globalLimit: 1 });
    const attempt = (): Promise<AttemptResult<string>> =>
      Promise.resolve({ type: "success", value: "ok", rateLimit: {} });
    const cancel = new AbortController();
    const before = monotonicNow();
    const first = limiter.schedule(
      parseRoute("POST", "/channels/1/messages"),
      attempt,
    );
    const second = limiter.schedule(
      parseRoute("POST", "/channels/2/messages"),
      attempt,
      cancel.signal,
    );
    const after = monotonicNow();
    cancel.abort(new Error("done"));
    assert.equal(await first, "ok");
    await assert.rejects(second, { message: "done" });
    // Both sends read in one millisecond: else the delay is not known.
    if (before !== after) continue;
    assert.deepEqual(armed, [1001]);
    return;
  }
  assert.fail("no try fitted in one millisecond");
});
