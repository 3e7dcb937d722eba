// ConfirmedPublisher: every event carries the AMQP `messageId` property
// `<shard>:<session_id>:<s>`. Workers that share a queue each see part of a
// shard's events, and a new session's `s` starts again from 1: the body's
// `shard` + `s` cannot tell a duplicate from a new event, the message id
// can (a shared store keyed by it).
import assert from "node:assert/strict";
import { AMQPChannel, type AMQPProperties } from "@cloudamqp/amqp-client";
import {
  ConfirmedPublisher,
  type PendingEvent,
} from "../../dispatch/publisher.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { within } from "../_fakes/watchdog.ts";
import { FakeAmqpBroker } from "./_fake_amqp.ts";

function event(
  shardId: number,
  sessionId: string,
  sequence: number,
): PendingEvent {
  return {
    shardId,
    sessionId,
    sequence,
    routingKey: "MESSAGE_CREATE",
    body:
      `{"op":0,"t":"MESSAGE_CREATE","s":${sequence},"d":{},"shard":${shardId}}`,
    queuedAt: performance.now(),
  };
}

Deno.test({
  name:
    "ConfirmedPublisher: each event is published with messageId <shard>:<session_id>:<s>",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  // The fake broker reads no properties but delivery-mode: the properties
  // are taken where the client is handed them.
  const properties: AMQPProperties[] = [];
  const basicPublish = AMQPChannel.prototype.basicPublish;
  AMQPChannel.prototype.basicPublish = function (
    ...args
  ): ReturnType<typeof basicPublish> {
    properties.push({ ...args[3] });
    return basicPublish.apply(this, args);
  };
  await using broker = new FakeAmqpBroker();
  const publisher = new ConfirmedPublisher({
    url: broker.url,
    exchange: "test.message_id",
    capacity: 10,
    scheduler: new VirtualScheduler(),
  });
  try {
    await within(publisher.start(), "connected to the fake broker");
    // The same shard and `s` in two sessions, and another shard.
    for (const e of [event(0, "aa", 7), event(0, "bb", 7), event(3, "aa", 1)]) {
      publisher.push(e);
    }
    await within(broker.received(3), "three publishes");
    assert.deepEqual(properties.map((p) => p.messageId), [
      "0:aa:7",
      "0:bb:7",
      "3:aa:1",
    ]);
    assert.ok(properties.every((p) => p.deliveryMode === 2));
    await broker.ack();
    await within(publisher.drained(), "confirmed");
  } finally {
    AMQPChannel.prototype.basicPublish = basicPublish;
    await publisher.close();
  }
});
