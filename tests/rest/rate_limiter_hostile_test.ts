// What a hostile or odd REST server's rate-limit headers may make the
// limiter do: every answer here is one Discord's documentation allows or
// rules out, sent at a queue deep enough that work per answer would show.
// These assert outcomes (nothing thrown, order, which buckets move, timers);
// the costs measured before and after are in the comments, not asserted.
import assert from "node:assert/strict";
import {
  type AttemptResult,
  MAX_ROUTE_HASHES,
  RateLimiter,
  type RateLimiterEvent,
} from "../../rest/rate_limiter.ts";
import type { RateLimitInfo } from "../../rest/rate_limit_headers.ts";
import { parseRoute, type RouteInfo } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { DISCORD_EPOCH } from "../../base/snowflake.ts";
import { heldAttempts } from "../_fakes/held_attempts.ts";

/** An attempt answering at once with `info`, recording its name. */
function answer(
  sent: number[],
  name: number,
  info: () => RateLimitInfo,
): () => Promise<AttemptResult<number>> {
  return () => {
    sent.push(name);
    return Promise.resolve({ type: "success", value: name, rateLimit: info() });
  };
}

Deno.test("RateLimiter moves 200,000 waiting jobs when their route's bucket hash is learned", async () => {
  // Spreading them into the hashed bucket's queue threw "Maximum call stack
  // size exceeded" out of a promise callback: an uncaught rejection.
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 1e9 });
  const route = parseRoute("POST", "/channels/1/messages");
  const count = 200_000;
  const sent: number[] = [];
  const info = (): RateLimitInfo => ({
    bucket: "h",
    limit: count,
    remaining: count,
    resetAfter: 1000,
  });
  const done = Promise.all(
    Array.from(
      { length: count },
      (_, i) => limiter.schedule(route, answer(sent, i, info)),
    ),
  );
  await clock.flushMicrotasks();
  assert.equal((await done).length, count);
  assert.equal(limiter.bucketHash(route.key), "h");
  assert.equal(sent.length, count);
  assert.ok(sent.every((name, i) => name === i), "sent out of order");
});

Deno.test("RateLimiter: a server alternating a route's bucket hash gets every job, in order", async () => {
  // Each answer named the other hash, and the 20,000 jobs still waiting
  // were filtered into the other bucket: 8.6 s, against 0.2 s for a stable
  // hash. Now the route's lane moves whole: 0.1 s.
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 1e9 });
  const route = parseRoute("POST", "/channels/1/messages");
  const sent: number[] = [];
  let answers = 0;
  // Only a hash: `remaining` stays unknown, so one job is in flight at a
  // time and the queue stays deep for every answer.
  const info = (): RateLimitInfo => ({ bucket: ++answers % 2 ? "a" : "b" });
  const count = 20_000;
  await Promise.all(
    Array.from(
      { length: count },
      (_, i) => limiter.schedule(route, answer(sent, i, info)),
    ),
  );
  assert.equal(sent.length, count);
  assert.ok(sent.every((name, i) => name === i), "sent out of order");
});

