/**
 * {@linkcode ConfirmedPublisher}: publishes events to RabbitMQ as persistent
 * messages with publisher confirms, in order, through a buffer bounded in
 * events and in bytes that keeps every event until the broker confirmed it.
 * A lost connection puts the unconfirmed events back in line; they are sent
 * again, in order, once the connection is back (a consumer may then see one
 * twice, never miss one). An event the broker refuses (a nack: a queue full
 * with `x-overflow: reject-publish`) stops publishing: it alone is sent
 * again, with a growing wait, until it is taken (see
 * {@linkcode ConfirmedPublisherOptions.onNack}). With `mandatory`, an event
 * the broker returns (no queue took it) is not taken as confirmed: it is
 * sent again on a new connection, whose set-up binds the queues anew.
 *
 * @module
 */
export {
  type ConfirmedPublisherOptions,
  DEFAULT_BYTE_CAPACITY,
  type PendingEvent,
  type UnconfirmedRun,
} from "./_publisher_options.ts";
import { type AMQPChannel, AMQPClient } from "@cloudamqp/amqp-client";
import { getLogger } from "@logtape/logtape";
import { errorText } from "../base/error_text.ts";
import { backoffDelay } from "../base/backoff.ts";
import { BrokerSizeLimit } from "./_broker_size_limit.ts";
import { isBrokerNack } from "./_broker_nack.ts";
import { destroySocket, openConfirmChannel } from "./_publisher_open.ts";
import { ConfirmWatchdog } from "./_confirm_watchdog.ts";
import { ConnectionLog } from "./_connection_log.ts";
import {
  guardAmqpConnection,
  holdAmqpLibraryRejections,
} from "./amqp_library_rejections.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import { MAX_ROUTING_KEY_BYTES, routingKeyProblem } from "./event_name.ts";
import {
  type ConfirmedPublisherOptions,
  DEFAULT_BYTE_CAPACITY,
  type PendingEvent,
  type UnconfirmedRun,
} from "./_publisher_options.ts";
import {
  realScheduler,
  type Scheduler,
  settlesWithin,
  type TimerId,
} from "../base/scheduler.ts";

const logger = getLogger(["disruption", "dispatch", "publisher"]);
// Lines to act on: on stderr even where LogTape is not configured.
const visible = getVisibleLogger(["disruption", "dispatch", "publisher"]);

interface Slot {
  event: PendingEvent;
  /**
   * The connection epoch it was last sent on; 0 when not sent (or refused
   * unsent while the broker blocked publishing).
   */
  sentOn: number;
  confirmed: boolean;
  /** What it counts in {@linkcode ConfirmedPublisher.bytes}. */
  bytes: number;
}

/**
 * How far below both bounds the buffer must fall before shards resume. An
 * event over the byte bound left alone keeps them paused until it is
 * confirmed: resumed, the next event would fill the buffer again.
 */
const ROOM_FRACTION = 0.5;
const MAX_RETRY_DELAY = 5_000;
/**
 * A return this long after the previous one starts a new streak: a queue
 * deleted once, and declared again, reconnects at once the next time.
 */
const RETURN_STREAK_MS = 60_000;
/**
 * The longest wait between attempts at an event the broker refused. Each
 * attempt is taken again by the queues that took it before: a queue that
 * stays full for an hour costs each of them 120 copies, not one per 5 s.
 */
const MAX_NACK_RETRY_DELAY = 30_000;
/**
 * How long {@linkcode ConfirmedPublisher.close} waits for the broker's
 * close-ok before it drops the socket. A broker under a resource alarm
 * (memory, disk) does not read a blocked connection, so the close-ok never
 * comes, and the client's close has no timeout of its own.
 */
export const CLOSE_TIMEOUT = 2_000;

/**
 * Publishes in order with confirms through a bounded buffer; reconnects by
 * itself. The buffer never drops: {@linkcode ConfirmedPublisher.push}
 * always accepts, and reports when the buffer is full (in events or in
 * bytes) so the caller stops taking events (the dispatch service pauses its
 * shards).
 */
