// What a bot author relies on from the rate limiter's queues
// (`_limiter_queue.ts`): a queued call aborted or failed unsent leaves its
// lane at once, wherever it stands in it, without holding back the jobs
// behind it, leaving a timer armed for nothing or a listener on its signal;
// the others still go out in their order; a job waiting for a reset is
// asked its `refuse` check as one not yet sent; `bucketState` shows where a
// route's jobs wait. Time is the virtual scheduler's.
import assert from "node:assert/strict";
import { abortListenerCount } from "../../base/abort_fanout.ts";
import { type AttemptResult, RateLimiter } from "../../rest/rate_limiter.ts";
import type { RateLimitInfo } from "../../rest/rate_limit_headers.ts";
import { parseRoute } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** Attempts that record `<time> <name>` when sent and answer at once. */
function recorded(
  clock: VirtualScheduler,
  sent: string[],
  rateLimit?: RateLimitInfo,
): (name: string) => () => Promise<AttemptResult<string>> {
  return (name) => (): Promise<AttemptResult<string>> => {
    sent.push(`${clock.now()} ${name}`);
    return Promise.resolve({
      type: "success",
      value: name,
      ...(rateLimit ? { rateLimit } : {}),
    });
  };
}

Deno.test("RateLimiter: a retry aborted while it waits out its delay at the head of the bucket lets the jobs behind it go at once", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const route = parseRoute("POST", "/channels/1/messages");
  const sent: string[] = [];
  const controller = new AbortController();
  const retried = limiter.schedule(
    route,
    (): Promise<AttemptResult<string>> => {
      sent.push(`${clock.now()} a`);
      // A 5xx: sent again in 5 s, holding its bucket meanwhile.
      return Promise.resolve({ type: "retry", delay: 5000 });
    },
    controller.signal,
  );
  const behind = limiter.schedule(route, recorded(clock, sent)("b"));
  await clock.flushMicrotasks();
  assert.deepEqual(sent, ["0 a"]);
  await clock.advance(100);
  assert.deepEqual(sent, ["0 a"], "b waits behind the retry");

  controller.abort(new Error("not needed"));
  await assert.rejects(retried, { message: "not needed" });
  assert.equal(await behind, "b");
  assert.deepEqual(sent, ["0 a", "100 b"], "b goes at the abort, not at 5000");
  assert.equal(abortListenerCount(controller.signal), 0);
  assert.equal(clock.pending, 0, "no timer left for the aborted retry");
  assert.equal(limiter.bucketState(route), undefined, "the idle bucket goes");
});

Deno.test("RateLimiter: the only job waiting for a bucket's reset, aborted, leaves no timer armed and the bucket empty", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const route = parseRoute("POST", "/channels/1/messages");
  const sent: string[] = [];
  const attempt = recorded(clock, sent, {
    bucket: "h",
    limit: 1,
    remaining: 0,
    resetAfter: 60_000,
  });
  assert.equal(await limiter.schedule(route, attempt("a")), "a");
  const controller = new AbortController();
  const waiting = limiter.schedule(route, attempt("b"), controller.signal);
  assert.equal(limiter.bucketState(route)?.queued, 1);
  assert.equal(clock.pending, 1, "a timer for the reset");

  controller.abort(new Error("gave up"));
  await assert.rejects(waiting, { message: "gave up" });
  assert.equal(limiter.bucketState(route)?.queued, 0);
  assert.equal(clock.pending, 0, "nothing left to wake for");
  assert.equal(abortListenerCount(controller.signal), 0);
  await clock.advance(60_000);
  assert.deepEqual(sent, ["0 a"]);
});

