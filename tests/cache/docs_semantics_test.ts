// What the cache holds after an event, checked against what Discord's docs
// (discord-api-docs, developers/events/gateway-events.mdx and
// developers/topics/threads.mdx) say the object now is. Each test names the
// documented rule it checks.
import assert from "node:assert/strict";
import { CACHE_RESOURCES, MemoryCache, RedisCache } from "../../cache/mod.ts";
import { user } from "./_event_sequences.ts";
import { redisStoreTest } from "./_redis_database.ts";
import { assertSameStores } from "./_same_stores.ts";
import type { RedisConnection } from "../../redis/mod.ts";

const BOT = user("9");
const AUTHOR = user("5");
/** User 5's member in guild 1 (without its guild_id, as GUILD_CREATE lists it). */
const MEMBER = {
  user: AUTHOR,
  roles: [],
  joined_at: null,
  deaf: false,
  mute: false,
  flags: 0,
};

/** Guild 1: text channel 2, forum 6, a member of user 5. */
const GUILD = {
  id: "1",
  name: "g",
  member_count: 2,
  channels: [
    { id: "2", type: 0, name: "general", last_message_id: null },
    { id: "6", type: 15, name: "forum", last_message_id: null },
  ],
  threads: [],
  roles: [],
  members: [MEMBER],
};
const READY = { v: 10, user: BOT, guilds: [], session_id: "s" };

/** A Redis store holding {@linkcode GUILD}, on `redis`. */
async function redisWithGuild(redis: RedisConnection): Promise<RedisCache> {
  const store = new RedisCache(redis, { resources: [...CACHE_RESOURCES] });
  await store.apply("READY", READY);
  await store.apply("GUILD_CREATE", GUILD);
  return store;
}

/** A cache holding {@linkcode GUILD}. */
function cacheWithGuild(): MemoryCache {
  const cache = new MemoryCache({ resources: [...CACHE_RESOURCES] });
  cache.apply("READY", READY);
  cache.apply("GUILD_CREATE", GUILD);
  return cache;
}

function message(id: string, fields: Record<string, unknown> = {}): object {
  return {
    id,
    channel_id: "2",
    guild_id: "1",
    author: AUTHOR,
    content: "hi",
    timestamp: "2024-01-01T00:00:00.000000+00:00",
    edited_timestamp: null,
    tts: false,
    ...fields,
  };
}

Deno.test("MESSAGE_UPDATE keeps a cached message's tts: Discord documents tts as always false in message updates", () => {
  const cache = cacheWithGuild();
  cache.apply("MESSAGE_CREATE", message("10", { tts: true }));
  cache.apply(
    "MESSAGE_UPDATE",
    message("10", {
      content: "edited",
      edited_timestamp: "2024-01-01T00:01:00.000000+00:00",
      tts: false,
    }),
  );
  const cached = cache.message("2", "10");
  assert.equal(cached?.content, "edited");
  assert.equal(cached?.tts, true);
});

Deno.test("GUILD_CREATE of an unavailable guild marks a held guild unavailable (during an outage Discord may send it instead of the guild)", () => {
  const cache = cacheWithGuild();
  cache.apply("GUILD_CREATE", { id: "1", unavailable: true });
  const guild = cache.guild("1") as { name?: string; unavailable?: boolean };
  assert.equal(guild.unavailable, true);
  assert.equal(guild.name, "g", "what is known is kept, as GUILD_DELETE does");
  assert.equal(cache.channel("2")?.name, "general");
});

Deno.test("GUILD_MEMBER_ADD of a held member leaves member_count (Discord may send it for users already members)", () => {
  const cache = cacheWithGuild();
  const again = { guild_id: "1", ...MEMBER };
  cache.apply("GUILD_MEMBER_ADD", again);
  assert.equal(cache.get("guild", "", "1")?.member_count, 2);
  cache.apply("GUILD_MEMBER_ADD", { ...again, user: user("7") });
  assert.equal(
    cache.get("guild", "", "1")?.member_count,
    3,
    "a new member counts",
  );
});

Deno.test("THREAD_LIST_SYNC clears the threads of the synced channels; an archived one is held by none (Discord syncs active threads only)", () => {
  const cache = cacheWithGuild();
  const thread = (id: string, archived: boolean): object => ({
    id,
    type: 11,
    guild_id: "1",
    parent_id: "2",
    name: `t${id}`,
    thread_metadata: { archived, auto_archive_duration: 60, locked: false },
  });
  cache.apply("THREAD_CREATE", thread("3", false));
  cache.apply("THREAD_CREATE", thread("4", false));
  cache.apply("THREAD_UPDATE", thread("4", true));
  const { old } = cache.apply("THREAD_LIST_SYNC", {
    guild_id: "1",
    channel_ids: ["2"],
    threads: [],
    members: [],
  });
  assert.equal(cache.channel("3"), undefined, "an active thread not synced");
  assert.equal(cache.channel("4"), undefined, "archived: gone at its update");
  assert.deepEqual((old as { id: string }[]).map((t) => t.id), ["3"]);
});

