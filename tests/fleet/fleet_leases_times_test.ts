// Lease and membership expiries are written as whole milliseconds. A
// fractional TTL (10000.5), one so large Lua printed the sum with an
// exponent (1e15), or a fractional clock reading (a scheduler's) made every
// lease unreadable by the script's own parser: every lease looked free,
// every membership was deleted, and two processes ran every shard.
import assert from "node:assert/strict";
import { ShardLeases } from "../../fleet/shard_leases.ts";
import { closeRedis, connectRedis } from "../../redis/connection.ts";
import { testRedis } from "../_fakes/servers.ts";

const server = testRedis();

for (
  const [what, ttlMs, start] of [
    ["a fractional TTL (10000.5)", 10_000.5, 0],
    ["a TTL Lua prints with an exponent (1e15)", 1e15, 0],
    ["a fractional clock (1000.25, 1100.75, ...)", 10_000, 1_000.25],
    ["Redis's clock and a fractional TTL", 10_000.5, undefined],
  ] as const
) {
  Deno.test({
    name:
      `ShardLeases: with ${what} a lease stays readable: a second process takes none the first holds`,
    ignore: server.ignore,
    fn: async () => {
      const redis = await connectRedis({ url: server.url });
      const prefix = `disruption:test:leases:${crypto.randomUUID()}`;
      const make = (owner: string): ShardLeases =>
        new ShardLeases(redis, { prefix, owner, shardCount: 4, ttlMs });
      const at = (offset: number): number | undefined =>
        start === undefined ? undefined : start + offset + 0.5 * (offset % 2);
      try {
        const [a, b] = [make("a"), make("b")];
        await a.tick([], at(0));
        const aHeld = (await a.tick([], at(1))).acquired;
        assert.deepEqual(aHeld, [0, 1, 2, 3]);
        for (
          const value of Object.values(await redis.hgetall(`${prefix}:leases`))
        ) {
          assert.match(value, /^a\|\d+$/);
        }
        for (
          const value of Object.values(await redis.hgetall(`${prefix}:members`))
        ) {
          assert.match(value, /^\d+\|/);
        }
        await b.tick([], at(2));
        const bTick = await b.tick([], at(3));
        assert.deepEqual(bTick.acquired, [], "b took shards a holds");
        assert.equal(bTick.members, 2, "a's membership was dropped");
        const aTick = await a.tick(aHeld, at(4));
        assert.deepEqual(aTick.lost, []);
        assert.equal(aTick.members, 2);
        assert.equal(aTick.shed.length, 2);
      } finally {
        await redis.del(`${prefix}:leases`, `${prefix}:members`);
        await closeRedis(redis);
      }
    },
  });
}
