// The Redis store's reads for a batch: what the core will read (see
// cacheReads), fetched in one round trip (two when a list's values are
// read) into the synchronous lookup the core reduces against.
import type { RedisConnection } from "../redis/connection.ts";
import type {
  CachedValue,
  CacheKind,
  CacheLookup,
  CacheRead,
} from "./changes.ts";
import {
  INDEXED,
  kindKeys,
  readValue,
  redisKey,
  UNKEYED,
} from "./redis_layout.ts";
import { READ_KIND_KEYS } from "./redis_scripts.ts";
import { snowflakeShard } from "../gateway/shard_routing.ts";

/** A lookup of nothing: a batch that reads nothing. */
export const EMPTY_LOOKUP: CacheLookup = {
  get: () => undefined,
  ids: () => [],
};

/**
 * A read sent first in a batch's read pipeline, answered apart (an error
 * of it fails nothing): the store's epoch marker (see redis_epoch.ts), the
 * record of the resources kept (see redis_kind_sweep.ts).
 */
export interface ExtraRead {
  /** Queue its command on the pipeline. */
  queue(pipeline: ReturnType<RedisConnection["pipeline"]>): void;
  /** Its answer: Redis's error, or the result. */
  answer(error: Error | null, result: unknown): void;
}

/** One list read: its ids, and whether its values are read too. */
interface ListRead {
  kind: CacheKind;
  scope: string;
  values: boolean;
}

/**
 * Fetch `reads` into a synchronous lookup, with the message ids (not the
 * messages) of `messageChannels`. An `"all"` read fetches its values; an
 * `"ids"` read only its set's members (READY's guild list: every guild's
 * JSON was sent for each READY, 96 MB for 80,000 guilds). `extras` go
 * first in the same round trip. `texts` gets each `guild:G` and
 * `channel:C` read as its text (null: absent), which the writes computed
 * from it compare with (see redis_guarded_writes.ts).
 *
 * @returns The lookup; rejects with Redis's error.
 */
export async function fetchReads(
  redis: RedisConnection,
  reads: readonly CacheRead[],
  messageChannels: readonly string[] = [],
  extras: readonly ExtraRead[] = [],
  texts?: Map<string, string | null>,
): Promise<CacheLookup> {
  const values = new Map<string, CachedValue>();
  const sets = new Map<string, string[]>();
  const gets: string[] = [];
  // One per kind and scope: read for its ids and whole (two dispatches of a
  // batch), it is read whole.
  const lists = new Map<string, ListRead>();
  for (const read of reads) {
    if (UNKEYED.has(read.kind)) continue;
    if (read.type === "get") {
      gets.push(redisKey(read.kind, read.scope, read.id));
      continue;
    }
    const key = `${read.kind}\0${read.scope}`;
    const list = lists.get(key);
    if (list === undefined) {
      lists.set(key, {
        kind: read.kind,
        scope: read.scope,
        values: read.type === "all",
      });
    } else if (read.type === "all") list.values = true;
  }
  const pipeline = redis.pipeline();
  for (const extra of extras) extra.queue(pipeline);
  if (gets.length > 0) pipeline.mget(gets);
  for (const { kind, scope } of lists.values()) {
    if (INDEXED.has(kind) && scope !== "") {
      pipeline.eval(
        READ_KIND_KEYS,
        2,
        kindKeys(scope, kind),
        `guild_keys:${scope}`,
        redisKey(kind, scope, ""),
      );
    } else {
      pipeline.smembers(
        kind === "message"
          ? `channel_keys:${scope}`
          : kind === "guild"
          ? "guild_keys"
          : `guild_keys:${scope}`,
      );
    }
  }
  for (const channelId of messageChannels) {
    pipeline.smembers(`channel_keys:${channelId}`);
  }
  const results = await pipeline.exec();
  if (results === null) throw new Error("Redis pipeline was discarded");
  let index = 0;
  for (const extra of extras) extra.answer(...results[index++]!);
  const next = (): unknown => {
    const [error, result] = results[index++]!;
    if (error) throw error;
    return result;
  };
  // The values of `keys` as MGET answered them (`read`), those parsed.
  const keep = (keys: readonly string[], read: (string | null)[]): void => {
    read.forEach((text, i) => {
      const key = keys[i]!;
      const value = text === null ? undefined : readValue(key, text);
      if (value !== undefined) values.set(key, value);
      if (key.startsWith("guild:") || key.startsWith("channel:")) {
        texts?.set(key, text);
      }
    });
  };
  // A set's keys under `prefix` (an index may hold others), as ids.
  const under = (members: unknown, prefix: string): string[] =>
    (members as string[]).filter((k) => k.startsWith(prefix)).map((k) =>
      k.slice(prefix.length)
    );
  if (gets.length > 0) keep(gets, next() as (string | null)[]);
  const more: string[] = [];
  for (const [key, { kind, scope, values: whole }] of lists) {
    const prefix = redisKey(kind, scope, "");
    const ids = under(next(), prefix);
    sets.set(key, ids);
    // One by one, not spread into push: a guild's list past ~120,000 ids
    // (a hostile GUILD_CREATE's emojis; the store keeps what it is sent)
    // overflowed the call's arguments, a RangeError that failed every
    // batch reading that list and left the whole store stale for good.
    if (whole) {
      for (const id of ids) {
        const key = prefix + id;
        if (!values.has(key)) more.push(key);
      }
    }
  }
  for (const channelId of messageChannels) {
    sets.set(`message\0${channelId}`, under(next(), `message:${channelId}:`));
  }
  if (more.length > 0) keep(more, await redis.mget(more));
  return {
    get: (kind, scope, id) => values.get(redisKey(kind, scope, id)),
    ids: (kind, scope) => sets.get(`${kind}\0${scope}`) ?? [],
    // Of the guild ids read (every guild held: Redis keeps no index by
    // shard), a READY's shard's, without the core's BigInt per id.
    guildIdsOfShard: (shard, count) =>
      (sets.get("guild\0") ?? []).filter((id) =>
        snowflakeShard(id, count) === shard
      ),
  };
}
