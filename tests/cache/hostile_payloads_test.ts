// Payloads a hostile (or changed) gateway may send with the right ids but
// odd values inside: nothing throws out of a store's apply, both stores keep
// the same thing, and a handler still gets the event.
import assert from "node:assert/strict";
import { assertSameStores, cacheKeys } from "./_same_stores.ts";
import {
  CACHE_RESOURCES,
  type CacheLookup,
  cacheReads,
  MemoryCache,
  RedisCache,
  reduceDispatch,
} from "../../cache/mod.ts";
import { MAX_POLL_ANSWERS } from "../../cache/poll_votes.ts";
import { MAX_REACTIONS } from "../../cache/reactions.ts";
import { COMPLETE } from "../../cache/redis_scripts.ts";
import { MAX_VALUE_LENGTH } from "../../cache/redis_layout.ts";
import { OversizedValues, stubOf } from "../../cache/redis_oversized.ts";
import { Client } from "../../handler/client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { user } from "./_event_sequences.ts";
import { redisStoreTest } from "./_redis_database.ts";
import { createdGuild } from "./_created_guild.ts";

const GUILD = {
  id: "1",
  name: "g",
  channels: [{ id: "2", type: 0, name: "c" }],
  threads: [{ id: "3", type: 11, parent_id: "2", name: "t", member_count: 5 }],
  roles: [],
  members: [],
};
const message = (
  id: string,
  fields: Record<string, unknown>,
): Record<string, unknown> => ({
  id,
  channel_id: "2",
  guild_id: "1",
  content: "x",
  timestamp: "2024-01-01T00:00:00.000000+00:00",
  ...fields,
});

/** Dispatches whose nested values are not the objects Discord documents. */
const ODD_MESSAGES: [string, unknown][] = [
  ["MESSAGE_CREATE", message("10", { author: null })],
  ["MESSAGE_CREATE", message("11", { author: user("7"), mentions: [null] })],
  ["MESSAGE_CREATE", message("12", { author: "7", mentions: [1, user("8")] })],
  ["MESSAGE_UPDATE", message("11", { author: null, mentions: [null, "x"] })],
];

Deno.test("memory store: a message whose author or mentions are not objects is kept as sent, nothing throws", () => {
  const cache = new MemoryCache();
  cache.apply("GUILD_CREATE", GUILD);
  for (const [event, data] of ODD_MESSAGES) {
    cache.apply(event, structuredClone(data));
  }
  assert.equal(cache.message("2", "10")?.author, null);
  assert.deepEqual(cache.message("2", "11")?.mentions, [null, "x"]);
  assert.equal(cache.message("2", "11")?.author, null);
  assert.equal(cache.message("2", "12")?.author as unknown, "7");
  assert.deepEqual(cache.message("2", "12")?.mentions, [1, user("8")]);
});

Deno.test(redisStoreTest(
  "Redis store: odd authors and mentions are kept as the memory store keeps them, and the store stays fresh",
  7,
  async (redis) => {
    const store = new RedisCache(redis);
    const memory = new MemoryCache();
    for (
      const [event, data] of [["GUILD_CREATE", GUILD], ...ODD_MESSAGES] as [
        string,
        unknown,
      ][]
    ) {
      const fromRedis = await store.apply(event, structuredClone(data));
      const fromMemory = memory.apply(event, structuredClone(data));
      assert.deepStrictEqual(fromRedis.old, fromMemory.old, event);
    }
    await store.flush();
    assert.equal(store.stale, false);
    for (const id of ["10", "11", "12"]) {
      assert.deepStrictEqual(
        await store.message("2", id),
        memory.message("2", id),
      );
    }
  },
));

Deno.test("Client: a MESSAGE_CREATE with `author: null` still reaches its listener", async () => {
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages,
    ...discord.clientOptions,
    cache: { resources: ["guilds", "channels", "messages"] },
  });
  const seen: string[] = [];
  client.on("MESSAGE_CREATE", (data) => {
    seen.push(data.id);
  });
  await client.start();
  await client.idle();
  discord.gateway.dispatch(
    "MESSAGE_CREATE",
    {
      ...message("1000", { author: null }),
      channel_id: discord.channelId,
      guild_id: discord.guildId,
    },
    { guildId: discord.guildId },
  );
  discord.postMessage("after");
  await client.idle();
  assert.equal(seen[0], "1000");
  assert.equal(seen.length, 2);
  assert.equal(client.cache.message(discord.channelId, "1000")?.author, null);
});

Deno.test("memory store: a member's joined_at that is not a string comes back as it went in", () => {
  const cache = new MemoryCache();
  cache.apply("GUILD_CREATE", GUILD);
  for (const joined of [1_700_000_000_000, 0, true]) {
    cache.apply("GUILD_MEMBER_ADD", {
      guild_id: "1",
      user: user("7"),
      roles: [],
      joined_at: joined,
    });
    assert.equal(cache.member("1", "7")?.joined_at as unknown, joined);
  }
});

