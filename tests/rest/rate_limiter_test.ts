import assert from "node:assert/strict";
import { steppedClock } from "../_fakes/stepped_clock.ts";
import { delay } from "../../base/scheduler.ts";
import { type AttemptResult, RateLimiter } from "../../rest/rate_limiter.ts";
import {
  parseRateLimitHeaders,
  type RateLimitInfo,
} from "../../rest/rate_limit_headers.ts";
import { parseRoute } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

Deno.test("parseRateLimitHeaders reads Discord's headers", async (t) => {
  const rows: [string, Record<string, string>, RateLimitInfo][] = [
    ["none", {}, {}],
    ["all bucket headers", {
      "X-RateLimit-Bucket": "abcd1234",
      "X-RateLimit-Limit": "5",
      "X-RateLimit-Remaining": "0",
      "X-RateLimit-Reset": "1470173023.123",
      "X-RateLimit-Reset-After": "64.57",
    }, { bucket: "abcd1234", limit: 5, remaining: 0, resetAfter: 64_570 }],
    ["reset-after rounds up to whole ms", {
      "x-ratelimit-reset-after": "0.0001",
    }, {
      resetAfter: 1,
    }],
    ["user scope", { "x-ratelimit-scope": "user" }, { scope: "user" }],
    ["shared scope", { "x-ratelimit-scope": "shared" }, { scope: "shared" }],
    ["global flag", { "x-ratelimit-global": "true" }, { scope: "global" }],
    ["malformed numbers are dropped", {
      "x-ratelimit-limit": "lots",
      "x-ratelimit-remaining": "-1",
      "x-ratelimit-scope": "planet",
    }, {}],
  ];
  for (const [name, headers, expected] of rows) {
    await t.step(name, () => {
      assert.deepEqual(parseRateLimitHeaders(new Headers(headers)), expected);
    });
  }
});

/**
 * A server model for one bucket hash: `limit` requests per window that
 * starts at the first request, answering after `latency` ms.
 */
interface BucketModel {
  sent: { at: number; name: string }[];
  attempt: (name: string) => () => Promise<AttemptResult<string>>;
}

function bucketModel(
  clock: VirtualScheduler,
  options: { hash: string; limit: number; window: number; latency: number },
): BucketModel {
  let windowEnd = -Infinity;
  let used = 0;
  const sent: { at: number; name: string }[] = [];
  const attempt =
    (name: string) => async (): Promise<AttemptResult<string>> => {
      sent.push({ at: clock.now(), name });
      const now = clock.now();
      if (now >= windowEnd) {
        windowEnd = now + options.window;
        used = 0;
      }
      used++;
      const over = used > options.limit;
      const remaining = Math.max(0, options.limit - used);
      const end = windowEnd;
      await delay(clock, options.latency);
      // The server counts at arrival; the answer's reset-after is exact
      // when it is read.
      const rateLimit: RateLimitInfo = {
        bucket: options.hash,
        limit: options.limit,
        remaining,
        resetAfter: end - clock.now(),
      };
      if (over) return { type: "failure", error: new Error(`${name} overran`) };
      return { type: "success", value: name, rateLimit };
    };
  return { sent, attempt };
}

