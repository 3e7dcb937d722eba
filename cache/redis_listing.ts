// Which of the Redis store's index sets list an entity's key: the writes
// that list a key set and unlist a key deleted.
//
// Threads are channels (`channel:C`), but twilight-dispatch never wrote a
// thread's key, and its consumers build a channel object for every
// `channel:` key of `guild_keys:G` (its discord.py example's
// `Guild._channels()`: discord.py's channel factory has no class for types
// 10 to 12, so listing a guild's channels threw for any guild with an
// active thread). A thread is therefore listed in its guild's channel kind
// set alone (`guild_kind_keys:G:channel`), which the store reads and removes
// guilds by (redis_reads.ts, redis_guild_removal.ts), not in `guild_keys:G`
// nor `channel_keys`; its key stays, so a consumer reading it by id finds it.
import type { CachedValue, CacheKind } from "./changes.ts";
import { INDEXED, kindKeys } from "./redis_layout.ts";
import { isThread } from "./reduce_channels.ts";
import type { WriteChunk } from "./redis_write_chunk.ts";

/** Where the listing writes are recorded: a batch's write chunk. */
type Writes = Pick<WriteChunk, "sadd" | "srem">;

/**
 * Record the writes that list `key`, entity `kind`'s in `scope`, set to
 * `value`: `<kind>_keys`, then a message's `channel_keys:C`, or another
 * guild entity's `guild_keys:G` and kind set. A thread is listed in its
 * guild's channel kind set only, and taken out of `channel_keys` and
 * `guild_keys:G`: where a store before this one (or the thread's earlier
 * value, were its type ever changed) listed it. Each write of a channel
 * lists it by its type, so the sets never keep a stale listing.
 *
 * @param writes The chunk.
 * @param kind The entity's kind (not `bot_user`, which no set lists).
 * @param scope Its scope: a message's channel, a guild entity's guild.
 * @param key Its Redis key.
 * @param value Its value, as written.
 */
export function listKey(
  writes: Writes,
  kind: CacheKind,
  scope: string,
  key: string,
  value: CachedValue,
): void {
  const thread = kind === "channel" && scope !== "" && isThread(value);
  if (thread) writes.srem("channel_keys", key);
  else writes.sadd(`${kind}_keys`, key);
  if (kind === "message") writes.sadd(`channel_keys:${scope}`, key);
  else if (kind !== "guild" && scope !== "") {
    if (thread) writes.srem(`guild_keys:${scope}`, key);
    else writes.sadd(`guild_keys:${scope}`, key);
    if (INDEXED.has(kind)) writes.sadd(kindKeys(scope, kind), key);
  }
}

/**
 * Record the writes that take deleted `key` out of every set
 * {@linkcode listKey} may have put it in (a thread, of an older store, is
 * in `guild_keys:G` too).
 *
 * @param writes The chunk.
 * @param kind The entity's kind (not `bot_user`).
 * @param scope Its scope.
 * @param key Its Redis key.
 */
export function unlistKey(
  writes: Writes,
  kind: CacheKind,
  scope: string,
  key: string,
): void {
  writes.srem(`${kind}_keys`, key);
  if (kind === "message") writes.srem(`channel_keys:${scope}`, key);
  else if (kind !== "guild" && scope !== "") {
    writes.srem(`guild_keys:${scope}`, key);
    if (INDEXED.has(kind)) writes.srem(kindKeys(scope, kind), key);
  }
}
