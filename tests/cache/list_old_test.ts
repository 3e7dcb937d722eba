// A list-valued ctx.old (an emoji list, the threads a sync removed, the
// messages a bulk delete took) is `undefined` when the cache cannot know
// the state before: the resource is not kept, the guild is not held (a
// process resumed from a session store), or none of the entities the event
// names was cached (as MESSAGE_DELETE of a message not cached gets). An
// empty list would say "there were none": an emoji log comparing it with
// the new list reported every emoji as added. It stays a list, empty too,
// where the cache knows the whole answer (a held guild without emojis).
// Both stores answer the same.
import assert from "node:assert/strict";
import {
  type CacheResource,
  MemoryCache,
  RedisCache,
} from "../../cache/mod.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";

const G = "1000000000000000001";
const OTHER = "1000000000000000077";
const C = "1000000000000000002";
const X = "1000000000000000009";

/** Guild G with a channel, one emoji, one sticker and one sound. */
const GUILD_CREATE = {
  id: G,
  name: "g",
  channels: [{ id: C, type: 0, name: "c" }],
  roles: [],
  members: [],
  threads: [],
  emojis: [{ id: "1000000000000000050", name: "held" }],
  stickers: [{ id: "1000000000000000051", name: "held" }],
  soundboard_sounds: [{
    sound_id: "1000000000000000052",
    name: "held",
    volume: 1,
    available: true,
    guild_id: G,
  }],
};

/** One event of each list-valued old state, in guild `g`. */
function listEvents(g: string): [string, unknown][] {
  return [
    ["GUILD_EMOJIS_UPDATE", { guild_id: g, emojis: [{ id: X, name: "e" }] }],
    ["GUILD_STICKERS_UPDATE", {
      guild_id: g,
      stickers: [{ id: X, name: "s" }],
    }],
    ["SOUNDBOARD_SOUNDS", { guild_id: g, soundboard_sounds: [] }],
    ["GUILD_SOUNDBOARD_SOUNDS_UPDATE", {
      guild_id: g,
      soundboard_sounds: [{ sound_id: X, name: "new", guild_id: g }],
    }],
    ["THREAD_LIST_SYNC", { guild_id: g, threads: [], members: [] }],
    ["CHANNEL_INFO", { guild_id: g, channels: [{ id: X, status: "s" }] }],
    ["MESSAGE_DELETE_BULK", { ids: [X], channel_id: C, guild_id: g }],
  ];
}

/** The old state of each list event, by event, on a cache holding G. */
type Olds = Record<string, unknown>;

/** Each list event's old state on a MemoryCache that applied `before`. */
function memoryOlds(
  resources: CacheResource[] | undefined,
  before: [string, unknown][],
  g: string,
): Olds {
  const olds: Olds = {};
  for (const [event, data] of listEvents(g)) {
    const cache = new MemoryCache(resources === undefined ? {} : { resources });
    for (const [t, d] of before) cache.apply(t, structuredClone(d));
    olds[event] = cache.apply(event, data).old;
  }
  return olds;
}

/** Which of the list events get no old state (`undefined`). */
function without(olds: Olds): string[] {
  return Object.keys(olds).filter((event) => olds[event] === undefined);
}

const EVERY = Object.keys(Object.fromEntries(listEvents(G)));

Deno.test("MemoryCache: a list ctx.old is undefined when the resource is not kept", () => {
  const olds = memoryOlds(["guilds"], [["GUILD_CREATE", GUILD_CREATE]], G);
  assert.deepEqual(without(olds), EVERY, JSON.stringify(olds));
});

Deno.test("MemoryCache: a list ctx.old is undefined for a guild not held (a process resumed from a session store)", () => {
  const olds = memoryOlds(undefined, [], G);
  assert.deepEqual(without(olds), EVERY, JSON.stringify(olds));
  const other = memoryOlds(undefined, [["GUILD_CREATE", GUILD_CREATE]], OTHER);
  for (
    const event of [
      "GUILD_EMOJIS_UPDATE",
      "GUILD_STICKERS_UPDATE",
      "SOUNDBOARD_SOUNDS",
      "THREAD_LIST_SYNC",
    ]
  ) assert.equal(other[event], undefined, event);
});

