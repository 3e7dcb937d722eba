// A guild's value as the Redis store keeps it under `guild:G`, and as it
// reads it back.
//
// The cache's guild holds none of its lists (each item is an entity of its
// own). twilight-dispatch writes the guild of a GUILD_CREATE after draining
// its lists into their own keys, so its `guild:G` always carries them
// empty; and twilight-model (0.14), which its Rust consumers deserialize
// with, requires `roles` (a guild without it fails to decode). The store
// writes the same empty lists; they are taken off again when it reads the
// value, so the core, the getters and the memory store see one guild.
import type { CachedValue } from "./changes.ts";

/**
 * The lists twilight-dispatch's GUILD_CREATE drains from the guild it
 * stores (`channels`, `roles`, `emojis`, `voice_states`, `members`,
 * `presences`), and `threads`, which twilight-model always serializes
 * (twilight-dispatch leaves GUILD_CREATE's there; this store keeps every
 * thread as a `channel:C` key instead). Written empty into every guild
 * value.
 */
export const GUILD_LISTS: readonly string[] = [
  "channels",
  "emojis",
  "members",
  "presences",
  "roles",
  "threads",
  "voice_states",
];

/**
 * The value written under `guild:G` for the cache's `guild`: the guild with
 * {@linkcode GUILD_LISTS} empty; an unavailable guild known by its id
 * alone (READY's) as it is, as twilight-dispatch writes READY's.
 */
export function guildAsStored(guild: CachedValue): CachedValue {
  if (guild.unavailable === true && guild.name === undefined) return guild;
  const stored: CachedValue = { ...guild };
  for (const field of GUILD_LISTS) stored[field] = [];
  return stored;
}

/**
 * A `guild:G` value as the cache holds it: without the empty lists
 * {@linkcode guildAsStored} wrote (a list with items, written by another
 * program, is left as it is read today). Changed in place: the value was
 * just parsed.
 */
export function guildAsRead(stored: CachedValue): CachedValue {
  for (const field of GUILD_LISTS) {
    const list = stored[field];
    if (Array.isArray(list) && list.length === 0) delete stored[field];
  }
  return stored;
}