Deno.test("RateLimiter: a job aborted from the middle of its lane leaves the ones before and after it in their order", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const route = parseRoute("POST", "/channels/1/messages");
  const sent: string[] = [];
  const attempt = recorded(clock, sent, {
    bucket: "h",
    limit: 1,
    remaining: 0,
    resetAfter: 1000,
  });
  const controller = new AbortController();
  const a = limiter.schedule(route, attempt("a"));
  const b = limiter.schedule(route, attempt("b"));
  const c = limiter.schedule(route, attempt("c"), controller.signal);
  const d = limiter.schedule(route, attempt("d"));
  await clock.flushMicrotasks();
  assert.equal(limiter.bucketState(route)?.queued, 3, "b, c, d wait");

  controller.abort(new Error("not needed"));
  await assert.rejects(c, { message: "not needed" });
  assert.equal(limiter.bucketState(route)?.queued, 2);
  await clock.advance(2000);
  assert.deepEqual(await Promise.all([a, b, d]), ["a", "b", "d"]);
  assert.deepEqual(sent, ["0 a", "1000 b", "2000 d"]);
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter: a job its checks refuse unsent leaves no listener on its signal", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const route = parseRoute("POST", "/channels/1/messages");
  const sent: string[] = [];
  const attempt = recorded(clock, sent, {
    bucket: "h",
    limit: 1,
    remaining: 0,
    resetAfter: 60_000,
  });
  const signal = new AbortController().signal;
  // Refused as it is about to wait: a bucket reset too far off.
  assert.equal(await limiter.schedule(route, attempt("a")), "a");
  const tooLong = limiter.schedule(route, attempt("b"), signal, undefined, {
    waitRefusal: (waitFor) => new Error(`would wait ${waitFor} ms`),
  });
  await assert.rejects(tooLong, { message: "would wait 60000 ms" });
  assert.equal(abortListenerCount(signal), 0, "after a wait refusal");
  // Refused at its turn by its own check.
  const other = parseRoute("POST", "/channels/2/messages");
  const refused = limiter.schedule(other, attempt("c"), signal, undefined, {
    refuse: () => new Error("refused"),
  });
  await assert.rejects(refused, { message: "refused" });
  assert.equal(abortListenerCount(signal), 0, "after a refusal");
  assert.deepEqual(sent, ["0 a"]);
  await clock.advance(60_000);
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter: a request aborted in flight and answered with a retry is not sent again, and leaves no listener", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const route = parseRoute("POST", "/channels/1/messages");
  const sent: string[] = [];
  const controller = new AbortController();
  let answer: ((result: AttemptResult<string>) => void) | undefined;
  const call = limiter.schedule(
    route,
    (): Promise<AttemptResult<string>> => {
      sent.push(`${clock.now()} a`);
      return new Promise((resolve) => answer = resolve);
    },
    controller.signal,
  );
  const behind = limiter.schedule(route, recorded(clock, sent)("b"));
  await clock.flushMicrotasks();
  assert.deepEqual(sent, ["0 a"]);
  // Aborted in flight: the attempt sees the signal, the limiter keeps it.
  controller.abort(new Error("not needed"));
  await clock.flushMicrotasks();
  assert.equal(limiter.bucketState(route)?.inFlight, 1);
  answer!({ type: "retry", delay: 5000 });
  await assert.rejects(call, { message: "not needed" });
  assert.equal(await behind, "b");
  assert.deepEqual(sent, ["0 a", "0 b"], "not queued again for 5 s");
  assert.equal(abortListenerCount(controller.signal), 0);
  await clock.advance(5000);
  assert.deepEqual(sent, ["0 a", "0 b"]);
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter: a request aborted in flight and answered with a value still resolves, and leaves no listener", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const route = parseRoute("POST", "/channels/1/messages");
  const controller = new AbortController();
  let answer: ((result: AttemptResult<string>) => void) | undefined;
  const call = limiter.schedule(
    route,
    (): Promise<AttemptResult<string>> =>
      new Promise((resolve) => answer = resolve),
    controller.signal,
  );
  await clock.flushMicrotasks();
  controller.abort(new Error("too late"));
  await clock.flushMicrotasks();
  answer!({ type: "success", value: "done" });
  assert.equal(await call, "done");
  assert.equal(abortListenerCount(controller.signal), 0);
  assert.equal(limiter.bucketState(route), undefined);
});

Deno.test("RateLimiter.bucketState shows the bucket a route's queued jobs wait in, after another major parameter's answer changed the route's hash", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const one = parseRoute("POST", "/channels/1/messages");
  const two = parseRoute("POST", "/channels/2/messages");
  const sent: string[] = [];
  const spent = (bucket: string, resetAfter: number): RateLimitInfo => ({
    bucket,
    limit: 1,
    remaining: 0,
    resetAfter,
  });
  await limiter.schedule(one, recorded(clock, sent, spent("a", 1000))("1a"));
  await limiter.schedule(two, recorded(clock, sent, spent("a", 5000))("2a"));
  const waiting = limiter.schedule(
    two,
    recorded(clock, sent, spent("b", 1000))("2b"),
  );
  const moved = limiter.schedule(
    one,
    recorded(clock, sent, spent("b", 1000))("1b"),
  );
  await clock.advance(1000);
  assert.equal(await moved, "1b");
  assert.equal(limiter.bucketHash(two.key), "b");
  // Channel 2's job still waits where it was queued, for its reset.
  const state = limiter.bucketState(two);
  assert.equal(state?.id, "a:channels/2");
  assert.equal(state?.queued, 1);
  assert.equal(state?.resetAt, 5000);
  await clock.advance(4000);
  assert.equal(await waiting, "2b");
  assert.deepEqual(sent, ["0 1a", "0 2a", "1000 1b", "5000 2b"]);
});

