// The Redis store's index keys holding another type than its own (written
// by hand, or by another program in the same database): every command on
// one failed WRONGTYPE for good, so the cache said "stale until each shard
// starts a new session" and stayed stale whatever the shards sent.
import assert from "node:assert/strict";
import { RedisCache } from "../../cache/mod.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { testRedis } from "../_fakes/servers.ts";
import { guildMessage } from "./_guild_message.ts";
import { withPrivateRedis } from "./_private_redis_store.ts";
import { createdGuild } from "./_created_guild.ts";
import { wrapping } from "./_recording_redis.ts";

const server = testRedis();

const READY = {
  v: 10,
  user: { id: "9", username: "bot" },
  guilds: [{ id: "1", unavailable: true }],
  session_id: "s",
  shard: [0, 1],
};

const GUILD = {
  id: "1",
  name: "g",
  channels: [{ id: "2", type: 0, name: "c" }],
  roles: [{ id: "1", name: "@everyone" }],
  members: [{
    user: { id: "7", username: "u" },
    roles: [],
    joined_at: "2024-01-01T00:00:00.000000+00:00",
    deaf: false,
    mute: false,
    flags: 0,
  }],
};

/** A session: its READY, its guild, a message; each batch's own writes. */
async function session(cache: RedisCache, message: string): Promise<void> {
  await cache.apply("READY", READY);
  await cache.apply("GUILD_CREATE", GUILD);
  await cache.apply("MESSAGE_CREATE", guildMessage(message, "2", "1"));
  await cache.flush();
}

/** `key` holds a string, as another program may have written there. */
async function spoil(admin: RedisConnection, key: string): Promise<void> {
  await admin.del(key);
  await admin.set(key, "another program's string");
}

/** The warnings naming `key` as deleted. */
const deletions = (lines: string[], key: string): string[] =>
  lines.filter((line) =>
    line.includes("did not hold a set") &&
    line.split(/[ ,]+/).includes(key)
  );

for (const key of ["guild_keys", "member_keys", "expiry_keys", "role_keys"]) {
  Deno.test({
    name:
      `RedisCache: a global index of another type (${key}) is deleted with a warning at the next READY, and the cache is fresh again`,
    ignore: server.ignore,
    fn: () =>
      withPrivateRedis(async (_, redis, admin) => {
        await spoil(admin, key);
        const cache = new RedisCache(redis, {
          ttl: { members: 60, messages: 60 },
        });
        const lines = await captureStderr(async () => {
          await session(cache, "100");
          // The first session may fail on it; the next one rebuilds.
          await session(cache, "101");
        });
        const all = lines.join("\n");
        assert.equal(cache.stale, false, all);
        assert.equal(createdGuild(await cache.guild("1"))?.name, "g");
        assert.equal((await cache.member("1", "7"))?.user?.id, "7");
        assert.equal((await cache.message("2", "101"))?.id, "101");
        assert.match(await admin.type(key), /^(set|hash|none)$/);
        assert.equal(deletions(lines, key).length, 1, all);
        assert.equal(await cache.sweepExpired(), 0);
      }),
  });
}

Deno.test({
  name:
    "RedisCache: a guild's or a channel's index of another type (guild_keys:G, channel_keys:C) is deleted with a warning after the write it failed, the next READY makes the cache fresh, and later batches check no type again",
  ignore: server.ignore,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      // The TYPE checks the store sends (in a pipeline).
      let types = 0;
      const cache = new RedisCache(wrapping(redis, {
        pipeline: (pipeline) => (...args) =>
          wrapping(pipeline(...args) as object, {
            type: (type) => (...keys) => (types++, type(...keys)),
          }),
      }));
      await session(cache, "100");
      assert.equal(cache.stale, false);
      for (const key of ["guild_keys:1", "channel_keys:2"]) {
        await spoil(admin, key);
        const lines = await captureStderr(async () => {
          // Each writes to the key: its failure makes the cache stale.
          await cache.apply("GUILD_ROLE_CREATE", {
            guild_id: "1",
            role: { id: "3", name: "r" },
          });
          await cache.apply("MESSAGE_CREATE", guildMessage("102", "2", "1"));
          await cache.flush();
          assert.equal(cache.stale, true);
          // The batch after the failure looks at its keys.
          await session(cache, "103");
        });
        const all = lines.join("\n");
        assert.equal(deletions(lines, key).length, 1, all);
        assert.match(await admin.type(key), /^(set|none)$/);
        assert.equal(cache.stale, false, all);
        assert.equal((await cache.message("2", "103"))?.id, "103");
        // Looked at once: the batches after add no round trip.
        types = 0;
        await cache.apply("MESSAGE_CREATE", guildMessage("104", "2", "1"));
        await cache.flush();
        assert.equal(types, 0);
      }
    }),
});

