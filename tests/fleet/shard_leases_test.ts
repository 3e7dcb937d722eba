// The lease decisions (fair share, preference by consecutive IDs, shedding
// to a joining process, expiry of a silent one, pools) against a real
// Redis, on explicit times: each ShardLeases stands for one process.
import assert from "node:assert/strict";
import { RefusingLeases } from "../../fleet/refusing_leases.ts";
import { ShardLeases } from "../../fleet/shard_leases.ts";
import {
  closeRedis,
  connectRedis,
  type RedisConnection,
} from "../../redis/connection.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { testRedis } from "../_fakes/servers.ts";
import { resendingNext } from "./_resent_scripts.ts";

const server = testRedis();
const TTL = 10_000;

async function withLeases(
  fn: (
    make: (
      owner: string,
      pool?: number[],
      connection?: RedisConnection,
    ) => RefusingLeases,
    redis: RedisConnection,
    prefix: string,
  ) => Promise<void>,
): Promise<void> {
  const redis = await connectRedis({ url: server.url });
  const prefix = `disruption:test:leases:${crypto.randomUUID()}`;
  try {
    await fn(
      (owner, pool, connection = redis) =>
        new RefusingLeases(connection, {
          prefix,
          owner,
          shardCount: 12,
          pool,
          ttlMs: TTL,
        }),
      redis,
      prefix,
    );
  } finally {
    await redis.del(`${prefix}:leases`, `${prefix}:members`);
    await closeRedis(redis);
  }
}

Deno.test({
  name:
    "ShardLeases: a lone process takes every shard; a joiner gets a fair share of consecutive IDs as the first sheds",
  ignore: server.ignore,
  fn: () =>
    withLeases(async (make) => {
      const a = make("a");
      const b = make("b");
      await a.tick([], 0); // a process's first tick only joins
      let t = await a.tick([], 0);
      assert.deepEqual(t.acquired, [...Array(12).keys()]);
      let aHeld = t.acquired;
      // b joins: share 6, nothing free yet.
      t = await b.tick([], 100);
      assert.deepEqual(t, {
        kept: [],
        lost: [],
        acquired: [],
        shed: [],
        members: 2,
        rejoined: false,
        at: 100,
      });
      // a (rank 0) keeps its preferred 0..5 and sheds 6..11.
      t = await a.tick(aHeld, 200);
      assert.deepEqual(t.kept, [0, 1, 2, 3, 4, 5]);
      assert.deepEqual(t.shed.sort((x, y) => x - y), [6, 7, 8, 9, 10, 11]);
      aHeld = t.kept;
      // Shed shards stay leased until released.
      t = await b.tick([], 300);
      assert.deepEqual(t.acquired, []);
      await a.release([6, 7, 8, 9, 10, 11]);
      t = await b.tick([], 400);
      assert.deepEqual(t.acquired, [6, 7, 8, 9, 10, 11]);
    }),
});

Deno.test({
  name:
    "ShardLeases: a silent process's leases expire after the TTL and the others take them; it learns it lost them",
  ignore: server.ignore,
  fn: () =>
    withLeases(async (make) => {
      const [a, b, c] = [make("a"), make("b"), make("c")];
      await a.tick([], 0); // a process's first tick only joins
      assert.equal((await a.tick([], 0)).acquired.length, 12);
      await b.tick([], 0);
      await c.tick([], 0);
      // Three members: share 4 each, by rank: consecutive IDs.
      const shed = await a.tick([...Array(12).keys()], 5);
      await a.release(shed.shed);
      const held = new Map<ShardLeases, number[]>([[a, shed.kept]]);
      for (const p of [b, c]) held.set(p, (await p.tick([], 10)).acquired);
      assert.deepEqual(held.get(a), [0, 1, 2, 3]);
      assert.deepEqual(held.get(b), [4, 5, 6, 7]);
      assert.deepEqual(held.get(c), [8, 9, 10, 11]);
      // c goes silent at 10. Before its TTL nothing moves.
      let t = await a.tick(held.get(a)!, TTL);
      assert.deepEqual(t.acquired, []);
      assert.equal(t.members, 3);
      assert.deepEqual((await b.tick(held.get(b)!, TTL)).kept, [4, 5, 6, 7]);
      t = await a.tick(held.get(a)!, TTL + 11);
      assert.equal(t.members, 2);
      assert.deepEqual(t.acquired.length, 2); // share 6
      const bTick = await b.tick(held.get(b)!, TTL + 12);
      assert.equal(bTick.acquired.length, 2);
      assert.deepEqual(
        [...t.acquired, ...bTick.acquired].sort((x, y) => x - y),
        [8, 9, 10, 11],
      );
      // c comes back: every lease it had is lost.
      const cTick = await c.tick(held.get(c)!, TTL + 13);
      assert.deepEqual(cTick.lost, [8, 9, 10, 11]);
      assert.deepEqual(cTick.kept, []);
    }),
});

