/**
 * {@linkcode DefaultQueueWatch}: says when the default queue (`gateway.recv`,
 * declared with `DEFAULT_QUEUE`) fills up with nobody reading it.
 *
 * `DEFAULT_QUEUE` is on by default (twilight-dispatch's contract), and the
 * queue is bound to every event, durable and unbounded. A deployment whose
 * workers consume queues of their own leaves it growing until RabbitMQ's
 * disk or memory alarm blocks publishing and every shard pauses: the whole
 * bot stops, and nothing said why (measured: 5,024 messages, no consumer,
 * `/healthcheck` OK, no line). A passive declare at each connection, then
 * every minute, reads its message and consumer counts, on a channel of its
 * own of the publisher's connection, and the queue is bound to every event
 * again there: unbound while another queue is bound to the exchange, it
 * gets no event and RabbitMQ returns none (the other queue takes them), so
 * only a check can bring it back.
 *
 * @module
 */
import type { AMQPClient } from "@cloudamqp/amqp-client";
import { getLogger } from "@logtape/logtape";
import {
  MAX_TIMER_DELAY,
  type Scheduler,
  type TimerId,
} from "../base/scheduler.ts";
import { errorText } from "../base/error_text.ts";
import { assertIntegerOption } from "../base/option_checks.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";

const logger = getLogger(["disruption", "dispatch", "queue"]);
const visible = getVisibleLogger(["disruption", "dispatch", "queue"]);

/** How often the queue is checked, in milliseconds. */
export const DEFAULT_QUEUE_CHECK_INTERVAL = 60_000;
/** Messages waiting, with no consumer, from which the queue is said. */
export const DEFAULT_QUEUE_BACKLOG = 10_000;
/** How much larger the backlog must grow before it is said again. */
const WORSE_FACTOR = 10;

/** What one check read. */
export interface QueueCounts {
  /** Messages ready in the queue. */
  readonly messages: number;
  /** Consumers subscribed to it. */
  readonly consumers: number;
}

/** Options for {@linkcode DefaultQueueWatch}. */
export interface DefaultQueueWatchOptions {
  /** The queue watched. */
  queue: string;
  /** The clock the checks run on. */
  scheduler: Scheduler;
  /**
   * Milliseconds between two checks, an integer from 1 to 2147483647.
   *
   * @default {DEFAULT_QUEUE_CHECK_INTERVAL}
   */
  interval?: number;
  /**
   * Messages waiting with no consumer from which a growing queue is said,
   * an integer from 1.
   *
   * @default {DEFAULT_QUEUE_BACKLOG}
   */
  backlog?: number;
  /**
   * The exchange the queue is bound to every event (`#`) of again at each
   * check, as the service's set-up binds it (`bindToEveryEvent`): a binding
   * removed is back within one interval. AMQP cannot tell whether it was
   * missing, so a bind that was needed is not said. Without it, no bind.
   */
  exchange?: string;
  /** Called with the counts of every check that succeeded (for gauges). */
  onCounts?: (counts: QueueCounts) => void;
  /**
   * Declares and binds the queue again through the client: called (and
   * said on stderr) when a check finds it deleted (404 `NOT_FOUND`), as
   * the events published meanwhile do not reach it.
   */
  redeclare?: (client: AMQPClient) => Promise<void>;
}

/**
 * Checks a queue periodically and warns (visible on stderr) when it has no
 * consumer and grows past the backlog: once, again each time it grows ten
 * times larger than when last said, and an info line once it is consumed
 * again or falls below the backlog. Each check binds the queue to every
 * event of `exchange` again. A queue found deleted is said on stderr and
 * declared and bound again (`redeclare`). A check the broker refuses
 * otherwise (the channel or the bind refused: said once until one
 * succeeds) or that is still in flight changes nothing else; the next one
 * is made on time.
 */
export class DefaultQueueWatch {
  readonly #queue: string;
  readonly #scheduler: Scheduler;
  readonly #interval: number;
  readonly #backlog: number;
  readonly #exchange: string | undefined;
  readonly #onCounts: ((counts: QueueCounts) => void) | undefined;
  readonly #redeclare: ((client: AMQPClient) => Promise<void>) | undefined;
  #client: AMQPClient | undefined;
  #timer: TimerId | undefined;
  #checking: Promise<void> | undefined;
  /** The message count of the previous successful check. */
  #previous: number | undefined;
  /** The message count when the backlog was last said (while it lasts). */
  #saidAt: number | undefined;
  /** A check failed, said once, and none has succeeded since. */
  #failing = false;
  #closed = false;

  /**
   * Create the watch; it checks from the first {@linkcode attach}.
   *
   * @param options The queue, the clock and the thresholds.
   * @throws {RangeError} `interval` or `backlog` is out of its range.
   */
  constructor(options: DefaultQueueWatchOptions) {
    const interval = options.interval ?? DEFAULT_QUEUE_CHECK_INTERVAL;
    const backlog = options.backlog ?? DEFAULT_QUEUE_BACKLOG;
    const what = "default queue watch";
    assertIntegerOption(what, "interval", interval, 1, MAX_TIMER_DELAY);
    assertIntegerOption(what, "backlog", backlog, 1);
    this.#queue = options.queue;
    this.#scheduler = options.scheduler;
    this.#interval = interval;
    this.#backlog = backlog;
    this.#exchange = options.exchange;
    this.#onCounts = options.onCounts;
    this.#redeclare = options.redeclare;
  }

