// Shard 0's new session drops the DMs through the index of what no guild
// holds (cache/redis_unguilded.ts); a connection lost midway ends that drop
// where it is. The client would otherwise send the rest once it is back,
// among what came since: the DMs of the sessions after it, dropped too.
// And a drop that scans (the index not whole yet) marks the index whole
// only once it is done: stopped midway, the next drop scans again, or the
// DMs no index listed stayed for good.
import assert from "node:assert/strict";
import { RedisCache } from "../../cache/mod.ts";
import { removeUnguilded } from "../../cache/redis_unguilded.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { message, OPTIONS, ready } from "./_dm_session_fixtures.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";

/** DM channels written, one message each. */
const CHANNELS = 3;

/**
 * Have `redis`'s first SSCAN lose its connection once answered: the
 * connection is killed (`admin`) and back before the answer is handed on.
 */
function loseAfterFirstScan(
  redis: RedisConnection,
  admin: RedisConnection,
): void {
  const sscan = redis.sscan.bind(redis) as (
    ...args: unknown[]
  ) => Promise<[string, string[]]>;
  let cut = false;
  (redis as unknown as { sscan: typeof sscan }).sscan = async (...args) => {
    const id = cut ? undefined : await redis.client("ID");
    const answer = await sscan(...args);
    if (id !== undefined) {
      cut = true;
      const up = new Promise((resolve) => redis.once("ready", resolve));
      await admin.client("KILL", "ID", String(id));
      await up;
    }
    return answer;
  };
}

Deno.test({
  name:
    "removeUnguilded: a connection lost after the index's first page was read ends the drop through the index, and no DM of that page is removed once the connection is back",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      const store = new RedisCache(redis, OPTIONS);
      // The first new session's drop scans everything and marks the index
      // whole: the next goes through it.
      await store.apply("READY", ready([0, 1]));
      await store.applyBatch(
        Array.from({ length: CHANNELS }, (_, i) => ({
          event: "MESSAGE_CREATE",
          data: message(String(100_000 + i), String(10_000 + i)),
        })),
      );
      await store.flush();
      loseAfterFirstScan(redis, admin);
      await captureStderr(async () => {
        await assert.rejects(removeUnguilded(redis), /lost midway/);
      });
      await redis.ping(); // after anything the drop could still have sent
      assert.equal(await admin.scard("message_keys"), CHANNELS);
      assert.equal(
        await admin.scard("disruption_cache_unguilded"),
        CHANNELS + 1, // the channels and the marker of a whole index
      );
    }),
});

Deno.test({
  name:
    "removeUnguilded: a connection lost during the scan of a database whose index is not whole leaves the index unmarked, so the next drop scans again",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      const store = new RedisCache(redis, OPTIONS);
      await store.apply("READY", ready([0, 1]));
      await store.apply("MESSAGE_CREATE", message("100000", "10000"));
      await store.flush();
      // As an older version left it: no index, so not whole.
      await admin.del("disruption_cache_unguilded");
      loseAfterFirstScan(redis, admin);
      await captureStderr(async () => {
        await assert.rejects(removeUnguilded(redis), /lost midway/);
      });
      await redis.ping();
      assert.equal(await admin.sismember("disruption_cache_unguilded", ""), 0);
      // The next drop scans, and finds the DM no index listed.
      await removeUnguilded(redis);
      assert.equal(await admin.scard("message_keys"), 0);
      assert.equal(await admin.sismember("disruption_cache_unguilded", ""), 1);
    }),
});
