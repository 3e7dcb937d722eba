// ensureQueue against the fake broker (declare_durable_test.ts checks the
// same on a real RabbitMQ, where there is one): a missing queue is declared
// durable, so it outlives a broker restart with the events it holds; one
// that exists is only looked up (a passive declare), never declared over
// with other arguments.
import assert from "node:assert/strict";
import { AMQPClient } from "@cloudamqp/amqp-client";
import { ensureQueue } from "../../dispatch/declare.ts";
import { FakeAmqpBroker } from "./_fake_amqp.ts";

Deno.test({
  name:
    "ensureQueue on the fake broker: a missing queue is declared durable; one that exists is not declared again",
  // The AMQP client keeps a socket past its close's promise.
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker();
  const client = new AMQPClient(broker.url);
  await client.connect();
  try {
    await ensureQueue(client, "gateway.send");
    assert.deepEqual(broker.created, [], "an existing queue declared over");
    broker.deleted.add("gateway.send");
    await ensureQueue(client, "gateway.send");
    assert.deepEqual(broker.created, [{ name: "gateway.send", durable: true }]);
  } finally {
    await client.close();
  }
});
