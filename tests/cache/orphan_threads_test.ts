// A thread is kept only under a parent channel the cache holds in its guild,
// and a stage instance only in a channel the cache holds there (as a guild
// message is: see unheld_channel_test.ts). One arriving after its channel's
// delete, or naming a channel never held, would stay for good: the parent's
// delete, which takes its threads, has come already or never comes.
import assert from "node:assert/strict";
import { cacheReads, MemoryCache, RedisCache } from "../../cache/mod.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";
import { user } from "./_event_sequences.ts";

const GUILD = {
  id: "1",
  name: "g",
  channels: [
    { id: "2", type: 0, name: "general" },
    { id: "3", type: 13, name: "stage" },
    { id: "4", type: 15, name: "forum" },
  ],
  threads: [],
  roles: [],
};

function thread(id: string, parentId: string): Record<string, unknown> {
  return {
    id,
    guild_id: "1",
    parent_id: parentId,
    type: 11,
    name: `t${id}`,
    thread_metadata: { archived: false },
  };
}

function message(id: string, channelId: string): unknown {
  return {
    id,
    channel_id: channelId,
    guild_id: "1",
    content: `m${id}`,
    timestamp: "2024-01-01T00:00:00.000000+00:00",
    author: user("7"),
  };
}

function stage(id: string, channelId: string): unknown {
  return { id, guild_id: "1", channel_id: channelId, topic: "t" };
}

/** The events of a late or made-up parent, and the one thread kept. */
const EVENTS: [string, unknown][] = [
  ["GUILD_CREATE", GUILD],
  ["CHANNEL_DELETE", { id: "2", guild_id: "1", type: 0 }],
  ["THREAD_LIST_SYNC", {
    guild_id: "1",
    channel_ids: ["2", "4"],
    threads: [thread("63", "2"), thread("64", "4")],
    members: [],
  }],
  // After its parent's delete: nothing, nor its message.
  ["THREAD_CREATE", thread("50", "2")],
  ["MESSAGE_CREATE", message("51", "50")],
  ["THREAD_UPDATE", thread("52", "2")],
  // A parent never held, or held in no guild: nothing.
  ["THREAD_CREATE", thread("60", "12345")],
  ["CHANNEL_CREATE", thread("61", "12345")],
  ["THREAD_CREATE", { ...thread("62", "12345"), parent_id: undefined }],
  // A stage instance after its channel's delete, or of one never held.
  ["CHANNEL_DELETE", { id: "3", guild_id: "1", type: 13 }],
  ["STAGE_INSTANCE_CREATE", stage("70", "3")],
  ["STAGE_INSTANCE_UPDATE", stage("71", "12345")],
  ["CHANNEL_CREATE", { id: "5", guild_id: "1", type: 13, name: "s" }],
  ["STAGE_INSTANCE_CREATE", stage("72", "5")],
];

Deno.test("MemoryCache: a thread whose parent is not held in its guild (deleted, or never created) is not kept, nor its messages", () => {
  const cache = new MemoryCache();
  for (const [event, data] of EVENTS) cache.apply(event, data);
  for (const id of ["50", "52", "60", "61", "62", "63"]) {
    assert.equal(cache.channel(id), undefined, id);
  }
  assert.deepEqual(cache.channelMessages("50"), []);
  // The held forum's thread is kept, and its messages with it.
  assert.equal(cache.channel("64")?.parent_id, "4");
  cache.apply("THREAD_CREATE", thread("65", "4"));
  cache.apply("MESSAGE_CREATE", message("66", "65"));
  assert.deepEqual(cache.channelMessages("65").map((m) => m.id), ["66"]);
  assert.deepEqual(cache.stageInstances("1").map((s) => s.id), ["72"]);
  assert.equal(cache.sizes().message, 1);
});

Deno.test("MemoryCache: without channels kept, a stage instance is kept as it comes (its channel cannot be known)", () => {
  const cache = new MemoryCache({
    resources: ["guilds", "stageInstances"],
  });
  cache.apply("GUILD_CREATE", GUILD);
  cache.apply("STAGE_INSTANCE_CREATE", stage("70", "12345"));
  assert.deepEqual(cache.stageInstances("1").map((s) => s.id), ["70"]);
});

Deno.test("cacheReads: a thread's parent and a stage instance's channel are read from the payload (one batch, no read of the guild's channels)", () => {
  const config = { resources: new Set(["guilds", "channels", "messages"]) };
  const gets = (event: string, data: unknown) =>
    cacheReads(event, data, config as never).map((r) =>
      r.type === "get" ? `${r.kind}:${r.id}` : `${r.type}:${r.kind}`
    ).sort();
  assert.deepEqual(gets("THREAD_UPDATE", thread("50", "2")), [
    "channel:2",
    "channel:50",
    "guild:1",
  ]);
  assert.deepEqual(gets("THREAD_CREATE", thread("50", "2")), [
    "channel:2",
    "channel:50",
    "guild:1",
  ]);
  const stageConfig = {
    resources: new Set(["guilds", "channels", "stageInstances"]),
  };
  assert.deepEqual(
    cacheReads("STAGE_INSTANCE_CREATE", stage("70", "3"), stageConfig as never)
      .map((r) => r.type === "get" ? `${r.kind}:${r.id}` : r.type).sort(),
    ["channel:3", "guild:1", "stage_instance:70"],
  );
});

Deno.test({
  name:
    "RedisCache: a thread or stage instance of a channel not held writes no key",
  // Its own server: databases 1 to 15 of the shared one are all taken.
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      const store = new RedisCache(redis);
      for (const [event, data] of EVENTS) await store.apply(event, data);
      await store.flush();
      for (const id of ["50", "52", "60", "61", "62", "63"]) {
        assert.equal(await store.channel(id), undefined, id);
      }
      assert.deepEqual(await store.channelMessages("50"), []);
      assert.equal((await store.channel("64"))?.parent_id, "4");
      assert.deepEqual(
        (await store.all("stage_instance", "1")).map((s) => s.id),
        ["72"],
      );
      assert.equal(store.stale, false);
    }),
});

Deno.test("MemoryCache: a GUILD_CREATE listing a thread without its parent does not keep it, nor its messages, nor does its next update", () => {
  const cache = new MemoryCache();
  cache.apply("GUILD_CREATE", {
    id: "1",
    name: "g",
    channels: [{ id: "2", type: 0, guild_id: "1", name: "general" }],
    // Parent 9 is not among the guild's channels; parent 2 is.
    threads: [{
      id: "50",
      type: 11,
      guild_id: "1",
      parent_id: "9",
      name: "orphan",
      thread_metadata: { archived: false },
    }, {
      id: "51",
      type: 11,
      guild_id: "1",
      parent_id: "2",
      name: "kept",
      thread_metadata: { archived: false },
    }],
  });
  assert.equal(cache.channel("50"), undefined);
  assert.equal(cache.channel("51")?.name, "kept");
  cache.apply("MESSAGE_CREATE", {
    id: "500",
    channel_id: "50",
    guild_id: "1",
    author: user("7"),
    content: "in it",
    timestamp: "2024-01-01T00:00:00.000Z",
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: 0,
  });
  assert.deepEqual(cache.channelMessages("50"), []);
  cache.apply("THREAD_UPDATE", {
    id: "50",
    type: 11,
    guild_id: "1",
    parent_id: "9",
    name: "after",
    thread_metadata: { archived: false },
  });
  assert.equal(cache.channel("50"), undefined);
});