/** THREAD_MEMBERS_UPDATEs of thread 3 with the bot (id 9) in or out. */
const THREAD_MEMBERS: [string, unknown][] = [
  ["READY", { v: 10, user: user("9"), guilds: [], session_id: "s" }],
  ["GUILD_CREATE", GUILD],
  ["THREAD_MEMBERS_UPDATE", {
    id: "3",
    guild_id: "1",
    member_count: 6,
    added_members: [{ id: "3", user_id: "9", join_timestamp: "t", flags: 0 }],
  }],
  // No count: a hostile or changed payload; the one known stays.
  ["THREAD_MEMBERS_UPDATE", { id: "3", guild_id: "1" }],
  ["THREAD_MEMBERS_UPDATE", {
    id: "3",
    guild_id: "1",
    member_count: 5,
    removed_member_ids: ["9"],
  }],
];

Deno.test("THREAD_MEMBERS_UPDATE: the bot's thread member comes and goes with it; a missing count keeps the known one", () => {
  const cache = new MemoryCache();
  const [ready, create, added, noCount, removed] = THREAD_MEMBERS;
  cache.apply(...ready!);
  cache.apply(...create!);
  cache.apply(...added!);
  assert.deepEqual(cache.channel("3")?.member, {
    id: "3",
    user_id: "9",
    join_timestamp: "t",
    flags: 0,
  });
  assert.equal(cache.channel("3")?.member_count, 6);
  cache.apply(...noCount!);
  assert.equal(cache.channel("3")?.member_count, 6);
  assert.ok(Object.hasOwn(cache.channel("3")!, "member_count"));
  cache.apply(...removed!);
  assert.equal(cache.channel("3")?.member_count, 5);
  assert.equal(cache.channel("3")?.member, undefined);
  assert.ok(!Object.hasOwn(cache.channel("3")!, "member"));
});

Deno.test(redisStoreTest(
  "THREAD_MEMBERS_UPDATE: the Redis store holds exactly what the memory store holds after each",
  7,
  async (redis) => {
    const store = new RedisCache(redis);
    const memory = new MemoryCache();
    for (const [event, data] of THREAD_MEMBERS) {
      await store.apply(event, structuredClone(data));
      memory.apply(event, structuredClone(data));
      await store.flush();
      assert.deepStrictEqual(await store.channel("3"), memory.channel("3"));
    }
  },
));

/** Every member of every `*_keys` set that has no key behind it. */
async function danglingEntries(
  redis: Parameters<Parameters<typeof redisStoreTest>[2]>[0],
): Promise<string[]> {
  const dangling: string[] = [];
  for (const set of await redis.keys("*_keys*")) {
    if (set === "expiry_keys") continue;
    for (const key of await redis.smembers(set)) {
      if (key === COMPLETE) continue; // a kind set's "whole" marker
      if (await redis.exists(key) === 0) dangling.push(`${set} ${key}`);
    }
  }
  return dangling;
}

Deno.test(redisStoreTest(
  "channel events naming another guild than the channel's: both stores agree and Redis keeps no set entry without its key",
  7,
  async (redis) => {
    const other = { ...GUILD, id: "5", channels: [], threads: [] };
    const sequences: [string, unknown][][] = [
      [["CHANNEL_DELETE", { id: "2", type: 0, guild_id: "5" }]],
      [
        ["CHANNEL_UPDATE", { id: "2", type: 0, name: "x", guild_id: "5" }],
        ["GUILD_DELETE", { id: "1" }],
      ],
      [
        ["CHANNEL_CREATE", { id: "3", type: 0, name: "x", guild_id: "5" }],
        ["GUILD_DELETE", { id: "5" }],
      ],
      // Events that patch a channel: without a guild (the DM form) or
      // naming another guild.
      [
        ["CHANNEL_PINS_UPDATE", { channel_id: "2", last_pin_timestamp: null }],
        ["GUILD_DELETE", { id: "1" }],
      ],
      [
        ["THREAD_MEMBERS_UPDATE", { id: "3", guild_id: "5", member_count: 1 }],
        ["GUILD_DELETE", { id: "5" }],
      ],
      // Whole lists naming channels held in guild 1 under guild 5: they
      // stay where they are held (and go with guild 5's removal nowhere).
      [
        ["GUILD_CREATE", {
          ...other,
          channels: [{ id: "2", type: 0, name: "moved" }],
          threads: [{ id: "3", type: 11, parent_id: "2", name: "moved" }],
        }],
        ["GUILD_DELETE", { id: "5" }],
      ],
      [
        ["THREAD_LIST_SYNC", {
          guild_id: "5",
          threads: [{ id: "3", type: 11, parent_id: "2", name: "moved" }],
        }],
        ["GUILD_DELETE", { id: "5" }],
      ],
    ];
    for (const sequence of sequences) {
      await redis.flushdb();
      const store = new RedisCache(redis);
      const memory = new MemoryCache();
      for (
        const [event, data] of [
          ["GUILD_CREATE", GUILD],
          ["GUILD_CREATE", other],
          ...sequence,
        ] as [string, unknown][]
      ) {
        const fromRedis = await store.apply(event, structuredClone(data));
        const fromMemory = memory.apply(event, structuredClone(data));
        assert.deepStrictEqual(fromRedis.old, fromMemory.old, event);
      }
      await store.flush();
      const where = sequence.map(([event]) => event).join(", ");
      assert.deepEqual(await danglingEntries(redis), [], where);
      for (const id of ["2", "3"]) {
        assert.deepStrictEqual(
          await store.channel(id),
          memory.channel(id),
          `${where}: channel ${id}`,
        );
      }
      assert.deepEqual(
        (await store.all("channel", "1")).map((c) => c.id).sort(),
        memory.channels("1").map((c) => c.id).sort(),
        where,
      );
      // A channel never moves: still in guild 1, or gone with it.
      for (const id of ["2", "3"]) {
        const channel = memory.channel(id);
        if (channel !== undefined) {
          assert.equal(channel.guild_id, "1", `${where}: channel ${id}`);
          assert.notEqual(channel.name, "moved", `${where}: channel ${id}`);
        }
      }
    }
  },
));

