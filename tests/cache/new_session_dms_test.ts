// A new session of shard 0 (a READY that is no resume: the events of the gap
// are never sent) drops what no GUILD_CREATE rebuilds: the DM channels and
// the messages of channels no guild holds. A bot's READY lists no private
// channels and DMs have no create event, so a DM message deleted or edited
// in the gap stayed, and its next update's `old` was stale. Both stores do
// it, one event at a time and in a batch; another shard's READY does not
// (one Redis cache may be fed by several shards' processes).
import assert from "node:assert/strict";
import { type CacheOptions, MemoryCache, RedisCache } from "../../cache/mod.ts";
import { redisStoreTest } from "./_redis_database.ts";
import { assertSameStores } from "./_same_stores.ts";

const GUILD = "8388608"; // shard 0's of two

function ready(shard?: [number, number]): object {
  return {
    v: 10,
    user: { id: "9", username: "bot", discriminator: "0", avatar: null },
    guilds: [{ id: GUILD, unavailable: true }],
    session_id: "s",
    resume_gateway_url: "wss://gateway.discord.gg",
    application: { id: "9", flags: 0 },
    ...(shard === undefined ? {} : { shard }),
  };
}

const GUILD_CREATE = {
  id: GUILD,
  name: "g",
  channels: [{ id: "100", type: 0, name: "general" }],
  roles: [],
  emojis: [],
  members: [],
  threads: [],
};

function message(id: string, channelId: string, guildId?: string): object {
  return {
    id,
    channel_id: channelId,
    ...(guildId === undefined ? {} : { guild_id: guildId }),
    content: `m${id}`,
    author: { id: "4", username: "u", discriminator: "0", avatar: null },
    timestamp: "2024-01-01T00:00:00.000000+00:00",
    edited_timestamp: null,
  };
}

/** A guild message, a held DM channel with a message, an unheld DM's. */
const BEFORE: [string, object][] = [
  ["READY", ready([0, 1])],
  ["GUILD_CREATE", GUILD_CREATE],
  ["MESSAGE_CREATE", message("300", "100", GUILD)],
  ["CHANNEL_CREATE", { id: "60", type: 1, recipients: [] }],
  ["MESSAGE_CREATE", message("301", "60")],
  ["MESSAGE_CREATE", message("302", "50")],
];

const OPTIONS: CacheOptions = { messages: { perChannel: 10 } };

Deno.test("MemoryCache: shard 0's new session drops the DM channels and DM messages, not the guild's", () => {
  for (const shard of [undefined, [0, 1], [0, 4]] as const) {
    const cache = new MemoryCache(OPTIONS);
    for (const [event, data] of BEFORE) cache.apply(event, data);
    assert.equal(cache.channelMessages("50").length, 1);
    cache.apply("READY", ready(shard && [...shard]));
    assert.deepEqual(cache.channelMessages("50"), [], `${shard}`);
    assert.deepEqual(cache.channelMessages("60"), []);
    assert.equal(cache.channel("60"), undefined);
    // Edited in the gap: the update is handed no stale `old`.
    const { old } = cache.apply("MESSAGE_UPDATE", {
      ...message("302", "50"),
      content: "edited",
    });
    assert.equal(old, undefined);
    assert.equal(cache.channelMessages("100").length, 1, "guild's stay");
    assert.ok(cache.channel("100"));
  }
});

Deno.test("MemoryCache: another shard's READY keeps the DMs", () => {
  const cache = new MemoryCache(OPTIONS);
  for (const [event, data] of BEFORE) cache.apply(event, data);
  cache.apply("READY", { ...ready([1, 2]), guilds: [] });
  assert.equal(cache.channelMessages("50").length, 1);
  assert.equal(cache.channelMessages("60").length, 1);
  assert.ok(cache.channel("60"));
});

Deno.test(redisStoreTest(
  "RedisCache: shard 0's new session drops the DMs as the memory store does, one at a time and in a batch (a DM message after the READY stays)",
  12,
  async (redis) => {
    const after: [string, object][] = [
      ["READY", ready([0, 2])],
      ["MESSAGE_UPDATE", { ...message("302", "50"), content: "edited" }],
      ["MESSAGE_DELETE", { id: "301", channel_id: "60" }],
      ["MESSAGE_CREATE", message("303", "60")],
      ["READY", { ...ready([1, 2]), guilds: [] }],
      ["GUILD_CREATE", GUILD_CREATE],
    ];
    for (const batched of [false, true]) {
      await redis.flushdb();
      const store = new RedisCache(redis, OPTIONS);
      const memory = new MemoryCache(OPTIONS);
      for (const [event, data] of BEFORE) {
        await store.apply(event, structuredClone(data));
        memory.apply(event, structuredClone(data));
      }
      await store.flush();
      await assertSameStores(redis, memory, "before");
      const olds = batched
        ? (await store.applyBatch(
          after.map(([event, data]) => ({
            event,
            data: structuredClone(data),
          })),
        )).map((update) => update.old)
        : await Promise.all(
          after.map(async ([event, data]) =>
            (await store.apply(event, structuredClone(data))).old
          ),
        );
      const expected = after.map(([event, data]) =>
        memory.apply(event, structuredClone(data)).old
      );
      assert.deepStrictEqual(olds, expected, `batched: ${batched}`);
      assert.equal(expected[1], undefined, "no stale old");
      await store.flush();
      await assertSameStores(redis, memory, `batched: ${batched}`);
      assert.equal(await redis.exists("message:50:302"), 1, "edited: kept");
      assert.equal(await redis.get("message:60:301"), null);
      assert.equal(await redis.exists("message:60:303"), 1, "new DM stays");
      assert.equal(await redis.exists("message:100:300"), 0, "rebuilt guild");
      assert.equal(store.stale, false);
    }
  },
));
