// The presences a dispatch sends (GUILD_CREATE's, a member chunk's, one
// PRESENCE_UPDATE), as the cache keeps them: every one but an offline one,
// which is no presence. Kept apart from reduce.ts, the event table, as
// reduce_messages.ts is for messages.
import type { CachedValue } from "./changes.ts";
import { type Context, list, merge, snowflake } from "./reduce_context.ts";
import type { Reducer } from "./reduce_messages.ts";
import { isRecord } from "../base/is_record.ts";

type D = CachedValue;

/** Whether a user object has a field beside its id (is not partial). */
function hasMoreThanId(user: D): boolean {
  for (const key in user) if (key !== "id") return true;
  return false;
}

/** What each field of Discord's user object may hold (its `id` aside). */
const USER_FIELD_TYPES: Readonly<Record<string, (v: unknown) => boolean>> = {
  username: isString,
  discriminator: isString,
  global_name: orNull(isString),
  avatar: orNull(isString),
  bot: isBoolean,
  system: isBoolean,
  mfa_enabled: isBoolean,
  banner: orNull(isString),
  accent_color: orNull(isNumber),
  locale: isString,
  verified: isBoolean,
  email: orNull(isString),
  flags: isNumber,
  premium_type: isNumber,
  public_flags: isNumber,
  avatar_decoration_data: orNull(isRecord),
  collectibles: orNull(isRecord),
  primary_guild: orNull(isRecord),
};

function isString(v: unknown): boolean {
  return typeof v === "string";
}
function isBoolean(v: unknown): boolean {
  return typeof v === "boolean";
}
function isNumber(v: unknown): boolean {
  return typeof v === "number";
}
function orNull(is: (v: unknown) => boolean): (v: unknown) => boolean {
  return (v) => v === null || is(v);
}

/**
 * The fields of a presence's partial user whose types are the user
 * object's: Discord's docs say a presence's user fields are not
 * type-validated, and merged as sent they went into the user every member
 * and message shares (a `username` of `5` in a `User` typed `string`).
 */
function typedUserFields(user: D): D {
  const value: D = {};
  for (const [field, is] of Object.entries(USER_FIELD_TYPES)) {
    if (user[field] !== undefined && is(user[field])) {
      value[field] = user[field];
    }
  }
  return value;
}

/** A presence as cached, by its user's id; undefined without one. */
function presenceValue(p: D, guildId: string): [string, D] | undefined {
  const user = p.user;
  const id = isRecord(user) ? snowflake(user.id) : undefined;
  if (id === undefined) return undefined;
  // A presence's user is usually just its id: kept as sent, not copied.
  const value: D = {
    user: hasMoreThanId(user as D) ? { id } : user,
    guild_id: guildId,
  };
  if (p.status !== undefined) value.status = p.status;
  if (p.activities !== undefined) value.activities = p.activities;
  if (p.client_status !== undefined) value.client_status = p.client_status;
  return [id, value];
}

/**
 * Keep each of `presences` (a GUILD_CREATE's or a member chunk's) of guild
 * `guildId`, and remove the one of each user listed offline. Discord's docs
 * leave offline members out of a large guild's GUILD_CREATE only: a small
 * guild's, and a chunk's, may list them, and kept they held everyone ever
 * seen offline (PRESENCE_UPDATE keeps none either). A chunk's offline
 * presence is the news that a user held online is offline now.
 */
export function keepPresences(
  c: Context,
  guildId: string,
  presences: unknown,
): void {
  for (const presence of list(presences)) {
    const entry = presenceValue(presence, guildId);
    if (entry === undefined) continue;
    if (presence.status === "offline") c.delete("presence", guildId, entry[0]);
    else c.set("presence", guildId, entry[0], entry[1]);
  }
}

/** The reducer of PRESENCE_UPDATE. */
export const PRESENCE_REDUCERS: Record<string, Reducer> = {
  PRESENCE_UPDATE(c, d): unknown {
    const guildId = snowflake(d.guild_id);
    const user = isRecord(d.user) ? d.user : undefined;
    const userId = snowflake(user?.id);
    if (guildId === undefined || userId === undefined) return undefined;
    const old = c.get("presence", guildId, userId);
    // Offline is no presence (see keepPresences): kept, the one sent after
    // a member leaves held one of everyone who ever left, until the guild's
    // next GUILD_CREATE.
    if (d.status === "offline") {
      c.delete("presence", guildId, userId);
    } else {
      // No field of it is required (Discord's docs): one it lacks stays.
      const value = merge(old, presenceValue(d, guildId)![1]);
      c.set("presence", guildId, userId, value);
    }
    // The user in a presence is partial: only changed fields beside the id.
    // (Whether to read the user depends on the payload only, as cacheReads
    // requires.)
    if (hasMoreThanId(user!)) {
      const oldUser = c.get("user", "", userId);
      const fields = typedUserFields(user!);
      if (oldUser !== undefined && Object.keys(fields).length > 0) {
        c.set("user", "", userId, merge(oldUser, fields));
      }
    }
    return old;
  },
};
