/**
 * {@linkcode CommandConsumer}: the subscription to `gateway.send`, kept up
 * on its own. The broker can end a consumer while the connection stays up:
 * it cancels it when the queue is deleted (an operator redeclaring it, a
 * queue failover), and closes its channel on a channel error (a consumer
 * acknowledgement timeout). Each time, the queue is ensured and subscribed
 * to again, backing off. A subscription that fails (another client holds an
 * exclusive consumer on the queue, or declared it exclusive) is retried the
 * same way and never touches the publishing of events.
 *
 * @module
 */
import type {
  AMQPChannel,
  AMQPClient,
  AMQPConsumer,
  AMQPMessage,
} from "@cloudamqp/amqp-client";
import { getLogger } from "@logtape/logtape";
import { errorText } from "../base/error_text.ts";
import { backoffDelay } from "../base/backoff.ts";
import {
  realScheduler,
  type Scheduler,
  type TimerId,
} from "../base/scheduler.ts";
import { ensureQueue } from "./declare.ts";

const logger = getLogger(["disruption", "dispatch", "commands"]);

/** Options for {@linkcode CommandConsumer}. */
export interface CommandConsumerOptions {
  /** The queue commands are read from. */
  queue: string;
  /** Unacknowledged commands the broker delivers at most (`basic.qos`). */
  prefetch: number;
  /**
   * Called with every command; it acks, rejects or requeues it. `signal` is
   * aborted when the consumer that delivered it ends (its channel closed,
   * the connection lost, the broker cancelled it, or
   * {@linkcode CommandConsumer.close}): the delivery can no longer be
   * settled, RabbitMQ redelivers the message to the next consumer, and
   * work still pending for it (a command waiting in a shard's send queue)
   * should be given up so that it is not done twice.
   */
  onMessage: (message: AMQPMessage, signal: AbortSignal) => Promise<void>;
  /** Called when consuming starts or stops. */
  onConsuming?: (consuming: boolean) => void;
  /**
   * The clock the retries wait on.
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
  /**
   * Milliseconds before the first new subscription (doubling up to 30 s).
   *
   * @default {250}
   */
  retryDelay?: number;
}

/** The longest wait between two subscriptions. */
const MAX_RETRY_DELAY = 30_000;
/** A consumer that lived this long starts the backoff over when it ends. */
const STABLE_AFTER = 60_000;

/** Keeps one consumer on the command queue of the current connection. */
export class CommandConsumer {
  readonly #options: CommandConsumerOptions;
  readonly #scheduler: Scheduler;
  readonly #retryBase: number;
  /** Failed subscriptions in a row: the backoff's attempt. */
  #failures = 0;
  #client: AMQPClient | undefined;
  #channel: AMQPChannel | undefined;
  /** Aborted when the current consumer ends: its deliveries are void. */
  #deliveries: AbortController | undefined;
  #retryTimer: TimerId | undefined;
  #consuming = false;
  #closed = false;

  /**
   * Create it; nothing is subscribed until {@linkcode CommandConsumer.attach}.
   *
   * @param options The queue and the callbacks.
   */
  constructor(options: CommandConsumerOptions) {
    this.#options = options;
    this.#scheduler = options.scheduler ?? realScheduler;
    this.#retryBase = options.retryDelay ?? 250;
  }

  /** Whether a consumer on the queue is subscribed. */
  get consuming(): boolean {
    return this.#consuming;
  }

  /**
   * Consume on a new connection (the last one is gone). Returns at once:
   * subscribing, and retrying it, go on in the background for as long as
   * this is the connection.
   *
   * @param client A connected client.
   */
  attach(client: AMQPClient): void {
    if (this.#closed) return;
    this.#cancelRetry();
    this.#client = client;
    this.#channel = undefined;
    this.#setConsuming(false);
    this.#failures = 0;
    this.#subscribe(client);
  }

  /** Stop consuming and retrying (the connection is closed by its owner). */
  close(): void {
    this.#closed = true;
    this.#deliveries?.abort(new Error("The command consumer was closed"));
    this.#cancelRetry();
    this.#client = undefined;
    this.#setConsuming(false);
  }

  #current(client: AMQPClient): boolean {
    return !this.#closed && client === this.#client && !client.closed;
  }

