// The dispatch service's RedisCache applies each event once across a
// restart: events applied and published, but not confirmed (so not saved)
// when the process ends, come again in the next one's RESUME. In-process on
// a virtual clock, with the loopback FakeDiscord, the fake broker (which
// confirms only when told) and a redis-server of the test's own; the first
// process's end is a close the broker never confirms for, which leaves
// Redis as a SIGKILL does: the cache ahead of the saved session.
//
// And a new session saved before the cache applied its READY (shard 0's
// chunked drop of the DMs, held here by a proxy that freezes at it): a
// process ended then leaves shard 0 in `dispatch_cache_stale`, so the next
// one, which RESUMEs past that READY, serves no `old` from the DMs the drop
// left; and a close during the drop waits (bounded) for it to end.
import assert from "node:assert/strict";
import { RedisCache } from "../../cache/redis_store.ts";
import { closeRedis, connectRedis } from "../../redis/connection.ts";
import type { DispatchService } from "../../dispatch/service.ts";
import { REDIS_KEYS } from "../../dispatch/service.ts";
import { FreezableProxy } from "./_freezable_redis.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { testRedis } from "../_fakes/servers.ts";
import {
  advanceUntil,
  advanceUntilTrue as until,
  FakesScene,
  OwnRedis,
} from "./_in_process_service.ts";

const redisServer = testRedis();

/** Guilds, guild messages, their reactions; and the cache with `old`. */
const ENV = {
  INTENTS: String(1 | (1 << 9) | (1 << 10) | (1 << 15)),
  STATE_ENABLED: "true",
  STATE_MESSAGE: "true",
  STATE_OLD: "true",
};

Deno.test({
  name:
    "dispatch service: after a restart, the RESUME's replay of events the cache applied is not applied again (5 reactions stay 5; the edit's copy has no stale old)",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start({
    sessionTtl: 3_600_000,
    guilds: 1,
  });
  await using redis = await OwnRedis.start();
  const { scheduler, discord, broker } = scene;
  const saved = () => redis.savedSession();
  const bodies = () =>
    broker.publishes.map((p) =>
      JSON.parse(p.body) as {
        t: string;
        s: number;
        d: Record<string, unknown>;
        old?: Record<string, unknown>;
      }
    );
  // 10 ms of real time a step of the clock: Redis answers within the 1 s
  // the service waits for `old` (four steps of 250 ms passed it).
  const confirmed = (test: () => boolean | Promise<boolean>, what: string) =>
    until(scheduler, test, what, () => broker.ack(), 10);
  const send = (name: string, data: Record<string, unknown>) =>
    discord.gateway.dispatch(name, data, { shardId: 0, ignoreIntents: true });
  await withLogRecords(async () => {
    const first = scene.service(redis.port, ENV);
    await advanceUntil(scheduler, first.start(), "the first start");
    await scene.untilConfirmed(
      async () => (await saved())?.sequence === 2,
      "READY and the guild confirmed and saved",
    );
    const guildId = discord.gateway.guildIds[0]!;
    const create = bodies().find((b) => b.t === "GUILD_CREATE")!;
    const channelId = (create.d.channels as { id: string }[])[0]!.id;
    const message = {
      id: "5001",
      channel_id: channelId,
      guild_id: guildId,
      author: { id: "77", username: "u" },
      timestamp: "2024-01-01T00:00:00.000000+00:00",
    };
    send("MESSAGE_CREATE", { ...message, content: "hi" });
    await scene.untilConfirmed(
      async () => (await saved())?.sequence === 3,
      "the message confirmed and saved",
    );
    // Applied and published, never confirmed: the saved session stays at 3.
    for (let u = 0; u < 5; u++) {
      send("MESSAGE_REACTION_ADD", {
        user_id: String(900 + u),
        channel_id: channelId,
        message_id: "5001",
        guild_id: guildId,
        emoji: { id: null, name: "👍" },
      });
    }
    send("MESSAGE_UPDATE", { ...message, content: "edited" });
    // The edit's `old` is read from Redis within 1 s of the clock: 2 ms of
    // it a step, 10 ms of real time each, leave Redis 5 s (steps of 250 ms
    // left it 40 ms, and a loaded machine's Redis answered later: no old).
    await until(
      scheduler,
      () => broker.publishes.length >= 9,
      "published",
      undefined,
      10,
      2,
    );
    const key = `message:${channelId}:5001`;
    const count = async () =>
      JSON.parse((await redis.admin.get(key))!).reactions[0].count;
    await until(scheduler, async () => await count() === 5, "applied");
    await advanceUntil(scheduler, first.close(), "the first close");
    assert.equal((await saved())!.sequence, 3);
    // The next process resumes at 3: Discord replays 4 to 9.
    const second = scene.service(redis.port, ENV);
    await scene.run(second, async () => {
      await confirmed(
        () => bodies().filter((b) => b.t === "MESSAGE_UPDATE").length === 2,
        "the replay published",
      );
      assert.equal(discord.gateway.counters.resumes, 1);
      await scene.untilConfirmed(
        async () => (await saved())!.sequence >= 9,
        "the replay confirmed and saved",
      );
    });
    assert.equal(await count(), 5, "each reaction counted once");
    const [edit, replay] = bodies().filter((b) => b.t === "MESSAGE_UPDATE");
    assert.equal(edit!.old?.content, "hi");
    assert.equal(replay!.s, edit!.s);
    assert.equal(replay!.old, undefined, "no old for a replay");
    assert.equal(JSON.parse((await redis.admin.get(key))!).content, "edited");
  });
});

