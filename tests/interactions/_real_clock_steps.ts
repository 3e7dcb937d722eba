/**
 * The real scheduler's clocks under test control, without sleeping: the
 * wall clock (`Date.now`, which NTP or a resumed VM steps) and the
 * monotonic one (`performance.now`, which only real time moves).
 *
 * @module
 */

/** Moves the real clocks while a test runs. */
export interface RealClockSteps {
  /** NTP steps the wall clock by `ms` (negative: back); no time passes. */
  step(ms: number): void;
  /** `ms` of real time pass: both clocks move on. */
  pass(ms: number): void;
}

/**
 * Run `body` with `Date.now` and `performance.now` offset as it says,
 * restoring both afterwards.
 *
 * @param body The test, given the steps.
 * @returns What `body` returns.
 */
export async function withRealClockSteps<T>(
  body: (clock: RealClockSteps) => Promise<T>,
): Promise<T> {
  const wallNow = Date.now;
  const monotonicNow = performance.now;
  let wall = 0;
  let real = 0;
  Date.now = () => wallNow() + wall + real;
  performance.now = () => monotonicNow.call(performance) + real;
  try {
    return await body({
      step: (ms) => void (wall += ms),
      pass: (ms) => void (real += ms),
    });
  } finally {
    Date.now = wallNow;
    delete (performance as { now?: unknown }).now;
    if (performance.now !== monotonicNow) performance.now = monotonicNow;
  }
}