  /**
   * Check through `client` from now on (the publisher's connection, given
   * on every new one): at once (after a check in flight, which may be
   * through the connection lost), then every interval from now.
   *
   * @param client A connected client.
   */
  attach(client: AMQPClient): void {
    this.#client = client;
    if (this.#closed) return;
    // At once: until a check, the gauges read 0 messages and 0 consumers,
    // which is what an alert on an unread queue looks for (a whole interval
    // after every start and reconnect). The interval restarts from here, so
    // a reconnect does not add a check moments before the next one.
    if (this.#timer !== undefined) this.#scheduler.clearTimeout(this.#timer);
    this.#arm();
    const inFlight = this.#checking;
    if (inFlight === undefined) this.check();
    else {
      inFlight.then(() => {
        if (!this.#closed) this.check();
      });
    }
  }

  /**
   * Check the queue now, or join the check in flight (one at a time: a
   * broker that does not answer, under a resource alarm, piles nothing up).
   *
   * @returns When the check ended; it never rejects.
   */
  check(): Promise<void> {
    this.#checking ??= this.#check().finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  /** Stop checking; a check in flight ends on its own. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) this.#scheduler.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    this.#timer = this.#scheduler.setTimeout(() => {
      this.#timer = undefined;
      if (this.#closed) return;
      this.check();
      this.#arm();
    }, this.#interval);
  }

  async #check(): Promise<void> {
    const client = this.#client;
    if (!client || client.closed) return;
    let counts: QueueCounts | undefined;
    try {
      const channel = await client.channel();
      // A refusal (the queue deleted: 404) closes the channel: expected,
      // not worth the client's error log.
      channel.onerror = () => {};
      const ok = await channel.queueDeclare(this.#queue, { passive: true });
      counts = { messages: ok.messageCount, consumers: ok.consumerCount };
      if (this.#exchange !== undefined) {
        await channel.queueBind(this.#queue, this.#exchange, "#");
      }
      await channel.close().catch(() => {});
    } catch (error) {
      const message = errorText(error);
      // "channel 2 closed: NOT_FOUND - no queue 'gateway.recv' ... (404)",
      // from the declare (a bind's 404 may be the exchange's).
      if (
        counts === undefined && this.#redeclare &&
        /NOT_FOUND|\(404\)/.test(message)
      ) {
        await this.#recreate(client, message);
        return;
      }
      if (!this.#failing) {
        this.#failing = true;
        logger.info("Checking {queue} failed: {message}", {
          queue: this.#queue,
          message,
        });
      }
      // The counts read before a refused bind are still right.
      if (counts !== undefined) this.#read(counts);
      return;
    }
    this.#failing = false;
    this.#read(counts);
  }

  /** Give the counts a check read, and judge the backlog by them. */
  #read(counts: QueueCounts): void {
    this.#onCounts?.(counts);
    this.#judge(counts);
  }

  /** The queue was deleted: say so, and declare and bind it again. */
  async #recreate(client: AMQPClient, reason: string): Promise<void> {
    // Had no queue taken the events, RabbitMQ would have returned them and
    // the publisher's reconnect declared it already: other queues took them.
    visible.warn(
      "{queue} was deleted ({reason}): declaring and binding it again. The events published while it was missing (up to {seconds} s, the check interval) reached only the other queues bound to the exchange: lost for {queue}'s consumers",
      { queue: this.#queue, reason, seconds: this.#interval / 1000 },
    );
    try {
      await this.#redeclare!(client);
    } catch (error) {
      visible.warn("Declaring {queue} again failed: {message}", {
        queue: this.#queue,
        message: errorText(error),
      });
    }
  }

  /** Say the backlog when it starts or worsens, and when it ends. */
  #judge({ messages, consumers }: QueueCounts): void {
    const previous = this.#previous;
    this.#previous = messages;
    const said = this.#saidAt;
    if (said !== undefined) {
      if (consumers > 0 || messages < this.#backlog) {
        this.#saidAt = undefined;
        logger.info(
          "{queue} is no longer filling up unread: {messages} message(s), {consumers} consumer(s)",
          { queue: this.#queue, messages, consumers },
        );
        return;
      }
      if (messages < said * WORSE_FACTOR) return;
    } else if (
      consumers > 0 || messages < this.#backlog || previous === undefined ||
      messages <= previous
    ) return;
    this.#saidAt = messages;
    visible.warn(
      "{queue} holds {messages} messages and has no consumer, and it keeps growing: every event is also published to it (DEFAULT_QUEUE is true). Set DEFAULT_QUEUE=false if your workers consume queues of their own, or consume {queue}; otherwise it grows until RabbitMQ's disk or memory alarm blocks publishing and every shard pauses",
      { queue: this.#queue, messages },
    );
  }
}
