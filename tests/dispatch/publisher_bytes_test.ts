// ConfirmedPublisher's byte bound, without a real broker: a publisher never
// started holds every event (as while RabbitMQ is down), and a fake broker
// on 127.0.0.1 confirms publishes when the test says so. Frames may be
// 64 MiB each: a bound in events alone let 10,000 of them be held.
import assert from "node:assert/strict";
import {
  ConfirmedPublisher,
  type ConfirmedPublisherOptions,
  type PendingEvent,
} from "../../dispatch/publisher.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { within } from "../_fakes/watchdog.ts";
import { FakeAmqpBroker } from "./_fake_amqp.ts";

/** An event whose body is `length` UTF-16 code units long. */
function event(sequence: number, length: number): PendingEvent {
  const head = `{"op":0,"t":"MESSAGE_CREATE","s":${sequence},"d":{"c":"`;
  const tail = `"},"shard":0}`;
  return {
    shardId: 0,
    sessionId: "s",
    sequence,
    routingKey: "MESSAGE_CREATE",
    body: head + "x".repeat(length - head.length - tail.length) + tail,
    queuedAt: performance.now(),
  };
}

/** A publisher that is never started: nothing leaves the buffer. */
function offline(
  options: Partial<ConfirmedPublisherOptions> = {},
): ConfirmedPublisher {
  return new ConfirmedPublisher({
    url: "amqp://guest:guest@127.0.0.1:1",
    exchange: "test.bytes",
    capacity: 10_000,
    scheduler: new VirtualScheduler(),
    ...options,
  });
}

Deno.test("ConfirmedPublisher: full once the bodies reach byteCapacity, with far fewer events than capacity", () => {
  const publisher = offline({ byteCapacity: 1_000 });
  assert.equal(publisher.push(event(1, 400)), true);
  assert.equal(publisher.push(event(2, 400)), true);
  assert.equal(publisher.bytes, 800);
  assert.equal(publisher.full, false);
  assert.equal(publisher.push(event(3, 400)), false, "1,200 of 1,000 bytes");
  assert.equal(publisher.full, true);
  assert.equal(publisher.size, 3, "3 events of a 10,000-event capacity");
  assert.equal(publisher.push(event(4, 400)), false, "still taken, not lost");
  assert.equal(publisher.size, 4);
  assert.equal(publisher.bytes, 1_600);
});

Deno.test("ConfirmedPublisher: the count bound still fills the buffer on its own", () => {
  const publisher = offline({ capacity: 3, byteCapacity: 1_000_000 });
  assert.deepEqual(
    [1, 2, 3].map((s) => publisher.push(event(s, 100))),
    [true, true, false],
  );
});

Deno.test("ConfirmedPublisher: an event larger than byteCapacity is taken by an empty buffer without filling it; the next one fills it", () => {
  const publisher = offline({ byteCapacity: 1_000 });
  assert.equal(publisher.push(event(1, 5_000)), true, "alone: not full");
  assert.equal(publisher.size, 1);
  assert.equal(publisher.bytes, 5_000);
  assert.equal(publisher.push(event(2, 100)), false, "beside it: full");
  assert.equal(publisher.size, 2, "neither dropped");
});

Deno.test("ConfirmedPublisher: a body filled in later counts its frame (expectedLength) until bodyReady, then its own length", () => {
  const publisher = offline({ byteCapacity: 1_000 });
  const late: PendingEvent = {
    ...event(1, 300),
    body: undefined,
    expectedLength: 300,
  };
  assert.equal(publisher.push(late), true);
  assert.equal(publisher.bytes, 300, "the frame held meanwhile");
  // `old` made it larger.
  late.body = event(1, 900).body;
  publisher.bodyReady();
  assert.equal(publisher.bytes, 900);
  assert.equal(publisher.push(event(2, 200)), false, "1,100 of 1,000 bytes");
  // A skip holds no body: it counts nothing.
  const skip = offline({ byteCapacity: 1_000 });
  skip.push({ ...event(3, 100), body: undefined, routingKey: "", skip: true });
  assert.equal(skip.bytes, 0);
});

Deno.test("ConfirmedPublisher: an event pushed with its body counts the body's length, not its expectedLength", () => {
  const publisher = offline({ byteCapacity: 1_000 });
  // The service sets both: the frame's length, and the body built from it.
  assert.equal(publisher.push({ ...event(1, 300), expectedLength: 900 }), true);
  assert.equal(publisher.bytes, 300);
  assert.equal(publisher.push({ ...event(2, 300), expectedLength: 900 }), true);
  assert.equal(publisher.full, false, "600 of 1,000 bytes");
});

