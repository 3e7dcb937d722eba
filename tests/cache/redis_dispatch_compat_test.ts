// What twilight-dispatch's consumers read from the Redis store. They build a
// channel object for every `channel:` key of `guild_keys:G` (its discord.py
// example's `Guild._channels()`, whose channel factory has no class for a
// thread, so a guild with an active thread broke it): threads are kept as
// `channel:C` keys but listed in the guild's channel kind set alone, and
// the store still reads and removes them. And twilight-model's Guild, which
// its Rust consumers decode `guild:G` with, requires `roles`: the stored
// guild carries the lists twilight-dispatch stores emptied.
import assert from "node:assert/strict";
import {
  CACHE_RESOURCES,
  type CacheOptions,
  MemoryCache,
  RedisCache,
} from "../../cache/mod.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";
import { assertSameStores, cacheKeys } from "./_same_stores.ts";

type V = Record<string, unknown>;

const OPTIONS: CacheOptions = {
  resources: [...CACHE_RESOURCES],
  messages: { perChannel: 50 },
};

/** Thread `id` of channel `parentId` in guild 1. */
function thread(id: string, parentId = "2", name = `t${id}`): V {
  return {
    id,
    type: 11,
    guild_id: "1",
    parent_id: parentId,
    name,
    thread_metadata: {
      archived: false,
      auto_archive_duration: 60,
      archive_timestamp: "2024-01-01T00:00:00.000000+00:00",
      locked: false,
    },
  };
}

/** Message `id` in channel `channelId` of guild 1. */
function message(id: string, channelId: string): V {
  return {
    id,
    channel_id: channelId,
    guild_id: "1",
    author: { id: "5", username: "ada" },
    content: "hi",
    timestamp: "2024-01-01T00:00:00.000000+00:00",
  };
}

/** Guild 1 with channels 2 and 8, thread 3 of channel 2, and a member. */
const GUILD = {
  id: "1",
  name: "g",
  owner_id: "5",
  channels: [
    { id: "2", type: 0, name: "general" },
    { id: "8", type: 0, name: "other" },
  ],
  threads: [thread("3")],
  roles: [{ id: "1", name: "@everyone", permissions: "0", position: 0 }],
  emojis: [{ id: "4", name: "wave" }],
  members: [{ user: { id: "5", username: "ada" }, roles: [] }],
  presences: [],
  voice_states: [],
};

/** Apply each event to both stores, and flush the Redis one. */
async function both(
  redis: RedisCache,
  memory: MemoryCache,
  events: [string, unknown][],
): Promise<void> {
  for (const [event, data] of events) {
    memory.apply(event, structuredClone(data));
    await redis.apply(event, structuredClone(data));
  }
  await redis.flush();
}

/** A set's members, sorted. */
async function sorted(redis: RedisConnection, key: string): Promise<string[]> {
  return (await redis.smembers(key)).sort();
}

/** The `channel:` keys twilight-dispatch's consumers list: must be none. */
async function threadsListed(redis: RedisConnection): Promise<string[]> {
  const listed = [
    ...await redis.smembers("guild_keys:1"),
    ...await redis.smembers("channel_keys"),
  ];
  const threads: string[] = [];
  for (const key of listed.filter((key) => key.startsWith("channel:"))) {
    const text = await redis.get(key);
    const type = text === null ? undefined : JSON.parse(text).type;
    if (type === 10 || type === 11 || type === 12) threads.push(key);
  }
  return threads.sort();
}