Deno.test("MESSAGE_CREATE sets its channel's last_message_id (Discord sends no CHANNEL_UPDATE for it and documents tracking it from MESSAGE_CREATE)", () => {
  const cache = cacheWithGuild();
  cache.apply("MESSAGE_CREATE", message("11"));
  assert.equal(cache.channel("2")?.last_message_id, "11");
  cache.apply("MESSAGE_CREATE", message("10"));
  assert.equal(cache.channel("2")?.last_message_id, "11", "an older one");
  // An ephemeral message has no guild_id: it is no message of the channel.
  cache.apply("MESSAGE_CREATE", message("12", { guild_id: undefined }));
  assert.equal(cache.channel("2")?.last_message_id, "11");
  // A message in a thread sets the thread's.
  cache.apply("THREAD_CREATE", {
    id: "13",
    type: 11,
    guild_id: "1",
    parent_id: "2",
    name: "t",
  });
  cache.apply("MESSAGE_CREATE", message("14", { channel_id: "13" }));
  assert.equal(cache.channel("13")?.last_message_id, "14");
  assert.equal(cache.channel("2")?.last_message_id, "11");
});

Deno.test("THREAD_CREATE in a forum or media channel sets the channel's last_message_id to the thread (Discord documents it as the last thread created)", () => {
  const cache = cacheWithGuild();
  const post = (id: string, parent: string): object => ({
    id,
    type: 11,
    guild_id: "1",
    parent_id: parent,
    name: `post ${id}`,
    newly_created: true,
  });
  cache.apply("THREAD_CREATE", post("21", "6"));
  assert.equal(cache.channel("6")?.last_message_id, "21");
  cache.apply("THREAD_CREATE", post("20", "6"));
  assert.equal(cache.channel("6")?.last_message_id, "21", "an older thread");
  // In a text channel, a thread is not its last message.
  cache.apply("THREAD_CREATE", post("22", "2"));
  assert.equal(cache.channel("2")?.last_message_id, null);
  cache.apply("CHANNEL_CREATE", { id: "7", type: 16, guild_id: "1" });
  cache.apply("THREAD_CREATE", post("23", "7"));
  assert.equal(cache.channel("7")?.last_message_id, "23", "a media channel");
});

Deno.test(redisStoreTest(
  "RedisCache: messages of one batch set their channel's last_message_id to the newest; tts survives an update in the batch",
  3,
  async (redis) => {
    const store = await redisWithGuild(redis);
    await store.applyBatch([
      { event: "MESSAGE_CREATE", data: message("11", { tts: true }) },
      { event: "MESSAGE_CREATE", data: message("10") },
      { event: "MESSAGE_UPDATE", data: message("11", { content: "e" }) },
    ]);
    await store.flush();
    assert.equal((await store.channel("2"))?.last_message_id, "11");
    const edited = await store.get("message", "2", "11");
    assert.equal(edited?.content, "e");
    assert.equal(edited?.tts, true);
  },
));

Deno.test("READY marks every guild it lists unavailable, a held one too, until its GUILD_CREATE (Discord: they start out unavailable)", () => {
  const cache = cacheWithGuild();
  cache.apply("READY", { ...READY, guilds: [{ id: "1", unavailable: true }] });
  const guild = cache.guild("1") as { name?: string; unavailable?: boolean };
  assert.equal(guild.unavailable, true);
  assert.equal(guild.name, "g", "what is known is kept until GUILD_CREATE");
  assert.equal(cache.channel("2")?.name, "general");
  cache.apply("GUILD_CREATE", GUILD);
  assert.equal(
    (cache.guild("1") as { unavailable?: boolean }).unavailable,
    undefined,
  );
});

Deno.test("GUILD_EMOJIS_UPDATE keeps each emoji as Discord's emoji object (which has no guild_id), as GUILD_CREATE does", () => {
  const cache = cacheWithGuild();
  const emoji = { id: "30", name: "wave", roles: [], animated: false };
  cache.apply("GUILD_CREATE", { ...GUILD, emojis: [emoji] });
  assert.deepEqual(cache.emoji("1", "30"), emoji);
  const renamed = { ...emoji, name: "hi" };
  cache.apply("GUILD_EMOJIS_UPDATE", { guild_id: "1", emojis: [renamed] });
  assert.deepEqual(cache.emoji("1", "30"), renamed);
});

