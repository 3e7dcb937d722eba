// A ReshardingShards reshard started as soon as the previous one resolved
// (its old set closed): the running set may still read copies of what that
// old set delivered just before it closed, so the previous overlap's
// duplicate check must run on through its grace. Every message once, by ID.
import assert from "node:assert/strict";
import { withLogRecords } from "../_fakes/log_records.ts";
import { reshardScene, startFirstSet } from "./_reshard_scene.ts";

Deno.test("ReshardingShards: a reshard started right after the previous one resolved, while the running set reads 1 s late, delivers every message once (the previous overlap's grace still catches its late copies)", async () => {
  await using t = reshardScene({ count: 2, heartbeatInterval: 5_000 });
  await startFirstSet(t);
  await t.stream(2_000);
  t.lag.set(4, 1_000); // the set of 4 reads its sockets 1 s late
  const first = await t.settle(t.shards.reshard(4), 300_000);
  assert.equal(first?.status, "fulfilled", String(first));
  // At once: the copies the set of 4 has not read yet are still coming.
  const second = await t.settle(t.shards.reshard(8), 300_000);
  assert.equal(second?.status, "fulfilled", String(second));
  await t.stream(1_000);
  await t.run(30_000);
  const { lost, twice } = t.tally();
  assert.deepEqual(lost, [], `${lost.length} of ${t.sent.length} lost`);
  assert.deepEqual(twice, [], `${twice.length} of ${t.sent.length} twice`);
  assert.equal(t.shards.shardCount, 8);
});

Deno.test("ReshardingShards: a reshard that fails right after the previous one resolved leaves that overlap's grace running, and the grace still ends: every message once, then a repeated event delivered each time", () =>
  // The stopped shard's error is said; kept out of the test's output.
  withLogRecords(async () => {
    // One IDENTIFY at a time: the set of 8 takes 40 s to complete.
    await using t = reshardScene({ count: 2, maxConcurrency: 1 });
    await startFirstSet(t);
    await t.stream(2_000);
    t.lag.set(4, 3_000);
    const first = await t.settle(t.shards.reshard(4), 300_000);
    assert.equal(first?.status, "fulfilled", String(first));
    // The first shard of 8 stops for good (an authentication failure) as
    // soon as it has identified, the others still waiting their turn,
    // while copies read late by the set of 4 are still coming.
    const second = t.shards.reshard(8);
    second.catch(() => {}); // settled below
    while (!t.gateway.connections.some((c) => c.shard?.[1] === 8)) {
      await t.scheduler.advance(10);
    }
    const to8 = t.gateway.connections.find((c) => c.shard?.[1] === 8)!;
    t.gateway.closeWith(4004, "Authentication failed.", {
      connectionId: to8.id,
    });
    const failed = await t.settle(second, 300_000);
    assert.equal(failed?.status, "rejected");
    assert.match(
      String((failed as PromiseRejectedResult).reason),
      /new shard \d stopped before the switch/,
    );
    await t.stream(1_000);
    await t.run(10_000);
    const { lost, twice } = t.tally();
    assert.deepEqual(lost, [], `${lost.length} of ${t.sent.length} lost`);
    assert.deepEqual(twice, [], `${twice.length} of ${t.sent.length} twice`);
    assert.equal(t.shards.shardCount, 4);
    // A minute after the old set of 2 closed, nothing is compared: an event
    // that repeats an earlier one exactly is a new event.
    await t.run(60_000);
    const typing = {
      channel_id: "1",
      user_id: "80351110224678912",
      timestamp: 1,
      guild_id: t.gateway.guildIds[0],
    };
    t.gateway.dispatch("TYPING_START", typing, { ignoreIntents: true });
    t.gateway.dispatch("TYPING_START", typing, { ignoreIntents: true });
    await t.run(3_000);
    assert.equal(
      t.delivered.filter((e) => e.name === "TYPING_START").length,
      2,
    );
  }));

Deno.test("ReshardingShards: a reshard started right after the previous one resolved and running past that overlap's grace keeps its duplicate filter to its switch: every message once", async () => {
  // One IDENTIFY at a time: the set of 16 takes some 80 s to complete,
  // past the minute of the first reshard's grace.
  await using t = reshardScene({ count: 2, maxConcurrency: 1 });
  await startFirstSet(t);
  await t.stream(2_000);
  const first = await t.settle(t.shards.reshard(4), 300_000);
  assert.equal(first?.status, "fulfilled", String(first));
  const startedAt = t.scheduler.now();
  const second = await t.settle(t.shards.reshard(16), 600_000);
  assert.equal(second?.status, "fulfilled", String(second));
  assert.ok(t.scheduler.now() - startedAt > 60_000, "past the grace");
  await t.stream(1_000);
  await t.run(10_000);
  const { lost, twice } = t.tally();
  assert.deepEqual(lost, [], `${lost.length} of ${t.sent.length} lost`);
  assert.deepEqual(twice, [], `${twice.length} of ${t.sent.length} twice`);
});
