// The bot's own member, kept without the members resource (as the dispatch
// service's STATE_MEMBER=false keeps it), leaves as it came: a
// GUILD_MEMBER_REMOVE of it removes it with the member as `old`, a chunk's
// `not_found` naming it removes it, and a chunk listing it refreshes it. All
// three went through reads and writes of the members resource, which do
// nothing without it: the member stayed, its roles stale, `old` undefined.
import assert from "node:assert/strict";
import { type CacheOptions, MemoryCache, RedisCache } from "../../cache/mod.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";
import { assertSameStores } from "./_same_stores.ts";
import { user } from "./_event_sequences.ts";

const G = "100";
const BOT = "9";
const TIME = "2021-03-14T05:32:41.571000+00:00";
const OPTIONS: CacheOptions = { resources: ["guilds", "roles"] };

/** A member of the guild, as GUILD_CREATE and a chunk list it. */
function member(id: string, roles: string[]): Record<string, unknown> {
  return {
    user: user(id),
    roles,
    joined_at: TIME,
    deaf: false,
    mute: false,
    flags: 0,
  };
}

/** The bot's session and its guild, whose members are the bot and user 8. */
const START: [string, unknown][] = [
  ["READY", {
    v: 10,
    user: user(BOT),
    guilds: [{ id: G, unavailable: true }],
    session_id: "s",
  }],
  ["GUILD_CREATE", {
    id: G,
    name: "g",
    member_count: 2,
    channels: [],
    threads: [],
    roles: [{ id: G, name: "@everyone" }, { id: "50", name: "r" }],
    emojis: [],
    members: [member(BOT, ["50"]), member("8", ["50"])],
    presences: [],
    voice_states: [],
  }],
];

/** The bot's member as held after {@linkcode START}. */
const HELD = { ...member(BOT, ["50"]), guild_id: G };

/** What each case sends after START, and the bot's member then held. */
const CASES: [string, [string, unknown], unknown][] = [
  ["GUILD_MEMBER_REMOVE of the bot", ["GUILD_MEMBER_REMOVE", {
    guild_id: G,
    user: user(BOT),
  }], undefined],
  ["a chunk's not_found naming the bot", ["GUILD_MEMBERS_CHUNK", {
    guild_id: G,
    members: [],
    not_found: [BOT],
    chunk_index: 0,
    chunk_count: 1,
  }], undefined],
  ["a chunk listing the bot with new roles", ["GUILD_MEMBERS_CHUNK", {
    guild_id: G,
    members: [member(BOT, []), member("8", [])],
    chunk_index: 0,
    chunk_count: 1,
  }], { ...HELD, roles: [] }],
];

for (const [name, event, after] of CASES) {
  Deno.test(`MemoryCache without the members resource: ${name} applies to the bot's own member, and to no other`, () => {
    const cache = new MemoryCache(OPTIONS);
    for (const [e, d] of START) cache.apply(e, structuredClone(d));
    assert.deepEqual(cache.member(G, BOT), HELD);
    const { old } = cache.apply(event[0], structuredClone(event[1]));
    assert.deepEqual(cache.member(G, BOT), after);
    assert.equal(cache.member(G, "8"), undefined);
    assert.equal(cache.sizes().member ?? 0, after === undefined ? 0 : 1);
    if (event[0] === "GUILD_MEMBER_REMOVE") assert.deepEqual(old, HELD);
  });
}

/** Each case in both stores, event by event: the same state and olds. */
async function sameInRedis(redis: RedisConnection): Promise<void> {
  for (const [name, event, after] of CASES) {
    await redis.flushdb();
    const store = new RedisCache(redis, OPTIONS);
    const memory = new MemoryCache(OPTIONS);
    for (const [e, d] of [...START, event]) {
      const stored = await store.apply(e, structuredClone(d));
      const held = memory.apply(e, structuredClone(d));
      assert.deepEqual(stored.old, held.old, `${name}: ${e} old`);
    }
    await store.flush();
    assert.equal(store.stale, false);
    assert.deepEqual(await store.member(G, BOT), after, name);
    await assertSameStores(redis, memory, name);
  }
}

// On a server of its own: every database of the shared one has its file.
Deno.test({
  name:
    "RedisCache without the members resource: a GUILD_MEMBER_REMOVE of the bot, a chunk's not_found naming it and a chunk listing it apply to its member as in the memory store",
  ignore: privateRedisIgnored,
  fn: () => withPrivateRedis((_, redis) => sameInRedis(redis)),
});

Deno.test("MemoryCache without the guilds resource keeps no bot member: a READY could not drop the member of a guild left meanwhile, and an update named any guild", () => {
  for (const resources of [[], ["users"]] as const) {
    const cache = new MemoryCache({ resources: [...resources] });
    for (const [e, d] of START) cache.apply(e, structuredClone(d));
    cache.apply("READY", {
      v: 10,
      user: user(BOT),
      guilds: [],
      session_id: "t",
    });
    for (const guild of [G, "101"]) {
      cache.apply("GUILD_MEMBER_UPDATE", {
        guild_id: guild,
        roles: [],
        user: user(BOT),
        joined_at: TIME,
      });
    }
    assert.equal(cache.member(G, BOT), undefined, String(resources));
    assert.equal(cache.sizes().member ?? 0, 0);
  }
});
