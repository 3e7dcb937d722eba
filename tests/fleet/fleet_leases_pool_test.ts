// An empty pool is no shard, not every shard: the script read the empty
// list as "all". A process whose pool has no shard below the fleet's count
// (after resharding down, say) ran every shard of the fleet.
import assert from "node:assert/strict";
import { ShardLeases } from "../../fleet/shard_leases.ts";
import { FleetShards } from "../../fleet/fleet_shards.ts";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import { MemorySessionStore } from "../../gateway/session_store.ts";
import { closeRedis, connectRedis } from "../../redis/connection.ts";
import { deleteKeys } from "../_fakes/fleet_scene.ts";
import { testRedis } from "../_fakes/servers.ts";

const server = testRedis();

Deno.test({
  name:
    "ShardLeases: a process with an empty pool takes no shard, sheds what it holds, and does not count among those that run every shard",
  ignore: server.ignore,
  fn: async () => {
    const redis = await connectRedis({ url: server.url });
    const prefix = `disruption:test:leases:${crypto.randomUUID()}`;
    const make = (owner: string, pool?: number[]): ShardLeases =>
      new ShardLeases(redis, {
        prefix,
        owner,
        shardCount: 8,
        pool,
        ttlMs: 1e4,
      });
    try {
      const none = make("a", []);
      const all = make("b");
      await none.tick([], 0);
      let t = await none.tick([], 10);
      assert.deepEqual(
        t.acquired,
        [],
        "a process with an empty pool took shards",
      );
      // A shard it holds (leased before, say) is handed over.
      t = await none.tick([5], 15);
      assert.deepEqual([t.kept, t.shed, t.lost], [[], [5], []]);
      await none.release(t.shed);
      await all.tick([], 20);
      t = await all.tick([], 30);
      assert.deepEqual(t.acquired, [...Array(8).keys()]);
      assert.equal(t.members, 1, "the empty pool counted with 'every shard'");
    } finally {
      await redis.del(`${prefix}:leases`, `${prefix}:members`);
      await closeRedis(redis);
    }
  },
});

Deno.test({
  name:
    "FleetShards: a pool with no shard below the fleet's count (resharded down from 8 to 4) runs no shard",
  ignore: server.ignore,
  fn: async () => {
    const redis = await connectRedis({ url: server.url });
    const prefix = `disruption:test:pool:${crypto.randomUUID()}`;
    // The fleet resharded from 8 to 4 shards: the count in Redis wins.
    await redis.hset(`${prefix}:generation`, "count", "4");
    const fleet = new FleetShards({
      redis,
      shard: { token: "t", intents: 1, gatewayUrl: "ws://127.0.0.1:1" },
      shardCount: 8,
      pool: [4, 5, 6, 7],
      identifyQueue: new MemoryIdentifyQueue(),
      sessionStore: new MemorySessionStore(),
      prefix,
      leaseTtlMs: 300,
      renewMs: 50,
    });
    try {
      await fleet.start();
      // Several ticks: the first only joins, later ones may take.
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.equal(fleet.shardCount, 4);
      assert.deepEqual(fleet.shardIds, [], "ran shards outside its pool");
      assert.deepEqual(await redis.hgetall(`${prefix}:4:leases`), {});
    } finally {
      await fleet.close();
      await deleteKeys(redis, prefix);
      await closeRedis(redis);
    }
  },
});

Deno.test({
  name:
    "ShardLeases: pools of the same shards written differently (another order, repeats, IDs past the count, every shard listed or none) share them: neither process runs everything",
  ignore: server.ignore,
  fn: async () => {
    const redis = await connectRedis({ url: server.url });
    const cases: [number[] | undefined, number[] | undefined][] = [
      [[0, 1, 2, 3], [3, 2, 1, 0]],
      [undefined, [0, 1, 2, 3]],
      [[3, 1, 2, 0, 1], [0, 1, 2, 3, 9]],
      [[2, 3], [3, 2, 3, 7]],
    ];
    try {
      for (const [poolA, poolB] of cases) {
        const prefix = `disruption:test:leases:${crypto.randomUUID()}`;
        const make = (owner: string, pool?: number[]): ShardLeases =>
          new ShardLeases(redis, {
            prefix,
            owner,
            shardCount: 4,
            pool,
            ttlMs: 1e4,
          });
        const processes = [make("a", poolA), make("b", poolB)];
        const held: number[][] = [[], []];
        try {
          for (let round = 0; round < 4; round++) {
            for (const [i, leases] of processes.entries()) {
              const t = await leases.tick(held[i]!, 10 * round + i);
              await leases.release(t.shed);
              held[i] = [...t.kept, ...t.acquired].sort((x, y) => x - y);
            }
          }
          const size = poolA?.length === 2 ? 1 : 2;
          const what = `${JSON.stringify(poolA)} and ${JSON.stringify(poolB)}`;
          assert.deepEqual(
            held.map((h) => h.length),
            [size, size],
            `${what}: ${JSON.stringify(held)}`,
          );
        } finally {
          await redis.del(`${prefix}:leases`, `${prefix}:members`);
        }
      }
    } finally {
      await closeRedis(redis);
    }
  },
});
