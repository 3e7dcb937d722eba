// A loss the store finds as a batch starts (a server restarted since the
// last batch, a database whose epoch marker is gone) covers the writes sent
// before that batch, not the batch itself: a READY in it rebuilds what was
// lost, and the cache is fresh again. Counted through the batch, the READY
// that found the loss left the cache stale until the shard's next session.
import assert from "node:assert/strict";
import { RedisCache } from "../../cache/mod.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";

const READY = {
  v: 10,
  user: { id: "9", username: "bot" },
  guilds: [{ id: "1", unavailable: true }],
  session_id: "s",
  resume_gateway_url: "wss://x",
  application: { id: "9", flags: 0 },
  shard: [0, 1],
};

const GUILD = {
  id: "1",
  name: "g",
  channels: [{ id: "2", type: 0, name: "c" }],
  roles: [],
  members: [],
};

for (const loss of ["a restarted server", "a flushed database"] as const) {
  Deno.test({
    name:
      `RedisCache: ${loss} found by a READY's batch is covered through the batches before it: that READY ends the staleness`,
    ignore: privateRedisIgnored,
    fn: () =>
      withPrivateRedis(async (redisServer, redis, admin) => {
        const cache = new RedisCache(redis);
        await cache.apply("READY", READY);
        await cache.apply("GUILD_CREATE", GUILD);
        // Its writes answered (a PING behind them), with no call of the
        // store between it and the READY below.
        await redis.ping();
        await captureStderr(async () => {
          if (loss === "a restarted server") {
            const up = new Promise((resolve) => redis.once("ready", resolve));
            await redisServer.stop();
            await redisServer.start();
            await up;
          } else await admin.flushdb();
          // The shard's new session is the next batch: it finds the loss.
          await cache.apply("READY", READY);
        });
        assert.equal(cache.stale, false);
        assert.deepEqual(cache.staleShards, []);
        await cache.apply("GUILD_CREATE", GUILD);
        assert.equal((await cache.channel("2"))?.name, "c");
      }),
  });
}
