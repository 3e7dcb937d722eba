// Events of guilds the cache does not hold add nothing: a gateway naming a
// new guild id in every event cannot grow the cache, and an event arriving
// after its guild was removed leaves no orphan behind (in memory or Redis).
import assert from "node:assert/strict";
import { assertSameStores, cacheKeys } from "./_same_stores.ts";
import {
  CACHE_RESOURCES,
  type CacheResource,
  MemoryCache,
  RedisCache,
} from "../../cache/mod.ts";
import { redisStoreTest } from "./_redis_database.ts";
import { mulberry32 } from "../_fakes/prng.ts";
import { user } from "./_event_sequences.ts";
import { guildMessage } from "./_guild_message.ts";
import { createdGuild } from "./_created_guild.ts";

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
  assert.equal(createdGuild(cache.guild("5"))?.name, "renamed");
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

Deno.test("MemoryCache: resources without guilds hold them anyway, so a member of a guild not held is not added; after its GUILD_CREATE it is", () => {
  const cache = new MemoryCache({ resources: ["members"] });
  const add = {
    guild_id: "9",
    user: user("1"),
    roles: [],
  };
  cache.apply("GUILD_MEMBER_ADD", add);
  assert.equal(cache.member("9", "1"), undefined);
  assert.equal(total(cache), 0, JSON.stringify(cache.sizes()));
  cache.apply("GUILD_CREATE", { id: "9", name: "g", channels: [], roles: [] });
  cache.apply("GUILD_MEMBER_ADD", add);
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

/** A new session's READY listing `guilds`. */
function ready(guilds: string[]): Record<string, unknown> {
  return {
    v: 10,
    user: { ...user("9"), bot: true },
    guilds: guilds.map((id) => ({ id, unavailable: true })),
    session_id: "s",
    resume_gateway_url: "wss://gateway.discord.gg",
    shard: [0, 1],
    application: { id: "9", flags: 0 },
  };
}

/** A GUILD_CREATE of guild `id` with its @everyone role and `over`. */
function guildCreate(
  id: string,
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    name: `g${id}`,
    channels: [],
    roles: [{ id, name: "@everyone" }],
    members: [],
    threads: [],
    ...over,
  };
}

Deno.test(redisStoreTest(
  "MemoryCache and RedisCache without the guilds resource: a new session's READY drops the guild the bot left while disconnected, with its channels, members, roles and messages",
  15,
  async (redis) => {
    // No guilds asked for: without them held, READY could not tell which
    // guilds were left, and guild 101's entities stayed for good.
    const resources: CacheResource[] = [
      "channels",
      "members",
      "messages",
      "roles",
    ];
    const memory = new MemoryCache({ resources });
    const store = new RedisCache(redis, { resources });
    const events: [string, unknown][] = [
      ["READY", ready(["100", "101"])],
      ["GUILD_CREATE", guildCreate("100")],
      [
        "GUILD_CREATE",
        guildCreate("101", {
          channels: [{ id: "1011", type: 0, name: "c" }],
          members: [{
            user: user("13"),
            roles: [],
            joined_at: null,
            deaf: false,
            mute: false,
          }],
        }),
      ],
      ["MESSAGE_CREATE", guildMessage("3001", "1011", "101")],
    ];
    for (const [event, data] of events) {
      memory.apply(event, structuredClone(data));
      await store.apply(event, structuredClone(data));
    }
    await store.flush();
    // Held first, so that what goes below is what READY removed.
    assert.equal(memory.channelMessages("1011").length, 1);
    assert.ok(memory.member("101", "13") !== undefined);
    assert.ok((await cacheKeys(redis)).some((key) => key.includes("101")));
    // A new session: the bot left guild 101 while no session was up.
    memory.apply("READY", ready(["100"]));
    await store.apply("READY", ready(["100"]));
    await store.flush();
    assert.equal(memory.guild("101"), undefined);
    assert.equal(memory.channel("1011"), undefined);
    assert.equal(memory.member("101", "13"), undefined);
    assert.equal(memory.role("101", "101"), undefined);
    assert.deepEqual(memory.channelMessages("1011"), []);
    assert.ok(memory.role("100", "100") !== undefined, "guild 100 stays");
    assert.deepEqual(
      (await cacheKeys(redis)).filter((key) => key.includes("101")),
      [],
    );
    await assertSameStores(redis, memory, "after the new READY");
    assert.equal(store.stale, false);
  },
));