Deno.test(redisStoreTest(
  "lists handed back as old (a guild's emojis, the threads a sync removed) come in the same order from both stores",
  7,
  async (redis) => {
    const store = new RedisCache(redis);
    const memory = new MemoryCache();
    // Past 128 members Redis keeps a set as a hash table: no fixed order.
    const ids = Array.from({ length: 200 }, (_, i) => String(1000 + i));
    const guild = {
      ...GUILD,
      channels: [],
      threads: ids.map((id) => ({ id, type: 11, parent_id: "2" })),
      emojis: ids.map((id) => ({ id, name: `e${id}` })),
    };
    const events: [string, unknown][] = [
      ["GUILD_CREATE", guild],
      ["GUILD_EMOJIS_UPDATE", { guild_id: "1", emojis: [] }],
      ["THREAD_LIST_SYNC", { guild_id: "1", threads: [], members: [] }],
    ];
    for (const [event, data] of events) {
      const fromRedis = await store.apply(event, structuredClone(data));
      const fromMemory = memory.apply(event, structuredClone(data));
      assert.deepStrictEqual(fromRedis.old, fromMemory.old, event);
    }
  },
));

Deno.test(redisStoreTest(
  "a list event whose list is no array (missing, null, an object, a string) changes nothing in either store, as a bulk delete's `ids` does; a THREAD_LIST_SYNC without `channel_ids` still syncs the whole guild",
  7,
  async (redis) => {
    const guild = {
      ...GUILD,
      emojis: [{ id: "10", name: "a" }, { id: "11", name: "b" }],
      stickers: [{ id: "20", name: "s" }],
      soundboard_sounds: [{ sound_id: "30", name: "d" }],
    };
    const store = new RedisCache(redis);
    const memory = new MemoryCache();
    const apply = async (event: string, data: unknown) => {
      const fromRedis = await store.apply(event, structuredClone(data));
      const fromMemory = memory.apply(event, structuredClone(data));
      assert.deepStrictEqual(fromRedis.old, fromMemory.old, event);
      return fromMemory.old;
    };
    await apply("GUILD_CREATE", guild);
    await apply("MESSAGE_CREATE", {
      ...message("40", { author: user("7") }),
      channel_id: "3",
    });
    for (const odd of [undefined, null, { "10": { id: "10" } }, "oops"]) {
      const list = (name: string) =>
        odd === undefined ? {} : { [name]: structuredClone(odd) };
      for (
        const [event, data] of [
          ["GUILD_EMOJIS_UPDATE", { guild_id: "1", ...list("emojis") }],
          ["GUILD_STICKERS_UPDATE", { guild_id: "1", ...list("stickers") }],
          ["SOUNDBOARD_SOUNDS", {
            guild_id: "1",
            ...list("soundboard_sounds"),
          }],
          ["THREAD_LIST_SYNC", { guild_id: "1", ...list("threads") }],
          // Sent, but no list of channels: not a sync of the whole guild.
          ["THREAD_LIST_SYNC", {
            guild_id: "1",
            threads: [],
            channel_ids: odd ?? null,
          }],
        ] as [string, unknown][]
      ) {
        const where = `${event} ${JSON.stringify(data)}`;
        assert.equal(await apply(event, data), undefined, where);
        await store.flush();
        const held = {
          emojis: memory.emojis("1").map((e) => e.id).sort(),
          stickers: memory.stickers("1").length,
          sounds: memory.soundboardSounds("1").length,
          thread: memory.channel("3")?.id,
          message: memory.message("3", "40")?.id,
        };
        assert.deepEqual(held, {
          emojis: ["10", "11"],
          stickers: 1,
          sounds: 1,
          thread: "3",
          message: "40",
        }, `memory: ${where}`);
        assert.deepEqual(
          {
            emojis: (await store.all("emoji", "1")).map((e) => e.id).sort(),
            stickers: (await store.all("sticker", "1")).length,
            sounds: (await store.all("soundboard_sound", "1")).length,
            thread: (await store.channel("3"))?.id,
            message: (await store.message("3", "40"))?.id,
          },
          held,
          `Redis: ${where}`,
        );
      }
    }
    // Discord's docs make `channel_ids` optional: without it, the sync is
    // of the whole guild, and an empty list of threads removes them all.
    const old = await apply("THREAD_LIST_SYNC", { guild_id: "1", threads: [] });
    assert.deepEqual((old as { id: string }[]).map((t) => t.id), ["3"]);
    await store.flush();
    assert.equal(memory.channel("3"), undefined);
    assert.equal(await store.channel("3"), undefined);
    assert.deepEqual(await danglingEntries(redis), []);
  },
));

