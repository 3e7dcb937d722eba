// How the reducers address a channel: the scope an event names, the scope a
// cached channel is held in, its cached form, and a patch of some of its
// fields kept where it is held (Discord never moves a channel; an event
// naming another guild, or none, must not move it in one store only).
import type { CachedValue } from "./changes.ts";
import { omit } from "./project.ts";
import { type Context, snowflake } from "./reduce_context.ts";

type D = CachedValue;

/**
 * A channel as cached: with its guild, without the fields that only describe
 * the event that sent it (`newly_created`, `member_id_preview`).
 */
export function channelValue(c: D, guildId: string | undefined): D {
  const value = omit(c, ["newly_created", "member_id_preview"]);
  if (guildId !== undefined) value.guild_id = guildId;
  return value;
}

/**
 * A channel event's scope: its guild, `""` for a channel outside guilds
 * (no `guild_id`), undefined for a `guild_id` that is not a snowflake.
 */
export function channelScope(d: D): string | undefined {
  return d.guild_id === undefined || d.guild_id === null
    ? ""
    : snowflake(d.guild_id);
}

/** The scope a cached channel is held in: its guild, or `""` outside guilds. */
export function scopeOf(channel: D | undefined): string | undefined {
  return channel === undefined ? undefined : snowflake(channel.guild_id) ?? "";
}

/**
 * Whether channel `id` is held in another scope than `scope` (a whole list
 * such as GUILD_CREATE's naming it under another guild must not move it:
 * the memory store would, and Redis's guild_keys of its guild would keep a
 * key that moved away).
 */
export function heldElsewhere(c: Context, id: string, scope: string): boolean {
  const held = c.get("channel", scope, id);
  return held !== undefined && scopeOf(held) !== scope;
}

/** An update of some fields of a cached channel; no-op when not cached. */
export function patchChannel(
  c: Context,
  d: D,
  patch: (old: D) => D,
): unknown {
  const guildId = channelScope(d);
  const id = snowflake(d.id) ?? snowflake(d.channel_id);
  if (id === undefined || guildId === undefined) return undefined;
  const old = c.get("channel", guildId, id);
  // Kept where it is held: an event without a guild (the DM form) or naming
  // another one moved it in memory but not in Redis's guild_keys.
  if (old !== undefined) c.set("channel", scopeOf(old)!, id, patch(old));
  return old;
}
