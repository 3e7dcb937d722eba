// A guild seen only in READY (or in an outage it started in) is cached as
// the placeholder `{ id, unavailable: true }`: none of its lists is known,
// so a list-valued ctx.old is `undefined` there, not an empty list that
// says "there were none" (a bot without the Guilds intent never gets the
// GUILD_CREATE). A list the cache took whole since (an emoji update) is
// known, and an outage-marked guild that was created keeps its lists. Both
// stores answer the same.
import assert from "node:assert/strict";
import { MemoryCache, RedisCache } from "../../cache/mod.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";

const G = "1000000000000000001";
const E1 = "1000000000000000050";
const E2 = "1000000000000000051";

const READY = {
  v: 10,
  user: { id: "1000000000000000003", username: "bot", discriminator: "0" },
  guilds: [{ id: G, unavailable: true }],
  session_id: "s",
  resume_gateway_url: "wss://gateway.discord.gg",
};

/** The events, and the old state each must get. */
const STEPS: [string, unknown, unknown][] = [
  ["READY", READY, undefined],
  // Never created: nothing known of its emojis, stickers, sounds, threads.
  ["GUILD_EMOJIS_UPDATE", {
    guild_id: G,
    emojis: [{ id: E1, name: "a" }, { id: E2, name: "b" }],
  }, undefined],
  ["GUILD_STICKERS_UPDATE", { guild_id: G, stickers: [] }, undefined],
  ["SOUNDBOARD_SOUNDS", { guild_id: G, soundboard_sounds: [] }, undefined],
  ["THREAD_LIST_SYNC", { guild_id: G, threads: [], members: [] }, undefined],
  // The emoji list the update brought whole is known, and the one it
  // dropped goes from the cache.
  ["GUILD_EMOJIS_UPDATE", { guild_id: G, emojis: [{ id: E1, name: "a" }] }, [
    { id: E1, name: "a" },
    { id: E2, name: "b" },
  ]],
  ["GUILD_EMOJIS_UPDATE", { guild_id: G, emojis: [] }, [
    { id: E1, name: "a" },
  ]],
];

/** The olds of a created guild, then in an outage (a GUILD_DELETE). */
const CREATED: [string, unknown, unknown][] = [
  ["GUILD_CREATE", { id: G, name: "g", emojis: [], stickers: [] }, undefined],
  ["GUILD_DELETE", { id: G, unavailable: true }, undefined],
  ["GUILD_EMOJIS_UPDATE", { guild_id: G, emojis: [] }, []],
  ["GUILD_STICKERS_UPDATE", { guild_id: G, stickers: [] }, []],
];

/** The emoji entries of an old state, without fields a store may add. */
function shape(old: unknown): unknown {
  if (!Array.isArray(old)) return old;
  return old.map((e: Record<string, unknown>) => ({ id: e.id, name: e.name }));
}

Deno.test("MemoryCache: a READY placeholder guild's lists are not known (undefined), those taken whole since are", () => {
  const cache = new MemoryCache();
  for (const [event, data, expected] of STEPS) {
    const { old } = cache.apply(event, structuredClone(data));
    if (event !== "READY") assert.deepEqual(shape(old), expected, event);
  }
  assert.deepEqual(cache.emojis(G), []);
});

Deno.test("MemoryCache: a created guild in an outage keeps its known lists (empty ones too)", () => {
  const cache = new MemoryCache();
  for (const [event, data, expected] of CREATED) {
    const { old } = cache.apply(event, structuredClone(data));
    if (event.startsWith("GUILD_E") || event.startsWith("GUILD_S")) {
      assert.deepEqual(shape(old), expected, event);
    }
  }
});

Deno.test({
  name:
    "RedisCache gives a placeholder guild's list ctx.old as the MemoryCache does",
  // Its own server: databases 1 to 15 of the shared one are all taken.
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      for (const steps of [STEPS, CREATED]) {
        await redis.flushdb();
        const store = new RedisCache(redis, {});
        for (const [event, data, expected] of steps) {
          const { old } = await store.apply(event, structuredClone(data));
          await store.flush();
          if (event.startsWith("GUILD_E") || event.startsWith("GUILD_S")) {
            assert.deepEqual(shape(old), expected, event);
          }
          if (event === "SOUNDBOARD_SOUNDS" || event === "THREAD_LIST_SYNC") {
            assert.equal(old, undefined, event);
          }
        }
      }
    }),
});