Deno.test("reactions without an emoji object add nothing; a bulk delete naming an id twice hands its message back once", () => {
  const cache = new MemoryCache();
  cache.apply("GUILD_CREATE", GUILD);
  cache.apply("MESSAGE_CREATE", message("10", { author: user("7") }));
  for (const emoji of [null, "x", 5, [], null]) {
    cache.apply("MESSAGE_REACTION_ADD", {
      user_id: "7",
      channel_id: "2",
      message_id: "10",
      guild_id: "1",
      emoji,
    });
  }
  assert.deepEqual(cache.message("2", "10")?.reactions ?? [], []);
  const { old } = cache.apply("MESSAGE_DELETE_BULK", {
    ids: ["10", "10", "10"],
    channel_id: "2",
    guild_id: "1",
  });
  assert.equal((old as unknown[]).length, 1);
});

Deno.test("Client: a cache that throws costs the event its ctx.old, not its delivery, and says so", async () => {
  await using discord = await FakeDiscord.start();
  await using client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages |
      GatewayIntent.MessageContent,
    ...discord.clientOptions,
    cache: { resources: ["guilds", "channels", "messages"] },
  });
  const seen: [string, unknown][] = [];
  client.on("MESSAGE_CREATE", (data, ctx) => {
    seen.push([data.content, ctx.old]);
  });
  await client.start();
  await client.idle();
  // A bug in the cache, as a payload it does not expect could reveal.
  const apply = client.cache.apply.bind(client.cache);
  client.cache.apply = (event, data) => {
    if (event === "MESSAGE_CREATE") throw new Error("cache bug");
    return apply(event, data);
  };
  const texts = ["first", "second", "third", "fourth", "fifth"];
  const errors = await captureStderr(async () => {
    for (const text of texts) discord.postMessage(text);
    await client.idle();
  });
  assert.deepEqual(seen, texts.map((text) => [text, undefined]));
  // Said at the 1st, 2nd and 4th failure, not once per event.
  const said = errors.filter((line) =>
    line.includes("MESSAGE_CREATE") && line.includes("cache bug")
  );
  assert.equal(said.length, 3, errors.join("\n"));
});

Deno.test(redisStoreTest(
  "message ids written with leading zeros change nothing: the stores would order and evict them differently",
  7,
  async (redis) => {
    const options = { messages: { perChannel: 2 } };
    const store = new RedisCache(redis, options);
    const memory = new MemoryCache(options);
    for (
      const [event, data] of [
        ["GUILD_CREATE", GUILD],
        ["MESSAGE_CREATE", message("9", { author: user("7") })],
        ["MESSAGE_CREATE", message("01", { author: user("7") })],
        ["MESSAGE_CREATE", message("10", { author: user("7") })],
      ] as [string, unknown][]
    ) {
      await store.apply(event, structuredClone(data));
      memory.apply(event, structuredClone(data));
    }
    await store.flush();
    const ids = memory.channelMessages("2").map((m) => m.id);
    assert.deepEqual(ids, ["9", "10"]);
    assert.deepEqual((await store.channelMessages("2")).map((m) => m.id), ids);
  },
));

Deno.test(redisStoreTest(
  "Redis values that are not JSON objects (another writer's, or corrupt) count as absent: apply never throws and the store stays fresh",
  7,
  async (redis) => {
    const store = new RedisCache(redis);
    await store.apply("GUILD_CREATE", GUILD);
    await store.apply("MESSAGE_CREATE", message("10", { author: user("7") }));
    await store.apply("GUILD_MEMBER_ADD", { guild_id: "1", ...user("7") });
    for (const text of ["null", "[1]", "5", '"x"', "{not json"]) {
      await redis.set("message:2:10", text);
      await redis.set("member:1:7", text);
      await redis.set("channel:2", text);
      const updates = await store.applyBatch([
        {
          event: "MESSAGE_REACTION_ADD",
          data: {
            user_id: "7",
            channel_id: "2",
            message_id: "10",
            guild_id: "1",
            emoji: { id: null, name: "a" },
          },
        },
        {
          event: "GUILD_MEMBER_UPDATE",
          data: {
            guild_id: "1",
            user: user("7"),
            roles: [],
            joined_at: null,
            deaf: false,
            mute: false,
            flags: 0,
          },
        },
        {
          event: "CHANNEL_PINS_UPDATE",
          data: { guild_id: "1", channel_id: "2", last_pin_timestamp: null },
        },
      ]);
      assert.deepEqual(updates.map((u) => u.old), [
        undefined,
        undefined,
        undefined,
      ]);
      await store.flush();
      assert.equal(store.stale, false, text);
      assert.deepEqual((await store.member("1", "7"))?.roles, [], text);
      assert.equal(await store.message("2", "10"), undefined, text);
    }
  },
));

