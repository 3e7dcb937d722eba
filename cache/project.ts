// The documented fields of the objects the cache keeps: a cached value holds
// these and nothing else (fields Discord adds later, or that an event adds
// for its own purpose, are dropped). Lists follow Discord's object tables.
import type { CachedValue } from "./changes.ts";
import { isRecord } from "../base/is_record.ts";

// Straight-line code with named fields, not a loop over a list: V8 turns
// each `source.field` into a fast cached load for the payload's shape.
/** A user with its documented fields only. */
export function projectUser(user: CachedValue): CachedValue {
  const value: CachedValue = {};
  if (user.id !== undefined) value.id = user.id;
  if (user.username !== undefined) value.username = user.username;
  if (user.discriminator !== undefined) {
    value.discriminator = user.discriminator;
  }
  if (user.global_name !== undefined) value.global_name = user.global_name;
  if (user.avatar !== undefined) value.avatar = user.avatar;
  if (user.bot !== undefined) value.bot = user.bot;
  if (user.system !== undefined) value.system = user.system;
  if (user.mfa_enabled !== undefined) value.mfa_enabled = user.mfa_enabled;
  if (user.banner !== undefined) value.banner = user.banner;
  if (user.accent_color !== undefined) value.accent_color = user.accent_color;
  if (user.locale !== undefined) value.locale = user.locale;
  if (user.verified !== undefined) value.verified = user.verified;
  if (user.email !== undefined) value.email = user.email;
  if (user.flags !== undefined) value.flags = user.flags;
  if (user.premium_type !== undefined) value.premium_type = user.premium_type;
  if (user.public_flags !== undefined) value.public_flags = user.public_flags;
  if (user.avatar_decoration_data !== undefined) {
    value.avatar_decoration_data = user.avatar_decoration_data;
  }
  if (user.collectibles !== undefined) value.collectibles = user.collectibles;
  if (user.primary_guild !== undefined) {
    value.primary_guild = user.primary_guild;
  }
  return value;
}

/**
 * A member as cached: its documented fields present in \`member\` (a partial
 * update gives only some), \`user\` and \`guild_id\`.
 */
export function projectMember(
  member: CachedValue,
  guildId: string,
  user: CachedValue,
): CachedValue {
  const value: CachedValue = {};
  if (member.nick !== undefined) value.nick = member.nick;
  if (member.avatar !== undefined) value.avatar = member.avatar;
  if (member.banner !== undefined) value.banner = member.banner;
  if (member.roles !== undefined) value.roles = member.roles;
  if (member.joined_at !== undefined) value.joined_at = member.joined_at;
  if (member.premium_since !== undefined) {
    value.premium_since = member.premium_since;
  }
  if (member.deaf !== undefined) value.deaf = member.deaf;
  if (member.mute !== undefined) value.mute = member.mute;
  if (member.flags !== undefined) value.flags = member.flags;
  if (member.pending !== undefined) value.pending = member.pending;
  if (member.permissions !== undefined) value.permissions = member.permissions;
  if (member.communication_disabled_until !== undefined) {
    value.communication_disabled_until = member.communication_disabled_until;
  }
  if (member.avatar_decoration_data !== undefined) {
    value.avatar_decoration_data = member.avatar_decoration_data;
  }
  if (member.collectibles !== undefined) {
    value.collectibles = member.collectibles;
  }
  value.user = user;
  value.guild_id = guildId;
  return value;
}

/**
 * A message as cached: documented fields, mentions as plain users. Not
 * kept: \`referenced_message\` (a copy of another message, which the cache
 * holds itself while it is recent; \`message_reference\` points at it), as
 * twilight's cache does.
 */
