// A ShardManager told no session start limit (a gatewayUrl and a shard
// count: GET /gateway/bot not asked) built its identify queue with no daily
// budget: 16 shards behind a gateway that ended every session 10 min after
// READY started 2,294 sessions in a day, with no word, where Discord allows
// 1,000 and then resets the token. Its default queue now assumes Discord's
// default budget (said at info level), and past it the queue's own warning
// and wait apply. On the virtual clock.
import assert from "node:assert/strict";
import {
  assumeSessionStartLimit,
  managerQueue,
} from "../../gateway/_manager_pacing.ts";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import { ShardManager } from "../../gateway/shard_manager.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { sessionEndingGateway } from "./_session_ending_gateway.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The text of a log record, its properties filled in. */
function text(record: { message: readonly unknown[] }): string {
  return record.message.map(String).join("");
}

Deno.test("ShardManager's default identify queue without a session start limit assumes 1,000 a day and says so at info level", async () => {
  await withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler();
    const queue = managerQueue(scheduler, undefined, undefined, undefined);
    assert.ok(queue instanceof MemoryIdentifyQueue);
    assert.equal(queue.remaining, 1_000);
    const said = records.filter((record) =>
      /assumes Discord's default/.test(text(record))
    );
    assert.equal(said.length, 1);
    assert.equal(said[0]!.level, "info", "no warning for a normal setup");
    assert.match(text(said[0]!), /: 1000 session starts per 24 h from now/);
    await queue.acquire(0);
    assert.equal(queue.remaining, 999);
  }, "debug");
});

Deno.test("ShardManager's default identify queue assumes no budget with a maxConcurrency over 1 (large bot sharding, whose budget Discord raises): 1,200 shards all start", async () => {
  await withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler();
    const queue = managerQueue(scheduler, undefined, 16, undefined);
    assert.ok(queue instanceof MemoryIdentifyQueue);
    assert.equal(queue.remaining, undefined);
    assert.equal(queue.maxConcurrency, 16, "the buckets are the option's");
    // From 2 on: any maxConcurrency over 1 is large bot sharding's.
    const two = managerQueue(scheduler, undefined, 2, undefined);
    assert.equal((two as MemoryIdentifyQueue).remaining, undefined);
    assert.deepEqual(
      records.filter((r) => /assumes Discord's default/.test(text(r))),
      [],
    );
    // Every shard of 1,200 is granted within the hour, none held a day.
    const granted = Promise.all(
      Array.from({ length: 1_200 }, (_, shard) => queue.acquire(shard)),
    );
    let done = false;
    granted.then(() => done = true);
    for (let s = 0; s < 3_600 && !done; s++) await scheduler.advance(1_000);
    assert.ok(done, "all 1,200 granted within an hour");
  }, "debug");
});

Deno.test("ShardManager's default identify queue keeps a given session start limit, and says nothing of an assumed one", async () => {
  await withLogRecords((records) => {
    const queue = managerQueue(new VirtualScheduler(), undefined, undefined, {
      total: 1_000,
      remaining: 7,
      reset_after: 60_000,
      max_concurrency: 1,
    });
    assert.equal((queue as MemoryIdentifyQueue).remaining, 7);
    assert.deepEqual(records.map(text), []);
    return Promise.resolve();
  }, "debug");
});

Deno.test("an identify queue that already has a budget keeps it when the default is assumed again: a restart does not refill what the day spent", async () => {
  await withLogRecords(async () => {
    const scheduler = new VirtualScheduler();
    const queue = new MemoryIdentifyQueue({ scheduler });
    assumeSessionStartLimit(queue);
    await queue.acquire(0);
    assert.equal(queue.remaining, 999);
    // As the Client's own queue at its next start.
    assumeSessionStartLimit(queue);
    assert.equal(queue.remaining, 999);
  }, "debug");
});

Deno.test("ShardManager without a session start limit starts at most 1,000 sessions a day against a gateway that ends each after 10 min, and warns when it holds them", async () => {
  await withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler();
    const gateway = sessionEndingGateway(scheduler, 10 * 60_000);
    const manager = new ShardManager({
      token: "assumed-budget-token",
      intents: GatewayIntent.Guilds,
      shardCount: 16,
      transport: gateway.transport,
      scheduler,
      random: () => 0.5,
    });
    const started = manager.start().catch(() => {});
    try {
      // A minute at a time, for a day less a minute: the budget resets
      // a day after the queue was built.
      for (let minute = 0; minute < 24 * 60 - 1; minute++) {
        await scheduler.advance(60_000);
      }
      assert.ok(scheduler.now() < DAY_MS);
      assert.equal(gateway.identifies(), 1_000);
      const held = records.filter((record) =>
        /Session start limit exhausted/.test(text(record))
      );
      assert.equal(held.length, 1, "the wait for the reset is said once");
      assert.equal(held[0]!.level, "warning");
      // The next day's budget is spent again.
      for (let minute = 0; minute < 60; minute++) {
        await scheduler.advance(60_000);
      }
      assert.ok(gateway.identifies() > 1_000);
    } finally {
      await manager.close();
      await started;
    }
  });
});
