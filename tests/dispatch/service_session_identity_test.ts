// The dispatch service restarted on its saved sessions with other INTENTS,
// or with another bot's token: in-process on a virtual clock with the
// loopback FakeDiscord, the fake broker and a redis-server of the test's
// own. With other intents the shard identifies (a RESUME keeps the saved
// session's intents: MESSAGE_CREATE never came), said once and counted in
// dispatch_sessions_lost; on another bot's sessions the start is refused
// before any shard connects, and Redis keeps them.
import assert from "node:assert/strict";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { SavedSession } from "../../gateway/saved_session.ts";
import * as errors from "../../gateway/errors.ts";
import { loadUsableSessions, StartReads } from "../../dispatch/start_reads.ts";
import { REDIS_KEYS } from "../../dispatch/service.ts";
import { linesSaying, withLogRecords } from "../_fakes/log_records.ts";
import { testRedis } from "../_fakes/servers.ts";
import {
  advanceUntil,
  advanceUntilTrue as until,
  FakesScene,
  OwnRedis,
} from "./_in_process_service.ts";
import { FreezableProxy } from "./_freezable_redis.ts";

const redisServer = testRedis();
const BOT_A = "123456789012345678";
const BOT_B = "876543210987654321";
const TOKEN_B = `${btoa(BOT_B).replace(/=+$/, "")}.GhIjKl.mNoPqRsTuV`;

Deno.test({
  name:
    "dispatch service: restarted with INTENTS 1 → 513 on its saved session, the shard identifies (said once, counted lost) and MESSAGE_CREATE is published",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start({ guilds: 1 });
  await using redis = await OwnRedis.start();
  const { scheduler, discord, broker, metricsPort } = scene;
  const saved = () => redis.savedSession();
  await withLogRecords(async (records) => {
    await scene.run(scene.service(redis.port, { INTENTS: "1" }), async () => {
      await scene.untilConfirmed(
        async () => (await saved())?.sequence === 2,
        "READY and the guild confirmed and saved",
      );
    });
    await scheduler.advance(5_000);
    const second = scene.service(redis.port, { INTENTS: "513" });
    await scene.run(second, async () => {
      await scene.untilConfirmed(
        () => discord.gateway.counters.sessionStarts === 2,
        "the second start's session",
      );
      assert.equal(discord.gateway.counters.resumes, 0, "no RESUME");
      const before = broker.publishes.length;
      discord.postMessage("hello");
      await scene.untilConfirmed(
        () =>
          broker.publishes.slice(before).some((p) =>
            JSON.parse(p.body).t === "MESSAGE_CREATE"
          ),
        "MESSAGE_CREATE published",
      );
      const metrics = await advanceUntil(
        scheduler,
        fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text()),
        "/metrics",
      );
      assert.match(metrics, /^dispatch_sessions_lost 1$/m);
      await until(
        scheduler,
        async () => (await saved())?.intents === 513,
        "saved with the new intents",
      );
    });
    const said = linesSaying(records, "not replayed");
    assert.equal(said.length, 1, records.map((r) => r.message).join("\n"));
    assert.match(said[0]!, /with intents 1,/);
    assert.match(said[0]!, /runs with intents 513/);
  });
});

Deno.test({
  name:
    "dispatch service: started with another bot's token on Redis's sessions, start() rejects with OtherBotSessionsError, no shard connects, Redis keeps them",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start({ guilds: 1 });
  await using redis = await OwnRedis.start();
  const { scheduler, discord } = scene;
  const store = redis.sessions;
  const theirs: SavedSession = {
    shardId: 0,
    shardCount: 1,
    sessionId: "production-session",
    sequence: 42,
    savedAt: scheduler.now(),
    intents: 1,
    botId: BOT_A,
  };
  await store.save([theirs]);
  const stored = await redis.admin.get(REDIS_KEYS.sessions);
  const staging = scene.service(redis.port, { BOT_TOKEN: TOKEN_B });
  const error = await advanceUntil(scheduler, staging.start(), "the start")
    .then(() => assert.fail("start() resolved"), (error: unknown) => error);
  await advanceUntil(scheduler, staging.close(), "the close");
  assert.ok(errors.OtherBotSessionsError, "the error class exists");
  assert.ok(error instanceof errors.OtherBotSessionsError, String(error));
  assert.match(error.message, /bot 123456789012345678/);
  assert.match(error.message, /bot 876543210987654321/);
  assert.equal(discord.gateway.log.length, 0, "no shard connected");
  assert.equal(await redis.admin.get(REDIS_KEYS.sessions), stored);
  assert.deepEqual(await store.loadAll(), [theirs]);
});