/** Guilds and DMs, their messages; and the cache with `old`. */
const DM_ENV = {
  INTENTS: String(1 | (1 << 9) | (1 << 12) | (1 << 15)),
  STATE_ENABLED: "true",
  STATE_MESSAGE: "true",
  STATE_OLD: "true",
};

/**
 * The watchdog of the drop tests' long waits (a new session: op 9's wait,
 * the identify and the READY; a close waiting out its bounds), stepped
 * with real pauses: a loaded machine took over the usual 10 s.
 */
const SLOW_WAIT_MS = 40_000;

/**
 * The first command of shard 0's drop of the DMs: the first to name their
 * index (redis_unguilded.ts); a READY's own writes do not.
 */
const DROP_START = /disruption_cache_unguilded/;

/** A DM message (no guild) in channel `channelId`. */
function dm(
  id: string,
  channelId: string,
  content: string,
): Record<string, unknown> {
  return {
    id,
    channel_id: channelId,
    content,
    author: { id: "77", username: "u" },
    timestamp: "2024-01-01T00:00:00.000000+00:00",
  };
}

/**
 * The scene of the drop tests: FakeDiscord, the broker, a Redis of the
 * test's own and a proxy in front of it; `body` gets the first service
 * (behind the proxy) started, its READY saved, and a way to start the
 * next session and wait until it is saved with the drop frozen.
 */
