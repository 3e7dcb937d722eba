// Events that name their entities oddly, in both stores (the core is
// theirs), and integrations. One Redis database for the file.
//
// CHANNEL_DELETE naming another scope than the one holding the channel
// (another guild, none) is not applied, as CHANNEL_UPDATE is not; and a
// deleted channel's threads go with it whatever type its payload claims.
//
// A list event naming one entity twice (CHANNEL_INFO, a sound list): each
// entity takes every entry, and its old state is handed back once, from
// either store (the core is theirs).
import assert from "node:assert/strict";
import { cacheKeys } from "./_same_stores.ts";
import {
  CACHE_RESOURCES,
  type CacheUpdate,
  MemoryCache,
  RedisCache,
} from "../../cache/mod.ts";
import { user } from "./_event_sequences.ts";
import { redisStoreTest } from "./_redis_database.ts";

type Apply = (
  event: string,
  data: unknown,
) => CacheUpdate | Promise<CacheUpdate>;

const DELETES: [label: string, payload: Record<string, unknown>][] = [
  ["another guild", { id: "10", guild_id: "2", type: 0 }],
  ["no guild", { id: "10", type: 0 }],
  ["a thread's type", { id: "10", guild_id: "1", type: 11 }],
  ["its own guild", { id: "10", guild_id: "1", type: 0 }],
];

/** Guilds 1 and 2; channel 10 in guild 1, its thread 11 with a message. */
async function setup(apply: Apply): Promise<void> {
  for (const id of ["1", "2"]) {
    await apply("GUILD_CREATE", { id, name: "g", channels: [], roles: [] });
  }
  await apply("CHANNEL_CREATE", { id: "10", guild_id: "1", type: 0 });
  await apply("THREAD_CREATE", {
    id: "11",
    guild_id: "1",
    type: 11,
    parent_id: "10",
    thread_metadata: { archived: false },
  });
  await apply("MESSAGE_CREATE", {
    id: "12",
    channel_id: "11",
    guild_id: "1",
    author: user("5"),
    content: "x",
    timestamp: "2024-01-01T00:00:00.000000+00:00",
  });
}

/** Whether channel 10 was deleted: its thread and the thread's message go with it, or all stay. */
function assertAllOrNothing(
  label: string,
  deleted: boolean,
  held: { parent: boolean; thread: boolean; messages: number },
): void {
  assert.deepEqual(
    held,
    deleted
      ? { parent: false, thread: false, messages: 0 }
      : { parent: true, thread: true, messages: 1 },
    label,
  );
}

Deno.test("memory store: CHANNEL_DELETE in another scope is not applied; a deleted channel's threads go with it", async () => {
  for (const [label, payload] of DELETES) {
    const cache = new MemoryCache({ resources: [...CACHE_RESOURCES] });
    await setup((e, d) => cache.apply(e, d));
    const { old } = cache.apply("CHANNEL_DELETE", payload);
    assert.equal((old as { id: string }).id, "10", label);
    assertAllOrNothing(label, payload.guild_id === "1", {
      parent: cache.channel("10") !== undefined,
      thread: cache.channel("11") !== undefined,
      messages: cache.channelMessages("11").length,
    });
  }
  // THREAD_DELETE naming a channel that is no thread: not applied either.
  const cache = new MemoryCache({ resources: [...CACHE_RESOURCES] });
  await setup((e, d) => cache.apply(e, d));
  cache.apply("THREAD_DELETE", { id: "10", guild_id: "1", type: 11 });
  assertAllOrNothing("THREAD_DELETE", false, {
    parent: cache.channel("10") !== undefined,
    thread: cache.channel("11") !== undefined,
    messages: cache.channelMessages("11").length,
  });
});

Deno.test(redisStoreTest(
  "Redis store: CHANNEL_DELETE in another scope is not applied; a deleted channel's threads go with it",
  4,
  async (redis) => {
    for (const [label, payload] of DELETES) {
      await redis.flushdb();
      const store = new RedisCache(redis, { resources: [...CACHE_RESOURCES] });
      await setup((e, d) => store.apply(e, d));
      await store.apply("CHANNEL_DELETE", payload);
      assertAllOrNothing(label, payload.guild_id === "1", {
        parent: await store.channel("10") !== undefined,
        thread: await store.channel("11") !== undefined,
        messages: (await store.channelMessages("11")).length,
      });
    }
  },
));

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
  4,
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

// Integrations: kept from INTEGRATION_CREATE/UPDATE, dropped by
// INTEGRATION_DELETE and with their guild; in Redis as integration:G:I in
// integration_keys and guild_keys:G.

const INTEGRATION_GUILD = { id: "1", name: "g", channels: [], roles: [] };
const TWITCH = {
  id: "30",
  guild_id: "1",
  name: "Twitch",
  type: "TWITCH",
  enabled: true,
  account: { id: "a", name: "streamer" },
};

Deno.test("MemoryCache keeps integrations: create, update (old), delete (old), and a removed guild takes them", () => {
  const cache = new MemoryCache({ resources: ["guilds", "integrations"] });
  cache.apply("GUILD_CREATE", INTEGRATION_GUILD);
  assert.equal(cache.apply("INTEGRATION_CREATE", TWITCH).old, undefined);
  assert.deepEqual(cache.integrations("1"), [TWITCH]);
  const renamed = { ...TWITCH, name: "Twitch (renamed)" };
  assert.deepEqual(cache.apply("INTEGRATION_UPDATE", renamed).old, TWITCH);
  assert.equal(cache.integrations("1")[0]?.name, "Twitch (renamed)");
  assert.deepEqual(
    cache.apply("INTEGRATION_DELETE", { id: "30", guild_id: "1" }).old,
    renamed,
  );
  assert.deepEqual(cache.integrations("1"), []);
  cache.apply("INTEGRATION_CREATE", TWITCH);
  cache.apply("GUILD_DELETE", { id: "1" });
  assert.equal(cache.sizes().integration, 0);
  // Not kept without the resource.
  const without = new MemoryCache({ resources: ["guilds"] });
  without.apply("GUILD_CREATE", INTEGRATION_GUILD);
  without.apply("INTEGRATION_CREATE", TWITCH);
  assert.equal(without.sizes().integration, 0);
});

Deno.test(redisStoreTest(
  "RedisCache keeps integrations as integration:G:I, listed in the guild's keys, gone with the guild",
  4,
  async (redis) => {
    const store = new RedisCache(redis, {
      resources: ["guilds", "integrations"],
    });
    await store.apply("GUILD_CREATE", INTEGRATION_GUILD);
    await store.apply("INTEGRATION_CREATE", TWITCH);
    await store.flush();
    assert.deepEqual(
      JSON.parse((await redis.get("integration:1:30"))!),
      TWITCH,
    );
    assert.deepEqual(await redis.smembers("integration_keys"), [
      "integration:1:30",
    ]);
    assert.ok(
      (await redis.smembers("guild_keys:1")).includes("integration:1:30"),
    );
    await store.apply("GUILD_DELETE", { id: "1" });
    await store.flush();
    assert.deepEqual(await cacheKeys(redis), []);
  },
));
