/**
 * How the dispatch service paces IDENTIFY: through a
 * {@linkcode RedisIdentifyQueue} on its Redis, so processes that split one
 * bot's shards (`SHARDS_START`/`SHARDS_END`) keep to one bucket pacing and
 * spend one daily budget. Each built its own in-memory queue from its own
 * `GET /gateway/bot`: two processes identified in bucket 0 at once (op 9)
 * and each spent what was left, and Discord resets the token of a bot that
 * starts too many sessions.
 *
 * A process running every shard has no one to share with, and keeps the
 * in-memory queue (as before), so that a Redis that stops answering holds
 * none of its IDENTIFYs; a process running part of them waits for Redis
 * before its shards connect, as its own pacing could not know what the
 * others spent.
 *
 * @module
 */
import { realScheduler, type Scheduler } from "../base/scheduler.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import type { SessionStartLimit } from "../gateway/identify_queue.ts";
import type { RedisConnection } from "../redis/connection.ts";
import { RedisIdentifyQueue } from "../redis/identify_queue.ts";

const visible = getVisibleLogger(["disruption", "dispatch"]);

/**
 * The queue every process of the bot shares on `redis` under `prefix`.
 *
 * @param redis The service's connection (it closes it).
 * @param prefix The service's fixed key prefix: one bot per Redis, as for
 *   its other keys.
 * @param scheduler The service's clock. Redis's `TIME` decides under the
 *   real one (one clock for every machine); any other (a test's virtual
 *   clock) decides itself, and every process sharing the queue must then
 *   share it.
 * @param limit `GET /gateway/bot`'s limit, paced by `SHARDS_CONCURRENCY`
 *   (`identifyPace`): given here too so the queue never assumes a default
 *   budget, even for the moment before the manager hands it the limit.
 * @returns The queue.
 */
export function sharedIdentifyQueue(
  redis: RedisConnection,
  prefix: string,
  scheduler: Scheduler,
  limit: SessionStartLimit,
): RedisIdentifyQueue {
  return new RedisIdentifyQueue(redis, {
    prefix,
    maxConcurrency: limit.max_concurrency,
    sessionStartLimit: limit,
    clock: scheduler === realScheduler ? "redis" : "scheduler",
    scheduler,
  });
}

/**
 * Wait until `connected` resolves (Redis reached, by the service's retries)
 * or `signal` aborts (the service closes), having said once why the shards
 * wait.
 *
 * @param shardIds The process's shards (a part of the bot's).
 * @param total The bot's shard count.
 * @param connected Resolves once the service reached Redis.
 * @param signal Aborted when the service closes.
 * @returns When either came.
 */
export async function untilRedis(
  shardIds: readonly number[],
  total: number,
  connected: Promise<void>,
  signal: AbortSignal,
): Promise<void> {
  if (signal.aborted) return;
  visible.warn(
    "Shards {first}-{last} of {total} wait for Redis before they connect: the processes that split the bot pace IDENTIFY and spend its daily session starts together through Redis, and identifying on this process's own pacing could exceed both (Discord resets the token)",
    { first: shardIds[0], last: shardIds.at(-1), total },
  );
  let onAbort: (() => void) | undefined;
  try {
    await new Promise<void>((resolve) => {
      onAbort = resolve;
      signal.addEventListener("abort", onAbort, { once: true });
      connected.then(resolve);
    });
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}