Deno.test("RateLimiter moves only the route whose hash changed, keeping both routes' order", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const post = parseRoute("POST", "/channels/1/messages");
  const patch = parseRoute("PATCH", "/channels/1/messages/2");
  const sent: string[] = [];
  let postHash = "shared";
  const attempt = (name: string, hash: () => string) =>
  (): Promise<
    AttemptResult<string>
  > => {
    sent.push(name);
    return Promise.resolve({
      type: "success",
      value: name,
      rateLimit: { bucket: hash(), limit: 1, remaining: 0, resetAfter: 1000 },
    });
  };
  // Both routes learn the shared hash (one window each, the second waits).
  const first = Promise.all([
    limiter.schedule(post, attempt("p0", () => postHash)),
    limiter.schedule(patch, attempt("q0", () => "shared")),
  ]);
  await clock.advance(1000);
  await first;
  assert.equal(limiter.bucketState(post)?.id, "shared:channels/1");
  assert.equal(limiter.bucketState(patch)?.id, "shared:channels/1");
  // p1 is answered with a new hash while p2, p3 and q1, q2 wait behind it.
  postHash = "own";
  const rest = Promise.all([
    limiter.schedule(post, attempt("p1", () => postHash)),
    limiter.schedule(patch, attempt("q1", () => "shared")),
    limiter.schedule(post, attempt("p2", () => postHash)),
    limiter.schedule(patch, attempt("q2", () => "shared")),
    limiter.schedule(post, attempt("p3", () => postHash)),
  ]);
  await clock.flushMicrotasks();
  assert.equal(limiter.bucketHash(post.key), "own");
  assert.equal(limiter.bucketState(post)?.id, "own:channels/1");
  // p2 and p3 wait for the new bucket's window; the shared bucket, left
  // with q1 and q2, sent q1 at once.
  assert.equal(limiter.bucketState(post)?.queued, 2);
  assert.equal(limiter.bucketState(patch)?.queued, 1);
  await clock.advance(3000);
  await rest;
  assert.deepEqual(sent, ["p0", "q0", "p1", "q1", "p2", "q2", "p3"]);
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter keeps the hashes of the routes answered last, not of every route ever answered", async () => {
  // Every route key stayed in the table: 100,000 interaction callbacks (a
  // key each, before their keys dropped the id) grew the heap by 10.9 MB.
  // Keys leave out the major id, so only free-form segments make new ones.
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 1e9 });
  const route = (i: number) => parseRoute("POST", `/free/form${i}`);
  const sent: number[] = [];
  const hashed = (i: number) =>
    limiter.schedule(route(i), answer(sent, i, () => ({ bucket: "h" })));
  for (let i = 0; i < MAX_ROUTE_HASHES; i++) await hashed(i);
  // Channel 0 is answered again, so channels 1 and 2 are now the oldest.
  await hashed(0);
  await hashed(MAX_ROUTE_HASHES);
  await hashed(MAX_ROUTE_HASHES + 1);
  const hash = (i: number) => limiter.bucketHash(route(i).key);
  assert.equal(hash(0), "h");
  assert.equal(hash(1), undefined);
  assert.equal(hash(2), undefined);
  assert.equal(hash(3), "h");
  assert.equal(hash(MAX_ROUTE_HASHES + 1), "h");
  let kept = 0;
  for (let i = 0; i <= MAX_ROUTE_HASHES + 1; i++) if (hash(i)) kept++;
  assert.equal(kept, MAX_ROUTE_HASHES);
  // A forgotten route learns its hash again from its next answer.
  await hashed(1);
  assert.equal(hash(1), "h");
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter: answers naming the global scope without a 429 pause leave the other buckets alone", async () => {
  // Each one re-pumped every bucket: 16,000 such 200s over 16,000 buckets
  // waiting for their window took 7.1 s; now 0.06 s.
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 1e9 });
  const count = 16_000;
  const sent: number[] = [];
  const windowFull = (): RateLimitInfo => ({
    bucket: "h",
    limit: 1,
    remaining: 0,
    resetAfter: 60_000,
  });
  for (let i = 0; i < count; i++) {
    const route = parseRoute("POST", `/channels/${i + 1}/messages`);
    // The first is answered with a full window; the second waits it out.
    limiter.schedule(route, answer(sent, i, windowFull));
    limiter.schedule(route, answer(sent, count + i, windowFull));
  }
  await clock.flushMicrotasks();
  assert.equal(sent.length, count);
  const gateway = parseRoute("GET", "/gateway");
  await Promise.all(
    Array.from(
      { length: count },
      (_, i) =>
        limiter.schedule(
          gateway,
          answer(sent, 2 * count + i, () => ({ scope: "global" })),
        ),
    ),
  );
  assert.equal(limiter.globalPausedUntil, -Infinity);
  // Every bucket still waits for its own window, on its one timer (running
  // those 16,000 virtual timers would cost the fake clock more than this).
  assert.equal(sent.length, 2 * count);
  assert.equal(clock.pending, count);
  assert.equal(
    limiter.bucketState(parseRoute("POST", "/channels/1/messages"))?.queued,
    1,
  );
});

