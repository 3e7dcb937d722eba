// The default spacing of one bucket's grants leaves room for the time
// between a grant and its IDENTIFY reaching Discord, which differs by
// process: spaced exactly 5 s, a fleet's IDENTIFYs of one bucket reached a
// strict gateway 4,997–4,999 ms apart and the later one was refused (op 9),
// its session start spent for nothing.
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
    "RedisIdentifyQueue: by default one bucket's IDENTIFYs from two processes stay 5 s apart at the gateway when the first grant reaches its process 200 ms late",
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
      const sentAt: number[] = [];
      await queues[0]!.acquire(0);
      sentAt.push(scheduler.now() + FIRST_SENT_LATE_MS);
      const second = queues[1]!.acquire(1).then(() => {
        sentAt.push(scheduler.now());
      });
      await runUntil(scheduler, () => sentAt.length === 2, {
        settle: async () => {
          await scheduler.flushMicrotasks();
          await Promise.all(connections.map((c) => c.ping()));
          await scheduler.flushMicrotasks();
        },
      });
      await second;
      const gap = sentAt[1]! - sentAt[0]!;
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
