// ConfirmedPublisher when a publish's write fails (a connection cut
// mid-write, `write EPIPE`): the AMQP client fails that publish with the
// socket's error while the client and the channel still say open. It was
// taken for the broker's nack: said on stderr as a full queue, counted by
// `onNack` (`dispatch_nacked_events`), the connection lost only later.
// It is a lost connection: the event goes again on a new one.
import assert from "node:assert/strict";
import { AMQPClient } from "@cloudamqp/amqp-client";
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

Deno.test({
  name:
    "ConfirmedPublisher: a publish whose write failed (a connection cut mid-write) is a lost connection, not a nack: not said as a refusal nor counted by onNack, and sent again on a new connection",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker();
  const scheduler = new VirtualScheduler();
  const nacked: number[] = [];
  const confirmed: number[] = [];
  const connection: boolean[] = [];
  const publisher = new ConfirmedPublisher({
    url: broker.url,
    exchange: "test.write-error",
    capacity: 100,
    scheduler,
    onNack: (e) => nacked.push(e.sequence),
    onConfirmed: (e) => confirmed.push(e.sequence),
    onConnection: (up) => connection.push(up),
  });
  // The client's write, failed once as Node's socket fails it on a cut
  // connection: the library rejects the publish with the socket's error at
  // once, and the socket's close (the client's) comes a turn later.
  const send = AMQPClient.prototype.send;
  let failNext = false;
  const failed = Promise.withResolvers<void>();
  AMQPClient.prototype.send = function (bytes: Uint8Array): Promise<void> {
    if (!failNext) return send.call(this, bytes);
    failNext = false;
    failed.resolve();
    const error = Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
    const { socket } = this as unknown as {
      socket: { destroy(error: Error): void };
    };
    setTimeout(() => socket.destroy(error), 0);
    return Promise.reject(error);
  };
  await withLogRecords(async (records) => {
    try {
      await within(publisher.start(), "connected to the fake broker");
      failNext = true;
      publisher.push(event(1));
      await within(failed.promise, "the publish's write failed");
      await within(broker.ended, "the connection cut");
      await scheduler.flushMicrotasks();
      assert.deepEqual(nacked, [], "not counted as a nack");
      const text = records.map((r) => r.message.join(""));
      assert.deepEqual(
        text.filter((t) => t.includes("RabbitMQ refused event")),
        [],
        "not said as a refusal",
      );
      assert.equal(
        text.filter((t) => /connection lost \(write EPIPE\)/.test(t)).length,
        1,
        "said as a lost connection",
      );
      assert.deepEqual(connection, [true, false]);
      // The reconnect's wait: the event goes again on a new connection.
      await scheduler.advance(250);
      await within(broker.received(1), "event 1 sent on a new connection");
      await broker.ack();
      await within(publisher.drained(), "event 1 confirmed");
      assert.deepEqual(confirmed, [1]);
      assert.deepEqual(connection, [true, false, true]);
    } finally {
      AMQPClient.prototype.send = send;
      await publisher.close();
    }
  });
});
