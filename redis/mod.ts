/**
 * The Redis connection layer shared by Disruption's Redis-backed parts: open
 * a connection with {@linkcode connectRedis}, close it with
 * {@linkcode closeRedis}.
 *
 * ```ts
 * import { closeRedis, connectRedis } from "@disruption/disruption/redis";
 *
 * async function main(): Promise<void> {
 *   const redis = await connectRedis({ url: "redis://127.0.0.1:6379" });
 *   console.log(await redis.ping());
 *   await closeRedis(redis);
 * }
 * void main; // needs a server: defined, not run
 * ```
 *
 * @module
 */
export {
  closeRedis,
  connectRedis,
  redactRedisUrl,
  RedisConnectError,
  type RedisConnection,
  type RedisConnectOptions,
} from "./connection.ts";
