// The identify queue's and the session store's scripts go to Redis by their
// SHA-1 (EVALSHA), not whole: each attempt of the queue sent its 12 KB
// script, 10,000 waiting shards 49.5 MB/s into Redis. A script Redis no
// longer has (SCRIPT FLUSH, a restart) is sent whole once, and runs. What
// a connection sent last is read from Redis (CLIENT LIST's `cmd`).
import assert from "node:assert/strict";
import {
  closeRedis,
  connectRedis,
  type RedisConnection,
  RedisIdentifyQueue,
  RedisSessionStore,
} from "../../redis/mod.ts";
import { TRY_SCRIPT } from "../../redis/_identify_scripts.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { testRedis } from "../_fakes/servers.ts";
import { PrivateRedis } from "../_fakes/private_redis.ts";

const server = testRedis();

/** A connection, and what it sent last as Redis saw it. */
interface Watched {
  redis: RedisConnection;
  lastCommand(): Promise<string | undefined>;
  close(): Promise<void>;
}

async function watched(url: string): Promise<Watched> {
  const redis = await connectRedis({ url });
  const observer = await connectRedis({ url });
  const id = String(await redis.client("ID"));
  return {
    redis,
    lastCommand: async () =>
      /\bcmd=(\S+)/.exec(
        String(await observer.client("LIST", "ID", id)),
      )?.[1],
    close: async () => {
      await closeRedis(redis);
      await closeRedis(observer);
    },
  };
}

const session = (shardId: number) => ({
  shardId,
  shardCount: 4,
  sessionId: `session-${shardId}`,
  sequence: 1,
  savedAt: 1_764_650_000_123,
});

Deno.test({
  name:
    "RedisIdentifyQueue, RedisSessionStore: on a connection from connectRedis their scripts are sent as EVALSHA",
  ignore: server.ignore,
  fn: async () => {
    const w = await watched(server.url);
    const id = crypto.randomUUID();
    const prefix = `disruption:test:by-sha:${id}`;
    const keys = {
      key: `disruption:test:by-sha:sessions:${id}`,
      shardCountKey: `disruption:test:by-sha:shards:${id}`,
    };
    try {
      const queue = new RedisIdentifyQueue(w.redis, {
        prefix,
        maxConcurrency: 2,
        clock: "scheduler",
        scheduler: new VirtualScheduler(),
      });
      await queue.acquire(0);
      await queue.acquire(1);
      // Before: eval, 12 KB each.
      assert.equal(await w.lastCommand(), "evalsha");
      const store = new RedisSessionStore(w.redis, keys);
      await store.save([session(0)]);
      await store.save([session(1)]);
      assert.equal(await w.lastCommand(), "evalsha");
      assert.deepEqual((await store.loadAll()).map((s) => s.shardId), [0, 1]);
    } finally {
      const left = await w.redis.keys(`${prefix}:*`);
      await w.redis.del(...left, keys.key, keys.shardCountKey);
      await w.close();
    }
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue, RedisSessionStore: after SCRIPT FLUSH their scripts are sent whole once, and work; one in a MULTI is sent whole",
  ignore: server.ignore,
  fn: async () => {
    // A server of its own: SCRIPT FLUSH empties a whole server's cache.
    const server = new PrivateRedis();
    await server.start();
    const w = await watched(server.url);
    try {
      const queue = new RedisIdentifyQueue(w.redis, {
        maxConcurrency: 2,
        clock: "scheduler",
        scheduler: new VirtualScheduler(),
      });
      const store = new RedisSessionStore(w.redis);
      await queue.acquire(0);
      await store.save([session(0)]);
      await w.redis.script("FLUSH");
      await queue.acquire(1);
      assert.equal(await w.lastCommand(), "eval", "sent whole after NOSCRIPT");
      await w.redis.script("FLUSH");
      await store.save([session(1)]);
      assert.equal(await w.lastCommand(), "eval");
      await store.save([session(2)]);
      assert.equal(await w.lastCommand(), "evalsha", "by SHA-1 again");
      assert.deepEqual(
        (await store.loadAll()).map((s) => s.shardId),
        [0, 1, 2],
      );
      // In a transaction an EVALSHA could not be sent again alone.
      await w.redis.script("FLUSH");
      const keys = ["q", "d", "n", "b", "t", "l", "f", "y", "g", "e"];
      const args = ["w", "0", "5000", "5000", "86400000", "60000", "0", "1"];
      const [[error, reply]] = await w.redis.multi()
        .eval(TRY_SCRIPT, 10, ...keys, ...args, "0", "0", "0", "e", "", "0")
        .exec() as [[Error | null, unknown[]]];
      assert.equal(error, null);
      assert.equal(reply[0], 1);
    } finally {
      await w.close();
      await server.stop();
    }
  },
});
