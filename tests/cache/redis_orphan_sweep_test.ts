// Writes re-sent by the client after Redis restarted empty (ioredis sends
// what was unanswered again, to the new server) can leave keys of a guild the
// bot left meanwhile: its sets and entities, with no guild:G. The new READY
// does not list it and finds left guilds through guild_keys only, so the
// stale cache's refresh sweeps them (cache/redis_orphan_sweep.ts).
import assert from "node:assert/strict";
import { RedisCache } from "../../cache/mod.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { wrapping } from "./_recording_redis.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";
import { user } from "./_event_sequences.ts";
import { createdGuild } from "./_created_guild.ts";

/** A READY listing `guildIds`, of shard `shard` (none: one session). */
const ready = (guildIds: string[], shard?: [number, number]) => ({
  v: 10,
  user: user("100"),
  guilds: guildIds.map((id) => ({ id, unavailable: true })),
  session_id: "s",
  resume_gateway_url: "wss://x",
  ...(shard === undefined ? {} : { shard }),
  application: { id: "100", flags: 0 },
});

const guild = (id: string) => ({
  id,
  name: `g${id}`,
  owner_id: "5",
  roles: [{ id, name: "@everyone", permissions: "0", position: 0 }],
  channels: [{
    id: `${id}0`,
    type: 0,
    guild_id: id,
    name: "c",
    position: 0,
    permission_overwrites: [],
  }],
  members: [],
  unavailable: false,
});

/**
 * Write what re-sent writes of guild `guildId` leave on the new server: a
 * channel (with a message) and a role, in their global helper sets and the
 * guild's sets, with no `guild:G`. Without `listed`, the guild's channel
 * kind set alone names the channel (no `guild_keys:G`).
 */
async function orphan(
  admin: RedisConnection,
  guildId: string,
  channelId: string,
  listed = true,
): Promise<void> {
  const channel = `channel:${channelId}`;
  const message = `message:${channelId}:9`;
  const role = `role:${guildId}:2222`;
  await admin.set(
    channel,
    JSON.stringify({ id: channelId, guild_id: guildId }),
  );
  await admin.sadd("channel_keys", channel);
  await admin.sadd(`guild_kind_keys:${guildId}:channel`, channel);
  await admin.set(message, JSON.stringify({ id: "9", channel_id: channelId }));
  await admin.sadd("message_keys", message);
  await admin.sadd(`channel_keys:${channelId}`, message);
  if (!listed) return;
  await admin.sadd(`guild_keys:${guildId}`, channel, role);
  await admin.set(role, JSON.stringify({ id: "2222", name: "r" }));
  await admin.sadd("role_keys", role);
}

/** Every key, and every member of every set, naming one of `names`. */
async function traces(
  admin: RedisConnection,
  names: string[],
): Promise<string[]> {
  const found: string[] = [];
  const named = (text: string) => names.some((name) => text.includes(name));
  for (const key of await admin.keys("*")) {
    if (named(key)) found.push(key);
    if (await admin.type(key) !== "set") continue;
    for (const member of await admin.smembers(key)) {
      if (named(member)) found.push(`${key} ∋ ${member}`);
    }
  }
  return found.sort();
}

Deno.test({
  name:
    "RedisCache: a stale cache's READY removes what re-sent writes left of guilds no longer held",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      const cache = new RedisCache(redis, {
        resources: ["guilds", "channels", "roles", "messages"],
      });
      await captureStderr(async () => {
        await cache.applyBatch([
          { event: "READY", data: ready(["1001", "1002"]) },
          { event: "GUILD_CREATE", data: guild("1001") },
          { event: "GUILD_CREATE", data: guild("1002") },
        ]);
        await cache.flush();
        // The server restarted empty: the next batch finds the store stale.
        await admin.flushdb();
        await cache.apply("CHANNEL_UPDATE", guild("1001").channels[0]);
        await cache.flush();
      });
      assert.equal(cache.stale, true);
      // What the writes re-sent to the new server left: guild 1002's role
      // and channel (the bot left it meanwhile), and a channel of 1003 in
      // its channel kind set only.
      await orphan(admin, "1002", "3333");
      await orphan(admin, "1003", "4444", false);

      await cache.applyBatch([
        { event: "READY", data: ready(["1001"]) },
        { event: "GUILD_CREATE", data: guild("1001") },
      ]);
      await cache.flush();
      assert.equal(cache.stale, false);
      assert.deepEqual(
        await traces(admin, ["1002", "3333", "1003", "4444"]),
        [],
      );
      assert.equal(createdGuild(await cache.guild("1001"))?.name, "g1001");
      assert.equal((await cache.channel("10010"))?.name, "c");
    }),
});