Deno.test("RateLimiter: an answer naming the global scope without a 429 pause is read for its bucket's count, and reports no global pause", async () => {
  // Discord sends the scope on 429s alone; a peer's 200 saying it (with
  // X-RateLimit-Global) still tells its bucket's window.
  const clock = new VirtualScheduler();
  const events: RateLimiterEvent[] = [];
  const limiter = new RateLimiter({
    scheduler: clock,
    onEvent: (event) => events.push(event),
  });
  const route = parseRoute("POST", "/channels/1/messages");
  const { sent, attempt, answer } = heldAttempts(clock);
  limiter.schedule(route, attempt("a"));
  limiter.schedule(route, attempt("b"));
  await clock.flushMicrotasks();
  await answer("a", {
    bucket: "h",
    limit: 1,
    remaining: 0,
    resetAfter: 2000,
    scope: "global",
  });
  assert.equal(limiter.globalPausedUntil, -Infinity);
  assert.deepEqual(events.map((event) => event.type), ["bucket_learned"]);
  await clock.advance(1999);
  assert.deepEqual(sent.map(([name]) => name), ["a"], "b waits for the reset");
  await clock.advance(1);
  assert.deepEqual(sent, [["a", 0], ["b", 2000]]);
});

Deno.test("RateLimiter never takes an X-RateLimit-Remaining above X-RateLimit-Limit", async () => {
  // A peer said 50 left of 5: the limiter sent 50 at once (the server
  // answered 45 of them 429 in a loopback run).
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 1e9 });
  const route = parseRoute("GET", "/channels/1/messages");
  const { sent, attempt, answer } = heldAttempts(clock);
  for (let i = 0; i < 10; i++) limiter.schedule(route, attempt(`j${i}`));
  await clock.flushMicrotasks();
  assert.equal(sent.length, 1, "one at a time while remaining is unknown");
  await answer("j0", {
    bucket: "h",
    limit: 5,
    remaining: 50,
    resetAfter: 1000,
  });
  assert.equal(limiter.bucketState(route)?.remaining, 0);
  assert.equal(sent.length, 6, "five more, not all nine");
});

Deno.test("RateLimiter: when an answer maps a route to another bucket, the requests still in flight from the old one count against what it says remains", async () => {
  // Discord names a new hash while the route's requests sent under the old
  // one are still out: the new bucket took `remaining` whole and sent that
  // many more at once, into a window they had used (40 of 60 requests
  // answered 429 in a loopback run with a hash flipping each window).
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 1e9 });
  const route = parseRoute("GET", "/channels/1/messages");
  const { sent, attempt, answer } = heldAttempts(clock);
  for (let i = 0; i < 12; i++) limiter.schedule(route, attempt(`j${i}`));
  await clock.flushMicrotasks();
  await answer("j0", { bucket: "a", limit: 5, remaining: 4, resetAfter: 1000 });
  assert.equal(sent.length, 5, "j1..j4 in flight from bucket a");
  // j1's answer: the route is now bucket b, 3 left in this window. j2..j4,
  // still in flight, will take those 3.
  await answer("j1", { bucket: "b", limit: 5, remaining: 3, resetAfter: 900 });
  assert.equal(limiter.bucketState(route)?.id, "b:channels/1");
  assert.equal(limiter.bucketState(route)?.remaining, 0);
  assert.equal(sent.length, 5, "nothing more sent into the used window");
  for (const name of ["j2", "j3", "j4"]) {
    await answer(name, {
      bucket: "b",
      limit: 5,
      remaining: 0,
      resetAfter: 900,
    });
  }
  assert.equal(sent.length, 5);
  // The new window: five go out together.
  await clock.advance(900);
  assert.deepEqual(sent.slice(5).map(([, at]) => at), [
    900,
    900,
    900,
    900,
    900,
  ]);
});

