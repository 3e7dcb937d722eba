// ConfirmedPublisher while the broker blocks publishing (connection.blocked:
// a memory or disk alarm), against the fake broker on a virtual clock: it
// says so through `blocked` and `onBlocked` while `connected` stays true,
// and events wait until the broker unblocks. The block reached neither the
// service's health nor its metrics before.
import assert from "node:assert/strict";
import {
  ConfirmedPublisher,
  type PendingEvent,
} from "../../dispatch/publisher.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { within } from "../_fakes/watchdog.ts";
import { FakeAmqpBroker } from "./_fake_amqp.ts";

function event(sequence: number): PendingEvent {
  return {
    shardId: 0,
    sessionId: "s",
    sequence,
    routingKey: "MESSAGE_CREATE",
    body: `{"op":0,"s":${sequence}}`,
    queuedAt: performance.now(),
  };
}

/**
 * A publisher on `broker` recording what `onBlocked` said, with a wait
 * until a condition on it holds.
 */
function watchedPublisher(broker: FakeAmqpBroker, exchange: string): {
  publisher: ConfirmedPublisher;
  scheduler: VirtualScheduler;
  reported: boolean[];
  until: (test: () => boolean, what: string) => Promise<void>;
} {
  const scheduler = new VirtualScheduler();
  const reported: boolean[] = [];
  let changed = Promise.withResolvers<void>();
  const publisher = new ConfirmedPublisher({
    url: broker.url,
    exchange,
    capacity: 100,
    scheduler,
    onBlocked: (blocked) => {
      reported.push(blocked);
      changed.resolve();
    },
  });
  const until = async (test: () => boolean, what: string) => {
    while (!test()) {
      changed = Promise.withResolvers<void>();
      await within(changed.promise, what);
    }
  };
  return { publisher, scheduler, reported, until };
}

Deno.test({
  name:
    "ConfirmedPublisher: a broker blocking publishing shows in blocked and onBlocked, connected all the while, until it unblocks",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker();
  const { publisher, scheduler, reported, until } = watchedPublisher(
    broker,
    "test.blocked",
  );
  await withLogRecords(async () => {
    try {
      await within(publisher.start(), "connected to the fake broker");
      assert.equal(publisher.blocked, false);
      await broker.block("low on memory");
      await until(() => reported.length === 1, "the block");
      assert.equal(publisher.blocked, true);
      assert.equal(publisher.connected, true, "the connection stays up");
      publisher.push(event(1));
      await scheduler.flushMicrotasks();
      assert.equal(broker.publishes.length, 0, "nothing sent while blocked");
      await broker.unblock();
      await until(() => reported.length === 2, "the unblock");
      assert.equal(publisher.blocked, false);
      assert.deepEqual(reported, [true, false]);
      await within(broker.received(1), "the waiting event sent");
      await broker.ack();
      await within(publisher.drained(), "every event confirmed");
    } finally {
      await publisher.close();
    }
  });
});

Deno.test({
  name:
    "ConfirmedPublisher: closed while the broker blocks publishing, it is no longer blocked (dispatch_broker_blocked stayed 1 beside connected 0)",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker();
  const { publisher, reported, until } = watchedPublisher(
    broker,
    "test.blocked-close",
  );
  await withLogRecords(async () => {
    await within(publisher.start(), "connected to the fake broker");
    await broker.block("low on memory");
    await until(() => reported.length === 1, "the block");
    // The fake broker answers the close (a real one under an alarm does
    // not; the publisher's close timeout covers that): blocked must clear
    // either way, at the close.
    await within(publisher.close(), "the publisher closed");
    assert.equal(publisher.blocked, false);
    assert.deepEqual(reported, [true, false]);
  });
});
