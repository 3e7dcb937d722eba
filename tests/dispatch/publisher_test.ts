// ConfirmedPublisher against a real RabbitMQ behind a TCP proxy that starts
// cut: the buffer fills while the broker is unreachable, says so, and drains
// in order once it is reachable.
import assert from "node:assert/strict";
import { AMQPClient } from "@cloudamqp/amqp-client";
import {
  ConfirmedPublisher,
  type PendingEvent,
} from "../../dispatch/publisher.ts";
import { testAmqp, testRabbitmqctl } from "../_fakes/servers.ts";
import { within } from "../_fakes/watchdog.ts";
import { pendingEvent } from "./_pending_event.ts";
import { CuttableProxy } from "./_service_harness.ts";

const amqp = testAmqp();
const EXCHANGE = "test.publisher";

/**
 * A consumer straight on the broker of everything published to `exchange`:
 * the sequences received, and `done` once `enough` holds for them.
 */
async function consumeExchange(
  exchange: string,
  enough: (received: readonly number[]) => boolean = () => false,
): Promise<{ client: AMQPClient; received: number[]; done: Promise<void> }> {
  const client = new AMQPClient(amqp.url);
  await client.connect();
  const channel = await client.channel();
  await channel.exchangeDeclare(exchange, "topic", { durable: true });
  const queue = await channel.queueDeclare("", { exclusive: true });
  await channel.queueBind(queue.name, exchange, "#");
  const received: number[] = [];
  let resolve!: () => void;
  const done = new Promise<void>((settle) => resolve = settle);
  await channel.basicConsume(queue.name, { noAck: true }, (message) => {
    received.push(JSON.parse(message.bodyToString()!).s);
    if (enough(received)) resolve();
  });
  return { client, received, done };
}

Deno.test({
  name:
    "ConfirmedPublisher: full while the broker is unreachable, then every event confirmed in order and room reported",
  ignore: amqp.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const url = new URL(amqp.url);
  await using proxy = new CuttableProxy({
    hostname: url.hostname,
    port: Number(url.port || 5672),
  });
  await proxy.cut();
  const confirmed: number[] = [];
  let rooms = 0;
  const connections: boolean[] = [];
  const publisher = new ConfirmedPublisher({
    url: `amqp://${url.username}:${url.password}@127.0.0.1:${proxy.port}`,
    exchange: EXCHANGE,
    capacity: 4,
    retryDelay: 20,
    onConfirmed: (e) => confirmed.push(e.sequence),
    onRoom: () => rooms++,
    onConnection: (up) => connections.push(up),
  });
  // A consumer straight on the broker sees what was published.
  const { client, received, done: seven } = await consumeExchange(
    EXCHANGE,
    (received) => received.length === 7,
  );
  try {
    await publisher.start(); // unreachable: returns after the first attempt
    assert.equal(publisher.connected, false);
    assert.deepEqual([1, 2, 3].map((s) => publisher.push(pendingEvent(s))), [
      true,
      true,
      true,
    ]);
    assert.equal(publisher.push(pendingEvent(4)), false, "full at capacity");
    assert.equal(
      publisher.push(pendingEvent(5)),
      false,
      "still accepted, never dropped",
    );
    assert.equal(publisher.size, 5);
    // A body not known yet holds back what follows it, keeping the order.
    const late = pendingEvent(6);
    const body = late.body;
    late.body = undefined;
    publisher.push(late);
    publisher.push(pendingEvent(7));
    proxy.restore();
    const drained = publisher.drained();
    late.body = body;
    publisher.bodyReady();
    await within(drained, "every event confirmed");
    assert.deepEqual(confirmed, [1, 2, 3, 4, 5, 6, 7]);
    assert.equal(rooms, 1);
    assert.equal(connections[0], true);
    await within(seven, "the consumer's 7 messages");
    assert.deepEqual(received, [1, 2, 3, 4, 5, 6, 7]);
  } finally {
    await publisher.close();
    await (await client.channel()).exchangeDelete(EXCHANGE).catch(() => {});
    await client.close();
  }
});

