// The Redis store's index keys found holding another type than its own
// (written by hand, or by another program sharing the database): every
// command of the store on such a key fails WRONGTYPE, for good, so the
// cache went stale and no READY made it fresh again. Such a key is
// deleted, with a warning, so that the events that follow rebuild it.
//
// When they are looked at, so that the normal event path gains no round
// trip: the global indexes (`<kind>_keys`, `expiry_keys`, the applied
// marks' hash) at each READY of
// a stale cache, the batch that rebuilds it; the per-guild and per-channel
// ones (`guild_keys:G`, `guild_kind_keys:G:K`, `channel_keys:C`), of which
// there are too many to look at, only after a failure that said WRONGTYPE:
// those the failed batch read or wrote, before the next batch (one round
// trip of TYPEs, on the failure path alone). The scripts that delete a
// channel's set skip a set of the wrong type (see redis_scripts.ts), which
// no batch's keys name.
import type { RedisConnection } from "../redis/connection.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import {
  type CacheChange,
  type CacheKind,
  type CacheRead,
  KIND_RESOURCE,
} from "./changes.ts";
import { CHUNK } from "./redis_chunks.ts";
import { APPLIED_KEY, INDEXED, kindKeys, UNKEYED } from "./redis_layout.ts";
import { UNGUILDED_KEY } from "./redis_unguilded.ts";

/** Keys found broken are something a user must know of. */
const visible = getVisibleLogger(["disruption", "cache", "redis"]);

/** The hash of member and message expiry times (the other indexes: sets). */
const EXPIRY = "expiry_keys";

/**
 * The keys the store keeps as hashes: the expiry times, and each shard's
 * last applied position (redis_applied_marks.ts). Every other index is a
 * set.
 */
const HASHES: ReadonlySet<string> = new Set([EXPIRY, APPLIED_KEY]);

/**
 * Every index the store keeps for the whole database: `<kind>_keys` for each
 * keyed kind (`guild_keys` among them), `expiry_keys`, the index of what no
 * guild holds (redis_unguilded.ts) and the applied marks' hash (a READY
 * starts a new session, which needs none of its marks). `message_keys` and `channel_keys`
 * first: the rebuild has always looked at those two.
 */
export const GLOBAL_INDEXES: readonly string[] = [
  ...new Set([
    "message_keys",
    "channel_keys",
    ...(Object.keys(KIND_RESOURCE) as CacheKind[])
      .filter((kind) => kind !== "bot_user" && !UNKEYED.has(kind))
      .map((kind) => `${kind}_keys`),
  ]),
  EXPIRY,
  UNGUILDED_KEY,
  APPLIED_KEY,
];

/** Whether `error` is Redis's answer to a command on a key of another type. */
export function isWrongType(error: unknown): boolean {
  return error instanceof Error && error.message.includes("WRONGTYPE");
}

/** A guild's per-guild index keys. */
function guildIndexes(guildId: string): string[] {
  return [
    `guild_keys:${guildId}`,
    ...[...INDEXED].map((kind) => kindKeys(guildId, kind)),
  ];
}

/**
 * The index keys a batch's reads and changes may have touched: where its
 * WRONGTYPE can have come from. The global indexes of the kinds it names
 * too (a batch's failure can come from one before the next READY), and the
 * applied marks' hash, which ends every write chunk that carries positions.
 *
 * @param reads The batch's reads.
 * @param messageChannels The channels whose message ids it read.
 * @param changes Its changes, as the core gave them.
 */
export function indexKeysOf(
  reads: readonly CacheRead[],
  messageChannels: readonly string[],
  changes: readonly CacheChange[],
): Set<string> {
  const keys = new Set<string>([APPLIED_KEY]);
  const add = (...more: string[]): void => {
    for (const key of more) keys.add(key);
  };
  // What a kind in a scope is listed in; a channel's messages too.
  const scoped = (kind: CacheKind, scope: string, id?: string): void => {
    if (kind === "bot_user" || UNKEYED.has(kind)) return;
    add(`${kind}_keys`);
    if (kind === "member" || kind === "message") add(EXPIRY);
    if (kind === "message" || kind === "channel") add(UNGUILDED_KEY);
    if (kind === "message") add(`channel_keys:${scope}`);
    else if (kind === "guild") {
      if (id !== undefined) add(...guildIndexes(id));
    } else if (scope !== "") add(...guildIndexes(scope));
    if (kind === "channel" && id !== undefined) add(`channel_keys:${id}`);
  };
  for (const read of reads) {
    scoped(read.kind, read.scope, read.type === "get" ? read.id : undefined);
  }
  for (const channelId of messageChannels) add(`channel_keys:${channelId}`);
  for (const change of changes) {
    switch (change.op) {
      case "set":
      case "delete":
        scoped(change.kind, change.scope, change.id);
        break;
      case "remove_channel":
        scoped("channel", change.scope, change.id);
        add("message_keys", EXPIRY);
        break;
      case "remove_role":
        add(...guildIndexes(change.scope));
        break;
      case "remove_guild":
        scoped("guild", "", change.id);
        break;
      case "remove_unguilded":
        add("message_keys", "channel_keys", EXPIRY, UNGUILDED_KEY);
        break;
    }
  }
  return keys;
}

/**
 * Delete those of `keys` that hold another type than the store's (a hash
 * for `expiry_keys` and the applied marks, a set for the others), with a
 * warning naming them.
 * One round trip of TYPEs, and a DEL when some are.
 *
 * @returns The keys deleted; rejects with Redis's error.
 */
export async function dropWrongTyped(
  redis: RedisConnection,
  keys: Iterable<string>,
): Promise<string[]> {
  const names = [...keys];
  if (names.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const key of names) pipeline.type(key);
  const results = await pipeline.exec();
  if (results === null) throw new Error("Redis pipeline was discarded");
  const wrong = names.filter((key, i) => {
    const [error, type] = results[i]!;
    if (error) throw error;
    return type !== "none" && type !== (HASHES.has(key) ? "hash" : "set");
  });
  if (wrong.length === 0) return [];
  // A chunk of keys a DEL: spread whole into one call, more than some
  // 125,000 (a batch's, of that many channels) overflowed the stack.
  for (let from = 0; from < wrong.length; from += CHUNK) {
    await redis.del(...wrong.slice(from, from + CHUNK));
  }
  visible.warn(
    "Redis cache: key(s) {keys} did not hold a set (or, for expiry_keys and disruption_cache_applied, a hash) as the cache writes them (written by hand or by another program); deleted, so that the cache can be rebuilt",
    { keys: wrong.join(", ") },
  );
  return wrong;
}