Deno.test("MESSAGE_UPDATE keeps a cached poll's results when the update's poll has none (Discord: a missing results field means unknown, not none)", () => {
  const cache = cacheWithGuild();
  const poll = {
    question: { text: "?" },
    answers: [{ answer_id: 1, poll_media: { text: "yes" } }],
    expiry: "2024-01-02T00:00:00.000000+00:00",
    allow_multiselect: false,
    layout_type: 1,
  };
  const results = {
    is_finalized: false,
    answer_counts: [{ id: 1, count: 3, me_voted: false }],
  };
  cache.apply("MESSAGE_CREATE", message("10", { poll: { ...poll, results } }));
  cache.apply("MESSAGE_UPDATE", message("10", { poll, content: "edited" }));
  assert.deepEqual(cache.message("2", "10")?.poll, { ...poll, results });
  // Results the update carries replace the cached ones.
  const final = { ...results, is_finalized: true };
  cache.apply(
    "MESSAGE_UPDATE",
    message("10", { poll: { ...poll, results: final } }),
  );
  assert.deepEqual(cache.message("2", "10")?.poll?.results, final);
});

Deno.test("A message keeps every field of Discord's message object, shared_client_theme included", () => {
  const cache = cacheWithGuild();
  const theme = {
    colors: ["5865F2", "7258F2"],
    gradient_angle: 0,
    base_mix: 58,
  };
  cache.apply("MESSAGE_CREATE", message("10", { shared_client_theme: theme }));
  assert.deepEqual(
    (cache.message("2", "10") as { shared_client_theme?: unknown })
      ?.shared_client_theme,
    theme,
  );
});

Deno.test("PRESENCE_UPDATE without some fields keeps the cached ones (Discord: no field of it is required; it is also sent for a change of the user's name or avatar)", () => {
  const cache = cacheWithGuild();
  const activities = [{ name: "chess", type: 0, created_at: 1 }];
  cache.apply("PRESENCE_UPDATE", {
    user: { id: "5" },
    guild_id: "1",
    status: "online",
    activities,
    client_status: { desktop: "online" },
  });
  cache.apply("PRESENCE_UPDATE", {
    user: { id: "5", username: "renamed" },
    guild_id: "1",
  });
  assert.deepEqual(cache.presence("1", "5"), {
    user: { id: "5" },
    guild_id: "1",
    status: "online",
    activities,
    client_status: { desktop: "online" },
  });
  assert.equal(cache.user("5")?.username, "renamed");
  cache.apply("PRESENCE_UPDATE", {
    user: { id: "5" },
    guild_id: "1",
    status: "idle",
    activities: [],
    client_status: { mobile: "idle" },
  });
  assert.equal(cache.presence("1", "5")?.status, "idle");
  assert.deepEqual(cache.presence("1", "5")?.client_status, { mobile: "idle" });
});

/**
 * A member request by user ids whose chunk finds 5 no longer a member
 * (`not_found`), and adds 6 with its presence.
 */
const NOT_FOUND_CHUNK: [string, object][] = [
  ["PRESENCE_UPDATE", { user: { id: "5" }, guild_id: "1", status: "online" }],
  ["GUILD_MEMBERS_CHUNK", {
    guild_id: "1",
    members: [{ ...MEMBER, user: user("6") }],
    presences: [{ user: { id: "6" }, status: "idle" }],
    not_found: ["5", "not a snowflake", 7],
    chunk_index: 0,
    chunk_count: 1,
  }],
];

Deno.test("GUILD_MEMBERS_CHUNK's not_found ids leave the cache with their presence (Discord: the ids asked for that are not members; without GUILD_MEMBERS no GUILD_MEMBER_REMOVE comes)", () => {
  const cache = cacheWithGuild();
  for (const [event, data] of NOT_FOUND_CHUNK) cache.apply(event, data);
  assert.equal(cache.member("1", "5"), undefined);
  assert.equal(cache.presence("1", "5"), undefined);
  assert.equal(cache.member("1", "6")?.user.id, "6");
  assert.equal(cache.presence("1", "6")?.status, "idle");
  assert.equal(cache.get("guild", "", "1")?.member_count, 2, "as sent");
});

