// Child of lane_growth_test.ts (run with --expose-gc): one request to each
// of many channels, another queued behind it and aborted, each answer
// naming the route's bucket hash without a count (so the channel's bucket
// is idle, its window over, once answered). Prints the heap growth in MB
// after a full collection.
import { type AttemptResult, RateLimiter } from "../../rest/rate_limiter.ts";
import { parseRoute } from "../../rest/routes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const gc = (globalThis as { gc?: () => void }).gc!;
const limiter = new RateLimiter({
  scheduler: new VirtualScheduler(),
  globalLimit: 1e9,
});
const answer = (): Promise<AttemptResult<number>> =>
  Promise.resolve({ type: "success", value: 1, rateLimit: { bucket: "h" } });
const never = (): Promise<AttemptResult<number>> => new Promise(() => {});
let next = 0;
async function round(channels: number): Promise<void> {
  for (let done = 0; done < channels; done += 1000) {
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 1000; i++) {
      const route = parseRoute("POST", `/channels/${next++}/messages`);
      calls.push(limiter.schedule(route, answer));
      const aborted = new AbortController();
      calls.push(
        limiter.schedule(route, never, aborted.signal).catch(() => {}),
      );
      aborted.abort();
    }
    await Promise.all(calls);
  }
}
// The first round warms up (code, maps at their working size).
await round(5_000);
gc();
const before = Deno.memoryUsage().heapUsed;
await round(40_000);
gc();
const after = Deno.memoryUsage().heapUsed;
await Deno.stdout.write(
  new TextEncoder().encode(`${(after - before) / 1e6}\n`),
);