export class ConfirmedPublisher {
  readonly #options: ConfirmedPublisherOptions;
  readonly #retryBase: number;
  readonly #byteCapacity: number;
  #slots: Slot[] = [];
  /** The sum of the held slots' `bytes`. */
  #bytes = 0;
  /** Held slots counted by `expectedLength`, their body not yet known. */
  readonly #unmeasured = new Map<PendingEvent, Slot>();
  #head = 0;
  /** The first slot not yet sent on the current connection. */
  #next = 0;
  /** Bumped whenever what was sent must be sent again; stale answers are ignored. */
  #epoch = 0;
  /**
   * The epoch on which the broker returned a publish (unroutable): its
   * confirms are not trusted from then on, as a returned publish is
   * confirmed too, and they do not say which one it was.
   */
  #returnedOn = -1;
  /**
   * Returns in a row (a return within {@linkcode RETURN_STREAK_MS} of the
   * previous one): the reconnect backoff's attempt after a return. The
   * confirms each new connection gets before its own return reset
   * `#failures`, so without this a queue that keeps vanishing (an `expires`
   * policy and no consumer) had the service reconnect and resend every
   * ~2 s for as long as it lasted.
   */
  #returns = 0;
  /** `scheduler.now()` at the last return. */
  #lastReturnAt = -Infinity;
  /** The broker refuses publishes for now (a resource alarm). */
  #blocked = false;
  /**
   * The broker refused (nacked) an event: nothing new is sent until every
   * refused one was sent again, alone, and taken.
   */
  #stalled = false;
  /** Nacks during this stall; the log says how many once it ends. */
  #stallNacks = 0;
  /** Attempts at refused events this stall: the backoff's attempt. */
  #nackAttempts = 0;
  /** The wait before the next attempt at a refused event. */
  #nackTimer: TimerId | undefined;
  /** Says what the connection attempts meet, once per streak. */
  readonly #log: ConnectionLog;
  /** The broker's `max_message_size`, once a publish went over it. */
  readonly #sizeLimit = new BrokerSizeLimit();
  #client: AMQPClient | undefined;
  #channel: AMQPChannel | undefined;
  /** Loses the connection when it went silent with publishes unconfirmed. */
  #watchdog: ConfirmWatchdog | undefined;
  #connected = false;
  #closing = false;
  /** Failed connections in a row (reset by a confirm): the backoff's attempt. */
  #failures = 0;
  readonly #scheduler: Scheduler;
  #retryTimer: TimerId | undefined;
  #wasFull = false;
  #drainWaiters: (() => void)[] = [];
  #connecting: Promise<void> | undefined;
  /** Drops the open under way (see {@linkcode ConfirmedPublisher.close}). */
  #dropOpen: AbortController | undefined;
  /** Ends this publisher's hold on the AMQP client's stray rejections. */
  #releaseRejections: (() => void) | undefined;
  /** Confirmed-publish latency of the last event, in milliseconds. */
  lastLatency = 0;