Deno.test("RateLimiter: a job waiting for its bucket's reset is asked its refuse check as not yet sending, then as sending when it goes", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const route = parseRoute("POST", "/channels/1/messages");
  const sent: string[] = [];
  const attempt = recorded(clock, sent, {
    bucket: "h",
    limit: 1,
    remaining: 0,
    resetAfter: 1000,
  });
  assert.equal(await limiter.schedule(route, attempt("a")), "a");
  // Refused only as it would be sent, and only before 500 (the
  // invalid-request cap, for a while): waiting until 1000, it is not.
  const asked: string[] = [];
  const call = limiter.schedule(route, attempt("b"), undefined, undefined, {
    refuse: (sending) => {
      asked.push(`${clock.now()} ${sending}`);
      return sending && clock.now() < 500 ? new Error("refused") : undefined;
    },
  });
  await clock.advance(1000);
  assert.equal(await call, "b");
  assert.deepEqual(sent, ["0 a", "1000 b"]);
  assert.deepEqual(asked, ["0 false", "1000 false", "1000 true"]);
});

Deno.test("RateLimiter refuses a global window that is not a positive number of ms, and each global limit that is not a positive integer", () => {
  const clock = new VirtualScheduler();
  for (const globalWindow of [0, -1000, Number.NaN]) {
    assert.throws(
      () => new RateLimiter({ scheduler: clock, globalWindow }),
      {
        name: "RangeError",
        message:
          `Cannot create rate limiter as 'globalWindow' must be > 0: current value 'globalWindow=${globalWindow}'`,
      },
    );
  }
  for (const ipGlobalLimit of [0, -1, 1.5, Number.POSITIVE_INFINITY]) {
    assert.throws(
      () => new RateLimiter({ scheduler: clock, ipGlobalLimit }),
      {
        name: "RangeError",
        message:
          `Cannot create rate limiter as 'ipGlobalLimit' must be a positive integer: current value 'ipGlobalLimit=${ipGlobalLimit}'`,
      },
    );
  }
  assert.throws(
    () => new RateLimiter({ scheduler: clock, ipGlobalLimit: "50" as never }),
    { name: "TypeError", message: /'ipGlobalLimit="50"'/ },
  );
  // The smallest allowed: one request a window of 1 ms.
  const limiter = new RateLimiter({
    scheduler: clock,
    globalLimit: 1,
    ipGlobalLimit: 1,
    globalWindow: 1,
  });
  assert.equal(limiter.globalPausedUntil, -Infinity);
  assert.equal(limiter.ipGlobalPausedUntil, -Infinity);
});

Deno.test("RateLimiter: a waitRefusal check that throws fails the job with what it threw; the next job is asked in its turn", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const route = parseRoute("POST", "/channels/1/messages");
  const sent: string[] = [];
  const attempt = recorded(clock, sent, {
    bucket: "h",
    limit: 1,
    remaining: 0,
    resetAfter: 1000,
  });
  assert.equal(await limiter.schedule(route, attempt("a")), "a");
  const thrown = new Error("broken check");
  const failing = limiter.schedule(route, attempt("b"), undefined, undefined, {
    waitRefusal: () => {
      throw thrown;
    },
  });
  const waiting = limiter.schedule(route, attempt("c"), undefined, undefined, {
    waitRefusal: () => undefined,
  });
  await assert.rejects(failing, (error) => error === thrown);
  await clock.advance(1000);
  assert.equal(await waiting, "c");
  assert.deepEqual(sent, ["0 a", "1000 c"]);
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter: a global pause ending within a millisecond still holds a job that comes before its end", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const sent: number[] = [];
  await clock.advance(0.5);
  await assert.rejects(
    limiter.schedule(
      parseRoute("GET", "/users/@me"),
      (): Promise<AttemptResult<string>> =>
        Promise.resolve({
          type: "failure",
          error: new Error("429"),
          rateLimit: { scope: "global", retryAfter: 1000 },
        }),
    ),
    { message: "429" },
  );
  assert.equal(limiter.globalPausedUntil, 1000.5);
  await clock.advance(999.75);
  const call = limiter.schedule(
    parseRoute("GET", "/channels/1"),
    (): Promise<AttemptResult<string>> => {
      sent.push(clock.now());
      return Promise.resolve({ type: "success", value: "ok" });
    },
  );
  await clock.flushMicrotasks();
  assert.deepEqual(sent, [], "paused for another 0.25 ms");
  await clock.advance(0.25);
  assert.equal(await call, "ok");
  assert.deepEqual(sent, [1000.5]);
});