// At the reset itself the window is over too, as the pump has it.
for (const at of [150, 100]) {
  Deno.test(`RateLimiter: a route mapped back to a bucket whose window is over (${at} ms, reset at 100) takes the answer's remaining and reset, not the old window's`, async () => {
    const clock = new VirtualScheduler();
    const limiter = new RateLimiter({ scheduler: clock, globalLimit: 1e9 });
    const pins = parseRoute("GET", "/channels/1/pins");
    const messages = parseRoute("GET", "/channels/1/messages");
    const { sent, attempt, answer } = heldAttempts(clock);
    // Bucket a (pins): its window used up, and p1 still in flight from it,
    // so the bucket is kept after its reset at 100.
    limiter.schedule(pins, attempt("p0"));
    limiter.schedule(pins, attempt("p1"));
    await clock.flushMicrotasks();
    await answer("p0", {
      bucket: "a",
      limit: 3,
      remaining: 1,
      resetAfter: 100,
    });
    assert.deepEqual(limiter.bucketState(pins)?.remaining, 0);
    // Messages use bucket b, one request per window.
    limiter.schedule(messages, attempt("m0"));
    await clock.flushMicrotasks();
    await answer("m0", {
      bucket: "b",
      limit: 1,
      remaining: 0,
      resetAfter: 100,
    });
    await clock.advance(at);
    for (let i = 1; i <= 3; i++) limiter.schedule(messages, attempt(`m${i}`));
    await clock.flushMicrotasks();
    assert.deepEqual(sent.map(([name]) => name), ["p0", "p1", "m0", "m1"]);
    // m1's answer maps messages to bucket a again: 2 left of a new window of
    // 1 s. The old window's count (0 left, over at 100) no longer holds.
    await answer("m1", {
      bucket: "a",
      limit: 3,
      remaining: 2,
      resetAfter: 1000,
    });
    assert.equal(limiter.bucketState(messages)?.id, "a:channels/1");
    assert.deepEqual(sent.slice(4), [["m2", at], ["m3", at]]);
    await answer("p1", {
      bucket: "a",
      limit: 3,
      remaining: 0,
      resetAfter: 1000,
    });
    await answer("m2", {
      bucket: "a",
      limit: 3,
      remaining: 0,
      resetAfter: 1000,
    });
    await answer("m3", {
      bucket: "a",
      limit: 3,
      remaining: 0,
      resetAfter: 1000,
    });
  });
}

