// ConfirmedPublisher's `onConnect` (the dispatch service declares and binds
// its queues there) finishes before the connection counts as up: an event
// published before `gateway.recv` is bound reaches no queue. A failing set-up
// is the attempt's failure, retried, never an unhandled rejection. Against
// the fake broker on a virtual clock.
import assert from "node:assert/strict";
import { ConfirmedPublisher } from "../../dispatch/publisher.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { within } from "../_fakes/watchdog.ts";
import { FakeAmqpBroker } from "./_fake_amqp.ts";
import { advanceUntilTrue } from "./_in_process_service.ts";
import { pendingEvent } from "./_pending_event.ts";

Deno.test({
  name:
    "ConfirmedPublisher: the connection is up, and events go out, only once onConnect's set-up has finished",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker();
  const scheduler = new VirtualScheduler();
  let entered!: () => void;
  const inSetUp = new Promise<void>((resolve) => entered = resolve);
  let release!: () => void;
  const publisher = new ConfirmedPublisher({
    url: broker.url,
    exchange: "gateway",
    capacity: 100,
    scheduler,
    onConnect: () => {
      entered();
      return new Promise((resolve) => release = resolve);
    },
  });
  try {
    const started = publisher.start();
    await within(inSetUp, "onConnect called");
    publisher.push(pendingEvent(1));
    await scheduler.flushMicrotasks();
    assert.equal(publisher.connected, false, "up before its set-up ended");
    assert.equal(broker.publishes.length, 0);
    release();
    await within(started, "start() after the set-up");
    assert.equal(publisher.connected, true);
    await broker.received(1);
  } finally {
    await publisher.close();
  }
});

Deno.test({
  name:
    "ConfirmedPublisher: an onConnect that fails fails its attempt, which is retried; the events wait for a set-up that succeeds",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker();
  const scheduler = new VirtualScheduler();
  let setUps = 0;
  const publisher = new ConfirmedPublisher({
    url: broker.url,
    exchange: "gateway",
    capacity: 100,
    scheduler,
    retryDelay: 250,
    onConnect: () =>
      ++setUps === 1
        ? Promise.reject(new Error("PRECONDITION_FAILED - inequivalent arg"))
        : Promise.resolve(),
  });
  // The no-heartbeat warning the fake broker earns goes to stderr.
  await captureStderr(async () => {
    try {
      await publisher.start(); // returns after the first attempt
      assert.equal(publisher.connected, false);
      publisher.push(pendingEvent(1));
      await advanceUntilTrue(
        scheduler,
        () => publisher.connected,
        "a connection set up",
        undefined,
        1,
        50,
      );
      assert.equal(setUps, 2);
      await broker.received(1);
    } finally {
      await publisher.close();
    }
  });
});
