/**
 * The pace of new sessions (IDENTIFY) on one shard, so that a peer that
 * keeps ending them (op 9 after every READY, a close after every IDENTIFY,
 * a READY that never comes) cannot spend the day's session starts: the
 * reconnect backoff alone is capped at a minute and starts over at every
 * READY, which let one shard identify over 1,500 times a day. Internal to
 * the package.
 *
 * @module
 */
import { ForwardClock } from "../base/forward_clock.ts";
import { backoffDelay } from "../base/backoff.ts";
import type { Scheduler } from "../base/scheduler.ts";

/** New sessions in a row, none of them healthy, that go without waiting. */
export const FREE_SESSIONS = 3;
/** The wait before the first new session past the free ones, in ms. */
export const FIRST_SESSION_WAIT = 60_000;
/** The longest wait before a new session, in ms (4 an hour at most). */
export const MAX_SESSION_WAIT = 15 * 60_000;
/**
 * How long a connection must stay up for its session to count as healthy,
 * in ms: a peer that ends each session later than that spends at most 144
 * session starts a day on one shard.
 */
export const HEALTHY_SESSION = 10 * 60_000;

/**
 * The IDENTIFYs one shard sent since its last healthy session. Past
 * {@linkcode FREE_SESSIONS} of them in a row, the next waits
 * {@linkcode FIRST_SESSION_WAIT} after the last, doubling with each one
 * more up to {@linkcode MAX_SESSION_WAIT}: about 100 a day however the
 * peer behaves, and none of a healthy bot's few a day delayed.
 */
export class SessionPacer {
  /**
   * Never goes back (a wall clock set back would count as a wait the size
   * of the step), and monotonic under the real scheduler (a step forward
   * would let an IDENTIFY out early).
   */
  readonly #clock: ForwardClock;
  /** IDENTIFYs since the last healthy session. */
  #streak = 0;
  /** When the last one went. */
  #lastAt = 0;

  /** @param scheduler The clock. */
  constructor(scheduler: Scheduler) {
    this.#clock = new ForwardClock(scheduler);
  }

  /** How many IDENTIFYs went since the last healthy session. */
  get streak(): number {
    return this.#streak;
  }

  /** How long the next IDENTIFY must wait, in ms; 0 when it may go now. */
  delay(): number {
    if (this.#streak < FREE_SESSIONS) return 0;
    const wait = backoffDelay(this.#streak - FREE_SESSIONS + 1, {
      min: FIRST_SESSION_WAIT,
      max: MAX_SESSION_WAIT,
      jitter: 0,
    });
    return Math.max(0, this.#lastAt + wait - this.#clock.now());
  }

  /** Count an IDENTIFY sent now. */
  record(): void {
    this.#streak++;
    this.#lastAt = this.#clock.now();
  }

  /**
   * A connection ended: one that was up for {@linkcode HEALTHY_SESSION}
   * or more makes the streak start over.
   *
   * @param uptime How long it was up after READY or RESUMED, in ms.
   */
  ended(uptime: number): void {
    if (uptime >= HEALTHY_SESSION) this.#streak = 0;
  }
}
