/**
 * {@linkcode ForwardClock}: a scheduler's time that never goes back.
 *
 * @module
 */
import { realScheduler, type Scheduler } from "./scheduler.ts";

/**
 * Milliseconds since the epoch on the runtime's monotonic clock: it never
 * steps, whatever NTP does to `Date.now()`.
 */
const monotonicNow = (): number =>
  // Whole milliseconds, as Date.now() reads: a fractional delay made
  // timers fire up to a millisecond early, and messages show whole numbers.
  Math.floor(performance.timeOrigin + performance.now());

/**
 * A scheduler's clock that never goes back. The real scheduler reads
 * `Date.now()`, which an NTP step or a resumed VM sets back; a wait kept
 * as "until time T" then lasts the size of the step longer (an hour's step
 * held every REST request for an hour). On this clock a step back counts
 * as no time passed, and time goes on from there; a timer that fired says
 * the time it was armed for is reached, whatever the wall clock reads.
 *
 * Over the real scheduler it reads the runtime's monotonic clock
 * (`performance.now()`), which no step moves: a step back and its
 * correction forward would otherwise leave it ahead of real time by the
 * step (the offset kept the step back, and the step forward counted as
 * time passed), and waits measured on it would end early. Over any other
 * scheduler (a test's, a user's) steps are only seen as `now()` going back:
 * a scheduler of a user's own that reads `Date.now()` has that limit (a
 * step back and its correction leave this clock ahead by the step).
 *
 * Internal: times kept on it are shown on the scheduler's clock with
 * {@linkcode ForwardClock.toScheduler}.
 *
 * @example A step back of an hour
 * ```ts
 * import { ForwardClock } from "./forward_clock.ts";
 * import assert from "node:assert/strict";
 *
 * let wall = 10_000;
 * const clock = new ForwardClock({
 *   now: () => wall,
 *   setTimeout: () => 0,
 *   clearTimeout: () => {},
 * });
 * assert.equal(clock.now(), 10_000);
 * wall -= 3_600_000;
 * assert.equal(clock.now(), 10_000);
 * wall += 500;
 * assert.equal(clock.now(), 10_500);
 * ```
 */
export class ForwardClock {
  readonly #scheduler: Scheduler;
  /** The clock read: the monotonic one under the real scheduler. */
  readonly #read: () => number;
  /** Added to the time read: grows by each step back. */
  #offset = 0;
  /** The time last read. */
  #last = -Infinity;

  /**
   * Read a scheduler's time forward only.
   *
   * @param scheduler The clock read.
   */
  constructor(scheduler: Scheduler) {
    this.#scheduler = scheduler;
    // The real scheduler, or a copy of it (`{ ...realScheduler }`).
    this.#read = scheduler.now === realScheduler.now
      ? monotonicNow
      : () => scheduler.now();
  }

  /**
   * The time now: the clock read plus the steps back seen.
   *
   * @returns Milliseconds, never less than the last reading.
   */
  now(): number {
    const raw = this.#read();
    if (raw + this.#offset < this.#last) this.#offset = this.#last - raw;
    this.#last = raw + this.#offset;
    return this.#last;
  }

  /**
   * A timer armed for time `at` (on this clock) fired: it measured the
   * wait, so `at` is reached, whatever the wall clock says.
   *
   * @param at The time the timer was armed for.
   */
  reached(at: number): void {
    const now = this.now();
    if (at > now) {
      this.#offset += at - now;
      this.#last = at;
    }
  }

  /**
   * A time on this clock, on the scheduler's.
   *
   * @param at The time on this clock.
   * @returns The same moment on the scheduler's clock.
   */
  toScheduler(at: number): number {
    return at - (this.now() - this.#scheduler.now());
  }
}
