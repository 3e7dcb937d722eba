/**
 * {@linkcode FleetGeneration}: the fleet's shard count in Redis, the reshard
 * in progress and its barrier (the new shards that are complete), and
 * {@linkcode RedisDuplicateFilter}, which drops second copies of events
 * across the processes of a fleet while two shard sets run.
 *
 * @module
 */
import type { RedisConnection } from "../redis/connection.ts";
import type { DuplicateFilter } from "./duplicate_filter.ts";

/**
 * Read the shard count, flipping it to the next one when the barrier is
 * complete (a mark may have been lost with its process).
 *
 * KEYS: 1 generation (hash count, next), 2 ready (set of the next count's
 * complete shards). ARGV: 1 the count to start with when none is stored.
 * Returns `{count, next or 0}`.
 */
const SYNC_SCRIPT = `
redis.call('HSETNX', KEYS[1], 'count', ARGV[1])
local count = tonumber(redis.call('HGET', KEYS[1], 'count'))
local nxt = tonumber(redis.call('HGET', KEYS[1], 'next') or '')
if nxt and redis.call('SCARD', KEYS[2]) >= nxt then
  redis.call('HSET', KEYS[1], 'count', nxt)
  redis.call('HDEL', KEYS[1], 'next')
  redis.call('DEL', KEYS[2])
  return {nxt, 0}
end
return {count, nxt or 0}
`;

/**
 * Ask for a reshard. KEYS: 1 generation, 2 ready. ARGV: 1 the count to start
 * with, 2 the target. Returns `{1, count}` when recorded, `{0, next}` when
 * another reshard is running, `{2, count}` when the count is the target.
 */
const REQUEST_SCRIPT = `
redis.call('HSETNX', KEYS[1], 'count', ARGV[1])
local count = tonumber(redis.call('HGET', KEYS[1], 'count'))
local nxt = redis.call('HGET', KEYS[1], 'next')
if nxt then return {0, tonumber(nxt)} end
if count == tonumber(ARGV[2]) then return {2, count} end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], 'next', ARGV[2])
return {1, count}
`;

/**
 * Give up the reshard asked for. KEYS: 1 generation, 2 ready. ARGV: 1 the
 * target. Returns 1 when it was running.
 */
const CANCEL_SCRIPT = `
if redis.call('HGET', KEYS[1], 'next') ~= ARGV[1] then return 0 end
redis.call('HDEL', KEYS[1], 'next')
redis.call('DEL', KEYS[2])
return 1
`;

/**
 * Mark a shard of the next count complete (or no longer), flipping the count
 * when that completes the set. KEYS: 1 generation, 2 ready. ARGV: 1 the
 * shard's count, 2 shard, 3 "1" ready / "0" not. Returns 1 when it flipped.
 */
const MARK_SCRIPT = `
if redis.call('HGET', KEYS[1], 'next') ~= ARGV[1] then return 0 end
if ARGV[3] == '0' then redis.call('SREM', KEYS[2], ARGV[2]) return 0 end
redis.call('SADD', KEYS[2], ARGV[2])
if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'count', ARGV[1])
  redis.call('HDEL', KEYS[1], 'next')
  redis.call('DEL', KEYS[2])
  return 1
end
return 0
`;

/** The fleet's shard count and reshard, shared by its processes in Redis. */
export class FleetGeneration {
  readonly #redis: RedisConnection;
  readonly #generationKey: string;
  readonly #readyKey: string;

  /**
   * @param redis The connection.
   * @param prefix The fleet's prefix.
   */
  constructor(redis: RedisConnection, prefix: string) {
    this.#redis = redis;
    this.#generationKey = `${prefix}:generation`;
    this.#readyKey = `${prefix}:ready`;
  }

