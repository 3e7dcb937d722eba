// Child of identify_queue_abort_growth_test.ts (run with --expose-gc): a
// queue whose session starts are spent keeps shard 0 waiting at the head
// of its bucket for the reset, while shard 16 (same bucket) asks and gives
// up again and again (a connection dropping while the budget is spent).
// Prints the heap growth in MB after a full collection.
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const gc = (globalThis as { gc?: () => void }).gc!;
const scheduler = new VirtualScheduler();
const queue = new MemoryIdentifyQueue({
  scheduler,
  maxConcurrency: 16,
  sessionStartLimit: {
    total: 1000,
    remaining: 0,
    reset_after: 86_000_000,
    max_concurrency: 16,
  },
});
const head = queue.acquire(0);
head.catch(() => {});
function round(times: number): void {
  for (let i = 0; i < times; i++) {
    const given = new AbortController();
    queue.acquire(16, given.signal).catch(() => {});
    given.abort(new Error("the connection dropped"));
  }
}
// The first round warms up (code, maps at their working size).
round(5_000);
await scheduler.flushMicrotasks();
gc();
const before = Deno.memoryUsage().heapUsed;
round(50_000);
await scheduler.flushMicrotasks();
gc();
const after = Deno.memoryUsage().heapUsed;
await Deno.stdout.write(
  new TextEncoder().encode(`${(after - before) / 1e6}\n`),
);