async function dropScene(
  body: (scene: {
    scene: FakesScene;
    redis: OwnRedis;
    proxy: FreezableProxy;
    first: DispatchService;
    newSessionFrozen: (prepare: () => Promise<void>) => Promise<void>;
    close: (service: DispatchService, pauseMs: number) => Promise<void>;
  }) => Promise<void>,
): Promise<void> {
  await using scene = await FakesScene.start({
    sessionTtl: 3_600_000,
    guilds: 1,
  });
  await using redis = await OwnRedis.start();
  const proxy = new FreezableProxy({
    hostname: "127.0.0.1",
    port: redis.server.port,
  });
  const { scheduler, discord, broker } = scene;
  const saved = () => redis.savedSession();
  const close = async (service: DispatchService, pauseMs: number) => {
    let closed = false;
    const closing = service.close().finally(() => closed = true);
    // With Redis frozen, the close waits out its bounds (15 s of the
    // clock): 1,500 steps of 10 ms, each a turn or more of real time.
    await until(
      scheduler,
      () => closed,
      "the close",
      () => broker.ack(),
      pauseMs,
      10,
      SLOW_WAIT_MS,
    );
    await closing;
  };
  try {
    await withLogRecords(async () => {
      const first = scene.service(String(proxy.port), DM_ENV);
      await advanceUntil(scheduler, first.start(), "the first start");
      await scene.untilConfirmed(
        async () => (await saved())?.sequence === 2,
        "READY and the guild confirmed and saved",
      );
      const newSessionFrozen = async (prepare: () => Promise<void>) => {
        // A periodic save in flight at the READY sends the READY's after
        // it, past the freeze (it then waits for the drop, which is safe:
        // a process ended then resumes the old session, is refused, and
        // drops again at the new READY), and the scene did not arise: the
        // drop is let go and the scene tried again. The clock moves 10 ms a
        // step: at 100 ms, a loaded machine's slow Redis kept the saves
        // (one a second of the clock) in flight for most of each second,
        // and all 3 attempts collided in 2 of 4 whole-suite runs made
        // beside another.
        for (let attempt = 1;; attempt++) {
          await prepare();
          const old = (await saved())!.sessionId;
          proxy.freezeOn(DROP_START);
          discord.gateway.invalidateSession(false);
          let frozenAt: number | undefined;
          const outcome = { saved: false };
          await until(
            scheduler,
            async () => {
              if (!proxy.frozen) return false;
              frozenAt ??= scheduler.now();
              outcome.saved = (await saved())!.sessionId !== old;
              // Past a save in flight, the READY's waits for the thaw.
              return outcome.saved || scheduler.now() - frozenAt > 3_000;
            },
            "the new session saved, its READY's drop frozen",
            () => broker.ack(),
            5,
            10,
            SLOW_WAIT_MS,
          );
          if (outcome.saved) return;
          assert.ok(attempt < 5, "the new session was saved past the drop");
          proxy.thaw();
          await until(
            scheduler,
            async () => (await saved())!.sessionId !== old,
            "the new session saved after its drop",
            () => broker.ack(),
            5,
            100,
            SLOW_WAIT_MS,
          );
        }
      };
      await body({ scene, redis, proxy, first, newSessionFrozen, close });
    });
  } finally {
    proxy.close();
  }
}