Deno.test({
  name:
    "ShardLeases: a process only takes shards of its pool, and release only frees its own leases",
  ignore: server.ignore,
  fn: () =>
    withLeases(async (make) => {
      const a = make("a", [0, 1, 2]);
      const b = make("b", [3, 4, 5]);
      const c = make("c", [3, 4, 5]);
      // Disjoint pools do not share: a keeps all of its pool.
      await a.tick([], 0); // a process's first tick only joins
      await b.tick([], 0);
      assert.deepEqual((await a.tick([], 0)).acquired, [0, 1, 2]);
      assert.deepEqual((await b.tick([], 0)).acquired, [3, 4, 5]);
      let t = await a.tick([0, 1, 2], 1);
      assert.deepEqual([t.kept, t.shed, t.members], [[0, 1, 2], [], 1]);
      // c shares b's pool: b sheds down to 2 (ceil(3 / 2)).
      await c.tick([], 2);
      t = await b.tick([3, 4, 5], 3);
      assert.deepEqual([t.kept, t.shed], [[3, 4], [5]]);
      await b.release([0, 1, 2, 5]); // 0..2 are a's: untouched
      assert.deepEqual((await c.tick([], 4)).acquired, [5]);
      assert.deepEqual((await a.tick([0, 1, 2], 5)).lost, []);
    }),
});

Deno.test({
  name:
    "ShardLeases: after Redis loses the fleet's keys, each process keeps the shards it runs and takes none of the others' for a TTL: no shard runs twice",
  ignore: server.ignore,
  fn: () =>
    withLeases(async (make, redis, prefix) => {
      const [a, b] = [make("a"), make("b")];
      await a.tick([], 0);
      await b.tick([], 0);
      const shed = await a.tick([...Array(12).keys()], 5);
      await a.release(shed.shed);
      const aHeld = shed.kept;
      const bHeld = (await b.tick([], 10)).acquired;
      assert.deepEqual(aHeld, [0, 1, 2, 3, 4, 5]);
      assert.deepEqual(bHeld, [6, 7, 8, 9, 10, 11]);
      // Redis restarts without its data (or someone deletes the keys).
      // This test's keys only: the other lease test files share the
      // disruption:test:leases: family and run beside it (deno test
      // --parallel) on the same server.
      await redis.del(`${prefix}:leases`, `${prefix}:members`);
      // a ticks first: alone in the members, but it takes none of b's.
      let t = await a.tick(aHeld, 1000);
      assert.deepEqual(t.kept, aHeld, "its own, written again");
      assert.deepEqual(t.lost, []);
      assert.deepEqual(t.acquired, [], "none of b's, which b still runs");
      assert.equal(t.rejoined, true);
      // b rejoins within its renew period and keeps its own.
      t = await b.tick(bHeld, 1500);
      assert.deepEqual(t.kept, bHeld);
      assert.deepEqual(t.lost, []);
      // Within the grace a takes nothing; after it, nothing either: b holds
      // its leases again.
      t = await a.tick(aHeld, 1000 + TTL / 2);
      assert.deepEqual(t.acquired, []);
      t = await a.tick(aHeld, 1000 + TTL + 1);
      assert.deepEqual(t.acquired, []);
      assert.equal(t.rejoined, false);
      assert.deepEqual(t.kept, aHeld);
    }),
});

