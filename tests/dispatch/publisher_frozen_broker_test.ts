// ConfirmedPublisher against a broker that goes silent while events keep
// coming (frozen by SIGSTOP, a blackholing network, a stuck NAT entry),
// against the fake broker on a virtual clock. The library's heartbeat is a
// socket idle timeout every publish resets: at 100 events/s the frozen
// broker went unnoticed for 100 s (until the full buffer paused the
// shards), at one event every 2 to 3 s for hours. Now nothing received
// for two heartbeat intervals while a publish awaits its confirm loses the
// connection, and the unconfirmed events go again on a new one; a broker
// that is slow but alive (heartbeats), or blocks publishing (a resource
// alarm), keeps its connection.
import assert from "node:assert/strict";
import {
  CLOSE_TIMEOUT,
  ConfirmedPublisher,
  type PendingEvent,
} from "../../dispatch/publisher.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { within } from "../_fakes/watchdog.ts";
import { FakeAmqpBroker } from "./_fake_amqp.ts";

/** The heartbeat the broker tunes and the client asks, in seconds. */
const HEARTBEAT = 10;

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
 * A publisher on `broker` asking its heartbeat, recording the connection's
 * changes (with their virtual time), the blocks and the confirmed events,
 * with a wait until a condition on them holds.
 */
function watchedPublisher(broker: FakeAmqpBroker, exchange: string): {
  publisher: ConfirmedPublisher;
  scheduler: VirtualScheduler;
  connections: { up: boolean; at: number }[];
  confirmed: number[];
  until: (test: () => boolean, what: string) => Promise<void>;
} {
  const scheduler = new VirtualScheduler();
  const connections: { up: boolean; at: number }[] = [];
  const confirmed: number[] = [];
  let changed = Promise.withResolvers<void>();
  const publisher = new ConfirmedPublisher({
    url: `${broker.url}?heartbeat=${HEARTBEAT}`,
    exchange,
    capacity: 1000,
    scheduler,
    onConnection: (up) => {
      connections.push({ up, at: scheduler.now() });
      changed.resolve();
    },
    onBlocked: () => changed.resolve(),
    onConfirmed: (e) => {
      confirmed.push(e.sequence);
      changed.resolve();
    },
  });
  const until = async (test: () => boolean, what: string) => {
    while (!test()) {
      changed = Promise.withResolvers<void>();
      await within(changed.promise, what);
    }
  };
  return { publisher, scheduler, connections, confirmed, until };
}

/**
 * Close `publisher` with the clock run through its close timeout: a
 * frozen broker left connected never sends the close-ok.
 */
async function closeOn(
  publisher: ConfirmedPublisher,
  scheduler: VirtualScheduler,
): Promise<void> {
  const closing = publisher.close();
  await scheduler.advance(CLOSE_TIMEOUT);
  await within(closing, "the publisher closed");
}

