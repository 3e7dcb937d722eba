// A list event naming one entity twice (CHANNEL_INFO, a sound list): each
// entity takes every entry, and its old state is handed back once, from
// either store (the core is theirs).
import assert from "node:assert/strict";
import {
  CACHE_RESOURCES,
  type CacheUpdate,
  MemoryCache,
  RedisCache,
} from "../../cache/mod.ts";
import { redisStoreTest } from "./_redis_database.ts";

const GUILD = {
  id: "1",
  name: "g",
  channels: [{ id: "2", type: 2 }],
  roles: [],
  soundboard_sounds: [{ sound_id: "9", name: "a" }],
};
const CHANNEL_INFO = {
  guild_id: "1",
  channels: [
    { id: "2", status: "live" },
    { id: "2", voice_start_time: 1700000000 },
  ],
};
const SOUNDS_UPDATE = {
  guild_id: "1",
  soundboard_sounds: [{ sound_id: "9", name: "b" }, {
    sound_id: "9",
    name: "c",
  }],
};

/** What a store does with the two events, given its `apply`. */
async function run(
  apply: (event: string, data: unknown) => CacheUpdate | Promise<CacheUpdate>,
): Promise<{ info: unknown; sounds: unknown }> {
  await apply("GUILD_CREATE", structuredClone(GUILD));
  const info = (await apply("CHANNEL_INFO", structuredClone(CHANNEL_INFO)))
    .old;
  const sounds = (await apply("GUILD_SOUNDBOARD_SOUNDS_UPDATE", SOUNDS_UPDATE))
    .old;
  return { info, sounds };
}

const EXPECTED = {
  info: [{ id: "2", type: 2, guild_id: "1" }],
  sounds: [{ sound_id: "9", name: "a", guild_id: "1" }],
};

Deno.test("memory store: CHANNEL_INFO and GUILD_SOUNDBOARD_SOUNDS_UPDATE naming one entity twice take every entry and hand it back once", async () => {
  const cache = new MemoryCache({ resources: [...CACHE_RESOURCES] });
  assert.deepEqual(await run((e, d) => cache.apply(e, d)), EXPECTED);
  assert.deepEqual(cache.channel("2"), {
    id: "2",
    type: 2,
    guild_id: "1",
    status: "live",
    voice_start_time: 1700000000,
  });
  assert.equal(cache.soundboardSound("1", "9")?.name, "c");
});

Deno.test(redisStoreTest(
  "Redis store: CHANNEL_INFO and GUILD_SOUNDBOARD_SOUNDS_UPDATE naming one entity twice take every entry and hand it back once",
  11,
  async (redis) => {
    const store = new RedisCache(redis, { resources: [...CACHE_RESOURCES] });
    assert.deepEqual(await run((e, d) => store.apply(e, d)), EXPECTED);
    assert.deepEqual(await store.channel("2"), {
      id: "2",
      type: 2,
      guild_id: "1",
      status: "live",
      voice_start_time: 1700000000,
    });
    assert.equal((await store.get("soundboard_sound", "1", "9"))?.name, "c");
  },
));