Deno.test(redisStoreTest(
  "RedisCache: a payload the core throws on is reported (stale, onStale) and the rest of its batch is still written",
  7,
  async (redis) => {
    const reasons: unknown[] = [];
    const store = new RedisCache(redis, {
      onStale: (error) => reasons.push(error),
    });
    // Not from JSON: a payload object whose field cannot be read.
    const trap = {
      id: "10",
      channel_id: "2",
      get guild_id(): string {
        throw new Error("unreadable field");
      },
    };
    const errors = await captureStderr(async () => {
      const updates = await store.applyBatch([
        { event: "GUILD_CREATE", data: GUILD },
        { event: "MESSAGE_CREATE", data: trap },
        { event: "GUILD_UPDATE", data: { id: "1", name: "renamed" } },
      ]);
      assert.equal(updates.length, 3);
      await store.flush();
    });
    assert.equal(store.stale, true);
    assert.equal((reasons[0] as Error).message, "unreadable field");
    assert.ok(errors.some((line) => line.includes("unreadable field")));
    assert.equal(createdGuild(await store.guild("1"))?.name, "renamed");
  },
));

Deno.test(redisStoreTest(
  "Poll votes on counts that are no numbers (JSON's 1e400 is Infinity) count from zero, and both stores keep the same tally",
  7,
  async (redis) => {
    const poll = (counts: string): unknown =>
      JSON.parse(
        `{"answers":[{"answer_id":1},{"answer_id":2},{"answer_id":3}],"results":{"is_finalized":false,"answer_counts":[{"id":1,"count":1e400},{"id":2,"count":"5"},{"id":3,"count":-0.5},${counts}]}}`,
      );
    const events: [string, unknown][] = [
      ["GUILD_CREATE", GUILD],
      ["MESSAGE_CREATE", message("10", { author: user("7"), poll: poll("7") })],
      ...[1, 2, 3].map((answer): [string, unknown] => [
        "MESSAGE_POLL_VOTE_ADD",
        {
          user_id: "7",
          channel_id: "2",
          message_id: "10",
          guild_id: "1",
          answer_id: answer,
        },
      ]),
    ];
    const store = new RedisCache(redis);
    const memory = new MemoryCache();
    for (const [event, data] of events) {
      await store.apply(event, structuredClone(data));
      memory.apply(event, structuredClone(data));
    }
    await store.flush();
    assert.equal(store.stale, false);
    const tally = (memory.message("2", "10")?.poll?.results as {
      answer_counts: { id: number; count: unknown }[];
    }).answer_counts;
    assert.deepEqual(tally.map((entry) => entry.count), [1, 1, 1]);
    assert.deepStrictEqual(
      await store.message("2", "10"),
      memory.message("2", "10"),
    );
  },
));

/** A MESSAGE_REACTION_ADD of `emoji` (a Unicode emoji's name) on message 10. */
const reactionAdd = (emoji: string): Record<string, unknown> => ({
  user_id: "7",
  channel_id: "2",
  message_id: "10",
  guild_id: "1",
  emoji: { id: null, name: emoji },
  burst: false,
});

Deno.test("a message's reactions stop at MAX_REACTIONS distinct emojis: a gateway naming a new one each time cannot make every event copy a longer list", () => {
  const cache = new MemoryCache();
  cache.apply("GUILD_CREATE", GUILD);
  cache.apply("MESSAGE_CREATE", message("10", { author: user("7") }));
  for (let i = 0; i < MAX_REACTIONS + 50; i++) {
    cache.apply("MESSAGE_REACTION_ADD", reactionAdd(`e${i}`));
  }
  const reactions = cache.message("2", "10")?.reactions ?? [];
  assert.equal(reactions.length, MAX_REACTIONS);
  assert.equal(
    cache.apply("MESSAGE_REACTION_ADD", reactionAdd(`e${MAX_REACTIONS}`))
      .changes.length,
    0,
  );
  // The ones held still count.
  cache.apply("MESSAGE_REACTION_ADD", reactionAdd("e0"));
  assert.equal(cache.message("2", "10")?.reactions?.[0]?.count, 2);
});

