// FleetShards and ReshardingShards close at the end of an `await using`
// block, as Shard, ShardManager and the Client do: without
// [Symbol.asyncDispose] the declaration did not type-check, and a caller
// had to remember close() in a finally. Against the fake gateway on
// loopback (and, for FleetShards, the test Redis).
import assert from "node:assert/strict";
import { type FleetShards, ReshardingShards } from "../../fleet/mod.ts";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import { closeRedis, connectRedis } from "../../redis/connection.ts";
import {
  deleteKeys,
  inProcessMember,
  pollUntil,
  serveFleetGateway,
  sessionStoreAt,
} from "../_fakes/fleet_scene.ts";
import { testRedis } from "../_fakes/servers.ts";
import { within } from "../_fakes/watchdog.ts";

const server = testRedis();
const SCALE = 10;

Deno.test("ReshardingShards: `await using` closes every shard when the block ends", async () => {
  const fake = await serveFleetGateway(SCALE, 2);
  const { scheduler, gateway, served } = fake;
  try {
    {
      await using shards = new ReshardingShards({
        shard: { token: "fake-token", intents: 1, gatewayUrl: served.url },
        shardCount: 2,
        identifyQueue: new MemoryIdentifyQueue({
          scheduler,
          maxConcurrency: 4,
        }),
        scheduler,
        onDispatch: () => {},
      });
      await within(shards.start(), "both shards READY");
      assert.equal(gateway.connections.length, 2);
    }
    assert.deepEqual(gateway.connections, [], "no live connection");
    assert.deepEqual(
      gateway.allConnections.map((c) => c.closedBy),
      ["client", "client"],
    );
  } finally {
    await fake.close();
  }
});

Deno.test({
  name:
    "FleetShards: `await using` leaves the fleet when the block ends, as close() does: shards closed resumably, sessions saved, leases released",
  ignore: server.ignore,
  fn: async () => {
    const fake = await serveFleetGateway(SCALE, 2);
    const { scheduler, gateway, served } = fake;
    const prefix = `disruption:test:dispose:${crypto.randomUUID()}`;
    const redis = await connectRedis({ url: server.url });
    const leases = () => redis.hgetall(`${prefix}:fleet:2:leases`);
    try {
      // A running fleet's count (a first start takes shards a TTL later).
      await redis.hset(`${prefix}:fleet:generation`, "count", "2");
      {
        await using fleet: FleetShards = inProcessMember({
          redis,
          prefix,
          gatewayUrl: served.url,
          scheduler,
          scale: SCALE,
          shardCount: 2,
          leaseTtlMs: 10_000,
          renewMs: 2_500,
        });
        // Delivered on the fleet's side: the fake counts a session active
        // when it reads the IDENTIFY, and a shard whose READY was not yet
        // read (a loaded machine) had no session to save at the close.
        const delivered = new Set<number>();
        fleet.onDispatch((event) => void delivered.add(event.shardId));
        await fleet.start();
        await pollUntil(
          "2 live sessions",
          () =>
            gateway.sessions.filter((s) => s.state === "active").length === 2,
        );
        await pollUntil("a dispatch of each shard", () => delivered.size === 2);
        assert.deepEqual(Object.keys(await leases()).sort(), ["0", "1"]);
      }
      assert.deepEqual(
        gateway.sessions.map((s) => s.state),
        ["resumable", "resumable"],
        "closed resumably",
      );
      assert.deepEqual(await leases(), {}, "leases released");
      const saved = await sessionStoreAt(redis, prefix).loadAll();
      assert.deepEqual(
        saved.map((s) => s.shardId).sort(),
        [0, 1],
        "sessions saved",
      );
    } finally {
      await fake.close();
      await deleteKeys(redis, prefix);
      await closeRedis(redis);
    }
  },
});
