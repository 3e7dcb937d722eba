// Events of guilds the cache does not hold add nothing: a gateway naming a
// new guild id in every event cannot grow the cache, and an event arriving
// after its guild was removed leaves no orphan behind (in memory or Redis).
import assert from "node:assert/strict";
import { cacheKeys } from "./_same_stores.ts";
import { CACHE_RESOURCES, MemoryCache, RedisCache } from "../../cache/mod.ts";
import { redisStoreTest } from "./_redis_database.ts";
import { mulberry32 } from "../_fakes/prng.ts";
import { user } from "./_event_sequences.ts";

/** One event of each guild-scoped kind, in guild `g`. */
function guildEvents(g: string, n: number): [string, unknown][] {
  const id = String(1_000_000 + n);
  return [
    ["GUILD_MEMBER_ADD", { guild_id: g, user: user(id), roles: [] }],
    ["PRESENCE_UPDATE", { guild_id: g, user: { id }, status: "online" }],
    ["VOICE_STATE_UPDATE", { guild_id: g, user_id: id, channel_id: id }],
    ["GUILD_ROLE_CREATE", { guild_id: g, role: { id, name: "r" } }],
    ["CHANNEL_CREATE", { id, type: 0, guild_id: g, name: "c" }],
    ["THREAD_CREATE", { id: `${id}1`, type: 11, guild_id: g, parent_id: id }],
    ["GUILD_EMOJIS_UPDATE", { guild_id: g, emojis: [{ id, name: "e" }] }],
    ["STAGE_INSTANCE_CREATE", { guild_id: g, id, channel_id: id }],
    ["MESSAGE_CREATE", {
      id,
      channel_id: id,
      guild_id: g,
      content: "x",
      timestamp: "2024-01-01T00:00:00.000000+00:00",
      author: user(id),
    }],
    ["GUILD_UPDATE", { id: g, name: "renamed" }],
    ["GUILD_DELETE", { id: g, unavailable: true }],
  ];
}

function total(cache: MemoryCache): number {
  return Object.values(cache.sizes()).reduce((a, b) => a + b, 0);
}

Deno.test("MemoryCache: 20,000 events of guilds it does not hold add nothing; a held guild's are kept", () => {
  const cache = new MemoryCache({ resources: [...CACHE_RESOURCES] });
  const random = mulberry32(7);
  for (let n = 0; n < 2_000; n++) {
    const guild = String(Math.floor(random() * 2 ** 40));
    for (const [event, data] of guildEvents(guild, n)) cache.apply(event, data);
  }
  assert.equal(total(cache), 0, JSON.stringify(cache.sizes()));
  cache.apply("GUILD_CREATE", { id: "5", name: "g", channels: [], roles: [] });
  for (const [event, data] of guildEvents("5", 1)) cache.apply(event, data);
  const sizes = cache.sizes();
  for (
    const kind of [
      "member",
      "presence",
      "voice",
      "role",
      "channel",
      "emoji",
      "stage_instance",
      "message",
    ] as const
  ) {
    assert.ok(sizes[kind] >= 1, `${kind} kept for a held guild`);
  }
  assert.equal(cache.guild("5")?.name, "renamed");
  assert.equal(
    (cache.guild("5") as { unavailable?: boolean }).unavailable,
    true,
  );
});

Deno.test("MemoryCache: an event after its guild's removal leaves no orphan", () => {
  const cache = new MemoryCache();
  cache.apply("GUILD_CREATE", { id: "5", name: "g", channels: [], roles: [] });
  cache.apply("GUILD_DELETE", { id: "5" });
  for (const [event, data] of guildEvents("5", 2)) cache.apply(event, data);
  assert.equal(total(cache), 0, JSON.stringify(cache.sizes()));
});

Deno.test("MemoryCache without the guilds resource cannot tell, and keeps members as before", () => {
  const cache = new MemoryCache({ resources: ["members"] });
  cache.apply("GUILD_MEMBER_ADD", {
    guild_id: "9",
    user: user("1"),
    roles: [],
  });
  assert.equal(cache.member("9", "1")?.user.username, "user1");
});

Deno.test(redisStoreTest(
  "RedisCache: events of guilds it does not hold write no key; after GUILD_CREATE they do",
  15,
  async (redis) => {
    const store = new RedisCache(redis, { resources: [...CACHE_RESOURCES] });
    for (let n = 0; n < 50; n++) {
      for (const [event, data] of guildEvents(String(7000 + n), n)) {
        await store.apply(event, data);
      }
    }
    await store.flush();
    assert.deepEqual(await cacheKeys(redis), []);
    await store.apply("GUILD_CREATE", {
      id: "5",
      name: "g",
      channels: [],
      roles: [],
    });
    for (const [event, data] of guildEvents("5", 1)) {
      await store.apply(event, data);
    }
    await store.flush();
    const keys = await redis.keys("*");
    for (const prefix of ["member:5:", "role:5:", "channel:", "message:"]) {
      assert.ok(keys.some((k) => k.startsWith(prefix)), `${prefix} written`);
    }
    assert.equal(store.stale, false);
  },
));
