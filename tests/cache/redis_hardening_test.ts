// The Redis store under conditions a review found it wrong in: writes that
// Redis does not answer, a server restarted between events, a stale cache
// served to several shards, and scripts that block Redis on a big guild.
import assert from "node:assert/strict";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { RedisCache } from "../../cache/mod.ts";
import {
  MAX_UNANSWERED_WRITES,
  MAX_WAITING,
  MAX_WAITING_ENTITIES,
} from "../../cache/redis_backlog.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { heldReadsConnection, hungConnection } from "./_hung_connections.ts";
import { withPrivateRedis } from "./_private_redis_store.ts";
import { testRedis } from "../_fakes/servers.ts";
import { guildMessage } from "./_guild_message.ts";
import { createdGuild } from "./_created_guild.ts";

const server = testRedis();

/**
 * A connection whose reads find guild 1 held and whose transactions (the
 * writes) `send` answers, given their count of commands: never, by default.
 * (A member is kept only in a guild held, and guilds come with members:
 * each chunk reads its guild first, a read the gateway's events would wait
 * on, unlike writes.)
 */
function guildHeldConnection(
  send?: (commands: number) => Promise<unknown>,
): RedisConnection {
  return heldReadsConnection(
    { "guild:1": JSON.stringify({ id: "1", name: "g" }) },
    send,
  );
}

/** A GUILD_MEMBERS_CHUNK of one member of guild 1. */
const memberChunk = (id: number) => ({
  guild_id: "1",
  chunk_index: 0,
  chunk_count: 1,
  members: [{
    user: { id: String(1000 + id), username: "u" },
    roles: [],
    joined_at: null,
    deaf: false,
    mute: false,
  }],
});

Deno.test("RedisCache: writes Redis has not answered count against MAX_WAITING, also for events already resolved (their reads answered)", async () => {
  const stale: unknown[] = [];
  const cache = new RedisCache(guildHeldConnection(), {
    scheduler: new VirtualScheduler(),
    resources: ["members"],
    onStale: (error) => stale.push(error),
  });
  // Each resolves once its read is answered, its writes never, as the
  // gateway awaits them.
  for (let i = 0; i < MAX_WAITING; i++) {
    const update = await cache.apply("GUILD_MEMBERS_CHUNK", memberChunk(i));
    assert.equal(update.changes.length, 1);
  }
  assert.equal(cache.stale, false);
  const logs = await captureStderr(async () => {
    const dropped = await cache.apply("GUILD_MEMBERS_CHUNK", memberChunk(-1));
    assert.deepEqual(dropped.changes, [], "past the bound, dropped");
  });
  assert.equal(cache.stale, true);
  assert.equal(stale.length, 1);
  assert.match(String(stale[0]), /Redis is too slow: 20000 dispatches/);
  assert.equal(logs.filter((line) => line.includes("too slow")).length, 1);
});

/** Discord's largest GUILD_MEMBERS_CHUNK: 1,000 members, each one write or more. */
const bigChunk = (n: number) => ({
  ...memberChunk(n),
  members: Array.from(
    { length: 1_000 },
    (_, i) => memberChunk(n * 1_000 + i).members[0],
  ),
});

Deno.test("RedisCache: write commands Redis has not answered are bounded too (MAX_UNANSWERED_WRITES), not only dispatches", async () => {
  const stale: unknown[] = [];
  const cache = new RedisCache(guildHeldConnection(), {
    scheduler: new VirtualScheduler(),
    resources: ["members"],
    onStale: (error) => stale.push(error),
  });
  let taken = 0;
  await captureStderr(async () => {
    for (; taken < 1_000; taken++) {
      const update = await cache.apply("GUILD_MEMBERS_CHUNK", bigChunk(taken));
      if (update.changes.length === 0) break;
    }
  });
  // 20,000 such chunks held 20 million members' writes; now those of
  // about 100,000 commands (a member is a few).
  assert.ok(
    taken > 1 && taken <= MAX_UNANSWERED_WRITES / 1_000,
    `${taken} chunks taken`,
  );
  assert.equal(cache.stale, true);
  assert.match(
    String(stale[0]),
    /Redis is too slow: \d+ writes are unanswered/,
  );
});

