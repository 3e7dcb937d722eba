// Rules of the memory store (and of the core, reduceDispatch, where the
// stores cannot reach them) that mutation testing found untested (each
// test fails with one small change to the cache's code): how a partial
// user is merged, when the shared user is freed, which partial message is
// kept, the bounds' exact limits, which messages a bulk delete or a thread
// sync removes, and the fields some events clear or never let go below 0.
import assert from "node:assert/strict";
import {
  CACHE_RESOURCES,
  cacheReads,
  MemoryCache,
  reduceDispatch,
} from "../../cache/mod.ts";
import { createdGuild } from "./_created_guild.ts";
import { user } from "./_event_sequences.ts";
import { guildMessage } from "./_guild_message.ts";

const G = "100";
const C = "200";
const T = "201";
const BOT = "9";

const member = (id: string) => ({
  guild_id: G,
  user: user(id),
  roles: [],
  joined_at: "2024-01-01T00:00:00.000000+00:00",
  deaf: false,
  mute: false,
  flags: 0,
});

const thread = {
  id: T,
  type: 11,
  guild_id: G,
  parent_id: C,
  name: "t",
  thread_metadata: { archived: false },
};

/** Guild G (member_count 0) with text channel C and active thread T. */
function guildCreate(
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: G,
    name: "g",
    member_count: 0,
    roles: [],
    emojis: [],
    stickers: [],
    channels: [{ id: C, type: 0, guild_id: G, name: "c" }],
    threads: [thread],
    members: [],
    presences: [],
    voice_states: [],
    ...over,
  };
}

/** Shard 0's READY (of 1) of bot user `bot`, listing guild G. */
function ready(bot: Record<string, unknown>): Record<string, unknown> {
  return {
    v: 10,
    user: bot,
    guilds: [{ id: G, unavailable: true }],
    session_id: "s",
    resume_gateway_url: "wss://x",
    application: { id: BOT, flags: 0 },
    shard: [0, 1],
  };
}

/** A cache of every resource holding {@linkcode guildCreate}'s guild. */
function withGuild(): MemoryCache {
  const cache = new MemoryCache({ resources: [...CACHE_RESOURCES] });
  cache.apply("GUILD_CREATE", guildCreate());
  return cache;
}

Deno.test("MemoryCache: a presence's partial user changes its fields only, keeping the shared user's others", () => {
  const cache = withGuild();
  const avatar = "0123456789abcdef0123456789abcdef";
  cache.apply("GUILD_MEMBER_ADD", {
    ...member("1"),
    user: { ...user("1"), global_name: "One", avatar },
  });
  cache.apply("PRESENCE_UPDATE", {
    guild_id: G,
    user: { id: "1", username: "renamed" },
    status: "online",
    activities: [],
    client_status: {},
  });
  const held = cache.user("1");
  assert.equal(held?.username, "renamed");
  assert.equal(held?.global_name, "One");
  assert.equal(held?.avatar, avatar);
  assert.equal(cache.member(G, "1")?.user?.global_name, "One");
});

Deno.test("MemoryCache: USER_UPDATE renames the bot's shared user, seen through its member", () => {
  const cache = new MemoryCache({ resources: [...CACHE_RESOURCES] });
  const bot = { ...user(BOT), bot: true };
  cache.apply("READY", ready(bot));
  cache.apply("GUILD_CREATE", guildCreate({ members: [member(BOT)] }));
  cache.apply("USER_UPDATE", { ...bot, username: "renamed" });
  assert.equal(cache.member(G, BOT)?.user?.username, "renamed");
  assert.equal(cache.user(BOT)?.username, "renamed");
});

Deno.test("MemoryCache: a new session's READY renames the bot's shared user, seen through its member kept from the last session", () => {
  const cache = new MemoryCache({ resources: [...CACHE_RESOURCES] });
  const bot = { ...user(BOT), bot: true };
  cache.apply("READY", ready(bot));
  cache.apply("GUILD_CREATE", guildCreate({ members: [member(BOT)] }));
  cache.apply("READY", ready({ ...bot, username: "renamed" }));
  assert.equal(cache.member(G, BOT)?.user?.username, "renamed");
  assert.equal(cache.user(BOT)?.username, "renamed");
});