Deno.test("RateLimiter: an answer of 0 left without a reset lets one request ask, and that one's answer sets the count again", async () => {
  // No X-RateLimit-Reset-After with nothing left: no reset to wait for, so
  // the next request goes alone to learn the window, and what its answer
  // says is left goes out at once.
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 1e9 });
  const route = parseRoute("GET", "/channels/1/messages");
  const { sent, attempt, answer } = heldAttempts(clock);
  for (let i = 0; i < 5; i++) limiter.schedule(route, attempt(`j${i}`));
  await clock.flushMicrotasks();
  await answer("j0", { bucket: "h", limit: 5, remaining: 0 });
  assert.deepEqual(sent.map(([name]) => name), ["j0", "j1"], "one asks");
  await answer("j1", { bucket: "h", limit: 5, remaining: 3, resetAfter: 900 });
  assert.deepEqual(sent.map(([name]) => name), ["j0", "j1", "j2", "j3", "j4"]);
  assert.equal(limiter.bucketState(route)?.remaining, 0);
  for (const name of ["j2", "j3", "j4"]) {
    await answer(name, { bucket: "h", limit: 5, remaining: 0 });
  }
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter: before a hash is known, each interaction's callback, each token of a webhook and a channel's old-message deletes have their own bucket", async () => {
  // Their route keys leave the interaction id and the token out (one key
  // per route, not per interaction): keyed by it alone, every callback
  // waited for the one in flight before it, one at a time.
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 1e9 });
  const now = Date.UTC(2026, 0, 1);
  const old = String(BigInt(Date.UTC(2025, 0, 1) - DISCORD_EPOCH) << 22n);
  const young = String(BigInt(now - 1000 - DISCORD_EPOCH) << 22n);
  const routes = [
    parseRoute("POST", "/interactions/1/tok1/callback"),
    parseRoute("POST", "/interactions/2/tok2/callback"),
    parseRoute("POST", "/webhooks/3/tokA"),
    parseRoute("POST", "/webhooks/3/tokB"),
    parseRoute("DELETE", `/channels/4/messages/${old}`, { now }),
    parseRoute("DELETE", `/channels/4/messages/${young}`, { now }),
  ];
  const { sent, attempt, answer } = heldAttempts(clock);
  routes.forEach((route, i) => limiter.schedule(route, attempt(`r${i}`)));
  await clock.flushMicrotasks();
  assert.deepEqual(sent.map(([name]) => name), [
    "r0",
    "r1",
    "r2",
    "r3",
    "r4",
    "r5",
  ]);
  for (const [name] of sent) await answer(name, {});
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter: an answer without a reset, come after its bucket's window ended, is the new window's count: its requests left are sent, not the whole limit", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 1e9 });
  const route = parseRoute("GET", "/channels/1/messages");
  const { sent, attempt, answer } = heldAttempts(clock);
  limiter.schedule(route, attempt("a"));
  await clock.flushMicrotasks();
  await answer("a", { bucket: "h", limit: 5, remaining: 4, resetAfter: 100 });
  await clock.advance(50);
  limiter.schedule(route, attempt("b1"));
  limiter.schedule(route, attempt("b2"));
  await clock.flushMicrotasks();
  // b1 is answered after the window's end at 100, with no reset of its
  // own; b2, still in flight, keeps the bucket.
  await clock.advance(100);
  await answer("b1", { bucket: "h", limit: 5, remaining: 2 });
  for (let i = 0; i < 5; i++) limiter.schedule(route, attempt(`c${i}`));
  await clock.flushMicrotasks();
  assert.deepEqual(sent.slice(3).map(([name]) => name), ["c0", "c1"]);
  // The rest, as the answers allow: no reset known, one asks first.
  for (const name of ["b2", "c0", "c1", "c2", "c3", "c4"]) {
    await answer(name, { bucket: "h", limit: 5, remaining: 5 });
  }
  assert.equal(sent.length, 8);
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter: an answer counting fewer requests than were sent (others still in flight) does not raise the count kept", async () => {
  // Answered before the requests sent after it reached the server, its
  // X-RateLimit-Remaining is higher than what is left: trusted, it let
  // another burst into a window already used.
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 1e9 });
  const route = parseRoute("GET", "/channels/1/messages");
  const { sent, attempt, answer } = heldAttempts(clock);
  for (let i = 0; i < 8; i++) limiter.schedule(route, attempt(`j${i}`));
  await clock.flushMicrotasks();
  await answer("j0", { bucket: "h", limit: 5, remaining: 4, resetAfter: 900 });
  assert.equal(sent.length, 5, "j1..j4 take the 4 left");
  await answer("j1", { bucket: "h", limit: 5, remaining: 3, resetAfter: 900 });
  assert.equal(limiter.bucketState(route)?.remaining, 0);
  assert.equal(sent.length, 5);
  for (const name of ["j2", "j3", "j4"]) {
    await answer(name, {
      bucket: "h",
      limit: 5,
      remaining: 0,
      resetAfter: 900,
    });
  }
  await clock.advance(900);
  assert.equal(sent.length, 8);
  for (const name of ["j5", "j6", "j7"]) {
    await answer(name, {
      bucket: "h",
      limit: 5,
      remaining: 2,
      resetAfter: 900,
    });
  }
});