Deno.test(redisStoreTest(
  "RedisCache: GUILD_MEMBERS_CHUNK's not_found ids leave the cache, as in the memory store",
  3,
  async (redis) => {
    const memory = cacheWithGuild();
    const store = await redisWithGuild(redis);
    for (const [event, data] of NOT_FOUND_CHUNK) {
      memory.apply(event, data);
      await store.apply(event, data);
    }
    await store.flush();
    assert.equal(await store.get("member", "1", "5"), undefined);
    assert.equal(await store.get("presence", "1", "5"), undefined);
    assert.equal((await store.get("presence", "1", "6"))?.status, "idle");
    await assertSameStores(redis, memory, "after the chunk");
  },
));

/** A thread of channel `parent` in guild 1, with one message. */
function threadWithMessage(id: string, parent: string): [string, unknown][] {
  return [
    ["THREAD_CREATE", {
      id,
      type: 11,
      guild_id: "1",
      parent_id: parent,
      name: "t",
      newly_created: true,
    }],
    ["MESSAGE_CREATE", {
      id: `${id}0`,
      channel_id: id,
      guild_id: "1",
      content: "in a thread",
      timestamp: "2024-01-01T00:00:00.000000+00:00",
      author: AUTHOR,
    }],
  ];
}

Deno.test("CHANNEL_DELETE takes the channel's threads and their messages with it (a thread does not outlive its channel); THREAD_DELETE takes only the thread", () => {
  const cache = cacheWithGuild();
  for (
    const [event, data] of [
      ...threadWithMessage("30", "2"),
      ...threadWithMessage("31", "2"),
      ...threadWithMessage("32", "6"),
    ]
  ) cache.apply(event, data);
  cache.apply("THREAD_DELETE", {
    id: "31",
    type: 11,
    guild_id: "1",
    parent_id: "2",
  });
  assert.equal(cache.channel("31"), undefined);
  assert.notEqual(cache.channel("30"), undefined);
  cache.apply("CHANNEL_DELETE", { id: "2", type: 0, guild_id: "1" });
  assert.equal(cache.channel("30"), undefined);
  assert.deepEqual(cache.channelMessages("30"), []);
  // Another channel's thread stays.
  assert.equal(cache.channelMessages("32").length, 1);
  assert.deepEqual(cache.channels("1").map((c) => c.id).sort(), ["32", "6"]);
});

Deno.test(redisStoreTest(
  "RedisCache: CHANNEL_DELETE removes the channel's threads and their messages, leaving no key behind",
  3,
  async (redis) => {
    const store = await redisWithGuild(redis);
    for (const [event, data] of threadWithMessage("30", "2")) {
      await store.apply(event, data);
    }
    await store.apply("CHANNEL_DELETE", { id: "2", type: 0, guild_id: "1" });
    await store.flush();
    assert.deepEqual(await redis.keys("*30*"), []);
    assert.deepEqual(
      (await redis.smembers("guild_keys:1")).filter((k) =>
        k.startsWith("channel:")
      ),
      ["channel:6"],
    );
  },
));

Deno.test("Stickers, sounds, stage instances and scheduled events from GUILD_CREATE carry their guild_id, as after their own events (their objects document one)", () => {
  const cache = new MemoryCache({ resources: [...CACHE_RESOURCES] });
  cache.apply("GUILD_CREATE", {
    ...GUILD,
    stickers: [{ id: "40", name: "s" }],
    soundboard_sounds: [{ sound_id: "41", name: "b" }],
    stage_instances: [{ id: "42", channel_id: "2" }],
    guild_scheduled_events: [{ id: "43", name: "e" }],
    emojis: [{ id: "44", name: "m" }],
  });
  const fromCreate = [
    cache.stickers("1"),
    cache.soundboardSounds("1"),
    cache.stageInstances("1"),
    cache.scheduledEvents("1"),
  ];
  for (const values of fromCreate) assert.equal(values[0]?.guild_id, "1");
  assert.equal("guild_id" in (cache.emoji("1", "44") ?? {}), false);
  cache.apply("GUILD_STICKERS_UPDATE", {
    guild_id: "1",
    stickers: [{ id: "40", name: "s" }],
  });
  assert.deepEqual(cache.stickers("1"), fromCreate[0]);
});

/** A thread of channel 2 (or a forum post in 6) with its message counts. */
function thread(id: string, parent = "2"): object {
  return {
    id,
    type: 11,
    guild_id: "1",
    parent_id: parent,
    name: `t${id}`,
    message_count: 0,
    total_message_sent: 0,
  };
}

/** A cached channel's fields, whatever its type. */
function fieldsOf(channel: object | undefined): Record<string, unknown> {
  assert.ok(channel !== undefined);
  return channel as Record<string, unknown>;
}