Deno.test("RedisCache.flush() waits for writes past MAX_UNANSWERED_WRITES without being refused: a healthy cache is not marked stale", async () => {
  // Transactions (the writes) answered only when the test says so; reads
  // and PING at once.
  const unanswered: (() => void)[] = [];
  let commands = 0;
  const redis = guildHeldConnection((sent) => {
    commands += sent;
    return new Promise((resolve) => unanswered.push(() => resolve([])));
  });
  const stale: unknown[] = [];
  const cache = new RedisCache(redis, {
    resources: ["members"],
    onStale: (error) => stale.push(error),
  });
  // Batches taken while the writes unanswered are within the bound, the
  // last one's passing it (one batch's alone no longer can: they go a chunk
  // at a time, each once the one before is answered).
  for (let n = 0; commands <= MAX_UNANSWERED_WRITES; n++) {
    const update = await cache.apply("GUILD_MEMBERS_CHUNK", bigChunk(n));
    assert.equal(update.changes.length, 1_000);
  }
  // Called while they are unanswered (answered later, as Redis would).
  const flushed = cache.flush();
  for (const answer of unanswered) answer();
  await flushed;
  assert.deepEqual(stale, []);
  assert.equal(cache.stale, false);
});

/** A GUILD_CREATE of guild `n` with `members` members. */
const guildCreate = (n: number, members: number) => ({
  id: String(10 + n),
  name: "g",
  roles: [],
  emojis: [],
  channels: [],
  members: Array.from(
    { length: members },
    (_, i) => memberChunk(n * members + i).members[0],
  ),
});

Deno.test("RedisCache: dispatches waiting behind an unanswered read are bounded by what they carry (MAX_WAITING_ENTITIES), not only by their count; a lone large guild is still taken", async () => {
  const stale: unknown[] = [];
  const cache = new RedisCache(hungConnection(), {
    scheduler: new VirtualScheduler(),
    resources: ["guilds", "members"],
    onStale: (error) => stale.push(error),
  });
  const huge = MAX_WAITING_ENTITIES + 1;
  const first = cache.apply("GUILD_CREATE", guildCreate(0, huge));
  assert.equal(cache.stale, false, "alone, the largest guild is taken");
  void first; // its read is never answered
  await captureStderr(() => {
    void cache.apply("GUILD_CREATE", guildCreate(1, 1_000));
  });
  assert.equal(cache.stale, true, "nothing more while it waits");

  const fresh = new RedisCache(hungConnection(), {
    scheduler: new VirtualScheduler(),
    resources: ["guilds", "members"],
    onStale: (error) => stale.push(error),
  });
  let taken = 0;
  await captureStderr(() => {
    // Not awaited, as the dispatch service calls it: each waits its turn.
    for (; taken < 2_000 && !fresh.stale; taken++) {
      void fresh.apply("GUILD_CREATE", guildCreate(taken, 1_000));
    }
  });
  // 2,000 such guilds (two million members) were held before.
  assert.ok(taken <= MAX_WAITING_ENTITIES / 1_000 + 1, `${taken} taken`);
  assert.match(String(stale.at(-1)), /dispatches of \d+ entities are waiting/);
});

Deno.test("RedisCache: a big batch whose writes Redis stops answering midway (its first chunk sent) holds the dispatches behind it to MAX_WAITING_ENTITIES, though its own are released once reduced", async () => {
  const stale: unknown[] = [];
  let sent!: () => void;
  const firstSent = new Promise<void>((resolve) => sent = resolve);
  const cache = new RedisCache(
    guildHeldConnection(() => (sent(), new Promise(() => {}))),
    {
      resources: ["members"],
      scheduler: new VirtualScheduler(),
      onStale: (error) => stale.push(error),
    },
  );
  // 20 chunks' members in one dispatch: its read answered, written a chunk
  // at a time, the first never answered.
  const members = Array.from(
    { length: 20_000 },
    (_, i) => memberChunk(i).members[0],
  );
  const stuck = cache.apply("GUILD_MEMBERS_CHUNK", {
    ...memberChunk(0),
    members,
  });
  void stuck; // its writes are never answered
  await firstSent; // reduced: its 20,001 entities no longer count
  let taken = 0;
  await captureStderr(() => {
    for (; taken < 2_000 && !cache.stale; taken++) {
      void cache.apply("GUILD_MEMBERS_CHUNK", bigChunk(taken));
    }
  });
  // Those of the stuck batch released, as many are taken as when nothing
  // is stuck, and no more: they all wait behind it.
  assert.equal(taken, Math.floor(MAX_WAITING_ENTITIES / 1_001) + 1);
  assert.match(String(stale.at(-1)), /dispatches of \d+ entities are waiting/);
});

