// CachedOldState (the type of ctx.old per event) against what the core
// actually returns: every event whose reducer can give a previous state is
// in the map, no other is, and lists are lists; and an old state is the
// state before, not the cache's own object.
import assert from "node:assert/strict";
import {
  CACHE_RESOURCES,
  type CachedOldState,
  MemoryCache,
  reduceDispatch,
} from "../../cache/mod.ts";
import {
  GATEWAY_EVENT_NAMES,
  type GatewayEventName,
} from "../../types/events.ts";

/** What each mapped event's old state is; the compiler checks each shape. */
const SHAPES: {
  readonly [K in keyof CachedOldState]: CachedOldState[K] extends
    readonly unknown[] ? "list" : "one";
} = {
  READY: "one",
  CHANNEL_UPDATE: "one",
  CHANNEL_DELETE: "one",
  CHANNEL_INFO: "list",
  VOICE_CHANNEL_STATUS_UPDATE: "one",
  VOICE_CHANNEL_START_TIME_UPDATE: "one",
  THREAD_CREATE: "one",
  THREAD_UPDATE: "one",
  THREAD_DELETE: "one",
  THREAD_LIST_SYNC: "list",
  THREAD_MEMBER_UPDATE: "one",
  THREAD_MEMBERS_UPDATE: "one",
  CHANNEL_PINS_UPDATE: "one",
  GUILD_CREATE: "one",
  GUILD_UPDATE: "one",
  GUILD_DELETE: "one",
  GUILD_EMOJIS_UPDATE: "list",
  GUILD_STICKERS_UPDATE: "list",
  GUILD_MEMBER_REMOVE: "one",
  GUILD_MEMBER_UPDATE: "one",
  GUILD_ROLE_UPDATE: "one",
  GUILD_ROLE_DELETE: "one",
  GUILD_SCHEDULED_EVENT_CREATE: "one",
  GUILD_SCHEDULED_EVENT_UPDATE: "one",
  GUILD_SCHEDULED_EVENT_DELETE: "one",
  GUILD_SCHEDULED_EVENT_USER_ADD: "one",
  GUILD_SCHEDULED_EVENT_USER_REMOVE: "one",
  GUILD_SOUNDBOARD_SOUND_CREATE: "one",
  GUILD_SOUNDBOARD_SOUND_UPDATE: "one",
  GUILD_SOUNDBOARD_SOUND_DELETE: "one",
  GUILD_SOUNDBOARD_SOUNDS_UPDATE: "list",
  SOUNDBOARD_SOUNDS: "list",
  MESSAGE_UPDATE: "one",
  MESSAGE_DELETE: "one",
  MESSAGE_DELETE_BULK: "list",
  MESSAGE_REACTION_ADD: "one",
  MESSAGE_REACTION_REMOVE: "one",
  MESSAGE_REACTION_REMOVE_ALL: "one",
  MESSAGE_REACTION_REMOVE_EMOJI: "one",
  MESSAGE_POLL_VOTE_ADD: "one",
  MESSAGE_POLL_VOTE_REMOVE: "one",
  PRESENCE_UPDATE: "one",
  USER_UPDATE: "one",
  VOICE_STATE_UPDATE: "one",
  STAGE_INSTANCE_CREATE: "one",
  STAGE_INSTANCE_UPDATE: "one",
  STAGE_INSTANCE_DELETE: "one",
  INTEGRATION_CREATE: "one",
  INTEGRATION_UPDATE: "one",
  INTEGRATION_DELETE: "one",
};

// Every key of the map is an event name (a typo fails `deno check`).
const mapKeysAreEvents: keyof CachedOldState extends GatewayEventName ? true
  : never = true;

/** One payload with every id field the reducers read, all of them valid. */
const EVERY_ID = {
  id: "1",
  guild_id: "2",
  channel_id: "3",
  message_id: "4",
  role_id: "5",
  user_id: "6",
  sound_id: "7",
  guild_scheduled_event_id: "8",
  user: { id: "6", username: "u" },
  role: { id: "5", name: "r" },
  emoji: { id: null, name: "x" },
  ids: ["4"],
  channels: [{ id: "3", status: "s" }],
  threads: [],
  guilds: [],
  emojis: [],
  stickers: [],
  soundboard_sounds: [{ sound_id: "7" }],
  members: [],
  status: "online",
};

Deno.test("ctx.old's type map names exactly the events whose core returns a previous state, lists as lists", () => {
  assert.equal(mapKeysAreEvents, true);
  // A state where everything asked for is cached.
  const lookup = {
    get: (_kind: string, _scope: string, id: string) => ({
      id,
      user: { id: "6" },
      roles: [],
      user_count: 1,
    }),
    ids: () => ["9"],
  };
  const config = { resources: new Set(CACHE_RESOURCES) };
  for (const event of GATEWAY_EVENT_NAMES) {
    const { old } = reduceDispatch(lookup, event, EVERY_ID, config);
    const shape = (SHAPES as Record<string, string>)[event];
    if (shape === undefined) {
      assert.equal(old, undefined, `${event} has no previous state`);
    } else {
      assert.notEqual(old, undefined, `${event} returns its previous state`);
      assert.equal(Array.isArray(old), shape === "list", `${event}: ${shape}`);
    }
  }
});

Deno.test("ctx.old of GUILD_SCHEDULED_EVENT_USER_ADD/REMOVE for an event whose user count is not kept is a copy: a handler editing it does not edit the cache", () => {
  const cache = new MemoryCache();
  cache.apply("GUILD_CREATE", {
    id: "1",
    name: "g",
    channels: [],
    roles: [],
    guild_scheduled_events: [{ id: "2", guild_id: "1", name: "quiz" }],
  });
  for (const event of ["USER_ADD", "USER_REMOVE"]) {
    const { old } = cache.apply(`GUILD_SCHEDULED_EVENT_${event}`, {
      guild_id: "1",
      guild_scheduled_event_id: "2",
      user_id: "3",
    });
    assert.deepEqual(old, { id: "2", guild_id: "1", name: "quiz" });
    assert.notEqual(old, cache.scheduledEvent("1", "2"), event);
    (old as { name: string }).name = "edited";
    assert.equal(cache.scheduledEvent("1", "2")?.name, "quiz", event);
  }
});

Deno.test("ctx.old of a CHANNEL_UPDATE that is not applied (the channel named under another guild, or a guild channel without one) is a copy: a handler editing it does not edit the cache", () => {
  const cache = new MemoryCache();
  cache.apply("GUILD_CREATE", {
    id: "1",
    name: "g",
    channels: [{ id: "2", type: 0, name: "general" }],
    roles: [],
  });
  for (const guildId of ["9", undefined]) {
    const { old } = cache.apply("CHANNEL_UPDATE", {
      id: "2",
      type: 0,
      name: "moved",
      ...(guildId === undefined ? {} : { guild_id: guildId }),
    });
    assert.equal((old as { name?: string } | undefined)?.name, "general");
    assert.notEqual(old, cache.channel("2"), String(guildId));
    (old as { name: string }).name = "edited";
    assert.equal(cache.channel("2")?.name, "general", String(guildId));
  }
});