Deno.test("loadUsableSessions: sessions of other intents are left out, counted and said once; sessions without intents (older versions) kept", async () => {
  const scheduler = new VirtualScheduler();
  const now = 1_000_000_000;
  const session = (shardId: number, intents?: number): SavedSession => ({
    shardId,
    shardCount: 3,
    sessionId: `s${shardId}`,
    sequence: 7,
    savedAt: now - 1_000,
    ...(intents === undefined ? {} : { intents, botId: BOT_A }),
  });
  const sessions = [session(0, 1), session(1, 1), session(2)];
  let lost = 0;
  await withLogRecords(async (records) => {
    const usable = await loadUsableSessions(
      { loadAll: () => Promise.resolve(sessions) },
      new StartReads(scheduler, new AbortController().signal),
      {
        shardIds: [0, 1, 2],
        shardCount: 3,
        now,
        intents: 513,
        botId: BOT_A,
        lost: { inc: () => lost++ },
      },
    );
    assert.deepEqual([...usable.keys()], [2]);
    assert.equal(linesSaying(records, "not replayed").length, 1);
  });
  assert.equal(lost, 2);
  await assert.rejects(
    loadUsableSessions(
      { loadAll: () => Promise.resolve(sessions) },
      new StartReads(scheduler, new AbortController().signal),
      { shardIds: [0, 1, 2], shardCount: 3, now, intents: 1, botId: BOT_B },
    ),
    (error: Error) => error.name === "OtherBotSessionsError",
  );
});

Deno.test({
  name:
    "dispatch service: another bot's sessions unread at start (Redis frozen at the load) are not saved over once Redis answers: said on stderr, the shards run on",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start({ guilds: 1 }, TOKEN_B);
  await using redis = await OwnRedis.start();
  const { scheduler, discord } = scene;
  const store = redis.sessions;
  const theirs: SavedSession = {
    shardId: 0,
    shardCount: 1,
    sessionId: "production-session",
    sequence: 42,
    savedAt: scheduler.now(),
    intents: 1,
    botId: BOT_A,
  };
  await store.save([theirs]);
  // The other bot's keys beside its sessions: its process writes them.
  const others = {
    [REDIS_KEYS.shards]: "4",
    [REDIS_KEYS.statuses]: JSON.stringify([
      { shard: 0, status: "CONNECTED", latency: 40, last_ack: "theirs" },
    ]),
    [REDIS_KEYS.started]: JSON.stringify("2024-05-01T12:00:00.123000000"),
  };
  for (const [key, value] of Object.entries(others)) {
    await redis.admin.set(key, value);
  }
  await redis.admin.sadd(REDIS_KEYS.cacheStale, "3");
  /** The other bot's keys as Redis holds them now. */
  const othersNow = async () => ({
    ...Object.fromEntries(
      await Promise.all(
        Object.keys(others).map(async (key) => [
          key,
          await redis.admin.get(key),
        ]),
      ),
    ),
    stale: await redis.admin.smembers(REDIS_KEYS.cacheStale),
  });
  const othersThen = { ...others, stale: ["3"] };
  const proxy = new FreezableProxy({
    hostname: "127.0.0.1",
    port: Number(redis.port),
  });
  proxy.freezeOn(/mget/i); // the start's read of gateway_sessions
  try {
    await withLogRecords(async (records) => {
      const staging = scene.service(String(proxy.port));
      await scene.run(staging, async () => {
        // Started: the load was given up on (the shard identifies, through
        // the Redis identify queue once Redis answers again).
        assert.equal(proxy.frozen, true, "frozen at the load, as meant");
        proxy.thaw();
        await scene.untilConfirmed(
          () => discord.gateway.counters.sessionStarts === 1,
          "the shard identified, the sessions unread",
        );
        await until(
          scheduler,
          () => linesSaying(records, "saves no session").length === 1,
          "the other bot's sessions found at the first save",
        );
        await scheduler.advance(5_000);
        assert.deepEqual(await store.loadAll(), [theirs], "kept");
        assert.deepEqual(
          await othersNow(),
          othersThen,
          "its shards, statuses, start and stale shards kept",
        );
      });
      assert.deepEqual(await store.loadAll(), [theirs], "kept at close");
      assert.deepEqual(await othersNow(), othersThen, "its keys kept at close");
    }, "info");
  } finally {
    proxy.close();
  }
});
