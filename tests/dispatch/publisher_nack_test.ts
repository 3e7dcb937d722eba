// ConfirmedPublisher when the broker refuses a publish (a nack: a queue
// with `x-overflow: reject-publish` is full) on a live connection, against
// the fake broker on a virtual clock: only the refused event is sent again,
// alone, with a growing wait, nothing new is sent meanwhile, and the
// connection is kept. Reconnecting and resending every unconfirmed event
// put the whole buffer into every other queue again every 5 s.
import assert from "node:assert/strict";
import {
  ConfirmedPublisher,
  type PendingEvent,
} from "../../dispatch/publisher.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { within } from "../_fakes/watchdog.ts";
import { FakeAmqpBroker } from "./_fake_amqp.ts";

/** An event whose body is 100 + `sequence` bytes: the broker tells them apart. */
function event(sequence: number): PendingEvent {
  const head = `{"op":0,"t":"MESSAGE_CREATE","s":${sequence},"d":{"c":"`;
  const tail = `"},"shard":0}`;
  return {
    shardId: 0,
    sessionId: "s",
    sequence,
    routingKey: "MESSAGE_CREATE",
    body: head + "x".repeat(100 + sequence - head.length - tail.length) + tail,
    queuedAt: performance.now(),
  };
}

/** A publisher on the fake broker and a virtual clock, and what it reported. */
interface Scene {
  scheduler: VirtualScheduler;
  publisher: ConfirmedPublisher;
  /** Sequences confirmed, in order. */
  confirmed: number[];
  /** Sequences refused (nacked), in order. */
  nacked: number[];
  /** Wait (on the watchdog) until `test` holds after a report. */
  until: (test: () => boolean, what: string) => Promise<void>;
}

function scene(broker: FakeAmqpBroker, mandatory = false): Scene {
  const scheduler = new VirtualScheduler();
  const confirmed: number[] = [];
  const nacked: number[] = [];
  let changed = Promise.withResolvers<void>();
  const until = async (test: () => boolean, what: string) => {
    while (!test()) {
      changed = Promise.withResolvers<void>();
      await within(changed.promise, what);
    }
  };
  const publisher = new ConfirmedPublisher({
    url: broker.url,
    exchange: "test.nack",
    capacity: 100,
    scheduler,
    mandatory,
    onConnection: () => changed.resolve(),
    onConfirmed: (e) => {
      confirmed.push(e.sequence);
      changed.resolve();
    },
    onNack: (e) => {
      nacked.push(e.sequence);
      changed.resolve();
    },
    onBlocked: () => changed.resolve(),
  });
  return { scheduler, publisher, confirmed, nacked, until };
}

Deno.test({
  name:
    "ConfirmedPublisher: a nack sends the refused event again alone, with a growing wait, holds new events until it is taken, keeps the connection, and is said once",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker();
  const { scheduler, publisher, confirmed, nacked, until } = scene(broker);
  /** The events the broker was sent, in order, by their body size. */
  const sent = () => broker.publishes.map((p) => p.bodyBytes - 100);
  await withLogRecords(async (records) => {
    try {
      await within(publisher.start(), "connected to the fake broker");
      for (const s of [1, 2, 3]) publisher.push(event(s));
      await within(broker.received(3), "3 publishes");
      // The queue refuses event 1; the others take 2 and 3.
      await broker.nack(1);
      await broker.ack(2);
      await until(() => nacked.length === 1, "the nack");
      for (const s of [4, 5]) publisher.push(event(s));
      await scheduler.flushMicrotasks();
      // A round trip after them: had the pushes sent anything, it came first.
      await within(broker.sendHeartbeats(), "a heartbeat answered");
      assert.deepEqual(sent(), [1, 2, 3], "nothing sent before the wait");
      // The first attempt, 250 ms on: event 1 alone, not 4 or 5.
      await scheduler.advance(250);
      await within(broker.received(4), "event 1 sent again");
      assert.deepEqual(sent(), [1, 2, 3, 1]);
      await broker.nack(1);
      await until(() => nacked.length === 2, "the second nack");
      // The wait doubles.
      await scheduler.advance(499);
      assert.deepEqual(sent(), [1, 2, 3, 1]);
      await scheduler.advance(1);
      await within(broker.received(5), "event 1 sent a third time");
      assert.deepEqual(confirmed, [], "2 and 3 wait behind 1");
      await broker.ack(1);
      await until(() => confirmed.length === 3, "1, 2 and 3 confirmed");
      await within(broker.received(7), "4 and 5 together, once 1 was taken");
      await broker.ack();
      await within(publisher.drained(), "every event confirmed");
      assert.deepEqual(confirmed, [1, 2, 3, 4, 5]);
      assert.deepEqual(sent(), [1, 2, 3, 1, 1, 4, 5], "nothing else resent");
      assert.deepEqual(nacked, [1, 1]);
      assert.equal(broker.closedConnections, 0, "the connection was kept");
      const said = records.filter((r) =>
        r.message.join("").includes("RabbitMQ refused event")
      );
      assert.equal(said.length, 1, "said once per stall, not per attempt");
      assert.match(said[0]!.message.join(""), /MESSAGE_CREATE.*sequence 1/);
    } finally {
      await publisher.close();
    }
  });
});

