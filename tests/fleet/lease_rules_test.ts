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

Deno.test({
  name:
    "ShardLeases: before notBefore (the fleet's count just written afresh) a process takes no free shard, then takes them after it",
  ignore: server.ignore,
  fn: () =>
    withLeases(async (make) => {
      const a = make("a");
      await a.tick([], 0); // a process's first tick only joins
      let t = await a.tick([], 1, true, 5_000);
      assert.deepEqual(t.acquired, [], "nothing taken before notBefore");
      t = await a.tick([], 5_000, true, 5_000);
      assert.deepEqual(t.acquired, SHARDS);
    }),
});

Deno.test({
  name:
    "ShardLeases: a process frozen past its TTL whose expired membership nobody dropped is back as rejoined, and takes no free shard for a TTL",
  ignore: server.ignore,
  fn: () =>
    withLeases(async (make) => {
      const [a, b] = [make("a"), make("b")];
      await a.tick([], 0);
      await b.tick([], 0);
      const aHeld = (await a.tick([], 1)).acquired;
      assert.deepEqual(aHeld, [0, 1]);
      assert.deepEqual((await b.tick([], 2)).acquired, [2, 3]);
      // Both freeze; b never comes back. a wakes past its TTL: its own
      // entry is still there, expired (no other process ticked to drop it).
      const back = TTL + 1_000;
      let t = await a.tick(aHeld, back);
      assert.equal(t.rejoined, true);
      assert.deepEqual([t.kept, t.acquired], [aHeld, []]);
      t = await a.tick(aHeld, back + TTL / 2);
      assert.deepEqual(t.acquired, [], "none within its grace");
      t = await a.tick(aHeld, back + TTL + 1);
      assert.deepEqual(t.acquired, [2, 3]);
    }),
});

Deno.test({
  name:
    "ShardLeases: a process whose own membership expires further ahead than twice the TTL (the clock stepped back) is back as rejoined",
  ignore: server.ignore,
  fn: () =>
    withLeases(async (make) => {
      const a = make("a");
      const later = 100 * TTL;
      await a.tick([], later);
      const held = (await a.tick([], later + 1)).acquired;
      assert.deepEqual(held, SHARDS);
      // The fleet's clock steps back by far more than a TTL.
      const t = await a.tick(held, 1_000);
      assert.equal(t.rejoined, true);
      assert.deepEqual([t.kept, t.lost], [SHARDS, []]);
    }),
});

Deno.test({
  name:
    "ShardLeases: a held shard whose lease another process took and let expire is kept and leased again, not stopped as lost",
  ignore: server.ignore,
  fn: () =>
    withLeases(async (make, redis, leasesKey) => {
      const [a, b] = [make("a"), make("b")];
      await a.tick([], 0);
      const aHeld = (await a.tick([], 1)).acquired;
      assert.deepEqual(aHeld, SHARDS);
      // a freezes; b takes every shard once a's leases expire, then freezes
      // too, its own leases expiring in turn.
      await b.tick([], TTL);
      assert.deepEqual((await b.tick([], TTL + 2)).acquired, SHARDS);
      const t = await a.tick(aHeld, 3 * TTL);
      assert.deepEqual([t.kept, t.lost], [SHARDS, []]);
      assert.deepEqual(await owners(redis, leasesKey), {
        0: "a",
        1: "a",
        2: "a",
        3: "a",
      });
    }),
});

Deno.test({
  name:
    "ShardLeases: a membership and a lease hold through their last millisecond: counted, not taken, and a stale holder loses the shard; taken the millisecond after",
  ignore: server.ignore,
  fn: () =>
    withLeases(async (make) => {
      const [a, b] = [make("a"), make("b")];
      await a.tick([], 0);
      await b.tick([], 0);
      assert.deepEqual((await a.tick([], 1)).acquired, [0, 1]);
      assert.deepEqual((await b.tick([], 2)).acquired, [2, 3]);
      // b goes silent: its membership and leases end at 2 + TTL. a renews.
      const last = 2 + TTL;
      await a.tick([0, 1], TTL / 2);
      let t = await a.tick([0, 1], last);
      assert.equal(t.members, 2, "b counted through its last millisecond");
      // b leaves the members; its leases stay until they expire.
      await b.release([], true);
      // a, believing it still runs 2 and 3 (a stale claim), loses them.
      t = await a.tick([0, 1, 2, 3], last);
      assert.deepEqual([t.kept, t.lost, t.acquired], [[0, 1], [2, 3], []]);
      t = await a.tick([0, 1], last + 1);
      assert.deepEqual(t.acquired, [2, 3]);
    }),
});

Deno.test({
  name:
    "ShardLeases: a tick with take false after the first renews what is held and takes no free shard",
  ignore: server.ignore,
  fn: () =>
    withLeases(async (make, redis, leasesKey) => {
      const [a, b] = [make("a"), make("b")];
      await a.tick([], 0);
      await b.tick([], 0);
      assert.deepEqual((await a.tick([], 1)).acquired, [0, 1]);
      let t = await b.tick([], 2, false);
      assert.deepEqual(t.acquired, [], "free shards left to a later tick");
      assert.equal(t.members, 2);
      t = await a.tick([0, 1], 3, false);
      assert.deepEqual([t.kept, t.acquired], [[0, 1], []]);
      assert.deepEqual(await owners(redis, leasesKey), { 0: "a", 1: "a" });
    }),
});

Deno.test({
  name:
    "ShardLeases: a process that left on purpose and starts again joins afresh, not as one back from a loss: no grace, it takes its share at its second tick",
  ignore: server.ignore,
  fn: () =>
    withLeases(async (make) => {
      const a = make("a");
      await a.tick([], 0);
      const held = (await a.tick([], 1)).acquired;
      assert.deepEqual(held, SHARDS);
      await a.release(held, true); // close()
      let t = await a.tick([], 2); // start() again: the first tick joins
      assert.deepEqual([t.rejoined, t.acquired], [false, []]);
      t = await a.tick([], 3);
      assert.deepEqual(t.acquired, SHARDS);
    }),
});
