// The fleet's shard count in Redis against values nobody valid wrote: a
// count or a reshard that is no shard count is put right, loudly, instead
// of stopping every shard or blocking resharding for good.
import assert from "node:assert/strict";
import {
  FleetGeneration,
  retiredKeysGraceMs,
} from "../../fleet/fleet_generation.ts";
import { FleetShards, ReshardError } from "../../fleet/mod.ts";
import { checkShardCount } from "../../fleet/shard_count.ts";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import { MemorySessionStore } from "../../gateway/session_store.ts";
import {
  closeRedis,
  connectRedis,
  type RedisConnection,
} from "../../redis/connection.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { deleteKeys } from "../_fakes/fleet_scene.ts";
import { testRedis } from "../_fakes/servers.ts";
import { resendingNext } from "./_resent_scripts.ts";

const server = testRedis();

Deno.test({
  name:
    "FleetGeneration: a stored count that is no shard count is set back to the caller's, and a stored reshard that is none is dropped, each with an error shown",
  ignore: server.ignore,
  fn: async () => {
    const redis = await connectRedis({ url: server.url });
    const prefix = `disruption:test:generation:${crypto.randomUUID()}`;
    const key = `${prefix}:generation`;
    const generation = new FleetGeneration(redis, prefix, 10_000);
    try {
      for (const count of ["abc", "0", "-3", "2.5", "1e9", "70000"]) {
        await redis.del(key);
        await redis.hset(key, "count", count);
        let state!: { count: number; next: number | undefined };
        const lines = await captureStderr(async () => {
          state = await generation.sync(4);
        });
        assert.deepEqual(state, { count: 4, next: undefined }, count);
        assert.equal(await redis.hget(key, "count"), "4");
        assert.ok(
          lines.some((l) => /field count\) was not a shard count/.test(l)),
          `${count}: ${lines.join("\n")}`,
        );
      }
      for (const next of ["soon", "0", "2.5", "4"]) {
        await redis.del(key);
        await redis.hset(key, { count: "4", next });
        let state!: { count: number; next: number | undefined };
        const lines = await captureStderr(async () => {
          state = await generation.sync(4);
        });
        assert.deepEqual(state, { count: 4, next: undefined }, next);
        assert.equal(await redis.hexists(key, "next"), 0);
        assert.ok(lines.some((l) => /field next\) was not/.test(l)), next);
        // Resharding works again.
        assert.deepEqual(await generation.request(4, 8), {
          count: 4,
          running: undefined,
        });
        assert.equal(await redis.hget(key, "next"), "8");
      }
      // A valid state says nothing.
      const quiet = await captureStderr(async () => {
        assert.deepEqual(await generation.sync(4), { count: 4, next: 8 });
      });
      assert.deepEqual(quiet, []);
    } finally {
      await redis.del(key, `${prefix}:ready`);
      await closeRedis(redis);
    }
  },
});

Deno.test("checkShardCount: 1 to 65,536 (Discord's largest recommendation), not more: a larger count froze Redis in every lease tick", () => {
  for (const ok of [1, 2, 65_536]) checkShardCount(ok);
  for (const bad of [0, -1, 1.5, NaN, Infinity, 65_537, 1e9, 2 ** 53]) {
    assert.throws(
      () => checkShardCount(bad),
      /'shardCount' must be an integer from 1 to 65536/,
      String(bad),
    );
  }
});

