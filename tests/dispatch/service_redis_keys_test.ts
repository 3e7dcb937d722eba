// The dispatch service's own Redis keys and gauges as a twilight-dispatch
// dashboard reads them: `gateway_started` comes back (the same time) after
// Redis lost its data, and `gateway_latencies` has a series for every
// shard before its first heartbeat ACK. In-process on a virtual clock, one
// shard whose gateway nobody answers, against a redis-server of its own.
// And `await using` closes the service (a recording close() shows it).
import assert from "node:assert/strict";
import { DispatchService } from "../../dispatch/service.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { testRedis } from "../_fakes/servers.ts";
import {
  advanceUntil,
  advanceUntilTrue,
  inProcessService,
  OwnRedis,
  whileRunning,
} from "./_in_process_service.ts";
import { freePort } from "./_service_harness.ts";

const redisServer = testRedis();

Deno.test({
  name:
    "dispatch service: gateway_started is written again with its first value after Redis lost it, and gateway_latencies is 0 for a shard not acknowledged yet",
  ignore: redisServer.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using redis = await OwnRedis.start();
  const { admin } = redis;
  const scheduler = new VirtualScheduler();
  const metricsPort = freePort();
  const service = inProcessService(scheduler, metricsPort, {
    REDIS_PORT: redis.port,
  });
  const wait = (what: string, until: () => Promise<boolean>) =>
    advanceUntilTrue(
      scheduler,
      until,
      what,
      undefined,
      0,
      500,
    );
  // The shard's failed connects are said on stderr: kept out of the output.
  await captureStderr(async () => {
    await whileRunning(scheduler, service, async () => {
      await wait(
        "gateway_started",
        async () => await admin.get("gateway_started") !== null,
      );
      const started = await admin.get("gateway_started");
      await wait(
        "a save",
        async () => await admin.get("gateway_statuses") !== null,
      );
      await admin.flushall(); // a restart without persistence
      await scheduler.advance(5_000);
      await wait(
        "gateway_started again",
        async () => await admin.get("gateway_started") !== null,
      );
      assert.equal(await admin.get("gateway_started"), started);
      const metrics = await advanceUntil(
        scheduler,
        fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text()),
        "/metrics",
      );
      assert.match(metrics, /^gateway_latencies\{shard="0"\} 0$/m);
    });
  });
});

Deno.test("dispatch service: `await using` calls close() once when the block ends", async () => {
  let closes = 0;
  const service = Object.create(DispatchService.prototype) as DispatchService;
  Object.defineProperty(service, "close", {
    value: () => {
      closes++;
      return Promise.resolve();
    },
  });
  {
    await using _dispatch = service;
    assert.equal(closes, 0);
  }
  assert.equal(closes, 1);
});
