/**
 * The default queue (`DEFAULT_QUEUE`) declared and bound to every event:
 * at each connection, and again when it is found deleted while running.
 *
 * @module
 */
import type { AMQPClient } from "@cloudamqp/amqp-client";
import { ensureQueue } from "./declare.ts";

/**
 * Declare `queue` (as it is, if it exists) and bind it to every routing key
 * of `exchange`.
 *
 * @param client A connected client.
 * @param queue The queue.
 * @param exchange The topic exchange.
 * @returns When both are done.
 */
export async function bindToEveryEvent(
  client: AMQPClient,
  queue: string,
  exchange: string,
): Promise<void> {
  await ensureQueue(client, queue);
  const channel = await client.channel();
  await channel.queueBind(queue, exchange, "#");
  await channel.close().catch(() => {});
}
