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
 * Importing this entry loads the Redis client (ioredis), which reads the
 * environment when loaded: run with `--allow-env` (not scoped to names)
 * and `--allow-net`.
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
export { RedisClosedError } from "./closed_error.ts";
export {
  RedisIdentifyQueue,
  type RedisIdentifyQueueOptions,
} from "./identify_queue.ts";
export {
  RedisSessionStore,
  type RedisSessionStoreOptions,
} from "./session_store.ts";
// The interfaces the Redis stores implement and the clock they take, so this
// entry's documentation is complete on its own.
export type {
  IdentifyQueue,
  SessionStartLimit,
} from "../gateway/identify_queue.ts";
export type { SavedSession, SessionStore } from "../gateway/session_store.ts";
export type { Scheduler, TimerId } from "../base/scheduler.ts";