Deno.test({
  name:
    "ConfirmedPublisher: a nack of several publishes at once (multiple and requeue set, as RabbitMQ sends it) refuses each of them, and each is sent again alone",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  // The AMQP client read `multiple` only when no other bit was set: the
  // earlier publishes were never answered and the publisher hung on them.
  await using broker = new FakeAmqpBroker();
  const { scheduler, publisher, confirmed, nacked, until } = scene(broker);
  const sent = () => broker.publishes.map((p) => p.bodyBytes - 100);
  await withLogRecords(async () => {
    try {
      await within(publisher.start(), "connected to the fake broker");
      for (const s of [1, 2, 3]) publisher.push(event(s));
      await within(broker.received(3), "3 publishes");
      await broker.nack(3, { multiple: true });
      await until(() => nacked.length === 3, "the three refused");
      assert.deepEqual(nacked, [1, 2, 3]);
      await scheduler.advance(250);
      for (const count of [4, 5, 6]) {
        await within(broker.received(count), `publish ${count}`);
        assert.equal(broker.publishes.length, count, "one at a time");
        await broker.ack(1);
        await until(() => confirmed.length === count - 3, "its confirm");
      }
      await within(publisher.drained(), "every event confirmed");
      assert.deepEqual(sent(), [1, 2, 3, 1, 2, 3]);
      assert.deepEqual(confirmed, [1, 2, 3]);
    } finally {
      await publisher.close();
    }
  });
});

Deno.test({
  name:
    "ConfirmedPublisher: a nack of one publish while earlier ones wait for their ack refuses that one only: the earlier ones, taken by every queue, are not sent again",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  // Every nack was taken as covering the unanswered publishes before it:
  // RabbitMQ acks a persistent publish once it is on disk but nacks a
  // refused one at once, so the earlier ones were failed and sent again.
  await using broker = new FakeAmqpBroker();
  const { scheduler, publisher, confirmed, nacked, until } = scene(broker);
  const sent = () => broker.publishes.map((p) => p.bodyBytes - 100);
  await withLogRecords(async () => {
    try {
      await within(publisher.start(), "connected to the fake broker");
      for (const s of [1, 2, 3]) publisher.push(event(s));
      await within(broker.received(3), "3 publishes");
      await broker.nackOnly(2);
      await until(() => nacked.length === 1, "the refused one");
      assert.deepEqual(nacked, [3]);
      await broker.ack(2);
      await until(() => confirmed.length === 2, "the earlier two confirmed");
      await scheduler.advance(250);
      await within(broker.received(4), "the refused one again");
      await broker.ack(1);
      await within(publisher.drained(), "every event confirmed");
      assert.deepEqual(sent(), [1, 2, 3, 3], "only the refused one again");
      assert.deepEqual(confirmed, [1, 2, 3]);
    } finally {
      await publisher.close();
    }
  });
});

