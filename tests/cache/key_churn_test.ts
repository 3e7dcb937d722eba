// The memory store under churn of one key: a channel whose every message is
// deleted, a user whose only message is deleted and who writes again, a
// guild's one voice state coming and going. V8's Map keeps a deleted entry
// in its bucket's chain until the table is rebuilt, so deleting and adding
// back the same key of a big Map made each event walk a chain one longer
// (0.8-1.4 ms per event in a cache of 50,000 channels). Checked by
// structure, not time: no key of a big Map or Set is deleted over and over.
import assert from "node:assert/strict";
import { MemoryCache } from "../../cache/mod.ts";
import { watchCollections } from "./_collection_log.ts";
import { guildMessage } from "./_guild_message.ts";
import { user } from "./_event_sequences.ts";

const CHANNELS = 1_000;
const CYCLES = 2_000;
/** Freed users the store keeps (cache/shared_users.ts). */
const FREED_USERS_KEPT = 4_096;
const GUILD = "900000000000000001";

let nextId = 10n ** 17n;
const id = (): string => String(nextId++);

/**
 * A guild of CHANNELS channels, each with one message by its own author
 * (the store's channel and user maps hold over a thousand keys).
 */
function busyGuild(): { cache: MemoryCache; channels: string[] } {
  const cache = new MemoryCache();
  const channels = Array.from({ length: CHANNELS }, id);
  cache.apply("GUILD_CREATE", {
    id: GUILD,
    name: "g",
    channels: channels.map((c) => ({ id: c, type: 0, name: "c" })),
    roles: [],
    members: [],
  });
  for (const channel of channels) {
    cache.apply(
      "MESSAGE_CREATE",
      guildMessage(id(), channel, GUILD, { author: user(id()) }),
    );
  }
  return { cache, channels };
}

/**
 * Create a message by `author` in `channel` (of GUILD, or a DM channel
 * when `guildId` is null), then delete it.
 */
function writeAndDelete(
  cache: MemoryCache,
  channel: string,
  author: string,
  guildId: string | null = GUILD,
): void {
  const message = id();
  const data = guildMessage(message, channel, guildId ?? "", {
    author: user(author),
  });
  if (guildId === null) delete data.guild_id;
  cache.apply("MESSAGE_CREATE", data);
  cache.apply("MESSAGE_DELETE", {
    id: message,
    channel_id: channel,
    ...guildId === null ? {} : { guild_id: guildId },
  });
}

Deno.test("MemoryCache: a held channel whose every message is deleted keeps its messages' entry (2,000 create+delete cycles delete no key of a big map twice)", () => {
  const { cache, channels } = busyGuild();
  const verification = channels[0]!;
  // Its one message goes: the channel is empty from here on.
  const [first] = cache.channelMessages(verification);
  cache.apply("MESSAGE_DELETE", {
    id: first!.id,
    channel_id: verification,
    guild_id: GUILD,
  });
  // An author who keeps a message elsewhere: only the channel churns.
  const author = cache.channelMessages(channels[1]!)[0]!.author.id;
  const log = watchCollections(() => {
    for (let i = 0; i < CYCLES; i++) {
      writeAndDelete(cache, verification, author);
    }
  });
  assert.ok(
    log.mostDeletesOfOneKey <= 1,
    `one key deleted ${log.mostDeletesOfOneKey} times`,
  );
  assert.deepEqual(cache.channelMessages(verification), []);
  assert.equal(cache.sizes().message, CHANNELS - 1);
});

Deno.test("MemoryCache: a user whose only message is deleted and who writes again keeps their entry (2,000 cycles delete no key of a big map twice)", () => {
  const { cache, channels } = busyGuild();
  // A channel that keeps its own message: only the user churns.
  const author = id();
  const log = watchCollections(() => {
    for (let i = 0; i < CYCLES; i++) {
      writeAndDelete(cache, channels[1]!, author);
    }
  });
  assert.ok(
    log.mostDeletesOfOneKey <= 1,
    `one key deleted ${log.mostDeletesOfOneKey} times`,
  );
});

