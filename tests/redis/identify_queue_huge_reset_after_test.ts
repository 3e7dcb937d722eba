// A finite but huge `reset_after` (1e21 ms) made the budget script's
// PEXPIRE fail after its HSET had stored it: the update rejected, and the
// shard manager warned that the limit could not be stored. Discord's window
// is a day at most; the in-memory queue brings a later reset to a day, and
// so does this one, before Redis sees it.
import assert from "node:assert/strict";
import {
  closeRedis,
  connectRedis,
  RedisIdentifyQueue,
} from "../../redis/mod.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { testRedis } from "../_fakes/servers.ts";

const server = testRedis();

const DAY_MS = 24 * 60 * 60 * 1000;

Deno.test({
  name:
    "RedisIdentifyQueue: a reset_after of 1e21 ms is stored as a day, and the update resolves",
  ignore: server.ignore,
  fn: async () => {
    const scheduler = new VirtualScheduler();
    const prefix = `disruption:test:identify:${crypto.randomUUID()}`;
    const redis = await connectRedis({ url: server.url });
    try {
      const queue = new RedisIdentifyQueue(redis, {
        prefix,
        clock: "scheduler",
        scheduler,
      });
      await queue.updateSessionStartLimit({
        total: 1000,
        remaining: 3,
        reset_after: 1e21,
        max_concurrency: 1,
      });
      const budget = await queue.budget();
      assert.equal(budget?.remaining, 3);
      assert.ok(
        budget !== undefined && budget.resetAt <= scheduler.now() + DAY_MS,
        `reset at ${budget?.resetAt}, now ${scheduler.now()}`,
      );
      const ttl = await redis.pttl(`${prefix}:budget`);
      assert.ok(ttl > 0, `budget key expires in ${ttl} ms`);
    } finally {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await closeRedis(redis);
    }
  },
});
