// A message Discord could not have sent (a list or text far past Discord's
// documented limits) is not cached: the stores bound how many messages they
// hold, so a hostile gateway's few huge ones would fill the heap. The core
// decides, so the memory store and the Redis store agree.
import assert from "node:assert/strict";
import { MemoryCache, RedisCache } from "../../cache/mod.ts";
import { messageExcess } from "../../cache/message_bounds.ts";
import { messagesOf, withLogRecords } from "../_fakes/log_records.ts";
import { user } from "./_event_sequences.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";
import { assertSameStores } from "./_same_stores.ts";

const GUILD = {
  id: "1",
  name: "g",
  channels: [{ id: "2", type: 0, name: "c" }],
  roles: [],
  members: [],
};

const message = (
  id: string,
  fields: Record<string, unknown> = {},
): Record<string, unknown> => ({
  id,
  channel_id: "2",
  guild_id: "1",
  author: user("7"),
  content: "x",
  timestamp: "2024-01-01T00:00:00.000000+00:00",
  ...fields,
});

const many = (length: number, item: (i: number) => unknown) =>
  Array.from({ length }, (_, i) => item(i));

/** Messages each past one bound, and the field named as over it. */
const OVERSIZED: [field: string, fields: Record<string, unknown>][] = [
  ["content", { content: "x".repeat(32_001) }],
  ["embeds", { embeds: many(41, () => ({ a: [] })) }],
  ["attachments", { attachments: many(41, (i) => ({ id: String(i + 1) })) }],
  ["sticker_items", { sticker_items: many(13, () => ({ id: "1" })) }],
  ["stickers", { stickers: many(13, () => ({ id: "1" })) }],
  ["components", { components: many(161, () => ({ type: 1 })) }],
  ["message_snapshots", { message_snapshots: many(5, () => ({})) }],
  ["mentions", { mentions: many(1_001, (i) => user(String(i + 1))) }],
  ["mention_roles", { mention_roles: many(1_001, (i) => String(i + 1)) }],
  ["mention_channels", { mention_channels: many(1_001, () => ({})) }],
  ["reactions", { reactions: many(1_001, () => ({})) }],
  ["poll.answers", { poll: { answers: many(1_001, () => ({})) } }],
  ["poll.results.answer_counts", {
    poll: { answers: [], results: { answer_counts: many(1_001, () => ({})) } },
  }],
  ["embeds[].fields", { embeds: [{ fields: many(101, () => ({})) }] }],
  ["embeds' text", {
    embeds: many(2, () => ({ description: "y".repeat(24_001) })),
  }],
  // Each text of an embed counts: its title, footer, author and fields.
  ["embeds' text", { embeds: [{ title: "y".repeat(48_001) }] }],
  ["embeds' text", { embeds: [{ footer: { text: "y".repeat(48_001) } }] }],
  ["embeds' text", { embeds: [{ author: { name: "y".repeat(48_001) } }] }],
  ["embeds' text", {
    embeds: [{ fields: [{ name: "y".repeat(48_001), value: "" }] }],
  }],
  ["embeds' text", {
    embeds: [{ fields: [{ name: "", value: "y".repeat(48_001) }] }],
  }],
  ["message_snapshots[].attachments", {
    message_snapshots: [{ message: { attachments: many(41, () => ({})) } }],
  }],
];

Deno.test("messageExcess: each list or text past its bound is named; Discord's own limits (and a little over) are not", () => {
  for (const [field, fields] of OVERSIZED) {
    assert.equal(messageExcess(message("10", fields))?.field, field, field);
  }
  const atDiscordsLimits = message("10", {
    content: "😀".repeat(4_000),
    embeds: many(10, () => ({
      title: "t".repeat(256),
      fields: many(25, () => ({ name: "n", value: "v".repeat(20) })),
    })),
    attachments: many(10, (i) => ({ id: String(i + 1) })),
    sticker_items: many(3, () => ({ id: "1" })),
    components: many(40, () => ({ type: 10, content: "c" })),
    mentions: many(200, (i) => user(String(i + 1))),
    poll: { answers: many(10, () => ({})) },
  });
  assert.equal(messageExcess(atDiscordsLimits), undefined);
});

