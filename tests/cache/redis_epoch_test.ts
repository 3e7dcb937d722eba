// A database that lost its keys under the Redis store (FLUSHDB, FLUSHALL,
// a failover to an empty replica keeping its run_id): no command fails, so
// the store stayed fresh while its guilds were gone and every later event of
// them was dropped as of a guild not held, until the shard's next READY.
// The store's epoch marker, read with each batch's reads, says it; and one
// process's READY does not make another process sharing the cache stale.
import assert from "node:assert/strict";
import { RedisCache } from "../../cache/mod.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import { closeRedis, connectRedis } from "../../redis/mod.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";
import { user } from "./_event_sequences.ts";
import { createdGuild } from "./_created_guild.ts";

/** Shard `shard` of 2's READY, its session listing guild `guildId`. */
const ready = (shard: number, guildId: string) => ({
  v: 10,
  user: user("100"),
  guilds: [{ id: guildId, unavailable: true }],
  session_id: `s${shard}`,
  resume_gateway_url: "wss://x",
  shard: [shard, 2],
  application: { id: "100", flags: 0 },
});

const channel = (guildId: string) => ({
  id: `${guildId}0`,
  type: 0,
  guild_id: guildId,
  name: "c",
  position: 0,
  permission_overwrites: [],
});

const guild = (id: string) => ({
  id,
  name: `g${id}`,
  owner_id: "5",
  roles: [],
  channels: [channel(id)],
  members: [],
  unavailable: false,
});

const message = (guildId: string, id: string) => ({
  id,
  channel_id: `${guildId}0`,
  guild_id: guildId,
  content: "hi",
  author: user("5"),
  timestamp: "2020-01-01T00:00:00Z",
  edited_timestamp: null,
  tts: false,
  mention_everyone: false,
  mentions: [],
  mention_roles: [],
  attachments: [],
  embeds: [],
  pinned: false,
  type: 0,
});

/** A store counting its onStale calls. */
function store(redis: RedisConnection): { cache: RedisCache; stale: number } {
  const counted = {
    stale: 0,
    cache: undefined as unknown as RedisCache,
  };
  counted.cache = new RedisCache(redis, {
    resources: ["guilds", "channels", "members", "roles", "messages"],
    onStale: () => counted.stale++,
  });
  return counted;
}

/** A shard's session start: its READY and its guild. */
async function start(
  cache: RedisCache,
  shard: number,
  guildId: string,
): Promise<void> {
  await cache.apply("READY", ready(shard, guildId));
  await cache.apply("GUILD_CREATE", guild(guildId));
  await cache.flush();
}

Deno.test({
  name:
    "RedisCache: after a FLUSHDB the next batch marks the cache stale (said on stderr, onStale once), until the shard's next READY",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      const one = store(redis);
      const said = await captureStderr(async () => {
        await start(one.cache, 0, "1");
        assert.equal(one.cache.stale, false);
        await admin.flushdb();
        await one.cache.apply("MESSAGE_CREATE", message("1", "500"));
        await one.cache.apply("CHANNEL_UPDATE", channel("1"));
        await one.cache.flush();
      });
      assert.equal(one.cache.stale, true);
      assert.equal(one.stale, 1);
      assert.deepEqual(one.cache.staleShards, [0]);
      assert.equal(said.length, 1, said.join("\n"));
      assert.match(said[0]!, /disruption_cache_epoch marker is gone/);

      // The shard's new session rebuilds it; nothing said again after.
      const after = await captureStderr(async () => {
        await start(one.cache, 0, "1");
        await one.cache.apply("MESSAGE_CREATE", message("1", "501"));
        await one.cache.flush();
      });
      assert.deepEqual(after, []);
      assert.equal(one.cache.stale, false);
      assert.equal(one.stale, 1);
      assert.equal(createdGuild(await one.cache.guild("1"))?.name, "g1");
    }),
});

Deno.test({
  name:
    "RedisCache: a run without a flush is never stale: new sessions, events, a store created later on the same database",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      const one = store(redis);
      const said = await captureStderr(async () => {
        await start(one.cache, 0, "1");
        await one.cache.apply("MESSAGE_CREATE", message("1", "500"));
        await start(one.cache, 0, "1");
        await one.cache.applyBatch([
          { event: "MESSAGE_CREATE", data: message("1", "501") },
          { event: "READY", data: ready(0, "1") },
          { event: "GUILD_CREATE", data: guild("1") },
        ]);
        // A process restarted on the cache (a marker it never saw).
        const two = store(redis);
        await two.cache.apply("MESSAGE_CREATE", message("1", "502"));
        await start(two.cache, 0, "1");
        await two.cache.apply("MESSAGE_CREATE", message("1", "503"));
        await one.cache.apply("MESSAGE_CREATE", message("1", "504"));
        await one.cache.flush();
        await two.cache.flush();
        assert.equal(two.cache.stale, false);
        assert.equal(two.stale, 0);
      });
      assert.deepEqual(said, []);
      assert.equal(one.cache.stale, false);
      assert.equal(one.stale, 0);
    }),
});

Deno.test({
  name:
    "RedisCache: processes sharing one cache: one's READY does not make another stale; a FLUSHDB makes each stale, also once another's READY wrote the marker again",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (redisServer, redis, admin) => {
      const otherConnection = await connectRedis({ url: redisServer.url });
      try {
        const a = store(redis);
        const b = store(otherConnection);
        const quiet = await captureStderr(async () => {
          await start(a.cache, 0, "1");
          await start(b.cache, 1, "2");
          await a.cache.apply("MESSAGE_CREATE", message("1", "500"));
          await start(a.cache, 0, "1"); // a new session of A's shard
          await b.cache.apply("MESSAGE_CREATE", message("2", "501"));
          await start(b.cache, 1, "2");
          await a.cache.apply("MESSAGE_CREATE", message("1", "502"));
          await a.cache.flush();
          await b.cache.flush();
        });
        assert.deepEqual(quiet, []);
        assert.deepEqual([a.cache.stale, b.cache.stale], [false, false]);
        assert.deepEqual([a.stale, b.stale], [0, 0]);

        await captureStderr(async () => {
          await admin.flushdb();
          // A's READY comes first and writes a marker again: B's next batch
          // finds another one than it saw.
          await start(a.cache, 0, "1");
          await b.cache.apply("MESSAGE_CREATE", message("2", "503"));
          await b.cache.flush();
        });
        assert.equal(a.stale, 1); // its READY ended it: A feeds shard 0 only
        assert.equal(a.cache.stale, false);
        assert.equal(b.stale, 1);
        assert.equal(b.cache.stale, true);
        assert.deepEqual(b.cache.staleShards, [1]);
      } finally {
        await closeRedis(otherConnection);
      }
    }),
});

Deno.test({
  name:
    "RedisCache: a process whose shards all resumed (no READY) creates the marker at its first read, so a FLUSHDB after is seen",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      const one = store(redis);
      await captureStderr(async () => {
        // The cache was built by an earlier process; this one resumed.
        await one.cache.apply("GUILD_CREATE", guild("1"));
        await one.cache.apply("MESSAGE_CREATE", message("1", "500"));
        await one.cache.flush();
        assert.equal(one.cache.stale, false);
        await admin.flushdb();
        await one.cache.apply("MESSAGE_CREATE", message("1", "501"));
        await one.cache.apply("GUILD_UPDATE", guild("1"));
        await one.cache.flush();
      });
      assert.equal(one.cache.stale, true);
      assert.equal(one.stale, 1);
    }),
});
