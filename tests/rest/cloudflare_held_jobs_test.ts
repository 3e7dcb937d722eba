// After a Cloudflare pause (the IP restricted) one job goes first; when
// Cloudflare answers it 429 again, every job that waited for it fails
// unsent with its `cloudflareRefusal`, however deep in its route's queue,
// rather than wait through one pause after another. Time is the virtual
// scheduler's.
import assert from "node:assert/strict";
import { type JobChecks, RateLimiter } from "../../rest/rate_limiter.ts";
import { parseRoute } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { heldAttempts } from "../_fakes/held_attempts.ts";
import { settled } from "../_fakes/rest_calls.ts";

/** Cloudflare's 429: no rate-limit headers, a pause of `ms`. */
const banned = (ms: number) => ({
  type: "failure" as const,
  error: new Error("429 from Cloudflare"),
  rateLimit: { retryAfter: ms, scope: "cloudflare" as const },
});

const checks: JobChecks = {
  cloudflareRefusal: (pausedFor) => new Error(`refused, ${pausedFor} ms left`),
};

Deno.test("RateLimiter: the job sent first after a Cloudflare pause, answered by Cloudflare again, fails every job held, each deep in its route's queue", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const { sent, attempt, settle } = heldAttempts(clock);
  const channel1 = parseRoute("POST", "/channels/1/messages");
  const channel2 = parseRoute("POST", "/channels/2/messages");
  const schedule = (route: typeof channel1, name: string) =>
    settled(
      limiter.schedule(route, attempt(name), undefined, undefined, checks),
    );
  schedule(channel1, "first");
  await clock.flushMicrotasks();
  await settle("first", banned(1000));
  assert.equal(limiter.cloudflarePausedUntil, 1000);
  // Queued during the pause: three on channel 1, two on channel 2.
  const held = {
    a1: schedule(channel1, "a1"),
    a2: schedule(channel1, "a2"),
    a3: schedule(channel1, "a3"),
    b1: schedule(channel2, "b1"),
    b2: schedule(channel2, "b2"),
  };
  await clock.advance(1000);
  assert.deepEqual(sent.map(([name]) => name), ["first", "a1"]);
  await settle("a1", banned(2000));
  assert.equal(limiter.cloudflarePausedUntil, 3000);
  for (const name of ["a2", "a3", "b1", "b2"] as const) {
    assert.equal(held[name].done, true, name);
    assert.match(String(held[name].error), /refused, 2000 ms left/, name);
  }
  await clock.advance(5000);
  assert.deepEqual(sent.map(([name]) => name), ["first", "a1"]);
  assert.equal(clock.pending, 0);
});
