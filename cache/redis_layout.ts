// The Redis store's layout: each entity's key (twilight-dispatch's names,
// and the kinds it has not), the per-guild sets of the kinds read whole,
// and how a stored value is read back.
import { isRecord } from "../base/is_record.ts";
import type { CachedValue, CacheKind } from "./changes.ts";
import { guildAsRead } from "./redis_guild_value.ts";

/** Kinds kept inside others (users in members and messages): no key. */
export const UNKEYED = new Set<CacheKind>(["user"]);

/**
 * The kinds the core reads a guild's whole list of (channels for a thread
 * sync or a channel's threads, emojis, stickers and sounds for their list
 * events): each also has a set of its own per guild, `guild_kind_keys:G:K`,
 * so that such a read does not fetch the guild's every key (a guild of
 * 100,000 members holds as many in `guild_keys:G`: 200 ms a read).
 */
export const INDEXED = new Set<CacheKind>([
  "channel",
  "emoji",
  "sticker",
  "soundboard_sound",
]);

/** The set of a guild's keys of one indexed kind. */
export function kindKeys(guildId: string, kind: CacheKind): string {
  return `guild_kind_keys:${guildId}:${kind}`;
}

/**
 * Beyond the layout, the store's own hash of the last dispatch it applied of
 * each shard (field: the shard id, value: `sessionId:sequence`), which tells
 * a RESUME's replay of what it applied before a restart (see
 * redis_applied_marks.ts). Prefixed `disruption_cache_` as the epoch marker:
 * none of twilight-dispatch's names (`kind:…`, `<kind>_keys`, `gateway_…`),
 * nor the dispatch service's (`gateway_…`, `dispatch_…`).
 */
export const APPLIED_KEY = "disruption_cache_applied";

/**
 * The longest JSON text kept under one key (1 MiB, far above any entity
 * Discord sends): a hostile payload re-read and re-written by every small
 * event that patches it made each reaction on a 5 MB message cost 27 ms,
 * not 0.4. A longer value is kept as a stub of its short fields, so the
 * removals that find an entity by its being held still find it (a channel
 * is removed instead, as its delete removes it, with its messages: a stub
 * would lose its permission overwrites). See `redis_oversized.ts`.
 */
export const MAX_VALUE_LENGTH = 1 << 20;

/** The Redis key of an entity (twilight-dispatch's layout). */
export function redisKey(kind: CacheKind, scope: string, id: string): string {
  switch (kind) {
    case "bot_user":
      return "bot_user";
    case "guild":
      return `guild:${id}`;
    case "channel":
      return `channel:${id}`;
    case "message":
      return `message:${scope}:${id}`;
    default:
      return `${kind}:${scope}:${id}`;
  }
}

/**
 * A stored value, or undefined for text that is not a JSON object (written
 * by another program, or corrupt): the core reads fields of what it gets,
 * and `null` threw out of apply without marking the cache stale. Such a
 * value counts as absent and is replaced by the next write of its entity.
 */
export function parseValue(text: string): CachedValue | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The value stored under `key` (text `text`) as the cache holds it: see
 * {@linkcode parseValue}; a guild's without the empty lists written for
 * twilight-dispatch's consumers (see redis_guild_value.ts).
 */
export function readValue(key: string, text: string): CachedValue | undefined {
  const value = parseValue(text);
  return value !== undefined && key.startsWith("guild:")
    ? guildAsRead(value)
    : value;
}
