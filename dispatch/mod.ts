/**
 * The dispatch service: a standalone gateway process that publishes every
 * event to RabbitMQ with confirms and in order, takes gateway commands from
 * it, keeps sessions and the state cache in Redis with twilight-dispatch's
 * layout, serves Prometheus metrics and resumes after a restart. Run it with
 * `deno run -A jsr:@disruption/disruption/dispatch` (this module is also the
 * service's one entry point: `deno task dispatch` and the Dockerfile run
 * it too), configured by twilight-dispatch's environment variables.
 *
 * ```ts
 * import { loadDispatchConfig } from "@disruption/disruption/dispatch";
 * import assert from "node:assert/strict";
 *
 * const config = loadDispatchConfig({ BOT_TOKEN: "t", INTENTS: "513", SHARDS_TOTAL: "2" });
 * assert.equal(config.shardsTotal, 2);
 * assert.equal(config.defaultQueue, true);
 * ```
 *
 * Importing this entry loads the Redis client (ioredis), which reads the
 * environment when loaded: run with `--allow-env` (not scoped to names)
 * and `--allow-net`.
 *
 * @module
 */
import { runDispatchService } from "./main.ts";

export {
  ConfigError,
  type DispatchConfig,
  loadDispatchConfig,
  parseEnvFile,
} from "./config.ts";
export {
  DispatchService,
  type DispatchServiceOptions,
  EXCHANGE,
  parseCommand,
  RECV_QUEUE,
  REDIS_KEYS,
  SEND_QUEUE,
  type ServiceCommand,
  type StoredSession,
  type StoredStatus,
} from "./service.ts";
export { runDispatchService } from "./main.ts";
export type { Scheduler, TimerId } from "../base/scheduler.ts";

if (import.meta.main) await runDispatchService();
