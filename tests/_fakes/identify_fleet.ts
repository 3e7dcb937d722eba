// Processes of one bot sharing a RedisIdentifyQueue, on one virtual clock:
// each queue instance (with its own connection) stands for one process, and
// the Lua script decides on the scheduler's time, so tests check pacing,
// order and liveness at exact virtual times.
import {
  closeRedis,
  connectRedis,
  RedisIdentifyQueue,
  type RedisIdentifyQueueOptions,
} from "../../redis/mod.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** Some processes of one bot, their queues and their connections. */
export interface IdentifyFleet {
  /** The clock every process shares. */
  scheduler: VirtualScheduler;
  /** One queue a process. */
  queues: RedisIdentifyQueue[];
  /** Each process's own connection (unwrapped), to cut or inspect. */
  connections: RedisConnection[];
  /** Every reply in flight has arrived, and its continuation has run. */
  settle: () => Promise<void>;
  /** The queues' prefix, unique to the fleet. */
  prefix: string;
  /** Delete the fleet's keys and close the connections. */
  close: () => Promise<void>;
}

/**
 * Start `processes` processes on `url`, each queue on its connection as
 * `wrap` returns it (to count what it sends).
 */
export async function identifyFleet(
  url: string,
  processes: number,
  options: RedisIdentifyQueueOptions = {},
  wrap: (redis: RedisConnection) => RedisConnection = (redis) => redis,
): Promise<IdentifyFleet> {
  const scheduler = new VirtualScheduler();
  const prefix = `disruption:test:identify:${crypto.randomUUID()}`;
  const connections: RedisConnection[] = [];
  const queues: RedisIdentifyQueue[] = [];
  for (let i = 0; i < processes; i++) {
    const redis = await connectRedis({ url });
    connections.push(redis);
    queues.push(
      new RedisIdentifyQueue(wrap(redis), {
        prefix,
        clock: "scheduler",
        scheduler,
        // Exact multiples of 5 s read better in the tests than the default's
        // margin (see identify_queue_margin_test.ts for that).
        intervalMs: 5_000,
        ...options,
      }),
    );
  }
  // ioredis answers one connection's commands in order: a PING's reply means
  // every command sent before it has been answered.
  const settle = async (): Promise<void> => {
    for (let round = 0; round < 3; round++) {
      await scheduler.flushMicrotasks();
      await Promise.all(
        // A connection the test cut answers with an error: also an answer.
        connections.map((c) => c.ping().catch(() => {})),
      );
    }
    await scheduler.flushMicrotasks();
  };
  const close = async (): Promise<void> => {
    const redis = connections[0]!;
    if (redis.status === "ready") {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    await Promise.all(connections.map(closeRedis));
  };
  await settle();
  return { scheduler, queues, connections, settle, prefix, close };
}

/**
 * Delete every key under the fleet's prefix (but `keep`), as a Redis
 * restart without persistence would.
 */
export async function wipeFleetKeys(
  f: IdentifyFleet,
  keep?: string,
): Promise<void> {
  const redis = f.connections[0]!;
  const keys = (await redis.keys(`${f.prefix}:*`)).filter((key) =>
    key !== keep
  );
  if (keys.length > 0) await redis.del(...keys);
}

/**
 * Ask for shards in order, one process each, letting each reach Redis
 * first; each grant is noted in `grants` as `[shard, virtual time]`.
 */
export async function askInOrder(
  f: IdentifyFleet,
  requests: [process: number, shard: number, signal?: AbortSignal][],
  grants: [shard: number, at: number][],
): Promise<Promise<void>[]> {
  const all: Promise<void>[] = [];
  for (const [process, shard, signal] of requests) {
    all.push(
      f.queues[process]!.acquire(shard, signal).then(() => {
        grants.push([shard, f.scheduler.now()]);
      }),
    );
    await f.settle();
  }
  return all;
}