Deno.test({
  name:
    "FleetGeneration: the set flips only when every new shard is marked by a live lease holder and every old shard's holder renewed since (a dead process's shards are taken over, and resumed, first)",
  ignore: server.ignore,
  fn: async () => {
    const redis = await connectRedis({ url: server.url });
    const prefix = `disruption:test:generation:${crypto.randomUUID()}`;
    const oldLeases = `${prefix}:2:leases`;
    const newLeases = `${prefix}:4:leases`;
    const TTL = 10_000;
    const generation = new FleetGeneration(redis, prefix, TTL);
    const t = 1_000_000;
    const lease = (owner: string, renewedAt: number) =>
      `${owner}|${renewedAt + TTL}`;
    try {
      await generation.request(2, 4);
      // "a" runs old shard 0 and new 0, 1; "b" ran old shard 1 and new 2, 3,
      // marked them complete and died: its new leases ran out.
      await redis.hset(oldLeases, { 0: lease("a", t), 1: lease("b", t) });
      await redis.hset(newLeases, {
        0: lease("a", t),
        1: lease("a", t),
        2: lease("b", t - TTL - 1),
        3: lease("b", t - TTL - 1),
      });
      for (const shard of [2, 3]) {
        assert.equal(
          await generation.markReady(4, shard, true, t - 20_000),
          false,
        );
      }
      for (const shard of [0, 1]) {
        assert.equal(await generation.markReady(4, shard, true, t), false);
      }
      assert.deepEqual(await generation.sync(2, t), { count: 2, next: 4 });
      // The dead marks are gone, to be made again by whoever takes over.
      assert.deepEqual(
        (await redis.smembers(`${prefix}:ready`)).sort(),
        ["0", "1"],
      );
      // "a" takes new 2 and 3 over and completes them: every new shard is
      // marked by a live holder, but "b" may still run old shard 1 for all
      // anyone knows (its lease looks held): no flip.
      await redis.hset(newLeases, { 2: lease("a", t), 3: lease("a", t) });
      assert.equal(await generation.markReady(4, 2, true, t), false);
      assert.equal(await generation.markReady(4, 3, true, t), false);
      // "a" renews what it holds; "b" renews nothing.
      const t1 = t + 3_000;
      await redis.hset(oldLeases, { 0: lease("a", t1) });
      for (const shard of [0, 1, 2, 3]) {
        await redis.hset(newLeases, { [shard]: lease("a", t1) });
      }
      assert.deepEqual(await generation.sync(2, t1), { count: 2, next: 4 });
      // "b"'s old lease ran out; "a" takes old shard 1 over (and resumes it).
      const t2 = t + TTL + 1_000;
      await redis.hset(oldLeases, { 0: lease("a", t2), 1: lease("a", t2) });
      for (const shard of [0, 1, 2, 3]) {
        await redis.hset(newLeases, { [shard]: lease("a", t2) });
      }
      assert.deepEqual(await generation.sync(2, t2), {
        count: 4,
        next: undefined,
      });
      // The completed shards are remembered past the flip (for resuming).
      assert.equal(await generation.wasComplete(4, 3), true);
      // A new reshard to 4 later starts that record afresh.
      await generation.request(4, 2);
      await generation.cancel(2);
      await generation.request(4, 8);
      await generation.cancel(8);
    } finally {
      await deleteKeys(redis, prefix);
      await closeRedis(redis);
    }
  },
});

Deno.test({
  name:
    "FleetGeneration: a complete new set whose one shard's holder then died (its mark left, its lease run out) does not flip, every old holder renewed; taken over and marked again, it flips",
  ignore: server.ignore,
  fn: async () => {
    const redis = await connectRedis({ url: server.url });
    const prefix = `disruption:test:generation:${crypto.randomUUID()}`;
    const TTL = 10_000;
    const generation = new FleetGeneration(redis, prefix, TTL);
    const t = 1_000_000;
    const lease = (renewedAt: number) => `a|${renewedAt + TTL}`;
    const renew = async (count: number, ids: number[], at: number) =>
      await redis.hset(
        `${prefix}:${count}:leases`,
        Object.fromEntries(ids.map((id) => [id, lease(at)])),
      );
    try {
      await generation.request(2, 4);
      await renew(2, [0, 1], t);
      await renew(4, [0, 1, 2, 3], t);
      for (const shard of [0, 1, 2, 3]) {
        assert.equal(await generation.markReady(4, shard, true, t), false);
      }
      // Complete since t; new shard 3's holder dies: its lease runs out
      // while every other holder renews.
      const t1 = t + TTL + 1_000;
      await renew(2, [0, 1], t1);
      await renew(4, [0, 1, 2], t1);
      assert.deepEqual(await generation.sync(2, t1), { count: 2, next: 4 });
      // Taken over, its session resumed, and marked again: the set flips
      // once every old holder renewed since.
      await renew(4, [3], t1);
      assert.equal(await generation.markReady(4, 3, true, t1), false);
      const t2 = t1 + 3_000;
      await renew(2, [0, 1], t2);
      await renew(4, [0, 1, 2, 3], t2);
      assert.deepEqual(await generation.sync(2, t2), {
        count: 4,
        next: undefined,
      });
    } finally {
      await deleteKeys(redis, prefix);
      await closeRedis(redis);
    }
  },
});

