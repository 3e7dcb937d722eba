// A broker that answers the AMQP handshake, proposes heartbeat 0 and then
// never answers again: the connect succeeds, and every set-up step after it
// (the exchange declare, the channel, confirm mode, the service's
// onConnect) waited for ever. start() never settled and close() awaited
// it, so a SIGTERM never ended the service. The whole open has one
// deadline, and close() waits for an open at most CLOSE_TIMEOUT.
import assert from "node:assert/strict";
import { CLOSE_TIMEOUT, ConfirmedPublisher } from "../../dispatch/publisher.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { within } from "../_fakes/watchdog.ts";
import { FakeAmqpBroker } from "./_fake_amqp.ts";

/** The publisher's CONNECT_TIMEOUT, documented: one open's deadline. */
const CONNECT_TIMEOUT = 10_000;

function publisher(
  url: string,
  scheduler: VirtualScheduler,
): ConfirmedPublisher {
  return new ConfirmedPublisher({
    url,
    exchange: "test.silent",
    capacity: 10,
    scheduler,
  });
}

Deno.test({
  name:
    "ConfirmedPublisher: an open whose set-up gets no answer fails at the connect deadline and its socket is dropped",
}, async () => {
  await using broker = new FakeAmqpBroker({ silentAfterOpen: true });
  const scheduler = new VirtualScheduler();
  const silent = publisher(broker.url, scheduler);
  let started = false;
  const starting = silent.start().then(() => started = true);
  await within(broker.ignoring, "the set-up's first unanswered frame");
  await scheduler.advance(CONNECT_TIMEOUT - 1);
  assert.equal(started, false, "the set-up is waited for until the deadline");
  await scheduler.advance(1);
  assert.equal(started, true, "start() ends at the deadline");
  await within(starting, "start()");
  assert.equal(silent.connected, false);
  await within(broker.ended, "the dropped connection's end at the broker");
  await within(silent.close(), "close() after the failed attempt");
  assert.equal(scheduler.pending, 0, "no retry left behind");
});

Deno.test({
  name:
    "ConfirmedPublisher: close() during an open the broker never answers drops it after CLOSE_TIMEOUT",
}, async () => {
  await using broker = new FakeAmqpBroker({ silentAfterOpen: true });
  const scheduler = new VirtualScheduler();
  const silent = publisher(broker.url, scheduler);
  const starting = silent.start();
  await within(broker.ignoring, "the set-up's first unanswered frame");
  let closed = false;
  const closing = silent.close().then(() => closed = true);
  await scheduler.advance(CLOSE_TIMEOUT - 1);
  assert.equal(closed, false, "the open is given a while to end");
  await scheduler.advance(1);
  assert.equal(closed, true, "close() ends once CLOSE_TIMEOUT passed");
  await within(closing, "close()");
  await within(starting, "start()");
  assert.equal(silent.connected, false);
  await within(broker.ended, "the dropped connection's end at the broker");
  assert.equal(scheduler.pending, 0, "no timer left behind");
});