Deno.test({
  name:
    "ShardLeases: a member or lease expiring years ahead (a ghost written by hand or by a clock far off) counts as expired",
  ignore: server.ignore,
  fn: () =>
    withLeases(async (make, redis, prefix) => {
      const a = make("a");
      await a.tick([], 0); // creates the keys under the test's prefix
      await a.tick([], 0); // and takes every shard (the first only joins)
      // Its own keys, by name: KEYS on the family pattern also finds the
      // keys of the lease tests running beside it, in an order Redis's
      // per-process hash seed decides.
      const leasesKey = `${prefix}:leases`;
      const membersKey = `${prefix}:members`;
      const years = String(10 * 365 * 86_400_000);
      await redis.hset(membersKey, "ghost", `${years}|`);
      await redis.hset(leasesKey, "3", `ghost|${years}`);
      const fresh = make("z"); // ranks after a and the ghost
      const t = await fresh.tick([], 100);
      // The ghost is no member: two live processes, share 6.
      assert.equal(t.members, 2);
      assert.equal(await redis.hexists(membersKey, "ghost"), 0);
      // Shard 3's ghost lease does not hold it: a, re-ticking, may keep all.
      const aTick = await a.tick(
        [...Array(12).keys()].filter((s) => s !== 3),
        200,
      );
      assert.deepEqual(aTick.lost, []);
      await fresh.tick([], 250); // z's first tick only joined: it takes now
      const all = await make("a").tick([], 300); // no effect on ownership
      assert.ok(all.members >= 1);
      assert.notEqual(
        (await redis.hget(leasesKey, "3"))?.split("|")[0],
        "ghost",
        "the ghost lease was taken over",
      );
    }),
});

Deno.test({
  name:
    "ShardLeases: a leases or members key of another type is dropped with an error shown, not every tick failing with WRONGTYPE (no shard ever run, nothing said)",
  ignore: server.ignore,
  fn: async () => {
    const redis = await connectRedis({ url: server.url });
    const prefix = `disruption:test:leases:${crypto.randomUUID()}`;
    try {
      for (
        const spoil of [
          () => redis.set(`${prefix}:leases`, "oops"),
          () => redis.rpush(`${prefix}:members`, "x"),
        ]
      ) {
        await redis.del(`${prefix}:leases`, `${prefix}:members`);
        await spoil();
        const leases = new ShardLeases(redis, {
          prefix,
          owner: "a",
          shardCount: 4,
          ttlMs: TTL,
        });
        let acquired: number[] = [];
        const lines = await captureStderr(async () => {
          await leases.tick([], 0); // a process's first tick only joins
          acquired = (await leases.tick([], 0)).acquired;
        });
        assert.deepEqual(acquired, [0, 1, 2, 3]);
        assert.ok(
          lines.some((line) => /held another type than a hash/.test(line)),
          lines.join("\n"),
        );
      }
    } finally {
      await redis.del(`${prefix}:leases`, `${prefix}:members`);
      await closeRedis(redis);
    }
  },
});

Deno.test({
  name:
    "ShardLeases: a process back after its membership ran out (frozen past the TTL) is not counted while it takes nothing, so the others do not hand it shards nobody would run for a TTL",
  ignore: server.ignore,
  fn: () =>
    withLeases(async (make) => {
      const a = make("a");
      const b = make("b");
      await b.tick([], 0); // a process's first tick only joins
      assert.equal((await b.tick([], 0)).acquired.length, 12);
      // b freezes; its leases and membership run out, a takes every shard.
      await a.tick([], TTL + 500);
      let t = await a.tick([], TTL + 1_000);
      assert.equal(t.acquired.length, 12);
      const aHeld = t.acquired;
      // b wakes: back without its membership, it takes nothing for a TTL.
      const back = await b.tick([], TTL + 2_000);
      assert.equal(back.rejoined, true);
      assert.deepEqual(back.acquired, []);
      // a neither counts b nor sheds to it meanwhile.
      t = await a.tick(aHeld, TTL + 3_000);
      assert.deepEqual(
        t.shed,
        [],
        "nothing handed to a process that takes none",
      );
      assert.equal(t.members, 1);
      // b keeps ticking; past its grace it counts again, and a sheds its
      // share to it.
      await b.tick([], TTL + 7_000);
      // Its grace runs a TTL from its return, whatever ticks it makes
      // meanwhile: still uncounted.
      t = await a.tick(aHeld, TTL + 7_500);
      assert.deepEqual([t.members, t.shed], [1, []]);
      const after = TTL + 2_000 + TTL + 1;
      await b.tick([], after);
      t = await a.tick(aHeld, after + 1);
      assert.equal(t.members, 2);
      assert.equal(t.shed.length, 6);
    }),
});