Deno.test("RateLimiter sends one at a time while remaining is unknown, then up to remaining, then waits for the reset", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const model = bucketModel(clock, {
    hash: "h",
    limit: 3,
    window: 1000,
    latency: 100,
  });
  const route = parseRoute("POST", "/channels/1/messages");
  const names = ["a", "b", "c", "d", "e"];
  const done = Promise.all(
    names.map((name) => limiter.schedule(route, model.attempt(name))),
  );
  await clock.advance(2000);
  assert.deepEqual(await done, names);
  assert.deepEqual(model.sent, [
    { at: 0, name: "a" }, // remaining unknown: alone
    { at: 100, name: "b" }, // a's answer said 2 left: both go at once
    { at: 100, name: "c" },
    { at: 1000, name: "d" }, // 0 left: wait for the reset
    { at: 1000, name: "e" },
  ]);
  assert.equal(limiter.bucketHash(route.key), "h");
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter lets routes that share a bucket hash share its limit", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const model = bucketModel(clock, {
    hash: "shared",
    limit: 2,
    window: 1000,
    latency: 10,
  });
  const post = parseRoute("POST", "/channels/1/messages");
  const patch = parseRoute("PATCH", "/channels/1/messages/5");
  // Learn both routes' hash first.
  await Promise.all([
    limiter.schedule(post, model.attempt("p1")),
    clock.advance(10),
  ]);
  await Promise.all([
    limiter.schedule(patch, model.attempt("q1")),
    clock.advance(10),
  ]);
  assert.equal(limiter.bucketHash(post.key), "shared");
  assert.equal(limiter.bucketHash(patch.key), "shared");
  assert.equal(
    limiter.bucketState(post)?.id,
    limiter.bucketState(patch)?.id,
  );
  // The window (2 per 1000 ms from t=0) is used up by p1 and q1.
  const done = Promise.all([
    limiter.schedule(post, model.attempt("p2")),
    limiter.schedule(patch, model.attempt("q2")),
    limiter.schedule(post, model.attempt("p3")),
  ]);
  await clock.advance(3000);
  assert.deepEqual(await done, ["p2", "q2", "p3"]);
  assert.deepEqual(model.sent.map((s) => [s.at, s.name]), [
    [0, "p1"],
    [10, "q1"],
    [1000, "p2"],
    [1000, "q2"],
    [2000, "p3"],
  ]);
});

Deno.test("RateLimiter keeps other major parameters apart under one hash", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const sent: [number, string][] = [];
  const attempt = (name: string) => (): Promise<AttemptResult<string>> => {
    sent.push([clock.now(), name]);
    return Promise.resolve({
      type: "success",
      value: name,
      rateLimit: { bucket: "h", limit: 1, remaining: 0, resetAfter: 1000 },
    });
  };
  const one = parseRoute("POST", "/channels/1/messages");
  const two = parseRoute("POST", "/channels/2/messages");
  const done = Promise.all([
    limiter.schedule(one, attempt("1a")),
    limiter.schedule(one, attempt("1b")),
    limiter.schedule(two, attempt("2a")),
  ]);
  await clock.advance(1000);
  await done;
  assert.deepEqual(sent, [[0, "1a"], [0, "2a"], [1000, "1b"]]);
});

Deno.test("RateLimiter holds to the global limit, except for interaction callbacks", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 2 });
  const sent: [number, string][] = [];
  const attempt = (name: string) => (): Promise<AttemptResult<string>> => {
    sent.push([clock.now(), name]);
    return Promise.resolve({ type: "success", value: name, rateLimit: {} });
  };
  const done = Promise.all([
    limiter.schedule(parseRoute("GET", "/channels/1"), attempt("a")),
    limiter.schedule(parseRoute("GET", "/channels/2"), attempt("b")),
    limiter.schedule(parseRoute("GET", "/channels/3"), attempt("c")),
    limiter.schedule(
      parseRoute("POST", "/interactions/4/tok/callback"),
      attempt("callback"),
    ),
  ]);
  await clock.advance(1000);
  await done;
  assert.deepEqual(sent, [[0, "a"], [0, "b"], [0, "callback"], [1000, "c"]]);
});

Deno.test("RateLimiter's global limit is a sliding window: never more than the limit in any window, across a window's edge too", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 5 });
  const sent: number[] = [];
  const attempt = (): Promise<AttemptResult<number>> => {
    sent.push(clock.now());
    return Promise.resolve({ type: "success", value: 0, rateLimit: {} });
  };
  const first = limiter.schedule(parseRoute("GET", "/channels/100"), attempt);
  await clock.advance(990);
  await first;
  const burst = Promise.all(
    Array.from(
      { length: 12 },
      (_, i) =>
        limiter.schedule(parseRoute("GET", `/channels/${i + 1}`), attempt),
    ),
  );
  await clock.advance(3000);
  await burst;
  assert.equal(sent.length, 13);
  for (const start of sent) {
    const inWindow = sent.filter((t) => t >= start && t < start + 1000);
    assert.ok(inWindow.length <= 5, `${inWindow.length} sent from ${start}`);
  }
  // Each send frees its slot 1 s later, not when a fixed window ends.
  assert.deepEqual(sent, [
    0,
    990,
    990,
    990,
    990,
    1000,
    1990,
    1990,
    1990,
    1990,
    2000,
    2990,
    2990,
  ]);
});

