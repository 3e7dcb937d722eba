// A big batch's writes go a step at a time (chunks, and removals between
// them), each once the one before is answered. A connection lost midway
// ends them there: the client would send the rest once it is back, after
// what came since (a rebuild's writes). And the loss, said once, is not
// said again when a step then fails: that would undo the freshness of a
// new session applied since.
import assert from "node:assert/strict";
import { RedisCache } from "../../cache/mod.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { message, OPTIONS, ready } from "./_dm_session_fixtures.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";

/** A promise and its resolver. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => {};
  const promise = new Promise<void>((done) => resolve = done);
  return { promise, resolve };
}

/** Kill `redis`'s connection (`id`, through `admin`) and wait until it is back. */
async function cut(
  redis: RedisConnection,
  admin: RedisConnection,
  id: number,
): Promise<void> {
  const up = new Promise((resolve) => redis.once("ready", resolve));
  await admin.client("KILL", "ID", String(id));
  await up;
}

Deno.test({
  name:
    "RedisCache: a connection lost while a big batch's first chunk is unanswered sends none of its next chunks once it is back",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      const cache = new RedisCache(redis);
      const guild = { id: "1", name: "g", channels: [], roles: [] };
      await cache.apply("GUILD_CREATE", { ...guild, members: [] });
      await cache.flush();
      // Told when the batch sends its first chunk, and the keys it sets.
      const firstSent = signal();
      const firstKeys = new Set<unknown>();
      let chunks = 0;
      const multi = redis.multi.bind(redis) as (
        commands: unknown[][],
      ) => unknown;
      (redis as unknown as { multi: typeof multi }).multi = (commands) => {
        if (++chunks === 1) {
          for (const [name, key] of commands) {
            if (name === "set") firstKeys.add(key);
          }
          firstSent.resolve();
        }
        return multi(commands);
      };
      const id = await redis.client("ID") as number;
      // Writes held unanswered by the server, the connection then killed.
      await admin.client("PAUSE", "10000", "WRITE");
      const members = Array.from({ length: 3_000 }, (_, i) => ({
        user: { id: String(1_000 + i), username: "u" },
        roles: [],
        joined_at: "2024-01-01T00:00:00.000000+00:00",
      }));
      await captureStderr(async () => {
        const applied = cache.apply("GUILD_MEMBERS_CHUNK", {
          guild_id: "1",
          members,
          chunk_index: 0,
          chunk_count: 1,
        });
        await firstSent.promise;
        await cut(redis, admin, id);
        await admin.client("UNPAUSE");
        await applied;
        await cache.flush();
      });
      assert.equal(chunks, 1, "no chunk sent after the loss");
      // Whether Redis applied the first is unknown; nothing of the others.
      const written = await admin.smembers("member_keys");
      assert.ok(written.length < members.length);
      assert.deepEqual(written.filter((key) => !firstKeys.has(key)), []);
      assert.equal(cache.stale, true);
    }),
});

Deno.test({
  name:
    "RedisCache: shard 0's DM drop failing after a connection lost midway (said already) leaves a new session applied since fresh",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      const cache = new RedisCache(redis, OPTIONS);
      // The first new session marks the index whole: the next drops
      // through it, with SSCAN.
      await cache.apply("READY", ready([0, 1]));
      await cache.apply("MESSAGE_CREATE", message("300", "50"));
      await cache.flush();
      // The next drop's first SSCAN: answered once the connection was cut,
      // and held until the test lets it go.
      const scanned = signal();
      const release = signal();
      const sscan = redis.sscan.bind(redis) as (
        ...args: unknown[]
      ) => Promise<unknown>;
      let scans = 0;
      (redis as unknown as { sscan: typeof sscan }).sscan = async (...args) => {
        if (++scans > 1) return sscan(...args);
        const answer = await sscan(...args);
        scanned.resolve();
        await release.promise;
        return answer;
      };
      const id = await redis.client("ID") as number;
      await captureStderr(async () => {
        const first = cache.apply("READY", ready([0, 1]));
        await scanned.promise;
        await cut(redis, admin, id);
        await first; // the loss is said: stale
        assert.equal(cache.stale, true);
        // The shard's next session, after the loss: fresh again.
        await cache.apply("READY", ready([0, 1]));
        await cache.flush();
        assert.equal(cache.stale, false);
        // The first drop goes on, finds the loss, and ends.
        release.resolve();
        await cache.flush();
        await redis.ping();
      });
      assert.equal(cache.stale, false);
    }),
});