Deno.test("MemoryCache: a user freed and held again stays when pushed out of the freed queue (4,096)", () => {
  const cache = withGuild();
  cache.apply("GUILD_MEMBER_ADD", member("1"));
  cache.apply("GUILD_MEMBER_REMOVE", { guild_id: G, user: user("1") });
  cache.apply("GUILD_MEMBER_ADD", member("1"));
  // Enough others freed to push user 1's entry out of the queue.
  for (let i = 0; i < 4_200; i++) {
    const id = String(1_000 + i);
    cache.apply("GUILD_MEMBER_ADD", member(id));
    cache.apply("GUILD_MEMBER_REMOVE", { guild_id: G, user: user(id) });
  }
  assert.equal(cache.user("1")?.id, "1");
  cache.apply("PRESENCE_UPDATE", {
    guild_id: G,
    user: { id: "1", username: "renamed" },
    status: "online",
    activities: [],
    client_status: {},
  });
  assert.equal(cache.user("1")?.username, "renamed");
  assert.equal(cache.member(G, "1")?.user?.username, "renamed");
});

Deno.test("MemoryCache: a MESSAGE_UPDATE of an uncached message lacking its author or timestamp (a partial one) is not kept", () => {
  const cache = withGuild();
  const { timestamp: _, ...noTimestamp } = guildMessage("30", C, G);
  const { author: __, ...noAuthor } = guildMessage("31", C, G);
  cache.apply("MESSAGE_UPDATE", noTimestamp);
  cache.apply("MESSAGE_UPDATE", noAuthor);
  assert.equal(cache.message(C, "30"), undefined);
  assert.equal(cache.message(C, "31"), undefined);
  // A whole one is kept, as MESSAGE_CREATE keeps it.
  cache.apply("MESSAGE_UPDATE", guildMessage("32", C, G));
  assert.equal(cache.message(C, "32")?.id, "32");
});

Deno.test("MemoryCache: member_count never goes below 0", () => {
  const cache = withGuild();
  cache.apply("GUILD_MEMBER_REMOVE", { guild_id: G, user: user("1") });
  assert.equal(createdGuild(cache.guild(G))?.member_count, 0);
});

Deno.test("MemoryCache: a message at exactly the content bound (32,000) or the embeds' text bound (48,000) is kept", () => {
  const cache = withGuild();
  cache.apply(
    "MESSAGE_CREATE",
    guildMessage("30", C, G, { content: "x".repeat(32_000) }),
  );
  const embed = { description: "y".repeat(24_000) };
  cache.apply(
    "MESSAGE_CREATE",
    guildMessage("31", C, G, {
      embeds: [embed, embed],
    }),
  );
  assert.equal(cache.message(C, "30")?.content?.length, 32_000);
  assert.equal(cache.message(C, "31")?.embeds?.length, 2);
});

Deno.test("MemoryCache: MESSAGE_DELETE_BULK removes the named messages from the getters", () => {
  const cache = withGuild();
  for (const id of ["30", "31", "32"]) {
    cache.apply("MESSAGE_CREATE", guildMessage(id, C, G));
  }
  const { old } = cache.apply("MESSAGE_DELETE_BULK", {
    ids: ["30", "31"],
    channel_id: C,
    guild_id: G,
  });
  assert.equal((old as unknown[]).length, 2);
  assert.equal(cache.message(C, "30"), undefined);
  assert.equal(cache.message(C, "31"), undefined);
  assert.deepEqual(cache.channelMessages(C).map((m) => m.id), ["32"]);
});

Deno.test("MemoryCache: THREAD_LIST_SYNC re-listing a held thread keeps it and its messages, handing back no old", () => {
  const cache = withGuild();
  cache.apply("MESSAGE_CREATE", guildMessage("30", T, G));
  const { old } = cache.apply("THREAD_LIST_SYNC", {
    guild_id: G,
    channel_ids: [C],
    threads: [thread],
    members: [],
  });
  assert.deepEqual(old, []);
  assert.equal(cache.channel(T)?.id, T);
  assert.equal(cache.message(T, "30")?.id, "30");
});

Deno.test("MemoryCache: CHANNEL_PINS_UPDATE without last_pin_timestamp (the last pin removed) and VOICE_CHANNEL_STATUS_UPDATE without status leave them null", () => {
  const cache = withGuild();
  cache.apply("CHANNEL_PINS_UPDATE", {
    guild_id: G,
    channel_id: C,
    last_pin_timestamp: "2024-01-01T00:00:00.000000+00:00",
  });
  cache.apply("VOICE_CHANNEL_STATUS_UPDATE", {
    id: C,
    guild_id: G,
    status: "s",
  });
  cache.apply("CHANNEL_PINS_UPDATE", { guild_id: G, channel_id: C });
  cache.apply("VOICE_CHANNEL_STATUS_UPDATE", { id: C, guild_id: G });
  const channel = cache.channel(C) as Record<string, unknown> | undefined;
  assert.strictEqual(channel?.last_pin_timestamp, null);
  assert.strictEqual(channel?.status, null);
});

