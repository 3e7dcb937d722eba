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
 * It skips an event whose `s` is at or below the last one it handled for the
 * shard (a duplicate: after a crash of the service a few events may come
 * twice), and starts over on the shard's `READY` of a new session (its `s`
 * starts again from 1), so it binds `READY` too; a `READY` of the session it
 * already saw (the service publishes it again when a confirm is lost) is a
 * duplicate like any other, and the events after it are not handled twice.
 * Every message is settled:
 * acked once handled, or, when REST refuses the answer (a deleted channel,
 * missing permissions), logged on stderr and rejected without requeue, so a
 * failing channel never fills the prefetch and stops the worker.
 *
 * When the broker drops its connection (a restart, `rabbitmqctl
 * close_all_connections`, a network cut), it says so on stderr and connects
 * again, after 250 ms, then twice as long each failed try up to every 5 s,
 * and subscribes again (the durable queue and its bindings outlive the
 * connection): the messages it had not acked yet are delivered again, and the
 * duplicate check skips those it had already answered.
 *
 * Run one worker per queue: the duplicate check is this process's memory.
 * Workers sharing a queue (each message goes to one of them) each see part
 * of every shard's events, and only the one that takes a `READY` starts
 * over, so a last-`s` check skips events the others never handled; they
 * must deduplicate by each message's `messageId` (`<shard>:<session_id>:<s>`)
 * in a shared store instead, or the queue be declared with
 * `x-single-active-consumer` (see the README's "A consumer").
 * Ctrl+C (or SIGTERM) stops it: the consumer is cancelled first, and the
 * messages being answered are answered and acked (for up to 10 s) before
 * the connection closes, so none comes again to be answered twice.
 *
 * @module
 */
import { type AMQPMessage, AMQPSession } from "@cloudamqp/amqp-client";
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
  /**
   * The exchange the service publishes to (its `EXCHANGE`).
   *
   * @default {"gateway"}
   */
  exchange?: string;
}

/** What the service publishes for a `MESSAGE_CREATE` (or a `READY`). */
type PublishedEvent =
  & { s: number; shard: number }
  & (
    | { t: "MESSAGE_CREATE"; d: MessageCreateDispatch }
    | { t: "READY"; d: { session_id: string } }
  );

/** How long {@linkcode startPingWorker}'s close waits for handlers under way. */
const CLOSE_WAIT_MS = 10_000;

/** The events the worker's queue is bound to. */
const EVENTS = ["MESSAGE_CREATE", "READY"];

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
  const exchange = options.exchange ?? "gateway";
  // A session, not a bare AMQPClient: a bare client that loses its
  // connection stops consuming for good, silently.
  const session = await AMQPSession.connect(options.amqpUrl, {
    reconnectInterval: 250,
    maxReconnectInterval: 5_000,
    ondisconnect: (error) =>
      console.error(
        `RabbitMQ connection lost (${
          error?.message ?? "closed"
        }); connecting again`,
      ),
    // Recovery subscribes again but declares nothing (the durable queue and
    // its bindings outlive the connection): it fails if the queue was deleted.
    onrecoverfailed: (name, error) =>
      console.error(`Consuming ${name} again failed: ${error.message}`),
  });
  await session.exchange(exchange, "topic", { durable: true });
  const pingbot = await session.queue(queue, { durable: true });
  for (const event of EVENTS) await pingbot.bind(exchange, event);
  // The last sequence handled per shard: after a crash of the service a few
  // events may come twice, and `shard` + `s` say which. A new session
  // starts over from 1 with its READY (the first of its session_id).
  const lastSeen = new Map<number, number>();
  const lastSession = new Map<number, string>();
  // Acked by hand once handled, never before: one unacked when the
  // connection drops is delivered again, not lost.
  const consume = { prefetch: 50, manualAck: true };
  const handle = async (message: AMQPMessage): Promise<void> => {
    let event: PublishedEvent;
    try {
      event = JSON.parse(message.bodyToString() ?? "");
    } catch {
      await message.reject(false);
      return;
    }
    if (
      event.t === "READY" &&
      lastSession.get(event.shard) !== event.d?.session_id
    ) {
      lastSession.set(event.shard, event.d?.session_id);
      lastSeen.delete(event.shard);
    }
    if ((lastSeen.get(event.shard) ?? 0) >= event.s) {
      await message.ack();
      return;
    }
    lastSeen.set(event.shard, event.s);
    if (event.t === "MESSAGE_CREATE" && event.d.content === "!ping") {
      try {
        await rest.createMessage(event.d.channel_id, {
          content: "pong",
          // A reply: it also says which !ping it answers.
          message_reference: { message_id: event.d.id },
        });
      } catch (error) {
        // Settled either way: an unsettled message holds a prefetch slot
        // for good, and 50 of them stop the worker.
        console.error(
          `Answering !ping in channel ${event.d.channel_id} failed: ${
            error instanceof Error ? error.message : String(error)
          }`,
        );
        await message.reject(false);
        return;
      }
    }
    await message.ack();
  };
  // The handlers under way, which close() lets finish and settle.
  const handling = new Set<Promise<void>>();
  let closing = false;
  const subscription = await pingbot.subscribe(consume, (message) => {
    // Left unsettled: the close gives it back to the queue, for the next
    // worker.
    if (closing) return;
    const handled = handle(message).finally(() => handling.delete(handled));
    handling.add(handled);
    return handled;
  });
  return {
    async close(): Promise<void> {
      closing = true;
      // The consumer first, then the handlers under way, then the
      // connection: stopped at once, their answers still went out but their
      // acks could not, and each message came again and was answered twice.
      await subscription.channel.basicCancel(subscription.consumerTag)
        .catch(() => {});
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.allSettled(handling),
        // A handler that hangs (REST rate-limited for long) does not hold
        // the close for ever: its message comes again.
        new Promise((resolve) => timer = setTimeout(resolve, CLOSE_WAIT_MS)),
      ]);
      clearTimeout(timer);
      await session.stop();
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
  // SIGTERM too: `docker stop` and systemd send it.
  const stop = (): void => {
    worker.close().then(() => Deno.exit(0));
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}
