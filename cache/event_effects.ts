/**
 * {@linkcode EVENT_CACHE_EFFECTS}: what each of the 79 dispatch events does
 * to the cache, in one table.
 *
 * @module
 */
import type { GatewayEventName } from "../types/events.ts";
import { type CacheKind, GUILD_SCOPED_KINDS } from "./changes.ts";

/** What one event does to the cache. */
export interface CacheEffect {
  /** Kinds the event may add. */
  readonly creates: readonly CacheKind[];
  /** Kinds the event may change (a set over an existing entity, or a merge). */
  readonly updates: readonly CacheKind[];
  /** Kinds the event may remove. */
  readonly deletes: readonly CacheKind[];
  /** For an event with no effect: why. */
  readonly none?: string;
}

function effect(
  creates: readonly CacheKind[],
  updates: readonly CacheKind[] = [],
  deletes: readonly CacheKind[] = [],
): CacheEffect {
  return { creates, updates, deletes };
}

function none(why: string): CacheEffect {
  return { creates: [], updates: [], deletes: [], none: why };
}

const NOT_STATE = "carries no state the cache keeps";

/** Every guild-scoped kind: what a removed guild takes with it. */
const GUILD_CONTENTS: readonly CacheKind[] = [
  "guild",
  "channel",
  "message",
  ...GUILD_SCOPED_KINDS,
];

/**
 * The cache effect of every documented dispatch event, by name (the
 * compiler checks that every name of the event map has a row). The core
 * (`reduceDispatch`) makes only changes this table allows; a test checks
 * that every event of the reference list has a row.
 *
 * Left out on purpose: auto-moderation rules, entitlements, subscriptions,
 * invites, bans and audit log entries (no other cached object
 * refers to them, and each can be fetched when needed); thread members
 * other than the bot's own; typing. And the member objects some events
 * carry besides their own state: INTERACTION_CREATE's (its `permissions`
 * are the interaction's, and a member there is of guilds the bot may not be
 * in), TYPING_START's, MESSAGE_CREATE's and MESSAGE_UPDATE's (partial: no
 * `user`, `deaf` or `mute`), MESSAGE_REACTION_ADD's, and the `member` and
 * `presence` of THREAD_MEMBERS_UPDATE's `added_members` (GUILD_MEMBER_*,
 * GUILD_MEMBERS_CHUNK and PRESENCE_UPDATE keep those current, and a member
 * kept from these would be one no GUILD_MEMBER_REMOVE comes for without the
 * GUILD_MEMBERS intent); and GUILD_UPDATE's `roles`, `emojis` and
 * `stickers` lists (their own events, GUILD_ROLE_* and
 * GUILD_EMOJIS_UPDATE/GUILD_STICKERS_UPDATE, replace them).
 */
