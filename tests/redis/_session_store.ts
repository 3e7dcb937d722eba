// A RedisSessionStore on keys of its own, removed after the test, for the
// session store's test files.
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
