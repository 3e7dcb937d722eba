/**
 * How a timer tells it ran late because this process's event loop was
 * blocked (a handler doing synchronous work, a CPU-throttled container, a
 * paused process), and how long a timer that judges something did not come
 * waits before it decides then.
 *
 * Internal: other library modules use it; it is not exported from any entry
 * point.
 *
 * @module
 */

/**
 * How late past its due time a timer may run before it counts as the event
 * loop having been blocked: a loaded machine delays timers by tens of
 * milliseconds, a handler doing synchronous work by seconds.
 */
export const BLOCKED_LOOP_MS = 1_000;

/**
 * How long a timer that judges something did not come (a heartbeat ACK,
 * READY) waits, when it ran late, before it decides. Once the loop is free
 * the runtime runs the overdue timers before it reads what the sockets
 * received meanwhile: those reads come on the next turn of the loop, within
 * milliseconds (tens for a large frame to inflate and parse). A quarter
 * second covers that with room to spare, and is under 1% of a heartbeat
 * interval (about 41 s).
 */
export const LATE_VERDICT_GRACE_MS = 250;

/**
 * How long the event loop was blocked, judging by a timer due at `due` that
 * runs at `now`: its lateness when over {@linkcode BLOCKED_LOOP_MS}, `0`
 * otherwise (a timer on time, or late by ordinary load).
 *
 * @param due When the timer was meant to run (the clock's milliseconds).
 * @param now When it runs, on the same clock.
 * @returns The milliseconds it ran late, or `0`.
 *
 * @example Usage
 * ```ts
 * import { blockedLoopMs } from "./blocked_loop.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(blockedLoopMs(10_000, 10_040), 0);
 * assert.equal(blockedLoopMs(10_000, 14_000), 4_000);
 * ```
 */
export function blockedLoopMs(due: number, now: number): number {
  const late = now - due;
  return late > BLOCKED_LOOP_MS ? late : 0;
}