Deno.test("a list longer than Discord sends (reactions, poll answers) is kept as it came and not patched; REMOVE_ALL still clears reactions", () => {
  const cache = new MemoryCache();
  cache.apply("GUILD_CREATE", GUILD);
  const many = MAX_REACTIONS + 1;
  cache.apply(
    "MESSAGE_CREATE",
    message("10", {
      author: user("7"),
      reactions: Array.from({ length: many }, (_, i) => ({
        count: 1,
        count_details: { burst: 0, normal: 1 },
        me: false,
        me_burst: false,
        emoji: { id: null, name: `e${i}` },
        burst_colors: [],
      })),
    }),
  );
  for (const emoji of ["e0", "new"]) {
    const { changes, old } = cache.apply(
      "MESSAGE_REACTION_ADD",
      reactionAdd(emoji),
    );
    assert.equal(changes.length, 0, emoji);
    assert.equal((old as { id: string }).id, "10");
  }
  assert.equal(cache.message("2", "10")?.reactions?.[0]?.count, 1);
  cache.apply("MESSAGE_REACTION_REMOVE_ALL", {
    channel_id: "2",
    message_id: "10",
    guild_id: "1",
  });
  assert.deepEqual(cache.message("2", "10")?.reactions, []);

  const poll = (answers: number) => ({
    question: { text: "q" },
    answers: Array.from({ length: answers }, (_, i) => ({
      answer_id: i + 1,
      poll_media: { text: `a${i}` },
    })),
    expiry: "2024-01-02T00:00:00.000000+00:00",
    allow_multiselect: true,
    layout_type: 1,
    results: { is_finalized: false, answer_counts: [] },
  });
  cache.apply(
    "MESSAGE_CREATE",
    message("11", { author: user("7"), poll: poll(MAX_POLL_ANSWERS + 1) }),
  );
  cache.apply(
    "MESSAGE_CREATE",
    message("12", { author: user("7"), poll: poll(10) }),
  );
  for (const id of ["11", "12"]) {
    cache.apply("MESSAGE_POLL_VOTE_ADD", {
      user_id: "7",
      channel_id: "2",
      message_id: id,
      guild_id: "1",
      answer_id: 1,
    });
  }
  const counts = (id: string) =>
    (cache.message("2", id)?.poll as { results: { answer_counts: unknown[] } })
      .results.answer_counts;
  assert.deepEqual(counts("11"), []);
  assert.deepEqual(counts("12"), [{ id: 1, count: 1, me_voted: false }]);
});

Deno.test(redisStoreTest(
  "Redis keeps no value whose JSON is longer than MAX_VALUE_LENGTH: a message that grows past it is held as its stub, without the long attachment, which the events that patch it patch",
  7,
  async (redis) => {
    const store = new RedisCache(redis);
    await store.apply("GUILD_CREATE", GUILD);
    // In an attachment's text: a content this long is no message Discord
    // sends, which no store keeps (cache/message_bounds.ts).
    const huge = [{ id: "1", description: "y".repeat(MAX_VALUE_LENGTH) }];
    await store.apply(
      "MESSAGE_CREATE",
      message("10", { author: user("7"), attachments: huge }),
    );
    await store.apply("MESSAGE_CREATE", message("11", { author: user("7") }));
    await store.apply("MESSAGE_UPDATE", message("11", { attachments: huge }));
    await store.apply("MESSAGE_REACTION_ADD", reactionAdd("e"));
    await store.flush();
    for (const id of ["10", "11"]) {
      const text = (await redis.get(`message:2:${id}`))!;
      assert.ok(text.length < 1_000, `message ${id}: ${text.length}`);
      assert.equal((await store.message("2", id))?.attachments, undefined);
      assert.equal((await store.message("2", id))?.author?.id, "7");
    }
    assert.deepEqual((await store.message("2", "10"))?.reactions, [
      {
        count: 1,
        count_details: { burst: 0, normal: 1 },
        me: false,
        me_burst: false,
        emoji: { id: null, name: "e" },
        burst_colors: [],
      },
    ]);
    assert.deepEqual((await redis.smembers("channel_keys:2")).sort(), [
      "message:2:10",
      "message:2:11",
    ]);
    assert.equal(store.stale, false);
  },
));

Deno.test(redisStoreTest(
  "Redis: a channel whose JSON is longer than MAX_VALUE_LENGTH goes as its delete takes it, messages included (the memory store keeps it): no key is left that its guild's removal cannot find, alone or in a batch",
  7,
  async (redis) => {
    const huge = {
      id: "2",
      type: 0,
      guild_id: "1",
      topic: "x".repeat(MAX_VALUE_LENGTH),
    };
    for (const batched of [false, true]) {
      await redis.flushdb();
      const store = new RedisCache(redis);
      await store.apply("GUILD_CREATE", GUILD);
      await store.apply("MESSAGE_CREATE", message("10", { author: user("7") }));
      const events = [
        { event: "CHANNEL_UPDATE", data: huge },
        // Later in the same batch the channel is not held either: a
        // MESSAGE_UPDATE of a message not held (kept as a MESSAGE_CREATE
        // would be, but without writing the channel again) keeps nothing.
        { event: "MESSAGE_UPDATE", data: message("11", { author: user("7") }) },
      ];
      if (batched) await store.applyBatch(events);
      else {
        for (const { event, data } of events) await store.apply(event, data);
      }
      await store.flush();
      // The memory store, which has no such bound, keeps the channel and
      // its messages; both hold nothing after the guild's removal.
      const memory = new MemoryCache();
      memory.apply("GUILD_CREATE", GUILD);
      memory.apply("MESSAGE_CREATE", message("10", { author: user("7") }));
      for (const { event, data } of events) memory.apply(event, data);
      assert.equal(memory.channel("2")?.topic, huge.topic);
      assert.equal(memory.channelMessages("2").length, 2);
      memory.apply("GUILD_DELETE", { id: "1" });
      assert.equal(memory.sizes().message + memory.sizes().channel, 0);
      assert.equal(await store.channel("2"), undefined);
      assert.deepEqual(await redis.keys("message:*"), [], `batched ${batched}`);
      assert.equal(await redis.exists("channel_keys:2"), 0);
      assert.deepEqual(await danglingEntries(redis), []);
      await store.apply("GUILD_DELETE", { id: "1" });
      await store.flush();
      assert.deepEqual(
        (await cacheKeys(redis)).filter((key) => key !== "guild_keys"),
        [],
        `batched ${batched}`,
      );
      assert.equal(store.stale, false);
    }
  },
));