Deno.test({
  name:
    "RedisCache: a guild's channel index of another type (guild_kind_keys:G:channel) failing a read is deleted with a warning, and the next READY makes the cache fresh",
  ignore: server.ignore,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      const cache = new RedisCache(redis);
      await session(cache, "100");
      await spoil(admin, "guild_kind_keys:1:channel");
      const lines = await captureStderr(async () => {
        // A channel's delete reads the guild's channels (for its threads).
        await cache.apply("CHANNEL_DELETE", {
          id: "2",
          type: 0,
          guild_id: "1",
        });
        assert.equal(cache.stale, true);
        await session(cache, "101");
      });
      const all = lines.join("\n");
      assert.equal(
        deletions(lines, "guild_kind_keys:1:channel").length,
        1,
        all,
      );
      assert.equal(cache.stale, false, all);
      assert.equal((await cache.message("2", "101"))?.id, "101");
    }),
});

Deno.test({
  name:
    "RedisCache: a DM channel's message index of another type does not fail shard 0's READY for good: the channel is dropped and the cache is fresh",
  ignore: server.ignore,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      const cache = new RedisCache(redis, { shardIds: [0] });
      await cache.apply("CHANNEL_CREATE", {
        id: "50",
        type: 1,
        recipients: [{ id: "7", username: "u" }],
      });
      await cache.flush();
      assert.ok(await cache.channel("50"));
      await spoil(admin, "channel_keys:50");
      const lines = await captureStderr(async () => {
        cache.markStale([0], "a test");
        await session(cache, "100");
      });
      assert.equal(cache.stale, false, lines.join("\n"));
      assert.equal(await cache.channel("50"), undefined);
      assert.equal(await admin.exists("channel_keys:50"), 0);
    }),
});

/** Shard 0's READY of `sessionId`, applied at sequence 1 and flushed. */
async function readyAt(cache: RedisCache, sessionId: string): Promise<void> {
  await cache.apply("READY", { ...READY, session_id: sessionId }, {
    shardId: 0,
    sessionId,
    sequence: 1,
  });
  await cache.flush();
}

Deno.test({
  name:
    "RedisCache with positions: an applied-marks key of another type is deleted with a warning after the first READY's write it failed, and the next READY makes the cache fresh with its mark written",
  ignore: server.ignore,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      await spoil(admin, "disruption_cache_applied");
      const cache = new RedisCache(redis);
      const lines = await captureStderr(async () => {
        await readyAt(cache, "s1");
        await readyAt(cache, "s2");
      });
      const all = lines.join("\n");
      assert.equal(deletions(lines, "disruption_cache_applied").length, 1, all);
      assert.equal(cache.stale, false, all);
      assert.equal(await admin.hget("disruption_cache_applied", "0"), "s2:1");
    }),
});

Deno.test({
  name:
    "RedisCache with positions: an applied-marks key spoilt under a fresh cache fails a write once; it is deleted before the next batch, whose mark lands, and the next READY makes the cache fresh",
  ignore: server.ignore,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      const cache = new RedisCache(redis);
      await readyAt(cache, "s1");
      assert.equal(cache.stale, false);
      await spoil(admin, "disruption_cache_applied");
      const lines = await captureStderr(async () => {
        await cache.apply("GUILD_CREATE", GUILD, {
          shardId: 0,
          sessionId: "s1",
          sequence: 2,
        });
        await cache.flush();
        assert.equal(cache.stale, true);
        // The batch after the failure looks at its keys: its mark lands.
        await cache.apply("GUILD_CREATE", GUILD, {
          shardId: 0,
          sessionId: "s1",
          sequence: 3,
        });
        await cache.flush();
        assert.equal(
          await admin.hget("disruption_cache_applied", "0"),
          "s1:3",
        );
        await readyAt(cache, "s2");
      });
      const all = lines.join("\n");
      assert.equal(deletions(lines, "disruption_cache_applied").length, 1, all);
      assert.equal(cache.stale, false, all);
      assert.equal(await admin.hget("disruption_cache_applied", "0"), "s2:1");
    }),
});
