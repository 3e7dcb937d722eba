// The options of RedisCache, apart from its code.
import type { Scheduler } from "../base/scheduler.ts";
import type { CacheOptions, REDIS_ONLY_CACHE_KEYS } from "./options.ts";

/** Options for `RedisCache`. */
export interface RedisCacheOptions extends CacheOptions {
  /**
   * Seconds a cached member or message lives after its last write, each
   * more than 0 and at most 315,576,000 (10 years: a later time is one no
   * expiry entry can record) (a message: its MESSAGE_CREATE or last
   * MESSAGE_UPDATE, as in twilight-dispatch; a reaction or a poll vote
   * keeps its time); expired
   * ones are removed (keys and set entries) by
   * `RedisCache.sweepExpired`. Recorded in the `expiry_keys` hash
   * as twilight-dispatch does (the key, and a JSON string of the UTC time),
   * so either one's sweep removes the other's. A kind without one is
   * written with no entry: one a key holds (from a run with a `ttl`, or
   * from twilight-dispatch) is removed.
   *
   * @default {{}} (no expiry)
   */
  ttl?: { members?: number; messages?: number };
  /**
   * Called once when a Redis failure made the cache stale (writes were
   * lost). It is rebuilt guild by guild from the next GUILD_CREATEs; a new
   * gateway session (re-IDENTIFY) sends them all, and the cache is fresh
   * again once every shard that fed it started one.
   */
  onStale?: (error: unknown) => void;
  /**
   * The shards that feed the store, when some of them may resume sessions
   * begun before it (a service restarted): a resumed session sends no
   * READY, so the store could not know of it, and after a failure it would
   * be fresh again once the others started anew. Each shard named here must
   * start a new session too. Shards whose READY it takes are added.
   *
   * @default {[]}
   */
  shardIds?: Iterable<number>;
  /**
   * The timers, and the clock for expiry when given (a test's virtual
   * clock: every process sharing the cache must then share it). Left out
   * (or `realScheduler`, the default),
   * expiry is on Redis's clock (`TIME`: under an ACL the user needs
   * `+time`), which every process sharing the cache agrees on whatever its
   * own clock says: one minutes ahead swept every process's entries early,
   * one behind wrote them already expired.
   *
   * @default {realScheduler} (expiry on Redis's clock)
   */
  scheduler?: Scheduler;
}

/** Whether two unions hold the same members. */
type Same<A, B> = [A] extends [B] ? [B] extends [A] ? true : false : false;
/**
 * Fails to compile when `REDIS_ONLY_CACHE_KEYS` (which the memory store
 * refuses, naming RedisCache) misses or invents one of these options.
 */
const _redisOnlyKeys: Same<
  (typeof REDIS_ONLY_CACHE_KEYS)[number],
  Exclude<keyof RedisCacheOptions, keyof CacheOptions>
> = true;