Deno.test({
  name:
    "ConfirmedPublisher: a nack (queue full, reject-publish) is sent again until confirmed, nothing lost",
  ignore: amqp.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const exchange = "test.publisher.nack";
  const client = new AMQPClient(amqp.url);
  await client.connect();
  const channel = await client.channel();
  await channel.exchangeDeclare(exchange, "topic", { durable: true });
  // Holds two messages and nacks the publishes beyond them.
  const queue = await channel.queueDeclare("", { exclusive: true }, {
    "x-max-length": 2,
    "x-overflow": "reject-publish",
  });
  await channel.queueBind(queue.name, exchange, "#");
  const confirmed: number[] = [];
  const publisher = new ConfirmedPublisher({
    url: amqp.url,
    exchange,
    capacity: 100,
    retryDelay: 20,
    onConfirmed: (e) => confirmed.push(e.sequence),
  });
  try {
    await publisher.start();
    for (let s = 1; s <= 5; s++) publisher.push(pendingEvent(s));
    // Only two fit: the rest is nacked and waits, unconfirmed. The first
    // reaches the queue a moment after push() returns: poll (a real broker
    // answers basicGet "empty" at once).
    let firstTwo = await channel.basicGet(queue.name, { noAck: true });
    for (let i = 0; !firstTwo && i < 500; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      firstTwo = await channel.basicGet(queue.name, { noAck: true });
    }
    assert.ok(firstTwo, "the queue holds the first messages");
    const received = [JSON.parse(firstTwo.bodyToString()!).s];
    const drained = publisher.drained();
    // Read the queue empty as the publisher resends (polling a real broker:
    // basicGet answers "empty" at once).
    const deadline = Date.now() + 10_000;
    while (received.length < 5 || publisher.size > 0) {
      if (Date.now() > deadline) {
        throw new Error(
          `Timed out: received ${received}, ${publisher.size} unconfirmed`,
        );
      }
      const message = await channel.basicGet(queue.name, { noAck: true });
      if (message) received.push(JSON.parse(message.bodyToString()!).s);
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await within(drained, "every event confirmed after the nacks");
    assert.deepEqual(confirmed, [1, 2, 3, 4, 5]);
    // Every sequence arrived. A nack does not stop the broker from taking
    // the publishes after it (here 4, once the read made room), so after a
    // nack an event may arrive after a later one, and twice: `s` tells.
    assert.deepEqual([...new Set(received)].sort(), [1, 2, 3, 4, 5]);
  } finally {
    await publisher.close();
    await (await client.channel()).exchangeDelete(exchange).catch(() => {});
    await client.close();
  }
});

Deno.test({
  name:
    "ConfirmedPublisher: a skip is never sent but confirmed in order with the others, at the head, in the middle and while the broker is unreachable",
  ignore: amqp.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const exchange = "test.publisher.skip";
  const url = new URL(amqp.url);
  await using proxy = new CuttableProxy({
    hostname: url.hostname,
    port: Number(url.port || 5672),
  });
  const { client, received } = await consumeExchange(exchange);
  const confirmed: number[] = [];
  const publisher = new ConfirmedPublisher({
    url: `amqp://${url.username}:${url.password}@127.0.0.1:${proxy.port}`,
    exchange,
    capacity: 100,
    retryDelay: 20,
    onConfirmed: (e) => confirmed.push(e.sequence),
  });
  const skip = (sequence: number): PendingEvent => ({
    ...pendingEvent(sequence),
    routingKey: "",
    body: undefined,
    skip: true,
  });
  try {
    await publisher.start();
    // At the head with nothing before it: confirmed at once.
    publisher.push(skip(1));
    assert.deepEqual(confirmed, [1]);
    assert.equal(publisher.size, 0);
    // Between two events: after the first, before the second.
    publisher.push(pendingEvent(2));
    publisher.push(skip(3));
    publisher.push(pendingEvent(4));
    assert.deepEqual(confirmed, [1], "not before the event ahead of it");
    await within(publisher.drained(), "events 2 to 4 confirmed");
    assert.deepEqual(confirmed, [1, 2, 3, 4]);
    // A body not known yet ahead of it, and the broker unreachable: it
    // waits its turn.
    await proxy.cut();
    const late = pendingEvent(5);
    const body = late.body;
    late.body = undefined;
    publisher.push(late);
    publisher.push(skip(6));
    publisher.push(skip(7));
    publisher.push(pendingEvent(8));
    assert.deepEqual(confirmed, [1, 2, 3, 4]);
    late.body = body;
    publisher.bodyReady();
    proxy.restore();
    await within(publisher.drained(), "events 5 to 8 confirmed");
    assert.deepEqual(confirmed, [1, 2, 3, 4, 5, 6, 7, 8]);
    // A routing key the client would refuse is not taken as an event to
    // send: every later event would wait behind it.
    assert.throws(
      () => publisher.push({ ...pendingEvent(9), routingKey: "x".repeat(256) }),
      RangeError,
    );
    assert.equal(publisher.size, 0);
    const deadline = Date.now() + 10_000;
    while (received.filter((s) => s === 8).length === 0) {
      if (Date.now() > deadline) throw new Error(`received ${received}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Only the events; the skips were never sent.
    assert.deepEqual([...new Set(received)], [2, 4, 5, 8]);
  } finally {
    await publisher.close();
    await (await client.channel()).exchangeDelete(exchange).catch(() => {});
    await client.close();
  }
});

const rabbitmqctl = testRabbitmqctl();
/** The broker's max_message_size while the test of skipped events runs. */
const MAX_MESSAGE_SIZE = 1024 * 1024;

Deno.test({
  name:
    "ConfirmedPublisher: an event over the broker's max_message_size is skipped in its place (logged, reported), not resent for ever ahead of the rest",
  ignore: amqp.ignore || rabbitmqctl.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const before = await rabbitmqctl.run(
    "eval",
    "application:get_env(rabbit, max_message_size).",
  );
  const previous = /\{ok,(\d+)\}/.exec(before)?.[1] ?? "134217728";
  // The limit is the node's, for every test running beside this one: 1 MiB
  // is above any message they publish (a 100 KB command of the service's
  // e2e test, refused by a 64 KiB limit, closed its channel and lost the
  // commands after it).
  await rabbitmqctl.run(
    "eval",
    `application:set_env(rabbit, max_message_size, ${MAX_MESSAGE_SIZE}).`,
  );
  const confirmed: number[] = [];
  const tooLarge: [number, number, number][] = [];
  const url = new URL(amqp.url);
  await using proxy = new CuttableProxy({
    hostname: url.hostname,
    port: Number(url.port || 5672),
  });
  const publisher = new ConfirmedPublisher({
    url: `amqp://${url.username}:${url.password}@127.0.0.1:${proxy.port}`,
    exchange: EXCHANGE,
    capacity: 100,
    retryDelay: 20,
    onConfirmed: (e) => confirmed.push(e.sequence),
    onTooLarge: (e, bytes, max) => tooLarge.push([e.sequence, bytes, max]),
  });
  const { client, received, done: three } = await consumeExchange(
    EXCHANGE,
    (received) => new Set(received).size === 3,
  );
  let restored = false;
  const big = (sequence: number): PendingEvent => ({
    ...pendingEvent(sequence),
    routingKey: "GUILD_CREATE",
    body: `{"op":0,"t":"GUILD_CREATE","s":${sequence},"d":{"x":"${
      "x".repeat(MAX_MESSAGE_SIZE + 1_000)
    }"},"shard":0}`,
  });
  try {
    await publisher.start();
    for (
      const e of [
        pendingEvent(1),
        big(2),
        pendingEvent(3),
        big(4),
        pendingEvent(5),
      ]
    ) {
      publisher.push(e);
    }
    await within(publisher.drained(), "every event confirmed");
    await within(three, "the three that fit, received");
    assert.deepEqual(confirmed, [1, 2, 3, 4, 5], "in order, skips in place");
    // Those published before the channel closed may come twice (resent
    // unconfirmed, as after any lost connection); the big ones never.
    assert.deepEqual([...new Set(received)].toSorted((a, b) => a - b), [
      1,
      3,
      5,
    ]);
    assert.deepEqual(tooLarge.map(([s]) => s), [2, 4]);
    assert.ok(
      tooLarge.every(([, bytes, max]) =>
        bytes > MAX_MESSAGE_SIZE && max === MAX_MESSAGE_SIZE
      ),
    );
    // Known now: a later one is skipped without a try.
    publisher.push(big(6));
    publisher.push(pendingEvent(7));
    await within(publisher.drained(), "the later events");
    assert.deepEqual(confirmed, [1, 2, 3, 4, 5, 6, 7]);
    // The operator raises the limit and the connection is made again (a
    // broker restart, close_all_connections): the limit learnt on the old
    // one no longer holds, or every big event would be skipped until the
    // service itself restarted.
    await rabbitmqctl.run(
      "eval",
      `application:set_env(rabbit, max_message_size, ${previous}).`,
    );
    restored = true;
    await proxy.cut();
    const deadline = Date.now() + 10_000;
    while (publisher.connected) {
      if (Date.now() > deadline) throw new Error("the cut not noticed");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    proxy.restore();
    publisher.push(big(8));
    publisher.push(pendingEvent(9));
    await within(publisher.drained(), "the events after the reconnect");
    assert.deepEqual(tooLarge.map(([s]) => s), [2, 4, 6]);
    while (!received.includes(9)) {
      if (Date.now() > deadline) throw new Error(`received ${received}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.ok(received.includes(8), "the big event published");
  } finally {
    if (!restored) {
      await rabbitmqctl.run(
        "eval",
        `application:set_env(rabbit, max_message_size, ${previous}).`,
      );
    }
    await publisher.close();
    await client.close();
  }
});
