// The options of RedisIdentifyQueue (redis/identify_queue.ts), apart from
// the class so that the class stays readable; exported from there.
import type { Scheduler } from "../base/scheduler.ts";
import type { SessionStartLimit } from "../gateway/identify_queue.ts";

/** Options for `RedisIdentifyQueue` (redis/identify_queue.ts). */
export interface RedisIdentifyQueueOptions {
  /**
   * Where the bot's queue lives: every process of one bot must use the same
   * prefix, and two bots on one Redis different ones.
   *
   * @default {"disruption:identify"}
   */
  prefix?: string;
  /**
   * IDENTIFYs allowed per interval, one per bucket `shardId %
   * maxConcurrency`; every process must agree. `sessionStartLimit`'s
   * `max_concurrency` takes precedence when given.
   *
   * @default {1}
   */
  maxConcurrency?: number;
  /**
   * Milliseconds between two grants of the same bucket: Discord's 5 s plus
   * room for an IDENTIFY leaving a few ms after its grant, a different few
   * in each process (5 s apart, some reached a strict gateway in 4,997 ms).
   * Each grant holds its bucket longer by its process's recent round trip
   * to Redis (at most 5 s more): the grant's way back, however long, does
   * not bring the next one closer.
   *
   * @default {5250}
   */
  intervalMs?: number;
  /**
   * The daily budget from `GET /gateway/bot`: shared in Redis (see
   * `RedisIdentifyQueue.updateSessionStartLimit`). Without it (here or
   * stored by another process) the queue assumes Discord's default, 1,000
   * a day from its first write (not with a `maxConcurrency` over 1, large
   * bot sharding's, whose budget is larger), until a real one replaces it.
   */
  sessionStartLimit?: SessionStartLimit;
  /**
   * How often a waiting shard asks Redis again while its bucket is free but
   * another shard is ahead of it, in milliseconds: the longest a shard waits
   * after the one ahead of it gave up. While the bucket is not free yet a
   * waiter sleeps until it is, renewing its place every `livenessMs / 2`
   * (or `pollMs`, if longer).
   *
   * @default {500}
   */
  pollMs?: number;
  /**
   * How long a waiter stays in the queue without asking again, in
   * milliseconds: a dead process's shards block their buckets at most this
   * long. Must exceed `pollMs` plus a Redis round trip, and be at most
   * 60,000 (a deadline further ahead, whoever wrote it, counts as expired).
   *
   * @default {5000}
   */
  livenessMs?: number;
  /**
   * Whose clock decides: `"redis"` (the server's `TIME`, one clock for every
   * machine) or `"scheduler"` (the `scheduler`'s `now()`, for tests on a
   * virtual clock; every process must then share that clock).
   *
   * @default {"redis"}
   */
  clock?: "redis" | "scheduler";
  /**
   * The timers for the waits.
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
}
