// A ReshardingShards reshard whose day's session starts, enough when it
// began, run out before every new shard has identified (old shards that
// lost their sessions identified meanwhile): it ends with a ReshardError
// instead of waiting for the budget's reset, up to a day.
import assert from "node:assert/strict";
import { ReshardError } from "../../fleet/mod.ts";
import { sessionStartsLeft } from "../../fleet/reshard_budget.ts";
import {
  BudgetWatchingQueue,
  RESET_SOON_MS,
} from "../../fleet/reshard_identify_guard.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import {
  repeatedTwice,
  reshardScene,
  startFirstSet,
} from "./_reshard_scene.ts";
import { storedBudget } from "./_stored_budget.ts";

Deno.test("ReshardingShards: a new shard that would wait for the session start budget's reset ends the reshard with a ReshardError; the new set is closed and the old one runs on", async () => {
  await using t = reshardScene({
    count: 4,
    guilds: 32,
    maxConcurrency: 4,
    // 4 for the first set, 8 for the new one: exactly enough.
    sessionStartLimit: {
      total: 1000,
      remaining: 12,
      reset_after: 86_400_000,
      max_concurrency: 4,
    },
  });
  await startFirstSet(t);
  await t.stream(6_000);
  assert.equal(t.queue.remaining, 8);
  const resharding = t.shards.reshard(8);
  resharding.catch(() => {}); // settled below
  await t.scheduler.advance(20);
  // Old shards 1 and 2 lose their sessions: identifying again, they spend
  // two of the starts the new set counted on.
  for (const c of t.gateway.connections) {
    if (c.shard?.[1] === 4 && (c.shard[0] === 1 || c.shard[0] === 2)) {
      t.gateway.invalidateSession(false, { connectionId: c.id });
    }
  }
  const outcome = await t.settle(resharding, 60_000);
  assert.equal(outcome?.status, "rejected", "still waiting after a minute");
  const reason = (outcome as PromiseRejectedResult).reason;
  assert.ok(reason instanceof ReshardError, String(reason));
  assert.match(
    reason.message,
    /^Cannot reshard to 8 shards: new shard \d would wait for the session start budget's reset/,
  );
  await t.run(1_000);
  assert.equal(t.shards.shardCount, 4);
  assert.deepEqual(
    t.gateway.connections.filter((c) => c.shard?.[1] === 8),
    [],
    "the new set is closed",
  );
  assert.deepEqual(
    t.gateway.connections.map((c) => c.shard?.join("/")).sort(),
    ["0/4", "1/4", "2/4", "3/4"],
    "the old set runs on",
  );
  assert.equal(t.queue.pending, 0, "no identify left waiting for the reset");
  // The reshard's duplicate filter went with it: an event that repeats an
  // earlier one exactly is a new event again.
  assert.equal(await repeatedTwice(t), 2);
});

Deno.test("ReshardingShards: a new shard that would wait for a budget reset under a minute away waits for it: the reshard completes", async () => {
  await using t = reshardScene({
    count: 2,
    maxConcurrency: 1,
    // 2 for the first set, 4 for the new one: exactly enough; the reset
    // comes some 20 s into the reshard.
    sessionStartLimit: {
      total: 1000,
      remaining: 6,
      reset_after: 30_000,
      max_concurrency: 1,
    },
  });
  await startFirstSet(t);
  await t.stream(6_000);
  const resharding = t.shards.reshard(4);
  resharding.catch(() => {}); // settled below
  await t.run(100);
  // Old shard 1 loses its session: identifying again, it spends one of
  // the starts the new set counted on.
  t.gateway.invalidateSession(false, { shardId: 1 });
  const outcome = await t.settle(resharding, 120_000);
  assert.equal(outcome?.status, "fulfilled", String(outcome));
  assert.equal(t.shards.shardCount, 4);
  assert.ok(t.queue.remaining! > 900, "the new set identified after the reset");
});

Deno.test("sessionStartsLeft: a shared budget whose reset time has passed counts as full (its next grant refills it), one still to reset as stored", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const now = scheduler.now();
  const passed = storedBudget({ total: 1000, remaining: 0, resetAt: now - 1 });
  assert.equal(await sessionStartsLeft(scheduler, passed, "test"), 1000);
  const due = storedBudget({ total: 1000, remaining: 0, resetAt: now });
  assert.equal(await sessionStartsLeft(scheduler, due, "test"), 1000);
  const ahead = storedBudget({ total: 1000, remaining: 3, resetAt: now + 1 });
  assert.equal(await sessionStartsLeft(scheduler, ahead, "test"), 3);
});