Deno.test("RateLimiter's global window runs from each send: slow answers (uploads) do not hold every request for their length", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 3 });
  const sent: number[] = [];
  const attempt = async (): Promise<AttemptResult<number>> => {
    sent.push(clock.now());
    await delay(clock, 10_000);
    return { type: "success", value: 0, rateLimit: {} };
  };
  const done = Promise.all(
    Array.from(
      { length: 6 },
      (_, i) =>
        limiter.schedule(parseRoute("GET", `/channels/${i + 1}`), attempt),
    ),
  );
  await clock.advance(20_000);
  await done;
  // The next three leave a second after the first three were sent, not
  // after their 10 s answers.
  assert.deepEqual(sent, [0, 0, 0, 1000, 1000, 1000]);
});

Deno.test("RateLimiter pauses every bucket after a global 429", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const sent: [number, string][] = [];
  let first = true;
  const limited = (): Promise<AttemptResult<string>> => {
    sent.push([clock.now(), "limited"]);
    if (first) {
      first = false;
      return Promise.resolve({
        type: "retry",
        delay: 3000,
        rateLimit: { retryAfter: 3000, scope: "global" },
      });
    }
    return Promise.resolve({ type: "success", value: "limited" });
  };
  const other = (name: string) => (): Promise<AttemptResult<string>> => {
    sent.push([clock.now(), name]);
    return Promise.resolve({ type: "success", value: name });
  };
  const a = limiter.schedule(parseRoute("GET", "/channels/1"), limited);
  await clock.advance(500);
  assert.equal(limiter.globalPausedUntil, 3000);
  const b = limiter.schedule(parseRoute("GET", "/guilds/2"), other("b"));
  const callback = limiter.schedule(
    parseRoute("POST", "/interactions/9/tok/callback"),
    other("callback"),
  );
  await clock.advance(3000);
  assert.deepEqual(await Promise.all([a, b, callback]), [
    "limited",
    "b",
    "callback",
  ]);
  assert.deepEqual(sent, [
    [0, "limited"],
    [500, "callback"], // not under the bot's global limit
    [3000, "limited"],
    [3000, "b"],
  ]);
});

Deno.test("RateLimiter: a global pause shorter than the global window ends into that window: the sends before the 429 still count", async () => {
  // Two a second; the 429 asks 500 ms. At its end, the two sent at 0 still
  // fill the window until 1000.
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 2 });
  const sent: [number, string][] = [];
  let limited = true;
  const attempt = (name: string) => (): Promise<AttemptResult<string>> => {
    sent.push([clock.now(), name]);
    if (name === "a" && limited) {
      limited = false;
      return Promise.resolve({
        type: "retry",
        delay: 500,
        rateLimit: { retryAfter: 500, scope: "global" },
      });
    }
    return Promise.resolve({ type: "success", value: name });
  };
  const jobs = [
    limiter.schedule(parseRoute("GET", "/channels/1"), attempt("a")),
    limiter.schedule(parseRoute("GET", "/channels/2"), attempt("b")),
  ];
  await clock.flushMicrotasks();
  assert.equal(limiter.globalPausedUntil, 500);
  jobs.push(limiter.schedule(parseRoute("GET", "/channels/3"), attempt("c")));
  await clock.advance(2000);
  await Promise.all(jobs);
  assert.deepEqual(sent, [[0, "a"], [0, "b"], [1000, "a"], [1000, "c"]]);
});

