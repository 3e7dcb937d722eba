// In one batch of the Redis store, a DM written after shard 0's new session
// dropped its channel is kept, as the memory store keeps it. The batch
// knows the channels without a guild are gone (BatchTexts in
// cache/redis_guarded_writes.ts): taken as still held, the message was
// guarded by its channel, and the guard, finding the channel gone in
// Redis, took it back.
import assert from "node:assert/strict";
import { MemoryCache, RedisCache } from "../../cache/mod.ts";
import {
  GUILD,
  GUILD_CREATE,
  message,
  OPTIONS,
  ready,
} from "./_dm_session_fixtures.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";

/** The events before each batch: a guild's channel, a held DM channel. */
const BEFORE: [string, object][] = [
  ["READY", ready([0, 1])],
  ["GUILD_CREATE", GUILD_CREATE],
  ["MESSAGE_CREATE", message("300", "100", GUILD)],
  ["CHANNEL_CREATE", { id: "60", type: 1, recipients: [] }],
  ["MESSAGE_CREATE", message("301", "60")],
];

Deno.test({
  name:
    "RedisCache: a DM a batch writes after shard 0's new session dropped its channel is kept, as the memory store keeps it",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      const store = new RedisCache(redis, OPTIONS);
      const memory = new MemoryCache(OPTIONS);
      for (const [event, data] of BEFORE) {
        await store.apply(event, structuredClone(data));
        memory.apply(event, structuredClone(data));
      }
      // The channel held before the batch: its reads find it.
      assert.ok(await store.channel("60"));
      const batch: [string, object][] = [
        ["READY", ready([0, 1])],
        ["MESSAGE_CREATE", message("311", "60")],
      ];
      await store.applyBatch(
        batch.map(([event, data]) => ({ event, data: structuredClone(data) })),
      );
      for (const [event, data] of batch) {
        memory.apply(event, structuredClone(data));
      }
      await store.flush();
      assert.equal(memory.channel("60"), undefined);
      assert.equal(memory.message("60", "311")?.id, "311");
      assert.equal(await store.channel("60"), undefined);
      assert.equal((await store.message("60", "311"))?.id, "311");
      assert.equal(store.stale, false);
    }),
});
