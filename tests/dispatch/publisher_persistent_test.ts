// ConfirmedPublisher against the fake broker (found by mutation testing):
// every event is published persistent (delivery-mode 2), so a durable
// gateway.recv keeps it across a broker restart. Nothing read it before.
import assert from "node:assert/strict";
import { ConfirmedPublisher } from "../../dispatch/publisher.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { within } from "../_fakes/watchdog.ts";
import { FakeAmqpBroker } from "./_fake_amqp.ts";
import { pendingEvent } from "./_pending_event.ts";

Deno.test({
  name: "ConfirmedPublisher: events are published persistent (delivery-mode 2)",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker();
  const publisher = new ConfirmedPublisher({
    url: broker.url,
    exchange: "test.persistent",
    capacity: 10,
    scheduler: new VirtualScheduler(),
  });
  try {
    await within(publisher.start(), "connected to the fake broker");
    const events = [pendingEvent(1), pendingEvent(2)];
    for (const e of events) publisher.push(e);
    // The header comes before the body: once the bodies are in, so is it.
    await within(
      (async () => {
        while (broker.publishes.filter((p) => p.body).length < 2) {
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      })(),
      "both events' bodies",
    );
    assert.deepEqual(
      broker.publishes.map((p) => p.body),
      events.map((e) => e.body),
    );
    assert.deepEqual(broker.publishes.map((p) => p.deliveryMode), [2, 2]);
    await broker.ack();
    await within(publisher.drained(), "both confirmed");
  } finally {
    await publisher.close();
  }
});