// A value whose JSON is longer than MAX_VALUE_LENGTH is held in Redis as a
// stub of its short fields: the removals that find it by being held (READY's
// drop of the guilds a session no longer lists, GUILD_DELETE,
// GUILD_ROLE_DELETE's taking the role out of its members) leave Redis as
// they leave the memory store, and no key of the guild behind.
const HUGE = "x".repeat(MAX_VALUE_LENGTH);

const member = (id: string, roles: string[]) => ({
  user: user(id),
  roles,
  joined_at: "2024-01-01T00:00:00.000000+00:00",
  deaf: false,
  mute: false,
  flags: 0,
});

const ready = (guilds: string[], session: string) => ({
  v: 10,
  user: user("99"),
  guilds: guilds.map((id) => ({ id, unavailable: true })),
  session_id: session,
  shard: [0, 1],
});

/** Both stores given the same dispatches, alone or as one Redis batch. */
async function applyBoth(
  store: RedisCache,
  memory: MemoryCache,
  events: [string, unknown][],
  batched: boolean,
): Promise<void> {
  for (const [event, data] of events) {
    memory.apply(event, structuredClone(data));
  }
  if (batched) {
    await store.applyBatch(
      events.map(([event, data]) => ({ event, data: structuredClone(data) })),
    );
  } else {
    for (const [event, data] of events) {
      await store.apply(event, structuredClone(data));
    }
  }
  await store.flush();
}

Deno.test(redisStoreTest(
  "Redis: a guild whose JSON is longer than MAX_VALUE_LENGTH is held as its stub, so its later events are kept and READY's drop and GUILD_DELETE leave Redis as the memory store, with no key of it, alone or in a batch",
  7,
  async (redis) => {
    const created: [string, unknown][] = [
      ["READY", ready(["1"], "s1")],
      ["GUILD_CREATE", {
        id: "1",
        name: "g",
        description: HUGE,
        features: ["COMMUNITY"],
        member_count: 1,
        channels: [{ id: "10", type: 0, name: "c" }],
        roles: [{ id: "1", name: "@everyone", permissions: "0" }],
        members: [member("7", [])],
      }],
      // Of a known guild: kept by both stores.
      ["GUILD_ROLE_CREATE", { guild_id: "1", role: { id: "5", name: "r" } }],
    ];
    const endings: [string, [string, unknown][]][] = [
      ["READY without it", [["READY", ready([], "s2")]]],
      ["GUILD_DELETE", [["GUILD_DELETE", { id: "1" }]]],
    ];
    for (const batched of [false, true]) {
      for (const [ending, events] of endings) {
        const where = `${ending}, batched ${batched}`;
        await redis.flushdb();
        const store = new RedisCache(redis);
        const memory = new MemoryCache();
        await applyBoth(store, memory, created, batched);
        assert.equal(createdGuild(memory.guild("1"))?.description, HUGE);
        const stub = await store.guild("1");
        assert.deepEqual(
          stub,
          { id: "1", name: "g", features: ["COMMUNITY"], member_count: 1 },
          where,
        );
        assert.equal(
          (await store.role("1", "5"))?.name,
          memory.role("1", "5")?.name,
        );
        await applyBoth(store, memory, events, batched);
        await assertSameStores(redis, memory, where);
        // No key of the guild is left: only the bot's own.
        assert.deepEqual(await cacheKeys(redis), ["bot_user"], where);
        assert.equal(store.stale, false);
      }
    }
  },
));

Deno.test(redisStoreTest(
  "Redis: a role whose JSON is longer than MAX_VALUE_LENGTH is held as its stub, so GUILD_ROLE_DELETE takes it out of its members as in the memory store, alone or in a batch",
  7,
  async (redis) => {
    for (const batched of [false, true]) {
      await redis.flushdb();
      const store = new RedisCache(redis);
      const memory = new MemoryCache();
      await applyBoth(store, memory, [
        ["GUILD_CREATE", {
          id: "2",
          name: "g2",
          channels: [],
          roles: [
            { id: "2", name: "@everyone", permissions: "0" },
            { id: "5", name: HUGE, permissions: "8", position: 1 },
          ],
          members: [member("8", ["5"])],
        }],
      ], batched);
      assert.deepEqual(await store.role("2", "5"), {
        id: "5",
        permissions: "8",
        position: 1,
      });
      await applyBoth(store, memory, [
        ["GUILD_ROLE_DELETE", { guild_id: "2", role_id: "5" }],
      ], batched);
      assert.deepEqual((await store.member("2", "8"))?.roles, []);
      await assertSameStores(redis, memory, `batched ${batched}`);
      assert.equal(store.stale, false);
    }
  },
));

