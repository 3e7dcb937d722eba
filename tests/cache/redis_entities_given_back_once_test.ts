// The entities a batch weighs against MAX_WAITING_ENTITIES are given back
// exactly once: once it is reduced, or once it failed before (its reads
// refused). Kept after a failed read, a healthy Redis refused the calls
// behind a big one as if still behind; given back twice (at the reduction
// and again when the batch ends), the count went below zero and the bound
// let through more than it should.
import assert from "node:assert/strict";
import { RedisCache } from "../../cache/mod.ts";
import { MAX_WAITING_ENTITIES } from "../../cache/redis_backlog.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";

/** Shard 0's READY (of 1). */
const READY = {
  v: 10,
  user: { id: "9", username: "bot" },
  guilds: [],
  session_id: "s0",
  resume_gateway_url: "wss://x",
  application: { id: "9", flags: 0 },
  shard: [0, 1],
};

/** A GUILD_UPDATE of guild 1 weighing `entities` (see entitiesOf). */
const heavyUpdate = (entities: number) => ({
  event: "GUILD_UPDATE",
  data: { id: "1", name: "g", padding: new Array(entities - 1).fill(0) },
});

Deno.test({
  name:
    "RedisCache: a batch's entities count against MAX_WAITING_ENTITIES until it is reduced or failed, then not at all, whatever the batches before it did",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_server, redis, admin) => {
      const cache = new RedisCache(redis);
      await cache.apply("READY", READY);
      await cache.apply("GUILD_CREATE", {
        id: "1",
        name: "g",
        channels: [{ id: "2", type: 0, name: "c" }],
        roles: [],
        members: [],
      });
      // A batch whose reads Redis refuses (its channel's message index is
      // of another type): it fails before it is reduced.
      await admin.set("channel_keys:2", "not a set");
      const message = (id: string, padding = 0) => ({
        event: "MESSAGE_CREATE",
        data: {
          id,
          channel_id: "2",
          guild_id: "1",
          content: "x",
          author: { id: "7", username: "u" },
          padding: new Array(padding).fill(0),
        },
      });
      const failedWeight = 400_000;
      await captureStderr(async () => {
        await cache.applyBatch([message("10", failedWeight), message("11")]);
      });
      assert.equal(cache.stale, true);
      // Its shard's next session makes it fresh (the bad index is dropped).
      await captureStderr(() => cache.apply("READY", READY));
      assert.equal(cache.stale, false);

      // Behind a call in flight, one that fits only if the failed batch's
      // weight was given back is taken.
      const fits = MAX_WAITING_ENTITIES - failedWeight / 2;
      await Promise.all([
        cache.apply("GUILD_UPDATE", { id: "1", name: "g" }),
        cache.applyBatch([heavyUpdate(fits)]),
      ]);
      assert.equal(cache.stale, false, "taken, not dropped");

      // Behind a call in flight, one of MAX_WAITING_ENTITIES is refused:
      // nothing given back twice made room for it.
      const lines = await captureStderr(async () => {
        await Promise.all([
          cache.apply("GUILD_UPDATE", { id: "1", name: "g" }),
          cache.applyBatch([heavyUpdate(MAX_WAITING_ENTITIES)]),
        ]);
      });
      assert.equal(cache.stale, true, "dropped");
      assert.ok(
        lines.some((line) => /entities are waiting/.test(line)),
        lines.join("\n"),
      );
    }),
});