Deno.test("MemoryCache: a bulk delete of messages none of which was cached gets undefined, as MESSAGE_DELETE of one does; one of which some were, those", () => {
  const cache = new MemoryCache();
  cache.apply("GUILD_CREATE", structuredClone(GUILD_CREATE));
  const message = (id: string) => ({
    id,
    channel_id: C,
    guild_id: G,
    content: id,
    timestamp: "2024-01-01T00:00:00.000000+00:00",
    author: {
      id: "1000000000000000003",
      username: "a",
      discriminator: "0",
      global_name: null,
      avatar: null,
    },
  });
  const one = { id: X, channel_id: C, guild_id: G };
  assert.equal(cache.apply("MESSAGE_DELETE", one).old, undefined);
  const bulk = { ids: [X], channel_id: C, guild_id: G };
  assert.equal(cache.apply("MESSAGE_DELETE_BULK", bulk).old, undefined);
  cache.apply("MESSAGE_CREATE", message("1000000000000000010"));
  const { old } = cache.apply("MESSAGE_DELETE_BULK", {
    ...bulk,
    ids: [X, "1000000000000000010"],
  });
  assert.deepEqual(
    (old as { content: string }[]).map((m) => m.content),
    ["1000000000000000010"],
  );
});

Deno.test("MemoryCache: a held guild with every resource gets its lists, empty where the cache knows there were none", () => {
  const olds = memoryOlds(undefined, [["GUILD_CREATE", GUILD_CREATE]], G);
  const ids = (event: string, field = "id"): unknown =>
    (olds[event] as Record<string, unknown>[]).map((v) => v[field]);
  assert.deepEqual(ids("GUILD_EMOJIS_UPDATE"), ["1000000000000000050"]);
  assert.deepEqual(ids("GUILD_STICKERS_UPDATE"), ["1000000000000000051"]);
  assert.deepEqual(ids("SOUNDBOARD_SOUNDS", "sound_id"), [
    "1000000000000000052",
  ]);
  // No thread held: the sync removed none, which the cache knows.
  assert.deepEqual(olds.THREAD_LIST_SYNC, []);
  // Entities named that were not cached: nothing known of them.
  assert.equal(olds.GUILD_SOUNDBOARD_SOUNDS_UPDATE, undefined);
  assert.equal(olds.CHANNEL_INFO, undefined);
  assert.equal(olds.MESSAGE_DELETE_BULK, undefined);
  const empty = memoryOlds(undefined, [["GUILD_CREATE", {
    ...GUILD_CREATE,
    emojis: [],
  }]], G);
  assert.deepEqual(empty.GUILD_EMOJIS_UPDATE, []);
});

Deno.test({
  name:
    "RedisCache gives every list ctx.old the MemoryCache gives (resource not kept, guild not held, guild held)",
  // Its own server: databases 1 to 15 of the shared one are all taken.
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      const cases: [string, CacheResource[] | undefined, string][] = [
        ["not kept", ["guilds"], G],
        ["not held", undefined, OTHER],
        ["held", undefined, G],
      ];
      for (const [where, resources, g] of cases) {
        const before: [string, unknown][] = [["GUILD_CREATE", GUILD_CREATE]];
        const expected = memoryOlds(resources, before, g);
        for (const [event, data] of listEvents(g)) {
          await redis.flushdb();
          const store = new RedisCache(
            redis,
            resources === undefined ? {} : { resources },
          );
          for (const [t, d] of before) await store.apply(t, structuredClone(d));
          const { old } = await store.apply(event, data);
          await store.flush();
          assert.deepEqual(old, expected[event], `${where}: ${event}`);
        }
      }
    }),
});