/** A thread's messages: the counts and what deletes do to them. */
const THREAD_EVENTS: [string, object][] = [
  ["THREAD_CREATE", thread("13")],
  ["MESSAGE_CREATE", message("14", { channel_id: "13" })],
  ["MESSAGE_CREATE", message("14", { channel_id: "13" })],
  ["MESSAGE_CREATE", message("15", { channel_id: "13" })],
  ["MESSAGE_CREATE", message("16", { channel_id: "13" })],
  ["MESSAGE_DELETE", { id: "14", channel_id: "13", guild_id: "1" }],
  // The thread's own id is its initial message, which neither count counts.
  ["MESSAGE_DELETE_BULK", {
    ids: ["15", "13", "15"],
    channel_id: "13",
    guild_id: "1",
  }],
  ["THREAD_CREATE", thread("21", "6")],
  ["MESSAGE_CREATE", message("21", { channel_id: "21" })],
  ["MESSAGE_CREATE", message("22", { channel_id: "2" })],
];

Deno.test("A thread's message_count and total_message_sent follow its MESSAGE_CREATEs and deletes (Discord's docs: the initial message is not counted; total_message_sent does not drop on deletes)", () => {
  const cache = cacheWithGuild();
  const counts = (id: string): unknown[] => {
    const channel = fieldsOf(cache.channel(id));
    return [channel.message_count, channel.total_message_sent];
  };
  for (const [event, data] of THREAD_EVENTS.slice(0, 5)) {
    cache.apply(event, data);
  }
  assert.deepEqual(counts("13"), [3, 3], "a repeated create counted once");
  assert.equal(cache.channel("13")?.last_message_id, "16");
  for (const [event, data] of THREAD_EVENTS.slice(5)) cache.apply(event, data);
  assert.deepEqual(counts("13"), [1, 3]);
  assert.deepEqual(counts("21"), [0, 0], "a forum post's starter message");
  assert.equal(cache.channel("21")?.last_message_id, "21");
  const text = fieldsOf(cache.channel("2"));
  assert.equal(text.last_message_id, "22");
  assert.equal("message_count" in text, false, "no count on a text channel");
  // Never below zero; a thread without counts gets none.
  cache.apply("MESSAGE_DELETE_BULK", {
    ids: ["30", "31"],
    channel_id: "13",
    guild_id: "1",
  });
  assert.deepEqual(counts("13"), [0, 3]);
  const { message_count: _, ...uncounted } = fieldsOf(thread("40"));
  cache.apply("THREAD_CREATE", uncounted);
  cache.apply("MESSAGE_CREATE", message("41", { channel_id: "40" }));
  assert.equal("message_count" in cache.channel("40")!, false);
  assert.equal(
    fieldsOf(cache.channel("40")).total_message_sent,
    1,
  );
});

Deno.test(redisStoreTest(
  "RedisCache: a thread's message counts are the memory store's, event by event and in one batch",
  3,
  async (redis) => {
    const memory = cacheWithGuild();
    for (const [event, data] of THREAD_EVENTS) memory.apply(event, data);
    const one = await redisWithGuild(redis);
    for (const [event, data] of THREAD_EVENTS) await one.apply(event, data);
    await one.flush();
    for (const id of ["13", "21", "2"]) {
      assert.deepEqual(await one.channel(id), memory.channel(id), id);
    }
    await redis.flushdb();
    const batched = await redisWithGuild(redis);
    await batched.applyBatch(
      THREAD_EVENTS.map(([event, data]) => ({ event, data })),
    );
    await batched.flush();
    for (const id of ["13", "21", "2"]) {
      assert.deepEqual(await batched.channel(id), memory.channel(id), id);
    }
  },
));

/** A message of user 5 with a poll of answers 1 and 2. */
function pollMessage(id: string, results?: object): object {
  return message(id, {
    poll: {
      question: { text: "?" },
      answers: [
        { answer_id: 1, poll_media: { text: "yes" } },
        { answer_id: 2, poll_media: { text: "no" } },
      ],
      expiry: "2024-01-02T00:00:00.000000+00:00",
      allow_multiselect: true,
      layout_type: 1,
      ...(results === undefined ? {} : { results }),
    },
  });
}

function vote(
  added: boolean,
  messageId: string,
  answerId: unknown,
  userId = "5",
): [string, object] {
  return [
    added ? "MESSAGE_POLL_VOTE_ADD" : "MESSAGE_POLL_VOTE_REMOVE",
    {
      user_id: userId,
      channel_id: "2",
      message_id: messageId,
      guild_id: "1",
      answer_id: answerId,
    },
  ];
}

