// `gateway_statuses` when processes split the bot's shards (SHARDS_START/
// SHARDS_END) on one Redis: each process's entries are merged into the
// others', as `gateway_sessions` is, not set whole by whichever saved last.
// saveStatuses with two writers, then two services in this process on a
// virtual clock, against a redis-server of the test's own.
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import type { StoredStatus } from "../../dispatch/service.ts";
import { saveStatuses } from "../../dispatch/status_store.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { PrivateRedis } from "../_fakes/private_redis.ts";
import { testRedis } from "../_fakes/servers.ts";
import { advanceUntil, inProcessService } from "./_in_process_service.ts";
import { freePort } from "./_service_harness.ts";

const redisServer = testRedis();

/** An entry as the service writes it. */
function entry(shard: number, status: string, latency = 0): StoredStatus {
  return { shard, status, latency, last_ack: "2024-05-01T12:00:00.123000000" };
}

Deno.test({
  name:
    "saveStatuses: two writers' shards are merged per shard, in shard order; a writer's shards it no longer has and shards past the count go; a malformed value is replaced",
  ignore: redisServer.ignore,
}, async () => {
  const server = new PrivateRedis();
  await server.start();
  const redis = new Redis(server.url);
  try {
    const key = "gateway_statuses";
    await saveStatuses(redis, key, [entry(2, "ready", 41.5)], [2, 3], 4);
    await saveStatuses(
      redis,
      key,
      [entry(0, "ready", 12), entry(1, "resuming")],
      [0, 1],
      4,
    );
    assert.deepEqual(JSON.parse((await redis.get(key))!), [
      entry(0, "ready", 12),
      entry(1, "resuming"),
      entry(2, "ready", 41.5),
    ]);
    // The first writer again: shard 2 reconnecting, shard 3 now listed.
    await saveStatuses(
      redis,
      key,
      [entry(2, "reconnecting"), entry(3, "identifying")],
      [2, 3],
      4,
    );
    assert.deepEqual(
      JSON.parse((await redis.get(key))!).map((e: { shard: number }) =>
        e.shard
      ),
      [0, 1, 2, 3],
    );
    assert.equal(JSON.parse((await redis.get(key))!)[2].status, "reconnecting");
    // Resharded to 2: shards 2 and 3 are no shards of the bot any more.
    await saveStatuses(redis, key, [entry(0, "ready")], [0], 2);
    assert.deepEqual(JSON.parse((await redis.get(key))!), [
      entry(0, "ready"),
      entry(1, "resuming"),
    ]);
    // Not an array (or not a string): replaced by this writer's entries.
    for (const bad of ["{}", "not json", '[1,{"shard":"x"}]']) {
      await redis.set(key, bad);
      await saveStatuses(redis, key, [entry(1, "ready")], [1], 2);
      assert.deepEqual(JSON.parse((await redis.get(key))!), [
        entry(1, "ready"),
      ]);
    }
    // A JSON scalar is no array either (iterating it failed the script).
    for (const bad of ["5", '"text"', "true"]) {
      await redis.set(key, bad);
      await saveStatuses(redis, key, [entry(1, "ready")], [1], 2);
      assert.deepEqual(JSON.parse((await redis.get(key))!), [
        entry(1, "ready"),
      ]);
    }
    await redis.del(key);
    await redis.hset(key, "a", "b");
    await saveStatuses(redis, key, [], [0], 2);
    assert.equal(await redis.get(key), "[]");
  } finally {
    redis.disconnect();
    await server.stop();
  }
});

Deno.test({
  name:
    "dispatch service: two processes with SHARDS_START/SHARDS_END 0-0 and 1-1 on one Redis both keep their shard in gateway_statuses",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const server = new PrivateRedis();
  await server.start();
  const admin = new Redis(server.url);
  const scheduler = new VirtualScheduler();
  const env = (shard: number) => ({
    REDIS_PORT: String(server.port),
    SHARDS_TOTAL: "2",
    SHARDS_START: String(shard),
    SHARDS_END: String(shard),
  });
  const services = [0, 1].map((shard) =>
    inProcessService(scheduler, freePort(), env(shard))
  );
  const shards = async (): Promise<number[]> =>
    (JSON.parse(await admin.get("gateway_statuses") ?? "[]") as {
      shard: number;
    }[]).map((e) => e.shard);
  // The shards' failed connects are said on stderr: kept out of the output.
  await captureStderr(async () => {
    try {
      await advanceUntil(
        scheduler,
        Promise.all(services.map((s) => s.start())),
        "the services started",
      );
      // Each saves every second. Set whole, the key held the shard of the
      // process that saved last, never both.
      const since = scheduler.now();
      while (
        (await shards()).length < 2 && scheduler.now() - since < 30_000
      ) {
        await scheduler.advance(500);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.deepEqual(await shards(), [0, 1]);
    } finally {
      await advanceUntil(
        scheduler,
        Promise.all(services.map((s) => s.close())),
        "the services closed",
      );
      admin.disconnect();
      await server.stop();
    }
  });
});

Deno.test({
  name:
    "saveStatuses: another writer's entries of no shard of the bot (negative, fractional) or that cannot be written back as JSON are dropped, the others kept",
  ignore: redisServer.ignore,
}, async () => {
  const server = new PrivateRedis();
  await server.start();
  const redis = new Redis(server.url);
  try {
    const key = "gateway_statuses";
    const kept = JSON.stringify(entry(2, "ready"));
    await redis.set(
      key,
      `[{"shard":-1,"status":"ready"},{"shard":0.5,"status":"ready"},` +
        `{"shard":1,"status":"ready","latency":1e999},${kept}]`,
    );
    await saveStatuses(redis, key, [entry(0, "resuming")], [0], 4);
    // Still JSON, with this writer's entry and the other writer's good one.
    assert.deepEqual(JSON.parse((await redis.get(key))!), [
      entry(0, "resuming"),
      entry(2, "ready"),
    ]);
  } finally {
    redis.disconnect();
    await server.stop();
  }
});
