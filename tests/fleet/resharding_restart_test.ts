// ReshardingShards started again after close(): with the count of the last
// completed switch, not the constructor's.
import assert from "node:assert/strict";
import { reshardScene } from "./_reshard_scene.ts";

Deno.test("ReshardingShards: start() after close() starts the count of the last switch", async () => {
  await using t = reshardScene({ count: 2 });
  const start = () => t.settle(t.shards.start(), 60_000, false);
  assert.equal((await start())?.status, "fulfilled");
  await t.run(6_000);
  const resharded = await t.settle(t.shards.reshard(4), 600_000, false);
  assert.equal(resharded?.status, "fulfilled", String(resharded));
  assert.equal(
    (await t.settle(t.shards.close(), 60_000, false))?.status,
    "fulfilled",
  );
  assert.equal(t.shards.shardCount, 4, "the count the next start() starts");
  await t.run(6_000);
  assert.equal((await start())?.status, "fulfilled");
  assert.equal(t.shards.shardCount, 4);
  assert.deepEqual(
    t.gateway.connections.map((c) => c.shard?.join("/")).sort(),
    ["0/4", "1/4", "2/4", "3/4"],
  );
});
