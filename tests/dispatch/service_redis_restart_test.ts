// The dispatch service in-process on a virtual clock, with STATE_ENABLED,
// when its Redis is restarted without persistence (every key lost) while no
// event comes: the cache is marked stale at the reconnect, for this
// process's shards, in `dispatch_cache_stale` (the gauge and the Redis set a
// restart reads). It stayed fresh, over an empty database, until the next
// event, which may not come for long on a quiet bot. A connection dropped
// and back to the same server (its run_id unchanged) leaves it fresh: what
// that server answered it kept.
import assert from "node:assert/strict";
import type { LogRecord } from "@logtape/logtape";
import { Redis } from "ioredis";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { PrivateRedis } from "../_fakes/private_redis.ts";
import { testRedis } from "../_fakes/servers.ts";
import {
  advanceUntil,
  advanceUntilTrue,
  inProcessService,
} from "./_in_process_service.ts";
import { CuttableProxy, freePort, REDIS_DB } from "./_service_harness.ts";

const redisServer = testRedis();

Deno.test({
  name:
    "dispatch service: Redis restarted empty while no event comes marks the cache stale at the reconnect, in the gauge and in dispatch_cache_stale, written again at each restart",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  // A server of the test's own: restarting the shared one would empty the
  // other test files' databases.
  const server = new PrivateRedis();
  await server.start();
  const scheduler = new VirtualScheduler();
  const metricsPort = freePort();
  const service = inProcessService(scheduler, metricsPort, {
    REDIS_PORT: String(server.port),
    REDIS_DB: String(REDIS_DB),
    STATE_ENABLED: "true",
  });
  const staleGauge = async (): Promise<string | undefined> => {
    const text = await advanceUntil(
      scheduler,
      fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text()),
      "/metrics",
      10,
    );
    return /^dispatch_cache_stale (\d+)$/m.exec(text)?.[1];
  };
  const until = (what: string, done: () => boolean | Promise<boolean>) =>
    advanceUntilTrue(scheduler, done, what);
  const admin = () => new Redis(`${server.url}/${REDIS_DB}`);
  try {
    await withLogRecords(async (records: LogRecord[]) => {
      await advanceUntil(scheduler, service.start(), "the service started");
      await until("a save", async () => {
        const redis = admin();
        try {
          return await redis.exists("gateway_statuses") === 1;
        } finally {
          redis.disconnect();
        }
      });
      assert.equal(await staleGauge(), "0", "fresh before the restart");

      await server.stop();
      await server.start();
      // The client reconnects on its own (real time); no event comes.
      await until(
        "the cache said stale",
        () =>
          records.some((record) =>
            record.message.join("").includes("restarted or replaced")
          ),
      );
      assert.equal(await staleGauge(), "1");
      // And kept for the next process: shard 0 awaits a new session.
      const staleSaved = async (): Promise<boolean> => {
        const redis = admin();
        try {
          return (await redis.smembers("dispatch_cache_stale")).includes("0");
        } finally {
          redis.disconnect();
        }
      };
      await until("dispatch_cache_stale written again", staleSaved);
      // Restarted again, shard 0 still stale: written again too, though
      // what the service last wrote did not change.
      await server.stop();
      await server.start();
      await until(
        "dispatch_cache_stale written after a second restart",
        staleSaved,
      );
      await advanceUntil(scheduler, service.close(), "the service closed");
    });
  } finally {
    await service.close();
    await server.stop();
  }
});

Deno.test({
  name:
    "dispatch service: a Redis connection dropped and back to the same server leaves the cache fresh",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const server = new PrivateRedis();
  await server.start();
  const proxy = new CuttableProxy({ hostname: "127.0.0.1", port: server.port });
  const scheduler = new VirtualScheduler();
  const metricsPort = freePort();
  const service = inProcessService(scheduler, metricsPort, {
    REDIS_PORT: String(proxy.port),
    REDIS_DB: String(REDIS_DB),
    STATE_ENABLED: "true",
  });
  const until = (what: string, done: () => boolean | Promise<boolean>) =>
    advanceUntilTrue(scheduler, done, what);
  const admin = new Redis(`${server.url}/${REDIS_DB}`);
  try {
    await withLogRecords(async (records: LogRecord[]) => {
      const said = (text: string) =>
        records.some((record) => record.message.join("").includes(text));
      await advanceUntil(scheduler, service.start(), "the service started");
      await until(
        "a save",
        async () => await admin.exists("gateway_statuses") === 1,
      );
      await proxy.cut();
      proxy.restore();
      // Two saves after the cut: the first may be one the client held and
      // sent at the reconnect, before its INFO; the second is sent after
      // it, and answered after it (one connection, in order): the run_id
      // was compared by then.
      for (const save of ["a save after the reconnect", "another save"]) {
        await admin.del("gateway_statuses");
        await until(
          save,
          async () => await admin.exists("gateway_statuses") === 1,
        );
      }
      const text = await advanceUntil(
        scheduler,
        fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text()),
        "/metrics",
        10,
      );
      assert.match(text, /^dispatch_cache_stale 0$/m);
      assert.ok(!said("restarted or replaced"));
      assert.deepEqual(await admin.smembers("dispatch_cache_stale"), []);
      await advanceUntil(scheduler, service.close(), "the service closed");
    }, "info");
  } finally {
    await service.close();
    admin.disconnect();
    await proxy.close();
    await server.stop();
  }
});