Deno.test({
  name:
    "RedisCache lists no thread in guild_keys:G nor channel_keys (GUILD_CREATE's, THREAD_CREATE's, THREAD_LIST_SYNC's), keeps each as channel:T, still reads them as the guild's channels, and GUILD_DELETE leaves no key",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      const cache = new RedisCache(redis, OPTIONS);
      const memory = new MemoryCache(OPTIONS);
      await both(cache, memory, [
        ["GUILD_CREATE", GUILD],
        ["THREAD_CREATE", thread("6")],
        ["THREAD_CREATE", thread("9", "8")],
        ["MESSAGE_CREATE", message("30", "3")],
        ["MESSAGE_CREATE", message("31", "6")],
        ["MESSAGE_CREATE", message("32", "9")],
      ]);
      assert.deepEqual(await threadsListed(redis), []);
      assert.deepEqual(await sorted(redis, "guild_keys:1"), [
        "channel:2",
        "channel:8",
        "emoji:1:4",
        "member:1:5",
        "role:1:1",
      ]);
      assert.deepEqual(await sorted(redis, "channel_keys"), [
        "channel:2",
        "channel:8",
      ]);
      // Each thread's key, read by id as a consumer would.
      for (const id of ["3", "6", "9"]) {
        assert.equal((await cache.channel(id))?.name, `t${id}`);
      }
      assert.deepEqual(await sorted(redis, "guild_kind_keys:1:channel"), [
        "",
        "channel:2",
        "channel:3",
        "channel:6",
        "channel:8",
        "channel:9",
      ]);
      // The store reads them as the guild's channels.
      const ids = async () =>
        (await cache.all("channel", "1")).map((c) => c.id).sort();
      assert.deepEqual(await ids(), ["2", "3", "6", "8", "9"]);
      await assertSameStores(redis, memory, "after THREAD_CREATE");
      // The sync of channel 2 replaces its threads (6 goes, 7 comes), read
      // from the kind set; thread 9 of channel 8 stays.
      await both(cache, memory, [
        ["THREAD_LIST_SYNC", {
          guild_id: "1",
          channel_ids: ["2"],
          threads: [thread("3"), thread("7")],
          members: [],
        }],
        ["MESSAGE_CREATE", message("33", "7")],
      ]);
      assert.deepEqual(await threadsListed(redis), []);
      assert.deepEqual(await ids(), ["2", "3", "7", "8", "9"]);
      assert.equal(await redis.exists("channel:6", "channel_keys:6"), 0);
      await assertSameStores(redis, memory, "after THREAD_LIST_SYNC");
      // Channel 8 goes with its thread 9 and the thread's messages.
      await both(cache, memory, [
        ["CHANNEL_DELETE", { id: "8", type: 0, guild_id: "1" }],
      ]);
      assert.equal(await redis.exists("channel:9", "channel_keys:9"), 0);
      assert.deepEqual(await ids(), ["2", "3", "7"]);
      await assertSameStores(redis, memory, "after CHANNEL_DELETE");
      await both(cache, memory, [["GUILD_DELETE", { id: "1" }]]);
      assert.deepEqual(await cacheKeys(redis), []);
      await assertSameStores(redis, memory, "after GUILD_DELETE");
    }),
});

Deno.test({
  name:
    "RedisCache on threads an older version listed in guild_keys:G and channel_keys: a write of one unlists it, the next GUILD_CREATE rebuilds the guild without them, and GUILD_DELETE removes every key, with a kind set whole or not",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      const cache = new RedisCache(redis, OPTIONS);
      const memory = new MemoryCache(OPTIONS);
      const oldLayout = async (...ids: string[]): Promise<void> => {
        for (const id of ids) {
          await redis.sadd("guild_keys:1", `channel:${id}`);
          await redis.sadd("channel_keys", `channel:${id}`);
        }
      };
      await both(cache, memory, [
        ["GUILD_CREATE", GUILD],
        ["THREAD_CREATE", thread("6")],
        ["MESSAGE_CREATE", message("30", "3")],
        ["MESSAGE_CREATE", message("31", "6")],
      ]);
      await oldLayout("3", "6");
      assert.deepEqual(await threadsListed(redis), [
        "channel:3",
        "channel:3",
        "channel:6",
        "channel:6",
      ]);
      // Thread 3 written again: unlisted; 6, untouched, stays listed.
      await both(cache, memory, [
        ["THREAD_UPDATE", thread("3", "2", "renamed")],
      ]);
      assert.deepEqual(await threadsListed(redis), ["channel:6", "channel:6"]);
      assert.equal((await cache.channel("3"))?.name, "renamed");
      // GUILD_DELETE takes thread 6 from guild_keys:1 and its messages.
      await both(cache, memory, [["GUILD_DELETE", { id: "1" }]]);
      assert.deepEqual(await cacheKeys(redis), []);

      // A guild written before kind sets (none is whole): its channels are
      // read from guild_keys:1 and the kind set together.
      await both(cache, memory, [
        ["GUILD_CREATE", GUILD],
        ["MESSAGE_CREATE", message("30", "3")],
      ]);
      await oldLayout("3");
      await redis.del("guild_kind_keys:1:channel");
      await both(cache, memory, [
        ["THREAD_CREATE", thread("6")],
        ["MESSAGE_CREATE", message("31", "6")],
      ]);
      assert.deepEqual(await sorted(redis, "guild_kind_keys:1:channel"), [
        "channel:6",
      ]);
      assert.deepEqual(
        (await cache.all("channel", "1")).map((c) => c.id).sort(),
        ["2", "3", "6", "8"],
      );
      // Its next GUILD_CREATE rebuilds it in this layout.
      await both(cache, memory, [["GUILD_CREATE", GUILD]]);
      assert.deepEqual(await threadsListed(redis), []);
      assert.equal(await redis.exists("channel:6", "message:3:30"), 0);
      await assertSameStores(redis, memory, "rebuilt");
      // Written before kind sets again; thread 6 then listed in the
      // channel kind set alone.
      await oldLayout("3");
      await redis.del("guild_kind_keys:1:channel");
      await both(cache, memory, [
        ["THREAD_CREATE", thread("6")],
        ["MESSAGE_CREATE", message("31", "6")],
        ["GUILD_DELETE", { id: "1" }],
      ]);
      assert.deepEqual(await cacheKeys(redis), []);
    }),
});

