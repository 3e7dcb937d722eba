// RedisIdentifyQueue on a connection closed while shards wait: every attempt
// fails at once ("Connection is closed"), and the waiter polled for ever,
// never settling and keeping the process alive. A connection ended for
// good rejects its waiters with a RedisClosedError.
import assert from "node:assert/strict";
import {
  closeRedis,
  connectRedis,
  RedisIdentifyQueue,
} from "../../redis/mod.ts";
import { RedisClosedError } from "../../redis/closed_error.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { testRedis } from "../_fakes/servers.ts";
import { runUntil } from "../_fakes/run_until.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const server = testRedis();

Deno.test({
  name:
    "RedisIdentifyQueue: a waiter whose connection is closed (closeRedis) rejects with a RedisClosedError and leaves no timer; so does an acquire after the close",
  ignore: server.ignore,
  fn: async () => {
    const scheduler = new VirtualScheduler();
    const redis = await connectRedis({ url: server.url });
    const prefix = `disruption:test:identify-closed:${crypto.randomUUID()}`;
    const queue = new RedisIdentifyQueue(redis, {
      prefix,
      clock: "scheduler",
      scheduler,
    });
    let cleaned = false;
    try {
      await queue.acquire(0);
      // Shard 1 waits for the bucket; the connection is closed meanwhile.
      let outcome: unknown = "pending";
      const waiting = queue.acquire(1).then(
        () => outcome = "granted",
        (error: unknown) => outcome = error,
      );
      await runUntil(scheduler, () => scheduler.pending > 0, {
        settle: () => redis.ping().then(() => scheduler.flushMicrotasks()),
      });
      await redis.del(...await redis.keys(`${prefix}:*`));
      cleaned = true;
      await closeRedis(redis);
      await captureStderr(async () => {
        // Before: still "pending" after any time, the attempts never ending.
        await runUntil(scheduler, () => outcome !== "pending", {
          settle: () => scheduler.flushMicrotasks(),
        });
      });
      await waiting;
      assert.ok(outcome instanceof RedisClosedError, String(outcome));
      assert.match(outcome.message, /shard 1 .*closed/);
      assert.equal(queue.pending, 0);
      assert.equal(scheduler.pending, 0, "no timer left");
      await assert.rejects(queue.acquire(2), RedisClosedError);
      assert.equal(queue.pending, 0);
    } finally {
      if (!cleaned) {
        await redis.del(...await redis.keys(`${prefix}:*`));
      }
      await closeRedis(redis);
    }
  },
});
