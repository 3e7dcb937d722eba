// A new shard of a ReshardingShards reshard that stops for good (a fatal
// close) after the switch, while the old set drains: the old shard that
// may hold its guilds stays open and delivers their events, the stop is
// said as an error, and reshard() rejects. Every message once, by ID.
import assert from "node:assert/strict";
import { ReshardError } from "../../fleet/mod.ts";
import { coveringShards } from "../../fleet/old_set_drain.ts";
import type { Shard } from "../../gateway/shard.ts";
import { GatewayError } from "../../gateway/errors.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { reshardScene, startFirstSet, switchedTo } from "./_reshard_scene.ts";

Deno.test("ReshardingShards: a new shard stopped for good (4014) during the old set's drain keeps the old shard holding its guilds open: their messages are delivered once, the stop is said as an error, and reshard() rejects (another reshard is refused until close() and start())", () =>
  withLogRecords(async (records) => {
    await using t = reshardScene({ count: 2, heartbeatInterval: 5_000 });
    await startFirstSet(t);
    await t.stream(6_000);
    const resharding = t.shards.reshard(4);
    resharding.catch(() => {}); // settled below
    await switchedTo(t, 4);
    await t.stream(100);
    // Only new shard 3 of 4: the old set has shards 0 and 1.
    assert.equal(t.gateway.closeWith(4014, { shardId: 3 }), 1);
    const outcome = await t.settle(resharding);
    assert.equal(outcome?.status, "rejected");
    const reason = (outcome as PromiseRejectedResult).reason;
    assert.ok(reason instanceof ReshardError, String(reason));
    assert.match(
      reason.message,
      /^Resharded to 4 shards, but new shard 3 stopped for good before the old set was closed: .*; old shards 1 of 2 stay open for their guilds until close\(\)$/,
    );
    assert.ok(reason.cause instanceof GatewayError, String(reason.cause));
    assert.equal(reason.cause.closeCode, 4014);
    assert.equal(t.shards.shardCount, 4, "the switch stands");
    await t.stream(2_000);
    await t.run(5_000);
    assert.deepEqual(
      t.gateway.connections.map((c) => c.shard?.join("/")).sort(),
      ["0/4", "1/4", "1/2", "2/4"].sort(),
    );
    const { lost, twice } = t.tally();
    assert.deepEqual(lost, [], `${lost.length} of ${t.sent.length} lost`);
    assert.deepEqual(twice, []);
    const errors = records.filter((r) =>
      r.level === "error" &&
      String(r.rawMessage).startsWith("New shard {id} of {count} stopped")
    );
    assert.equal(errors.length, 1, JSON.stringify(records));
    // The guilds stay covered: no other reshard replaces the filter.
    const again = await t.settle(t.shards.reshard(8), 1_000);
    assert.equal(again?.status, "rejected");
    assert.match(
      String((again as PromiseRejectedResult).reason),
      /while old shards 1 of 2 stay open for the guilds of a new shard of 4 that stopped for good: close\(\) and start\(\) again/,
    );
    // As said: after close() and start(), a reshard may run again.
    const closed = await t.settle(t.shards.close(), 60_000, false);
    assert.equal(closed?.status, "fulfilled");
    const started = await t.settle(t.shards.start(), 60_000, false);
    assert.equal(started?.status, "fulfilled");
    await t.run(6_000);
    const after = await t.settle(t.shards.reshard(8));
    assert.equal(after?.status, "fulfilled", String(after));
  }));

Deno.test("coveringShards: the old shards that may hold a new shard's guilds agree with it modulo the counts' greatest common divisor", () => {
  const set = (count: number) => ({
    count,
    shards: Array.from({ length: count }, (_, id) => ({ id }) as Shard),
  });
  const ids = (old: number, count: number, id: number) =>
    coveringShards(set(old), count, id).map((s) => s.id);
  assert.deepEqual(ids(2, 4, 3), [1]);
  assert.deepEqual(ids(4, 2, 1), [1, 3]);
  assert.deepEqual(ids(4, 6, 3), [1, 3]);
  assert.deepEqual(ids(3, 4, 0), [0, 1, 2]);
  // Checked against guild IDs: every guild's old shard is among them.
  for (const [old, count] of [[2, 4], [4, 6], [3, 4], [6, 4], [5, 10]]) {
    for (let x = 0n; x < 200n; x++) {
      const guild = (x << 22n) | 12345n;
      const oldId = Number((guild >> 22n) % BigInt(old!));
      const newId = Number((guild >> 22n) % BigInt(count!));
      assert.ok(ids(old!, count!, newId).includes(oldId));
    }
  }
});