Deno.test({
  name:
    "dispatch service: a process ended while its new session's READY is not applied (shard 0's DM drop) leaves shard 0 stale in dispatch_cache_stale: the next one, resuming, serves no old of the DMs left",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, () =>
  dropScene(async ({ scene, redis, first, newSessionFrozen, close }) => {
    const { scheduler, discord, broker } = scene;
    const send = (name: string, data: Record<string, unknown>) =>
      discord.gateway.dispatch(name, data, { shardId: 0, ignoreIntents: true });
    await newSessionFrozen(async () => {
      send("MESSAGE_CREATE", dm("777", "55", "before"));
      await scene.untilConfirmed(
        async () => await redis.admin.exists("message:55:777") === 1,
        "the DM cached",
      );
    });
    // Redis frozen as a process killed then leaves it: the drop undone.
    await close(first, 0);
    assert.equal(await redis.admin.exists("message:55:777"), 1);
    const second = scene.service(redis.port, DM_ENV);
    await scene.run(second, async () => {
      await scene.untilConfirmed(
        () => discord.gateway.counters.resumes === 1,
        "the second process resumed",
      );
      assert.deepEqual(
        await redis.admin.smembers(REDIS_KEYS.cacheStale),
        ["0"],
      );
      const text = await advanceUntil(
        scheduler,
        fetch(`http://127.0.0.1:${scene.metricsPort}/metrics`)
          .then((r) => r.text()),
        "/metrics",
        10,
      );
      assert.match(text, /^dispatch_cache_stale 1$/m);
      send("MESSAGE_UPDATE", dm("777", "55", "edited"));
      await until(
        scheduler,
        () => broker.publishes.some((p) => p.body.includes('"edited"')),
        "the edit published",
        () => broker.ack(),
        10,
      );
    });
    const edit = JSON.parse(
      broker.publishes.find((p) => p.body.includes('"edited"'))!.body,
    ) as { old?: { content?: string } };
    assert.equal(edit.old, undefined, "no old from the stale DMs");
  }));

Deno.test({
  name:
    "dispatch service: a close during shard 0's DM drop waits for it to end before the last save (the DMs gone, the shard not left stale)",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, () =>
  dropScene(async ({ scene, redis, proxy, first, newSessionFrozen }) => {
    const { scheduler, broker } = scene;
    await newSessionFrozen(() => cacheDms(redis, 3_000));
    let closed = false;
    const closing = first.close().finally(() => closed = true);
    // Two seconds of the close with the drop held, then Redis answers.
    const end = scheduler.now() + 2_000;
    await until(
      scheduler,
      () => closed || scheduler.now() >= end,
      "two seconds of the close",
      () => broker.ack(),
    );
    proxy.thaw();
    await until(
      scheduler,
      () => closed,
      "the close",
      () => broker.ack(),
      5,
      10,
      SLOW_WAIT_MS,
    );
    await closing;
    assert.equal(await redis.admin.scard("message_keys"), 0, "the DMs gone");
    assert.deepEqual(await redis.admin.smembers(REDIS_KEYS.cacheStale), []);
  }));

/**
 * Cache `count` DM messages, each in a channel of its own, as another
 * process sharing the database would.
 */
async function cacheDms(redis: OwnRedis, count: number): Promise<void> {
  const connection = await connectRedis({ url: redis.server.url });
  try {
    const cache = new RedisCache(connection, {
      resources: ["guilds", "channels", "roles", "messages"],
      shardIds: [0],
    });
    const batch = Array.from({ length: count }, (_, i) => ({
      event: "MESSAGE_CREATE",
      data: dm(String(2_000_000 + i), String(900_000 + i), "x"),
    }));
    for (let i = 0; i < batch.length; i += 1_000) {
      await cache.applyBatch(batch.slice(i, i + 1_000));
    }
    await cache.flush();
  } finally {
    await closeRedis(connection);
  }
}

Deno.test({
  name:
    "dispatch service: a close waits for the cache's writes in flight (a big member chunk's) before the last save: a RESUME after it finds every member, or the shard stale",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start({
    sessionTtl: 3_600_000,
    guilds: 1,
  });
  await using redis = await OwnRedis.start();
  const { scheduler, discord } = scene;
  const saved = () => redis.savedSession();
  const env = {
    INTENTS: String(1 | 2),
    STATE_ENABLED: "true",
    STATE_MEMBER: "true",
  };
  const count = 20_000;
  await withLogRecords(async () => {
    const service = scene.service(redis.port, env);
    await advanceUntil(scheduler, service.start(), "the start");
    await scene.untilConfirmed(
      async () => (await saved())?.sequence === 2,
      "READY and the guild confirmed and saved",
    );
    const guildId = discord.gateway.guildIds[0]!;
    const members = Array.from({ length: count }, (_, i) => ({
      user: { id: String(300_000_000_000_000_000n + BigInt(i)), username: "u" },
      roles: [],
      joined_at: "2024-01-01T00:00:00.000000+00:00",
      deaf: false,
      mute: false,
    }));
    discord.gateway.dispatch("GUILD_MEMBERS_CHUNK", {
      guild_id: guildId,
      members,
      chunk_index: 0,
      chunk_count: 1,
    }, { shardId: 0, ignoreIntents: true });
    await scene.untilConfirmed(
      async () => (await saved())?.sequence === 3,
      "the chunk confirmed and saved",
    );
    // The clock at about real speed: Redis's answers take real time.
    await advanceUntil(scheduler, service.close(), "the close", 50, 50, 60_000);
    let kept = 0;
    let cursor = "0";
    do {
      const [next, keys] = await redis.admin.scan(
        cursor,
        "MATCH",
        `member:${guildId}:3*`,
        "COUNT",
        10_000,
      );
      cursor = next;
      kept += keys.length;
    } while (cursor !== "0");
    const stale = await redis.admin.smembers(REDIS_KEYS.cacheStale);
    assert.ok(
      kept === count || stale.includes("0"),
      `${kept} of ${count} members kept, stale ${JSON.stringify(stale)}`,
    );
  });
});
