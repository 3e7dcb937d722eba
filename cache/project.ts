// The documented fields of the objects the cache keeps: a cached value holds
// these and nothing else (fields Discord adds later, or that an event adds
// for its own purpose, are dropped). Lists follow Discord's object tables.
import type { CachedValue } from "./changes.ts";

const USER_FIELDS = [
  "id",
  "username",
  "discriminator",
  "global_name",
  "avatar",
  "bot",
  "system",
  "mfa_enabled",
  "banner",
  "accent_color",
  "locale",
  "verified",
  "email",
  "flags",
  "premium_type",
  "public_flags",
  "avatar_decoration_data",
  "collectibles",
  "primary_guild",
] as const;

/** The guild member fields, without `user` (kept beside it). */
export const MEMBER_FIELDS = [
  "nick",
  "avatar",
  "banner",
  "roles",
  "joined_at",
  "premium_since",
  "deaf",
  "mute",
  "flags",
  "pending",
  "permissions",
  "communication_disabled_until",
  "avatar_decoration_data",
  "collectibles",
] as const;

/** The message fields, plus `guild_id` from MESSAGE_CREATE. */
export const MESSAGE_FIELDS = [
  "id",
  "channel_id",
  "guild_id",
  "author",
  "content",
  "timestamp",
  "edited_timestamp",
  "tts",
  "mention_everyone",
  "mentions",
  "mention_roles",
  "mention_channels",
  "attachments",
  "embeds",
  "reactions",
  "nonce",
  "pinned",
  "webhook_id",
  "type",
  "activity",
  "application",
  "application_id",
  "flags",
  "message_reference",
  "message_snapshots",
  "referenced_message",
  "interaction_metadata",
  "interaction",
  "thread",
  "components",
  "sticker_items",
  "stickers",
  "position",
  "role_subscription_data",
  "resolved",
  "poll",
  "call",
] as const;

/** Guild fields that hold collections the cache keeps as entities of their own. */
const GUILD_COLLECTIONS = new Set([
  "channels",
  "threads",
  "roles",
  "emojis",
  "stickers",
  "members",
  "presences",
  "voice_states",
  "stage_instances",
  "guild_scheduled_events",
  "soundboard_sounds",
]);

function pick(
  source: CachedValue,
  fields: readonly string[],
  into: CachedValue = {},
): CachedValue {
  for (const field of fields) {
    const value = source[field];
    if (value !== undefined) into[field] = value;
  }
  return into;
}

/** A user with its documented fields only. */
export function projectUser(user: CachedValue): CachedValue {
  return pick(user, USER_FIELDS);
}

/**
 * A member as cached: its documented fields present in `member` (a partial
 * update gives only some), `user` and `guild_id`.
 */
export function projectMember(
  member: CachedValue,
  guildId: string,
  user: CachedValue,
): CachedValue {
  const value = pick(member, MEMBER_FIELDS);
  value.user = user;
  value.guild_id = guildId;
  return value;
}

/** A message as cached: documented fields; mentions as plain users. */
export function projectMessage(message: CachedValue): CachedValue {
  const value = pick(message, MESSAGE_FIELDS);
  if (value.author !== undefined) {
    value.author = projectUser(value.author as CachedValue);
  }
  if (Array.isArray(value.mentions) && value.mentions.length > 0) {
    value.mentions = (value.mentions as CachedValue[]).map(projectUser);
  }
  return value;
}

/** A guild without the collections kept as entities of their own. */
export function projectGuild(guild: CachedValue): CachedValue {
  const value: CachedValue = {};
  for (const key in guild) {
    if (!GUILD_COLLECTIONS.has(key)) value[key] = guild[key];
  }
  return value;
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
    if (!fields.includes(key)) value[key] = source[key];
  }
  return value;
}
