// ConfirmedPublisher with the smallest capacities (PUBLISH_BUFFER=1 or 2):
// the event a shard's RESUME brings (RESUMED) must not fill the buffer again
// at once. With a capacity of 1, every event filled it: each shard paused,
// resumed, and its RESUMED paused it again (17,607 pauses in 25 s).
import assert from "node:assert/strict";
import { ConfirmedPublisher } from "../../dispatch/publisher.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { within } from "../_fakes/watchdog.ts";
import { FakeAmqpBroker } from "./_fake_amqp.ts";
import { pendingEvent } from "./_pending_event.ts";

/** A publisher on `broker`, what it reported, and a wait on its reports. */
interface OnBroker {
  publisher: ConfirmedPublisher;
  seen: { confirmed: number; rooms: number };
  until: (test: () => boolean, what: string) => Promise<void>;
}

/** A publisher on `broker` and a wait for its next confirm or room. */
function onBroker(
  broker: FakeAmqpBroker,
  capacity: number,
  byteCapacity?: number,
): OnBroker {
  const seen = { confirmed: 0, rooms: 0 };
  let changed = Promise.withResolvers<void>();
  const publisher = new ConfirmedPublisher({
    url: broker.url,
    exchange: "test.small",
    capacity,
    ...(byteCapacity === undefined ? {} : { byteCapacity }),
    scheduler: new VirtualScheduler(),
    onConfirmed: () => {
      seen.confirmed++;
      changed.resolve();
    },
    onRoom: () => {
      seen.rooms++;
      changed.resolve();
    },
  });
  const until = async (test: () => boolean, what: string) => {
    while (!test()) {
      changed = Promise.withResolvers<void>();
      await within(changed.promise, what);
    }
  };
  return { publisher, seen, until };
}

Deno.test("ConfirmedPublisher: with a capacity of 1, one event alone does not fill the buffer; the next one beside it does", () => {
  const publisher = new ConfirmedPublisher({
    url: "amqp://guest:guest@127.0.0.1:1",
    exchange: "test.small",
    capacity: 1,
    scheduler: new VirtualScheduler(),
  });
  assert.equal(publisher.push(pendingEvent(1)), true, "alone: not full");
  assert.equal(publisher.full, false);
  assert.equal(publisher.push(pendingEvent(2)), false, "beside it: full");
  assert.equal(publisher.size, 2, "neither dropped");
});

for (const capacity of [1, 2]) {
  Deno.test(`ConfirmedPublisher: with a capacity of ${capacity}, room is reported only when the event a RESUME brings cannot fill the buffer again`, async () => {
    await using broker = new FakeAmqpBroker();
    const { publisher, seen, until } = onBroker(broker, capacity);
    try {
      await within(publisher.start(), "connected to the fake broker");
      assert.deepEqual(
        [1, 2].map((s) => publisher.push(pendingEvent(s))),
        [true, false],
      );
      await within(broker.received(2), "2 publishes");
      await broker.ack(1);
      await until(() => seen.confirmed === 1, "the first confirm");
      assert.equal(seen.rooms, 0, "one held: a RESUMED beside it refills");
      await broker.ack();
      await until(() => seen.rooms === 1, "room");
      assert.equal(publisher.size, 0);
      // The shard resumed: its RESUMED is taken without pausing it again.
      assert.equal(
        publisher.push(pendingEvent(3)),
        true,
        "the RESUMED: not full",
      );
      await within(broker.received(3), "the RESUMED published");
      await broker.ack();
      await within(publisher.drained(), "every event confirmed");
      assert.equal(seen.rooms, 1);
    } finally {
      await publisher.close();
    }
  });
}

Deno.test("ConfirmedPublisher: two events of exactly byteCapacity bytes together fill the buffer", () => {
  const publisher = new ConfirmedPublisher({
    url: "amqp://guest:guest@127.0.0.1:1",
    exchange: "test.small",
    capacity: 100,
    byteCapacity: 10,
    scheduler: new VirtualScheduler(),
  });
  publisher.push({ ...pendingEvent(1), body: "12345" });
  assert.equal(publisher.push({ ...pendingEvent(2), body: "67890" }), false);
});

Deno.test("ConfirmedPublisher: room is reported once the events, or the bytes, are down to exactly half the bound, not before", async () => {
  await using broker = new FakeAmqpBroker();
  const bytes = pendingEvent(1).body!.length;
  for (
    const [capacity, byteCapacity, fill] of [
      [8, undefined, 8],
      [100, 4 * bytes, 4],
    ] as const
  ) {
    const { publisher, seen, until } = onBroker(broker, capacity, byteCapacity);
    try {
      await within(publisher.start(), "connected to the fake broker");
      const before = broker.publishes.length;
      const taken = Array.from(
        { length: fill },
        (_, i) => publisher.push(pendingEvent(i + 1)),
      );
      assert.equal(taken.at(-1), false, "full");
      await within(broker.received(before + fill), "the events sent");
      await broker.ack(fill / 2 - 1);
      await until(() => seen.confirmed === fill / 2 - 1, "all but half");
      assert.equal(seen.rooms, 0, "above half");
      await broker.ack(1);
      await until(() => seen.confirmed === fill / 2, "half confirmed");
      assert.equal(
        seen.rooms,
        1,
        `room at half of ${capacity}, ${byteCapacity}`,
      );
      await broker.ack();
      await within(publisher.drained(), "every event confirmed");
    } finally {
      await publisher.close();
    }
  }
});
