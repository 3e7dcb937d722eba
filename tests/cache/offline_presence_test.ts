// A PRESENCE_UPDATE with `status: "offline"` removes the presence: a
// GUILD_CREATE's presences leave offline members out, so an offline user
// has none. The offline update Discord sends after a member leaves once
// added the presence back, held until the guild's next GUILD_CREATE: with
// member churn, presences grew with everyone who ever left.
import assert from "node:assert/strict";
import {
  EVENT_CACHE_EFFECTS,
  MemoryCache,
  RedisCache,
} from "../../cache/mod.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";
import { assertSameStores } from "./_same_stores.ts";
import { user } from "./_event_sequences.ts";

const G = "100";
const TIME = "2024-01-01T00:00:00.000000+00:00";

/** `count` members who join, come online, leave, then go offline. */
function churn(count: number): [string, unknown][] {
  const events: [string, unknown][] = [["GUILD_CREATE", {
    id: G,
    name: "g",
    channels: [],
    roles: [],
    members: [],
    presences: [],
    member_count: 0,
  }]];
  for (let i = 0; i < count; i++) {
    const id = String(1000 + i);
    events.push(
      ["GUILD_MEMBER_ADD", {
        guild_id: G,
        user: user(id),
        roles: [],
        joined_at: TIME,
        deaf: false,
        mute: false,
        flags: 0,
      }],
      ["PRESENCE_UPDATE", { guild_id: G, user: { id }, status: "online" }],
      ["GUILD_MEMBER_REMOVE", { guild_id: G, user: user(id) }],
      ["PRESENCE_UPDATE", { guild_id: G, user: { id }, status: "offline" }],
    );
  }
  return events;
}

Deno.test("MemoryCache: an offline PRESENCE_UPDATE after a member left adds no presence back", () => {
  const cache = new MemoryCache();
  for (const [event, data] of churn(50)) cache.apply(event, data);
  assert.equal(cache.sizes().member, 0);
  assert.equal(cache.sizes().presence, 0);
  assert.equal(cache.presence(G, "1000"), undefined);
});

Deno.test("MemoryCache: an offline PRESENCE_UPDATE removes the presence, its old the presence it had", () => {
  const cache = new MemoryCache();
  for (const [event, data] of churn(0)) cache.apply(event, data);
  const online = { guild_id: G, user: { id: "7" }, status: "online" };
  cache.apply("PRESENCE_UPDATE", online);
  const update = cache.apply("PRESENCE_UPDATE", {
    guild_id: G,
    user: { id: "7" },
    status: "offline",
  });
  assert.deepEqual(update.old, online);
  assert.equal(cache.presence(G, "7"), undefined);
  assert.deepEqual([...cache.presences(G)], []);
  // Of a user with no presence held: nothing to remove, no old.
  const none = cache.apply("PRESENCE_UPDATE", {
    guild_id: G,
    user: { id: "8" },
    status: "offline",
  });
  assert.equal(none.old, undefined);
  assert.equal(cache.sizes().presence, 0);
});

/** The offline churn in Redis: no presence key left, nor its name in a set. */
async function offlineChurnInRedis(redis: RedisConnection): Promise<void> {
  const store = new RedisCache(redis);
  const memory = new MemoryCache();
  const events = churn(50);
  // One online presence kept, to tell a removal from a store writing none.
  events.push(["PRESENCE_UPDATE", {
    guild_id: G,
    user: { id: "9" },
    status: "idle",
  }]);
  await store.applyBatch(events.map(([event, data]) => ({ event, data })));
  for (const [event, data] of events) memory.apply(event, data);
  await store.flush();
  assert.equal(store.stale, false);
  assert.equal(await redis.exists("presence:100:1000"), 0);
  assert.deepEqual(await redis.smembers("presence_keys"), [
    "presence:100:9",
  ]);
  assert.deepEqual(
    (await redis.smembers(`guild_keys:${G}`)).filter((key) =>
      key.startsWith("presence:")
    ),
    ["presence:100:9"],
  );
  await assertSameStores(redis, memory, "after churn");
}

// On a server of its own: every database of the shared one has its file.
Deno.test({
  name:
    "RedisCache: an offline PRESENCE_UPDATE after a member left leaves no presence key, nor its name in presence_keys or guild_keys:G",
  ignore: privateRedisIgnored,
  fn: () => withPrivateRedis((_, redis) => offlineChurnInRedis(redis)),
});

Deno.test("EVENT_CACHE_EFFECTS: PRESENCE_UPDATE lists the presence among what it deletes, as an offline update removes it", () => {
  const cache = new MemoryCache();
  for (const [event, data] of churn(0)) cache.apply(event, data);
  cache.apply("PRESENCE_UPDATE", {
    guild_id: G,
    user: { id: "7" },
    status: "online",
  });
  const { changes } = cache.apply("PRESENCE_UPDATE", {
    guild_id: G,
    user: { id: "7" },
    status: "offline",
  });
  const deleted = changes.filter((change) => change.op === "delete");
  assert.deepEqual(deleted.map((change) => change.kind), ["presence"]);
  assert.ok(EVENT_CACHE_EFFECTS.PRESENCE_UPDATE!.deletes.includes("presence"));
});