Deno.test("RateLimiter: an answer that counts the requests still in flight is taken as it says: they are not taken off the bucket's count again", async () => {
  // The local count already went down for each request sent; an answer
  // that came after the others reached the server says what is left.
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 1e9 });
  const route = parseRoute("GET", "/channels/1/messages");
  const window = { bucket: "h", limit: 10, resetAfter: 900 };
  const { attempt, answer } = heldAttempts(clock);
  limiter.schedule(route, attempt("j0"));
  await clock.flushMicrotasks();
  await answer("j0", { ...window, remaining: 9 });
  for (let i = 1; i <= 3; i++) limiter.schedule(route, attempt(`j${i}`));
  await clock.flushMicrotasks();
  assert.equal(limiter.bucketState(route)?.remaining, 6);
  // j1's answer: Discord had counted j1, j2 and j3, 6 left.
  await answer("j1", { ...window, remaining: 6 });
  assert.equal(limiter.bucketState(route)?.remaining, 6);
  await answer("j2", { ...window, remaining: 6 });
  await answer("j3", { ...window, remaining: 6 });
  assert.equal(limiter.bucketState(route)?.remaining, 6);
});

Deno.test("RateLimiter: a success naming a bucket but no count leaves the bucket one request at a time, not unlimited", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 1e9 });
  const route = parseRoute("GET", "/channels/1/messages");
  const { sent, attempt, answer } = heldAttempts(clock);
  for (let i = 0; i < 3; i++) limiter.schedule(route, attempt(`j${i}`));
  await clock.flushMicrotasks();
  await answer("j0", { bucket: "h" });
  assert.deepEqual(sent.map(([name]) => name), ["j0", "j1"]);
  await answer("j1", { bucket: "h" });
  await answer("j2", { bucket: "h" });
  assert.equal(sent.length, 3);
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter: a failure without rate-limit headers does not make its bucket unlimited, as a success without them does", async () => {
  // A 404 or a proxy's 502 comes without X-RateLimit-*: it tells nothing
  // of the route's limit, unlike a success.
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 1e9 });
  const route = parseRoute("GET", "/channels/1/messages");
  const sent: string[] = [];
  const failing = (): Promise<AttemptResult<string>> => {
    sent.push("failed");
    return Promise.resolve({
      type: "failure",
      error: new Error("not found"),
      rateLimit: {},
    });
  };
  const { attempt, answer } = heldAttempts(clock);
  const held = (name: string) => (): Promise<AttemptResult<string>> => {
    sent.push(name);
    return attempt(name)();
  };
  const failed = assert.rejects(limiter.schedule(route, failing), /not found/);
  for (const name of ["a", "b"]) limiter.schedule(route, held(name));
  await failed;
  await clock.flushMicrotasks();
  assert.deepEqual(sent, ["failed", "a"], "one at a time, the limit unknown");
  await answer("a", {});
  assert.deepEqual(sent, ["failed", "a", "b"]);
  await answer("b", {});
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter: when an answer moves its route to another hash, the bucket it was sent from lets its other routes' requests go", async () => {
  // They waited for that answer (the bucket's count unknown): nothing else
  // would wake them.
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 1e9 });
  const post = (channel: number): RouteInfo =>
    parseRoute("POST", `/channels/${channel}/messages`);
  const patch = (channel: number): RouteInfo =>
    parseRoute("PATCH", `/channels/${channel}/messages/5`);
  const { sent, attempt, answer } = heldAttempts(clock);
  const window = { limit: 5, remaining: 4, resetAfter: 1000 };
  // Both routes learn the hash h on channel 9.
  limiter.schedule(post(9), attempt("p9"));
  limiter.schedule(patch(9), attempt("q9"));
  await clock.flushMicrotasks();
  await answer("p9", { bucket: "h", ...window });
  await answer("q9", { bucket: "h", ...window });
  // Channel 1's bucket h:channels/1 is new: one request at a time.
  limiter.schedule(post(1), attempt("p1"));
  limiter.schedule(patch(1), attempt("q1"));
  await clock.flushMicrotasks();
  assert.deepEqual(sent.slice(2).map(([name]) => name), ["p1"]);
  // p1's answer moves the POST route to the hash h2.
  await answer("p1", { bucket: "h2", ...window });
  assert.deepEqual(sent.slice(2).map(([name]) => name), ["p1", "q1"]);
  await answer("q1", { bucket: "h", ...window });
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter: a success without rate-limit headers leaves its route unlimited: what waits goes at once", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 1e9 });
  const route = parseRoute("GET", "/gateway");
  const { sent, attempt, answer } = heldAttempts(clock);
  for (let i = 0; i < 4; i++) limiter.schedule(route, attempt(`j${i}`));
  await clock.flushMicrotasks();
  await answer("j0", {});
  assert.deepEqual(sent.map(([name]) => name), ["j0", "j1", "j2", "j3"]);
  for (const name of ["j1", "j2", "j3"]) await answer(name, {});
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter: a 429 saying nothing is left holds its bucket until its retry_after, not its earlier reset, even once its request failed", async () => {
  // Failed (its wait past what the caller allows), the request no longer
  // holds its lane: the bucket's reset alone let the next one out at 100
  // ms, into the 429's 3 s.
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 1e9 });
  const route = parseRoute("PATCH", "/channels/1");
  const sent: number[] = [];
  const limited = (): Promise<AttemptResult<string>> => {
    sent.push(clock.now());
    return Promise.resolve({
      type: "failure",
      error: new Error("429"),
      rateLimit: {
        bucket: "h",
        limit: 5,
        remaining: 0,
        resetAfter: 100,
        retryAfter: 3000,
      },
    });
  };
  const ok = (): Promise<AttemptResult<string>> => {
    sent.push(clock.now());
    return Promise.resolve({ type: "success", value: "ok", rateLimit: {} });
  };
  const failed = assert.rejects(limiter.schedule(route, limited), /429/);
  const next = limiter.schedule(route, ok);
  await failed;
  await clock.advance(3000);
  assert.equal(await next, "ok");
  assert.deepEqual(sent, [0, 3000]);
});

