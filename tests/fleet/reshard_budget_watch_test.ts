// watchReshardBudget on its own (a stored budget, no Redis, no fleet): a
// fleet reshard's new shard left waiting for the budget's reset gives the
// reshard to its count up on the fleet's own clock, said on stderr; a
// give-up that fails is logged, not left unhandled.
import assert from "node:assert/strict";
import { watchReshardBudget } from "../../fleet/reshard_budget_watch.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { storedBudget } from "./_stored_budget.ts";

/** A spent budget whose reset is an hour away on `scheduler`'s clock. */
function spent(scheduler: VirtualScheduler): ReturnType<typeof storedBudget> {
  return storedBudget(
    { total: 1000, remaining: 0, resetAt: scheduler.now() + 3_600_000 },
    () => new Promise<void>(() => {}),
  );
}

Deno.test("watchReshardBudget: a new shard waiting for the reset gives the reshard to its count up 1 s on the fleet's clock, said as an error naming both", () =>
  withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler({ start: 1_000_000 });
    const given: number[] = [];
    const queue = watchReshardBudget(
      { identifyQueue: spent(scheduler), scheduler },
      8,
      (count) => {
        given.push(count);
        return Promise.resolve();
      },
    );
    void queue.acquire(5);
    await scheduler.advance(1_000);
    assert.deepEqual(given, [8]);
    const said = records.filter((r) =>
      r.level === "error" &&
      String(r.rawMessage).startsWith("Giving up the fleet's reshard")
    );
    assert.deepEqual(said.map((r) => [r.properties.count, r.properties.id]), [
      [8, 5],
    ]);
    queue.stop();
  }));

Deno.test("watchReshardBudget: a give-up that fails is logged as a warning", () =>
  withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler({ start: 1_000_000 });
    const queue = watchReshardBudget(
      { identifyQueue: spent(scheduler), scheduler },
      8,
      () => Promise.reject(new Error("Redis does not answer")),
    );
    void queue.acquire(5);
    await scheduler.advance(1_000);
    await scheduler.flushMicrotasks();
    const warned = records.filter((r) =>
      String(r.rawMessage).startsWith("Could not give up the reshard")
    );
    assert.equal(warned.length, 1);
    assert.equal(warned[0]!.properties.count, 8);
    queue.stop();
  }));
