// A RedisSessionStore on keys of its own, removed after the test, for the
// session store's test files; and stores on such keys dated by a clock of
// the test's (`localClock`), with Redis's own clock to compare.
import {
  closeRedis,
  connectRedis,
  type RedisConnection,
  RedisSessionStore,
} from "../../redis/mod.ts";

/** The store's keys. */
export interface SessionKeys {
  key: string;
  shardCountKey: string;
}

/** Run `fn` with a store on fresh keys of the Redis at `url`. */
export async function withSessionStore(
  url: string,
  fn: (
    store: RedisSessionStore,
    redis: RedisConnection,
    keys: SessionKeys,
  ) => Promise<void>,
): Promise<void> {
  const redis = await connectRedis({ url });
  const id = crypto.randomUUID();
  const keys = {
    key: `disruption:test:sessions:${id}`,
    shardCountKey: `disruption:test:shards:${id}`,
  };
  try {
    await fn(new RedisSessionStore(redis, keys), redis, keys);
  } finally {
    await redis.del(keys.key, keys.shardCountKey);
    await closeRedis(redis);
  }
}

/**
 * Run `fn` on fresh keys of the Redis at `url`; `store(clock)` makes a
 * store on them whose `localClock` is `clock`.
 */
export function withClockedStores(
  url: string,
  fn: (
    store: (clock: { now(): number }) => RedisSessionStore,
    redis: RedisConnection,
    key: string,
  ) => Promise<void>,
): Promise<void> {
  return withSessionStore(url, (_store, redis, keys) =>
    fn(
      (clock) => new RedisSessionStore(redis, { ...keys, localClock: clock }),
      redis,
      keys.key,
    ));
}

/** Redis's clock, in milliseconds. */
export async function redisNow(redis: RedisConnection): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}
