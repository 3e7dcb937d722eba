// Integrations: kept from INTEGRATION_CREATE/UPDATE, dropped by
// INTEGRATION_DELETE and with their guild; in Redis as integration:G:I in
// integration_keys and guild_keys:G.
import assert from "node:assert/strict";
import { MemoryCache, RedisCache } from "../../cache/mod.ts";
import { redisStoreTest } from "./_redis_database.ts";

const GUILD = { id: "1", name: "g", channels: [], roles: [] };
const twitch = {
  id: "30",
  guild_id: "1",
  name: "Twitch",
  type: "twitch",
  enabled: true,
  account: { id: "a", name: "streamer" },
};

Deno.test("MemoryCache keeps integrations: create, update (old), delete (old), and a removed guild takes them", () => {
  const cache = new MemoryCache({ resources: ["guilds", "integrations"] });
  cache.apply("GUILD_CREATE", GUILD);
  assert.equal(cache.apply("INTEGRATION_CREATE", twitch).old, undefined);
  assert.deepEqual(cache.integrations("1"), [twitch]);
  const renamed = { ...twitch, name: "Twitch (renamed)" };
  assert.deepEqual(cache.apply("INTEGRATION_UPDATE", renamed).old, twitch);
  assert.equal(cache.integrations("1")[0]?.name, "Twitch (renamed)");
  assert.deepEqual(
    cache.apply("INTEGRATION_DELETE", { id: "30", guild_id: "1" }).old,
    renamed,
  );
  assert.deepEqual(cache.integrations("1"), []);
  cache.apply("INTEGRATION_CREATE", twitch);
  cache.apply("GUILD_DELETE", { id: "1" });
  assert.equal(cache.sizes().integration, 0);
  // Not kept without the resource.
  const without = new MemoryCache({ resources: ["guilds"] });
  without.apply("GUILD_CREATE", GUILD);
  without.apply("INTEGRATION_CREATE", twitch);
  assert.equal(without.sizes().integration, 0);
});

Deno.test(redisStoreTest(
  "RedisCache keeps integrations as integration:G:I, listed in the guild's keys, gone with the guild",
  8,
  async (redis) => {
    const store = new RedisCache(redis, {
      resources: ["guilds", "integrations"],
    });
    await store.apply("GUILD_CREATE", GUILD);
    await store.apply("INTEGRATION_CREATE", twitch);
    await store.flush();
    assert.deepEqual(
      JSON.parse((await redis.get("integration:1:30"))!),
      twitch,
    );
    assert.deepEqual(await redis.smembers("integration_keys"), [
      "integration:1:30",
    ]);
    assert.ok(
      (await redis.smembers("guild_keys:1")).includes("integration:1:30"),
    );
    await store.apply("GUILD_DELETE", { id: "1" });
    await store.flush();
    assert.deepEqual(await redis.keys("*"), []);
  },
));
