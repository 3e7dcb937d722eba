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
 * The monotonic clock stops while the machine is suspended (a VM paused, a
 * laptop asleep) and Redis's clock and the wall clock go on: counted on it
 * alone, a renewal Redis ran just before a minute's suspend and answered
 * after it looked a few milliseconds old, and its shards connected on
 * leases that had expired in Redis 45 s before (another process ran them).
 * So the time elapsed since a renewal was sent is the larger of the two
 * clocks' ({@linkcode FleetClock.elapsed}): a step back leaves the
 * monotonic one larger, a suspend the wall clock. A step forward counts
 * too (the guard fires early: shards stopped and resumed, never run twice).
 *
 * @module
 */
import { ForwardClock } from "../base/forward_clock.ts";
import type { Scheduler } from "../base/scheduler.ts";
import { BLOCKED_LOOP_MS, type ElapsedScheduler } from "./lease_guard.ts";

/** How many sends {@linkcode FleetClock.stamp} remembers the wall time of. */
const STAMPS_KEPT = 16;

/** A process's local clock, its leases' clock and the fleet's. */
export class FleetClock {
  readonly #scheduler: Scheduler;
  readonly #forward: ForwardClock;
  readonly #leasesOnScheduler: boolean;
  /** The fleet's clock less the local one, learned at each renewal. */
  #offset: number;
  /** The wall clock less the local one when last read. */
  #skew: number;
  /** Whether the fleet's clock is known: on the scheduler's, or learned. */
  #known: boolean;
  /** The wall clock less the local one at each recent send, by its time. */
  readonly #stamps = new Map<number, number>();
  /**
   * The scheduler's timers with {@linkcode FleetClock.local}'s time: what
   * every elapsed-time computation of the fleet is given.
   */
  readonly scheduler: ElapsedScheduler;

  /**
   * @param scheduler The process's scheduler.
   * @param leasesOnScheduler Whether the leases are on the scheduler's
   *   clock (`clock: "scheduler"`) rather than Redis's.
   */
  constructor(scheduler: Scheduler, leasesOnScheduler: boolean) {
    this.#scheduler = scheduler;
    this.#forward = new ForwardClock(scheduler);
    this.#leasesOnScheduler = leasesOnScheduler;
    this.#known = leasesOnScheduler;
    // Until a renewal tells the fleet's time, the scheduler's.
    this.#skew = scheduler.now() - this.#forward.now();
    this.#offset = this.#skew;
    this.scheduler = {
      now: () => this.local(),
      setTimeout: (callback, delay) => scheduler.setTimeout(callback, delay),
      clearTimeout: (id) => scheduler.clearTimeout(id),
      elapsed: (sentAt) => this.elapsed(sentAt),
    };
  }

  /** Milliseconds on this machine's clock that never steps back. */
  local(): number {
    return this.#forward.now();
  }

  /**
   * The local time now, for a send whose elapsed time
   * {@linkcode FleetClock.elapsed} is asked later (a renewal's).
   */
  stamp(): number {
    const [local, skew] = this.#read();
    this.#stamps.delete(local);
    this.#stamps.set(local, skew);
    // Oldest first: a renewal's starts end by its deadline, a TTL at most.
    for (const sent of this.#stamps.keys()) {
      if (this.#stamps.size <= STAMPS_KEPT) break;
      this.#stamps.delete(sent);
    }
    return local;
  }

  /**
   * Milliseconds elapsed since `sentAt` (a local time, of
   * {@linkcode FleetClock.stamp} to count a suspend): the larger of the
   * local clock's and the wall clock's.
   */
  elapsed(sentAt: number): number {
    const [local, skew] = this.#read();
    const sentSkew = this.#stamps.get(sentAt) ?? skew;
    return local - sentAt + Math.max(0, skew - sentSkew);
  }

  /** Now on the leases' clock: the scheduler's, or `undefined` for Redis's. */
  leaseNow(): number | undefined {
    return this.#leasesOnScheduler ? this.#scheduler.now() : undefined;
  }

  /**
   * A renewal sent at `sentAt` (on the local clock) ran at `at` on the
   * fleet's clock: the fleet's time from now on is reckoned from that.
   * Unless the machine was suspended since it was sent: Redis may have run
   * it before or after, so its time says nothing of the local clock's (the
   * offset moved by the suspend instead, see {@linkcode FleetClock.offset}).
   */
  learn(at: number, sentAt: number): void {
    const [, skew] = this.#read();
    const sentSkew = this.#stamps.get(sentAt) ?? skew;
    if (skew - sentSkew > BLOCKED_LOOP_MS) return;
    this.#offset = at - sentAt;
    this.#known = true;
  }

  /**
   * Whether the fleet's clock is known yet: before a first renewal has
   * told Redis's time, it is this machine's, minutes off on some.
   */
  get known(): boolean {
    return this.#known;
  }

  /**
   * The fleet's clock less the local one (to turn a local time into the
   * fleet's).
   */
  get offset(): number {
    this.#read();
    return this.#offset;
  }

  /** The time on the fleet's clock, as of the last renewal. */
  fleetNow(): number {
    const [local] = this.#read();
    return local + this.#offset;
  }

  /**
   * The local time and the wall clock's lead on it. A lead grown by more
   * than a blocked loop since the last reading is a suspend: the fleet's
   * clock went on with the wall clock, so the offset grows as much (else
   * the sessions saved till the next renewal were dated the suspend early).
   */
  #read(): [number, number] {
    const local = this.local();
    const skew = this.#scheduler.now() - local;
    if (skew - this.#skew > BLOCKED_LOOP_MS) this.#offset += skew - this.#skew;
    this.#skew = skew;
    return [local, skew];
  }
}