Deno.test({
  name:
    "FleetGeneration: a new shard whose session ended is no longer complete (not resumed from the set's store) and the barrier waits for the old holders' renewals again once it is marked anew",
  ignore: server.ignore,
  fn: async () => {
    const redis = await connectRedis({ url: server.url });
    const prefix = `disruption:test:generation:${crypto.randomUUID()}`;
    const TTL = 10_000;
    const generation = new FleetGeneration(redis, prefix, TTL);
    const t = 1_000_000;
    const renew = async (count: number, ids: number[], at: number) =>
      await redis.hset(
        `${prefix}:${count}:leases`,
        Object.fromEntries(ids.map((id) => [id, `a|${at + TTL}`])),
      );
    try {
      await generation.request(2, 4);
      await renew(2, [0, 1], t);
      await renew(4, [0, 1, 2, 3], t);
      for (const shard of [0, 1, 2, 3]) {
        assert.equal(await generation.markReady(4, shard, true, t), false);
      }
      assert.equal(await generation.wasComplete(4, 3), true);
      // Shard 2 merely stops (not lost): still complete, marked again.
      await generation.markReady(4, 2, false, t);
      assert.equal(await generation.wasComplete(4, 2), true);
      assert.equal(await generation.markReady(4, 2, true, t), false);
      // Shard 3 loses its session: no longer complete.
      await generation.markReady(4, 3, false, t, true);
      assert.equal(await generation.wasComplete(4, 3), false);
      // Complete again once every holder renewed since the first
      // completion: the old holders must renew after this one instead.
      const t1 = t + 3_000;
      await renew(2, [0, 1], t1);
      await renew(4, [0, 1, 2, 3], t1);
      assert.equal(await generation.markReady(4, 3, true, t1), false);
      const t2 = t1 + 3_000;
      await renew(2, [0, 1], t2);
      await renew(4, [0, 1, 2, 3], t2);
      assert.deepEqual(await generation.sync(2, t2), {
        count: 4,
        next: undefined,
      });
    } finally {
      await deleteKeys(redis, prefix);
      await closeRedis(redis);
    }
  },
});

Deno.test({
  name:
    "FleetShards: a reshard request or cancel whose reply was lost and resent (Redis ran it twice) answers as its first run: reshard() resolves, cancelReshard() returns true, and the resend records or gives up nothing more",
  ignore: server.ignore,
  fn: async () => {
    const redis = await connectRedis({ url: server.url });
    const prefix = `disruption:test:generation:${crypto.randomUUID()}`;
    const key = `${prefix}:generation`;
    const fleet = (connection: RedisConnection): FleetShards =>
      new FleetShards({
        redis: connection,
        shard: { token: "t", intents: 0, gatewayUrl: "ws://127.0.0.1:1" },
        shardCount: 2,
        pool: [],
        identifyQueue: new MemoryIdentifyQueue(),
        sessionStore: new MemorySessionStore(),
        prefix,
      });
    const other = fleet(redis);
    try {
      const asking = resendingNext(redis, "ipairs({'sessions'");
      assert.deepEqual(
        await fleet(asking.redis).reshard(4, { sessionStartsLeft: 100 }),
        { from: 2, to: 4 },
      );
      assert.equal(asking.resent(), 1, "the request ran twice");
      assert.equal(await redis.hget(key, "next"), "4");
      // Another caller's request is refused as before.
      await assert.rejects(
        other.reshard(8, { sessionStartsLeft: 100 }),
        (error) => error instanceof ReshardError && error.runningTo === 4,
      );
      // Between the runs of a cancel, the reshard is asked for again:
      // the resend answers true and leaves the new request alone.
      const cancelling = resendingNext(
        redis,
        "~= ARGV[1] then return 0 end",
        () => other.reshard(4, { sessionStartsLeft: 100 }),
      );
      assert.equal(await fleet(cancelling.redis).cancelReshard(4), true);
      assert.equal(cancelling.resent(), 1, "the cancel ran twice");
      assert.equal(await redis.hget(key, "next"), "4", "asked since");
      // A request resent after a cancel in between records nothing more.
      const again = resendingNext(
        redis,
        "ipairs({'sessions'",
        () => other.cancelReshard(4),
      );
      assert.equal(await other.cancelReshard(4), true);
      assert.deepEqual(
        await fleet(again.redis).reshard(4, { sessionStartsLeft: 100 }),
        { from: 2, to: 4 },
      );
      assert.equal(again.resent(), 1);
      assert.equal(await redis.hexists(key, "next"), 0, "cancelled since");
    } finally {
      await deleteKeys(redis, prefix);
      await closeRedis(redis);
    }
  },
});