  /**
   * Whether to retry on `client`: it is still the connection. A lost one
   * is no reason to (the publisher reconnects and attaches the next), but
   * nothing is consumed until then.
   */
  #retryOn(client: AMQPClient): boolean {
    if (this.#current(client)) return true;
    if (client === this.#client) this.#setConsuming(false);
    return false;
  }

  async #subscribe(client: AMQPClient): Promise<void> {
    const { queue, prefetch } = this.#options;
    // The channel of a consumer the broker cancelled is still open; its
    // unacknowledged commands go back to the queue with it.
    this.#channel?.close().catch(() => {});
    this.#channel = undefined;
    let channel: AMQPChannel | undefined;
    let consumer: AMQPConsumer;
    const deliveries = new AbortController();
    try {
      await ensureQueue(client, queue);
      channel = await client.channel();
      // A refusal closes the channel; it is reported below, once.
      channel.onerror = () => {};
      await channel.basicQos(prefetch);
      consumer = await channel.basicConsume(
        queue,
        { noAck: false },
        (message) => this.#options.onMessage(message, deliveries.signal),
      );
    } catch (error) {
      deliveries.abort(error);
      channel?.close().catch(() => {});
      if (!this.#retryOn(client)) return;
      this.#retry(client, false, error);
      return;
    }
    if (!this.#current(client)) {
      deliveries.abort(new Error("The connection was replaced"));
      channel.close().catch(() => {});
      return;
    }
    this.#channel = channel;
    this.#deliveries = deliveries;
    const since = this.#scheduler.now();
    this.#setConsuming(true);
    logger.info("Consuming commands from {queue}", { queue });
    // Resolves when the client closed it, rejects when the broker did (or
    // the connection was lost). Either way its unacknowledged messages go
    // back to the queue (now, or when the channel of a cancelled consumer
    // is closed) and are delivered again: what still waits for them is
    // given up. A command already written to Discord cannot be taken back.
    consumer.wait().then(
      () => {
        deliveries.abort(new Error("The command consumer ended"));
        this.#ended(client, since, undefined);
      },
      (error) => {
        deliveries.abort(error);
        this.#ended(client, since, error);
      },
    );
  }

  #ended(client: AMQPClient, since: number, error: unknown): void {
    if (!this.#retryOn(client)) return;
    if (this.#scheduler.now() - since >= STABLE_AFTER) this.#failures = 0;
    this.#retry(client, true, error ?? "closed");
  }

  /**
   * Subscribe again after the backoff.
   *
   * @param ended Whether a subscribed consumer ended (else subscribing failed).
   */
  #retry(client: AMQPClient, ended: boolean, error: unknown): void {
    this.#setConsuming(false);
    // The library's one backoff formula, without jitter: base, doubling.
    const delay = backoffDelay(++this.#failures, {
      min: this.#retryBase,
      max: MAX_RETRY_DELAY,
      jitter: 0,
    });
    // Commands pile up in the queue meanwhile: a warning, every time.
    const properties = {
      queue: this.#options.queue,
      message: errorText(error),
      ms: delay,
    };
    if (ended) {
      logger.warn(
        "RabbitMQ ended the consumer of {queue} ({message}); commands wait in the queue, subscribing again in {ms} ms",
        properties,
      );
    } else {
      logger.warn(
        "Cannot consume commands from {queue} ({message}); they wait in the queue, retrying in {ms} ms",
        properties,
      );
    }
    this.#cancelRetry();
    this.#retryTimer = this.#scheduler.setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#current(client)) this.#subscribe(client);
    }, delay);
  }

  #cancelRetry(): void {
    if (this.#retryTimer !== undefined) {
      this.#scheduler.clearTimeout(this.#retryTimer);
    }
    this.#retryTimer = undefined;
  }

  #setConsuming(consuming: boolean): void {
    if (this.#consuming === consuming) return;
    this.#consuming = consuming;
    this.#options.onConsuming?.(consuming);
  }
}
