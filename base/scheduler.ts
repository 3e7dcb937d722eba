/**
 * The only source of time in the library. Every timer the shard, the send
 * limiter, the identify queue, the REST client and the backoff use goes through a
 * {@linkcode Scheduler}, so tests can swap in a virtual clock
 * (`VirtualScheduler` from `@disruption/disruption/testing`).
 *
 * @module
 */
import { onAbort } from "./abort_fanout.ts";

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
 * The longest delay a runtime timer can hold (2^31 − 1 ms, about 24.8 days):
 * runtimes store it as a signed 32-bit integer and turn anything larger
 * into 1 ms, which would make a timer re-armed with a huge delay fire in a
 * tight loop.
 */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/**
 * A delay the runtime's timers take as meant: negative and `NaN` become 0,
 * anything above {@linkcode MAX_TIMER_DELAY} (including `Infinity`) becomes
 * that maximum, so the timer fires late rather than at once.
 *
 * @param delay Milliseconds asked for.
 * @returns Milliseconds to pass to `setTimeout`.
 *
 * @example Usage
 * ```ts
 * import { clampTimerDelay, MAX_TIMER_DELAY } from "./scheduler.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(clampTimerDelay(-5), 0);
 * assert.equal(clampTimerDelay(2 ** 40), MAX_TIMER_DELAY);
 * ```
 */
export function clampTimerDelay(delay: number): number {
  if (!(delay > 0)) return 0;
  return delay > MAX_TIMER_DELAY ? MAX_TIMER_DELAY : delay;
}

/**
 * The real scheduler: `Date.now` and the runtime's timers. Delays past
 * what a runtime timer holds (about 24.8 days) are clamped to it: a
 * callback that checks the clock and re-arms (as the REST rate limiter
 * does) waits as long as meant.
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
    Number(setTimeout(callback, clampTimerDelay(delay))),
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
 * import { delay } from "./scheduler.ts";
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

/** What {@linkcode deadlineSignal} returns. */
export interface DeadlineSignal {
  /** Aborted by the caller's signal or at the deadline, with its reason. */
  readonly signal: AbortSignal;
  /** Aborted (only) at the deadline. */
  readonly expired: AbortSignal;
  /** Stop the timer and stop listening to the caller's signal. */
  end(): void;
}

/**
 * A signal aborted when `caller` aborts (with its reason) or once `ms`
 * milliseconds have passed on `scheduler` (with `reason()`, made when the
 * timer fires). Call `end` when the work is over, in a `finally`: it clears
 * the timer and removes the listener on `caller`.
 *
 * @param scheduler The clock of the deadline.
 * @param ms Milliseconds until the deadline.
 * @param reason Makes the abort reason at the deadline.
 * @param caller The caller's signal, if any.
 * @returns The signal, the deadline's own signal and `end`.
 *
 * @example Usage
 * ```ts
 * import { deadlineSignal } from "./scheduler.ts";
 * import { VirtualScheduler } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const scheduler = new VirtualScheduler();
 * const deadline = deadlineSignal(scheduler, 100, () => new Error("late"));
 * await scheduler.advance(100);
 * assert.equal(deadline.expired.aborted, true);
 * assert.equal((deadline.signal.reason as Error).message, "late");
 * deadline.end();
 * assert.equal(scheduler.pending, 0);
 * ```
 */
export function deadlineSignal(
  scheduler: Scheduler,
  ms: number,
  reason: () => unknown,
  caller?: AbortSignal,
): DeadlineSignal {
  const expiry = new AbortController();
  const timer = scheduler.setTimeout(() => expiry.abort(reason()), ms);
  // One signal, aborted by the caller's or the timer. Not AbortSignal.any:
  // in Deno the signal it makes stays attached to its sources for as long
  // as they live, so one app-lifetime signal passed to every call kept
  // memory per request for ever (27 MB for 20,000 in
  // tests/rest/signal_growth_test.ts). This listener is removed by `end`.
  const combined = new AbortController();
  const forward = (source: AbortSignal) => (): void =>
    combined.abort(source.reason);
  const onExpiry = forward(expiry.signal);
  expiry.signal.addEventListener("abort", onExpiry, { once: true });
  // Through `onAbort`: one listener on a signal however many attempts
  // share it (a listener each made every attempt's start O(attempts)).
  let unlisten: (() => void) | undefined;
  if (caller?.aborted) combined.abort(caller.reason);
  else if (caller) unlisten = onAbort(caller, forward(caller));
  return {
    signal: combined.signal,
    expired: expiry.signal,
    end: (): void => {
      scheduler.clearTimeout(timer);
      unlisten?.();
    },
  };
}

/**
 * Wait for `promise` to settle (resolve or reject), at most `ms`
 * milliseconds on `scheduler`'s clock; its timer is cleared either way.
 * For bounded waits at shutdown, where what matters is whether it ended in
 * time, not how.
 *
 * @param scheduler The clock of the wait.
 * @param promise What to wait for; nothing to wait for settles at once.
 * @param ms The longest wait.
 * @param signal Ends the wait early, as not settled in time.
 * @returns Whether it settled in time (and before `signal` aborted).
 *
 * @example Usage
 * ```ts
 * import { settlesWithin } from "./scheduler.ts";
 * import { VirtualScheduler } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const scheduler = new VirtualScheduler();
 * const never = new Promise<void>(() => {});
 * const waiting = settlesWithin(scheduler, never, 1_000);
 * await scheduler.advance(1_000);
 * assert.equal(await waiting, false);
 * assert.equal(await settlesWithin(scheduler, Promise.reject(new Error()), 1), true);
 * const stop = new AbortController();
 * const stopped = settlesWithin(scheduler, never, 1_000, stop.signal);
 * stop.abort();
 * assert.equal(await stopped, false);
 * assert.equal(scheduler.pending, 0);
 * ```
 */
export async function settlesWithin(
  scheduler: Scheduler,
  promise: Promise<unknown> | undefined,
  ms: number,
  signal?: AbortSignal,
): Promise<boolean> {
  if (!promise) return true;
  if (signal?.aborted) return false;
  let timer: TimerId | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      promise.then(() => true, () => true),
      new Promise<false>((resolve) => {
        timer = scheduler.setTimeout(() => resolve(false), ms);
        onAbort = () => resolve(false);
        signal?.addEventListener("abort", onAbort, { once: true });
      }),
    ]);
  } finally {
    if (timer !== undefined) scheduler.clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  }
}
