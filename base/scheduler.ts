/**
 * The only source of time in the library. Every timer the shard, the send
 * limiter, the identify queue, the REST client and the backoff use goes through a
 * {@linkcode Scheduler}, so tests can swap in a virtual clock
 * (`VirtualScheduler` from `@disruption/disruption/testing`).
 *
 * @module
 */

/** An opaque handle to a pending timer. */
export type TimerId = number;

/** A clock plus one-shot timers. */
export interface Scheduler {
  /** Milliseconds on a monotonic-enough clock (wall clock for the real one). */
  now(): number;
  /**
   * Run `callback` once after `delay` milliseconds.
   *
   * @param callback What to run.
   * @param delay Milliseconds to wait; negative values count as 0.
   * @returns A handle for {@linkcode Scheduler.clearTimeout}.
   */
  setTimeout(callback: () => void, delay: number): TimerId;
  /**
   * Cancel a pending timer; unknown or already-fired handles are ignored.
   *
   * @param id The handle returned by {@linkcode Scheduler.setTimeout}.
   */
  clearTimeout(id: TimerId): void;
}

/**
 * The real scheduler: `Date.now` and the runtime's timers.
 *
 * @example Usage
 * ```ts
 * import { realScheduler } from "@disruption/disruption/gateway";
 * import assert from "node:assert/strict";
 *
 * const id = realScheduler.setTimeout(() => {}, 1000);
 * realScheduler.clearTimeout(id);
 * assert.ok(realScheduler.now() > 0);
 * ```
 */
export const realScheduler: Scheduler = {
  now: (): number => Date.now(),
  // Number(): Deno returns a number already; Node's Timeout converts to its id.
  setTimeout: (callback: () => void, delay: number): TimerId =>
    Number(setTimeout(callback, Math.max(0, delay))),
  clearTimeout: (id: TimerId): void => clearTimeout(id),
};

/**
 * Wait `delay` ms on `scheduler`; rejects with the signal's reason when
 * `signal` aborts first, and leaves no timer behind either way.
 *
 * @param scheduler The clock to wait on.
 * @param delay Milliseconds to wait.
 * @param signal Cancels the wait.
 * @returns A promise that settles when the wait is over.
 *
 * @example Usage
 * ```ts
 * import { delay } from "@disruption/disruption/gateway";
 * import { VirtualScheduler } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const scheduler = new VirtualScheduler();
 * let done = false;
 * const waiting = delay(scheduler, 500).then(() => done = true);
 * await scheduler.advance(500);
 * await waiting;
 * assert.equal(done, true);
 * ```
 */
export function delay(
  scheduler: Scheduler,
  delay: number,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      scheduler.clearTimeout(id);
      reject(signal?.reason);
    };
    const id = scheduler.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, delay);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