  /**
   * Create a publisher; nothing connects until {@linkcode ConfirmedPublisher.start}.
   *
   * @param options Where to publish, the capacities and the callbacks.
   */
  constructor(options: ConfirmedPublisherOptions) {
    const byteCapacity = options.byteCapacity ?? DEFAULT_BYTE_CAPACITY;
    for (
      const [name, value] of [
        ["capacity", options.capacity],
        ["byteCapacity", byteCapacity],
      ] as const
    ) {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new RangeError(
          `Cannot create publisher as '${name}' must be a positive integer: current value '${value}'`,
        );
      }
    }
    this.#options = options;
    this.#byteCapacity = byteCapacity;
    this.#scheduler = options.scheduler ?? realScheduler;
    this.#retryBase = options.retryDelay ?? 250;
    this.#log = new ConnectionLog(this.#scheduler, options.loginHint);
  }

  /** Events held (sent or not) until the broker confirms them. */
  get size(): number {
    return this.#slots.length - this.#head;
  }

  /**
   * The held events' size: each body's length in UTF-16 code units (its
   * {@linkcode PendingEvent.expectedLength} until the body is known). That
   * is bytes for ASCII text; in memory a string takes one or two bytes per
   * unit.
   */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Whether the buffer holds `capacity` events or more, or `byteCapacity`
   * bytes or more, in more than one event. One event alone never fills it:
   * an event larger than the whole bound is taken (never dropped) without
   * pausing anyone, and with a `capacity` of 1 the RESUMED that ends a
   * pause refilled it at once (pauses for ever, thousands a minute).
   */
  get full(): boolean {
    return this.size > 1 && (this.size >= this.#options.capacity ||
      this.#bytes >= this.#byteCapacity);
  }

  /** Whether the connection to the broker is up. */
  get connected(): boolean {
    return this.#connected;
  }

  /**
   * Whether the broker blocks publishing (connection.blocked: a memory or
   * disk alarm). The connection stays up meanwhile, so
   * {@linkcode ConfirmedPublisher.connected} stays `true`, but nothing is
   * published: events wait in the buffer until it unblocks.
   */
  get blocked(): boolean {
    return this.#blocked;
  }

  /**
   * Connect for the first time. Resolves once connected or, when the broker
   * is unreachable, after the first attempt (retrying goes on in the
   * background; events wait in the buffer).
   *
   * @returns When the first attempt ended.
   */
  start(): Promise<void> {
    this.#closing = false;
    // The publisher's connection carries every AMQP call of the service.
    this.#releaseRejections ??= holdAmqpLibraryRejections();
    return this.#connect();
  }

  /**
   * Queue an event. It is sent once its body is set and every earlier event
   * was sent.
   *
   * @param event The event.
   * @returns `false` when the buffer is now {@linkcode ConfirmedPublisher.full}:
   *   stop taking events.
   * @throws {RangeError} When the routing key is not one (over 255 bytes
   *   of UTF-8) and the event is not a {@linkcode PendingEvent.skip}: the
   *   client would refuse it on every connection, and every event after it
   *   would wait behind it for ever.
   */
  push(event: PendingEvent): boolean {
    if (event.skip !== true && routingKeyProblem(event.routingKey)) {
      throw new RangeError(
        `Cannot publish as 'routingKey' must be at most ${MAX_ROUTING_KEY_BYTES} bytes of UTF-8: current length '${event.routingKey.length}'`,
      );
    }
    const slot: Slot = {
      event,
      sentOn: 0,
      confirmed: event.skip === true,
      bytes: event.body?.length ?? event.expectedLength ?? 0,
    };
    this.#slots.push(slot);
    this.#bytes += slot.bytes;
    if (event.body === undefined && !slot.confirmed) {
      this.#unmeasured.set(event, slot);
    }
    if (slot.confirmed) this.#advance();
    else if (event.body !== undefined) this.#pump();
    if (this.full) {
      this.#wasFull = true;
      return false;
    }
    return true;
  }

  /**
   * An event's body became known (see {@linkcode PendingEvent.body}): it
   * counts by its body's length from now on. A body that grew past the
   * bound fills the buffer for the next {@linkcode ConfirmedPublisher.push}.
   *
   * @param event The event whose body was set; every waiting one when left
   *   out (a scan of all that wait, which the one event spares).
   */
  bodyReady(event?: PendingEvent): void {
    const slots = event === undefined
      ? [...this.#unmeasured.values()]
      : [this.#unmeasured.get(event)];
    for (const slot of slots) {
      if (slot?.event.body === undefined) continue;
      const length = slot.event.body.length;
      this.#unmeasured.delete(slot.event);
      this.#bytes += length - slot.bytes;
      slot.bytes = length;
    }
    this.#pump();
  }

  /**
   * The events not confirmed yet, by shard and session, in order (for a
   * shutdown that could not drain to say which are lost).
   *
   * @returns One run per shard and session.
   */
  unconfirmed(): UnconfirmedRun[] {
    const runs = new Map<string, UnconfirmedRun>();
    for (let i = this.#head; i < this.#slots.length; i++) {
      const { event, confirmed } = this.#slots[i]!;
      if (confirmed) continue;
      const { shardId, sessionId, sequence } = event;
      const run = runs.get(`${shardId} ${sessionId}`);
      if (run) {
        run.count++;
        run.last = sequence;
        continue;
      }
      runs.set(`${shardId} ${sessionId}`, {
        shardId,
        sessionId,
        count: 1,
        first: sequence,
        last: sequence,
      });
    }
    return [...runs.values()];
  }

  /**
   * Wait until every buffered event is confirmed.
   *
   * @returns When the buffer is empty.
   */
  drained(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /**
   * Close the connection. Unconfirmed events stay unconfirmed (call
   * {@linkcode ConfirmedPublisher.drained} first to wait for them). The
   * broker's close-ok is awaited for at most {@linkcode CLOSE_TIMEOUT}
   * (a broker under a resource alarm never sends it); the socket is then
   * dropped.
   *
   * @returns When the connection is closed.
   */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#retryTimer !== undefined) {
      this.#scheduler.clearTimeout(this.#retryTimer);
    }
    this.#retryTimer = undefined;
    this.#endStall(false);
    // An open under way ends by itself (its close, once connected, is
    // awaited within its deadline) or is dropped: a broker that stopped
    // answering mid-set-up would keep a SIGTERM waiting up to the deadline.
    if (
      !await settlesWithin(this.#scheduler, this.#connecting, CLOSE_TIMEOUT)
    ) {
      this.#dropOpen?.abort();
      await this.#connecting;
    }
    const client = this.#client;
    this.#watchdog?.stop();
    this.#client = undefined;
    this.#channel = undefined;
    this.#setConnected(false);
    this.#setBlocked(false);
    this.#epoch++;
    if (client && !client.closed) {
      const closed = client.close().catch(() => {});
      if (!await settlesWithin(this.#scheduler, closed, CLOSE_TIMEOUT)) {
        logger.warn(
          "RabbitMQ did not answer the close in {ms} ms (blocked by a resource alarm?); dropping the connection",
          { ms: CLOSE_TIMEOUT },
        );
        destroySocket(client);
      }
    }
    for (const done of this.#drainWaiters.splice(0)) done();
    this.#releaseRejections?.();
    this.#releaseRejections = undefined;
  }

  #connect(): Promise<void> {
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #open(): Promise<void> {
    const client = new AMQPClient(this.#options.url);
    guardAmqpConnection(client);
    const drop = new AbortController();
    this.#dropOpen = drop;
    try {
      // A host that drops packets would keep connect() waiting for the
      // system's TCP timeout (minutes), and a broker gone silent after the
      // handshake the set-up for ever: start() and close() with them.
      const channel = await openConfirmChannel(client, {
        scheduler: this.#scheduler,
        exchange: this.#options.exchange,
        onConnect: this.#options.onConnect,
        onReturn: (key, reason) => this.#returned(client, key, reason),
        closing: () => this.#closing,
        signal: drop.signal,
      });
      if (channel === undefined) return;
      this.#client = client;
      this.#channel = channel;
      ++this.#epoch;
      const lost = (error?: Error) => this.#lost(client, error);
      this.#watchdog = new ConfirmWatchdog(
        client,
        channel,
        this.#scheduler,
        lost,
        this,
      );
      client.ondisconnect = lost;
      channel.onerror = (reason) => {
        this.#tooLarge(reason);
        this.#lost(client, new Error(reason));
      };
      // A resource alarm on the broker (memory, disk): publishes are
      // refused until it clears; events wait in the buffer meanwhile.
      client.onblocked = (reason) => {
        if (client !== this.#client) return;
        this.#setBlocked(true);
        logger.warn(
          "RabbitMQ blocked publishing ({reason}); {count} event(s) wait in the buffer",
          { reason, count: this.size },
        );
      };
      client.onunblocked = () => {
        if (client !== this.#client || !this.#blocked) return;
        this.#setBlocked(false);
        logger.info("RabbitMQ unblocked publishing");
        // The publishes refused while blocked (never written) go again, in
        // order; those written before the block stay in flight on this
        // connection and are confirmed as usual, so nothing is sent twice.
        // (During a nack stall they are among the refused, sent one by one.)
        if (!this.#stalled) this.#next = this.#head;
        this.#pump();
      };
      this.#setBlocked(false);
      // The backoff starts over once this connection proves itself (a
      // confirm), so a broker that nacks everything is not hammered.
      if (this.size === 0) this.#failures = 0;
      this.#next = this.#head;
      this.#setConnected(true);
      this.#log.connected(this.size);
      this.#pump();
    } catch (error) {
      if (!client.closed) client.close().catch(() => {});
      this.#log.failed(error, this.size, this.#backoff(this.#failures + 1));
      this.#scheduleRetry();
    }
  }

  /**
   * A channel error that says a message was over the broker's
   * `max_message_size` (see {@linkcode BrokerSizeLimit}): no body over it
   * is sent from now on; each one counts as confirmed where it stands.
   */
  #tooLarge(reason: string): void {
    if (!this.#sizeLimit.learn(reason)) return;
    for (let i = this.#head; i < this.#slots.length; i++) {
      this.#dropIfTooLarge(this.#slots[i]!);
    }
    this.#advance();
  }

  /** Whether the slot's body is over the broker's limit (then it is dropped). */
  #dropIfTooLarge(slot: Slot): boolean {
    const body = slot.event.body;
    if (slot.confirmed || body === undefined) return false;
    const bytes = this.#sizeLimit.over(slot.event, body);
    if (bytes === undefined) return false;
    slot.confirmed = true;
    this.#options.onTooLarge?.(slot.event, bytes, this.#sizeLimit.max!);
    return true;
  }

  #lost(client: AMQPClient, error: Error | undefined): void {
    if (client !== this.#client || this.#closing) return;
    this.#sizeLimit.lost(error?.message);
    this.#watchdog?.stop();
    this.#epoch++;
    this.#client = undefined;
    this.#channel = undefined;
    this.#setBlocked(false);
    // A new connection sends every unconfirmed event again anyway.
    this.#endStall(false);
    this.#setConnected(false);
    if (!client.closed) client.close().catch(() => {});
    this.#log.down();
    logger.warn(
      "RabbitMQ connection lost ({message}); {count} unconfirmed event(s) will be sent again",
      { message: error?.message ?? "closed", count: this.size },
    );
    this.#scheduleRetry();
  }

  /**
   * The broker returned a publish no queue took (`mandatory`): it was lost
   * to the consumers (measured: 13,516 of 13,858 events with gateway.recv
   * deleted, healthcheck OK). Said on stderr, and the connection is made
   * again: `onConnect` declares and binds the queues anew, and every
   * unconfirmed event is sent again (the earlier ones may come twice).
   */
  #returned(client: AMQPClient, routingKey: string, reason: string): void {
    this.#options.onReturned?.(routingKey, reason);
    if (client !== this.#client || this.#closing) return;
    this.#returnedOn = this.#epoch;
    const now = this.#scheduler.now();
    if (now - this.#lastReturnAt > RETURN_STREAK_MS) this.#returns = 0;
    this.#lastReturnAt = now;
    // The reconnect below waits as the streak's attempt says, however many
    // confirms this connection had.
    this.#failures = Math.max(this.#failures, this.#returns++);
    // On stderr once a streak; the later ones are logged.
    (this.#returns === 1 ? visible : logger).warn(
      "RabbitMQ returned event {name} ({reason}): no queue is bound to it (the queue deleted or unbound?). Reconnecting to declare and bind the queues again; the {count} unconfirmed event(s) are sent again",
      { name: routingKey, reason, count: this.size },
    );
    this.#lost(client, new Error(`event returned: ${reason}`));
  }

  /** The wait before reconnect attempt `attempt`: base, doubling, to 5 s. */
  #backoff(attempt: number): number {
    return backoffDelay(attempt, {
      min: this.#retryBase,
      max: MAX_RETRY_DELAY,
      jitter: 0,
    });
  }

  #scheduleRetry(): void {
    if (this.#closing || this.#retryTimer !== undefined) return;
    const delay = this.#backoff(++this.#failures);
    this.#retryTimer = this.#scheduler.setTimeout(() => {
      this.#retryTimer = undefined;
      this.#connect();
    }, delay);
  }

  #setConnected(connected: boolean): void {
    if (this.#connected === connected) return;
    this.#connected = connected;
    this.#options.onConnection?.(connected);
  }

  #setBlocked(blocked: boolean): void {
    if (this.#blocked === blocked) return;
    this.#blocked = blocked;
    this.#options.onBlocked?.(blocked);
  }

  #pump(): void {
    const channel = this.#channel;
    if (!channel || !this.#connected || this.#blocked) return;
    if (this.#stalled) {
      this.#resendRefused(channel);
      return;
    }
    const epoch = this.#epoch;
    while (this.#next < this.#slots.length) {
      const slot = this.#slots[this.#next]!;
      // Confirmed (or a skip), or written on this connection and awaiting
      // its confirm.
      if (slot.confirmed || slot.sentOn === epoch) {
        this.#next++;
        continue;
      }
      const body = slot.event.body;
      if (body === undefined) return;
      if (this.#dropIfTooLarge(slot)) {
        this.#next++;
        this.#advance();
        continue;
      }
      this.#next++;
      this.#send(channel, slot, body, epoch);
    }
  }

  #send(channel: AMQPChannel, slot: Slot, body: string, epoch: number): void {
    slot.sentOn = epoch;
    const { shardId, sessionId, sequence } = slot.event;
    channel.basicPublish(this.#options.exchange, slot.event.routingKey, body, {
      deliveryMode: 2,
      contentType: "application/json",
      // Names the event across sessions (`s` restarts with each): competing
      // consumers deduplicate by it, the body staying twilight-dispatch's.
      messageId: `${shardId}:${sessionId ?? ""}:${sequence}`,
    }, this.#options.mandatory === true).then(
      () => this.#confirmed(slot, epoch),
      (error) => this.#rejected(slot, epoch, error),
    );
    this.#watchdog?.sent();
  }

  /**
   * During a nack stall: once nothing is in flight, send the oldest refused
   * event alone (each answer decides the next step), or end the stall when
   * none is left. Only events sent before the stall can be refused: the
   * ones from {@linkcode ConfirmedPublisher.#next} on wait.
   */
  #resendRefused(channel: AMQPChannel): void {
    if (this.#nackTimer !== undefined) return;
    const epoch = this.#epoch;
    let refused: Slot | undefined;
    for (let i = this.#head; i < this.#next; i++) {
      const slot = this.#slots[i]!;
      if (slot.confirmed) continue;
      if (slot.sentOn === epoch) return; // an answer is awaited
      refused ??= slot;
    }
    const body = refused?.event.body;
    if (refused === undefined || body === undefined) {
      this.#endStall(true);
      this.#pump();
      return;
    }
    this.#send(channel, refused, body, epoch);
  }

  /** The stall is over (`taken`: the refused events were confirmed). */
  #endStall(taken: boolean): void {
    if (this.#nackTimer !== undefined) {
      this.#scheduler.clearTimeout(this.#nackTimer);
      this.#nackTimer = undefined;
    }
    if (!this.#stalled) return;
    this.#stalled = false;
    if (taken) {
      logger.info(
        "RabbitMQ took the refused event(s) after {nacks} nack(s); publishing goes on with {count} buffered event(s)",
        { nacks: this.#stallNacks, count: this.size },
      );
    }
    this.#stallNacks = 0;
    this.#nackAttempts = 0;
  }

  #confirmed(slot: Slot, epoch: number): void {
    // After a return, any of this connection's confirms may be the returned
    // publish's: they are all sent again on the next connection instead.
    if (slot.sentOn !== epoch || epoch === this.#returnedOn) return;
    slot.confirmed = true;
    this.#failures = 0;
    this.#advance();
    // The refused event sent alone was taken: on to the next one.
    if (this.#stalled) this.#pump();
  }

  /** Hand on the confirmed events at the head of the line, in order. */
  #advance(): void {
    const { onConfirmed, capacity } = this.#options;
    const now = performance.now();
    while (this.#head < this.#slots.length) {
      const head = this.#slots[this.#head]!;
      if (!head.confirmed) break;
      this.#head++;
      // Released where the count is, before onConfirmed reads either; a
      // body set without bodyReady() may have been sent and confirmed, and
      // must not be measured once released.
      this.#bytes -= head.bytes;
      this.#unmeasured.delete(head.event);
      this.lastLatency = now - head.event.queuedAt;
      onConfirmed?.(head.event);
    }
    // A skip is confirmed without being sent: the head can pass the first
    // unsent slot.
    if (this.#next < this.#head) this.#next = this.#head;
    this.#compact();
    if (
      // Room for one more event too (the RESUMED), or a capacity of 2 would
      // fill again with it while one event is held.
      this.#wasFull && (this.size === 0 || this.size + 1 < capacity) &&
      this.size <= capacity * ROOM_FRACTION &&
      this.#bytes <= this.#byteCapacity * ROOM_FRACTION
    ) {
      this.#wasFull = false;
      this.#options.onRoom?.();
    }
    if (this.size === 0) {
      for (const done of this.#drainWaiters.splice(0)) done();
    }
  }

  /** A nack or a failed write: start over from the oldest unconfirmed. */
  #rejected(slot: Slot, epoch: number, error: unknown): void {
    if (epoch !== this.#epoch) return;
    const client = this.#client;
    if (!client || client.closed) return;
    if (this.#blocked || client.blocked) {
      // Refused unwritten by the client while blocked: sent again when the
      // broker unblocks. (Once blocked, every later publish is refused, so
      // the refused ones follow every written one: the order holds.)
      slot.sentOn = 0;
      return;
    }
    const message = errorText(error);
    this.#tooLarge(message);
    const channel = this.#channel;
    if (!channel || channel.closed || !isBrokerNack(error)) {
      // The channel ended (a broker error; it closes before the client
      // fails its publishes), or the write failed (a cut connection, said
      // closed only later): everything unconfirmed goes again, in order,
      // on a new connection.
      this.#lost(client, error instanceof Error ? error : new Error(message));
      return;
    }
    // A nack: a queue refused it (reject-publish overflow), the others took
    // it. Reconnecting and resending all unconfirmed put the whole buffer
    // into every other queue every 5 s while it stayed full (7,200 copies of
    // 1,000 events in 30 s). Only the refused event goes again, alone, with
    // a growing wait; nothing new is sent meanwhile, so the buffer fills and
    // the shards pause. The later events taken are out: a consumer sees the
    // refused one late (`shard` + `s` tell), and again after each attempt.
    slot.sentOn = 0;
    this.#stallNacks++;
    this.#options.onNack?.(slot.event);
    if (!this.#stalled) {
      this.#stalled = true;
      visible.warn(
        "RabbitMQ refused event {name} (shard {shardId}, sequence {sequence}): a nack, e.g. a queue bound to the exchange is full with x-overflow reject-publish. Publishing stops; the refused event is sent again alone, waiting up to {seconds} s between attempts, until it is taken; {count} event(s) wait in the buffer",
        {
          name: slot.event.routingKey,
          shardId: slot.event.shardId,
          sequence: slot.event.sequence,
          seconds: MAX_NACK_RETRY_DELAY / 1000,
          count: this.size,
        },
      );
    }
    if (this.#nackTimer !== undefined) return;
    const delay = backoffDelay(++this.#nackAttempts, {
      min: this.#retryBase,
      max: MAX_NACK_RETRY_DELAY,
      jitter: 0,
    });
    this.#nackTimer = this.#scheduler.setTimeout(() => {
      this.#nackTimer = undefined;
      this.#pump();
    }, delay);
  }

  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#slots.length) {
      this.#slots = this.#slots.slice(this.#head);
      this.#next -= this.#head;
      this.#head = 0;
    }
  }
}