Deno.test("MemoryCache: GUILD_CREATE keeps the voice states in a channel only (one with channel_id null is no one in voice, as VOICE_STATE_UPDATE takes it)", () => {
  const cache = new MemoryCache({ resources: [...CACHE_RESOURCES] });
  const voice = (userId: string, channelId: string | null) => ({
    user_id: userId,
    channel_id: channelId,
    session_id: "s",
    deaf: false,
    mute: false,
    self_deaf: false,
    self_mute: false,
    self_video: false,
    suppress: false,
    request_to_speak_timestamp: null,
  });
  cache.apply(
    "GUILD_CREATE",
    guildCreate({ voice_states: [voice("1", C), voice("2", null)] }),
  );
  assert.equal(cache.voiceState(G, "1")?.channel_id, C);
  assert.equal(cache.voiceState(G, "2"), undefined);
  assert.deepEqual(cache.voiceStates(G).map((v) => v.user_id), ["1"]);
});

Deno.test("MemoryCache: GUILD_SCHEDULED_EVENT_USER_REMOVE never takes a scheduled event's user_count below 0", () => {
  const cache = withGuild();
  const event = { id: "50", guild_id: G, name: "quiz", user_count: 0 };
  cache.apply("GUILD_SCHEDULED_EVENT_CREATE", event);
  cache.apply("GUILD_SCHEDULED_EVENT_USER_REMOVE", {
    guild_id: G,
    guild_scheduled_event_id: "50",
    user_id: "1",
  });
  assert.equal(cache.scheduledEvent(G, "50")?.user_count, 0);
});

Deno.test("MemoryCache: a private thread (type 12) is a thread: archiving it drops it with its messages, and its channel's delete takes it", () => {
  const cache = withGuild();
  const secret = (id: string, archived: boolean) => ({
    ...thread,
    id,
    type: 12,
    thread_metadata: { archived },
  });
  for (const id of ["202", "203"]) {
    cache.apply("THREAD_CREATE", secret(id, false));
    cache.apply("MESSAGE_CREATE", guildMessage(`${id}0`, id, G));
  }
  cache.apply("THREAD_UPDATE", secret("202", true));
  assert.equal(cache.channel("202"), undefined);
  assert.equal(cache.message("202", "2020"), undefined);
  assert.equal(cache.message("203", "2030")?.id, "2030");
  cache.apply("CHANNEL_DELETE", { id: C, type: 0, guild_id: G });
  assert.equal(cache.channel("203"), undefined);
  assert.equal(cache.message("203", "2030"), undefined);
});

Deno.test("reduceDispatch keeping messages without channels keeps a guild's message as it comes (its channel cannot be known)", () => {
  const config = { resources: new Set(["messages"] as const) };
  const lookup = { get: () => undefined, ids: () => [] };
  const { changes } = reduceDispatch(
    lookup,
    "MESSAGE_CREATE",
    guildMessage("30", C, G),
    config,
  );
  assert.deepEqual(
    changes.map((c) => c.op === "set" && [c.kind, c.scope, c.id]),
    [["message", C, "30"]],
  );
});

Deno.test("MemoryCache without messages: a MESSAGE_CREATE's author updates the shared user a member holds", () => {
  const cache = new MemoryCache({ resources: ["guilds", "members", "users"] });
  cache.apply("GUILD_CREATE", guildCreate({ members: [member("1")] }));
  cache.apply(
    "MESSAGE_CREATE",
    guildMessage("30", C, G, { author: { ...user("1"), username: "renamed" } }),
  );
  assert.equal(cache.message(C, "30"), undefined);
  assert.equal(cache.member(G, "1")?.user?.username, "renamed");
  assert.equal(cache.user("1")?.username, "renamed");
});

Deno.test("cacheReads: a PRESENCE_UPDATE whose user is its id alone reads no user (the most frequent event costs one read); one with user fields reads it", () => {
  const config = { resources: new Set(CACHE_RESOURCES) };
  const presence = (user: Record<string, unknown>): object => ({
    guild_id: G,
    user,
    status: "online",
  });
  const users = (data: unknown): number =>
    cacheReads("PRESENCE_UPDATE", data, config).filter((read) =>
      read.kind === "user"
    ).length;
  assert.equal(users(presence({ id: "1" })), 0);
  assert.equal(users(presence({ id: "1", username: "renamed" })), 1);
});