Deno.test("stubOf keeps short fields, short lists of short values and nested objects' short fields; drops long strings, long lists and lists of objects", () => {
  const stub = stubOf({
    id: "1",
    nick: null,
    pending: false,
    flags: 0,
    long: HUGE,
    roles: ["5", "6"],
    many: Array.from({ length: 251 }, () => "5"),
    embeds: [{ title: "t" }],
    user: { id: "7", bio: HUGE, avatar_decoration_data: { asset: "a" } },
  });
  assert.deepEqual(stub, {
    id: "1",
    nick: null,
    pending: false,
    flags: 0,
    roles: ["5", "6"],
    user: { id: "7" },
  });
});

Deno.test("OversizedValues.instead: a stub, a channel's removal, or a delete when the stub is still too long", () => {
  const oversized = new OversizedValues();
  const set = (kind: "member" | "channel", value: Record<string, unknown>) => ({
    op: "set" as const,
    kind,
    scope: "1",
    id: "7",
    value,
  });
  assert.deepEqual(
    oversized.instead(set("member", { user: { id: "7" }, nick: HUGE }), "m", 1),
    set("member", { user: { id: "7" } }),
  );
  assert.deepEqual(
    oversized.instead(set("channel", { id: "7", topic: HUGE }), "c", 1),
    { op: "remove_channel", scope: "1", id: "7" },
  );
  // Short fields only, but more of them than one value may hold.
  const wide = Object.fromEntries(
    Array.from({ length: 300 }, (_, i) => [`f${i}`, "y".repeat(4_000)]),
  );
  assert.deepEqual(
    oversized.instead(set("member", wide), "m", 1),
    { op: "delete", kind: "member", scope: "1", id: "7" },
  );
});

Deno.test("a MESSAGE_DELETE_BULK of 200,000 ids reads and deletes as many messages as its channel holds: none for a channel holding none", () => {
  const cache = new MemoryCache();
  cache.apply("GUILD_CREATE", GUILD);
  for (const id of ["10", "11", "12", "13", "14"]) {
    cache.apply("MESSAGE_CREATE", message(id, { author: user("7") }));
  }
  // Discord sends 100 ids at most; a hostile frame of millions got a read
  // and a delete each, held or not (seconds of a blocked event loop).
  const ids: unknown[] = Array.from(
    { length: 200_000 },
    (_, i) => String(1_000_000 + i),
  );
  ids.splice(50_000, 0, "13", 13, "11");
  ids.splice(150_000, 0, "13", "99");
  let gets = 0;
  let listed = 0;
  const counting: CacheLookup = {
    get: (kind, scope, id) => (gets++, cache.get(kind, scope, id)),
    ids: (kind, scope) => {
      const held = [...cache.ids(kind, scope)];
      listed += held.length;
      return held;
    },
  };
  const config = { resources: new Set(CACHE_RESOURCES) };
  for (const [channelId, held] of [["99", 0], ["2", 5]] as const) {
    const bulk = { ids, channel_id: channelId, guild_id: "1" };
    gets = listed = 0;
    const { changes, old } = reduceDispatch(
      counting,
      "MESSAGE_DELETE_BULK",
      bulk,
      config,
    );
    // The guild, the channel, and each message it holds.
    assert.ok(gets <= 2 + held, `channel ${channelId}: ${gets} reads`);
    assert.equal(listed, held, `channel ${channelId}: ids listed`);
    // What the Redis store fetches first: those lists and gets alone.
    const reads = cacheReads("MESSAGE_DELETE_BULK", bulk, config);
    assert.ok(reads.length <= 3, `channel ${channelId}: ${reads.length}`);
    if (held === 0) {
      assert.deepEqual(changes, []);
      assert.equal(old, undefined);
    } else {
      // The held ones named, each once, in the order named.
      assert.deepEqual(changes.map((change) => change.op), [
        "delete",
        "delete",
      ]);
      assert.deepEqual((old as { id: string }[]).map((m) => m.id), [
        "13",
        "11",
      ]);
    }
  }
  const { old } = cache.apply("MESSAGE_DELETE_BULK", {
    ids,
    channel_id: "2",
    guild_id: "1",
  });
  assert.deepEqual((old as { id: string }[]).map((m) => m.id), ["13", "11"]);
  assert.deepEqual(cache.channelMessages("2").map((m) => m.id), [
    "10",
    "12",
    "14",
  ]);
});

Deno.test("a MESSAGE_DELETE_BULK of Discord's size deletes every id it names, held or not (a Redis key evicted leaves its listings, which the delete takes out), its old the held ones", () => {
  const cache = new MemoryCache();
  cache.apply("GUILD_CREATE", GUILD);
  cache.apply("MESSAGE_CREATE", message("10", { author: user("7") }));
  const { changes, old } = reduceDispatch(
    cache,
    "MESSAGE_DELETE_BULK",
    { ids: ["10", "20", "20", "x", "30"], channel_id: "2", guild_id: "1" },
    { resources: new Set(CACHE_RESOURCES) },
  );
  assert.deepEqual(
    changes.map((change) => change.op === "delete" ? change.id : change.op),
    ["10", "20", "30"],
  );
  assert.deepEqual((old as { id: string }[]).map((m) => m.id), ["10"]);
});