const GUILD = {
  id: "1",
  name: "g",
  channels: [{ id: "2", type: 0, name: "c" }],
  roles: [],
  members: [],
};

Deno.test({
  name:
    "RedisCache: a Redis restarted between events (its data lost) marks the cache stale at the next event; a dropped connection to the same server, nothing unanswered, does not",
  ignore: server.ignore,
  fn: () =>
    withPrivateRedis(async (redisServer, redis, admin) => {
      const stale: unknown[] = [];
      const cache = new RedisCache(redis, {
        onStale: (error) => stale.push(error),
      });
      await cache.apply("GUILD_CREATE", GUILD);
      await cache.flush();

      // The same server: nothing it held is lost.
      let up = new Promise((resolve) => redis.once("ready", resolve));
      const id = await redis.client("ID");
      await admin.client("KILL", "ID", String(id));
      await up;
      await cache.apply("GUILD_UPDATE", { id: "1", name: "renamed" });
      await cache.flush();
      assert.equal(cache.stale, false);
      assert.equal(createdGuild(await cache.guild("1"))?.name, "renamed");

      // Another server process: what the first held is gone.
      up = new Promise((resolve) => redis.once("ready", resolve));
      await captureStderr(async () => {
        await redisServer.stop();
        await redisServer.start();
        await up;
      });
      const logs = await captureStderr(() =>
        cache.apply("GUILD_UPDATE", { id: "1", name: "again" })
      );
      assert.equal(cache.stale, true);
      assert.equal(stale.length, 1);
      assert.match(String(stale[0]), /restarted or replaced/);
      assert.equal(logs.filter((line) => line.includes("lost")).length, 1);
    }),
});

Deno.test({
  name:
    "RedisCache: a connection lost while writes were unanswered marks the cache stale (whether Redis applied them is unknown)",
  ignore: server.ignore,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      const cache = new RedisCache(redis);
      await cache.apply("GUILD_CREATE", GUILD);
      await cache.flush();
      // Writes held unanswered by the server, then the connection killed.
      await admin.client("PAUSE", "10000", "WRITE");
      const id = await redis.client("ID");
      await cache.apply("GUILD_UPDATE", { id: "1", name: "renamed" });
      const up = new Promise((resolve) => redis.once("ready", resolve));
      // The loss is logged as it happens (ioredis aborts a transaction in
      // flight rather than send it again) or at the flush.
      await captureStderr(async () => {
        await admin.client("KILL", "ID", String(id));
        await admin.client("UNPAUSE");
        await up;
        await cache.flush();
      });
      assert.equal(cache.stale, true);
    }),
});

Deno.test({
  name:
    "RedisCache: a global index (message_keys, channel_keys) that is not a set is deleted with a warning when shard 0 starts again, and the cache is rebuilt",
  ignore: server.ignore,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      // Another program's keys of the same names, in the same database.
      await admin.set("message_keys", "not a set");
      await admin.hset("channel_keys", "field", "value");
      const cache = new RedisCache(redis, { shardIds: [0] });
      const ready = {
        v: 10,
        user: { id: "9", username: "bot" },
        guilds: [{ id: "1", unavailable: true }],
        session_id: "s",
        resume_gateway_url: "wss://gateway.invalid",
        shard: [0, 1],
        application: { id: "9", flags: 0 },
      };
      const lines = await captureStderr(async () => {
        cache.markStale([0], "a test");
        // Each READY's SSCAN failed WRONGTYPE: the batch was dropped, for
        // good, and the cache never rebuilt.
        const [updates] = await cache.applyBatch([
          { event: "READY", data: ready },
        ]);
        assert.ok(updates);
        await cache.apply("GUILD_CREATE", GUILD);
        await cache.flush();
      });
      assert.equal(cache.stale, false, lines.join("\n"));
      assert.equal((await cache.botUser())?.username, "bot");
      assert.equal(createdGuild(await cache.guild("1"))?.name, "g");
      for (const index of ["message_keys", "channel_keys"]) {
        assert.match(await admin.type(index), /^(set|none)$/);
      }
      const warned = lines.filter((line) =>
        line.includes("did not hold a set")
      );
      assert.equal(warned.length, 1, lines.join("\n"));
      assert.match(warned[0]!, /message_keys, channel_keys/);
    }),
});

