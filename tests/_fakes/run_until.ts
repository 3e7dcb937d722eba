// Tests on the virtual clock that wait for a condition run timers one at a
// time until it holds. Bounded: when the timers run out or `limit` of them
// ran, the test fails saying so instead of spinning forever.
import assert from "node:assert/strict";
import type { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** Options for {@linkcode runUntil}. */
export interface RunUntilOptions {
  /** How many timers may run before the test fails. */
  limit?: number;
  /** Awaited before the first check and after every timer (e.g. real I/O). */
  settle?: () => Promise<void>;
}

/**
 * Run `scheduler`'s timers, earliest first, until `done()` holds.
 *
 * @throws {AssertionError} When no timer is left or `limit` ran first.
 */
export async function runUntil(
  scheduler: VirtualScheduler,
  done: () => boolean,
  options: RunUntilOptions = {},
): Promise<void> {
  const limit = options.limit ?? 10_000;
  const settle = options.settle ?? (() => scheduler.flushMicrotasks());
  await settle();
  for (let i = 0; i < limit && !done(); i++) {
    if (!await scheduler.runNext()) break;
    await settle();
  }
  assert.ok(done(), `condition not reached by t=${scheduler.now()}`);
}

/**
 * Run `scheduler`'s timers until `promise` settles (as {@linkcode runUntil});
 * its value, or its rejection.
 *
 * @throws {AssertionError} When no timer is left or `limit` ran first.
 */
export async function runUntilSettled<T>(
  scheduler: VirtualScheduler,
  promise: Promise<T>,
  options: RunUntilOptions = {},
): Promise<T> {
  let done = false;
  const watched = promise.finally(() => done = true);
  // Awaited below: a rejection is the caller's, not an unhandled one.
  watched.catch(() => {});
  await runUntil(scheduler, () => done, options);
  return await watched;
}
