// A route's bucket hash is kept per route without its major id, so when one
// channel's answer moves the route to another hash, the counts other
// channels keep for it are of the old hash. Trusted, another channel's
// backlog was sent at the old bucket's reset with the old bucket's count (5
// at once) into a bucket of 2 never asked: 3 answered 429. Now it asks one
// at a time until an answer tells the new bucket. Time is the virtual
// scheduler's.
import assert from "node:assert/strict";
import { type AttemptResult, RateLimiter } from "../../rest/rate_limiter.ts";
import { parseRoute } from "../../rest/routes.ts";
import { delay } from "../../base/scheduler.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** How the scripted server enforces one bucket: a window from its first request. */
interface ServerBucket {
  count: number;
  windowEnd: number;
}

Deno.test("RateLimiter: when a route's hash changes, other channels' queues of it probe the new bucket once instead of bringing the old bucket's count", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  // The route's hash on the server: A allows 5 per 2 s, B 2 per 2 s.
  let hash = "A";
  const limits: Record<string, number> = { A: 5, B: 2 };
  const buckets = new Map<string, ServerBucket>();
  const log: string[] = [];
  /** Sends into B:channels/2 before its first answer came back. */
  let sentBeforeFirstAnswer = 0;
  let answeredB2 = false;
  const post = (channel: number) => {
    const attempt = async (): Promise<AttemptResult<string>> => {
      const sentHash = hash;
      const id = `${sentHash}:channels/${channel}`;
      const limit = limits[hash]!;
      const now = clock.now();
      let bucket = buckets.get(id);
      if (!bucket || now >= bucket.windowEnd) {
        bucket = { count: 0, windowEnd: now + 2000 };
        buckets.set(id, bucket);
      }
      if (id === "B:channels/2" && !answeredB2) sentBeforeFirstAnswer++;
      const over = bucket.count >= limit;
      if (!over) bucket.count++;
      log.push(`${now} ${id}${over ? " 429" : ""}`);
      // Answered 10 ms later.
      await delay(clock, 10);
      if (id === "B:channels/2") answeredB2 = true;
      const rateLimit = {
        bucket: sentHash,
        limit,
        remaining: limit - bucket.count,
        resetAfter: bucket.windowEnd - now,
      };
      return over
        ? {
          type: "retry",
          delay: bucket.windowEnd - now,
          rateLimit: { ...rateLimit, retryAfter: bucket.windowEnd - now },
        }
        : { type: "success", value: id, rateLimit };
    };
    return limiter.schedule(
      parseRoute("POST", `/channels/${channel}/messages`),
      attempt,
    );
  };
  // Both channels learn hash A.
  const first = Promise.all([post(1), post(2)]);
  await clock.advance(10);
  await first;
  // Channel 2's backlog: 4 go now, 8 wait for A's reset.
  const backlog = Array.from({ length: 12 }, () => post(2));
  await clock.advance(190);
  // The route moves to hash B; channel 1's answer says so.
  hash = "B";
  const moved = post(1);
  await clock.advance(10);
  assert.equal(await moved, "B:channels/1");
  assert.equal(
    limiter.bucketHash(parseRoute("POST", "/channels/2/messages").key),
    "B",
  );
  await clock.advance(20_000);
  await Promise.all(backlog);
  assert.deepEqual(log.filter((line) => line.endsWith("429")), []);
  assert.equal(sentBeforeFirstAnswer, 1, log.join("\n"));
  assert.equal(clock.pending, 0);
});
