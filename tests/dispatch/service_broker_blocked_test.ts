// The dispatch service in-process on a virtual clock, with the loopback
// FakeDiscord and the fake broker: while RabbitMQ blocks publishing (a
// memory or disk alarm, connection.blocked) /healthcheck says 503 and
// dispatch_broker_blocked is 1, with dispatch_broker_connected still 1;
// both come back once it unblocks. Before, a blocked broker kept the
// healthcheck at 200: events waited in the buffer, reaching no consumer,
// with nothing but one log line at the block's start to say so.
import assert from "node:assert/strict";
import { withLogRecords } from "../_fakes/log_records.ts";
import { advanceUntil, FakesScene } from "./_in_process_service.ts";

Deno.test({
  name:
    "dispatch service: a broker blocking publishing is unhealthy and shown in dispatch_broker_blocked until it unblocks",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start();
  const { scheduler, broker, metricsPort } = scene;
  // With the default queue, as a service left to its defaults.
  const service = scene.service("1", { DEFAULT_QUEUE: "true" });
  const get = (path: string) =>
    advanceUntil(
      scheduler,
      fetch(`http://127.0.0.1:${metricsPort}${path}`).then(async (r) => ({
        status: r.status,
        text: await r.text(),
      })),
      path,
    );
  /** Advance the clock until `/healthcheck` answers `status`. */
  const health = (status: number, what: string) =>
    advanceUntil(
      scheduler,
      (async () => {
        while ((await get("/healthcheck")).status !== status) {
          await scheduler.advance(50);
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      })(),
      what,
    );
  await withLogRecords(async () => {
    await scene.run(service, async () => {
      await health(200, "healthy: connected, consuming, the shard ready");
      let metrics = (await get("/metrics")).text;
      assert.match(metrics, /^dispatch_broker_blocked 0$/m);

      await broker.block("low on memory");
      await health(503, "unhealthy while publishing is blocked");
      metrics = (await get("/metrics")).text;
      assert.match(metrics, /^dispatch_broker_blocked 1$/m);
      assert.match(metrics, /^dispatch_broker_connected 1$/m, "still up");

      await broker.unblock();
      await health(200, "healthy again once unblocked");
      metrics = (await get("/metrics")).text;
      assert.match(metrics, /^dispatch_broker_blocked 0$/m);
    });
  });
});
