// Sessions are dated on the fleet's clock (Redis's by default), not the
// machine's: a process whose clock is minutes off saves sessions another
// process still finds fresh, and finds theirs fresh.
import assert from "node:assert/strict";
import { closeRedis, connectRedis } from "../../redis/connection.ts";
import type { Scheduler } from "../../base/scheduler.ts";
import {
  deleteKeys,
  inProcessMember,
  pollUntil,
  serveFleetGateway,
  sessionStoreAt,
} from "../_fakes/fleet_scene.ts";
import { testRedis } from "../_fakes/servers.ts";

const server = testRedis();
const SCALE = 10;
/** This machine's clock, ten minutes ahead of Redis's. */
const SKEW = 600_000;

Deno.test({
  name:
    "FleetShards: a machine whose clock is ten minutes off dates its saved sessions on Redis's clock",
  ignore: server.ignore,
  fn: async () => {
    const fake = await serveFleetGateway(SCALE, 2);
    const { scheduler, gateway, served } = fake;
    const skewed: Scheduler = {
      now: () => scheduler.now() + SKEW,
      setTimeout: (callback, delay) => scheduler.setTimeout(callback, delay),
      clearTimeout: (id) => scheduler.clearTimeout(id),
    };
    const prefix = `disruption:test:clock:${crypto.randomUUID()}`;
    const redis = await connectRedis({ url: server.url });
    const store = sessionStoreAt(redis, prefix);
    const fleet = inProcessMember({
      redis,
      prefix,
      gatewayUrl: served.url,
      scheduler,
      fleetScheduler: skewed, // leases on Redis's clock (the default)
      scale: SCALE,
      shardCount: 2,
      leaseTtlMs: 10_000,
      renewMs: 2_500,
    });
    try {
      // A running fleet's count (a first start takes shards a TTL later).
      await redis.hset(`${prefix}:fleet:generation`, "count", "2");
      await fleet.start();
      await pollUntil(
        "2 live sessions",
        () => gateway.sessions.filter((s) => s.state === "active").length === 2,
      );
      let saved: { savedAt: number }[] = [];
      await pollUntil("the sessions saved", () => {
        void store.loadAll().then((all) => saved = all);
        return saved.length === 2;
      });
      const [seconds, micros] = await redis.time();
      const redisNow = Number(seconds) * 1000 +
        Math.floor(Number(micros) / 1000);
      for (const session of saved) {
        assert.ok(
          Math.abs(session.savedAt - redisNow) < 60_000,
          `saved at ${session.savedAt}, Redis's clock ${redisNow}, this machine's ${skewed.now()}`,
        );
      }
    } finally {
      await fleet.close();
      await fake.close();
      await deleteKeys(redis, prefix);
      await closeRedis(redis);
    }
  },
});
