// The dispatch service closes at the end of an `await using` block, as
// close() does (its shards resumably, its connections and its metrics
// server): without [Symbol.asyncDispose] the declaration did not
// type-check. In-process on a virtual clock, against the fake broker.
import assert from "node:assert/strict";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { within } from "../_fakes/watchdog.ts";
import { FakeAmqpBroker } from "./_fake_amqp.ts";
import { inProcessService } from "./_in_process_service.ts";
import { freePort } from "./_service_harness.ts";

Deno.test({
  name:
    "dispatch service: `await using` closes it when the block ends, its metrics server with it",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker();
  const scheduler = new VirtualScheduler();
  const metricsPort = freePort();
  const metrics = `http://127.0.0.1:${metricsPort}/metrics`;
  await captureStderr(async () => {
    // The virtual clock runs on while the service starts and while the
    // block's end awaits its close (whose waits are bounded on that clock).
    let ended = false;
    const driving = (async () => {
      while (!ended) {
        await scheduler.advance(250);
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    })();
    try {
      await within(
        (async () => {
          await using dispatch = inProcessService(scheduler, metricsPort, {
            RABBIT_PORT: new URL(broker.url).port,
          });
          await dispatch.start();
          const scraped = await (await fetch(metrics)).text();
          assert.match(scraped, /^gateway_shards 1$/m);
        })(),
        "the service started, scraped and disposed of",
      );
    } finally {
      ended = true;
      await driving;
    }
  });
  await assert.rejects(fetch(metrics), TypeError, "the metrics server is gone");
});