const VOTES: [string, object][] = [
  [
    "MESSAGE_CREATE",
    pollMessage("10", {
      is_finalized: false,
      answer_counts: [{ id: 1, count: 3, me_voted: false }],
    }),
  ],
  vote(true, "10", 1),
  vote(true, "10", 2, "9"),
  vote(true, "10", 2),
  vote(false, "10", 2, "9"),
  vote(false, "10", 1),
  // Not one of the poll's answers, and a removal without votes: no change.
  vote(true, "10", 7),
  vote(false, "10", 7),
];

Deno.test("MESSAGE_POLL_VOTE_ADD and _REMOVE keep a poll's running tally (Discord: an answer without an entry has no votes; me_voted is the bot's own vote)", () => {
  const cache = cacheWithGuild();
  const tally = (): unknown =>
    (cache.message("2", "10")?.poll?.results as { answer_counts: unknown })
      .answer_counts;
  const [create, ...votes] = VOTES;
  cache.apply(...create!);
  const old = cache.apply(...votes[0]!).old;
  assert.deepEqual(
    (old as { poll: { results: unknown } }).poll.results,
    {
      is_finalized: false,
      answer_counts: [{ id: 1, count: 3, me_voted: false }],
    },
    "old: the message before the vote",
  );
  assert.deepEqual(tally(), [{ id: 1, count: 4, me_voted: false }]);
  cache.apply(...votes[1]!);
  cache.apply(...votes[2]!);
  assert.deepEqual(tally(), [
    { id: 1, count: 4, me_voted: false },
    { id: 2, count: 2, me_voted: true },
  ]);
  cache.apply(...votes[3]!);
  assert.deepEqual(tally(), [
    { id: 1, count: 4, me_voted: false },
    { id: 2, count: 1, me_voted: false },
  ]);
  for (const event of votes.slice(4)) cache.apply(...event);
  assert.deepEqual(tally(), [
    { id: 1, count: 3, me_voted: false },
    { id: 2, count: 1, me_voted: false },
  ]);
  cache.apply(...vote(false, "10", 2));
  assert.deepEqual(
    tally(),
    [{ id: 1, count: 3, me_voted: false }],
    "no votes: no entry",
  );
});

Deno.test("Poll votes leave unknown (absent) and finalized results as they are (Discord's docs: the final count comes in the MESSAGE_UPDATE that ends the poll), and a vote for an answer the poll does not have changes nothing", () => {
  const cache = cacheWithGuild();
  cache.apply("MESSAGE_CREATE", pollMessage("10"));
  const final = { is_finalized: true, answer_counts: [{ id: 1, count: 2 }] };
  cache.apply("MESSAGE_CREATE", pollMessage("11", final));
  const before = [cache.message("2", "10"), cache.message("2", "11")];
  for (const id of ["10", "11"]) {
    assert.equal(cache.apply(...vote(true, id, 1)).changes.length, 0, id);
    assert.equal(cache.apply(...vote(false, id, 1)).changes.length, 0, id);
  }
  assert.deepEqual(
    [cache.message("2", "10"), cache.message("2", "11")],
    before,
  );
  // A vote for a message not cached changes nothing, nor one for an answer
  // the poll does not have (a made-up id would grow the tally).
  assert.equal(cache.apply(...vote(true, "99", 1)).changes.length, 0);
  const open = { is_finalized: false, answer_counts: [] };
  cache.apply("MESSAGE_CREATE", pollMessage("12", open));
  assert.equal(cache.apply(...vote(true, "12", 3)).changes.length, 0);
});

Deno.test(redisStoreTest(
  "RedisCache: poll votes give the memory store's tally",
  3,
  async (redis) => {
    const memory = cacheWithGuild();
    const store = await redisWithGuild(redis);
    for (const event of VOTES) {
      memory.apply(...event);
      await store.apply(...event);
    }
    await store.flush();
    assert.deepEqual(
      await store.get("message", "2", "10"),
      memory.get("message", "2", "10"),
    );
  },
));

/**
 * Voice channel 3 of guild 1 with a status and a voice session start time,
 * then renamed by a CHANNEL_UPDATE (whose channel object carries neither).
 */
const VOICE_STATUS_EVENTS: [string, object][] = [
  ["CHANNEL_CREATE", { id: "3", type: 2, guild_id: "1", name: "voice" }],
  ["VOICE_CHANNEL_STATUS_UPDATE", { id: "3", guild_id: "1", status: "live" }],
  ["VOICE_CHANNEL_START_TIME_UPDATE", {
    id: "3",
    guild_id: "1",
    voice_start_time: 1_700_000_000,
  }],
  ["CHANNEL_UPDATE", { id: "3", type: 2, guild_id: "1", name: "renamed" }],
];