Deno.test("MemoryCache: a DM channel (not held) whose every message is deleted keeps its entry, off the DM bound's count (2,000 cycles delete no key of a big map or set twice)", () => {
  const cache = new MemoryCache({ messages: { dmChannels: 5_000 } });
  for (let i = 0; i < CHANNELS; i++) {
    const data = guildMessage(id(), id(), "", { author: user(id()) });
    delete data.guild_id;
    cache.apply("MESSAGE_CREATE", data);
  }
  const dm = id();
  const author = id();
  const log = watchCollections(() => {
    for (let i = 0; i < CYCLES; i++) {
      writeAndDelete(cache, dm, author, null);
    }
  });
  assert.ok(
    log.mostDeletesOfOneKey <= 1,
    `one key deleted ${log.mostDeletesOfOneKey} times`,
  );
  assert.deepEqual(cache.channelMessages(dm), []);
});

Deno.test("MemoryCache: a held guild's one voice state leaving and coming back keeps the guild's voice scope (2,000 cycles delete no key of a big map twice)", () => {
  const cache = new MemoryCache();
  const guilds = Array.from({ length: CHANNELS }, id);
  const voice = (guildId: string, userId: string, channel: string | null) =>
    cache.apply("VOICE_STATE_UPDATE", {
      guild_id: guildId,
      channel_id: channel,
      user_id: userId,
      session_id: "s",
      deaf: false,
      mute: false,
      self_deaf: false,
      self_mute: false,
      self_video: false,
      suppress: false,
      request_to_speak_timestamp: null,
    });
  for (const guild of guilds) {
    const channel = id();
    cache.apply("GUILD_CREATE", {
      id: guild,
      name: "g",
      channels: [{ id: channel, type: 2, name: "v" }],
      roles: [],
      members: [],
    });
    voice(guild, id(), channel);
  }
  // One guild whose only voice state comes and goes (a music bot's own).
  const guild = guilds[0]!;
  const channel = cache.channels(guild)[0]!.id;
  const lone = cache.voiceStates(guild)[0]!.user_id;
  const log = watchCollections(() => {
    for (let i = 0; i < CYCLES; i++) {
      voice(guild, lone, null);
      voice(guild, lone, channel);
    }
  });
  assert.ok(
    log.mostDeletesOfOneKey <= 1,
    `one key deleted ${log.mostDeletesOfOneKey} times`,
  );
  // The guild's removal still takes its scopes.
  cache.apply("GUILD_DELETE", { id: guild });
  assert.deepEqual(cache.voiceStates(guild), []);
  assert.equal(cache.sizes().voice, CHANNELS - 1);
});

Deno.test("MemoryCache: a freed user kept for a returning reference is unseen (getters, ids, sizes) until referenced again, with the new value", () => {
  const { cache, channels } = busyGuild();
  const author = id();
  const users = cache.sizes().user;
  writeAndDelete(cache, channels[1]!, author);
  assert.equal(cache.user(author), undefined);
  assert.equal(cache.get("user", "", author), undefined);
  assert.ok(![...cache.ids("user", "")].includes(author));
  assert.equal(cache.sizes().user, users);
  // Referenced again: seen, with the value it comes back with.
  cache.apply("GUILD_MEMBER_ADD", {
    guild_id: GUILD,
    user: { ...user(author), username: "back" },
    roles: [],
    joined_at: "2024-01-01T00:00:00.000000+00:00",
  });
  assert.equal(cache.user(author)?.username, "back");
  assert.equal(cache.sizes().user, users + 1);
  cache.apply("GUILD_MEMBER_REMOVE", { guild_id: GUILD, user: user(author) });
  assert.equal(cache.user(author), undefined);
  assert.equal(cache.sizes().user, users);
});

Deno.test("MemoryCache: at most 4,096 freed users are kept (10,000 users each freed once)", () => {
  const { cache, channels } = busyGuild();
  const held = cache.sizes().user;
  let usersMap: Map<unknown, unknown> | undefined;
  const authors = new Set<string>();
  const mapSet = Map.prototype.set;
  // The store's users map: the Map the authors are keyed in.
  Map.prototype.set = function (
    this: Map<unknown, unknown>,
    key: unknown,
    value: unknown,
  ): Map<unknown, unknown> {
    if (typeof key === "string" && authors.has(key)) usersMap = this;
    return mapSet.call(this, key, value);
  };
  try {
    for (let i = 0; i < 10_000; i++) {
      const author = id();
      authors.add(author);
      writeAndDelete(cache, channels[1]!, author);
    }
  } finally {
    Map.prototype.set = mapSet;
  }
  assert.ok(usersMap !== undefined);
  assert.equal(usersMap.size, held + FREED_USERS_KEPT);
  assert.equal(cache.sizes().user, held);
});