  /**
   * The shard count events come from and the one a reshard moves to.
   *
   * @param initial The count to store when none is.
   * @returns The counts.
   */
  async sync(
    initial: number,
  ): Promise<{ count: number; next: number | undefined }> {
    const [count, next] = await this.#redis.eval(
      SYNC_SCRIPT,
      2,
      this.#generationKey,
      this.#readyKey,
      String(initial),
    ) as [number, number];
    return { count, next: next > 0 ? next : undefined };
  }

  /**
   * Record a reshard to `target`.
   *
   * @param initial The count to store when none is.
   * @param target The new count.
   * @returns The count now, and the reshard running when one is.
   */
  async request(
    initial: number,
    target: number,
  ): Promise<{ count: number; running: number | undefined }> {
    const [kind, value] = await this.#redis.eval(
      REQUEST_SCRIPT,
      2,
      this.#generationKey,
      this.#readyKey,
      String(initial),
      String(target),
    ) as [number, number];
    return kind === 0
      ? { count: target, running: value }
      : { count: value, running: undefined };
  }

  /**
   * Give up the reshard to `target`, if it is still running.
   *
   * @param target The count it was moving to.
   * @returns `true` when it was running and is given up.
   */
  async cancel(target: number): Promise<boolean> {
    const cancelled = await this.#redis.eval(
      CANCEL_SCRIPT,
      2,
      this.#generationKey,
      this.#readyKey,
      String(target),
    );
    return cancelled === 1;
  }

  /**
   * Count a shard of the new set toward the barrier, or stop counting it.
   *
   * @param count The shard's count.
   * @param shardId The shard.
   * @param ready Complete (`true`) or stopped (`false`).
   * @returns `true` when this mark completed the set and flipped the count.
   */
  async markReady(
    count: number,
    shardId: number,
    ready: boolean,
  ): Promise<boolean> {
    const flipped = await this.#redis.eval(
      MARK_SCRIPT,
      2,
      this.#generationKey,
      this.#readyKey,
      String(count),
      String(shardId),
      ready ? "1" : "0",
    );
    return flipped === 1;
  }
}

/**
 * Add identities to the set and keep the set alive.
 * KEYS: 1 set. ARGV: 1 ttl (ms), 2... identity hashes. Returns 1 for each
 * hash that was new, else 0, in order.
 */
const SEEN_SCRIPT = `
local added = {}
for i = 2, #ARGV do
  added[i - 1] = redis.call('SADD', KEYS[1], ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return added
`;

/**
 * Keys one request records or asks about at most: one command over every
 * held event (100,000 of them) would keep Redis busy, and every other
 * client of it waiting, for that long.
 */
const SEEN_CHUNK = 1_000;

/**
 * Event identities seen by any process of the fleet, in one Redis set that
 * expires `ttlMs` after its last use (so it lasts as long as the overlap,
 * and is gone soon after). Identities are stored as SHA-1 digests, which
 * are its keys: every process of the fleet, of any version, must store the
 * same digest for the same event.
 */
export class RedisDuplicateFilter implements DuplicateFilter {
  readonly #redis: RedisConnection;
  readonly #key: string;
  readonly #ttlMs: number;

  /**
   * @param redis The connection.
   * @param key The set's key.
   * @param ttlMs How long the set lives after its last use.
   */
  constructor(redis: RedisConnection, key: string, ttlMs: number) {
    this.#redis = redis;
    this.#key = key;
    this.#ttlMs = ttlMs;
  }

  /** @inheritdoc */
  key(identity: string): Promise<string> {
    return digest(identity);
  }

  /** @inheritdoc */
  firstSeen(hashes: readonly string[]): Promise<boolean[]> {
    return this.#inChunks(
      hashes,
      (chunk) =>
        this.#redis.eval(
          SEEN_SCRIPT,
          1,
          this.#key,
          String(this.#ttlMs),
          ...chunk,
        ) as Promise<number[]>,
    );
  }

  /** @inheritdoc */
  seenAlready(hashes: readonly string[]): Promise<boolean[]> {
    return this.#inChunks(
      hashes,
      (chunk) => this.#redis.smismember(this.#key, ...chunk),
    );
  }

  /** Ask `request` about `hashes` a chunk at a time, one chunk after another. */
  async #inChunks(
    hashes: readonly string[],
    request: (chunk: string[]) => Promise<number[]>,
  ): Promise<boolean[]> {
    const answers: boolean[] = [];
    for (let i = 0; i < hashes.length; i += SEEN_CHUNK) {
      const replies = await request(hashes.slice(i, i + SEEN_CHUNK));
      for (const reply of replies) answers.push(reply === 1);
    }
    return answers;
  }
}

/** The base64 SHA-1 of an identity, as every process stores it. */
async function digest(identity: string): Promise<string> {
  const bytes = await crypto.subtle.digest(
    "SHA-1",
    new TextEncoder().encode(identity),
  );
  return btoa(String.fromCharCode(...new Uint8Array(bytes)));
}
