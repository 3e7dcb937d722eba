// When an answer moves its route to another bucket hash, the route's
// waiting requests (its lane) move with it: the bucket the lane leaves is
// pumped too, not only the one the request was sent from (the lane may
// have moved into a third bucket meanwhile, by another of its answers),
// and the bucket it joins keeps its own count where it is the lower, the
// answer possibly older than the answers that bucket had. Time is the
// virtual scheduler's.
import assert from "node:assert/strict";
import { RateLimiter } from "../../rest/rate_limiter.ts";
import { parseRoute } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { heldAttempts } from "../_fakes/held_attempts.ts";

const WINDOW = { limit: 10, remaining: 8, resetAfter: 10_000 };

Deno.test("RateLimiter: a lane moved on by its route's next hash lets the bucket it leaves send the requests it held back, at once", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 1e9 });
  const rename = parseRoute("PATCH", "/channels/1");
  const overwrite = parseRoute("PUT", "/channels/1/permissions/2");
  const { sent, attempt, answer, settle } = heldAttempts(clock);
  // The overwrite route learns the hash h1 on channel 1.
  limiter.schedule(overwrite, attempt("o0"));
  await clock.flushMicrotasks();
  await answer("o0", { bucket: "h1", ...WINDOW });
  // Four renames: the first alone (no count known), then three at once.
  for (const name of ["r1", "r2", "r3", "r4"]) {
    limiter.schedule(rename, attempt(name));
  }
  await clock.flushMicrotasks();
  await answer("r1", { bucket: "h0", ...WINDOW });
  // r4 gets a 5xx: retried in 500 ms, at the head of the rename's lane,
  // it holds every request of its bucket behind it (Discord asks no
  // wait of the bucket, but order holds).
  await settle("r4", { type: "retry", delay: 500 });
  // r2's answer moves the rename route to h1, the overwrite's bucket.
  await answer("r2", { bucket: "h1", ...WINDOW });
  assert.equal(limiter.bucketState(rename)?.id, "h1:channels/1");
  await clock.advance(100);
  limiter.schedule(overwrite, attempt("o1"));
  await clock.flushMicrotasks();
  assert.deepEqual(
    sent.map(([name]) => name),
    ["o0", "r1", "r2", "r3", "r4"],
    "o1 waits behind r4's retry, which came first",
  );
  // r3's answer (sent from h0) moves the rename route on to h2: h1 keeps
  // the overwrite alone, which has 8 left of its window.
  await clock.advance(100);
  await answer("r3", { bucket: "h2", ...WINDOW });
  assert.equal(limiter.bucketState(rename)?.id, "h2:channels/1");
  assert.deepEqual(sent.slice(5), [["o1", 200]]);
  await clock.advance(300);
  assert.deepEqual(sent.slice(6), [["r4", 500]]);
  await answer("o1", { bucket: "h1", ...WINDOW });
  await answer("r4", { bucket: "h2", ...WINDOW });
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter: a lane moved into a bucket another route uses keeps that bucket's lower count, not the late answer's", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 1e9 });
  const post = parseRoute("POST", "/channels/1/messages");
  const patch = parseRoute("PATCH", "/channels/1/messages/5");
  const { sent, attempt, answer } = heldAttempts(clock);
  // The PATCH route learns h1 on channel 1: 9 of 10 left.
  limiter.schedule(patch, attempt("q0"));
  await clock.flushMicrotasks();
  await answer("q0", {
    bucket: "h1",
    limit: 10,
    remaining: 9,
    resetAfter: 10_000,
  });
  // The POST route learns h0, 1 of 2 left: p1 goes, p2 to p5 wait.
  limiter.schedule(post, attempt("p0"));
  await clock.flushMicrotasks();
  await answer("p0", {
    bucket: "h0",
    limit: 2,
    remaining: 1,
    resetAfter: 10_000,
  });
  for (const name of ["p1", "p2", "p3", "p4", "p5"]) {
    limiter.schedule(post, attempt(name));
  }
  // Seven PATCHes go into h1 after p1, which Discord counted there first
  // (8 left): their answers say 7 to 1 left, and come before p1's.
  for (let i = 1; i <= 7; i++) limiter.schedule(patch, attempt(`q${i}`));
  await clock.flushMicrotasks();
  for (let i = 1; i <= 7; i++) {
    await answer(`q${i}`, {
      bucket: "h1",
      limit: 10,
      remaining: 8 - i,
      resetAfter: 10_000,
    });
  }
  assert.equal(limiter.bucketState(patch)?.remaining, 1);
  // p1's answer moves the POST route to h1, saying 8 left: one is.
  await answer("p1", {
    bucket: "h1",
    limit: 10,
    remaining: 8,
    resetAfter: 10_000,
  });
  assert.equal(limiter.bucketState(post)?.id, "h1:channels/1");
  assert.deepEqual(
    sent.map(([name]) => name).filter((name) => name.startsWith("p")),
    ["p0", "p1", "p2"],
  );
  assert.equal(limiter.bucketState(post)?.remaining, 0);
  assert.equal(limiter.bucketState(post)?.queued, 3);
  await clock.advance(10_000);
  assert.deepEqual(sent.slice(-3).map(([name]) => name), ["p3", "p4", "p5"]);
});
