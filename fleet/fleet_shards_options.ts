// The options of FleetShards, apart from its code (checked by
// fleet_options_check.ts).
import type { Scheduler } from "../base/scheduler.ts";
import type { IdentifyQueue } from "../gateway/identify_queue.ts";
import type { SessionStore } from "../gateway/session_store.ts";
import type { RedisConnection } from "../redis/connection.ts";
import type { FleetShardOptions } from "./fleet_dispatch.ts";

/** Options for `FleetShards`. */
export interface FleetShardsOptions {
  /** The Redis connection the leases live on (the caller closes it). */
  redis: RedisConnection;
  /**
   * Options every shard gets: a `Shard`'s (token, intents, `presence`,
   * `compress`, `transport`, `timeouts`, ...) but those the fleet sets on
   * each shard itself (id, count, identify queue, scheduler, session).
   */
  shard: FleetShardOptions;
  /**
   * The bot's shard count when the fleet starts; once the fleet has
   * resharded, the count stored in Redis wins.
   */
  shardCount: number;
  /**
   * The shards this process may run; `[]` runs none (a process that only
   * asks for reshards, say).
   *
   * @default {every shard}
   */
  pool?: readonly number[];
  /** Paces IDENTIFY across the fleet, e.g. a `RedisIdentifyQueue`. */
  identifyQueue: IdentifyQueue;
  /** Where sessions are shared, e.g. a `RedisSessionStore`. */
  sessionStore: SessionStore;
  /**
   * Where the fleet's leases live: the same in every process of the bot,
   * and another for each bot sharing the Redis database. The prefix
   * records its bot (`<prefix>:bot`, the user id in the token, or else in
   * the first READY): a process of another bot is refused by `start()`
   * (`OtherBotError`), or, when its token names no user id, leaves the
   * fleet at its first READY without saving a session, said on stderr.
   *
   * @default {"disruption:fleet"}
   */
  prefix?: string;
  /**
   * How long a lease lasts without renewal, in ms: a dead process's shards
   * move after at most this plus `renewMs`. The fleet's first process
   * stores it in Redis; one whose option differs runs with the fleet's and
   * says so on stderr (it changes once none of the fleet's processes runs).
   *
   * @default {15000}
   */
  leaseTtlMs?: number;
  /**
   * How often leases are renewed and sessions saved, in ms; at most a third
   * of `leaseTtlMs`. Leases are also renewed as soon as the connection is
   * ready again after a drop: a Redis restarted without its data, or failed
   * over, lost them, and a process starting then would take their shards.
   *
   * @default {leaseTtlMs / 3}
   */
  renewMs?: number;
  /**
   * Whose clock leases expire on: `"redis"` (the server's) or
   * `"scheduler"` (for tests on a shared fake clock).
   *
   * @default {"redis"}
   */
  clock?: "redis" | "scheduler";
  /**
   * The timers.
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
}
