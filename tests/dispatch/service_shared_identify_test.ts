// Dispatch-service processes that split one bot's shards (SHARDS_START /
// SHARDS_END) pace IDENTIFY and spend the daily budget as one bot, through
// Redis: each built its own in-memory queue from its own GET /gateway/bot,
// so both identified in bucket 0 at once (op 9) and together spent twice
// what was left (Discord resets the token for that). A process that runs
// part of the shards and cannot reach Redis waits for it, saying so, rather
// than identify on its own pacing.
import assert from "node:assert/strict";
import { loadDispatchConfig } from "../../dispatch/config.ts";
import { DispatchService } from "../../dispatch/service.ts";
import type { FakeDiscord } from "../../testing/fake_discord.ts";
import type { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { linesSaying, withLogRecords } from "../_fakes/log_records.ts";
import { PrivateRedis } from "../_fakes/private_redis.ts";
import { within } from "../_fakes/watchdog.ts";
import { advanceUntil, FakesScene, OwnRedis } from "./_in_process_service.ts";

/**
 * A service running shards `first`-`last` of 4 on `discord`, `brokerUrl`
 * and the Redis on `redisPort`, `env` over the rest; GET /gateway/bot
 * answers the fake's live budget, as Discord would to each process.
 */
function splitService(
  scheduler: VirtualScheduler,
  discord: FakeDiscord,
  brokerUrl: string,
  redisPort: string,
  first: number,
  last: number,
  env: Record<string, string> = {},
): DispatchService {
  const gatewayBot = () => ({
    url: discord.clientOptions.gatewayUrl,
    shards: 4,
    session_start_limit: discord.gateway.sessionStartLimit(discord.token),
  });
  return new DispatchService(
    loadDispatchConfig({
      BOT_TOKEN: discord.token,
      INTENTS: "1",
      RABBIT_HOST: "127.0.0.1",
      RABBIT_PORT: new URL(brokerUrl).port,
      REDIS_HOST: "127.0.0.1",
      REDIS_PORT: redisPort,
      PROMETHEUS_HOST: "127.0.0.1",
      PROMETHEUS_PORT: "0",
      DEFAULT_QUEUE: "false",
      SHARDS_TOTAL: "4",
      SHARDS_START: String(first),
      SHARDS_END: String(last),
      ...env,
    }),
    { fetch: () => Promise.resolve(Response.json(gatewayBot())), scheduler },
  );
}

/**
 * Run the clock `ms` in 20 ms steps, letting real I/O run between them:
 * short, as a grant's way from Redis to the fake gateway is real I/O, and
 * each step it takes is time between the grant and its IDENTIFY (the
 * queue's 250 ms of room is for a few ms).
 */
async function runFor(
  scene: FakesScene,
  ms: number,
  what: string,
): Promise<void> {
  const { scheduler } = scene;
  const end = scheduler.now() + ms;
  await within(
    (async () => {
      while (scheduler.now() < end) {
        await scene.broker.ack();
        await scheduler.advance(20);
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    })(),
    what,
  );
}

/**
 * Start `services` together and run the clock `ms` from there (one
 * service's shards identify while the other still starts: short steps from
 * the start), then close them: when each IDENTIFY came, in order.
 */
async function identifiesOfBoth(
  scene: FakesScene,
  services: DispatchService[],
  ms: number,
): Promise<number[]> {
  const { scheduler, discord } = scene;
  try {
    const starts = Promise.all(services.map((service) => service.start()));
    await runFor(scene, ms, `${ms / 1000} s of identifying`);
    await within(starts, "both starts");
  } finally {
    await advanceUntil(
      scheduler,
      Promise.all(services.map((service) => service.close())),
      "both closes",
    );
  }
  return discord.gateway.log.flatMap((e) =>
    e.type === "identify" ? [e.at] : []
  );
}

Deno.test({
  name:
    "dispatch service: two processes splitting 4 shards on one Redis identify as one bot: one IDENTIFY per 5 s in bucket 0, and none past the shared remaining",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start({
    guilds: 1,
    sessionStartLimit: { total: 1000, remaining: 2 },
  });
  await using redis = await OwnRedis.start();
  const { scheduler, discord, broker } = scene;
  const services = [
    splitService(scheduler, discord, broker.url, redis.port, 0, 1),
    splitService(scheduler, discord, broker.url, redis.port, 2, 3),
  ];
  // Long enough for all four shards were nothing holding them back.
  const at = await identifiesOfBoth(scene, services, 20_000);
  const counters = discord.gateway.counters;
  assert.deepEqual(
    {
      identifies: counters.identifies,
      sessionStarts: counters.sessionStarts,
      invalidSessions: counters.invalidSessions,
      tokenResets: counters.closes[4004] ?? 0,
    },
    { identifies: 2, sessionStarts: 2, invalidSessions: 0, tokenResets: 0 },
  );
  const gap = at[1]! - at[0]!;
  assert.ok(gap >= 5_000, `IDENTIFYs ${gap} ms apart in bucket 0`);
});

Deno.test({
  name:
    "dispatch service: a process running part of the shards waits for an unreachable Redis, saying so once, instead of identifying on its own pacing",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start({ guilds: 1 });
  const { scheduler, discord, broker } = scene;
  await withLogRecords(async (records) => {
    // Nothing listens on port 1.
    const service = splitService(scheduler, discord, broker.url, "1", 0, 1);
    const starting = service.start();
    try {
      await runFor(scene, 15_000, "15 s without Redis");
      assert.equal(discord.gateway.counters.identifies, 0);
      assert.equal(discord.gateway.counters.connections, 0);
      assert.equal(linesSaying(records, "wait for Redis").length, 1);
    } finally {
      await advanceUntil(scheduler, service.close(), "the close");
    }
    // close() ended the waiting start, which connected nothing.
    await advanceUntil(scheduler, starting, "the start");
    assert.equal(discord.gateway.counters.connections, 0);
  });
});

Deno.test({
  name:
    "dispatch service: a process running part of the shards, started with Redis down, identifies once Redis comes up",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start({ guilds: 1 });
  const { scheduler, discord, broker } = scene;
  // Its port is picked now; nothing listens on it until it starts.
  const redis = new PrivateRedis();
  const service = splitService(
    scheduler,
    discord,
    broker.url,
    String(redis.port),
    0,
    1,
  );
  const starting = service.start();
  try {
    await runFor(scene, 6_000, "6 s without Redis");
    assert.equal(discord.gateway.counters.identifies, 0);
    await redis.start();
    // The service retries Redis every 5 s; once reached, its shards go.
    await runFor(scene, 20_000, "20 s with Redis up");
    assert.ok(
      discord.gateway.counters.identifies >= 1,
      `${discord.gateway.counters.identifies} IDENTIFYs once Redis was up`,
    );
    await within(starting, "the start");
  } finally {
    await advanceUntil(scheduler, service.close(), "the close");
    await redis.stop();
  }
});

Deno.test({
  name:
    "dispatch service: with max_concurrency 2, two processes' shards 0 and 1 identify within the same 5 s: each bucket paced on its own",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start({ guilds: 1, maxConcurrency: 2 });
  await using redis = await OwnRedis.start();
  const { scheduler, discord, broker } = scene;
  const pace = { SHARDS_CONCURRENCY: "2" };
  // Shard 0 in bucket 0 on one process, shard 1 in bucket 1 on the other.
  const services = [
    splitService(scheduler, discord, broker.url, redis.port, 0, 0, pace),
    splitService(scheduler, discord, broker.url, redis.port, 1, 1, pace),
  ];
  const at = await identifiesOfBoth(scene, services, 10_000);
  assert.equal(at.length, 2);
  assert.equal(discord.gateway.counters.invalidSessions, 0);
  const gap = Math.abs(at[1]! - at[0]!);
  assert.ok(gap < 5_000, `IDENTIFYs ${gap} ms apart in two buckets`);
});
