// A shared session start budget stored on Redis's clock (the queue's
// default), read by a process whose own clock is 10 minutes ahead of it or
// behind: the reshard check and the guard that ends a reshard on a spent
// budget must decide as a process on the right clock does. Its reset time
// read against the local clock made a spent budget look reset (ahead) and
// a reset just passed look 10 minutes away (behind).
import assert from "node:assert/strict";
import { ReshardError } from "../../fleet/mod.ts";
import {
  checkReshard,
  sessionStartBudget,
} from "../../fleet/reshard_budget.ts";
import { closeRedis, connectRedis } from "../../redis/mod.ts";
import type { RedisConnection } from "../../redis/connection.ts";
import { RedisIdentifyQueue } from "../../redis/identify_queue.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { testRedis } from "../_fakes/servers.ts";

const server = testRedis();
const SKEW_MS = 10 * 60 * 1000;

/** Redis's clock, in ms. */
async function redisNow(redis: RedisConnection): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/**
 * Run `body` with a queue on Redis's clock (the default) whose budget is
 * `remaining` of 1,000, resetting `resetInMs` from now by Redis's clock
 * (negative: passed), made by a process whose clock is `skewMs` off
 * Redis's; the prefix's keys are deleted after.
 */
async function withBudget(
  skewMs: number,
  remaining: number,
  resetInMs: number,
  body: (queue: RedisIdentifyQueue, scheduler: VirtualScheduler) => Promise<
    void
  >,
): Promise<void> {
  const redis = await connectRedis({ url: server.url });
  const prefix = `disruption:test:reshard-skew:${crypto.randomUUID()}`;
  try {
    const scheduler = new VirtualScheduler({
      start: await redisNow(redis) + skewMs,
    });
    // Written as the attempt script stores it, on Redis's clock (before
    // the queue, which keeps a budget it finds).
    await redis.hset(`${prefix}:budget`, {
      total: 1000,
      remaining,
      reset_at: await redisNow(redis) + resetInMs,
    });
    const queue = new RedisIdentifyQueue(redis, { prefix, scheduler });
    await body(queue, scheduler);
  } finally {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await closeRedis(redis);
  }
}

for (const skew of [0, SKEW_MS, -SKEW_MS]) {
  const clock = skew === 0
    ? "the right clock"
    : `a clock ${skew > 0 ? "ahead" : "behind"} by 10 min`;

  Deno.test({
    name:
      `checkReshard from ${clock}: 2 session starts left, reset in 5 min by Redis's clock: a reshard to 16 is refused`,
    ignore: server.ignore,
    fn: () =>
      withBudget(skew, 2, 300_000, async (queue, scheduler) => {
        await assert.rejects(
          checkReshard(scheduler, queue, 16, {}, "the fleet"),
          ReshardError,
          "16 session starts are needed and only 2 are left today",
        );
        const budget = await sessionStartBudget(scheduler, queue, "test");
        assert.equal(budget?.left, 2);
        assert.ok(
          budget!.resetIn > 290_000 && budget!.resetIn < 301_000,
          `reset in ${budget!.resetIn} ms`,
        );
      }),
  });

  Deno.test({
    name:
      `checkReshard from ${clock}: a budget whose reset passed 1 s ago by Redis's clock counts as full: a reshard to 16 is allowed`,
    ignore: server.ignore,
    fn: () =>
      withBudget(skew, 2, -1_000, async (queue, scheduler) => {
        await checkReshard(scheduler, queue, 16, {}, "the fleet");
        assert.deepEqual(
          await sessionStartBudget(scheduler, queue, "test"),
          { left: 1000, resetIn: 0 },
        );
      }),
  });

  Deno.test({
    name:
      `sessionStartBudget from ${clock}: a spent budget resetting in 30 s by Redis's clock is soon (the guard waits for it), not 10 min away`,
    ignore: server.ignore,
    fn: () =>
      withBudget(skew, 0, 30_000, async (queue, scheduler) => {
        const budget = await sessionStartBudget(scheduler, queue, "test");
        assert.equal(budget?.left, 0);
        assert.ok(
          budget!.resetIn > 20_000 && budget!.resetIn < 31_000,
          `reset in ${budget!.resetIn} ms`,
        );
      }),
  });
}