Deno.test("messageExcess: a message with each list exactly at its bound is not over it", () => {
  const atBounds = message("10", {
    embeds: [
      { fields: many(100, () => ({ name: "n", value: "v" })) },
      ...many(39, () => ({})),
    ],
    attachments: many(40, (i) => ({ id: String(i + 1) })),
    sticker_items: many(12, () => ({ id: "1" })),
    stickers: many(12, () => ({ id: "1" })),
    components: many(160, () => ({ type: 1 })),
    message_snapshots: many(4, () => ({ message: { content: "x" } })),
    mentions: many(1_000, (i) => user(String(i + 1))),
    mention_roles: many(1_000, (i) => String(i + 1)),
    mention_channels: many(1_000, () => ({})),
    reactions: many(1_000, () => ({})),
    poll: {
      answers: many(1_000, () => ({})),
      results: { answer_counts: many(1_000, () => ({})) },
    },
  });
  assert.equal(messageExcess(atBounds), undefined);
});

Deno.test("memory store: a created message past a bound is not kept, and said once per field naming its channel", async () => {
  await withLogRecords((records) => {
    const cache = new MemoryCache();
    cache.apply("GUILD_CREATE", GUILD);
    for (const [i, [field, fields]] of OVERSIZED.entries()) {
      const id = String(100 + i);
      cache.apply("MESSAGE_CREATE", message(id, fields));
      assert.equal(cache.message("2", id), undefined, field);
    }
    // The same field again: no second line.
    cache.apply("MESSAGE_CREATE", message("99", OVERSIZED[0]![1]));
    cache.apply("MESSAGE_CREATE", message("98"));
    assert.equal(cache.message("2", "98")?.content, "x");
    assert.equal(cache.sizes().message, 1);
    // Once per field: the embeds' text rows say it once between them.
    const fields = new Set(OVERSIZED.map(([field]) => field));
    assert.equal(messagesOf(records, /Not caching message/), fields.size);
    assert.equal(
      messagesOf(
        records,
        /message 100 of channel 2: its content is 32001 long/,
      ),
      1,
    );
    return Promise.resolve();
  });
});

Deno.test("memory store: an update making a held message oversized drops it, handing back the held one as old; later events find none", () => {
  const cache = new MemoryCache();
  cache.apply("GUILD_CREATE", GUILD);
  cache.apply("MESSAGE_CREATE", message("10"));
  const held = cache.message("2", "10");
  const { old } = cache.apply("MESSAGE_UPDATE", {
    id: "10",
    channel_id: "2",
    guild_id: "1",
    attachments: many(3_000, () => ({ id: "1" })),
  });
  assert.deepEqual(old, held);
  assert.equal(cache.message("2", "10"), undefined);
  assert.equal(
    cache.apply("MESSAGE_DELETE", { id: "10", channel_id: "2" }).old,
    undefined,
  );
  // A whole message updated but not held is not kept either.
  cache.apply("MESSAGE_UPDATE", message("11", { content: "z".repeat(40_000) }));
  assert.equal(cache.message("2", "11"), undefined);
  assert.equal(cache.sizes().message, 0);
});

Deno.test({
  name:
    "RedisCache: oversized messages are not kept, as in memory: the same changes' effect and the same old",
  ignore: privateRedisIgnored,
  // The records taken: the warnings are the memory store's test's.
  fn: () =>
    withLogRecords(() =>
      withPrivateRedis(async (_, redis) => {
        const cache = new RedisCache(redis);
        const memory = new MemoryCache();
        const both = async (event: string, data: unknown) => {
          const fromMemory = memory.apply(event, structuredClone(data));
          const fromRedis = await cache.apply(event, structuredClone(data));
          assert.deepStrictEqual(fromRedis.old, fromMemory.old, event);
        };
        await both("GUILD_CREATE", GUILD);
        for (const [i, [, fields]] of OVERSIZED.entries()) {
          await both("MESSAGE_CREATE", message(String(100 + i), fields));
        }
        await both("MESSAGE_CREATE", message("10"));
        await both("MESSAGE_CREATE", message("11"));
        await both("MESSAGE_UPDATE", {
          id: "10",
          channel_id: "2",
          guild_id: "1",
          mention_channels: many(1_001, () => ({ id: "2" })),
        });
        await both("MESSAGE_DELETE", { id: "10", channel_id: "2" });
        await cache.flush();
        assert.equal(memory.sizes().message, 1);
        await assertSameStores(redis, memory, "after");
      })
    ),
});
