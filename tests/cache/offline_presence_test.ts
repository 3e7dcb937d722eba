// No offline presence is kept, from any event. A PRESENCE_UPDATE with
// `status: "offline"` removes the presence: the offline update Discord sends
// after a member leaves once added it back, held until the guild's next
// GUILD_CREATE (with member churn, presences grew with everyone who ever
// left). A small guild's GUILD_CREATE, and a member chunk, may list offline
// presences too (only a large guild's GUILD_CREATE leaves them out): those
// were kept, with that status.
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

/** A member of the guild, as GUILD_CREATE and a chunk list it. */
function member(id: string): Record<string, unknown> {
  return {
    user: user(id),
    roles: [],
    joined_at: TIME,
    deaf: false,
    mute: false,
    flags: 0,
  };
}

/**
 * A small guild (below `large_threshold`) whose GUILD_CREATE lists an
 * offline member's presence: Discord's docs leave offline members out only
 * of a large guild's. Then a chunk that says an online member (3) and one
 * never seen (4) are offline now, and another (5) idle.
 */
const SMALL_GUILD: [string, unknown][] = [
  ["GUILD_CREATE", {
    id: G,
    name: "g",
    large: false,
    member_count: 3,
    channels: [],
    roles: [],
    members: [member("2"), member("3"), member("5")],
    presences: [
      { user: { id: "2" }, status: "offline", activities: [] },
      { user: { id: "3" }, status: "online", activities: [] },
    ],
  }],
  ["GUILD_MEMBERS_CHUNK", {
    guild_id: G,
    chunk_index: 0,
    chunk_count: 1,
    members: [member("3"), member("4"), member("5")],
    presences: [
      { user: { id: "3" }, status: "offline", activities: [] },
      { user: { id: "4" }, status: "offline", activities: [] },
      { user: { id: "5" }, status: "idle", activities: [] },
    ],
  }],
];

Deno.test("MemoryCache: an offline presence in GUILD_CREATE is not kept", () => {
  const cache = new MemoryCache();
  cache.apply(...SMALL_GUILD[0]!);
  assert.equal(cache.presence(G, "2"), undefined);
  assert.equal(cache.presence(G, "3")?.status, "online");
  assert.deepEqual([...cache.presences(G)].map((p) => p.user.id), ["3"]);
});

Deno.test("MemoryCache: a chunk's offline presence is not kept, and removes the one held", () => {
  const cache = new MemoryCache();
  cache.apply(...SMALL_GUILD[0]!);
  const { changes } = cache.apply(...SMALL_GUILD[1]!);
  assert.equal(cache.presence(G, "3"), undefined);
  assert.equal(cache.presence(G, "4"), undefined);
  assert.equal(cache.presence(G, "5")?.status, "idle");
  assert.deepEqual([...cache.presences(G)].map((p) => p.user.id), ["5"]);
  assert.equal(cache.sizes().presence, 1);
  // The removal is a change of the event, which its table row allows.
  assert.ok(
    changes.some((change) =>
      change.op === "delete" && change.kind === "presence" &&
      change.id === "3"
    ),
  );
  assert.ok(
    EVENT_CACHE_EFFECTS.GUILD_MEMBERS_CHUNK!.deletes.includes("presence"),
  );
});

/** The small guild in Redis: no offline presence's key, nor its name. */
async function smallGuildInRedis(redis: RedisConnection): Promise<void> {
  const store = new RedisCache(redis);
  const memory = new MemoryCache();
  // One at a time: the chunk's removal is of a presence already in Redis.
  for (const [event, data] of SMALL_GUILD) {
    await store.apply(event, data);
    memory.apply(event, data);
  }
  await store.flush();
  assert.equal(store.stale, false);
  for (const id of ["2", "3", "4"]) {
    assert.equal(await redis.exists(`presence:${G}:${id}`), 0);
  }
  assert.deepEqual(await redis.smembers("presence_keys"), [
    "presence:100:5",
  ]);
  assert.deepEqual(
    (await redis.smembers(`guild_keys:${G}`)).filter((key) =>
      key.startsWith("presence:")
    ),
    ["presence:100:5"],
  );
  await assertSameStores(redis, memory, "after the small guild");
}

Deno.test({
  name:
    "RedisCache: an offline presence in GUILD_CREATE or a chunk leaves no presence key, nor its name in presence_keys or guild_keys:G",
  ignore: privateRedisIgnored,
  fn: () => withPrivateRedis((_, redis) => smallGuildInRedis(redis)),
});
