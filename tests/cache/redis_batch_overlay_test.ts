// A batch of dispatches in the Redis store sees the state its earlier
// dispatches left, as one by one would: a message evicted by a later create
// (the per-channel bound, or the age bound) is gone for the rest of the batch,
// and a removed guild takes the messages of its channels, no others.
import assert from "node:assert/strict";
import { MemoryCache, RedisCache } from "../../cache/mod.ts";
import { redisStoreTest } from "./_redis_database.ts";

const GUILD = {
  id: "1",
  name: "g",
  channels: [{ id: "2", type: 0, name: "c" }],
  roles: [],
};
/** A snowflake made `ms` after the Discord epoch. */
const at = (ms: number): string => String(BigInt(ms) << 22n);
const create = (id: string, channelId = "2"): [string, unknown] => [
  "MESSAGE_CREATE",
  {
    id,
    channel_id: channelId,
    guild_id: "1",
    content: `m${id}`,
    author: { id: "7", username: "u", discriminator: "0" },
  },
];
const reads = (id: string): [string, unknown][] => [
  ["MESSAGE_UPDATE", { id, channel_id: "2", guild_id: "1", content: "e" }],
  ["MESSAGE_REACTION_ADD", {
    user_id: "7",
    channel_id: "2",
    message_id: id,
    guild_id: "1",
    emoji: { id: null, name: "a" },
  }],
  ["MESSAGE_DELETE", { id, channel_id: "2", guild_id: "1" }],
];

async function compareBatch(
  redis: Parameters<Parameters<typeof redisStoreTest>[2]>[0],
  options: ConstructorParameters<typeof MemoryCache>[0],
  before: [string, unknown][],
  batch: [string, unknown][],
): Promise<void> {
  await redis.flushdb();
  const store = new RedisCache(redis, options);
  const memory = new MemoryCache(options);
  for (const [event, data] of before) {
    await store.apply(event, structuredClone(data));
    memory.apply(event, structuredClone(data));
  }
  const updates = await store.applyBatch(
    batch.map(([event, data]) => ({ event, data: structuredClone(data) })),
  );
  batch.forEach(([event, data], i) => {
    assert.deepStrictEqual(
      updates[i]!.old,
      memory.apply(event, structuredClone(data)).old,
      `${i} ${event}`,
    );
  });
  await store.flush();
  assert.deepStrictEqual(
    await store.channelMessages("2"),
    memory.channelMessages("2"),
  );
}

Deno.test(redisStoreTest(
  "Redis applyBatch: a message evicted by a create earlier in the batch is not found by later dispatches (per-channel bound)",
  6,
  async (redis) => {
    const options = { messages: { perChannel: 2 } };
    // Evicted by the batch's own creates.
    await compareBatch(redis, options, [["GUILD_CREATE", GUILD]], [
      create("10"),
      create("11"),
      create("12"),
      ...reads("10"),
    ]);
    // Already in Redis, evicted by one create in the batch.
    await compareBatch(redis, options, [
      ["GUILD_CREATE", GUILD],
      create("10"),
      create("11"),
    ], [create("12"), ...reads("10")]);
  },
));

Deno.test(redisStoreTest(
  "Redis applyBatch: a message evicted by the age bound earlier in the batch is not found by later dispatches",
  6,
  async (redis) => {
    const options = { messages: { maxAge: 60_000 } };
    const old = at(1_000_000);
    await compareBatch(redis, options, [["GUILD_CREATE", GUILD]], [
      create(old),
      create(at(1_000_000 + 60_001)),
      ...reads(old),
    ]);
  },
));

Deno.test(redisStoreTest(
  "Redis applyBatch: a guild removed earlier in the batch took its channels' messages, not those of a channel it does not hold",
  6,
  async (redis) => {
    const update = (id: string, channelId: string): [string, unknown] => [
      "MESSAGE_UPDATE",
      { id, channel_id: channelId, guild_id: "1", content: "e" },
    ];
    for (
      const removal of [{ id: "1" }, { v: 10, guilds: [], session_id: "s" }]
    ) {
      await compareBatch(redis, {}, [
        ["GUILD_CREATE", GUILD],
        create("10"),
        // A channel the cache does not hold (a thread never announced).
        create("11", "99"),
      ], [
        [removal.id === undefined ? "READY" : "GUILD_DELETE", removal],
        update("10", "2"),
        update("11", "99"),
      ]);
    }
  },
));

Deno.test(redisStoreTest(
  "Redis applyBatch: a GUILD_CREATE of a held guild takes its channels' message ids too, so a message kept later in the batch is not trimmed against them",
  6,
  async (redis) => {
    const options = { messages: { perChannel: 2 } };
    const update = (id: string, content: string): [string, unknown] => [
      "MESSAGE_UPDATE",
      // Whole (a timestamp): an edit of a message not held keeps it.
      {
        ...create(id)[1] as object,
        content,
        timestamp: "2024-01-01T00:00:00.000000+00:00",
      },
    ];
    // The guild is rebuilt: its messages 10 and 11 go. An edit of an older
    // message not held keeps it, and the later events find it.
    const guild = { ...GUILD, members: [] };
    await compareBatch(redis, options, [
      ["GUILD_CREATE", guild],
      create("200"),
      create("201"),
    ], [
      ["GUILD_CREATE", guild],
      update("150", "e"),
      ...reads("150").slice(1, 2),
      update("150", "again"),
    ]);
  },
));
