// A process's first lease tick only joins the members; it takes its share
// from its next tick. Right after Redis lost its data, a process starting
// then saw no members and no leases, counted only itself and took every
// shard (identifying each: the sessions were gone too), and the live
// process's next tick found its leases held by another and stopped them
// all. Waiting one tick lets the live processes write their leases back
// first. Times are explicit (each ShardLeases stands for one process), and
// the whole scene runs once more with FleetShards on the fake gateway.
import assert from "node:assert/strict";
import { ShardLeases } from "../../fleet/shard_leases.ts";
import { closeRedis, connectRedis } from "../../redis/connection.ts";
import {
  deleteKeys,
  inProcessMember,
  pollUntil,
  serveFleetGateway,
  sessionStoreAt,
} from "../_fakes/fleet_scene.ts";
import { testRedis } from "../_fakes/servers.ts";

const server = testRedis();
const TTL = 10_000;
const ALL = [...Array(12).keys()];

Deno.test({
  name:
    "ShardLeases: a process's first tick only joins the members; a brand-new fleet takes every shard at the next tick",
  ignore: server.ignore,
  fn: async () => {
    const redis = await connectRedis({ url: server.url });
    const prefix = `disruption:test:leases:${crypto.randomUUID()}`;
    try {
      const a = new ShardLeases(redis, {
        prefix,
        owner: "a",
        shardCount: 12,
        ttlMs: TTL,
      });
      let t = await a.tick([], 0);
      assert.deepEqual(t.acquired, [], "nothing taken at the first tick");
      assert.equal(t.members, 1);
      assert.equal(t.rejoined, false);
      t = await a.tick([], 100);
      assert.deepEqual(t.acquired, ALL);
    } finally {
      await redis.del(`${prefix}:leases`, `${prefix}:members`);
      await closeRedis(redis);
    }
  },
});

Deno.test({
  name:
    "ShardLeases: a process starting right after Redis lost its data takes none of the shards a live process runs",
  ignore: server.ignore,
  fn: async () => {
    const redis = await connectRedis({ url: server.url });
    const prefix = `disruption:test:leases:${crypto.randomUUID()}`;
    const make = (owner: string): ShardLeases =>
      new ShardLeases(redis, { prefix, owner, shardCount: 12, ttlMs: TTL });
    try {
      const a = make("a");
      await a.tick([], 0);
      const aHeld = (await a.tick([], 100)).acquired;
      assert.deepEqual(aHeld, ALL);
      // Redis restarts without its data; c starts before a ticks again.
      await redis.del(`${prefix}:leases`, `${prefix}:members`);
      const c = make("c");
      let t = await c.tick([], 1_000);
      assert.deepEqual(t.acquired, [], "c took shards a still runs");
      // a ticks within its renew interval: it keeps every shard it runs
      // (written back), counts c and sheds c's share.
      const aTick = await a.tick(aHeld, 1_100);
      assert.deepEqual(aTick.kept.length + aTick.shed.length, 12);
      assert.deepEqual(aTick.lost, []);
      assert.equal(aTick.rejoined, true);
      assert.equal(aTick.shed.length, 6);
      // c's next tick takes nothing a holds; what a released, it takes.
      t = await c.tick([], 1_200);
      assert.deepEqual(t.acquired, []);
      await a.release(aTick.shed);
      t = await c.tick([], 1_300);
      assert.deepEqual(
        [...t.acquired].sort((x, y) => x - y),
        [...aTick.shed].sort((x, y) => x - y),
      );
      assert.deepEqual((await a.tick(aTick.kept, 1_400)).lost, []);
    } finally {
      await redis.del(`${prefix}:leases`, `${prefix}:members`);
      await closeRedis(redis);
    }
  },
});

Deno.test({
  name:
    "FleetShards: a process starting right after Redis lost its data identifies nothing, and the live one stops no shard for a lost lease",
  ignore: server.ignore,
  fn: async () => {
    const SCALE = 10;
    const SHARDS = 8;
    const fake = await serveFleetGateway(SCALE, SHARDS);
    const { gateway, scheduler, served } = fake;
    const prefix = `disruption:test:loss:${crypto.randomUUID()}`;
    const ra = await connectRedis({ url: server.url });
    const rc = await connectRedis({ url: server.url });
    const member = (redis: typeof ra) =>
      inProcessMember({
        redis,
        prefix,
        gatewayUrl: served.url,
        scheduler,
        scale: SCALE,
        shardCount: SHARDS,
        leaseTtlMs: 10_000,
        renewMs: 2_500,
        clock: "scheduler",
      });
    const a = member(ra);
    const c = member(rc);
    try {
      await a.start();
      await pollUntil(
        "a's shards live",
        () =>
          gateway.sessions.filter((s) => s.state === "active").length ===
            SHARDS,
      );
      const store = sessionStoreAt(ra, prefix);
      let saved = 0;
      await pollUntil("the sessions saved", () => {
        void store.loadAll().then((all) => saved = all.length);
        return saved === SHARDS;
      });
      const identifies = (): number =>
        gateway.log.filter((e) => e.type === "identify").length;
      const before = identifies();
      await deleteKeys(ra, prefix); // Redis restarted empty
      await c.start();
      await pollUntil(
        "a and c to share the shards",
        () => a.shardIds.length === SHARDS / 2 && c.shardIds.length > 0,
      );
      await pollUntil(
        "c to run the other half",
        () => c.shardIds.length === SHARDS / 2,
      );
      assert.deepEqual(
        [...a.shardIds, ...c.shardIds].sort((x, y) => x - y),
        [...Array(SHARDS).keys()],
      );
      // c resumed what a handed over: no session was started anew.
      assert.equal(identifies() - before, 0, "IDENTIFYs after the loss");
    } finally {
      await a.close();
      await c.close();
      await fake.close();
      await deleteKeys(ra, prefix);
      await closeRedis(ra);
      await closeRedis(rc);
    }
  },
});
