// The `old` the memory store hands out is the caller's own: a handler that
// edits it (an embed, a guild's features, a thread's metadata) leaves the
// cache as it was, and the copy, made when first read, is still the state
// before its event when later events were applied first.
import assert from "node:assert/strict";
import { CACHE_RESOURCES, MemoryCache } from "../../cache/mod.ts";
import { ClientCacheFeed } from "../../cache/client_cache.ts";
import { REDUCED_EVENTS } from "../../cache/reduce.ts";
import { createdGuild } from "./_created_guild.ts";

// deno-lint-ignore no-explicit-any
type Loose = any;

const user = (id: string) => ({
  id,
  username: "u",
  discriminator: "0",
  global_name: null,
  avatar: null,
});

/** A cache holding a guild, a channel, a thread, a presence and a message. */
function filled(): MemoryCache {
  const cache = new MemoryCache({ resources: [...CACHE_RESOURCES] });
  cache.apply("GUILD_CREATE", {
    id: "1",
    name: "g",
    features: ["COMMUNITY"],
    channels: [{
      id: "2",
      type: 0,
      permission_overwrites: [{ id: "1", type: 0, allow: "0", deny: "1024" }],
    }],
    threads: [{
      id: "3",
      type: 11,
      parent_id: "2",
      thread_metadata: { archived: false, locked: false },
    }],
    roles: [],
    members: [],
  });
  cache.apply("PRESENCE_UPDATE", {
    guild_id: "1",
    user: { id: "7" },
    status: "online",
    activities: [{ name: "game", type: 0 }],
  });
  cache.apply("MESSAGE_CREATE", {
    id: "100",
    channel_id: "2",
    guild_id: "1",
    author: user("7"),
    content: "x",
    timestamp: "2024-01-01T00:00:00.000000+00:00",
    embeds: [{ title: "original" }],
    attachments: [{ id: "50", filename: "a.png" }],
    mentions: [],
  });
  return cache;
}

Deno.test("MemoryCache: a handler editing apply's old leaves the cache as it was", () => {
  const cache = filled();
  let old: Loose = cache.apply("MESSAGE_REACTION_ADD", {
    channel_id: "2",
    message_id: "100",
    guild_id: "1",
    user_id: "7",
    emoji: { id: null, name: "👍" },
  }).old;
  old.embeds[0].title = "edited";
  old.attachments.length = 0;
  assert.deepEqual(cache.message("2", "100")!.embeds, [{ title: "original" }]);
  assert.equal(cache.message("2", "100")!.attachments.length, 1);

  old = cache.apply("THREAD_MEMBERS_UPDATE", {
    id: "3",
    guild_id: "1",
    member_count: 2,
  }).old;
  old.thread_metadata.archived = true;
  assert.equal(cache.channel("3")!.thread_metadata!.archived, false);

  old = cache.apply("CHANNEL_PINS_UPDATE", {
    channel_id: "2",
    guild_id: "1",
    last_pin_timestamp: null,
  }).old;
  old.permission_overwrites.pop();
  assert.equal(cache.channel("2")!.permission_overwrites!.length, 1);

  old = cache.apply("PRESENCE_UPDATE", {
    guild_id: "1",
    user: { id: "7" },
    status: "idle",
  }).old;
  old.activities[0].name = "edited";
  assert.equal(cache.presence("1", "7")!.activities![0]!.name, "game");

  old = cache.apply("GUILD_DELETE", { id: "1", unavailable: true }).old;
  old.features.push("ADDED");
  assert.deepEqual(createdGuild(cache.guild("1"))!.features, ["COMMUNITY"]);
});

Deno.test("MemoryCache: an old read after later events is still the state before its event", () => {
  const cache = filled();
  const first = cache.apply("MESSAGE_UPDATE", {
    id: "100",
    channel_id: "2",
    guild_id: "1",
    embeds: [{ title: "second" }],
  });
  cache.apply("MESSAGE_UPDATE", {
    id: "100",
    channel_id: "2",
    guild_id: "1",
    embeds: [{ title: "third" }],
  });
  cache.apply("MESSAGE_REACTION_ADD", {
    channel_id: "2",
    message_id: "100",
    guild_id: "1",
    user_id: "7",
    emoji: { id: null, name: "👍" },
  });
  const old = first.old as Loose;
  assert.deepEqual(old.embeds, [{ title: "original" }]);
  assert.equal(old.reactions, undefined);
  // Read twice, one copy: the update's `old` is its caller's own.
  assert.equal(first.old, old);
});

Deno.test("ClientCacheFeed.apply: each reader's old is a copy of its own; no old, no reader", () => {
  const cache = filled();
  const feed = new ClientCacheFeed(cache, REDUCED_EVENTS);
  const update = feed.apply({
    name: "GUILD_UPDATE",
    data: { id: "1", name: "renamed", features: ["COMMUNITY", "NEWS"] },
    shardId: 0,
  })!;
  const read = update.readOld()!;
  const old = read() as Loose;
  assert.equal(old.name, "g");
  old.features.push("ADDED");
  assert.equal(read(), old);
  assert.deepEqual(createdGuild(cache.guild("1"))!.features, [
    "COMMUNITY",
    "NEWS",
  ]);
  // Another handler call's reader: the state before, without that edit.
  const other = update.readOld()!() as Loose;
  assert.notEqual(other, old);
  assert.deepEqual(other.features, ["COMMUNITY"]);
  const created = feed.apply({
    name: "MESSAGE_CREATE",
    data: {
      id: "101",
      channel_id: "2",
      guild_id: "1",
      author: user("7"),
      content: "y",
      timestamp: "2024-01-01T00:00:00.000000+00:00",
    },
    shardId: 0,
  });
  assert.equal(created?.readOld(), undefined);
});

/** How many arrays deep `value` nests (walked in a loop: no recursion). */
function depthOf(value: unknown): number {
  let depth = 0;
  for (let at = value; Array.isArray(at); at = at[0]) depth++;
  return depth;
}

Deno.test("MemoryCache and ClientCacheFeed: an old nested deeper than structuredClone copies (20,000 levels of embeds) is read as its copy", () => {
  const cache = filled();
  const levels = 20_000;
  const deep = JSON.parse("[".repeat(levels) + "]".repeat(levels));
  cache.apply("MESSAGE_UPDATE", {
    id: "100",
    channel_id: "2",
    guild_id: "1",
    embeds: deep,
  });
  const update = cache.apply("MESSAGE_UPDATE", {
    id: "100",
    channel_id: "2",
    guild_id: "1",
    embeds: [],
  });
  const old = update.old as Loose;
  assert.equal(old.id, "100");
  assert.equal(depthOf(old.embeds), levels);
  assert.notEqual(old.embeds, deep); // a copy: the store's is not handed out
  // The Client's path: a reader per handler call, each its own copy.
  const feed = new ClientCacheFeed(cache, REDUCED_EVENTS);
  cache.apply("MESSAGE_UPDATE", {
    id: "100",
    channel_id: "2",
    guild_id: "1",
    embeds: deep,
  });
  const deleted = feed.apply({
    name: "MESSAGE_DELETE",
    data: { id: "100", channel_id: "2", guild_id: "1" },
    shardId: 0,
  })!;
  const read = deleted.readOld()!;
  const copy = read() as Loose;
  assert.equal(depthOf(copy.embeds), levels);
  copy.embeds.length = 0;
  assert.equal(depthOf((deleted.readOld()!() as Loose).embeds), levels);
});
