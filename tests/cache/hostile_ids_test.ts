// Ids from a hostile gateway: the core keys every store by the ids it reads,
// so an id that is not a snowflake must change nothing, in memory or in
// Redis (where "1:2" would address another entity's key, and a message id
// that is not a number broke the trim script and left the cache stale).
import assert from "node:assert/strict";
import {
  CACHE_RESOURCES,
  MemoryCache,
  RedisCache,
  reduceDispatch,
} from "../../cache/mod.ts";
import { redisStoreTest } from "./_redis_database.ts";

const BAD_IDS = ["1:2", "abc", "", "1".repeat(21), "12a", " 12", "-5", "1e5"];
const user = (id: unknown): Record<string, unknown> => ({
  id,
  username: "u",
  discriminator: "0",
  global_name: null,
  avatar: null,
});
const message = (id: unknown, channelId: unknown = "5"): unknown => ({
  id,
  channel_id: channelId,
  content: "x",
  timestamp: "2024-01-01T00:00:00.000000+00:00",
  author: user("9"),
});

/** Dispatches that would each create an entity, with `bad` as one id. */
function hostile(bad: string): [string, unknown][] {
  return [
    ["GUILD_CREATE", { id: bad, name: "g", channels: [], roles: [] }],
    ["CHANNEL_CREATE", { id: bad, type: 0, guild_id: "1" }],
    ["CHANNEL_CREATE", { id: "3", type: 0, guild_id: bad }],
    ["GUILD_ROLE_CREATE", { guild_id: "1", role: { id: bad, name: "r" } }],
    ["GUILD_MEMBER_ADD", { guild_id: "1", user: user(bad), roles: [] }],
    ["GUILD_MEMBER_ADD", { guild_id: bad, user: user("4"), roles: [] }],
    ["PRESENCE_UPDATE", { guild_id: "1", user: { id: bad }, status: "idle" }],
    ["VOICE_STATE_UPDATE", { guild_id: "1", user_id: bad, channel_id: "3" }],
    ["MESSAGE_CREATE", message(bad)],
    ["MESSAGE_CREATE", message("100", bad)],
    ["GUILD_EMOJIS_UPDATE", { guild_id: "1", emojis: [{ id: bad }] }],
  ];
}

Deno.test("the core refuses ids that are not snowflakes: no change for any of them", () => {
  const config = { resources: new Set(CACHE_RESOURCES) };
  const lookup = { get: () => undefined, ids: () => [] };
  for (const bad of BAD_IDS) {
    for (const [event, data] of hostile(bad)) {
      assert.deepEqual(
        reduceDispatch(lookup, event, data, config).changes,
        [],
        `${event} with ${JSON.stringify(bad)}`,
      );
    }
  }
  const cache = new MemoryCache();
  cache.apply("GUILD_CREATE", { id: "1", name: "g", channels: [], roles: [] });
  for (const bad of BAD_IDS) {
    for (const [event, data] of hostile(bad)) cache.apply(event, data);
  }
  assert.deepEqual(
    Object.entries(cache.sizes()).filter(([, n]) => n > 0),
    [["guild", 1]],
  );
});

Deno.test(redisStoreTest(
  "RedisCache: a message id that is not a snowflake leaves the cache fresh and trimming",
  14,
  async (redis) => {
    const store = new RedisCache(redis, {
      resources: ["messages"],
      messages: { perChannel: 2 },
    });
    for (const id of ["abc", "1:2", "100", "101", "102"]) {
      await store.apply("MESSAGE_CREATE", message(id));
    }
    await store.flush();
    assert.equal(store.stale, false);
    assert.deepEqual((await redis.smembers("channel_keys:5")).sort(), [
      "message:5:101",
      "message:5:102",
    ]);
    assert.deepEqual((await redis.keys("message:*")).sort(), [
      "message:5:101",
      "message:5:102",
    ]);
  },
));

Deno.test("MemoryCache: a message whose author's id is no snowflake keeps that author as sent, shared with no one (users are keyed by snowflakes only)", () => {
  const cache = new MemoryCache();
  cache.apply("GUILD_CREATE", {
    id: "1",
    name: "g",
    channels: [{ id: "5", type: 0 }],
    roles: [],
    members: [{ user: { ...user("5"), username: "real" }, roles: [] }],
  });
  const bad = ["1:2", "05", ...BAD_IDS];
  bad.forEach((id, i) =>
    cache.apply("MESSAGE_CREATE", {
      ...(message(String(100 + i)) as Record<string, unknown>),
      guild_id: "1",
      author: { ...user(id), username: `not ${id}` },
    })
  );
  for (const id of bad) assert.equal(cache.user(id), undefined, id);
  assert.equal(cache.user("5")?.username, "real");
  assert.equal(cache.sizes().user, 1);
  // Each message keeps the author it came with.
  bad.forEach((id, i) =>
    assert.deepEqual(cache.message("5", String(100 + i))?.author, {
      ...user(id),
      username: `not ${id}`,
    })
  );
  // Removed, they release no user they never held.
  cache.apply("GUILD_DELETE", { id: "1" });
  assert.equal(cache.sizes().user, 0);
});