// Discord's change log (developers/change-log.mdx, 2026-04-20): "Voice
// channel status and voice session start time are ephemeral and are not
// included on the channel object", and come in their own events.
Deno.test("CHANNEL_UPDATE keeps a voice channel's status and voice_start_time (Discord: ephemeral, not included on the channel object)", () => {
  const cache = cacheWithGuild();
  for (const [event, data] of VOICE_STATUS_EVENTS) cache.apply(event, data);
  // Typed: a CachedChannel declares them.
  const channel = cache.channel("3");
  assert.equal(channel?.name, "renamed");
  assert.equal(channel?.status, "live");
  assert.equal(channel?.voice_start_time, 1_700_000_000);
  // Their own events still change them.
  cache.apply("VOICE_CHANNEL_STATUS_UPDATE", {
    id: "3",
    guild_id: "1",
    status: null,
  });
  assert.equal(cache.channel("3")?.status, null);
});

Deno.test(redisStoreTest(
  "RedisCache: CHANNEL_UPDATE keeps a voice channel's status and voice_start_time, as the memory store does",
  3,
  async (redis) => {
    const memory = cacheWithGuild();
    const store = await redisWithGuild(redis);
    for (const [event, data] of VOICE_STATUS_EVENTS) {
      memory.apply(event, data);
      await store.apply(event, data);
    }
    await store.flush();
    assert.deepEqual(await store.channel("3"), memory.channel("3"));
    assert.equal((await store.channel("3"))?.status, "live");
  },
));

/** Messages 10 and 11 of webhook 70, each sent under another name. */
const WEBHOOK_MESSAGES: [string, object][] = ["Alice", "Bob"].map((
  username,
  i,
) => [
  "MESSAGE_CREATE",
  message(`1${i}`, {
    webhook_id: "70",
    author: { id: "70", username, discriminator: "0000", avatar: null },
  }),
]);

// developers/resources/message.mdx, the message object's author: "If the
// message is generated by a webhook, the author object corresponds to the
// webhook's id, username, and avatar" (of that message: executing a webhook
// may override both).
Deno.test("A webhook message keeps its own author: Discord's docs make it the webhook's id, username and avatar of that message, not a user shared by id", () => {
  const cache = cacheWithGuild();
  for (const [event, data] of WEBHOOK_MESSAGES) cache.apply(event, data);
  assert.equal(cache.message("2", "10")?.author.username, "Alice");
  assert.equal(cache.message("2", "11")?.author.username, "Bob");
  assert.equal(cache.user("70"), undefined, "a webhook is no user");
});

Deno.test(redisStoreTest(
  "RedisCache: webhook messages keep their own authors, as the memory store does",
  3,
  async (redis) => {
    const memory = cacheWithGuild();
    const store = await redisWithGuild(redis);
    for (const [event, data] of WEBHOOK_MESSAGES) {
      memory.apply(event, data);
      await store.apply(event, data);
    }
    await store.flush();
    for (const id of ["10", "11"]) {
      assert.deepEqual(
        await store.get("message", "2", id),
        memory.get("message", "2", id),
      );
    }
  },
));

Deno.test("MESSAGE_UPDATE of a message not held keeps it, as MESSAGE_CREATE would (Discord: the payload is a whole message object); a partial one, or one in a channel not held, adds nothing", () => {
  const cache = cacheWithGuild();
  const before = cache.channel("2");
  const { old } = cache.apply(
    "MESSAGE_UPDATE",
    message("20", {
      content: "edited",
      edited_timestamp: "2024-01-02T00:00:00.000000+00:00",
    }),
  );
  assert.equal(old, undefined);
  assert.equal(cache.message("2", "20")?.content, "edited");
  assert.equal(cache.message("2", "20")?.author.username, AUTHOR.username);
  // Not a new message: the channel's last_message_id stays.
  assert.deepEqual(cache.channel("2"), before);
  const deleted = cache.apply("MESSAGE_DELETE", {
    id: "20",
    channel_id: "2",
    guild_id: "1",
  });
  assert.equal((deleted.old as { content: string }).content, "edited");

  // An older gateway's partial update (no author, no timestamp).
  cache.apply("MESSAGE_UPDATE", {
    id: "21",
    channel_id: "2",
    guild_id: "1",
    embeds: [],
  });
  assert.equal(cache.message("2", "21"), undefined);
  // A channel the cache does not hold in that guild.
  cache.apply("MESSAGE_UPDATE", message("22", { channel_id: "99" }));
  assert.equal(cache.message("99", "22"), undefined);
  assert.equal(cache.sizes().message, 0);
});