Deno.test({
  name:
    "ShardLeases: a tick whose reply was lost and resent (Redis ran it twice) reports what its first run took as acquired; nobody else takes those shards",
  ignore: server.ignore,
  fn: () =>
    withLeases(async (make, redis) => {
      const lossy = resendingNext(redis, "shedWhere");
      const a = make("a", undefined, lossy.redis);
      const b = make("b");
      await a.tick([], 0); // a process's first tick only joins
      await b.tick([], 0);
      let t = await a.tick([], 10);
      assert.equal(lossy.resent(), 1, "the tick ran twice");
      assert.deepEqual(
        t.acquired,
        [0, 1, 2, 3, 4, 5],
        "its leases, left unrun for a TTL",
      );
      // The other process takes its own share, none of a's.
      t = await b.tick([], 20);
      assert.deepEqual(t.acquired, [6, 7, 8, 9, 10, 11]);
      t = await a.tick([0, 1, 2, 3, 4, 5], 30);
      assert.deepEqual([t.kept, t.lost, t.acquired], [
        [0, 1, 2, 3, 4, 5],
        [],
        [],
      ]);
      // Any live lease of its own it does not hold (a release that failed,
      // say) is taken back within its share; another's never is.
      t = await a.tick([0, 1, 2], 40);
      assert.deepEqual([t.kept, t.acquired], [[0, 1, 2], [3, 4, 5]]);
      t = await b.tick([6, 7, 8, 9, 10, 11], 50);
      assert.deepEqual([t.lost, t.acquired], [[], []]);
    }),
});

Deno.test({
  name:
    "ShardLeases: a shard one process refuses is taken by another already at its fair share, which counts without the refuser",
  ignore: server.ignore,
  fn: () =>
    withLeases(async (make) => {
      const [a, b] = [make("a"), make("b")];
      await a.tick([], 0); // a process's first tick only joins
      await b.tick([], 0);
      const aHeld = (await a.tick([], 10)).acquired;
      const bHeld = (await b.tick([], 10)).acquired;
      assert.deepEqual([aHeld, bHeld], [[0, 1, 2, 3, 4, 5], [
        6,
        7,
        8,
        9,
        10,
        11,
      ]]);
      // Shard 2 stopped for good in a (a 4014, a denied --allow-net).
      await a.refuse(2);
      let t = await a.tick(aHeld, 20);
      assert.deepEqual(t.kept, [0, 1, 3, 4, 5]);
      assert.deepEqual(t.acquired, []);
      // b was at its share of 6: counted with a it took nothing, and no
      // process ever ran shard 2.
      t = await b.tick(bHeld, 30);
      assert.deepEqual(t.acquired, [2]);
      assert.equal(t.members, 1);
      assert.deepEqual(t.shed, []);
      // a keeps its other shards; nobody sheds at the next ticks.
      t = await a.tick([0, 1, 3, 4, 5], 40);
      assert.deepEqual([t.kept, t.shed, t.acquired], [[0, 1, 3, 4, 5], [], []]);
      t = await b.tick([...bHeld, 2], 50);
      assert.deepEqual([t.shed, t.acquired], [[], []]);
      // A process that refuses nothing is still counted: c joins, and b
      // (now at share 6 of 12 over b and c) sheds above it.
      const c = make("c");
      await c.tick([], 60);
      t = await b.tick([...bHeld, 2], 70);
      assert.equal(t.members, 2);
      assert.equal(t.shed.length, 1);
    }),
});

Deno.test({
  name:
    "ShardLeases: a process whose preferred shards another still leases takes the free ones after its range, not the next process's preferred ones",
  ignore: server.ignore,
  fn: () =>
    withLeases(async (make) => {
      const [a, b, c, x] = [make("a"), make("b"), make("c"), make("x")];
      // x, the only member, takes every shard, then leaves the members;
      // its leases stay until they expire (its release comes late).
      await x.tick([], 0);
      assert.equal((await x.tick([], 1)).acquired.length, 12);
      await x.release([...Array(12).keys()].filter((s) => s < 4 || s > 7));
      await x.release([], true);
      await a.tick([], 2);
      await b.tick([], 2);
      await c.tick([], 2);
      // Three members: share 4. b (rank 1) prefers 4..7, still x's.
      const t = await b.tick([], 3);
      assert.equal(t.members, 3);
      assert.deepEqual(t.acquired, [8, 9, 10, 11]);
      assert.deepEqual((await a.tick([], 4)).acquired, [0, 1, 2, 3]);
    }),
});