export function projectMessage(message: CachedValue): CachedValue {
  const value: CachedValue = {};
  if (message.id !== undefined) value.id = message.id;
  if (message.channel_id !== undefined) value.channel_id = message.channel_id;
  if (message.guild_id !== undefined) value.guild_id = message.guild_id;
  if (message.author !== undefined) value.author = message.author;
  if (message.content !== undefined) value.content = message.content;
  if (message.timestamp !== undefined) value.timestamp = message.timestamp;
  if (message.edited_timestamp !== undefined) {
    value.edited_timestamp = message.edited_timestamp;
  }
  if (message.tts !== undefined) value.tts = message.tts;
  if (message.mention_everyone !== undefined) {
    value.mention_everyone = message.mention_everyone;
  }
  if (message.mentions !== undefined) value.mentions = message.mentions;
  if (message.mention_roles !== undefined) {
    value.mention_roles = message.mention_roles;
  }
  if (message.mention_channels !== undefined) {
    value.mention_channels = message.mention_channels;
  }
  if (message.attachments !== undefined) {
    value.attachments = message.attachments;
  }
  if (message.embeds !== undefined) value.embeds = message.embeds;
  if (message.reactions !== undefined) value.reactions = message.reactions;
  if (message.nonce !== undefined) value.nonce = message.nonce;
  if (message.pinned !== undefined) value.pinned = message.pinned;
  if (message.webhook_id !== undefined) value.webhook_id = message.webhook_id;
  if (message.type !== undefined) value.type = message.type;
  if (message.activity !== undefined) value.activity = message.activity;
  if (message.application !== undefined) {
    value.application = message.application;
  }
  if (message.application_id !== undefined) {
    value.application_id = message.application_id;
  }
  if (message.flags !== undefined) value.flags = message.flags;
  if (message.message_reference !== undefined) {
    value.message_reference = message.message_reference;
  }
  if (message.message_snapshots !== undefined) {
    value.message_snapshots = message.message_snapshots;
  }
  if (message.interaction_metadata !== undefined) {
    value.interaction_metadata = message.interaction_metadata;
  }
  if (message.interaction !== undefined) {
    value.interaction = message.interaction;
  }
  if (message.thread !== undefined) value.thread = message.thread;
  if (message.components !== undefined) value.components = message.components;
  if (message.sticker_items !== undefined) {
    value.sticker_items = message.sticker_items;
  }
  if (message.stickers !== undefined) value.stickers = message.stickers;
  if (message.position !== undefined) value.position = message.position;
  if (message.role_subscription_data !== undefined) {
    value.role_subscription_data = message.role_subscription_data;
  }
  if (message.resolved !== undefined) value.resolved = message.resolved;
  if (message.poll !== undefined) value.poll = message.poll;
  if (message.call !== undefined) value.call = message.call;
  if (message.shared_client_theme !== undefined) {
    value.shared_client_theme = message.shared_client_theme;
  }
  // Only objects are projected: a hostile gateway's `author: null` or
  // `mentions: [null]` is kept as sent (reading fields of null threw out of
  // every store's apply, and lost the event for handlers).
  if (isRecord(value.author)) value.author = projectUser(value.author);
  const mentions = value.mentions;
  if (Array.isArray(mentions) && mentions.length > 0) {
    value.mentions = mentions.map((mention) =>
      isRecord(mention) ? projectUser(mention) : mention
    );
  }
  return value;
}

// The objects below are the ones the reaction and poll vote events copy to
// change a count. projectMessage keeps them as the gateway sent them (the
// events creating messages do not pay for it), so each event builds its new
// copy from the named fields: one sent with 200,000 extra keys made every
// later reaction or vote on its message copy them all (119 ms an event).
// Named fields, not `pick`: it reads every key the source has.

/** Discord's reaction object's fields. */
const REACTION_FIELDS = [
  "count",
  "count_details",
  "me",
  "me_burst",
  "emoji",
  "burst_colors",
] as const;
/** Discord's poll object's fields. */
const POLL_FIELDS = [
  "question",
  "answers",
  "expiry",
  "allow_multiselect",
  "layout_type",
  "results",
] as const;
/** Discord's poll results object's fields. */
const POLL_RESULTS_FIELDS = ["is_finalized", "answer_counts"] as const;
/** Discord's poll answer count object's fields. */
const ANSWER_COUNT_FIELDS = ["id", "count", "me_voted"] as const;

/** The `fields` `source` has, read by name: the work is theirs, not its. */
function named(source: CachedValue, fields: readonly string[]): CachedValue {
  const value: CachedValue = {};
  for (const field of fields) {
    if (source[field] !== undefined) value[field] = source[field];
  }
  return value;
}

/** A reaction (Discord's reaction object) with its documented fields only. */
export function projectReaction(reaction: CachedValue): CachedValue {
  return named(reaction, REACTION_FIELDS);
}

/**
 * A poll (Discord's poll object) with its documented fields only; its
 * `results` as they are (see {@linkcode projectPollResults}).
 */
export function projectPoll(poll: CachedValue): CachedValue {
  return named(poll, POLL_FIELDS);
}

/** A poll's results object with its documented fields only. */
export function projectPollResults(results: CachedValue): CachedValue {
  return named(results, POLL_RESULTS_FIELDS);
}

/** A poll answer count object with its documented fields only. */
export function projectAnswerCount(count: CachedValue): CachedValue {
  return named(count, ANSWER_COUNT_FIELDS);
}

