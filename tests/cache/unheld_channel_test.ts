// A guild message is kept only in a channel or thread the cache holds in
// that guild: a gateway naming a new channel id in every message cannot grow
// the cache by a channel's bound each time, and a message arriving after its
// channel's delete leaves nothing behind (in memory or in Redis).
import assert from "node:assert/strict";
import { MemoryCache, RedisCache } from "../../cache/mod.ts";
import { redisStoreTest } from "./_redis_database.ts";
import { mulberry32 } from "../_fakes/prng.ts";
import { user } from "./_event_sequences.ts";

const GUILD = {
  id: "5",
  name: "g",
  channels: [{ id: "50", type: 0, name: "general" }],
  threads: [{ id: "51", type: 11, parent_id: "50", name: "t" }],
  roles: [],
};

function message(id: string, channelId: string, guildId?: string): unknown {
  const data: Record<string, unknown> = {
    id,
    channel_id: channelId,
    content: `m${id}`,
    timestamp: "2024-01-01T00:00:00.000000+00:00",
    author: user("7"),
  };
  if (guildId !== undefined) data.guild_id = guildId;
  return data;
}

/** Messages of a held guild in channels it never announced. */
function strayMessages(count: number): [string, unknown][] {
  const random = mulberry32(11);
  const events: [string, unknown][] = [];
  for (let n = 0; n < count; n++) {
    const channel = String(1_000 + Math.floor(random() * 2 ** 40));
    events.push(["MESSAGE_CREATE", message(String(9_000 + n), channel, "5")]);
  }
  return events;
}

Deno.test("MemoryCache: messages of a held guild in channels it does not hold are not kept", () => {
  const cache = new MemoryCache();
  cache.apply("GUILD_CREATE", GUILD);
  cache.apply("GUILD_CREATE", { ...GUILD, id: "6", channels: [], threads: [] });
  for (const [event, data] of strayMessages(2_000)) cache.apply(event, data);
  assert.equal(cache.sizes().message, 0);
  // Its own channel and thread keep them; a channel of another guild does
  // not (a message naming guild 6 in guild 5's channel).
  cache.apply("MESSAGE_CREATE", message("100", "50", "5"));
  cache.apply("MESSAGE_CREATE", message("101", "51", "5"));
  cache.apply("MESSAGE_CREATE", message("102", "50", "6"));
  assert.deepEqual(cache.channelMessages("50").map((m) => m.id), ["100"]);
  assert.deepEqual(cache.channelMessages("51").map((m) => m.id), ["101"]);
  // A channel created later keeps the messages that follow its create.
  cache.apply("MESSAGE_CREATE", message("103", "52", "5"));
  cache.apply("CHANNEL_CREATE", { id: "52", type: 0, guild_id: "5" });
  cache.apply("MESSAGE_CREATE", message("104", "52", "5"));
  assert.deepEqual(cache.channelMessages("52").map((m) => m.id), ["104"]);
  // A message after its channel's delete leaves nothing behind.
  cache.apply("CHANNEL_DELETE", { id: "52", type: 0, guild_id: "5" });
  cache.apply("MESSAGE_CREATE", message("105", "52", "5"));
  assert.deepEqual(cache.channelMessages("52"), []);
  assert.equal(cache.sizes().message, 2);
});

Deno.test("MemoryCache: a DM (no guild, no channel create) is kept", () => {
  const cache = new MemoryCache();
  cache.apply("MESSAGE_CREATE", message("100", "70"));
  assert.equal(cache.message("70", "100")?.content, "m100");
});

Deno.test("MemoryCache: DM channels are bounded; the one written least recently goes, its authors with it", () => {
  const cache = new MemoryCache({ messages: { dmChannels: 3 } });
  const dm = (id: number, channel: number, author: string): unknown => ({
    ...(message(String(id), String(channel)) as object),
    author: user(author),
  });
  cache.apply("MESSAGE_CREATE", dm(100, 70, "1"));
  cache.apply("MESSAGE_CREATE", dm(101, 71, "2"));
  cache.apply("MESSAGE_CREATE", dm(102, 72, "3"));
  cache.apply("MESSAGE_CREATE", dm(103, 70, "1")); // 70 written again
  cache.apply("MESSAGE_CREATE", dm(104, 73, "4")); // 71 goes
  assert.deepEqual(cache.channelMessages("71"), []);
  assert.equal(cache.user("2"), undefined);
  assert.deepEqual(cache.channelMessages("70").map((m) => m.id), [
    "100",
    "103",
  ]);
  assert.equal(cache.sizes().message, 4);
  // A flood of DM channels keeps the bound.
  for (let n = 0; n < 5_000; n++) {
    cache.apply("MESSAGE_CREATE", dm(1_000 + n, 10_000 + n, String(50 + n)));
  }
  assert.equal(cache.sizes().message, 3);
  assert.equal(cache.sizes().user, 3);
  // A deleted DM channel frees its place: three others still fit.
  cache.apply("CHANNEL_DELETE", { id: "14999", type: 1 });
  cache.apply("MESSAGE_CREATE", dm(9_000, 80, "8"));
  assert.deepEqual(cache.channelMessages("14998").map((m) => m.id), ["5998"]);
  assert.deepEqual(cache.channelMessages("14997").map((m) => m.id), ["5997"]);
});

