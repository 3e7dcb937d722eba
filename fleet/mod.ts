/**
 * A bot's shards spread over many processes: {@linkcode FleetShards} runs
 * the shards one process holds Redis leases for, takes over those of dead
 * processes (resuming them from a shared session store) and hands shards to
 * processes that join. Pair it with `RedisIdentifyQueue` and
 * `RedisSessionStore` from `@disruption/disruption/redis`.
 * {@linkcode ReshardingShards} runs every shard of a bot in one process and
 * changes the shard count without downtime (not yet across a fleet).
 *
 * ```ts
 * import { FleetShards } from "@disruption/disruption/fleet";
 * import {
 *   connectRedis,
 *   RedisIdentifyQueue,
 *   RedisSessionStore,
 * } from "@disruption/disruption/redis";
 * import { RestClient } from "@disruption/disruption/rest";
 *
 * async function main(): Promise<void> {
 *   const bot = await new RestClient({ token: "..." }).getGatewayBot();
 *   const redis = await connectRedis({ url: "redis://10.0.0.5:6379" });
 *   const fleet = new FleetShards({
 *     redis,
 *     shard: { token: "...", intents: 513 },
 *     shardCount: 16,
 *     // The daily session start budget, shared by every process (without
 *     // it Discord's default, 1,000 a day, is assumed).
 *     identifyQueue: new RedisIdentifyQueue(redis, {
 *       prefix: "mybot:identify",
 *       sessionStartLimit: bot.session_start_limit,
 *     }),
 *     sessionStore: new RedisSessionStore(redis, { key: "mybot:sessions" }),
 *     prefix: "mybot:fleet",
 *   });
 *   fleet.onDispatch((event) => console.log(event.shardId, event.name));
 *   await fleet.start();
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
export type { FleetDispatch, FleetShardOptions } from "./fleet_dispatch.ts";
export { FleetShards } from "./fleet_shards.ts";
export type { FleetShardsOptions } from "./fleet_shards_options.ts";
export { OtherBotError } from "./other_bot_error.ts";
export {
  ReshardError,
  ReshardingShards,
  type ReshardingShardsOptions,
  type ReshardOptions,
  type ReshardResult,
} from "./resharding_shards.ts";
export type {
  RecommendedShards,
  WatchRecommendedOptions,
} from "./watch_recommended.ts";
// What the options take, so this entry's documentation is complete.
export type {
  IdentifyQueue,
  SessionStartLimit,
} from "../gateway/identify_queue.ts";
export type { SavedSession, SessionStore } from "../gateway/session_store.ts";
export type {
  ResumableSession,
  ShardOptions,
  ShardTimeouts,
} from "../gateway/shard_options.ts";
export type { TransportCompression } from "../gateway/inflater.ts";
export type {
  GatewaySocket,
  SocketListener,
  Transport,
} from "../gateway/transport.ts";
export type {
  BotActivity,
  IdentifyProperties,
  PresenceStatus,
  UpdatePresenceData,
} from "../types/gateway_payloads.ts";
export type { RedisConnection } from "../redis/connection.ts";
export type { Scheduler, TimerId } from "../base/scheduler.ts";
