// What ReshardingShards reports, and what it refuses, around a reshard: a
// first set whose shard is refused rejects start(), two reshard() calls in
// one turn run one reshard, and a switch's ReshardResult counts that
// switch's held events and second copies. Every message once, by ID.
import assert from "node:assert/strict";
import { ReshardError } from "../../fleet/mod.ts";
import { GatewayError } from "../../gateway/errors.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import {
  repeatedTwice,
  reshardScene,
  startFirstSet,
  switchedTo,
} from "./_reshard_scene.ts";

Deno.test("ReshardingShards.start() rejects with the shard's GatewayError when a shard of the first set stops for good before READY (close 4004)", () =>
  withLogRecords(async (records) => {
    // The fake knows another token: the bot's IDENTIFY is refused with 4004.
    await using t = reshardScene({
      count: 2,
      gateway: { tokens: ["another-token"] },
    });
    const outcome = await t.settle(t.shards.start(), 60_000, false);
    assert.equal(outcome?.status, "rejected", String(outcome));
    const reason = (outcome as PromiseRejectedResult).reason;
    assert.ok(reason instanceof GatewayError, String(reason));
    assert.equal(reason.closeCode, 4004);
    // Each shard said its stop.
    assert.equal(records.filter((r) => r.level === "error").length, 2);
  }));

Deno.test("ReshardingShards: a second reshard() called in the same turn as the first is refused once the first runs: one new set, every message once", async () => {
  await using t = reshardScene({ count: 2, heartbeatInterval: 5_000 });
  await startFirstSet(t);
  await t.stream(6_000);
  // Both pass the check made before the budget is read; the second is
  // refused by the one made after it.
  const first = t.shards.reshard(4);
  const second = t.shards.reshard(8);
  first.catch(() => {}); // settled below
  const refused = await t.settle(second, 60_000);
  assert.equal(refused?.status, "rejected");
  const reason = (refused as PromiseRejectedResult).reason;
  assert.ok(reason instanceof ReshardError, String(reason));
  assert.match(
    reason.message,
    /^Cannot reshard to 8 shards while a reshard to 4 is running/,
  );
  assert.equal((await t.settle(first))?.status, "fulfilled");
  assert.equal(t.shards.shardCount, 4);
  assert.deepEqual(
    t.gateway.allConnections.filter((c) => c.shard?.[1] === 8),
    [],
    "no session of 8 shards was opened",
  );
  await t.stream(1_000);
  await t.run(10_000);
  assert.deepEqual(t.tally(), { lost: [], twice: [] });
});

Deno.test("ReshardingShards: a reshard's result counts the held events delivered at its switch and the second copies it dropped, not those of an earlier reshard", async () => {
  await using t = reshardScene({ count: 2, heartbeatInterval: 5_000 });
  await startFirstSet(t);
  await t.stream(6_000);
  // The old set reads 300 ms late: at the switch the new set holds what
  // the old one has not delivered yet, and the old one's copies of it
  // come in during the drain.
  t.lag.set(2, 300);
  const first = await t.settle(t.shards.reshard(4));
  assert.equal(first?.status, "fulfilled", String(first));
  const result = (first as PromiseFulfilledResult<
    Awaited<ReturnType<typeof t.shards.reshard>>
  >).value;
  assert.deepEqual([result.from, result.to], [2, 4]);
  assert.ok(result.heldDelivered > 0, `${result.heldDelivered} held`);
  assert.ok(result.duplicatesDropped > 0, `${result.duplicatesDropped}`);
  // Past the overlap's grace (a minute), with no message meanwhile: the
  // next reshard has nothing to drop.
  await t.run(70_000, 100);
  const second = await t.settle(t.shards.reshard(8), 600_000, false);
  assert.equal(second?.status, "fulfilled", String(second));
  const again = (second as PromiseFulfilledResult<typeof result>).value;
  assert.deepEqual([again.from, again.to], [4, 8]);
  assert.equal(again.duplicatesDropped, 0);
  assert.deepEqual(t.tally(), { lost: [], twice: [] });
});

Deno.test("ReshardingShards.watchRecommended waits quietly until start(): no reshard is asked for before it", () =>
  withLogRecords(async (records) => {
    await using t = reshardScene({ count: 1 });
    let asked = 0;
    const stop = t.shards.watchRecommended({
      intervalMs: 60_000,
      fetch: () => {
        asked++;
        return Promise.resolve({
          shards: 2,
          session_start_limit: { remaining: 1000 },
        });
      },
    });
    try {
      await t.run(61_000, 100);
      assert.equal(asked, 1);
      assert.deepEqual(records.map((r) => r.message.join("")), []);
      assert.equal(t.shards.shardCount, 1);
      assert.deepEqual(t.gateway.allConnections, []);
    } finally {
      stop();
    }
  }));

Deno.test("ReshardingShards: close() during the old set's drain ends the drain: reshard() resolves (the switch stood), and no new shard is said stopped", () =>
  withLogRecords(async (records) => {
    await using t = reshardScene({ count: 2, heartbeatInterval: 5_000 });
    await startFirstSet(t);
    await t.stream(6_000);
    // No heartbeat is acknowledged: the old set drains up to the cap.
    t.gateway.setAcks(false);
    const resharding = t.shards.reshard(4);
    resharding.catch(() => {}); // settled below
    await switchedTo(t, 4);
    await t.stream(1_000);
    const closing = t.shards.close();
    const outcome = await t.settle(resharding, 10_000, false);
    assert.equal(outcome?.status, "fulfilled", String(outcome));
    assert.equal((await t.settle(closing, 10_000, false))?.status, "fulfilled");
    assert.deepEqual(t.gateway.connections, []);
    assert.deepEqual(
      records.filter((r) => r.level === "error").map((r) => r.message.join("")),
      [],
    );
  }));

Deno.test("ReshardingShards: close() within a reshard's overlap grace ends its duplicate filter: started again, an event that repeats an earlier one exactly is delivered each time", async () => {
  await using t = reshardScene({ count: 2, heartbeatInterval: 5_000 });
  const start = () => t.settle(t.shards.start(), 60_000, false);
  assert.equal((await start())?.status, "fulfilled");
  await t.stream(6_000);
  const resharded = await t.settle(t.shards.reshard(4));
  assert.equal(resharded?.status, "fulfilled", String(resharded));
  // Within the minute after the old set closed.
  const closed = await t.settle(t.shards.close(), 10_000, false);
  assert.equal(closed?.status, "fulfilled");
  assert.equal((await start())?.status, "fulfilled");
  assert.equal(await repeatedTwice(t), 2);
});

Deno.test("ReshardingShards.reshard() called while close() runs is refused: no new set is started for close() to leave behind", async () => {
  await using t = reshardScene({ count: 2 });
  await startFirstSet(t);
  await t.run(6_000);
  // The close takes a while: the shards' sockets are read late.
  t.lag.set(2, 1_000);
  const closing = t.shards.close();
  const refused = await t.settle(t.shards.reshard(4), 10_000, false);
  assert.equal(refused?.status, "rejected");
  const reason = (refused as PromiseRejectedResult).reason;
  assert.ok(reason instanceof ReshardError, String(reason));
  assert.equal(reason.message, "Cannot reshard while closing");
  assert.equal((await t.settle(closing, 10_000, false))?.status, "fulfilled");
  await t.run(6_000);
  assert.deepEqual(
    t.gateway.allConnections.filter((c) => c.shard?.[1] === 4),
    [],
  );
  assert.deepEqual(t.gateway.connections, []);
});