Deno.test("ConfirmedPublisher: a skip is taken whatever its routing key; only an event to publish is refused one over 255 bytes", () => {
  const publisher = offline();
  const name = "E".repeat(256);
  assert.equal(
    publisher.push({
      ...event(1, 100),
      routingKey: name,
      body: undefined,
      skip: true,
    }),
    true,
  );
  assert.throws(
    () => publisher.push({ ...event(2, 100), routingKey: name }),
    RangeError,
  );
});

Deno.test("ConfirmedPublisher: unconfirmed() gives the held events by shard and session, first to last sequence, leaving out the skips among them", () => {
  const publisher = offline();
  const on = (
    sequence: number,
    shardId: number,
    sessionId: string,
  ): PendingEvent => ({ ...event(sequence, 100), shardId, sessionId });
  publisher.push(on(1, 0, "a"));
  publisher.push({ ...on(2, 0, "a"), body: undefined, skip: true });
  publisher.push(on(3, 0, "a"));
  publisher.push(on(7, 1, "b"));
  publisher.push(on(4, 0, "a"));
  publisher.push(on(1, 0, "c"));
  assert.deepEqual(publisher.unconfirmed(), [
    { shardId: 0, sessionId: "a", count: 3, first: 1, last: 4 },
    { shardId: 1, sessionId: "b", count: 1, first: 7, last: 7 },
    { shardId: 0, sessionId: "c", count: 1, first: 1, last: 1 },
  ]);
});

Deno.test("ConfirmedPublisher: byteCapacity must be a positive integer", () => {
  for (const byteCapacity of [0, -1, 1.5, Number.NaN]) {
    assert.throws(
      () => offline({ byteCapacity }),
      (error: unknown) =>
        error instanceof RangeError &&
        /'byteCapacity' must be a positive integer/.test(error.message),
    );
  }
  // The default, 256 MiB, applies when unset: 255 MiB held is not full
  // (counted by expectedLength, so the test allocates none of it).
  const publisher = offline();
  const held = (sequence: number, length: number): PendingEvent => ({
    ...event(sequence, 100),
    body: undefined,
    expectedLength: length,
  });
  assert.equal(publisher.push(held(1, 255 * 1024 * 1024)), true);
  assert.equal(publisher.push(held(2, 100)), true);
  assert.equal(publisher.push(held(3, 1024 * 1024)), false);
});

Deno.test({
  name:
    "ConfirmedPublisher: confirmed events release their bytes, in order, and room is reported below half of both bounds",
}, async () => {
  await using broker = new FakeAmqpBroker();
  const confirmed: [number, number][] = [];
  let rooms = 0;
  // Settled by every confirm and room: `until` waits on it, never polls.
  let changed = Promise.withResolvers<void>();
  const until = async (test: () => boolean, what: string) => {
    while (!test()) {
      changed = Promise.withResolvers<void>();
      await within(changed.promise, what);
    }
  };
  const publisher = new ConfirmedPublisher({
    url: broker.url,
    exchange: "test.bytes",
    capacity: 10_000,
    byteCapacity: 1_000,
    scheduler: new VirtualScheduler(),
    // What the service's gauges read when told of a confirm.
    onConfirmed: (e) => {
      confirmed.push([e.sequence, publisher.bytes]);
      changed.resolve();
    },
    onRoom: () => {
      rooms++;
      changed.resolve();
    },
  });
  try {
    await within(publisher.start(), "connected to the fake broker");
    assert.equal(publisher.connected, true);
    assert.deepEqual(
      [1, 2, 3].map((s) => publisher.push(event(s, 400))),
      [true, true, false],
    );
    await within(broker.received(3), "3 publishes");
    await broker.ack(1);
    await until(() => confirmed.length === 1, "the first confirm");
    assert.deepEqual(confirmed, [[1, 800]]);
    assert.equal(publisher.size, 2);
    assert.equal(rooms, 0, "800 of 1,000 bytes: above half");
    await broker.ack(1);
    await until(() => rooms === 1, "room");
    assert.deepEqual(confirmed, [[1, 800], [2, 400]]);
    assert.equal(publisher.full, false);
    await broker.ack();
    await within(publisher.drained(), "every event confirmed");
    assert.equal(publisher.bytes, 0);
    assert.equal(publisher.size, 0);
    // A lone event over the whole bound goes through too: no deadlock.
    assert.equal(publisher.push(event(4, 3_000)), true);
    await within(broker.received(4), "the large publish");
    await broker.ack();
    await within(publisher.drained(), "the large event confirmed");
    assert.equal(publisher.bytes, 0);
    assert.deepEqual(broker.publishes.map((p) => p.bodyBytes), [
      400,
      400,
      400,
      3_000,
    ]);
  } finally {
    await publisher.close();
  }
});