Deno.test({
  name:
    "RedisCache: a write Redis refuses (an index of another type) has marked the cache stale once flush() resolves",
  ignore: server.ignore,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      await admin.set("channel_keys", "another program's string");
      const cache = new RedisCache(redis);
      const logs = await captureStderr(async () => {
        await cache.apply("GUILD_CREATE", GUILD);
        await cache.flush();
        assert.equal(cache.stale, true);
      });
      assert.ok(logs.some((line) => line.includes("WRONGTYPE")), logs.join());
    }),
});

Deno.test({
  name:
    "RedisCache: a message write Redis refuses has marked the cache stale once flush() resolves",
  ignore: server.ignore,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      await admin.set("message_keys", "another program's string");
      const cache = new RedisCache(redis);
      await cache.apply("GUILD_CREATE", GUILD);
      await cache.flush();
      assert.equal(cache.stale, false);
      const logs = await captureStderr(async () => {
        await cache.apply("MESSAGE_CREATE", guildMessage("5", "2", "1"));
        await cache.flush();
        assert.equal(cache.stale, true);
      });
      assert.ok(logs.some((line) => line.includes("WRONGTYPE")), logs.join());
    }),
});

Deno.test({
  name:
    "RedisCache: a new session's READY as the first call after a Redis restart ends the staleness the restart caused (the restart lost only what was sent before it)",
  ignore: server.ignore,
  fn: () =>
    withPrivateRedis(async (redisServer, redis) => {
      const cache = new RedisCache(redis);
      const ready = {
        v: 10,
        user: { id: "9", username: "bot" },
        guilds: [{ id: "1", unavailable: true }],
        session_id: "s",
        shard: [0, 1],
      };
      await cache.apply("READY", ready);
      await cache.apply("GUILD_CREATE", GUILD);
      await cache.flush();
      const up = new Promise((resolve) => redis.once("ready", resolve));
      await captureStderr(async () => {
        await redisServer.stop();
        await redisServer.start();
        await up;
        await cache.applyBatch([
          { event: "READY", data: { ...ready, session_id: "t" } },
          { event: "GUILD_CREATE", data: GUILD },
        ]);
        await cache.flush();
      });
      assert.equal(cache.stale, false);
      assert.equal(createdGuild(await cache.guild("1"))?.name, "g");
    }),
});

Deno.test("RedisCache: every dispatch of a call stops counting against MAX_WAITING once answered, whether it wrote or not: after a call of more than MAX_WAITING dispatches, the next is taken", async () => {
  const answered = (commands: number) =>
    Promise.resolve(Array.from({ length: commands }, () => [null, "OK"]));
  const cache = new RedisCache(guildHeldConnection(answered), {
    scheduler: new VirtualScheduler(),
    resources: ["members"],
  });
  const calls = (event: string) =>
    Array.from({ length: MAX_WAITING + 1 }, (_, i) => ({
      event,
      data: memberChunk(i),
    }));
  // Nothing written (an event the store keeps nothing of), then members.
  for (const event of ["TYPING_START", "GUILD_MEMBERS_CHUNK"]) {
    await cache.applyBatch(calls(event));
    await cache.flush();
    await cache.flush();
    const next = await cache.apply("GUILD_MEMBERS_CHUNK", memberChunk(-1));
    assert.equal(next.changes.length, 1, `taken after ${event}`);
  }
  assert.equal(cache.stale, false);
});

Deno.test("RedisCache on a connection that is not ready (reconnecting) drops the dispatch at once and says it is stale, rather than queue its reads behind a server that may never come back", async () => {
  const stale: unknown[] = [];
  const redis = { ...hungConnection(), status: "reconnecting" };
  const cache = new RedisCache(redis as unknown as RedisConnection, {
    scheduler: new VirtualScheduler(),
    onStale: (error) => stale.push(error),
  });
  const logs = await captureStderr(async () => {
    const update = await cache.apply("GUILD_UPDATE", { id: "1", name: "g" });
    assert.deepEqual(update, { changes: [], old: undefined });
  });
  assert.equal(cache.stale, true);
  assert.match(String(stale[0]), /the connection is reconnecting/);
  assert.equal(logs.filter((line) => line.includes("reconnecting")).length, 1);
});
