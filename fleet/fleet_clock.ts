/**
 * {@linkcode FleetClock}: the clocks a `FleetShards` process reads. Time
 * elapsed on this machine (when a renewal is due, when the lease guard
 * fires, how long a start may wait) is counted on a clock that never steps
 * back (`ForwardClock`: the runtime's monotonic clock under the real
 * scheduler); the wall clock is read only for times stored in Redis or
 * compared across machines (the leases on the scheduler's clock, the dates
 * of saved sessions).
 *
 * The guard and the next renewal were timed as `deadline - Date.now()`: a
 * wall clock stepped back by J (NTP, a VM restored) while a renewal was in
 * flight set both J too late, the leases expired in Redis meanwhile, and
 * another process took the shards this one still ran (two processes
 * stealing each other's sessions for J).
 *
 * @module
 */
import { ForwardClock } from "../base/forward_clock.ts";
import type { Scheduler } from "../base/scheduler.ts";

/** A process's local clock, its leases' clock and the fleet's. */
export class FleetClock {
  readonly #scheduler: Scheduler;
  readonly #forward: ForwardClock;
  readonly #leasesOnScheduler: boolean;
  /** The fleet's clock less the local one, learned at each renewal. */
  #offset: number;
  /**
   * The scheduler's timers with {@linkcode FleetClock.local}'s time: what
   * every elapsed-time computation of the fleet is given.
   */
  readonly scheduler: Scheduler;

  /**
   * @param scheduler The process's scheduler.
   * @param leasesOnScheduler Whether the leases are on the scheduler's
   *   clock (`clock: "scheduler"`) rather than Redis's.
   */
  constructor(scheduler: Scheduler, leasesOnScheduler: boolean) {
    this.#scheduler = scheduler;
    this.#forward = new ForwardClock(scheduler);
    this.#leasesOnScheduler = leasesOnScheduler;
    // Until a renewal tells the fleet's time, the scheduler's.
    this.#offset = scheduler.now() - this.#forward.now();
    this.scheduler = {
      now: () => this.local(),
      setTimeout: (callback, delay) => scheduler.setTimeout(callback, delay),
      clearTimeout: (id) => scheduler.clearTimeout(id),
    };
  }

  /** Milliseconds on this machine's clock that never steps back. */
  local(): number {
    return this.#forward.now();
  }

  /** Now on the leases' clock: the scheduler's, or `undefined` for Redis's. */
  leaseNow(): number | undefined {
    return this.#leasesOnScheduler ? this.#scheduler.now() : undefined;
  }

  /**
   * A renewal sent at `sentAt` (on the local clock) ran at `at` on the
   * fleet's clock: the fleet's time from now on is reckoned from that.
   */
  learn(at: number, sentAt: number): void {
    this.#offset = at - sentAt;
  }

  /**
   * The fleet's clock less the local one (to turn a local time into the
   * fleet's).
   */
  get offset(): number {
    return this.#offset;
  }

  /** The time on the fleet's clock, as of the last renewal. */
  fleetNow(): number {
    return this.local() + this.#offset;
  }
}
