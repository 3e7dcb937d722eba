// What the service declares when the broker has none of its entities, against
// a real RabbitMQ: a durable topic exchange and durable queues, as
// twilight-dispatch declares `gateway`, `gateway.send` and `gateway.recv`. A
// transient one is gone after a broker restart, with the events it held,
// and nothing publishes to it meanwhile.
import assert from "node:assert/strict";
import { AMQPClient } from "@cloudamqp/amqp-client";
import { ensureQueue, ensureTopicExchange } from "../../dispatch/declare.ts";
import { bindToEveryEvent } from "../../dispatch/_bound_queue.ts";
import { testAmqp } from "../_fakes/servers.ts";

const amqp = testAmqp();
const EXCHANGE = "test.declare_durable";
const QUEUE = "test.declare_durable.queue";
const BOUND = "test.declare_durable.bound";

/** Run `body` on a connection, with the test's entities deleted around it. */
async function withAdmin(
  body: (admin: AMQPClient) => Promise<void>,
): Promise<void> {
  const admin = new AMQPClient(amqp.url);
  await admin.connect();
  /** Delete the test's exchange and queues. */
  const clean = async (): Promise<void> => {
    const channel = await admin.channel();
    await channel.exchangeDelete(EXCHANGE);
    await channel.queueDelete(QUEUE);
    await channel.queueDelete(BOUND);
    await channel.close();
  };
  try {
    await clean();
    await body(admin);
  } finally {
    await clean().catch(() => {});
    await admin.close().catch(() => {});
  }
}

/**
 * Assert that the broker holds `declare`'s entity as durable: declaring it
 * transient is refused as inequivalent.
 */
async function assertDurable(
  admin: AMQPClient,
  declare: (
    channel: Awaited<ReturnType<AMQPClient["channel"]>>,
  ) => Promise<unknown>,
): Promise<void> {
  const channel = await admin.channel();
  channel.onerror = () => {};
  await assert.rejects(
    declare(channel),
    /inequivalent arg 'durable'.*current is 'true'/,
  );
}

Deno.test({
  name:
    "ensureQueue and ensureTopicExchange: a missing queue or exchange is declared durable",
  ignore: amqp.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await withAdmin(async (admin) => {
    const client = new AMQPClient(amqp.url);
    await client.connect();
    try {
      await ensureTopicExchange(client, EXCHANGE);
      await ensureQueue(client, QUEUE);
      await bindToEveryEvent(client, BOUND, EXCHANGE);
    } finally {
      await client.close().catch(() => {});
    }
    await assertDurable(
      admin,
      (channel) =>
        channel.exchangeDeclare(EXCHANGE, "topic", { durable: false }),
    );
    await assertDurable(
      admin,
      (channel) => channel.queueDeclare(QUEUE, { durable: false }),
    );
    await assertDurable(
      admin,
      (channel) => channel.queueDeclare(BOUND, { durable: false }),
    );
    // Bound to every routing key: an event of any name reaches it.
    const channel = await admin.channel();
    await channel.confirmSelect();
    await channel.basicPublish(EXCHANGE, "MESSAGE_CREATE", "{}");
    await channel.basicPublish(EXCHANGE, "GUILD_MEMBER.ADD", "{}");
    const { messageCount } = await channel.queueDeclare(BOUND, {
      passive: true,
    });
    assert.equal(messageCount, 2);
  });
});
