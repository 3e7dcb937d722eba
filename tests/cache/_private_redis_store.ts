// A Redis store's test on a redis-server of its own: to restart it (its
// data lost), or to set its maxmemory, which the shared test server's other
// files would feel. Ignored where the server rule says so
// (tests/_fakes/servers.ts).
import type { RedisConnection } from "../../redis/mod.ts";
import { closeRedis, connectRedis } from "../../redis/mod.ts";
import { PrivateRedis } from "../_fakes/private_redis.ts";
import { testRedis } from "../_fakes/servers.ts";

/** Whether the tests needing redis-server are ignored here. */
export const privateRedisIgnored: boolean = testRedis().ignore;

/**
 * Run `fn` against a redis-server of its own, over the store's connection
 * and an admin one; everything is closed and stopped after.
 */
export async function withPrivateRedis(
  fn: (
    redisServer: PrivateRedis,
    redis: RedisConnection,
    admin: RedisConnection,
  ) => Promise<void>,
): Promise<void> {
  const redisServer = new PrivateRedis();
  await redisServer.start();
  const redis = await connectRedis({ url: redisServer.url });
  const admin = await connectRedis({ url: redisServer.url });
  try {
    await fn(redisServer, redis, admin);
  } finally {
    await closeRedis(redis);
    await closeRedis(admin);
    await redisServer.stop();
  }
}
