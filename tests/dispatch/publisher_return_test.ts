// ConfirmedPublisher with `mandatory` when the broker returns a publish no
// queue took (basic.return, then its confirm: the only bound queue deleted
// or unbound), against the fake broker on a virtual clock: the returned
// event is not counted as confirmed, the return is said on stderr and
// counted, and the publisher reconnects (declaring the queues again) and
// sends it again. It was counted as confirmed and lost (13,516 of 13,858
// events with gateway.recv deleted, healthcheck OK).
import assert from "node:assert/strict";
import { ConfirmedPublisher } from "../../dispatch/publisher.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { within } from "../_fakes/watchdog.ts";
import { FakeAmqpBroker } from "./_fake_amqp.ts";
import { advanceUntilTrue } from "./_in_process_service.ts";
import { pendingEvent } from "./_pending_event.ts";

/** Run `scheduler` until `test` holds, letting real I/O run. */
function clockUntil(
  scheduler: VirtualScheduler,
): (test: () => boolean, what: string) => Promise<void> {
  return (test, what) =>
    advanceUntilTrue(scheduler, test, what, undefined, 1, 50);
}

Deno.test({
  name:
    "ConfirmedPublisher: with mandatory, a returned event is not confirmed; it is said, counted, and sent again on a new connection that sets the queues up again",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker();
  const scheduler = new VirtualScheduler();
  const confirmed: number[] = [];
  const returned: string[] = [];
  let setUps = 0;
  const publisher = new ConfirmedPublisher({
    url: broker.url,
    exchange: "gateway",
    capacity: 100,
    scheduler,
    mandatory: true,
    onConnect: () => {
      setUps++;
      return Promise.resolve();
    },
    onConfirmed: (e) => confirmed.push(e.sequence),
    onReturned: (_key, reason) => returned.push(reason),
  });
  const until = clockUntil(scheduler);
  await withLogRecords(async (records) => {
    try {
      await publisher.start();
      assert.equal(setUps, 1);
      for (let s = 1; s <= 3; s++) publisher.push(pendingEvent(s));
      await broker.received(3);
      assert.ok(broker.publishes.every((p) => p.mandatory));
      // The second one reached no queue: returned, then confirmed all the
      // same, as RabbitMQ does.
      await broker.returnOnly(1);
      await broker.ack(3);
      await until(() => setUps === 2, "a new connection");
      assert.deepEqual(returned, ["NO_ROUTE"]);
      // Not one of them counted as confirmed on the connection that
      // returned one: the confirms do not say which was returned.
      assert.deepEqual(confirmed, []);
      await broker.received(6);
      await broker.ack();
      await until(() => confirmed.length === 3, "the three confirmed");
      assert.deepEqual(confirmed, [1, 2, 3]);
      assert.equal(publisher.size, 0);
      const said = records.filter((r) =>
        r.message.join("").includes("returned event MESSAGE_CREATE")
      );
      assert.equal(said.length, 1);
      assert.equal(said[0]!.level, "warning");
    } finally {
      await publisher.close();
    }
  });
});

Deno.test({
  name:
    "ConfirmedPublisher: returns in a row back the reconnects off even when each new connection had confirms before its return, and are said on stderr once a streak",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker();
  const scheduler = new VirtualScheduler();
  const connectedAt: number[] = [];
  const publisher = new ConfirmedPublisher({
    url: broker.url,
    exchange: "gateway",
    capacity: 100,
    scheduler,
    mandatory: true,
    retryDelay: 250,
    onConnect: () => {
      connectedAt.push(scheduler.now());
      return Promise.resolve();
    },
  });
  const until = clockUntil(scheduler);
  const stderr = await captureStderr(async () => {
    try {
      await publisher.start();
      const waits: number[] = [];
      let sequence = 0;
      let published = 0;
      for (let round = 1; round <= 5; round++) {
        // This connection proves itself (a confirm), then a queue vanishes.
        publisher.push(pendingEvent(++sequence));
        await broker.received(++published);
        await broker.ack();
        await until(() => publisher.size === 0, "the confirm");
        publisher.push(pendingEvent(++sequence));
        await broker.received(++published);
        await broker.returnOnly(0);
        await broker.ack();
        // The wait the publisher set for its reconnect, read off the clock
        // before it moves.
        await within(
          (async () => {
            while (publisher.connected || scheduler.nextDue === undefined) {
              await new Promise((resolve) => setTimeout(resolve, 1));
            }
          })(),
          "the connection dropped",
        );
        waits.push(scheduler.nextDue! - scheduler.now());
        await until(() => connectedAt.length === round + 1, "a reconnect");
        // The returned event is sent again on the new connection.
        await broker.received(++published);
        await broker.ack();
        await until(() => publisher.size === 0, "the resend confirmed");
      }
      // From 250 ms, doubling; it was 250 ms every time.
      assert.deepEqual(waits, [250, 500, 1_000, 2_000, 4_000]);
    } finally {
      await publisher.close();
    }
  });
  const said = stderr.filter((line) =>
    line.includes("returned event MESSAGE_CREATE")
  );
  assert.equal(said.length, 1, stderr.join("\n"));
});
