// deno-lint-ignore-file no-console -- examples print what they do
/**
 * A worker of the dispatch service: it consumes `MESSAGE_CREATE` from its own
 * RabbitMQ queue (bound to the `gateway` exchange) and answers `!ping` with
 * `pong` through REST. Run the service (`deno task dispatch`), then:
 *
 * ```sh
 * BOT_TOKEN=... AMQP_URL=amqp://guest:guest@127.0.0.1:5672 \
 *   deno run --allow-net --allow-env examples/dispatch_worker.ts
 * ```
 *
 * Any number of workers can share the queue; each message goes to one of
 * them. Ctrl+C stops it.
 *
 * @module
 */
import { AMQPClient } from "@cloudamqp/amqp-client";
import {
  RestClient,
  type RestClientOptions,
} from "@disruption/disruption/rest";
import type { MessageCreateDispatch } from "@disruption/disruption/types";

/** Options for {@linkcode startPingWorker}. */
export interface PingWorkerOptions {
  /** The broker, e.g. `amqp://guest:guest@127.0.0.1:5672`. */
  amqpUrl: string;
  /** The bot token, for REST. */
  token: string;
  /** The REST base URL (the fake Discord's, in tests). */
  restBaseUrl?: string;
  /**
   * The worker's queue.
   *
   * @default {"pingbot"}
   */
  queue?: string;
}

/** What the service publishes for a `MESSAGE_CREATE`. */
interface PublishedEvent {
  t: string;
  s: number;
  shard: number;
  d: MessageCreateDispatch;
}

/**
 * Start consuming; resolves once the queue is bound and the consumer runs.
 *
 * @param options Broker, token and queue.
 * @returns A handle that stops the worker.
 */
export async function startPingWorker(
  options: PingWorkerOptions,
): Promise<{ close(): Promise<void> }> {
  const restOptions: RestClientOptions = { token: options.token };
  if (options.restBaseUrl) restOptions.baseUrl = options.restBaseUrl;
  const rest = new RestClient(restOptions);
  const queue = options.queue ?? "pingbot";
  const amqp = new AMQPClient(options.amqpUrl);
  await amqp.connect();
  const channel = await amqp.channel();
  await channel.exchangeDeclare("gateway", "topic", { durable: true });
  await channel.queueDeclare(queue, { durable: true });
  await channel.queueBind(queue, "gateway", "MESSAGE_CREATE");
  await channel.basicQos(50);
  // The last sequence handled per shard: after a crash of the service a few
  // events may come twice, and `shard` + `s` say which (READY starts over).
  const lastSeen = new Map<number, number>();
  await channel.basicConsume(queue, { noAck: false }, async (message) => {
    let event: PublishedEvent;
    try {
      event = JSON.parse(message.bodyToString() ?? "");
    } catch {
      await message.reject(false);
      return;
    }
    if ((lastSeen.get(event.shard) ?? 0) >= event.s) {
      await message.ack();
      return;
    }
    lastSeen.set(event.shard, event.s);
    if (event.d.content === "!ping") {
      await rest.createMessage(event.d.channel_id, { content: "pong" });
    }
    await message.ack();
  });
  return {
    async close(): Promise<void> {
      await amqp.close();
    },
  };
}

if (import.meta.main) {
  const token = Deno.env.get("BOT_TOKEN");
  if (!token) {
    console.error("Set BOT_TOKEN (and AMQP_URL if RabbitMQ is elsewhere)");
    Deno.exit(1);
  }
  const worker = await startPingWorker({
    token,
    amqpUrl: Deno.env.get("AMQP_URL") ?? "amqp://guest:guest@127.0.0.1:5672",
  });
  console.log("Answering !ping from the dispatch service's events");
  Deno.addSignalListener("SIGINT", () => {
    worker.close().then(() => Deno.exit(0));
  });
}