export const EVENT_CACHE_EFFECTS: Readonly<Record<string, CacheEffect>> = {
  // A new session's guild list is complete: cached guilds of its shard
  // missing from it were left while disconnected, and go; the listed ones
  // are unavailable until their GUILD_CREATE. Shard 0's (DMs reach no
  // other) also drops what no GUILD_CREATE rebuilds: the DM channels, and
  // the messages of channels no guild holds (the gap's events are lost).
  READY: effect(
    ["bot_user", "user", "guild"],
    ["bot_user", "user", "guild"],
    GUILD_CONTENTS,
  ),
  RESUMED: none("the replay that follows carries the changes"),
  APPLICATION_COMMAND_PERMISSIONS_UPDATE: none(NOT_STATE),
  AUTO_MODERATION_RULE_CREATE: none("auto-moderation rules are not cached"),
  AUTO_MODERATION_RULE_UPDATE: none("auto-moderation rules are not cached"),
  AUTO_MODERATION_RULE_DELETE: none("auto-moderation rules are not cached"),
  AUTO_MODERATION_ACTION_EXECUTION: none(NOT_STATE),
  // The cache holds active threads only: each of the four events that send
  // a channel object removes a held thread it marks archived, with its
  // messages (Discord archives a thread with THREAD_UPDATE, never deleting
  // it).
  CHANNEL_CREATE: effect(["channel"], [], ["channel", "message"]),
  CHANNEL_UPDATE: effect(["channel"], ["channel"], ["channel", "message"]),
  CHANNEL_DELETE: effect([], [], ["channel", "message"]),
  CHANNEL_INFO: effect([], ["channel"]),
  VOICE_CHANNEL_STATUS_UPDATE: effect([], ["channel"]),
  VOICE_CHANNEL_START_TIME_UPDATE: effect([], ["channel"]),
  THREAD_CREATE: effect(["channel"], ["channel"], ["channel", "message"]),
  THREAD_UPDATE: effect(["channel"], ["channel"], ["channel", "message"]),
  THREAD_DELETE: effect([], [], ["channel", "message"]),
  THREAD_LIST_SYNC: effect(["channel"], ["channel"], ["channel", "message"]),
  THREAD_MEMBER_UPDATE: effect([], ["channel"]),
  THREAD_MEMBERS_UPDATE: effect([], ["channel"]),
  CHANNEL_PINS_UPDATE: effect([], ["channel"]),
  ENTITLEMENT_CREATE: none("entitlements are not cached"),
  ENTITLEMENT_UPDATE: none("entitlements are not cached"),
  ENTITLEMENT_DELETE: none("entitlements are not cached"),
  GUILD_CREATE: effect(
    [...GUILD_CONTENTS, "user"],
    ["guild", "user"],
    GUILD_CONTENTS,
  ),
  GUILD_UPDATE: effect([], ["guild"]), // only a held guild: see reduce.ts
  GUILD_DELETE: effect([], ["guild"], GUILD_CONTENTS),
  GUILD_AUDIT_LOG_ENTRY_CREATE: none(NOT_STATE),
  GUILD_BAN_ADD: none(
    "bans are not cached (the removal is GUILD_MEMBER_REMOVE)",
  ),
  GUILD_BAN_REMOVE: none("bans are not cached"),
  GUILD_EMOJIS_UPDATE: effect(["emoji"], ["emoji"], ["emoji"]),
  GUILD_STICKERS_UPDATE: effect(["sticker"], ["sticker"], ["sticker"]),
  GUILD_INTEGRATIONS_UPDATE: none(
    "says only that integrations changed; INTEGRATION_* carry them",
  ),
  GUILD_MEMBER_ADD: effect(["member", "user"], ["guild", "user"]),
  GUILD_MEMBER_REMOVE: effect([], ["guild"], ["member", "presence"]),
  GUILD_MEMBER_UPDATE: effect(["member", "user"], ["member", "user"]),
  // The ids asked for that are not members (`not_found`) are not held, and
  // a presence listed offline removes the one held (no offline one is kept).
  GUILD_MEMBERS_CHUNK: effect(
    ["member", "user", "presence"],
    ["member", "user", "presence"],
    ["member", "presence"],
  ),
  GUILD_ROLE_CREATE: effect(["role"]),
  GUILD_ROLE_UPDATE: effect(["role"], ["role"]),
  // The members that had the role lose it (Discord sends no member update).
  GUILD_ROLE_DELETE: effect([], ["member"], ["role"]),
  GUILD_SCHEDULED_EVENT_CREATE: effect(["scheduled_event"]),
  GUILD_SCHEDULED_EVENT_UPDATE: effect(["scheduled_event"], [
    "scheduled_event",
  ]),
  GUILD_SCHEDULED_EVENT_DELETE: effect([], [], ["scheduled_event"]),
  GUILD_SCHEDULED_EVENT_USER_ADD: effect([], ["scheduled_event"]),
  GUILD_SCHEDULED_EVENT_USER_REMOVE: effect([], ["scheduled_event"]),
  GUILD_SOUNDBOARD_SOUND_CREATE: effect(["soundboard_sound"]),
  GUILD_SOUNDBOARD_SOUND_UPDATE: effect(["soundboard_sound"], [
    "soundboard_sound",
  ]),
  GUILD_SOUNDBOARD_SOUND_DELETE: effect([], [], ["soundboard_sound"]),
  GUILD_SOUNDBOARD_SOUNDS_UPDATE: effect(["soundboard_sound"], [
    "soundboard_sound",
  ]),
  SOUNDBOARD_SOUNDS: effect(
    ["soundboard_sound"],
    ["soundboard_sound"],
    ["soundboard_sound"],
  ),
  INTEGRATION_CREATE: effect(["integration"]),
  INTEGRATION_UPDATE: effect(["integration"], ["integration"]),
  INTEGRATION_DELETE: effect([], [], ["integration"]),
  INVITE_CREATE: none("invites are not cached"),
  INVITE_DELETE: none("invites are not cached"),
  // And its channel's last_message_id, and a thread's message counts
  // (Discord sends no CHANNEL_UPDATE or THREAD_UPDATE for them).
  MESSAGE_CREATE: effect(["message", "user"], ["user", "channel"]),
  // Creates one not held, as MESSAGE_CREATE would (its payload is whole);
  // removes one it makes larger than Discord sends (message_bounds.ts).
  MESSAGE_UPDATE: effect(["message"], ["message"], ["message"]),
  // And a thread's message_count (Discord sends no THREAD_UPDATE for it).
  MESSAGE_DELETE: effect([], ["channel"], ["message"]),
  MESSAGE_DELETE_BULK: effect([], ["channel"], ["message"]),
  MESSAGE_REACTION_ADD: effect([], ["message"]),
  MESSAGE_REACTION_REMOVE: effect([], ["message"]),
  MESSAGE_REACTION_REMOVE_ALL: effect([], ["message"]),
  MESSAGE_REACTION_REMOVE_EMOJI: effect([], ["message"]),
  PRESENCE_UPDATE: effect(["presence", "user"], ["presence", "user"], [
    "presence",
  ]),
  TYPING_START: none("typing is not cached (its member: see above)"),
  USER_UPDATE: effect([], ["bot_user", "user"]),
  VOICE_CHANNEL_EFFECT_SEND: none(NOT_STATE),
  // And its whole member (a large guild's GUILD_CREATE lists only the
  // members in voice: one who joins later comes from nowhere else).
  VOICE_STATE_UPDATE: effect(
    ["voice", "member", "user"],
    ["voice", "member", "user"],
    ["voice"],
  ),
  VOICE_SERVER_UPDATE: none(NOT_STATE),
  WEBHOOKS_UPDATE: none(NOT_STATE),
  INTERACTION_CREATE: none(
    "interactions are not cached (their member: see above)",
  ),
  STAGE_INSTANCE_CREATE: effect(["stage_instance"]),
  STAGE_INSTANCE_UPDATE: effect(["stage_instance"], ["stage_instance"]),
  STAGE_INSTANCE_DELETE: effect([], [], ["stage_instance"]),
  SUBSCRIPTION_CREATE: none("subscriptions are not cached"),
  SUBSCRIPTION_UPDATE: none("subscriptions are not cached"),
  SUBSCRIPTION_DELETE: none("subscriptions are not cached"),
  // The poll's running tally (known results that are not finalized).
  MESSAGE_POLL_VOTE_ADD: effect([], ["message"]),
  MESSAGE_POLL_VOTE_REMOVE: effect([], ["message"]),
  RATE_LIMITED: none(NOT_STATE),
} satisfies Record<GatewayEventName, CacheEffect>;