Deno.test({
  name:
    "RedisCache: a READY's orphan sweep spares held guilds, listed ones and other shards' guilds",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      const cache = new RedisCache(redis, {
        resources: ["guilds", "channels", "roles", "messages"],
      });
      // Guild ids of shard 0 and shard 1 of 2: (id >> 22) % 2.
      const shard0 = String(4n << 22n), shard1 = String(1n << 22n);
      const left1 = String(3n << 22n), listed0 = String(2n << 22n);
      await captureStderr(async () => {
        cache.markStale([0, 1], "a test");
        await cache.applyBatch([
          { event: "READY", data: ready([shard1], [1, 2]) },
          { event: "GUILD_CREATE", data: guild(shard1) },
        ]);
        await cache.flush();
      });
      assert.equal(cache.stale, true); // shard 0 has not started yet
      await orphan(admin, left1, "5555"); // shard 1's: not shard 0's to sweep
      await orphan(admin, listed0, "6666"); // listed by the READY
      await cache.applyBatch([
        { event: "READY", data: ready([shard0, listed0], [0, 2]) },
        { event: "GUILD_CREATE", data: guild(shard0) },
      ]);
      await cache.flush();
      assert.equal(cache.stale, false);
      assert.equal(await admin.exists(`guild_keys:${left1}`), 1);
      assert.equal(await admin.exists("channel:5555"), 1);
      assert.equal(await admin.exists(`guild_kind_keys:${listed0}:channel`), 1);
      assert.equal(createdGuild(await cache.guild(shard1))?.name, `g${shard1}`);
      assert.equal(createdGuild(await cache.guild(shard0))?.name, `g${shard0}`);
      assert.equal(
        await admin.sismember("channel_keys", `channel:${shard1}0`),
        1,
      );
    }),
});

Deno.test({
  name:
    "RedisCache: a store stale before any READY (no shard known yet) sweeps at its first READY what re-sent writes left of guilds it does not hold",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      const cache = new RedisCache(redis, {
        resources: ["guilds", "channels", "roles", "messages"],
      });
      await captureStderr(() => cache.markStale([], "writes lost"));
      await orphan(admin, "1002", "3333");
      await cache.applyBatch([
        { event: "READY", data: ready(["1001"]) },
        { event: "GUILD_CREATE", data: guild("1001") },
      ]);
      await cache.flush();
      assert.equal(cache.stale, false);
      assert.deepEqual(await traces(admin, ["1002", "3333"]), []);
    }),
});

Deno.test({
  name:
    "RedisCache: a fresh cache's READY adds no round trip (no orphan sweep's SCAN, no index TYPE check); a stale cache's READY does both",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      const sent = { scans: 0, types: 0 };
      const watched = wrapping(redis, {
        scan: (scan) => (...args) => (sent.scans++, scan(...args)),
        pipeline: (pipeline) => (...args) =>
          wrapping(pipeline(...args) as object, {
            type: (type) => (...keys) => (sent.types++, type(...keys)),
          }),
      });
      const cache = new RedisCache(watched);
      const session = async () => {
        await cache.applyBatch([
          { event: "READY", data: ready(["1001"]) },
          { event: "GUILD_CREATE", data: guild("1001") },
        ]);
        await cache.flush();
      };
      await session();
      await session();
      assert.equal(cache.stale, false);
      assert.deepEqual(sent, { scans: 0, types: 0 });
      await captureStderr(() => cache.markStale([0], "a test"));
      await session();
      assert.equal(cache.stale, false);
      assert.ok(sent.scans > 0 && sent.types > 0, JSON.stringify(sent));
    }),
});
