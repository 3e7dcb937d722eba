// The dispatch service in-process on a virtual clock, against the fake
// broker: with DEFAULT_QUEUE, gateway.recv is checked every minute, its
// counts exported as gauges, and a growing backlog nobody consumes said on
// stderr (no LogTape configured) with the variable to change; without
// DEFAULT_QUEUE it is never checked. (The warning's rules, against a real
// RabbitMQ, are default_queue_watch_test.ts's.)
import assert from "node:assert/strict";
import { type DispatchService, RECV_QUEUE } from "../../dispatch/service.ts";
import { DEFAULT_QUEUE_CHECK_INTERVAL } from "../../dispatch/default_queue_watch.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { FakeAmqpBroker } from "./_fake_amqp.ts";
import {
  advanceUntil,
  advanceUntilTrue,
  inProcessService,
} from "./_in_process_service.ts";
import { freePort } from "./_service_harness.ts";

/** A service on `scheduler` publishing to `broker`. */
function service(
  broker: FakeAmqpBroker,
  scheduler: VirtualScheduler,
  metricsPort: number,
  env: Record<string, string> = {},
): DispatchService {
  return inProcessService(scheduler, metricsPort, {
    RABBIT_PORT: new URL(broker.url).port,
    ...env,
  });
}

/** Declares of gateway.recv the broker has seen. */
function recvDeclares(broker: FakeAmqpBroker): number {
  return broker.declared.filter((name) => name === RECV_QUEUE).length;
}

/**
 * Run the clock one check interval on, in steps, and until the broker saw
 * one more declare of gateway.recv than `before` (the check).
 */
async function nextCheck(
  scheduler: VirtualScheduler,
  broker: FakeAmqpBroker,
  before: number,
): Promise<void> {
  const end = scheduler.now() + DEFAULT_QUEUE_CHECK_INTERVAL;
  await advanceUntilTrue(
    scheduler,
    () => scheduler.now() >= end && recvDeclares(broker) !== before,
    "the next check of gateway.recv",
    undefined,
    0,
    1_000,
  );
}

/**
 * Scrape /metrics until it shows `shown`: the service reads a check's
 * answer a few event-loop turns after the broker got its declare.
 */
async function scrapeShowing(
  scheduler: VirtualScheduler,
  scrape: () => Promise<string>,
  shown: RegExp,
  what: string,
): Promise<string> {
  return await advanceUntil(
    scheduler,
    (async () => {
      for (;;) {
        const text = await scrape();
        if (shown.test(text)) return text;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })(),
    what,
  );
}

Deno.test({
  name:
    "dispatch service: with DEFAULT_QUEUE, gateway.recv is checked every minute, exported as dispatch_default_queue_messages/consumers, and a growing backlog with no consumer said on stderr naming DEFAULT_QUEUE=false",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker();
  broker.queues.set(RECV_QUEUE, { messages: 12_000, consumers: 0 });
  const scheduler = new VirtualScheduler();
  const metricsPort = freePort();
  const dispatch = service(broker, scheduler, metricsPort);
  const scrape = async (): Promise<string> =>
    await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const lines = await captureStderr(async () => {
    try {
      await advanceUntil(scheduler, dispatch.start(), "the service started");
      // The setup's own declare (is it there?), then the check made at
      // once on the connection, then one a minute.
      await advanceUntilTrue(
        scheduler,
        () => recvDeclares(broker) >= 2,
        "the check made at the connection",
        undefined,
        0,
        0,
      );
      const setUp = 1;
      // Its answer is read a few turns after the broker got the declare.
      const first = await scrapeShowing(
        scheduler,
        scrape,
        /^dispatch_default_queue_messages 12000$/m,
        "/metrics reading the check made at the connection",
      );
      assert.match(first, /^dispatch_default_queue_messages 12000$/m);
      assert.match(first, /^dispatch_default_queue_consumers 0$/m);
      broker.queues.set(RECV_QUEUE, { messages: 15_000, consumers: 0 });
      await nextCheck(scheduler, broker, setUp + 1);
      // As with the first, the answer is read a few turns after the declare.
      const second = await scrapeShowing(
        scheduler,
        scrape,
        /^dispatch_default_queue_messages 15000$/m,
        "/metrics reading the next check",
      );
      assert.match(second, /^dispatch_default_queue_messages 15000$/m);
    } finally {
      await advanceUntil(scheduler, dispatch.close(), "the service closed");
    }
  });
  const said = lines.filter((line) => line.includes(RECV_QUEUE));
  assert.equal(said.length, 1, lines.join("\n"));
  assert.match(
    said[0]!,
    /^\[WRN\] .*gateway\.recv holds 15000 messages and has no consumer.*Set DEFAULT_QUEUE=false if your workers consume queues of their own/,
  );
});

Deno.test({
  name:
    "dispatch service: with DEFAULT_QUEUE=false, gateway.recv is never declared nor checked",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker();
  const scheduler = new VirtualScheduler();
  const dispatch = service(broker, scheduler, freePort(), {
    DEFAULT_QUEUE: "false",
  });
  await captureStderr(async () => {
    try {
      await advanceUntil(scheduler, dispatch.start(), "the service started");
      const end = scheduler.now() + 3 * DEFAULT_QUEUE_CHECK_INTERVAL;
      await advanceUntilTrue(
        scheduler,
        () => scheduler.now() >= end,
        "three check intervals",
        undefined,
        0,
        1_000,
      );
    } finally {
      await advanceUntil(scheduler, dispatch.close(), "the service closed");
    }
  });
  assert.equal(recvDeclares(broker), 0);
});