Deno.test("reduceDispatch: a PRESENCE_UPDATE's partial user changes a cached user only, and adds none (its other fields are unknown)", () => {
  const config = { resources: new Set(CACHE_RESOURCES) };
  const data = {
    guild_id: G,
    user: { id: "1", username: "renamed" },
    status: "online",
  };
  const userSets = (held: Record<string, unknown> | undefined): unknown[] =>
    reduceDispatch(
      { get: (kind) => kind === "user" ? held : undefined, ids: () => [] },
      "PRESENCE_UPDATE",
      data,
      config,
    ).changes.filter((c) => c.op === "set" && c.kind === "user");
  assert.deepEqual(userSets(undefined), []);
  assert.deepEqual(userSets(user("1")), [{
    op: "set",
    kind: "user",
    scope: "",
    id: "1",
    value: { ...user("1"), username: "renamed" },
  }]);
});

Deno.test("MemoryCache: a thread event or sync of another guild naming a channel of this one (a parent, or the thread) neither adds the thread there nor moves it", () => {
  const cache = withGuild();
  const other = "101";
  const otherChannel = { id: "300", type: 0, guild_id: other, name: "o" };
  cache.apply("GUILD_CREATE", {
    ...guildCreate(),
    id: other,
    channels: [otherChannel],
    threads: [],
  });
  // A thread of the other guild under G's channel C: no parent there.
  cache.apply("THREAD_CREATE", {
    ...thread,
    id: "301",
    guild_id: other,
    parent_id: C,
  });
  assert.equal(cache.channel("301"), undefined);
  // A sync of the other guild listing G's thread T under its own channel.
  cache.apply("THREAD_LIST_SYNC", {
    guild_id: other,
    threads: [{ ...thread, guild_id: other, parent_id: "300" }],
    members: [],
  });
  assert.equal(cache.channel(T)?.guild_id, G);
  assert.equal(cache.channel(T)?.parent_id, C);
});

Deno.test("reduceDispatch without guilds kept: a guild's whole emoji list is known, so GUILD_EMOJIS_UPDATE deletes the ones it drops and hands them back", () => {
  const held = { id: "10", name: "gone" };
  const lookup = {
    get: (kind: string, _scope: string, id: string) =>
      kind === "emoji" && id === "10" ? held : undefined,
    ids: (kind: string) => kind === "emoji" ? ["10"] : [],
  };
  const { changes, old } = reduceDispatch(
    lookup,
    "GUILD_EMOJIS_UPDATE",
    { guild_id: G, emojis: [{ id: "11", name: "new" }] },
    { resources: new Set(["emojis"] as const) },
  );
  assert.deepEqual(old, [held]);
  assert.deepEqual(changes.map((c) => c.op === "set" ? "set" : c), [
    { op: "delete", kind: "emoji", scope: G, id: "10" },
    "set",
  ]);
});

Deno.test("reduceDispatch: members not kept are not handed back as old, even by a lookup holding them (a store's stale ones)", () => {
  const lookup = {
    get: (kind: string, _scope: string, id: string) =>
      kind === "member" ? { user: { id }, roles: [] } : undefined,
    ids: () => [],
  };
  const config = { resources: new Set(["guilds"] as const) };
  for (const event of ["GUILD_MEMBER_UPDATE", "GUILD_MEMBER_REMOVE"]) {
    const { old } = reduceDispatch(lookup, event, member("1"), config);
    assert.equal(old, undefined, event);
  }
});

Deno.test("reduceDispatch keeping messages without channels: shard 0's new session still drops what no guild holds", () => {
  const { changes } = reduceDispatch(
    { get: () => undefined, ids: () => [] },
    "READY",
    ready(user(BOT)),
    { resources: new Set(["messages"] as const) },
  );
  assert.ok(changes.some((c) => c.op === "remove_unguilded"));
});

Deno.test("MemoryCache: GUILD_MEMBER_UPDATE of a member not held keeps one whose joined_at is null (Discord's docs make it nullable)", () => {
  const cache = withGuild();
  cache.apply("GUILD_MEMBER_UPDATE", { ...member("1"), joined_at: null });
  assert.equal(cache.member(G, "1")?.user?.id, "1");
  assert.equal(cache.member(G, "1")?.joined_at, null);
});

Deno.test("MemoryCache: a whole list's old (GUILD_EMOJIS_UPDATE's) is in id order, not the order the emojis came in (the same from every store)", () => {
  const cache = new MemoryCache({ resources: [...CACHE_RESOURCES] });
  const emoji = (id: string): Record<string, unknown> => ({ id, name: id });
  cache.apply(
    "GUILD_CREATE",
    guildCreate({ emojis: [emoji("12"), emoji("9"), emoji("11")] }),
  );
  const { old } = cache.apply("GUILD_EMOJIS_UPDATE", {
    guild_id: G,
    emojis: [],
  });
  assert.deepEqual((old as { id: string }[]).map((e) => e.id), [
    "9",
    "11",
    "12",
  ]);
});
