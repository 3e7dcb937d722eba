// RedisIdentifyQueue.budget(), what a reshard's check reads: the stored
// reset placed on the queue's own clock (as far from its `now()` as the
// stored reset is from the scripts' clock, a fraction of a millisecond
// kept), and no budget when one of its three fields is missing.
import assert from "node:assert/strict";
import {
  closeRedis,
  connectRedis,
  RedisIdentifyQueue,
} from "../../redis/mod.ts";
import { identifyFleet } from "../_fakes/identify_fleet.ts";
import { testRedis } from "../_fakes/servers.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const server = testRedis();

const LIMIT = {
  total: 1000,
  remaining: 10,
  reset_after: 60_000,
  max_concurrency: 1,
};

Deno.test({
  name:
    "RedisIdentifyQueue: budget() gives the reset on the queue's clock when the scripts run on Redis's",
  ignore: server.ignore,
  fn: async () => {
    const redis = await connectRedis({ url: server.url });
    const prefix = `disruption:test:identify:${crypto.randomUUID()}`;
    try {
      // The queue's clock is days from Redis's: the reset read is still
      // a minute from its now.
      const scheduler = new VirtualScheduler({ start: 5_000 });
      const queue = new RedisIdentifyQueue(redis, { prefix, scheduler });
      await queue.updateSessionStartLimit(LIMIT);
      const budget = await queue.budget();
      assert.equal(budget?.remaining, 10);
      const resetAt = budget?.resetAt ?? NaN;
      // Redis's clock moved on by the round trips since the write.
      assert.ok(
        resetAt <= 5_000 + 60_000 && resetAt > 5_000 + 60_000 - 5_000,
        `resetAt ${resetAt}`,
      );
    } finally {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await closeRedis(redis);
    }
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue: budget() keeps a fraction of a millisecond of the queue's clock in the reset it reads",
  ignore: server.ignore,
  fn: async () => {
    const scheduler = new VirtualScheduler({ start: 1_000.5 });
    const f = await identifyFleet(server.url, 1, { scheduler });
    try {
      const queue = f.queues[0]!;
      await queue.updateSessionStartLimit(LIMIT);
      assert.deepEqual(await queue.budget(), {
        total: 1000,
        remaining: 10,
        resetAt: 61_000.5,
      });
    } finally {
      await f.close();
    }
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue: budget() is undefined when the stored budget lacks its total, remaining or reset",
  ignore: server.ignore,
  fn: async () => {
    const f = await identifyFleet(server.url, 1);
    try {
      const queue = f.queues[0]!;
      const key = `${f.prefix}:budget`;
      for (const missing of ["total", "remaining", "reset_at"]) {
        await queue.updateSessionStartLimit(LIMIT);
        assert.notEqual(await queue.budget(), undefined);
        await f.connections[0]!.hdel(key, missing);
        assert.equal(await queue.budget(), undefined, missing);
      }
    } finally {
      await f.close();
    }
  },
});
