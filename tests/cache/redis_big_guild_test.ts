// The Redis store on a healthy Redis under the READY burst of big guilds: a
// GUILD_CREATE of tens of thousands of members and presences writes three
// commands each. Sent as one pipeline, they were all unanswered at once
// (past MAX_UNANSWERED_WRITES), and counted as waiting entities until
// written (past MAX_WAITING_ENTITIES): the dispatches right behind were
// dropped and the cache went stale at every session start.
import assert from "node:assert/strict";
import { type CacheUpdate, RedisCache } from "../../cache/mod.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";
import { guildMessage } from "./_guild_message.ts";
import { createdGuild } from "./_created_guild.ts";

/** A GUILD_CREATE of guild `id` with `people` members, each with a presence. */
function bigGuild(id: string, people: number): Record<string, unknown> {
  const ids = Array.from({ length: people }, (_, i) => String(1_000_000 + i));
  return {
    id,
    name: "g",
    roles: [],
    emojis: [],
    channels: [{ id: `${id}0`, type: 0, name: "c" }],
    members: ids.map((userId) => ({
      user: { id: userId, username: "u" },
      roles: [],
      joined_at: "2024-01-01T00:00:00.000000+00:00",
      deaf: false,
      mute: false,
    })),
    presences: ids.map((userId) => ({
      user: { id: userId },
      status: "online",
      activities: [],
    })),
  };
}

/**
 * Call `then` once, in the same turn as the first pipeline or transaction
 * of `min` commands or more is sent on `redis` (before any answer can
 * come): a dispatch arriving while a batch's writes are in flight.
 */
function onceWritesSent(
  redis: RedisConnection,
  min: number,
  then: () => void,
): void {
  let done = false;
  for (const method of ["pipeline", "multi"] as const) {
    const create = redis[method].bind(redis) as (
      ...args: unknown[]
    ) => { length: number; exec: (...args: unknown[]) => unknown };
    (redis as unknown as Record<string, unknown>)[method] = (
      ...args: unknown[]
    ) => {
      const queued = create(...args);
      const exec = queued.exec.bind(queued);
      queued.exec = (...execArgs: unknown[]) => {
        const length = queued.length;
        const sent = exec(...execArgs);
        if (!done && length >= min) {
          done = true;
          queueMicrotask(then); // once the store has counted what it sent
        }
        return sent;
      };
      return queued;
    };
  }
}

Deno.test({
  name:
    "RedisCache: a GUILD_CREATE of 20,000 members and 20,000 presences on a healthy Redis does not drop the dispatch that comes while its writes are in flight",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      const stale: unknown[] = [];
      const cache = new RedisCache(redis, {
        onStale: (error) => stale.push(error),
      });
      const message = guildMessage("5", "10", "1");
      let behind: Promise<CacheUpdate> | undefined;
      onceWritesSent(redis, 1_000, () => {
        behind = cache.apply("MESSAGE_CREATE", message);
      });
      const created = await cache.apply("GUILD_CREATE", bigGuild("1", 20_000));
      assert.ok(behind, "it came while the guild's writes were in flight");
      const update = await behind;
      await cache.flush();
      assert.deepEqual(stale, []);
      assert.equal(cache.stale, false);
      assert.ok(created.changes.length > 40_000, "the guild was taken");
      assert.notEqual(update.changes.length, 0, "the message was taken");
      assert.equal((await cache.message("10", "5"))?.content, "hi");
      // The members, the presences and the channel.
      assert.equal(await redis.scard("guild_keys:1"), 40_001);
    }),
});

Deno.test({
  name:
    "RedisCache: three GUILD_CREATEs of 40,000 entities each arriving together on a healthy Redis are all taken and written",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      const stale: unknown[] = [];
      const cache = new RedisCache(redis, {
        onStale: (error) => stale.push(error),
      });
      const ids = ["1", "2", "3"];
      // Not awaited one by one, as the gateway hands them over.
      const updates = await Promise.all(
        ids.map((id) => cache.apply("GUILD_CREATE", bigGuild(id, 20_000))),
      );
      await cache.flush();
      assert.deepEqual(stale, []);
      assert.equal(cache.stale, false);
      for (const [i, id] of ids.entries()) {
        assert.ok(updates[i]!.changes.length > 40_000, `guild ${id} taken`);
        assert.equal(await redis.scard(`guild_keys:${id}`), 40_001);
        assert.equal(createdGuild(await cache.guild(id))?.name, "g");
      }
    }),
});
