// BudgetWatchingQueue's edges: when it gives a reshard up (the second check
// in a row that finds the budget spent, 1 s after the call; a reset a whole
// minute away or more), how often (once, then the watch ends), and what
// ends nothing (a budget not known, several calls asked at once and granted
// within the second).
import assert from "node:assert/strict";
import { BudgetWatchingQueue } from "../../fleet/reshard_identify_guard.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { type StoredBudget, storedBudget } from "./_stored_budget.ts";

/** Never granted: a call left waiting for the budget's reset. */
const never = (): Promise<void> => new Promise<void>(() => {});

/** The shards given up for, in order, and the queue watching `queue`. */
function watching(
  scheduler: VirtualScheduler,
  queue: ReturnType<typeof storedBudget>,
): { guard: BudgetWatchingQueue; exhausted: number[] } {
  const exhausted: number[] = [];
  const guard = new BudgetWatchingQueue(queue, scheduler, (id) => {
    exhausted.push(id);
  });
  return { guard, exhausted };
}

Deno.test("BudgetWatchingQueue: a call waiting on a spent budget gives the reshard up at the check 1 s after it (the second in a row), once: the watch then ends", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const budget = {
    total: 1000,
    remaining: 0,
    resetAt: scheduler.now() + 3_600_000,
  };
  const { guard, exhausted } = watching(scheduler, storedBudget(budget, never));
  void guard.acquire(2);
  await scheduler.advance(999);
  assert.deepEqual(exhausted, [], "given up before the second check");
  await scheduler.advance(1);
  assert.deepEqual(exhausted, [2]);
  // Still spent, still waiting: said once, and nothing more is checked.
  for (let i = 0; i < 50; i++) await scheduler.advance(100);
  assert.deepEqual(exhausted, [2]);
  assert.equal(scheduler.pending, 0, "a check still armed");
});

Deno.test("BudgetWatchingQueue: a spent budget whose reset is 60 s away or more gives the reshard up; one 59 s away is waited for", async () => {
  const outcomes: number[][] = [];
  for (const resetIn of [59_000, 60_000]) {
    const scheduler = new VirtualScheduler({ start: 1_000_000 });
    const budget: StoredBudget = {
      total: 1000,
      remaining: 0,
      // The second check is 1 s after the call: the reset is `resetIn`
      // away then.
      resetAt: scheduler.now() + 1_000 + resetIn,
    };
    const { guard, exhausted } = watching(
      scheduler,
      storedBudget(budget, never),
    );
    void guard.acquire(1);
    for (let i = 0; i < 10; i++) await scheduler.advance(100);
    guard.stop();
    outcomes.push(exhausted);
  }
  assert.deepEqual(outcomes, [[], [1]]);
});

Deno.test("BudgetWatchingQueue: a budget not known (none stored yet, or a read that fails) gives nothing up", async () => {
  for (
    const read of [
      () => Promise.resolve(undefined),
      () => Promise.reject(new Error("Redis does not answer")),
    ]
  ) {
    const scheduler = new VirtualScheduler({ start: 1_000_000 });
    const { guard, exhausted } = watching(
      scheduler,
      storedBudget(read, never),
    );
    void guard.acquire(0);
    for (let i = 0; i < 50; i++) await scheduler.advance(100);
    guard.stop();
    assert.deepEqual(exhausted, []);
  }
});

Deno.test("BudgetWatchingQueue: calls made together on a spent budget are checked once, not once each: granted within the second, none gives the reshard up", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const budget = {
    total: 1000,
    remaining: 0,
    resetAt: scheduler.now() + 3_600_000,
  };
  // Both grants took the last starts; they reach their callers 500 ms on.
  const { guard, exhausted } = watching(
    scheduler,
    storedBudget(
      budget,
      () => new Promise<void>((granted) => scheduler.setTimeout(granted, 500)),
    ),
  );
  const granted = Promise.all([guard.acquire(0), guard.acquire(1)]);
  for (let i = 0; i < 30; i++) await scheduler.advance(100);
  await granted;
  guard.stop();
  assert.deepEqual(exhausted, []);
});
