// One connection attempt of ConfirmedPublisher (dispatch/_publisher_open.ts)
// ended by the publisher's own close, or by its deadline, against the fake
// broker on a virtual clock:
// - a close() called while the connect is under way: once connected, the
//   attempt sees the close and closes the connection at once; nothing is
//   set up on it (no exchange, no onConnect), it never counts as up, and
//   nothing is said as a failure;
// - a close() that drops an open the broker stopped answering mid-set-up
//   ends the attempt quietly: no failure said, no retry;
// - an open that reaches its deadline is a failure: said with the deadline,
//   and retried.
import assert from "node:assert/strict";
import {
  CLOSE_TIMEOUT,
  ConfirmedPublisher,
  type ConfirmedPublisherOptions,
} from "../../dispatch/publisher.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { linesSaying, withLogRecords } from "../_fakes/log_records.ts";
import { within } from "../_fakes/watchdog.ts";
import { FakeAmqpBroker } from "./_fake_amqp.ts";

/** The publisher's CONNECT_TIMEOUT, documented: one open's deadline. */
const CONNECT_TIMEOUT = 10_000;

/** A publisher to `broker` on `scheduler`, with `extra` options. */
function publisherOn(
  broker: FakeAmqpBroker,
  scheduler: VirtualScheduler,
  extra: Partial<ConfirmedPublisherOptions> = {},
): ConfirmedPublisher {
  return new ConfirmedPublisher({
    url: broker.url,
    exchange: "test.open",
    capacity: 10,
    scheduler,
    ...extra,
  });
}

Deno.test("ConfirmedPublisher: close() during the connect closes the connection once it is made, sets nothing up on it and says no failure", async () => {
  await using broker = new FakeAmqpBroker();
  const scheduler = new VirtualScheduler();
  let setUps = 0;
  await withLogRecords(async (records) => {
    const publisher = publisherOn(broker, scheduler, {
      onConnect: () => {
        setUps++;
        return Promise.resolve();
      },
    });
    const starting = publisher.start();
    // The connect is under way (a TCP handshake and the AMQP one): the
    // close comes before it ends.
    const closing = publisher.close();
    // No clock advance: the attempt closes its connection as soon as it
    // is made, and close() waits for nothing longer.
    await within(closing, "close() with no clock advanced");
    await within(starting, "start()");
    await within(broker.ended, "the connection's end at the broker");
    assert.equal(broker.connections, 1, "the connect itself went through");
    assert.equal(setUps, 0, "onConnect is not called on a closing publisher");
    assert.equal(publisher.connected, false);
    assert.equal(scheduler.pending, 0, "no retry, no timer left behind");
    assert.deepEqual(
      records.map((r) => r.message.join("")),
      [],
      "the close's own attempt is no failure",
    );
  }, "info");
});

Deno.test("ConfirmedPublisher: close() dropping an open the broker stopped answering mid-set-up says no failure and retries nothing", async () => {
  await using broker = new FakeAmqpBroker({ silentAfterOpen: true });
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    const publisher = publisherOn(broker, scheduler);
    const starting = publisher.start();
    await within(broker.ignoring, "the set-up's first unanswered frame");
    const closing = publisher.close();
    await scheduler.advance(CLOSE_TIMEOUT);
    await within(closing, "close()");
    await within(starting, "start()");
    await within(broker.ended, "the dropped connection's end at the broker");
    assert.equal(publisher.connected, false);
    assert.deepEqual(linesSaying(records, "RabbitMQ"), []);
    assert.equal(scheduler.pending, 0, "no retry");
  }, "debug");
});

Deno.test("ConfirmedPublisher: an open that reaches its deadline is said as a failure naming the deadline, and retried", async () => {
  await using broker = new FakeAmqpBroker({ silentAfterOpen: true });
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    const publisher = publisherOn(broker, scheduler);
    try {
      const starting = publisher.start();
      await within(broker.ignoring, "the set-up's first unanswered frame");
      await scheduler.advance(CONNECT_TIMEOUT);
      await within(starting, "start()");
      await within(broker.ended, "the dropped connection's end at the broker");
      assert.equal(publisher.connected, false);
      const said = linesSaying(records, `no answer in ${CONNECT_TIMEOUT} ms`);
      assert.equal(said.length, 1, records.map((r) => r.message).join("\n"));
      assert.match(said[0]!, /retrying in \d+ ms/);
      assert.equal(scheduler.pending, 1, "the retry is scheduled");
    } finally {
      await publisher.close();
    }
    assert.equal(scheduler.pending, 0, "the close cancels the retry");
  });
});

Deno.test("ConfirmedPublisher: close() during the connect, with a broker that never answers the connection's close, drops the socket after CLOSE_TIMEOUT", async () => {
  await using broker = new FakeAmqpBroker({ answerClose: false });
  const scheduler = new VirtualScheduler();
  const publisher = publisherOn(broker, scheduler);
  const starting = publisher.start();
  let closed = false;
  const closing = publisher.close().then(() => closed = true);
  // The connect ends; the attempt's close of it is never answered.
  while (broker.connections < 1) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await scheduler.advance(CLOSE_TIMEOUT - 1);
  assert.equal(closed, false, "the close is given a while to be answered");
  await scheduler.advance(1);
  await within(closing, "close() once CLOSE_TIMEOUT passed");
  await within(starting, "start()");
  await within(broker.ended, "the dropped connection's end at the broker");
  assert.equal(publisher.connected, false);
  assert.equal(scheduler.pending, 0, "no timer left behind");
});
