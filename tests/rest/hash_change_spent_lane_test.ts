// When a route's hash changes, the other channels' counts of it are in doubt
// and their lanes ask one request at a time (see `#forgetCounts`). A count
// left (remaining > 0) is forgotten; a spent one (remaining 0) is not: the
// server may still hold that channel's window, so a probe before its reset
// is a 429, and 429s count toward Cloudflare's invalid-request ban. The
// scripted server keeps its counters per channel, across the relabel.
// Mutation testing found that forgetting a spent count (`>= 0`) went
// unnoticed. Time is the virtual scheduler's.
import assert from "node:assert/strict";
import { type AttemptResult, RateLimiter } from "../../rest/rate_limiter.ts";
import { parseRoute } from "../../rest/routes.ts";
import { delay } from "../../base/scheduler.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** How the scripted server enforces one channel: a window from its first request. */
interface ServerWindow {
  count: number;
  windowEnd: number;
}

Deno.test("RateLimiter: a channel that spent its bucket keeps waiting for the old reset after another channel's answer changes the route's hash", async () => {
  const clock = new VirtualScheduler();
  const limiter = new RateLimiter({ scheduler: clock });
  const limit = 5;
  const windowMs = 2000;
  let hash = "A";
  const windows = new Map<number, ServerWindow>();
  /** Each send: when, which hash and channel, and whether it was refused. */
  const sends: { at: number; channel: number; refused: boolean }[] = [];
  const post = (channel: number) => {
    const attempt = async (): Promise<AttemptResult<string>> => {
      const sentHash = hash;
      const now = clock.now();
      let window = windows.get(channel);
      if (!window || now >= window.windowEnd) {
        window = { count: 0, windowEnd: now + windowMs };
        windows.set(channel, window);
      }
      const over = window.count >= limit;
      if (!over) window.count++;
      sends.push({ at: now, channel, refused: over });
      // Answered 10 ms later.
      await delay(clock, 10);
      const rateLimit = {
        bucket: sentHash,
        limit,
        remaining: limit - window.count,
        resetAfter: window.windowEnd - now,
      };
      return over
        ? {
          type: "retry",
          delay: window.windowEnd - now,
          rateLimit: { ...rateLimit, retryAfter: window.windowEnd - now },
        }
        : { type: "success", value: `${sentHash}:${channel}`, rateLimit };
    };
    return limiter.schedule(
      parseRoute("POST", `/channels/${channel}/messages`),
      attempt,
    );
  };
  // Both channels learn hash A; channel 2's window ends at 2000.
  const first = Promise.all([post(1), post(2)]);
  await clock.advance(10);
  await first;
  // Channel 2's backlog: 4 go now and spend its 5 (answered remaining 0),
  // 3 wait in its lane for the reset.
  const backlog = Array.from({ length: 7 }, () => post(2));
  await clock.advance(100);
  assert.equal(windows.get(2)?.count, limit);
  assert.equal(sends.length, 6);
  // The route moves to hash B; channel 1's answer says so.
  hash = "B";
  const moved = post(1);
  await clock.advance(10);
  assert.equal(await moved, "B:1");
  const relabelledAt = clock.now();
  // One more on channel 2 before its window ends.
  const late = post(2);
  await clock.advance(20_000);
  await Promise.all([...backlog, late]);
  assert.deepEqual(sends.filter((send) => send.refused), []);
  const early = sends.filter((send) =>
    send.channel === 2 && send.at >= relabelledAt && send.at < windowMs
  );
  assert.deepEqual(early, [], JSON.stringify(sends));
  assert.equal(clock.pending, 0);
});
