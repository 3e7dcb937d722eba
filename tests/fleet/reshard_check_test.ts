// checkReshard, what every reshard is checked against before it starts:
// the session starts given win over the identify queue's budget, a shared
// budget not stored yet refuses nothing, and a MemoryIdentifyQueue's own
// budget counts.
import assert from "node:assert/strict";
import { ReshardError } from "../../fleet/mod.ts";
import { checkReshard } from "../../fleet/reshard_budget.ts";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { storedBudget } from "./_stored_budget.ts";

Deno.test("checkReshard: a shared budget not stored yet (no grant asked today) refuses nothing", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  await checkReshard(scheduler, storedBudget(undefined), 16, {});
});

Deno.test("checkReshard: the session starts given decide, not the queue's budget: 16 given allow a reshard to 16 on a spent budget, 15 refuse it", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const spent = storedBudget({
    total: 1000,
    remaining: 0,
    resetAt: scheduler.now() + 3_600_000,
  });
  await checkReshard(scheduler, spent, 16, { sessionStartsLeft: 16 });
  const full = storedBudget({
    total: 1000,
    remaining: 1000,
    resetAt: scheduler.now() + 3_600_000,
  });
  await assert.rejects(
    checkReshard(scheduler, full, 16, { sessionStartsLeft: 15 }, "the fleet"),
    (error: unknown) =>
      error instanceof ReshardError &&
      error.message.startsWith(
        "Cannot reshard the fleet to 16 shards: 16 session starts are needed and only 15 are left today",
      ),
  );
});

Deno.test("checkReshard: a MemoryIdentifyQueue's own budget counts once known", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const queue = new MemoryIdentifyQueue({ scheduler });
  // Not known before Discord's session_start_limit is given: nothing refused.
  await checkReshard(scheduler, queue, 16, {});
  queue.updateSessionStartLimit({
    total: 1000,
    remaining: 15,
    reset_after: 3_600_000,
    max_concurrency: 1,
  });
  await assert.rejects(checkReshard(scheduler, queue, 16, {}), ReshardError);
  await checkReshard(scheduler, queue, 15, {});
});
