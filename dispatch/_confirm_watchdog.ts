/**
 * {@linkcode ConfirmWatchdog}: notices a RabbitMQ connection gone silent
 * while publishes wait for their confirms. The only check of
 * `@cloudamqp/amqp-client` (4.1.1) is its heartbeat, a socket idle timeout
 * that every write resets: with an event at least every heartbeat
 * interval, each publish kept a frozen broker (SIGSTOP, a blackholing
 * network, a stuck NAT entry, the broker-to-service direction lost)
 * unnoticed. Measured: at 100 events/s, 100 s with nothing confirmed and
 * the connection said up, until the full buffer paused the shards; at one
 * event every 2 to 3 s, never noticed, the events held for hours.
 *
 * A live broker sends a frame at least every heartbeat interval (a confirm,
 * or a heartbeat when it has nothing else to send), so when a publish has
 * waited for its confirm and nothing at all came for two intervals, the
 * connection is taken as lost, as the library takes an idle one.
 *
 * @module
 */
import type { AMQPChannel, AMQPClient } from "@cloudamqp/amqp-client";
import { ForwardClock } from "../base/forward_clock.ts";
import type { Scheduler, TimerId } from "../base/scheduler.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import { destroySocket } from "./_publisher_open.ts";

// A check that is off is a setting to change, not something to log only.
const visible = getVisibleLogger(["disruption", "dispatch", "publisher"]);

/** Heartbeat intervals of silence after which a connection is lost. */
const SILENT_INTERVALS = 2;

/** The owners whose connections were said to have no heartbeat. */
const saidNoHeartbeat = new WeakSet<object>();

/** The library's frame reader, which the type declares protected. */
interface FrameReader {
  parseFrames(view: DataView): void;
}

/** The library's publishes awaiting a confirm, which the type hides. */
interface ConfirmQueue {
  unconfirmedPublishes?: unknown[];
}

/**
 * Watches one connection: once a publish on its channel waited for its
 * confirm and nothing was received for two negotiated heartbeat intervals,
 * calls `onSilent` (once) with the error that says so, then drops the
 * socket (a close-ok would never come either). Not while the broker blocks publishing (a
 * resource alarm): a broker that is slow then is not dead. Inert when no
 * heartbeat was negotiated (0), said once on stderr: nothing tells a quiet
 * broker from a dead one then.
 */
export class ConfirmWatchdog {
  readonly #client: AMQPClient;
  readonly #channel: ConfirmQueue;
  readonly #scheduler: Scheduler;
  /** The silence's clock: a step of the wall clock is no silence. */
  readonly #clock: ForwardClock;
  readonly #onSilent: (error: Error) => void;
  /** Milliseconds of silence that lose the connection; 0: inert. */
  readonly #silence: number;
  /** When the last frame was received. */
  #heardAt: number;
  /** When the oldest publish still awaiting its confirm was written. */
  #waitingSince = 0;
  #timer: TimerId | undefined;
  #stopped = false;

  /**
   * Start watching `client`, open with `channel` in confirm mode.
   *
   * @param client The connection, connected (its heartbeat negotiated).
   * @param channel Its confirm channel the publishes go on.
   * @param scheduler The clock of the check.
   * @param onSilent Called once with the error that ends the connection.
   * @param owner Whose connections these are: a connection with no
   *   heartbeat is said on stderr once per owner, not at every reconnect.
   */
  constructor(
    client: AMQPClient,
    channel: AMQPChannel,
    scheduler: Scheduler,
    onSilent: (error: Error) => void,
    owner: object = client,
  ) {
    this.#client = client;
    this.#channel = channel as unknown as ConfirmQueue;
    this.#scheduler = scheduler;
    this.#clock = new ForwardClock(scheduler);
    this.#onSilent = onSilent;
    this.#silence = SILENT_INTERVALS * client.heartbeat * 1000;
    this.#heardAt = this.#clock.now();
    if (this.#silence === 0) {
      // The service's URL asks 10 s, but the client takes the lower value:
      // a broker's 0 turns its heartbeat timeout off as well as this check.
      if (saidNoHeartbeat.has(owner)) return;
      saidNoHeartbeat.add(owner);
      visible.warn(
        "RabbitMQ negotiated no heartbeat (the broker's `heartbeat` setting is 0, or the URL asks none): a frozen broker or a dead network path is not noticed while events keep coming; they wait unconfirmed until the buffer fills. Set the broker's heartbeat above 0 (RabbitMQ's default is 60 s)",
      );
      return;
    }
    // Every frame passes here, heartbeats included; the confirms are
    // taken off the library's queue as they are parsed.
    const reader = client as unknown as FrameReader;
    const parse = reader.parseFrames.bind(client);
    reader.parseFrames = (view: DataView): void => {
      this.#heardAt = this.#clock.now();
      parse(view);
    };
  }

  /** A publish was written on the channel: its confirm is awaited. */
  sent(): void {
    if (this.#stopped || this.#silence === 0) return;
    // The one awaited: a wait starts now (none was awaited before).
    if (this.#awaited() <= 1) this.#waitingSince = this.#clock.now();
    if (this.#timer === undefined) this.#arm(this.#silence);
  }

  /** Stop watching (the connection is lost or closed). */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#scheduler.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #awaited(): number {
    return this.#channel.unconfirmedPublishes?.length ?? 0;
  }

  #arm(delay: number): void {
    this.#timer = this.#scheduler.setTimeout(() => {
      this.#timer = undefined;
      this.#check();
    }, delay);
  }

  #check(): void {
    // Nothing awaited: the next publish arms the check again. An idle
    // connection is the library's heartbeat's to watch.
    if (this.#stopped || this.#client.closed || this.#awaited() === 0) return;
    const quiet = this.#clock.now() -
      Math.max(this.#heardAt, this.#waitingSince);
    if (quiet < this.#silence) {
      this.#arm(this.#silence - quiet);
    } else if (this.#client.blocked !== undefined) {
      // A resource alarm: the unblock (a frame) ends the silence.
      this.#arm(this.#silence);
    } else {
      this.stop();
      this.#onSilent(
        new Error(
          `nothing received in ${quiet} ms while ${this.#awaited()} publish(es) awaited their confirm (a frozen broker, or a network path lost)`,
        ),
      );
      destroySocket(this.#client);
    }
  }
}
