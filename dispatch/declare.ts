/**
 * Declaring the service's exchange and queues without fighting the user's:
 * one that exists is used as it is, one that is missing is declared durable.
 * RabbitMQ refuses a declare whose arguments differ from the existing
 * queue's (PRECONDITION_FAILED), so a plain declare of a `gateway.send` the
 * user gave a dead-letter exchange, or of a quorum `gateway.recv`, would
 * stop the service from ever publishing. An exchange's type is the
 * exception: a passive declare does not check it, and a `direct` or
 * `fanout` exchange of the service's name routes no event, or every event
 * to every queue; {@linkcode ensureTopicExchange} refuses it.
 *
 * @module
 */
import type { AMQPClient } from "@cloudamqp/amqp-client";

/** Whether an AMQP error is the broker's 404: the entity does not exist. */
function isNotFound(error: unknown): boolean {
  return error instanceof Error && /NOT_FOUND|\(404\)/.test(error.message);
}

/**
 * Ask whether an entity exists (a passive declare, on a channel of its own,
 * as a miss closes the channel).
 */
async function exists(
  client: AMQPClient,
  probe: (channel: Channel) => Promise<unknown>,
): Promise<boolean> {
  const channel = await client.channel();
  // A miss closes the channel: expected, not worth the client's error log.
  channel.onerror = () => {};
  try {
    await probe(channel);
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
  await channel.close().catch(() => {});
  return true;
}

/** An AMQP channel of the client. */
type Channel = Awaited<ReturnType<AMQPClient["channel"]>>;

/**
 * Use an entity as it is (a passive declare finds it), or declare it
 * durable when it is missing.
 */
async function ensure(
  client: AMQPClient,
  declare: (
    channel: Channel,
    options: { passive?: boolean; durable?: boolean },
  ) => Promise<unknown>,
): Promise<void> {
  if (await exists(client, (channel) => declare(channel, { passive: true }))) {
    return;
  }
  const channel = await client.channel();
  await declare(channel, { durable: true });
  await channel.close().catch(() => {});
}

/**
 * Use the queue `name` as it is, or declare it durable when it is missing.
 *
 * @param client A connected client.
 * @param name The queue.
 * @returns When the queue exists.
 */
export function ensureQueue(client: AMQPClient, name: string): Promise<void> {
  return ensure(
    client,
    (channel, options) => channel.queueDeclare(name, options),
  );
}

/**
 * The exchange of the service's name exists with another type than topic:
 * the events cannot be routed by name through it.
 */
export class ExchangeTypeError extends Error {
  /**
   * @param exchange The exchange.
   * @param type Its type, as the broker said (`direct`, `fanout`, …).
   */
  constructor(exchange: string, type: string) {
    super(
      `exchange '${exchange}' exists as a '${type}' exchange, not a durable topic exchange: delete it (the service then declares it), as events published to it reach no queue or the wrong ones`,
    );
    this.name = "ExchangeTypeError";
  }
}

/**
 * Use the exchange `name` as it is, or declare it as a durable topic
 * exchange when it is missing. One that exists is declared again, as a
 * durable topic exchange, on a channel of its own, to learn its type: the
 * broker refuses the declare naming the type when it differs (and other
 * differences, a non-durable one, are left as they are, as is a user
 * without the right to declare, refused with 403).
 *
 * @param client A connected client.
 * @param name The exchange.
 * @returns When the exchange exists.
 * @throws {ExchangeTypeError} When it exists with another type than topic.
 */
export async function ensureTopicExchange(
  client: AMQPClient,
  name: string,
): Promise<void> {
  await ensure(
    client,
    (channel, options) => channel.exchangeDeclare(name, "topic", options),
  );
  const channel = await client.channel();
  // A refusal closes the channel: expected, not worth the client's error log.
  channel.onerror = () => {};
  try {
    await channel.exchangeDeclare(name, "topic", { durable: true });
  } catch (error) {
    const type = error instanceof Error &&
      /inequivalent arg 'type'.*current is '([^']*)'/.exec(error.message);
    if (type) throw new ExchangeTypeError(name, type[1]!);
    return;
  }
  await channel.close().catch(() => {});
}
