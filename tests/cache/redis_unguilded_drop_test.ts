// Shard 0's new session drops the DMs through the index of what no guild
// holds (cache/redis_unguilded.ts) a chunk of the index at a time: an
// index of several chunks is walked to its end, every DM channel dropped.
import assert from "node:assert/strict";
import { RedisCache } from "../../cache/mod.ts";
import { CHUNK } from "../../cache/redis_chunks.ts";
import { message, OPTIONS, ready } from "./_dm_session_fixtures.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";

Deno.test({
  name:
    "RedisCache: shard 0's new session drops the DMs of an index several chunks long, through it, to the last one",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      const store = new RedisCache(redis, OPTIONS);
      // The first new session's drop scans everything and marks the index
      // whole: the next goes through it.
      await store.apply("READY", ready([0, 1]));
      const channels = CHUNK * 2 + 500;
      await store.applyBatch(
        Array.from({ length: channels }, (_, i) => ({
          event: "MESSAGE_CREATE",
          data: message(String(100_000 + i), String(10_000 + i)),
        })),
      );
      await store.flush();
      assert.equal(await redis.scard("message_keys"), channels);
      await store.apply("READY", ready([0, 1]));
      await store.flush();
      assert.equal(await redis.scard("message_keys"), 0);
      assert.deepEqual(await redis.smembers("disruption_cache_unguilded"), [
        "",
      ]);
      assert.equal(store.stale, false);
    }),
});
