// A dispatch service running every shard, whose Redis stops answering at
// the session load: the start goes on and its shards identify, as the
// README promises ("Redis down does not stop the gateway"). Paced through
// the shared identify queue on that Redis, they waited for it for ever.
import assert from "node:assert/strict";
import { withLogRecords } from "../_fakes/log_records.ts";
import { testRedis } from "../_fakes/servers.ts";
import { FreezableProxy, withOwnRedis } from "./_freezable_redis.ts";
import { advanceUntilTrue, FakesScene } from "./_in_process_service.ts";

const redisServer = testRedis();

Deno.test({
  name:
    "dispatch service: running every shard, a Redis frozen at the session load holds no IDENTIFY",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await withOwnRedis(async (url) => {
    await withLogRecords(async () => {
      await using scene = await FakesScene.start();
      const { port } = new URL(url);
      const proxy = new FreezableProxy({
        hostname: "127.0.0.1",
        port: Number(port),
      });
      try {
        proxy.freezeOn(/mget/i);
        const service = scene.service(String(proxy.port));
        await scene.run(service, async () => {
          await advanceUntilTrue(
            scene.scheduler,
            () => scene.discord.gateway.counters.sessionStarts > 0,
            "the shard identified",
          );
          assert.ok(proxy.frozen, "Redis still frozen");
          assert.equal(scene.discord.gateway.counters.sessionStarts, 1);
          proxy.thaw();
        });
      } finally {
        proxy.thaw();
        proxy.close();
      }
    });
  });
});