/**
 * JSON.parse makes `"__proto__"` an own key. Copied by assignment it becomes
 * an own key of the copy on Deno (which has no `__proto__` accessor) and
 * replaces the copy's prototype on runtimes that have one. Discord never
 * sends it: dropped.
 */
const PROTO = "__proto__";

/**
 * A guild's documented fields (the guild object's, and those GUILD_CREATE
 * adds), without the collections kept as entities of their own.
 */
const GUILD_FIELDS: ReadonlySet<string> = new Set([
  "id",
  "name",
  "icon",
  "icon_hash",
  "splash",
  "discovery_splash",
  "owner",
  "owner_id",
  "permissions",
  "region",
  "afk_channel_id",
  "afk_timeout",
  "widget_enabled",
  "widget_channel_id",
  "verification_level",
  "default_message_notifications",
  "explicit_content_filter",
  "features",
  "mfa_level",
  "application_id",
  "system_channel_id",
  "system_channel_flags",
  "rules_channel_id",
  "max_presences",
  "max_members",
  "vanity_url_code",
  "description",
  "banner",
  "premium_tier",
  "premium_subscription_count",
  "preferred_locale",
  "public_updates_channel_id",
  "max_video_channel_users",
  "max_stage_video_channel_users",
  "approximate_member_count",
  "approximate_presence_count",
  "welcome_screen",
  "nsfw_level",
  "premium_progress_bar_enabled",
  "safety_alerts_channel_id",
  "incidents_data",
  // GUILD_CREATE's own.
  "joined_at",
  "large",
  "unavailable",
  "member_count",
]);

/**
 * A channel's or thread's documented fields, and a voice channel's
 * ephemeral `status` and `voice_start_time` (their own events bring them).
 */
const CHANNEL_FIELDS: ReadonlySet<string> = new Set([
  "id",
  "type",
  "guild_id",
  "position",
  "permission_overwrites",
  "name",
  "topic",
  "nsfw",
  "last_message_id",
  "bitrate",
  "user_limit",
  "rate_limit_per_user",
  "recipients",
  "icon",
  "owner_id",
  "application_id",
  "managed",
  "parent_id",
  "last_pin_timestamp",
  "rtc_region",
  "video_quality_mode",
  "message_count",
  "member_count",
  "thread_metadata",
  "member",
  "default_auto_archive_duration",
  "permissions",
  "app_permissions",
  "flags",
  "total_message_sent",
  "available_tags",
  "applied_tags",
  "default_reaction_emoji",
  "default_thread_rate_limit_per_user",
  "default_sort_order",
  "default_forum_layout",
  "status",
  "voice_start_time",
]);

/** A scheduled event's documented fields. */
const SCHEDULED_EVENT_FIELDS: ReadonlySet<string> = new Set([
  "id",
  "guild_id",
  "channel_id",
  "creator_id",
  "name",
  "description",
  "scheduled_start_time",
  "scheduled_end_time",
  "privacy_level",
  "status",
  "entity_type",
  "entity_id",
  "entity_metadata",
  "creator",
  "user_count",
  "image",
  "recurrence_rule",
]);

/**
 * `source`'s fields that are in `fields`: a new object either way. Kept
 * objects that other events copy to change one field (a guild's
 * `member_count`, a channel's `last_message_id`, a scheduled event's
 * `user_count`) must hold only these: one sent with 200,000 extra keys
 * made each later GUILD_MEMBER_ADD or MESSAGE_CREATE of it copy them all
 * (239 ms an event). A copy also keeps a handler's edits of its event
 * payload out of the cache.
 */
function pick(source: CachedValue, fields: ReadonlySet<string>): CachedValue {
  const value: CachedValue = {};
  for (const key in source) {
    if (fields.has(key)) value[key] = source[key];
  }
  return value;
}

/**
 * A guild: its documented fields, without the collections kept as entities
 * of their own.
 */
export function projectGuild(guild: CachedValue): CachedValue {
  return pick(guild, GUILD_FIELDS);
}

/** A channel or thread: its documented fields. */
export function projectChannel(channel: CachedValue): CachedValue {
  return pick(channel, CHANNEL_FIELDS);
}

/** A scheduled event: its documented fields. */
export function projectScheduledEvent(event: CachedValue): CachedValue {
  return pick(event, SCHEDULED_EVENT_FIELDS);
}

/** A value without some fields. */
export function omit(
  source: CachedValue,
  fields: readonly string[],
): CachedValue {
  // A copy without the fields (delete would turn the object into a slow,
  // larger dictionary).
  const value: CachedValue = {};
  for (const key in source) {
    if (!fields.includes(key) && key !== PROTO) value[key] = source[key];
  }
  return value;
}