function sequences(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

Deno.test({
  name:
    "ConfirmedPublisher: a broker frozen while an event a second keeps coming loses the connection within two heartbeats; the unconfirmed events go again on a new one",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker({ heartbeat: HEARTBEAT });
  const { publisher, scheduler, connections, confirmed, until } =
    watchedPublisher(broker, "test.frozen");
  await withLogRecords(async (records) => {
    try {
      await within(publisher.start(), "connected to the fake broker");
      broker.freeze();
      // An event a second: each write reset the library's idle timeout.
      let sent = 0;
      while (publisher.connected && sent < 4 * HEARTBEAT) {
        publisher.push(event(++sent));
        await within(broker.received(sent), `event ${sent} written`);
        await scheduler.advance(1000);
      }
      assert.equal(publisher.connected, false, "the frozen broker noticed");
      const lostAt = connections[1]!.at;
      assert.ok(
        lostAt >= 2 * HEARTBEAT * 1000 && lostAt <= 2 * HEARTBEAT * 1000 + 1000,
        `lost at ${lostAt} ms: two heartbeats after the last frame`,
      );
      // Dropped, not closed: a frozen broker never sends the close-ok.
      await within(broker.ended, "the frozen connection dropped");
      await scheduler.advance(1000); // the reconnect's wait (250 ms)
      await until(() => publisher.connected, "a new connection");
      assert.equal(broker.connections, 2);
      await within(broker.received(2 * sent), "the events sent again");
      assert.deepEqual(
        broker.publishes.slice(sent).map((p) => JSON.parse(p.body).s),
        sequences(1, sent),
        "every unconfirmed event again, in order",
      );
      await broker.ack();
      await within(publisher.drained(), "every event confirmed");
      assert.deepEqual(confirmed, sequences(1, sent), "nothing lost");
      const said = records.filter((r) =>
        r.message.join("").includes(
          "RabbitMQ connection lost (nothing received",
        )
      );
      assert.equal(said.length, 1, "the loss is said as a heartbeat timeout's");
      assert.equal(said[0]!.level, "warning");
    } finally {
      await closeOn(publisher, scheduler);
    }
  });
});

Deno.test({
  name:
    "ConfirmedPublisher: a broker slow to confirm but alive (heartbeats) keeps its connection however long the confirms take",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker({ heartbeat: HEARTBEAT });
  const { publisher, scheduler, confirmed, until } = watchedPublisher(
    broker,
    "test.slow",
  );
  await withLogRecords(async () => {
    try {
      await within(publisher.start(), "connected to the fake broker");
      const events = 6 * HEARTBEAT;
      for (let s = 1; s <= events; s++) {
        publisher.push(event(s));
        await within(broker.received(s), `event ${s} written`);
        // RabbitMQ sends a heartbeat every half interval it sends nothing.
        if (s % (HEARTBEAT / 2) === 0) {
          await within(broker.sendHeartbeats(), "a heartbeat answered");
        }
        await scheduler.advance(1000);
      }
      assert.equal(publisher.connected, true, "the live broker kept");
      assert.equal(confirmed.length, 0, "nothing confirmed for a minute");
      await broker.ack();
      await until(() => confirmed.length === events, "the confirms");
      assert.deepEqual(confirmed, sequences(1, events));
      assert.equal(broker.connections, 1);
      assert.equal(broker.publishes.length, events, "nothing sent twice");
    } finally {
      await closeOn(publisher, scheduler);
    }
  });
});

Deno.test({
  name:
    "ConfirmedPublisher: a broker blocking publishing (a memory alarm) and silent meanwhile keeps its connection",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker({ heartbeat: HEARTBEAT });
  const { publisher, scheduler, confirmed, until } = watchedPublisher(
    broker,
    "test.blocked-silent",
  );
  await withLogRecords(async () => {
    try {
      await within(publisher.start(), "connected to the fake broker");
      publisher.push(event(1));
      await within(broker.received(1), "the first event written");
      await broker.block("low on memory");
      await until(() => publisher.blocked, "the block");
      // A minute with the first event unconfirmed, the others held, and
      // nothing from the broker.
      const events = 6 * HEARTBEAT;
      for (let s = 2; s <= events; s++) {
        publisher.push(event(s));
        await scheduler.advance(1000);
      }
      assert.equal(publisher.connected, true, "the blocked broker kept");
      assert.equal(broker.publishes.length, 1, "nothing written while blocked");
      await broker.unblock();
      await until(() => !publisher.blocked, "the unblock");
      await within(broker.received(events), "the held events written");
      await broker.ack();
      await until(() => confirmed.length === events, "the confirms");
      assert.deepEqual(confirmed, sequences(1, events));
      assert.equal(broker.connections, 1);
      assert.equal(broker.publishes.length, events, "nothing sent twice");
    } finally {
      await closeOn(publisher, scheduler);
    }
  });
});

Deno.test({
  name:
    "ConfirmedPublisher: a new connection lost before it confirmed anything does not start the reconnect backoff over: the waits go on doubling until a confirm starts them over",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker({ heartbeat: HEARTBEAT });
  const { publisher, scheduler, until } = watchedPublisher(
    broker,
    "test.frozen-again",
  );
  await withLogRecords(async () => {
    try {
      await within(publisher.start(), "connected to the fake broker");
      publisher.push(event(1));
      for (const [round, wait] of [[1, 250], [2, 500], [3, 1000]] as const) {
        await within(broker.received(round), `event 1 written (${round})`);
        broker.freeze();
        await scheduler.advance(2 * HEARTBEAT * 1000);
        await until(
          () => !publisher.connected,
          `the freeze noticed (${round})`,
        );
        assert.equal(
          scheduler.nextDue! - scheduler.now(),
          wait,
          `the wait before reconnect ${round}`,
        );
        await scheduler.advance(wait);
        await until(() => publisher.connected, `reconnect ${round}`);
      }
      await within(broker.received(4), "event 1 written again");
      await broker.ack();
      await within(publisher.drained(), "the event confirmed");
      // A confirm starts the waits over.
      publisher.push(event(2));
      await within(broker.received(5), "event 2 written");
      broker.freeze();
      await scheduler.advance(2 * HEARTBEAT * 1000);
      await until(() => !publisher.connected, "the last freeze noticed");
      assert.equal(scheduler.nextDue! - scheduler.now(), 250);
      await scheduler.advance(250);
      await until(() => publisher.connected, "the last reconnect");
      await within(broker.received(6), "event 2 written again");
      await broker.ack();
      await within(publisher.drained(), "event 2 confirmed");
    } finally {
      await closeOn(publisher, scheduler);
    }
  });
});

Deno.test({
  name:
    "ConfirmedPublisher: the silence that loses a connection counts from the later of the last frame received and the publish awaited, and is measured again after each frame",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker({ heartbeat: HEARTBEAT });
  const silence = 2 * HEARTBEAT * 1000;
  const { publisher, scheduler, confirmed, until } = watchedPublisher(
    broker,
    "test.silence",
  );
  await withLogRecords(async () => {
    try {
      await within(publisher.start(), "connected to the fake broker");
      publisher.push(event(1));
      await within(broker.received(1), "event 1 written");
      await broker.ack();
      await until(() => confirmed.length === 1, "event 1 confirmed at 0 s");
      // Event 2 written 1 s before the check armed by event 1.
      await scheduler.advance(silence - 1000);
      publisher.push(event(2));
      await within(broker.received(2), "event 2 written");
      await scheduler.advance(1000);
      assert.equal(publisher.connected, true, "event 2 waited 1 s only");
      // A heartbeat halfway: the silence starts over from it.
      await scheduler.advance(HEARTBEAT * 1000 - 1000);
      await within(broker.sendHeartbeats(), "a heartbeat answered");
      await scheduler.advance(silence - 1);
      assert.equal(publisher.connected, true, "silent for a moment less");
      await scheduler.advance(1);
      await until(() => !publisher.connected, "lost two intervals on");
    } finally {
      await closeOn(publisher, scheduler);
    }
  });
});

Deno.test({
  name:
    "ConfirmedPublisher: an idle connection (every publish confirmed) is not lost to the confirm watchdog however long nothing comes",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker({ heartbeat: HEARTBEAT });
  const { publisher, scheduler, confirmed, until } = watchedPublisher(
    broker,
    "test.idle",
  );
  await withLogRecords(async () => {
    try {
      await within(publisher.start(), "connected to the fake broker");
      publisher.push(event(1));
      await within(broker.received(1), "event 1 written");
      await broker.ack();
      await until(() => confirmed.length === 1, "event 1 confirmed");
      await scheduler.advance(10 * HEARTBEAT * 1000);
      assert.equal(publisher.connected, true);
      assert.equal(broker.connections, 1);
    } finally {
      await closeOn(publisher, scheduler);
    }
  });
});