Deno.test({
  name:
    "ConfirmedPublisher: a block and unblock during a nack stall keeps the stall: the refused event goes again alone, the new one waits until it is taken",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker();
  const { scheduler, publisher, confirmed, nacked, until } = scene(broker);
  const sent = () => broker.publishes.map((p) => p.bodyBytes - 100);
  await withLogRecords(async () => {
    try {
      await within(publisher.start(), "connected to the fake broker");
      for (const s of [1, 2, 3]) publisher.push(event(s));
      await within(broker.received(3), "3 publishes");
      await broker.nack(1);
      await broker.ack(2);
      await until(() => nacked.length === 1, "the nack");
      publisher.push(event(4));
      await broker.block("low on memory");
      await until(() => publisher.blocked, "the block");
      await broker.unblock();
      await until(() => !publisher.blocked, "the unblock");
      await scheduler.advance(250);
      await within(broker.received(4), "event 1 sent again");
      // Refused again: had the unblock ended the stall, 4 would have gone
      // with it and be the next publish.
      await broker.nack(1);
      await until(() => nacked.length === 2, "the second nack");
      await scheduler.advance(500);
      await within(broker.received(5), "event 1 sent a third time");
      assert.deepEqual(sent(), [1, 2, 3, 1, 1]);
      await broker.ack(1);
      await within(broker.received(6), "event 4, once 1 was taken");
      await broker.ack();
      await within(publisher.drained(), "every event confirmed");
      assert.deepEqual(confirmed, [1, 2, 3, 4]);
    } finally {
      await publisher.close();
    }
  });
});

Deno.test({
  name:
    "ConfirmedPublisher: a connection lost during a nack stall ends the stall: the new connection sends every unconfirmed event at once, not after the nack's wait",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker();
  const { scheduler, publisher, nacked, until } = scene(broker, true);
  const sent = () => broker.publishes.map((p) => p.bodyBytes - 100);
  await withLogRecords(async () => {
    try {
      await within(publisher.start(), "connected to the fake broker");
      for (const s of [1, 2, 3]) publisher.push(event(s));
      await within(broker.received(3), "3 publishes");
      await broker.nackOnly(0);
      await until(() => nacked.length === 1, "event 1 refused");
      // The first wait ends while 2 and 3 are unanswered: nothing is sent.
      await scheduler.advance(250);
      await broker.nackOnly(0);
      await until(() => nacked.length === 2, "event 2 refused: a 500 ms wait");
      // Event 3 returned: the connection is made again, 250 ms on.
      await broker.returnOnly(0);
      await until(() => !publisher.connected, "the connection dropped");
      await scheduler.advance(250);
      await until(() => publisher.connected, "a new connection");
      await within(broker.received(6), "1, 2 and 3 sent again at once");
      assert.deepEqual(sent(), [1, 2, 3, 1, 2, 3]);
      await broker.ack();
      await within(publisher.drained(), "every event confirmed");
    } finally {
      await publisher.close();
    }
  });
});

Deno.test({
  name:
    "ConfirmedPublisher: the waits between attempts at a refused event double from 250 ms to at most 30 s; a nack of several at once is one attempt",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker();
  const { scheduler, publisher, nacked, until } = scene(broker);
  await withLogRecords(async () => {
    try {
      await within(publisher.start(), "connected to the fake broker");
      for (const s of [1, 2, 3]) publisher.push(event(s));
      await within(broker.received(3), "3 publishes");
      await broker.nack(3, { multiple: true });
      await until(() => nacked.length === 3, "the three refused");
      const waits = [250, 500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000];
      for (const [attempt, wait] of waits.entries()) {
        const sent = broker.publishes.length;
        await scheduler.advance(wait - 1);
        // A round trip: had anything been sent, it came first.
        await within(broker.sendHeartbeats(), "a heartbeat answered");
        assert.equal(broker.publishes.length, sent, `not before ${wait} ms`);
        await scheduler.advance(1);
        await within(broker.received(sent + 1), `attempt ${attempt + 1}`);
        await broker.nack(1);
        await until(() => nacked.length === 4 + attempt, "refused again");
      }
      await scheduler.advance(30_000);
      await within(broker.received(13), "event 1 once more");
      await broker.ack(1);
      await scheduler.flushMicrotasks();
      await within(broker.received(14), "event 2 after it");
      await broker.ack(1);
      await within(broker.received(15), "event 3 after it");
      await broker.ack(1);
      await within(publisher.drained(), "every event confirmed");
    } finally {
      await publisher.close();
    }
  });
});
