// The shards a reshard's overdue warning names (FleetGeneration's
// incompleteShards): a shard marked complete by a process that died since
// (its lease expired) is run by no live process, so it is named, as the
// barrier counts it, on the leases' clock or Redis's.
import assert from "node:assert/strict";
import { FleetGeneration } from "../../fleet/fleet_generation.ts";
import { HeldEvents } from "../../fleet/held_events.ts";
import { LeaseTimes } from "../../fleet/lease_times.ts";
import {
  OVERDUE_RESHARD_MS,
  ReshardOverlap,
} from "../../fleet/reshard_overlap.ts";
import { closeRedis, connectRedis } from "../../redis/connection.ts";
import { deleteKeys, pollUntil } from "../_fakes/fleet_scene.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { testRedis } from "../_fakes/servers.ts";

const server = testRedis();
const TTL = 15_000;

Deno.test({
  name:
    "FleetGeneration: incompleteShards counts a mark only while its shard's lease is held (as the barrier does), on the leases' clock or Redis's, and drops no mark",
  ignore: server.ignore,
  fn: async () => {
    const redis = await connectRedis({ url: server.url });
    const prefix = `disruption:test:incomplete:${crypto.randomUUID()}`;
    const generation = new FleetGeneration(redis, prefix, TTL);
    const leases = `${prefix}:4:leases`;
    let now = 1_000_000;
    try {
      await generation.sync(2, now);
      await generation.request(2, 4, now);
      assert.deepEqual(await generation.incompleteShards(4, now), [0, 1, 2, 3]);
      // Process a runs new shards 0 to 2, complete.
      for (const shard of [0, 1, 2]) {
        await redis.hset(leases, String(shard), `a|${now + TTL}`);
        assert.equal(await generation.markReady(4, shard, true, now), false);
      }
      assert.deepEqual(await generation.incompleteShards(4, now), [3]);
      // a dies: its leases expire, and nobody runs shards 0 to 2.
      now += TTL + 1;
      assert.deepEqual(await generation.sync(2, now), { count: 2, next: 4 });
      assert.deepEqual(await generation.incompleteShards(4, now), [0, 1, 2, 3]);
      assert.equal(await redis.scard(`${prefix}:ready`), 3, "a read only");
      // Process b takes shard 1 over (its lease live, a's mark kept).
      await redis.hset(leases, "1", `b|${now + TTL}`);
      assert.deepEqual(await generation.incompleteShards(4, now), [0, 2, 3]);
      // On Redis's clock: a lease dated on it.
      await redis.hset(leases, "2", `b|${Date.now() + 60_000}`);
      assert.deepEqual(await generation.incompleteShards(4), [0, 1, 3]);
    } finally {
      await deleteKeys(redis, prefix);
      await closeRedis(redis);
    }
  },
});

Deno.test({
  name:
    "ReshardOverlap: the overdue reshard's warning names the new shards whose process died after marking them complete, on the leases' clock",
  ignore: server.ignore,
  fn: async () => {
    const redis = await connectRedis({ url: server.url });
    const prefix = `disruption:test:incomplete:${crypto.randomUUID()}`;
    const record = new FleetGeneration(redis, prefix, TTL);
    let now = 1_000_000;
    try {
      await record.sync(2, now);
      await record.request(2, 4, now);
      for (const shard of [0, 1, 2]) {
        const holder = shard === 0 ? "live" : "dead";
        const expiry = now + (shard === 0 ? 2 * OVERDUE_RESHARD_MS : TTL);
        await redis.hset(
          `${prefix}:4:leases`,
          String(shard),
          `${holder}|${expiry}`,
        );
        await record.markReady(4, shard, true, now);
      }
      const overlap = new ReshardOverlap({
        redis,
        prefix,
        times: new LeaseTimes(TTL),
        events: new HeldEvents(() => {}),
        record,
        leaseNow: () => now,
      });
      await withLogRecords(async (records) => {
        const said = () =>
          records.filter((r) =>
            String(r.rawMessage).startsWith("The reshard to {count} shards")
          );
        overlap.begin(4, now);
        now += OVERDUE_RESHARD_MS;
        overlap.tick(true, now);
        await pollUntil("the warning", () => said().length > 0);
        assert.equal(said().length, 1);
        assert.deepEqual(said()[0]!.properties.shards, [1, 2, 3]);
      });
      overlap.end(now);
    } finally {
      await deleteKeys(redis, prefix);
      await closeRedis(redis);
    }
  },
});
