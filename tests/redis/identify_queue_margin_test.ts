// The default spacing of one bucket's grants leaves room for the time
// between a grant and its IDENTIFY reaching Discord, which differs by
// process: spaced exactly 5 s, a fleet's IDENTIFYs of one bucket reached a
// strict gateway 4,997–4,999 ms apart and the later one was refused (op 9),
// its session start spent for nothing. Every reply Redis owes comes before
// the virtual clock moves on: when it did not, the queue's 10 s no-answer
// timer ran first and held the grants 12.3 s apart, which hid a default of
// 5,000 from mutation testing.
import assert from "node:assert/strict";
import {
  closeRedis,
  connectRedis,
  type RedisConnection,
  RedisIdentifyQueue,
} from "../../redis/mod.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { testRedis } from "../_fakes/servers.ts";
import { runUntil } from "../_fakes/run_until.ts";

const server = testRedis();

/** How much later the first process's IDENTIFY leaves than its grant. */
const FIRST_SENT_LATE_MS = 200;

Deno.test({
  name:
    "RedisIdentifyQueue: by default one bucket's grants in two processes are 5,250 ms apart (the default intervalMs), so IDENTIFYs stay 5 s apart at the gateway when the first leaves 200 ms late",
  ignore: server.ignore,
  fn: async () => {
    const scheduler = new VirtualScheduler();
    const prefix = `disruption:test:identify:${crypto.randomUUID()}`;
    const connections: RedisConnection[] = [];
    try {
      const queues: RedisIdentifyQueue[] = [];
      for (let i = 0; i < 2; i++) {
        const redis = await connectRedis({ url: server.url });
        connections.push(redis);
        queues.push(
          new RedisIdentifyQueue(redis, {
            prefix,
            clock: "scheduler",
            scheduler,
          }),
        );
      }
      /** When one process's acquire for `shardId` is granted (virtual ms). */
      const grant = async (process: number, shardId: number) => {
        let grantedAt: number | undefined;
        const granted = queues[process]!.acquire(shardId).then(() => {
          grantedAt = scheduler.now();
        });
        await runUntil(scheduler, () => grantedAt !== undefined, {
          // Before a timer runs, every reply Redis owes has come (an
          // acquire may take a few round trips): a round trip on each
          // connection is answered after those sent before it.
          settle: async () => {
            for (let round = 0; round < 3; round++) {
              await scheduler.flushMicrotasks();
              await Promise.all(connections.map((c) => c.ping()));
            }
            await scheduler.flushMicrotasks();
          },
        });
        await granted;
        return grantedAt!;
      };
      // One bucket (max_concurrency 1), the processes taking turns.
      const grants: number[] = [];
      for (let shardId = 0; shardId < 4; shardId++) {
        grants.push(await grant(shardId % 2, shardId));
      }
      // The scheduler's clock has no round trip to add: exactly intervalMs.
      const gaps = grants.slice(1).map((at, i) => at - grants[i]!);
      assert.deepEqual(gaps, [5_250, 5_250, 5_250]);
      // Process 0's IDENTIFY of shard 2 leaves late; process 1's at its grant.
      const gap = grants[3]! - (grants[2]! + FIRST_SENT_LATE_MS);
      assert.ok(gap >= 5_000, `IDENTIFYs ${gap} ms apart`);
    } finally {
      const redis = connections[0];
      if (redis !== undefined) {
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length > 0) await redis.del(...keys);
      }
      await Promise.all(connections.map(closeRedis));
    }
  },
});
