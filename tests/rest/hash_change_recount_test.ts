// A route's bucket hash holds on every major parameter, so when one
// channel's answer changes it, the counts other channels keep for the
// route are of the old hash: their queues ask one request at a time until
// their own answer tells the new bucket's count, and that again each time
// the hash changes, not only the first. Here the other channel's requests
// wait for the global window (2 a second) with requests left in their
// bucket, so nothing but the doubt keeps them to one. Time is the virtual
// scheduler's.
import assert from "node:assert/strict";
import { RateLimiter } from "../../rest/rate_limiter.ts";
import { parseRoute } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { heldAttempts } from "../_fakes/held_attempts.ts";

/** A bucket of 5 per minute with 4 left, named `hash`. */
function window(hash: string): {
  bucket: string;
  limit: number;
  remaining: number;
  resetAfter: number;
} {
  return { bucket: hash, limit: 5, remaining: 4, resetAfter: 60_000 };
}

Deno.test("RateLimiter: at each change of a route's hash, another channel's queue with requests left asks the new bucket one request at a time", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 2 });
  const channel1 = parseRoute("POST", "/channels/1/messages");
  const channel2 = parseRoute("POST", "/channels/2/messages");
  const { sent, attempt, answer } = heldAttempts(clock);
  const names = (): string[] => sent.map(([name]) => name);
  limiter.schedule(channel1, attempt("p1"));
  limiter.schedule(channel2, attempt("q1"));
  await clock.flushMicrotasks();
  await answer("q1", window("A"));
  // Channel 2 has 4 left of A; the global window is full until 1000.
  for (const name of ["q2", "q3", "q4"]) {
    limiter.schedule(channel2, attempt(name));
  }
  // Channel 1's answer moves the route to B.
  await answer("p1", window("B"));
  await clock.advance(500);
  limiter.schedule(channel1, attempt("p2"));
  await clock.advance(500);
  assert.deepEqual(names(), ["p1", "q1", "q2", "p2"], "q3 waits for q2");
  // q2's answer tells channel 2's count under B: 4 left.
  await answer("q2", window("B"));
  assert.equal(limiter.bucketState(channel2)?.remaining, 4);
  // Channel 2's queue waits for the global window again; channel 1's
  // answer moves the route to C meanwhile.
  await answer("p2", window("C"));
  assert.equal(limiter.bucketState(channel2)?.remaining, undefined);
  await clock.advance(1000);
  assert.deepEqual(names().slice(4), ["q3"], "q4 waits for q3");
  await answer("q3", window("C"));
  assert.deepEqual(names().slice(5), ["q4"]);
  await answer("q4", window("C"));
  assert.equal(clock.pending, 0);
});
