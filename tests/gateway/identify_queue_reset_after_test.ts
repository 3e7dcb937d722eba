// MemoryIdentifyQueue.resetAfter: how long until the session start budget
// resets, which a reshard reads to wait for a reset that is near.
import assert from "node:assert/strict";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

Deno.test("MemoryIdentifyQueue.resetAfter counts down to the budget's reset, and starts a new window once it passed", async () => {
  const scheduler = new VirtualScheduler();
  assert.equal(new MemoryIdentifyQueue({ scheduler }).resetAfter, undefined);
  const queue = new MemoryIdentifyQueue({
    scheduler,
    sessionStartLimit: {
      total: 1000,
      remaining: 0,
      reset_after: 60_000,
      max_concurrency: 1,
    },
  });
  assert.equal(queue.resetAfter, 60_000);
  await scheduler.advance(10_000);
  assert.equal(queue.resetAfter, 50_000);
  // Passed with nobody waiting: refilled, the next window a day long.
  await scheduler.advance(50_000);
  assert.equal(queue.resetAfter, 86_400_000);
  assert.equal(queue.remaining, 1000);
});

Deno.test("MemoryIdentifyQueue.resetAfter counts down while a shard waits for the reset, and a new window starts with its grant", async () => {
  const scheduler = new VirtualScheduler();
  const queue = new MemoryIdentifyQueue({
    scheduler,
    sessionStartLimit: {
      total: 1000,
      remaining: 0,
      reset_after: 1_000,
      max_concurrency: 1,
    },
  });
  const granted = queue.acquire(0);
  await scheduler.advance(999);
  assert.equal(queue.resetAfter, 1);
  await scheduler.advance(1);
  await granted;
  assert.equal(queue.remaining, 999);
  assert.equal(queue.resetAfter, 86_400_000);
});

Deno.test("MemoryIdentifyQueue takes a reset_after over a day (Discord's window is one) as a day: a spent budget holds shards a day at most", async () => {
  const scheduler = new VirtualScheduler();
  const queue = new MemoryIdentifyQueue({
    scheduler,
    sessionStartLimit: {
      total: 1000,
      remaining: 0,
      reset_after: 3 * 86_400_000,
      max_concurrency: 1,
    },
  });
  let grantedAt: number | undefined;
  const granted = queue.acquire(0).then(() => grantedAt = scheduler.now());
  await scheduler.advance(86_400_000);
  await granted;
  assert.equal(grantedAt, 86_400_000);
  assert.equal(queue.remaining, 999);
});
