// The dispatch service's RedisCache applies each event once across a
// restart: events applied and published, but not confirmed (so not saved)
// when the process ends, come again in the next one's RESUME. In-process on
// a virtual clock, with the loopback FakeDiscord, the fake broker (which
// confirms only when told) and a redis-server of the test's own; the first
// process's end is a close the broker never confirms for, which leaves
// Redis as a SIGKILL does: the cache ahead of the saved session.
import assert from "node:assert/strict";
import { RedisSessionStore } from "../../redis/session_store.ts";
import { REDIS_KEYS } from "../../dispatch/service.ts";
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
  const store = new RedisSessionStore(redis.admin, {
    key: REDIS_KEYS.sessions,
  });
  const saved = async () => (await store.loadAll())[0];
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
    await until(
      scheduler,
      () => broker.publishes.length >= 9,
      "published",
      undefined,
      10,
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