/** The bot's ephemeral reply: no guild_id, even in a guild's channel. */
function ephemeral(id: string, channelId: string): unknown {
  return {
    ...(message(id, channelId) as object),
    author: user("9"),
    type: 20,
    flags: 64,
    webhook_id: "9",
  };
}

Deno.test("MemoryCache: the bot's ephemeral reply in a guild's channel (no guild_id, Discord's docs) is not kept, and does not put that channel on the DM bound", () => {
  const cache = new MemoryCache({ messages: { perChannel: 5, dmChannels: 2 } });
  cache.apply("GUILD_CREATE", GUILD);
  cache.apply("MESSAGE_CREATE", message("100", "50", "5"));
  cache.apply("MESSAGE_CREATE", message("101", "50", "5"));
  cache.apply("MESSAGE_CREATE", ephemeral("102", "50"));
  // Its edit (a whole message) is not kept either.
  cache.apply("MESSAGE_UPDATE", ephemeral("103", "50"));
  // Nor is a message without a guild in a guild's channel, flags or not.
  cache.apply("MESSAGE_CREATE", message("104", "51"));
  cache.apply("MESSAGE_CREATE", message("105", "50", "5"));
  cache.apply("MESSAGE_CREATE", message("106", "50", "5"));
  assert.deepEqual(cache.channelMessages("50").map((m) => m.id), [
    "100",
    "101",
    "105",
    "106",
  ]);
  assert.equal(cache.message("50", "102"), undefined);
  assert.deepEqual(cache.channelMessages("51"), []);
  // DMs in more channels than the bound leave the guild's channels alone.
  for (let n = 0; n < 5; n++) {
    cache.apply("MESSAGE_CREATE", message(String(200 + n), String(70 + n)));
  }
  assert.deepEqual(cache.channelMessages("50").map((m) => m.id), [
    "100",
    "101",
    "105",
    "106",
  ]);
  assert.equal(cache.channel("50")?.last_message_id, "106");
  // An ephemeral reply in a DM is none of its messages either.
  cache.apply("MESSAGE_CREATE", ephemeral("300", "74"));
  assert.deepEqual(cache.channelMessages("74").map((m) => m.id), ["204"]);
});

Deno.test("MemoryCache: a channel a guild holds after DMs were written in it leaves the DM bound with its messages kept (a gateway naming a DM's id in a guild)", () => {
  const cache = new MemoryCache({ messages: { dmChannels: 2 } });
  cache.apply("MESSAGE_CREATE", message("100", "52"));
  cache.apply("GUILD_CREATE", {
    ...GUILD,
    channels: [...GUILD.channels, { id: "52", type: 0, name: "named" }],
  });
  cache.apply("MESSAGE_CREATE", message("101", "52", "5"));
  // An edit of the DM, now in a guild's channel, does not count it again.
  cache.apply("MESSAGE_UPDATE", { id: "100", channel_id: "52", content: "e" });
  cache.apply("MESSAGE_CREATE", message("102", "70"));
  cache.apply("MESSAGE_CREATE", message("103", "71"));
  cache.apply("MESSAGE_CREATE", message("104", "72"));
  assert.deepEqual(cache.channelMessages("52").map((m) => m.id), [
    "100",
    "101",
  ]);
  assert.equal(cache.channel("52")?.guild_id, "5");
  assert.deepEqual(cache.channelMessages("70"), []);
  assert.deepEqual(cache.channelMessages("72").map((m) => m.id), ["104"]);
  // Off the bound now: another edit there pushes out no DM.
  cache.apply("MESSAGE_CREATE", message("105", "73"));
  cache.apply("MESSAGE_UPDATE", { id: "100", channel_id: "52", content: "f" });
  assert.deepEqual(cache.channelMessages("72").map((m) => m.id), ["104"]);
  assert.deepEqual(cache.channelMessages("73").map((m) => m.id), ["105"]);
  assert.equal(cache.message("52", "100")?.content, "f");
});

Deno.test("cache options: dmChannels must be a positive integer", () => {
  for (const dmChannels of [0, -1, 1.5, Number.NaN]) {
    assert.throws(
      () => new MemoryCache({ messages: { dmChannels } }),
      (error: unknown) =>
        error instanceof RangeError &&
        /messages\.dmChannels/.test(error.message),
    );
  }
});