Deno.test("RateLimiter retries at the head of the bucket, so order holds", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const route = parseRoute("POST", "/channels/1/messages");
  const sent: [number, string][] = [];
  let retried = false;
  const a = (): Promise<AttemptResult<string>> => {
    sent.push([clock.now(), "a"]);
    if (!retried) {
      retried = true;
      return Promise.resolve({
        type: "retry",
        delay: 700,
        rateLimit: { bucket: "h", retryAfter: 700, scope: "user" },
      });
    }
    return Promise.resolve({
      type: "success",
      value: "a",
      rateLimit: { bucket: "h", limit: 5, remaining: 4, resetAfter: 1000 },
    });
  };
  const b = (): Promise<AttemptResult<string>> => {
    sent.push([clock.now(), "b"]);
    return Promise.resolve({
      type: "success",
      value: "b",
      rateLimit: { bucket: "h", limit: 5, remaining: 3, resetAfter: 1000 },
    });
  };
  const done = Promise.all([
    limiter.schedule(route, a),
    limiter.schedule(route, b),
  ]);
  await clock.advance(700);
  assert.deepEqual(await done, ["a", "b"]);
  assert.deepEqual(sent, [[0, "a"], [700, "a"], [700, "b"]]);
});

Deno.test("RateLimiter drops an aborted job from its queue", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const route = parseRoute("POST", "/channels/1/messages");
  const sent: string[] = [];
  const attempt = (name: string) => (): Promise<AttemptResult<string>> => {
    sent.push(name);
    return Promise.resolve({
      type: "success",
      value: name,
      rateLimit: { bucket: "h", limit: 1, remaining: 0, resetAfter: 1000 },
    });
  };
  const controller = new AbortController();
  const a = limiter.schedule(route, attempt("a"));
  const b = limiter.schedule(route, attempt("b"), controller.signal);
  const c = limiter.schedule(route, attempt("c"));
  await clock.advance(100);
  controller.abort(new Error("not needed"));
  await assert.rejects(b, { message: "not needed" });
  await clock.advance(900);
  assert.deepEqual(await Promise.all([a, c]), ["a", "c"]);
  assert.deepEqual(sent, ["a", "c"]);
  await assert.rejects(
    limiter.schedule(route, attempt("d"), controller.signal),
    { message: "not needed" },
  );
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter rejects bad global limits; one given as a string is a TypeError that quotes it", () => {
  const clock = new VirtualScheduler();
  assert.throws(() => new RateLimiter({ scheduler: clock, globalLimit: 0 }), {
    name: "RangeError",
    message:
      "Cannot create rate limiter as 'globalLimit' must be a positive integer: current value 'globalLimit=0'",
  });
  assert.throws(
    () => new RateLimiter({ scheduler: clock, globalLimit: "50" as never }),
    {
      name: "TypeError",
      message:
        `Cannot create rate limiter as 'globalLimit' must be a positive integer: current value 'globalLimit="50"'`,
    },
  );
});

