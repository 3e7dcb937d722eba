/**
 * A machine that can be suspended (a VM paused, a laptop asleep), over a
 * {@linkcode VirtualScheduler}: its scheduler is the real one's clock
 * (`realScheduler.now`, so a `FleetClock` reads the runtime's monotonic
 * clock as in production) with the virtual timers, and the runtime's two
 * clocks are replaced while it is installed: `performance.now()` (the
 * monotonic one) follows the virtual time, `Date.now()` follows it plus
 * every suspend so far. A suspend moves the wall clock only: the monotonic
 * clock and the runtime's timers stop while the machine sleeps.
 */
import { realScheduler, type Scheduler } from "../../base/scheduler.ts";
import type { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** Two clocks that a suspend sets apart; see the module's comment. */
export class SuspendedMachine {
  readonly #virtual: VirtualScheduler;
  /** How long the machine slept so far. */
  #slept = 0;
  #restore: (() => void) | undefined;
  /** The process's scheduler: the real clock, the virtual timers. */
  readonly scheduler: Scheduler;

  /** @param virtual The time the machine's clocks follow. */
  constructor(virtual: VirtualScheduler) {
    this.#virtual = virtual;
    this.scheduler = {
      now: realScheduler.now,
      setTimeout: (callback, delay) => virtual.setTimeout(callback, delay),
      clearTimeout: (id) => virtual.clearTimeout(id),
    };
  }

  /** Replace the runtime's clocks (undone by {@linkcode uninstall}). */
  install(): void {
    const dateNow = Date.now;
    const performanceNow = Object.getOwnPropertyDescriptor(
      Performance.prototype,
      "now",
    );
    const origin = performance.timeOrigin;
    Date.now = () => this.#virtual.now() + this.#slept;
    // Half a millisecond on: the reader floors `timeOrigin + now()`.
    Object.defineProperty(performance, "now", {
      value: () => this.#virtual.now() - origin + 0.5,
      configurable: true,
      writable: true,
    });
    this.#restore = () => {
      Date.now = dateNow;
      delete (performance as { now?: unknown }).now;
      if (performanceNow && !("now" in performance)) {
        Object.defineProperty(Performance.prototype, "now", performanceNow);
      }
    };
  }

  /** Put the runtime's clocks back. */
  uninstall(): void {
    this.#restore?.();
    this.#restore = undefined;
  }

  /** Sleep `ms`: the wall clock moves on, the monotonic clock does not. */
  suspend(ms: number): void {
    this.#slept += ms;
  }
}