Deno.test("RateLimiter: a 429 holds its bucket until its reset or its retry_after, whichever is later, with or without X-RateLimit-Remaining", async (t) => {
  const cases: [string, RateLimitInfo, number][] = [
    ["no remaining", { bucket: "h", retryAfter: 3000 }, 3000],
    ["a later reset", {
      bucket: "h",
      limit: 5,
      remaining: 0,
      resetAfter: 5000,
      retryAfter: 1000,
    }, 5000],
  ];
  for (const [name, rateLimit, until] of cases) {
    await t.step(name, async () => {
      const clock = new VirtualScheduler();
      const limiter = new RateLimiter({ scheduler: clock, globalLimit: 1e9 });
      const route = parseRoute("PATCH", "/channels/1");
      const sent: number[] = [];
      const failed = assert.rejects(
        limiter.schedule(route, (): Promise<AttemptResult<string>> => {
          sent.push(clock.now());
          return Promise.resolve({
            type: "failure",
            error: new Error("429"),
            rateLimit,
          });
        }),
        /429/,
      );
      const next = limiter.schedule(
        route,
        (): Promise<AttemptResult<string>> => {
          sent.push(clock.now());
          return Promise.resolve({
            type: "success",
            value: "ok",
            rateLimit: {},
          });
        },
      );
      await failed;
      await clock.advance(until);
      assert.equal(await next, "ok");
      assert.deepEqual(sent, [0, until]);
    });
  }
});

Deno.test("RateLimiter: a global 429 asking for less than the pause already running does not shorten it", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const answers: ((result: AttemptResult<string>) => void)[] = [];
  const held = (): Promise<AttemptResult<string>> =>
    new Promise((resolve) => answers.push(resolve));
  const calls = [1, 2].map((channel) =>
    limiter.schedule(parseRoute("GET", `/channels/${channel}`), held)
  );
  await clock.flushMicrotasks();
  for (const retryAfter of [3000, 500]) {
    answers.shift()!({
      type: "failure",
      error: new Error("global 429"),
      rateLimit: { scope: "global", retryAfter },
    });
    await clock.flushMicrotasks();
  }
  assert.equal(limiter.globalPausedUntil, 3000);
  for (const call of calls) await assert.rejects(call, /global 429/);
});
