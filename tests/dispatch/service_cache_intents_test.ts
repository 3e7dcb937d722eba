// The dispatch service's state cache (STATE_*) warns at start, as the
// Client's cache does, about resources its INTENTS cannot fill: with
// STATE_PRESENCE and no presence intent, `presence:G:U` stayed empty with
// nothing said.
import assert from "node:assert/strict";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { PrivateRedis } from "../_fakes/private_redis.ts";
import { testRedis } from "../_fakes/servers.ts";
import { advanceUntil, inProcessService } from "./_in_process_service.ts";
import { freePort } from "./_service_harness.ts";

const redisServer = testRedis();

Deno.test({
  name:
    "dispatch service: STATE_PRESENCE without the presence intent is said at start, naming the setting to unset",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const server = new PrivateRedis();
  await server.start();
  const scheduler = new VirtualScheduler();
  const service = inProcessService(scheduler, freePort(), {
    REDIS_PORT: String(server.port),
    INTENTS: "1", // Guilds only
    STATE_ENABLED: "true",
    STATE_PRESENCE: "true",
  });
  try {
    const lines = await captureStderr(async () => {
      await advanceUntil(scheduler, service.start(), "the service started");
      // The cache is made once Redis answers.
      for (let i = 0; i < 20; i++) {
        await scheduler.advance(250);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await advanceUntil(scheduler, service.close(), "the service closed");
    });
    const said = lines.filter((line) => line.includes("GuildPresences"));
    assert.equal(said.length, 1, lines.join("\n"));
    assert.match(
      said[0]!,
      /presences \(needs GuildPresences\), which the intents cannot fill.*unset the STATE_ settings/,
    );
  } finally {
    await server.stop();
  }
});
