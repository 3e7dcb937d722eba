// Two routes Discord puts in one bucket (one X-RateLimit-Bucket, one
// channel), both used for the first time at once: each route's first
// request goes out from its own temporary bucket. The first answer moved
// its route into the shared bucket with the answer's `remaining`, not
// counting the other route's request still in flight, and the shared
// bucket overran its window once (a 429). Time is the virtual scheduler's.
import assert from "node:assert/strict";
import { type AttemptResult, RateLimiter } from "../../rest/rate_limiter.ts";
import { parseRoute } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

Deno.test("RateLimiter: routes sharing a bucket hash, first used at once, count each other's first request in flight", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const sent: [number, string][] = [];
  // The server's bucket `perm` of channel 1: 3 requests per 1000 ms,
  // counted as they arrive; a PUT answered in 10 ms, a DELETE in 100 ms.
  let used = 0;
  let windowEnd = -Infinity;
  const job = (name: string) => (): Promise<AttemptResult<string>> => {
    const now = clock.now();
    sent.push([now, name]);
    if (now >= windowEnd) [used, windowEnd] = [0, now + 1000];
    const remaining = 3 - ++used;
    const result: AttemptResult<string> = remaining < 0
      ? { type: "failure", error: new Error(`${name} overran`) }
      : {
        type: "success",
        value: name,
        rateLimit: {
          bucket: "perm",
          limit: 3,
          remaining,
          resetAfter: windowEnd - now,
        },
      };
    return new Promise((resolve) =>
      clock.setTimeout(
        () => resolve(result),
        name.startsWith("put") ? 10 : 100,
      )
    );
  };
  const put = parseRoute("PUT", "/channels/1/permissions/5");
  const del = parseRoute("DELETE", "/channels/1/permissions/6");
  const done = Promise.all([
    limiter.schedule(put, job("put 1")),
    limiter.schedule(del, job("delete 1")),
    limiter.schedule(put, job("put 2")),
    limiter.schedule(put, job("put 3")),
  ].map((p) => p.catch((e: Error) => e.message)));
  await clock.advance(2000);
  assert.deepEqual(await done, ["put 1", "delete 1", "put 2", "put 3"]);
  assert.deepEqual(sent, [
    [0, "put 1"],
    [0, "delete 1"],
    [10, "put 2"], // 1 left of 3: the DELETE in flight is counted
    [1100, "put 3"], // the window the DELETE's answer said
  ]);
  assert.equal(limiter.bucketState(del)?.id, "perm:channels/1");
});
