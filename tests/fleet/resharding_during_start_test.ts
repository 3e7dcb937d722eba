// A ReshardingShards reshard called while start() still connects the first
// set: the reshard switches away from that set, its shards still waiting to
// identify are closed, and start() resolves (the user closed nothing).
import assert from "node:assert/strict";
import { reshardScene } from "./_reshard_scene.ts";

Deno.test("ReshardingShards: reshard() before start() resolved (4 -> 2, one IDENTIFY at a time): start() resolves once the reshard switched away from its set, then every message once", async () => {
  await using t = reshardScene({ count: 4, guilds: 8, maxConcurrency: 1 });
  const started = t.shards.start();
  started.catch(() => {}); // settled below
  await t.stream(100); // the first shards identify, the last ones wait
  const resharded = await t.settle(t.shards.reshard(2), 300_000);
  assert.equal(resharded?.status, "fulfilled", String(resharded));
  const start = await t.settle(started, 60_000);
  assert.equal(
    start?.status,
    "fulfilled",
    String((start as PromiseRejectedResult | undefined)?.reason),
  );
  assert.equal(t.shards.shardCount, 2);
  // Messages to the guilds of first shards not yet READY reached no one
  // (nor would they on Discord): only those sent once the set of 2 runs
  // must all arrive.
  const from = t.sent.length;
  await t.stream(1_000);
  await t.run(10_000);
  const { lost, twice } = t.tally();
  assert.deepEqual(lost.filter((id) => Number(id.slice(1)) >= from), []);
  assert.deepEqual(twice, []);
});
