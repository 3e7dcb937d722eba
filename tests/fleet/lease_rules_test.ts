// Lease rules the scenes of shard_leases_test.ts pass through without
// telling apart (each found as a surviving mutant): a release only frees
// the releaser's own leases, even once they expired and another took them;
// leaving drops the membership at once; a pool's IDs at or above the shard
// count are no shards; and no shard is shed before the fleet's count has
// stood a TTL. Against a real Redis, on explicit times: each ShardLeases
// stands for one process.
import assert from "node:assert/strict";
import { ShardLeases } from "../../fleet/shard_leases.ts";
import {
  closeRedis,
  connectRedis,
  type RedisConnection,
} from "../../redis/connection.ts";
import { testRedis } from "../_fakes/servers.ts";

const server = testRedis();
const TTL = 10_000;
const SHARDS = [0, 1, 2, 3];

async function withLeases(
  fn: (
    make: (owner: string, pool?: number[]) => ShardLeases,
    redis: RedisConnection,
    leasesKey: string,
  ) => Promise<void>,
): Promise<void> {
  const redis = await connectRedis({ url: server.url });
  const prefix = `disruption:test:leases:${crypto.randomUUID()}`;
  try {
    await fn(
      (owner, pool) =>
        new ShardLeases(redis, {
          prefix,
          owner,
          shardCount: SHARDS.length,
          pool,
          ttlMs: TTL,
        }),
      redis,
      `${prefix}:leases`,
    );
  } finally {
    await redis.del(`${prefix}:leases`, `${prefix}:members`);
    await closeRedis(redis);
  }
}

/** Each lease's owner, by shard. */
async function owners(
  redis: RedisConnection,
  leasesKey: string,
): Promise<Record<string, string>> {
  const leases = await redis.hgetall(leasesKey);
  return Object.fromEntries(
    Object.entries(leases).map((
      [shard, value],
    ) => [shard, value.split("|", 1)[0]!]),
  );
}

Deno.test({
  name:
    "ShardLeases: a release sent after the lease expired and another process took the shard leaves the taker's lease: no third process starts it",
  ignore: server.ignore,
  fn: () =>
    withLeases(async (make, redis, leasesKey) => {
      const [a, b, c] = [make("a"), make("b"), make("c")];
      await a.tick([], 0); // a process's first tick only joins
      const aHeld = (await a.tick([], 0)).acquired;
      assert.deepEqual(aHeld, SHARDS);
      await b.tick([], 0);
      await b.tick([], 5_000);
      // a goes silent: its leases and membership expire at TTL; b takes all.
      const bTick = await b.tick([], TTL + 1);
      assert.deepEqual(bTick.acquired, SHARDS);
      // a's release comes late (its stop and save outlasted the TTL).
      await a.release(aHeld);
      assert.deepEqual(await owners(redis, leasesKey), {
        0: "b",
        1: "b",
        2: "b",
        3: "b",
      });
      await c.tick([], TTL + 2);
      const cTick = await c.tick([], TTL + 3);
      assert.deepEqual(cTick.acquired, [], "b still runs every shard");
    }),
});

Deno.test({
  name:
    "ShardLeases: a process that releases and leaves is no member any more: the other takes the whole pool at its next tick",
  ignore: server.ignore,
  fn: () =>
    withLeases(async (make) => {
      const [a, b] = [make("a"), make("b")];
      await a.tick([], 0);
      await b.tick([], 0);
      const aHeld = (await a.tick([], 1)).acquired;
      const bHeld = (await b.tick([], 2)).acquired;
      assert.deepEqual([aHeld, bHeld], [[0, 1], [2, 3]]);
      await a.release(aHeld, true);
      const t = await b.tick(bHeld, 3);
      assert.equal(t.members, 1);
      assert.deepEqual([...t.kept, ...t.acquired].sort(), SHARDS);
    }),
});

Deno.test({
  name:
    "ShardLeases: a pool listing an ID equal to the shard count takes only the shards below it",
  ignore: server.ignore,
  fn: () =>
    withLeases(async (make) => {
      const a = make("a", [0, 1, 2, 3, 4]);
      await a.tick([], 0);
      assert.deepEqual((await a.tick([], 1)).acquired, SHARDS);
    }),
});

Deno.test({
  name:
    "ShardLeases: before notBefore (the fleet's count just written afresh) a process over its share sheds nothing, then sheds after it",
  ignore: server.ignore,
  fn: () =>
    withLeases(async (make) => {
      const [a, b] = [make("a"), make("b")];
      await a.tick([], 0);
      const aHeld = (await a.tick([], 1)).acquired;
      assert.deepEqual(aHeld, SHARDS);
      await b.tick([], 2);
      let t = await a.tick(aHeld, 3, true, 5_000);
      assert.equal(t.members, 2);
      assert.deepEqual([t.kept, t.shed], [SHARDS, []]);
      t = await a.tick(aHeld, 5_000, true, 5_000);
      assert.deepEqual([t.kept, t.shed.sort()], [[0, 1], [2, 3]]);
    }),
});
