// The held guilds of each shard, for READY (see session_guilds.ts): it drops
// its shard's held guilds that its list leaves out, and read every guild
// held, all shards', to find them, so a large bot's start-up (one READY per
// shard) grew with the square of its shards (400 shards of 1,000 guilds:
// 27 s). The memory store's guilds are indexed per shard count instead,
// built when a READY of that count first asks and kept on every guild set
// and removal.
import { snowflakeShard } from "../gateway/shard_routing.ts";

/**
 * How many shard counts are indexed at once: the one running, and the next
 * one during a reshard (both READY). Another count's index is dropped, the
 * one asked for least lately: a gateway naming ever new counts would keep
 * an index of every guild per count.
 */
const KEPT_COUNTS = 2;

/** Each shard's guild ids, for one shard count (shards without any absent). */
type Shards = Map<number, Set<string>>;

/**
 * The memory store's guilds (a Map of id to value), indexed by shard for
 * the counts READY asked about: every change goes through `set`, `delete`
 * and `clear`, which keep each index right.
 */
export class GuildEntries<V> extends Map<string, V> {
  /** Shard count -> its index, the one asked for least lately first. */
  readonly #counts = new Map<number, Shards>();

  /**
   * The ids of the guilds of shard `shard` of `count`, the index of that
   * count built on first use (one pass over the guilds).
   *
   * @param shard The shard id.
   * @param count The shard count.
   * @returns The ids (live: copy before changing the guilds).
   */
  ofShard(shard: number, count: number): Iterable<string> {
    let shards = this.#counts.get(count);
    if (shards === undefined) {
      shards = new Map();
      for (const id of this.keys()) add(shards, id, count);
      if (this.#counts.size >= KEPT_COUNTS) {
        this.#counts.delete(this.#counts.keys().next().value!);
      }
    } else this.#counts.delete(count);
    this.#counts.set(count, shards);
    return shards.get(shard) ?? [];
  }

  /** Set a guild, indexing an id not held yet. */
  override set(id: string, value: V): this {
    if (!this.has(id)) {
      for (const [count, shards] of this.#counts) add(shards, id, count);
    }
    return super.set(id, value);
  }

  /** Remove a guild from the entries and every index. */
  override delete(id: string): boolean {
    if (!super.delete(id)) return false;
    for (const [count, shards] of this.#counts) {
      const shard = snowflakeShard(id, count);
      const ids = shard === undefined ? undefined : shards.get(shard);
      ids?.delete(id);
      if (ids?.size === 0) shards.delete(shard!);
    }
    return true;
  }

  /** Remove every guild, and the indexes. */
  override clear(): void {
    this.#counts.clear();
    super.clear();
  }
}

/** Index `id` under its shard of `count` (none for an id no shard owns). */
function add(shards: Shards, id: string, count: number): void {
  const shard = snowflakeShard(id, count);
  if (shard === undefined) return;
  let ids = shards.get(shard);
  if (ids === undefined) shards.set(shard, ids = new Set());
  ids.add(id);
}

/**
 * A new scope's entries for the memory store: indexed by shard for guilds.
 *
 * @param kind The kind the entries hold.
 * @returns An empty map.
 */
export function newEntries<V>(kind: string): Map<string, V> {
  return kind === "guild" ? new GuildEntries<V>() : new Map<string, V>();
}

/**
 * The ids of the guilds of shard `shard` of `count` among a store's guild
 * entries (none when it holds no guild).
 *
 * @param entries The guild entries, made by {@linkcode newEntries}.
 * @param shard The shard id.
 * @param count The shard count.
 * @returns The ids (live: copy before changing the guilds).
 */
export function guildsOfShard<V>(
  entries: Map<string, V> | undefined,
  shard: number,
  count: number,
): Iterable<string> {
  return entries instanceof GuildEntries ? entries.ofShard(shard, count) : [];
}
