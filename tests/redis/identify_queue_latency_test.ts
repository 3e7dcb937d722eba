// Grants are spaced on Redis's clock, but an IDENTIFY leaves when the grant
// reaches its process: after a grant to a process far from Redis, a grant to
// a near one arrives relatively early. Spaced exactly `intervalMs`, a 450 ms
// process handing over to a 50 ms one put their IDENTIFYs 4,953 ms apart at
// a strict gateway, which refused the later one (op 9, a session start
// spent): 4 of 12 in a run, every slow→fast handover.
import assert from "node:assert/strict";
import type { RedisConnection } from "../../redis/mod.ts";
import type { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { identifyFleet } from "../_fakes/identify_fleet.ts";
import { runUntil } from "../_fakes/run_until.ts";
import { testRedis } from "../_fakes/servers.ts";

const server = testRedis();

/**
 * `redis`, whose script and PING replies reach the caller `replyMs` later on
 * `scheduler()`'s clock (asked for when a command is sent: the fleet's
 * clock exists only once its connections are wrapped). Only the way back is slowed: the scripts take "now"
 * from the caller (the virtual clock), so a command slowed on its way there
 * would decide on a time already past.
 */
function slowReplies(
  redis: RedisConnection,
  scheduler: () => VirtualScheduler,
  replyMs: number,
): RedisConnection {
  const delay = <T>(reply: T): Promise<T> =>
    new Promise((resolve) =>
      scheduler().setTimeout(() => resolve(reply), replyMs)
    );
  return new Proxy(redis, {
    get(target, property): unknown {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (property !== "eval" && property !== "ping") return value.bind(target);
      return (...args: unknown[]): Promise<unknown> =>
        (value as (...a: unknown[]) => Promise<unknown>)
          .apply(target, args)
          .then(delay, (error) => delay(Promise.reject(error)));
    },
  });
}

Deno.test({
  name:
    "RedisIdentifyQueue: grants reach a 450 ms process and a 50 ms one at least an interval apart, slow→fast handovers included",
  ignore: server.ignore,
  fn: async () => {
    const replyMs = [450, 50]; // the slow process, then the fast one
    let made = 0;
    const f = await identifyFleet(
      server.url,
      2,
      {},
      (redis) => slowReplies(redis, () => f.scheduler, replyMs[made++]!),
    );
    const scheduler = f.scheduler;
    // Each process identifies its shards one after another, as a shard
    // manager does: slow 0, 2, 4 and fast 1, 3, 5, all in bucket 0.
    const arrived: [process: number, at: number][] = [];
    const identify = async (process: number): Promise<void> => {
      for (let shard = process; shard < 6; shard += 2) {
        await f.queues[process]!.acquire(shard);
        arrived.push([process, scheduler.now()]);
      }
    };
    try {
      const both = Promise.all([identify(0), identify(1)]);
      await runUntil(scheduler, () => arrived.length === 6, {
        settle: f.settle,
      });
      await both;
      const handovers = arrived.slice(1).filter(([process], i) =>
        arrived[i]![0] === 0 && process === 1
      );
      assert.ok(handovers.length > 0, `no slow→fast handover: ${arrived}`);
      for (let i = 1; i < arrived.length; i++) {
        const gap = arrived[i]![1] - arrived[i - 1]![1];
        assert.ok(
          gap >= 5_000,
          `grant ${i} reached process ${
            arrived[i]![0]
          } ${gap} ms after the one before (process ${arrived[i - 1]![0]}): ${
            JSON.stringify(arrived)
          }`,
        );
      }
    } finally {
      await f.close();
    }
  },
});
