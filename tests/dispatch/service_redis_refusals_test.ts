// The dispatch service with a Redis that answers but refuses writes (OOM
// under maxmemory noeviction, as READONLY or an ACL's NOPERM do), or that
// is unreachable at start, in-process on a virtual clock with the loopback
// FakeDiscord, the fake broker and a redis-server of the test's own:
// - with STATE_OLD, an `old` read from a cache that lost writes is left
//   out: the cache kept answering the last state it wrote, and every
//   update published that one as `old`, with nothing to say it was wrong;
// - refused session saves show in dispatch_sessions_saved, are said once
//   (not every second) and their end is said;
// - a Redis unreachable at start is said once per streak, and
//   dispatch_cache_stale reads 1 while no cache is fed (it read 0).
import assert from "node:assert/strict";
import type { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { linesSaying, withLogRecords } from "../_fakes/log_records.ts";
import { testRedis } from "../_fakes/servers.ts";
import type { FakeAmqpBroker } from "./_fake_amqp.ts";
import {
  advanceUntilTrue as until,
  FakesScene,
  OwnRedis,
} from "./_in_process_service.ts";
import { freePort } from "./_service_harness.ts";

const redisServer = testRedis();

/** The value of the metric `name` (no labels) the service serves. */
async function metric(metricsPort: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`))
    .text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  assert.ok(line, `no ${name} in:\n${text}`);
  return Number(line.slice(name.length + 1));
}

/** Run the clock `ms` on, confirming every publish meanwhile. */
function pass(
  scheduler: VirtualScheduler,
  broker: FakeAmqpBroker,
  ms: number,
): Promise<void> {
  const end = scheduler.now() + ms;
  return until(
    scheduler,
    () => scheduler.now() >= end,
    `${ms} ms`,
    () => broker.ack(),
  );
}

Deno.test({
  name:
    "dispatch service: with STATE_OLD, no old is published from a cache that lost writes (Redis refusing them)",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start();
  await using redis = await OwnRedis.start();
  const { scheduler, discord, broker, metricsPort } = scene;
  const { admin } = redis;
  await withLogRecords(async () => {
    const dispatch = scene.service(redis.port, {
      STATE_ENABLED: "true",
      STATE_OLD: "true",
    });
    await scene.run(dispatch, async () => {
      try {
        await scene.untilConfirmed(
          async () => await admin.exists(`guild:${discord.guildId}`) === 1,
          "the guild cached",
        );
        const update = (name: string) =>
          discord.gateway.dispatch("GUILD_UPDATE", {
            id: discord.guildId,
            name,
            owner_id: "5",
            roles: [],
          }, { shardId: 0, ignoreIntents: true });
        const published = (name: string) =>
          broker.publishes.find((p) =>
            p.body.includes('"t":"GUILD_UPDATE"') &&
            p.body.includes(`"name":"${name}"`)
          );
        // A fresh cache gives old. Its read is real Redis I/O and its 1 s
        // limit is on the virtual clock: the clock crawls (10 ms a step, a
        // real 10 ms between) so a loaded machine's slow answer is not
        // taken for a lost one (250 ms steps left it 4 turns of the loop).
        update("before");
        await until(
          scheduler,
          () => published("before") !== undefined,
          "1st",
          undefined,
          10,
          10,
        );
        assert.match(published("before")!.body, /"old":\{/);
        await scene.untilConfirmed(
          async () =>
            JSON.parse(await admin.get(`guild:${discord.guildId}`) ?? "{}")
              .name === "before",
          "the update cached",
        );
        // Redis refuses every write from now on: the next update's write is
        // lost, and the cache answers "before" for ever after.
        await admin.config("SET", "maxmemory", "1");
        update("during");
        await until(scheduler, () => published("during") !== undefined, "2nd");
        await scene.untilConfirmed(
          async () => await metric(metricsPort, "dispatch_cache_stale") === 1,
          "the cache stale",
        );
        update("after");
        await until(scheduler, () => published("after") !== undefined, "3rd");
        const body = JSON.parse(published("after")!.body);
        assert.equal(
          "old" in body,
          false,
          `old published from a stale cache: ${JSON.stringify(body.old)}`,
        );
      } finally {
        await admin.config("SET", "maxmemory", "0");
      }
    });
  });
});

Deno.test({
  name:
    "dispatch service: session saves Redis refuses set dispatch_sessions_saved to 0, are said once, and their end is said",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start();
  await using redis = await OwnRedis.start();
  const { scheduler, broker, metricsPort } = scene;
  const { admin } = redis;
  await withLogRecords(async (records) => {
    const dispatch = scene.service(redis.port);
    await scene.run(dispatch, async () => {
      try {
        await scene.untilConfirmed(
          async () =>
            await metric(metricsPort, "dispatch_sessions_saved") === 1,
          "a save",
        );
        await admin.config("SET", "maxmemory", "1");
        await pass(scheduler, broker, 10_000);
        assert.equal(await metric(metricsPort, "dispatch_sessions_saved"), 0);
        // The connection is up: only the new gauge tells.
        assert.equal(await metric(metricsPort, "dispatch_redis_connected"), 1);
        // Said when it came and when its message changed (a refused SET,
        // then a refused script), not every second.
        const failed = linesSaying(records, "Saving sessions to Redis failed");
        assert.ok(failed.length <= 2, failed.join("\n"));
        for (const line of failed) assert.match(line, /OOM/);
        await pass(scheduler, broker, 10_000);
        assert.equal(
          linesSaying(records, "Saving sessions to Redis failed").length,
          failed.length,
        );
        await admin.config("SET", "maxmemory", "0");
        await pass(scheduler, broker, 3_000);
        assert.equal(await metric(metricsPort, "dispatch_sessions_saved"), 1);
        assert.equal(
          linesSaying(records, "Redis answers again; sessions are saved")
            .length,
          1,
        );
      } finally {
        await admin.config("SET", "maxmemory", "0");
      }
    });
  }, "info");
});

Deno.test({
  name:
    "dispatch service: a Redis unreachable at start is said once per streak, and dispatch_cache_stale is 1 meanwhile with STATE_ENABLED",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start();
  const { scheduler, broker, metricsPort } = scene;
  // Nothing listens there.
  const closedPort = String(freePort());
  await withLogRecords(async (records) => {
    const dispatch = scene.service(closedPort, { STATE_ENABLED: "true" });
    await scene.run(dispatch, async () => {
      await pass(scheduler, broker, 30_000);
      assert.equal(await metric(metricsPort, "dispatch_cache_stale"), 1);
      assert.equal(await metric(metricsPort, "dispatch_sessions_saved"), 0);
      const lines = linesSaying(records, "Cannot connect to Redis");
      assert.equal(lines.length, 1, lines.join("\n"));
      // Six attempts, and no line per attempt from the connection layer.
      const unreachable = linesSaying(records, "unreachable");
      assert.equal(unreachable.length, 0, unreachable.join("\n"));
    });
  });
});

Deno.test({
  name:
    "dispatch service: embedded without LogTape set up, a Redis unreachable at start is said on stderr, once per streak",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start();
  const { scheduler, broker } = scene;
  const closedPort = String(freePort());
  const lines = await captureStderr(async () => {
    const dispatch = scene.service(closedPort);
    await scene.run(dispatch, () => pass(scheduler, broker, 30_000));
  });
  const said = lines.filter((line) => line.includes("Cannot connect to Redis"));
  assert.equal(said.length, 1, lines.join("\n"));
});