Deno.test({
  name:
    "RedisCache stores guild:G with twilight-dispatch's emptied lists (\"roles\":[] and the rest), READY's unavailable guild as it is, and reads the guild as the memory store holds it (a list with items, written by another program, read as it is)",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      const cache = new RedisCache(redis, OPTIONS);
      const memory = new MemoryCache(OPTIONS);
      const stored = async (id: string): Promise<V> =>
        JSON.parse((await redis.get(`guild:${id}`))!);
      const lists = {
        channels: [],
        emojis: [],
        members: [],
        presences: [],
        roles: [],
        threads: [],
        voice_states: [],
      };
      await both(cache, memory, [
        ["READY", {
          v: 10,
          user: { id: "7", username: "bot" },
          guilds: [{ id: "1", unavailable: true }, {
            id: "9",
            unavailable: true,
          }],
          session_id: "s",
        }],
        ["GUILD_CREATE", GUILD],
      ]);
      assert.deepEqual(await stored("9"), { id: "9", unavailable: true });
      const guild = await stored("1");
      assert.deepEqual(
        Object.fromEntries(Object.keys(lists).map((k) => [k, guild[k]])),
        lists,
      );
      assert.equal(guild.name, "g");
      assert.deepEqual(await cache.guild("1"), memory.guild("1"));
      assert.equal("roles" in (await cache.guild("1"))!, false);
      // An update keeps them; its old state is the guild without them.
      const { old } = await cache.apply("GUILD_UPDATE", {
        id: "1",
        name: "h",
        roles: [{ id: "1", name: "@everyone" }],
      });
      const fromMemory = memory.apply("GUILD_UPDATE", {
        id: "1",
        name: "h",
        roles: [{ id: "1", name: "@everyone" }],
      });
      assert.deepEqual(old, fromMemory.old);
      await cache.flush();
      assert.deepEqual((await stored("1")).roles, []);
      assert.equal((await stored("1")).name, "h");
      await assertSameStores(redis, memory, "after GUILD_UPDATE");
      // As twilight-dispatch left it (its lists emptied): read without them.
      await redis.set(
        "guild:9",
        JSON.stringify({ id: "9", name: "tw", ...lists }),
      );
      assert.deepEqual(await cache.guild("9"), { id: "9", name: "tw" });
      // A list with items (another program's) is read as it is.
      await redis.set(
        "guild:8",
        JSON.stringify({ id: "8", name: "o", ...lists, roles: [{ id: "8" }] }),
      );
      assert.deepEqual(await cache.guild("8"), {
        id: "8",
        name: "o",
        roles: [{ id: "8" }],
      });
    }),
});
