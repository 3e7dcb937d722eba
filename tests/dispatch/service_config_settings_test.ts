// The dispatch service honours, or says, settings twilight-dispatch's
// configuration files carry, in-process on a virtual clock with the
// loopback FakeDiscord and the fake broker:
// - SHARDS_CONCURRENCY paces IDENTIFY (Discord's max_concurrency won);
// - REDIS_USERNAME logs in as that ACL user (it was dropped);
// - STATE_* settings without STATE_ENABLED are said (they do nothing);
// - a Redis connect error line shows no empty quoted hint (`""`);
// - the stop line says how many sessions were saved (none said as none).
import assert from "node:assert/strict";
import { defaultTextFormatter, type LogRecord } from "@logtape/logtape";
import { Redis } from "ioredis";
import { loadDispatchConfig } from "../../dispatch/config.ts";
import { DispatchService } from "../../dispatch/service.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { linesSaying, withLogRecords } from "../_fakes/log_records.ts";
import { within } from "../_fakes/watchdog.ts";
import { PrivateRedis } from "../_fakes/private_redis.ts";
import { testRedis } from "../_fakes/servers.ts";
import { FakeAmqpBroker } from "./_fake_amqp.ts";
import {
  advanceUntilTrue as until,
  inProcessService,
  OwnRedis,
  whileRunning,
} from "./_in_process_service.ts";
import { freePort } from "./_service_harness.ts";

// Its PrivateRedis needs redis-server: ignored without it locally,
// required in CI, as every test that starts one.
const redisServer = testRedis();

/** The records as the console sink shows them (properties formatted). */
function shown(records: readonly LogRecord[]): string[] {
  return records.map((record) => defaultTextFormatter(record));
}

Deno.test({
  name:
    "dispatch service: SHARDS_CONCURRENCY=1 paces IDENTIFY one per 5 s under Discord's max_concurrency of 2",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const scheduler = new VirtualScheduler();
  await using discord = await FakeDiscord.start({
    loopback: true,
    scheduler,
    shards: 2,
    gateway: { guilds: 1, maxConcurrency: 2 },
  });
  await using broker = new FakeAmqpBroker();
  const bot = {
    url: discord.clientOptions.gatewayUrl,
    shards: 2,
    session_start_limit: {
      total: 1000,
      remaining: 1000,
      reset_after: 0,
      max_concurrency: 2,
    },
  };
  const service = new DispatchService(
    loadDispatchConfig({
      BOT_TOKEN: discord.token,
      INTENTS: "1",
      RABBIT_PORT: new URL(broker.url).port,
      REDIS_PORT: "1",
      PROMETHEUS_HOST: "127.0.0.1",
      PROMETHEUS_PORT: String(freePort()),
      DEFAULT_QUEUE: "false",
      SHARDS_CONCURRENCY: "1",
    }),
    { fetch: () => Promise.resolve(Response.json(bot)), scheduler },
  );
  await withLogRecords(async () => {
    await whileRunning(scheduler, service, async () => {
      // Small steps with real time between them: a shard's IDENTIFY reaches
      // the fake a few real round trips after the queue lets it go, and
      // each step those take shortens the gap measured here.
      const identified = async (count: number, what: string) => {
        while (discord.gateway.counters.identifies < count) {
          await within(scheduler.advance(25), what);
          await new Promise((resolve) => setTimeout(resolve, 1));
          assert.ok(scheduler.now() < 60_000, `no ${what}`);
        }
        return scheduler.now();
      };
      const first = await identified(1, "first IDENTIFY");
      const gap = await identified(2, "second IDENTIFY") - first;
      // Paced by Discord's max_concurrency of 2, both came at once.
      assert.ok(gap >= 4_000, `the second IDENTIFY ${gap} ms after the first`);
    });
  }, "error");
});

Deno.test({
  name:
    "dispatch service: STATE_ settings without STATE_ENABLED are said once, naming them and STATE_ENABLED",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    const service = inProcessService(scheduler, freePort(), {
      STATE_MEMBER: "true",
      STATE_MESSAGE_TTL: "60000",
      STATE_OLD: "true",
    });
    await whileRunning(scheduler, service, () => {
      const said = linesSaying(records, "STATE_ENABLED");
      assert.equal(said.length, 1, said.join("\n"));
      for (const name of ["STATE_MEMBER", "STATE_MESSAGE_TTL", "STATE_OLD"]) {
        assert.ok(said[0]!.includes(name), `${name} not named: ${said[0]}`);
      }
    });
  });
});

Deno.test({
  name:
    "dispatch service: a Redis connect error without a password hint shows no empty quoted hint",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    const service = inProcessService(scheduler, freePort());
    await whileRunning(scheduler, service, () => {
      const lines = shown(records).filter((line) =>
        line.includes("running without saved sessions and cache")
      );
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.ok(!lines[0]!.includes('""'), lines[0]);
    });
  });
});

Deno.test({
  name: "dispatch service: REDIS_USERNAME logs in as that ACL user",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using redis = await OwnRedis.start();
  const { admin } = redis;
  // The default user refuses every login: only `bot` gets in.
  await admin.call("ACL", "SETUSER", "bot", "on", ">pass word", "~*", "&*");
  await admin.call("ACL", "SETUSER", "bot", "+@all");
  await admin.call("ACL", "SETUSER", "default", "off");
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    const service = inProcessService(scheduler, freePort(), {
      REDIS_PORT: redis.port,
      REDIS_USERNAME: "bot",
      REDIS_PASSWORD: "pass word",
    });
    const bot = new Redis({
      port: redis.server.port,
      username: "bot",
      password: "pass word",
      lazyConnect: true,
    });
    await whileRunning(scheduler, service, async () => {
      try {
        assert.deepEqual(linesSaying(records, "Cannot connect to Redis"), []);
        await until(
          scheduler,
          async () => await bot.exists("gateway_shards") === 1,
          "a save as bot",
        );
      } finally {
        bot.disconnect();
      }
    });
  });
});

Deno.test({
  name:
    "dispatch service: a stop with no session to save says none was saved, not that sessions were",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const redis = new PrivateRedis();
  await redis.start();
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    // Its gateway never answers: no shard gets a session to save.
    const service = inProcessService(scheduler, freePort(), {
      REDIS_PORT: String(redis.port),
    });
    try {
      await whileRunning(scheduler, service, () => {});
    } finally {
      await redis.stop();
    }
    assert.deepEqual(linesSaying(records, "sessions saved for resuming"), []);
    assert.equal(linesSaying(records, "no session was saved").length, 1);
  }, "info");
});