Deno.test(redisStoreTest(
  "RedisCache: messages of a held guild in channels it does not hold write no key",
  2,
  async (redis) => {
    const store = new RedisCache(redis);
    await store.apply("GUILD_CREATE", GUILD);
    await store.flush();
    const before = (await redis.keys("*")).sort();
    for (const [event, data] of strayMessages(200)) {
      await store.apply(event, data);
    }
    await store.flush();
    assert.deepEqual((await redis.keys("*")).sort(), before);
    await store.apply("MESSAGE_CREATE", message("100", "50", "5"));
    await store.flush();
    assert.equal(
      (await store.message("50", "100") as { content?: string })?.content,
      "m100",
    );
    assert.equal(store.stale, false);
  },
));

Deno.test(redisStoreTest(
  "RedisCache: the bot's ephemeral reply in a guild's channel writes no key",
  2,
  async (redis) => {
    const store = new RedisCache(redis);
    await store.apply("GUILD_CREATE", GUILD);
    await store.apply("MESSAGE_CREATE", message("100", "50", "5"));
    await store.flush();
    const before = (await redis.keys("*")).sort();
    const channel = await redis.get("channel:50");
    await store.apply("MESSAGE_CREATE", ephemeral("101", "50"));
    await store.applyBatch([
      { event: "MESSAGE_CREATE", data: ephemeral("102", "51") },
      { event: "MESSAGE_UPDATE", data: ephemeral("103", "50") },
      { event: "MESSAGE_CREATE", data: message("104", "50") },
    ]);
    await store.flush();
    assert.deepEqual((await redis.keys("*")).sort(), before);
    assert.deepEqual(await redis.smembers("channel_keys:50"), [
      "message:50:100",
    ]);
    assert.equal(await redis.get("channel:50"), channel);
  },
));

Deno.test(redisStoreTest(
  "RedisCache.applyBatch: a channel created or deleted earlier in the batch decides whether a message is kept",
  2,
  async (redis) => {
    const store = new RedisCache(redis);
    await store.applyBatch([
      { event: "GUILD_CREATE", data: GUILD },
      { event: "MESSAGE_CREATE", data: message("100", "50", "5") },
      {
        event: "CHANNEL_CREATE",
        data: { id: "52", type: 0, guild_id: "5" },
      },
      { event: "MESSAGE_CREATE", data: message("101", "52", "5") },
      {
        event: "CHANNEL_DELETE",
        data: { id: "52", type: 0, guild_id: "5" },
      },
      { event: "MESSAGE_CREATE", data: message("102", "52", "5") },
    ]);
    await store.flush();
    assert.equal(
      (await store.message("50", "100") as { content?: string })?.content,
      "m100",
    );
    assert.equal(await store.message("52", "101"), undefined);
    assert.equal(await store.message("52", "102"), undefined);
    assert.deepEqual(await redis.keys("*52*"), []);
  },
));

Deno.test("MemoryCache: DM channel objects count against dmChannels too, messages or not; a channel outside guilds that is not a DM is not kept", () => {
  const cache = new MemoryCache({ messages: { dmChannels: 3 } });
  const dmChannel = (id: number): unknown => ({
    id: String(id),
    type: 1,
    recipients: [user("1")],
  });
  // A flood of DM channel creates keeps the bound.
  for (let n = 0; n < 5_000; n++) {
    cache.apply("CHANNEL_CREATE", dmChannel(20_000 + n));
  }
  assert.equal(cache.sizes().channel, 3);
  assert.equal(cache.channel("24999")?.type, 1);
  assert.equal(cache.channel("24996"), undefined);
  // A message in a DM channel writes it too; deleting that message leaves
  // the channel counted.
  cache.apply("MESSAGE_CREATE", message("300", "24997"));
  cache.apply("MESSAGE_DELETE", { id: "300", channel_id: "24997" });
  for (let n = 0; n < 10; n++) {
    cache.apply("CHANNEL_CREATE", dmChannel(30_000 + n));
  }
  assert.equal(cache.sizes().channel, 3);
  assert.equal(cache.channel("24997"), undefined);
  // A guild channel or thread without its guild is malformed: not kept.
  cache.apply("CHANNEL_CREATE", { id: "40", type: 0, name: "x" });
  cache.apply("THREAD_CREATE", { id: "41", type: 11, parent_id: "40" });
  assert.equal(cache.channel("40"), undefined);
  assert.equal(cache.channel("41"), undefined);
  // A group DM is kept.
  cache.apply("CHANNEL_CREATE", { id: "42", type: 3, recipients: [] });
  assert.equal(cache.channel("42")?.type, 3);
});