Deno.test("BudgetWatchingQueue: a spent shared budget is the reshard's end only when its reset is a minute or more away", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const now = scheduler.now();
  const outcomes: (number | undefined)[] = [];
  for (const resetAt of [now - 60_000, now + RESET_SOON_MS - 1_000]) {
    // A call granted 2.5 s on (its bucket busy), past two checks.
    const queue = storedBudget(
      { total: 1000, remaining: 0, resetAt },
      () =>
        new Promise<void>((granted) => scheduler.setTimeout(granted, 2_500)),
    );
    let exhausted: number | undefined;
    const guard = new BudgetWatchingQueue(queue, scheduler, (id) => {
      exhausted = id;
    });
    const granted = guard.acquire(3);
    for (let i = 0; i < 30; i++) await scheduler.advance(100);
    await granted;
    guard.stop();
    outcomes.push(exhausted);
  }
  assert.deepEqual(outcomes, [undefined, undefined]);
  // A reset further off still ends it.
  const far = storedBudget(
    { total: 1000, remaining: 0, resetAt: now + 3_600_000 },
    () => new Promise<void>(() => {}),
  );
  let exhausted: number | undefined;
  const guard = new BudgetWatchingQueue(far, scheduler, (id) => {
    exhausted = id;
  });
  void guard.acquire(5);
  for (let i = 0; i < 30; i++) await scheduler.advance(100);
  guard.stop();
  assert.equal(exhausted, 5);
  assert.equal(scheduler.pending, 0);
});

Deno.test("ReshardingShards: a reshard whose new set takes the day's last session starts completes: new shards that identified are not taken for ones waiting for the reset", async () => {
  await using t = reshardScene({
    count: 2,
    maxConcurrency: 1,
    // 2 for the first set, 4 for the new one: none left after it.
    sessionStartLimit: {
      total: 1000,
      remaining: 6,
      reset_after: 86_400_000,
      max_concurrency: 1,
    },
  });
  await startFirstSet(t);
  await t.stream(6_000);
  // The new set reads its sockets 3 s late: it completes seconds after
  // its last IDENTIFY, the budget read as spent meanwhile.
  t.lag.set(4, 3_000);
  const outcome = await t.settle(t.shards.reshard(4), 120_000);
  assert.equal(outcome?.status, "fulfilled", String(outcome));
  assert.equal(t.queue.remaining, 0);
  assert.equal(t.shards.shardCount, 4);
});

Deno.test("BudgetWatchingQueue: a call ends the reshard only when two checks in a row found the budget spent while it waited", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const resetAt = scheduler.now() + 3_600_000;
  const watch = async (
    budget: { total: number; remaining: number; resetAt: number },
    grantedAfter: number,
    meanwhile: (ms: number) => void = () => {},
  ): Promise<number | undefined> => {
    const queue = storedBudget(
      budget,
      () =>
        new Promise<void>((granted) =>
          scheduler.setTimeout(granted, grantedAfter)
        ),
    );
    let exhausted: number | undefined;
    const guard = new BudgetWatchingQueue(queue, scheduler, (id) => {
      exhausted = id;
    });
    const granted = guard.acquire(3);
    for (let ms = 100; ms <= 3_000; ms += 100) {
      await scheduler.advance(100);
      meanwhile(ms);
    }
    await granted;
    guard.stop();
    return exhausted;
  };
  // Granted half a second after the first check found none left (the
  // grant that took the last start, on its way).
  assert.equal(
    await watch({ total: 1000, remaining: 0, resetAt }, 500),
    undefined,
  );
  // Spent, then a start left at the second check, then spent again: not
  // two checks in a row.
  const budget = { total: 1000, remaining: 0, resetAt };
  assert.equal(
    await watch(budget, 2_500, (ms) => {
      if (ms === 500) budget.remaining = 1;
      if (ms === 1_500) budget.remaining = 0;
    }),
    undefined,
  );
});
