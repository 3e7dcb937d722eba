// Two routes (a channel's POST and PATCH of messages) share one bucket hash
// on a channel. When the POST's hash changes (learned from another
// channel), the count of the bucket it shared is put in doubt while PATCHes
// of it are still in flight. The next answer then told a count that the
// later-sent PATCHes still in flight were not in, and the bucket sent that
// count on top of them: 2 × 429. Time is the virtual scheduler's.
import assert from "node:assert/strict";
import { type AttemptResult, RateLimiter } from "../../rest/rate_limiter.ts";
import { parseRoute } from "../../rest/routes.ts";
import { delay } from "../../base/scheduler.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** How the scripted server enforces one bucket: a window from its first request. */
interface ServerBucket {
  count: number;
  windowEnd: number;
  inFlight: number;
}

Deno.test("RateLimiter: a route's hash change does not let a bucket it shared with another route send past the requests still in flight", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock, globalLimit: 20 });
  // Each route's hash on the server; both allow 10 per 2 s.
  const hashOf = { post: "A", patch: "A" };
  const LIMIT = 10;
  const buckets = new Map<string, ServerBucket>();
  const log: string[] = [];
  let mostInFlight = 0;
  let message = 100;
  const send = (route: "post" | "patch", channel: number, latency: number) => {
    const attempt = async (): Promise<AttemptResult<string>> => {
      const hash = hashOf[route];
      const id = `${hash}:channels/${channel}`;
      const now = clock.now();
      let bucket = buckets.get(id);
      if (!bucket || now >= bucket.windowEnd) {
        bucket = { count: 0, windowEnd: now + 2000, inFlight: 0 };
        buckets.set(id, bucket);
      }
      const counted = bucket;
      counted.inFlight++;
      mostInFlight = Math.max(mostInFlight, counted.inFlight);
      const over = bucket.count >= LIMIT;
      if (!over) bucket.count++;
      log.push(`${now} ${route} ${id} ${bucket.count}${over ? " 429" : ""}`);
      const rateLimit = {
        bucket: hash,
        limit: LIMIT,
        remaining: LIMIT - bucket.count,
        resetAfter: bucket.windowEnd - now,
      };
      await delay(clock, latency);
      counted.inFlight--;
      return over
        ? {
          type: "retry",
          delay: bucket.windowEnd - now,
          rateLimit: { ...rateLimit, retryAfter: bucket.windowEnd - now },
        }
        : { type: "success", value: id, rateLimit };
    };
    const [method, path] = route === "post"
      ? ["POST", `/channels/${channel}/messages`]
      : ["PATCH", `/channels/${channel}/messages/${message++}`];
    return limiter.schedule(parseRoute(method, path), attempt);
  };
  const all: Promise<string>[] = [];
  // Both routes learn hash A on channel 2, the POST on channel 1 too; the
  // POSTs on other channels fill the global window.
  all.push(send("post", 1, 10), send("post", 2, 10), send("patch", 2, 10));
  for (let channel = 30; channel < 43; channel++) {
    all.push(send("post", channel, 10));
  }
  await clock.advance(20);
  // Three PATCHes in flight on A:channels/2, answered at 1005, 1320, 1420.
  all.push(
    send("patch", 2, 985),
    send("patch", 2, 1300),
    send("patch", 2, 1400),
  );
  // The POST moves to hash B; channel 1's answer says so at 60 ms.
  hashOf.post = "B";
  all.push(send("post", 1, 40));
  // These wait for the global window in A:channels/2 (its count > 0).
  for (let i = 0; i < 8; i++) all.push(send("patch", 2, 10));
  all.push(send("post", 2, 10));
  await clock.advance(50);
  assert.equal(
    limiter.bucketHash(parseRoute("POST", "/channels/2/messages").key),
    "B",
  );
  await clock.advance(10_000);
  await Promise.all(all);
  assert.deepEqual(
    log.filter((line) => line.endsWith("429")),
    [],
    log.join("\n"),
  );
  assert.ok(mostInFlight <= LIMIT, `${mostInFlight} in flight at once`);
  assert.equal(clock.pending, 0);
});