Deno.test("RateLimiter keeps only the buckets in use: one per channel ever written to does not pile up", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const routes = Array.from(
    { length: 2000 },
    (_, i) => parseRoute("POST", `/channels/${1000 + i}/messages`),
  );
  // Every answer leaves its channel's bucket in a 5 s window, then idle.
  const answer = (): Promise<AttemptResult<string>> =>
    Promise.resolve({
      type: "success",
      value: "ok",
      rateLimit: { bucket: "h", limit: 5, remaining: 4, resetAfter: 5000 },
    });
  // 50 channels a second (the global limit) for 40 s.
  for (let second = 0; second < 40; second++) {
    const batch = routes.slice(second * 50, second * 50 + 50);
    const done = Promise.all(
      batch.map((route) => limiter.schedule(route, answer)),
    );
    await clock.advance(1000);
    await done;
  }
  const kept = routes.filter((route) => limiter.bucketState(route)).length;
  // At most 250 are in a window at once (5 s at 50/s); a sweep when the
  // map doubles keeps it within about twice that.
  assert.ok(kept <= 600, `${kept} buckets kept`);
  assert.equal(limiter.bucketState(routes[0]!), undefined);
  assert.equal(limiter.bucketState(routes[1999]!)?.remaining, 4);
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter: a wall clock set back holds no bucket reset, global window or global pause past the time Discord asked for", async () => {
  const { scheduler: clock, clock: wall, step } = steppedClock();
  const limiter = new RateLimiter({ scheduler: wall });
  const start = clock.now();
  const sent: number[] = [];
  const answer =
    (rateLimit: RateLimitInfo = {}) => (): Promise<AttemptResult<string>> => {
      sent.push(clock.now() - start);
      return Promise.resolve({ type: "success", value: "ok", rateLimit });
    };
  // A bucket of 1 per 1 s: set back 8 s before the next request, then
  // another 8 s while the one after it waits.
  const route = parseRoute("POST", "/channels/1/messages");
  const oneLeft: RateLimitInfo = {
    bucket: "b",
    limit: 1,
    remaining: 0,
    resetAfter: 1000,
  };
  await limiter.schedule(route, answer(oneLeft));
  step(-8000);
  const second = limiter.schedule(route, answer(oneLeft));
  // Shown on the scheduler's clock, as set back: 1 s from now.
  assert.equal(limiter.bucketState(route)?.resetAt! - wall.now(), 1000);
  await clock.advance(1000);
  assert.deepEqual(sent, [0, 1000], "the second waited its 1 s");
  await second;
  const third = limiter.schedule(route, answer(oneLeft));
  await clock.advance(500);
  step(-8000);
  await clock.advance(500);
  assert.deepEqual(sent, [0, 1000, 2000], "the third waited its 1 s");
  await third;
  // The global window: 50 in one second (the third's out of it), then the
  // clock set back.
  await clock.advance(1000);
  sent.length = 0;
  const fifty = Array.from(
    { length: 50 },
    (_, i) =>
      limiter.schedule(
        parseRoute("POST", `/channels/${100 + i}/messages`),
        answer(),
      ),
  );
  await clock.advance(0);
  await Promise.all(fifty);
  step(-8000);
  const fiftyFirst = limiter.schedule(
    parseRoute("POST", "/channels/999/messages"),
    answer(),
  );
  await clock.advance(1000);
  assert.equal(sent.length, 51);
  assert.equal(sent.at(-1), 4000, "the 51st went when the window allowed");
  await fiftyFirst;
  // A global 429 pausing 2 s, then the clock set back.
  let paused = false;
  const pausedOnce = (): Promise<AttemptResult<string>> => {
    if (paused) return answer()();
    paused = true;
    return Promise.resolve({
      type: "retry",
      delay: 2000,
      rateLimit: { scope: "global", retryAfter: 2000 },
    });
  };
  const retried = limiter.schedule(
    parseRoute("POST", "/channels/7/messages"),
    pausedOnce,
  );
  await clock.advance(0);
  step(-8000);
  assert.equal(limiter.globalPausedUntil - wall.now(), 2000);
  const other = limiter.schedule(
    parseRoute("POST", "/channels/8/messages"),
    answer(),
  );
  await clock.advance(2000);
  assert.deepEqual(sent.slice(-3), [4000, 6000, 6000], "both went after 2 s");
  assert.deepEqual(await Promise.all([retried, other]), ["ok", "ok"]);
  assert.equal(clock.pending, 0);
});

Deno.test("RateLimiter: a job its check refuses (or whose check throws) fails unsent, taking no global slot and none of its bucket's count; the next one goes at once", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 1 });
  const route = parseRoute("POST", "/channels/1/messages");
  const sent: string[] = [];
  const attempt = (name: string) => (): Promise<AttemptResult<string>> => {
    sent.push(`${clock.now()} ${name}`);
    return Promise.resolve({
      type: "success",
      value: name,
      rateLimit: { bucket: "h", limit: 5, remaining: 4, resetAfter: 10_000 },
    });
  };
  await limiter.schedule(route, attempt("a"));
  await clock.advance(1000);
  const refusal = new Error("gone");
  const checked = [
    limiter.schedule(route, attempt("b"), undefined, undefined, {
      refuse: (sending) => sending ? refusal : undefined,
    }),
    limiter.schedule(route, attempt("c"), undefined, undefined, {
      refuse: () => {
        throw refusal;
      },
    }),
  ];
  const last = limiter.schedule(route, attempt("d"));
  const results = await Promise.allSettled(checked);
  assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected"]);
  assert.equal(await last, "d");
  assert.deepEqual(sent, ["0 a", "1000 d"], "d took the one global slot");
  assert.equal(limiter.bucketState(route)?.remaining, 3);
});
