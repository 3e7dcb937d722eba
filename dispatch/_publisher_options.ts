/**
 * What a {@linkcode ConfirmedPublisher} is given: its options and the
 * events it publishes (kept out of `publisher.ts`, near its line bound).
 *
 * @module
 */
import type { AMQPClient } from "@cloudamqp/amqp-client";
import type { Scheduler } from "../base/scheduler.ts";

/** One event on its way to the broker. */
export interface PendingEvent {
  /** The shard that received it. */
  readonly shardId: number;
  /** The session it belongs to (sequences restart with a new session). */
  readonly sessionId: string | undefined;
  /** Its sequence number. */
  readonly sequence: number;
  /** The routing key (the event name). */
  readonly routingKey: string;
  /**
   * Not sent to the broker: the event only keeps its place in line, and
   * counts as confirmed once every event before it is (so its sequence is
   * saved for resuming in order, and a RESUME does not ask for it again).
   * For an event that cannot be published, e.g. a name too long to be a
   * routing key.
   */
  readonly skip?: boolean;
  /** The message body; `undefined` until it is known (e.g. waiting for `old`). */
  body: string | undefined;
  /**
   * What the event counts against the byte bound while its `body` is
   * `undefined` (UTF-16 code units): the text the body will be built from,
   * which the caller holds meanwhile (the frame, while `old` is read). Once
   * the body is set and {@linkcode ConfirmedPublisher.bodyReady} called, the
   * body's length counts instead. 0 when unset.
   */
  readonly expectedLength?: number;
  /** When it entered the buffer, in `performance.now()` milliseconds. */
  readonly queuedAt: number;
}

/** Options for {@linkcode ConfirmedPublisher}. */
export interface ConfirmedPublisherOptions {
  /** `amqp://user:password@host:port/vhost`. */
  url: string;
  /** The exchange events go to. */
  exchange: string;
  /** Events held (unconfirmed) before {@linkcode ConfirmedPublisher.full}. */
  capacity: number;
  /**
   * Bytes of bodies held (unconfirmed) before
   * {@linkcode ConfirmedPublisher.full}, counted as
   * {@linkcode ConfirmedPublisher.bytes} counts them. One event larger than
   * the bound is still taken, and alone does not fill the buffer.
   *
   * @default {DEFAULT_BYTE_CAPACITY}
   */
  byteCapacity?: number;
  /**
   * Sets up what publishing needs (queues, bindings) on every new
   * connection, after the exchange is declared and before the first
   * publish. A failure fails the connection (retried), so nothing else
   * belongs here: a consumer is started from it without being awaited, and
   * retries on its own (see `CommandConsumer`).
   */
  onConnect?: (client: AMQPClient) => Promise<void>;
  /** Called, in order, with every event once the broker confirmed it. */
  onConfirmed?: (event: PendingEvent) => void;
  /** Called when the buffer has room again after being full. */
  onRoom?: () => void;
  /** Called when the connection goes up or down. */
  onConnection?: (connected: boolean) => void;
  /**
   * Called with `true` when the broker blocks publishing (a resource alarm:
   * memory, disk; see {@linkcode ConfirmedPublisher.blocked}), with `false`
   * when it unblocks or the blocked connection is gone.
   */
  onBlocked?: (blocked: boolean) => void;
  /**
   * Called with an event each time the broker refuses it (a nack: a queue
   * bound to the exchange is full with `x-overflow: reject-publish`, or
   * the broker failed to store it). Publishing then stops: the refused
   * events are sent again, alone and in order, every 250 ms doubling up to
   * 30 s, until the broker takes them; the buffer fills meanwhile (so
   * {@linkcode ConfirmedPublisher.push} says when to stop taking events).
   * The queues that did take a refused event get it again with each
   * attempt.
   */
  onNack?: (event: PendingEvent) => void;
  /**
   * Publish with `mandatory`: an event no queue takes (the only bound queue
   * deleted or unbound) is returned by the broker, which confirms it all
   * the same. A returned event is not counted as confirmed: the connection
   * is dropped and made again (so `onConnect` declares and binds the queues
   * again), and every unconfirmed event from the oldest on is sent again.
   * Only for an exchange every event must reach a queue of: a binding left
   * out on purpose would be returned for ever.
   *
   * @default {false}
   */
  mandatory?: boolean;
  /**
   * With `mandatory`, called once for each publish the broker returned
   * (unroutable), with the broker's reason (`NO_ROUTE`).
   */
  onReturned?: (routingKey: string, reason: string) => void;
  /**
   * Called with an event whose body is larger than the broker takes (its
   * `max_message_size`: 16 MiB by default on RabbitMQ 4, 128 MiB on 3): it
   * is never published, and counts as confirmed in its place in line.
   */
  onTooLarge?: (event: PendingEvent, bytes: number, max: number) => void;
  /**
   * What to fix when the broker refuses the login (403 `ACCESS_REFUSED`),
   * logged as an error with every refused attempt, and shown on stderr
   * unless LogTape is configured for it (once until a connection succeeds):
   * e.g. which settings hold the user name and password. Connecting is
   * retried as for an outage: the user may be created on the broker
   * meanwhile.
   *
   * @default {"check the user name and password of the URL"}
   */
  loginHint?: string;
  /**
   * The clock reconnection waits run on.
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
  /**
   * Milliseconds between reconnection attempts (doubling up to 5 s).
   *
   * @default {250}
   */
  retryDelay?: number;
}

/**
 * The default {@linkcode ConfirmedPublisherOptions.byteCapacity}: 256 MiB,
 * four of the largest frames a shard takes (64 MiB inflated). Without a
 * byte bound, the 10,000 events of the count bound could be that many such
 * frames: memory without bound in practice while RabbitMQ is down.
 */
export const DEFAULT_BYTE_CAPACITY: number = 256 * 1024 * 1024;

/** Unconfirmed events of one shard's session, as a shutdown leaves them. */
export interface UnconfirmedRun {
  /** The shard. */
  readonly shardId: number;
  /** The session they belong to. */
  readonly sessionId: string | undefined;
  /** How many. */
  count: number;
  /** The first one's sequence. */
  readonly first: number;
  /** The last one's sequence. */
  last: number;
}
