// An exchange the user declared with the service's name but of another type
// than topic, against a real RabbitMQ. A passive declare does not check the
// type, so a `direct` one was used silently: every event came back NO_ROUTE
// and the log blamed the queues, for ever; a `fanout` one gave every bound
// queue every event. It is now a clear error, and nothing is published.
// A user without configure rights (who cannot declare) still uses a topic
// exchange that exists.
import assert from "node:assert/strict";
import { AMQPClient } from "@cloudamqp/amqp-client";
import { ensureTopicExchange } from "../../dispatch/declare.ts";
import { ConfirmedPublisher } from "../../dispatch/publisher.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { testAmqp, testRabbitmqctl } from "../_fakes/servers.ts";
import { messagesOf, withLogRecords } from "../_fakes/log_records.ts";

const amqp = testAmqp();
const rabbitmqctl = testRabbitmqctl();
const EXCHANGE = "test.exchange_type";

/** `EXCHANGE` declared afresh as `type`; run `body`; then deleted. */
async function withExchange(
  type: string,
  body: (admin: AMQPClient) => Promise<void>,
  options: { durable?: boolean } = { durable: true },
): Promise<void> {
  const admin = new AMQPClient(amqp.url);
  await admin.connect();
  try {
    await (await admin.channel()).exchangeDelete(EXCHANGE);
    await (await admin.channel()).exchangeDeclare(EXCHANGE, type, options);
    await body(admin);
  } finally {
    await (await admin.channel()).exchangeDelete(EXCHANGE).catch(() => {});
    await admin.close().catch(() => {});
  }
}

/** `ensureTopicExchange` on a new connection as `url`. */
async function ensure(url = amqp.url): Promise<void> {
  const client = new AMQPClient(url);
  await client.connect();
  try {
    await ensureTopicExchange(client, EXCHANGE);
  } finally {
    await client.close().catch(() => {});
  }
}

for (const type of ["direct", "fanout"]) {
  Deno.test({
    name:
      `ensureTopicExchange: an existing ${type} exchange is refused, naming it and what to do`,
    ignore: amqp.ignore,
    sanitizeResources: false,
    sanitizeOps: false,
  }, async () => {
    await withExchange(type, async () => {
      await assert.rejects(ensure(), (error: Error) => {
        assert.match(error.message, new RegExp(`'${EXCHANGE}'`));
        assert.match(error.message, new RegExp(`'${type}'`));
        assert.match(error.message, /not a durable topic exchange/);
        assert.match(error.message, /delete it/);
        return true;
      });
    });
  });
}

Deno.test({
  name:
    "ensureTopicExchange: an existing topic exchange is used as it is, durable or not",
  ignore: amqp.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await withExchange("topic", () => ensure());
  await withExchange("topic", () => ensure(), { durable: false });
});

Deno.test({
  name:
    "ensureTopicExchange: a user without configure rights uses the topic exchange that exists",
  ignore: amqp.ignore || rabbitmqctl.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const user = "test.exchange_type.reader";
  await rabbitmqctl.run("add_user", user, "secret").catch(() => {});
  try {
    // Write and read, no configure: no declare but a passive one.
    await rabbitmqctl.run("set_permissions", "-p", "/", user, "^$", ".*", ".*");
    const url = new URL(amqp.url);
    url.username = user;
    url.password = "secret";
    await withExchange("topic", () => ensure(url.toString()));
  } finally {
    await rabbitmqctl.run("delete_user", user).catch(() => {});
  }
});

Deno.test({
  name:
    "ConfirmedPublisher: a direct exchange of its name keeps it unconnected, said at error level, nothing published; connected once it is deleted",
  ignore: amqp.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await withExchange("direct", async (admin) => {
    // What a consumer bound to the direct exchange would receive.
    const channel = await admin.channel();
    const queue = await channel.queueDeclare("", { exclusive: true });
    await channel.queueBind(queue.name, EXCHANGE, "MESSAGE_CREATE");
    await withLogRecords(async (records) => {
      const scheduler = new VirtualScheduler();
      let connected!: () => void;
      const up = new Promise<void>((resolve) => connected = resolve);
      const publisher = new ConfirmedPublisher({
        url: amqp.url,
        exchange: EXCHANGE,
        capacity: 4,
        scheduler,
        onConnection: (on) => on && connected(),
      });
      try {
        await publisher.start();
        publisher.push({
          shardId: 0,
          sessionId: "s",
          sequence: 1,
          routingKey: "MESSAGE_CREATE",
          body: '{"op":0,"t":"MESSAGE_CREATE","s":1,"d":{},"shard":0}',
          queuedAt: performance.now(),
        });
        assert.equal(publisher.connected, false);
        assert.equal(publisher.size, 1, "the event waits in the buffer");
        const said = records.filter((r) =>
          /not a durable topic exchange/.test(r.message.join(""))
        );
        assert.equal(said.length, 1);
        assert.equal(said[0]!.level, "error");
        assert.equal(messagesOf(records, /unreachable/), 0);
        const { messageCount } = await channel.queueDeclare(queue.name, {
          passive: true,
        });
        assert.equal(messageCount, 0);
        // Deleted, it is declared as it should be at the next attempt.
        await (await admin.channel()).exchangeDelete(EXCHANGE);
        await scheduler.advance(scheduler.nextDue! - scheduler.now());
        await up;
        assert.equal(publisher.connected, true);
      } finally {
        await publisher.close();
      }
    });
  });
});
