// The fleet's shard count in Redis against values nobody valid wrote: a
// count or a reshard that is no shard count is put right, loudly, instead
// of stopping every shard or blocking resharding for good.
import assert from "node:assert/strict";
import { FleetGeneration } from "../../fleet/fleet_generation.ts";
import { checkShardCount } from "../../fleet/shard_count.ts";
import { closeRedis, connectRedis } from "../../redis/connection.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { testRedis } from "../_fakes/servers.ts";

const server = testRedis();

Deno.test({
  name:
    "FleetGeneration: a stored count that is no shard count is set back to the caller's, and a stored reshard that is none is dropped, each with an error shown",
  ignore: server.ignore,
  fn: async () => {
    const redis = await connectRedis({ url: server.url });
    const prefix = `disruption:test:generation:${crypto.randomUUID()}`;
    const key = `${prefix}:generation`;
    const generation = new FleetGeneration(redis, prefix);
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
    "FleetGeneration: the barrier counts only the new shards whose lease is still held; a dead process's marks do not flip the count (its old shards' sessions would close unresumed)",
  ignore: server.ignore,
  fn: async () => {
    const redis = await connectRedis({ url: server.url });
    const prefix = `disruption:test:generation:${crypto.randomUUID()}`;
    const leases = `${prefix}:4:leases`;
    const generation = new FleetGeneration(redis, prefix);
    const now = 1_000_000;
    try {
      await generation.request(2, 4);
      // Process "a" holds 0 and 1; process "b" held 2 and 3, marked them
      // complete and died: its leases ran out.
      await redis.hset(leases, {
        0: `a|${now + 5_000}`,
        1: `a|${now + 5_000}`,
        2: `b|${now - 1}`,
        3: `b|${now - 1}`,
      });
      assert.equal(await generation.markReady(4, 2, true, now - 10_000), false);
      assert.equal(await generation.markReady(4, 3, true, now - 10_000), false);
      assert.equal(await generation.markReady(4, 0, true, now), false);
      assert.equal(await generation.markReady(4, 1, true, now), false);
      assert.deepEqual(await generation.sync(2, now), { count: 2, next: 4 });
      // The dead marks are gone, to be made again by whoever takes over.
      assert.deepEqual(
        (await redis.smembers(`${prefix}:ready`)).sort(),
        ["0", "1"],
      );
      // "a" takes 2 and 3 over and completes them: now the set flips.
      await redis.hset(leases, {
        2: `a|${now + 5_000}`,
        3: `a|${now + 5_000}`,
      });
      assert.equal(await generation.markReady(4, 2, true, now), false);
      assert.equal(await generation.markReady(4, 3, true, now), true);
      assert.deepEqual(await generation.sync(4, now), {
        count: 4,
        next: undefined,
      });
    } finally {
      await redis.del(`${prefix}:generation`, `${prefix}:ready`, leases);
      await closeRedis(redis);
    }
  },
});