Deno.test("GUILD_MEMBER_UPDATE of a member not held keeps it only with the member object's required fields (the docs make deaf, mute and flags optional there): never a CachedMember missing them", () => {
  const cache = cacheWithGuild();
  // The user is held (by a message), as it may be for another guild.
  cache.apply("MESSAGE_CREATE", message("20", { author: user("70") }));
  const partial = {
    guild_id: "1",
    roles: [],
    user: { ...user("70"), username: "renamed" },
    joined_at: "2024-01-01T00:00:00.000000+00:00",
    avatar: null,
  };
  assert.equal(cache.apply("GUILD_MEMBER_UPDATE", partial).old, undefined);
  assert.equal(cache.member("1", "70"), undefined);
  // Its user is whole all the same: the held one is updated.
  assert.equal(cache.user("70")?.username, "renamed");
  const whole = { ...partial, deaf: false, mute: true, flags: 0 };
  cache.apply("GUILD_MEMBER_UPDATE", whole);
  const member = cache.member("1", "70");
  assert.deepEqual([member?.deaf, member?.mute, member?.flags], [
    false,
    true,
    0,
  ]);
  // Held now, a partial update is merged: what it lacks stays.
  cache.apply("GUILD_MEMBER_UPDATE", { ...partial, nick: "n" });
  assert.deepEqual(
    [cache.member("1", "70")?.nick, cache.member("1", "70")?.mute],
    ["n", true],
  );
});

Deno.test("MESSAGE_UPDATE of a message older than a full channel keeps is not kept; a newer one evicts the oldest", () => {
  const cache = new MemoryCache({ messages: { perChannel: 2 } });
  cache.apply("GUILD_CREATE", GUILD);
  cache.apply("MESSAGE_CREATE", message("30"));
  cache.apply("MESSAGE_CREATE", message("31"));
  cache.apply("MESSAGE_UPDATE", message("29"));
  assert.deepEqual(cache.channelMessages("2").map((m) => m.id), ["30", "31"]);
  cache.apply("MESSAGE_UPDATE", message("32"));
  assert.deepEqual(cache.channelMessages("2").map((m) => m.id), ["31", "32"]);
});

Deno.test(redisStoreTest(
  "RedisCache: a MESSAGE_UPDATE of a message not held is kept, and in a batch it evicts as the memory store does",
  3,
  async (redis) => {
    const options = { messages: { perChannel: 1 } };
    const store = new RedisCache(redis, options);
    const memory = new MemoryCache(options);
    for (
      const [event, data] of [["GUILD_CREATE", GUILD], [
        "MESSAGE_CREATE",
        message("40"),
      ]] as const
    ) {
      await store.apply(event, data);
      memory.apply(event, data);
    }
    // A batch without a MESSAGE_CREATE: the update alone fills the channel.
    const batch = [
      { event: "MESSAGE_UPDATE", data: message("41", { content: "e" }) },
      // Evicted by the update: gone in both stores, so no old state.
      {
        event: "MESSAGE_DELETE",
        data: { id: "40", channel_id: "2", guild_id: "1" },
      },
    ];
    const updates = await store.applyBatch(batch);
    await store.flush();
    const olds = batch.map(({ event, data }) => memory.apply(event, data).old);
    assert.deepEqual(updates.map((u) => u.old), olds);
    assert.equal(olds[1], undefined);
    assert.equal((await store.message("2", "41"))?.content, "e");
    assert.deepEqual(await redis.smembers("channel_keys:2"), ["message:2:41"]);
  },
));

Deno.test("GUILD_SCHEDULED_EVENT_UPDATE without user_count keeps the count USER_ADD and USER_REMOVE keep (Discord: user_count is optional in the object)", () => {
  const cache = cacheWithGuild();
  const event = {
    id: "70",
    guild_id: "1",
    name: "quiz",
    status: 1,
    entity_type: 2,
    user_count: 1,
  };
  cache.apply("GUILD_SCHEDULED_EVENT_CREATE", event);
  cache.apply("GUILD_SCHEDULED_EVENT_USER_ADD", {
    guild_scheduled_event_id: "70",
    guild_id: "1",
    user_id: "5",
  });
  const { user_count: _, ...withoutCount } = event;
  const { old } = cache.apply("GUILD_SCHEDULED_EVENT_UPDATE", {
    ...withoutCount,
    name: "big quiz",
  });
  assert.equal((old as { user_count: number }).user_count, 2);
  const [now] = cache.scheduledEvents("1");
  assert.equal(now?.name, "big quiz");
  assert.equal(now?.user_count, 2);
  // One that carries a count sets it.
  cache.apply("GUILD_SCHEDULED_EVENT_UPDATE", { ...event, user_count: 7 });
  assert.equal(cache.scheduledEvents("1")[0]?.user_count, 7);
});