Deno.test({
  name:
    "FleetGeneration: a count's keys go retiredKeysGraceMs after the fleet switches away from it or gives up the reshard to it, on the leases' clock and not before; the count switched to keeps its leases and members, and a reshard asked to a count keeps its keys",
  ignore: server.ignore,
  fn: async () => {
    const redis = await connectRedis({ url: server.url });
    const prefix = `disruption:test:generation:${crypto.randomUUID()}`;
    const TTL = 10_000;
    const GRACE = retiredKeysGraceMs(TTL);
    const generation = new FleetGeneration(redis, prefix, TTL);
    const t = 1_000_000;
    const leased = (at: number) => ({ 0: `a|${at + TTL}`, 1: `a|${at + TTL}` });
    const keys = async (): Promise<string[]> =>
      (await redis.keys(`${prefix}:*`)).map((k) => k.slice(prefix.length + 1))
        .filter((k) => /^\d/.test(k)).sort();
    try {
      assert.equal(GRACE, 4 * TTL + 120_000);
      await generation.sync(2, t);
      await generation.request(2, 4, t);
      await redis.hset(`${prefix}:2:leases`, leased(t));
      await redis.hset(`${prefix}:2:members`, { a: `${t + TTL}|` });
      await redis.hset(`${prefix}:4:leases`, {
        ...leased(t),
        2: `a|${t + TTL}`,
        3: `a|${t + TTL}`,
      });
      await redis.hset(`${prefix}:4:members`, { a: `${t + TTL}|` });
      await redis.set(`${prefix}:4:sessions`, "{}");
      await redis.set(`${prefix}:4:session_count`, "4");
      for (const shard of [0, 1, 2, 3]) {
        assert.equal(await generation.markReady(4, shard, true, t), false);
      }
      // The old set renews: the fleet flips to 4.
      const t1 = t + 1_000;
      await redis.hset(`${prefix}:2:leases`, leased(t1));
      assert.deepEqual(await generation.sync(2, t1), {
        count: 4,
        next: undefined,
      });
      const all = [
        "2:leases",
        "2:members",
        "4:complete",
        "4:leases",
        "4:members",
        "4:session_count",
        "4:sessions",
      ];
      assert.deepEqual(await keys(), all);
      // Within the grace a reshard back to 2 is asked (its set keys start
      // afresh, its leases and members are kept) and given up.
      const t2 = t1 + GRACE - 1;
      assert.deepEqual(await generation.sync(4, t2), {
        count: 4,
        next: undefined,
      });
      assert.deepEqual(await keys(), all, "not before the grace");
      await generation.request(4, 2, t2);
      await redis.set(`${prefix}:2:sessions`, "{}");
      assert.equal(await generation.cancel(2, t2), true);
      // The grace of the switch to 4: its set keys go, its leases stay;
      // 2's wait for the grace of the cancel.
      await generation.sync(4, t1 + GRACE);
      assert.deepEqual(await keys(), [
        "2:leases",
        "2:members",
        "2:sessions",
        "4:leases",
        "4:members",
      ]);
      await generation.sync(4, t2 + GRACE - 1);
      assert.equal((await keys()).length, 5, "not before the cancel's grace");
      await generation.sync(4, t2 + GRACE);
      assert.deepEqual(await keys(), ["4:leases", "4:members"]);
      assert.equal(await redis.exists(`${prefix}:retired`), 0);
    } finally {
      await deleteKeys(redis, prefix);
      await closeRedis(redis);
    }
  },
});
