/**
 * A wall clock that NTP can step, for tests of waits that must not follow
 * it: its `now()` can be set back or forward while its timers keep the
 * virtual clock's time, as the runtime's timers keep elapsed time (the real
 * scheduler reads `Date.now`).
 *
 * @module
 */
import type { Scheduler } from "../../base/scheduler.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** A virtual clock and a wall clock over it. */
export interface SteppedClock {
  /** Drives time: `advance` moves the wall clock and fires the timers. */
  scheduler: VirtualScheduler;
  /** The stepped wall clock, to give the code under test. */
  clock: Scheduler;
  /** Step the wall clock by `ms` (negative: back), timers untouched. */
  step: (ms: number) => void;
}

/**
 * A wall clock over a new virtual clock.
 *
 * @param start The virtual clock's start (a realistic epoch time by
 *   default, so a step back stays positive).
 * @returns The virtual clock, the wall clock and its step.
 */
export function steppedClock(start = 1_000_000_000): SteppedClock {
  const scheduler = new VirtualScheduler({ start });
  let offset = 0;
  return {
    scheduler,
    clock: {
      now: () => scheduler.now() + offset,
      setTimeout: (callback, delay) => scheduler.setTimeout(callback, delay),
      clearTimeout: (id) => scheduler.clearTimeout(id),
    },
    step: (ms) => void (offset += ms),
  };
}