Deno.test({
  name:
    "ConfirmedPublisher: close() drops the connection after CLOSE_TIMEOUT when the broker never answers it (a resource alarm)",
}, async () => {
  // A blocked connection is not read by RabbitMQ: no close-ok ever comes,
  // and a SIGTERM during an alarm never exited.
  await using broker = new FakeAmqpBroker({ answerClose: false });
  const scheduler = new VirtualScheduler();
  const publisher = new ConfirmedPublisher({
    url: broker.url,
    exchange: "test.bytes",
    capacity: 10,
    scheduler,
  });
  await within(publisher.start(), "connected to the fake broker");
  assert.equal(publisher.connected, true);
  const CLOSE_TIMEOUT = 2_000; // the publisher's CLOSE_TIMEOUT, documented
  let closed = false;
  const closing = publisher.close().then(() => closed = true);
  await scheduler.flushMicrotasks();
  await scheduler.advance(CLOSE_TIMEOUT - 1);
  assert.equal(closed, false, "the close-ok is awaited for a while");
  await scheduler.advance(1);
  await within(closing, "close() once CLOSE_TIMEOUT passed");
  assert.equal(publisher.connected, false);
  assert.equal(scheduler.pending, 0, "no timer left behind");
});

Deno.test({
  name:
    "ConfirmedPublisher: an event whose body is not known yet holds every later one back; once it is set, all are sent in order",
}, async () => {
  await using broker = new FakeAmqpBroker();
  const publisher = new ConfirmedPublisher({
    url: broker.url,
    exchange: "test.bytes-late",
    capacity: 100,
    scheduler: new VirtualScheduler(),
  });
  try {
    await within(publisher.start(), "connected to the fake broker");
    const late = event(1, 100);
    const body = late.body;
    late.body = undefined;
    publisher.push(late);
    publisher.push(event(2, 100));
    publisher.push(event(3, 100));
    // A round trip after them: had they been sent, they came first.
    await within(broker.sendHeartbeats(), "a heartbeat answered");
    assert.equal(broker.publishes.length, 0, "2 and 3 wait behind 1");
    late.body = body;
    publisher.bodyReady(late);
    await within(broker.received(3), "the three events");
    assert.deepEqual(
      broker.publishes.map((p) => JSON.parse(p.body).s),
      [1, 2, 3],
    );
    await broker.ack();
    await within(publisher.drained(), "every event confirmed");
  } finally {
    await publisher.close();
  }
});

Deno.test({
  name:
    "ConfirmedPublisher: connected, a run of skips long enough to compact the buffer leaves the next event sent and confirmed",
}, async () => {
  await using broker = new FakeAmqpBroker();
  const confirmed: number[] = [];
  const publisher = new ConfirmedPublisher({
    url: broker.url,
    exchange: "test.bytes-skips",
    capacity: 100,
    scheduler: new VirtualScheduler(),
    onConfirmed: (e) => confirmed.push(e.sequence),
  });
  try {
    await within(publisher.start(), "connected to the fake broker");
    const skips = 2_000;
    for (let s = 1; s <= skips; s++) {
      publisher.push({ ...event(s, 100), body: undefined, skip: true });
    }
    assert.equal(publisher.size, 0);
    publisher.push(event(skips + 1, 100));
    await within(broker.received(1), "the event after the skips");
    await broker.ack();
    await within(publisher.drained(), "the event confirmed");
    assert.equal(confirmed.length, skips + 1);
    assert.equal(confirmed.at(-1), skips + 1);
  } finally {
    await publisher.close();
  }
});

Deno.test({
  name:
    "ConfirmedPublisher: a body set without bodyReady, sent and confirmed, is not measured by a later bodyReady: the released bytes stay released",
}, async () => {
  await using broker = new FakeAmqpBroker();
  const publisher = new ConfirmedPublisher({
    url: broker.url,
    exchange: "test.bytes-unmeasured",
    capacity: 100,
    scheduler: new VirtualScheduler(),
  });
  try {
    await within(publisher.start(), "connected to the fake broker");
    const late: PendingEvent = {
      ...event(1, 300),
      body: undefined,
      expectedLength: 100,
    };
    publisher.push(late);
    late.body = event(1, 300).body;
    // The next push sends both: the first with the body it found.
    publisher.push(event(2, 200));
    await within(broker.received(2), "both sent");
    await broker.ack();
    await within(publisher.drained(), "both confirmed");
    assert.equal(publisher.bytes, 0);
    publisher.bodyReady();
    assert.equal(publisher.bytes, 0, "nothing measured once released");
  } finally {
    await publisher.close();
  }
});
