/**
 * Retry delays: pure exponential backoff math with jitter, the one formula
 * every retry in the library uses (shard reconnects, the wait after an
 * invalid session, REST retries of server errors). Sleeping is the caller's
 * business (a cancellable `delay` on the gateway's `Scheduler`).
 *
 * @module
 */

/** Options for {@linkcode backoffDelay}. */
export interface BackoffOptions {
  /**
   * The smallest delay in milliseconds (an integer), used for the first
   * failed attempt. No delay is ever shorter.
   *
   * @default {1000}
   */
  min?: number;
  /**
   * The base delay of the first failed attempt, in milliseconds (a finite
   * number >= 0); later attempts multiply it by `factor`. The result is still
   * clamped to `[min, max]`, so `initial` above `min` with a large `jitter`
   * gives a random first delay between `min` and `2 * initial - min` (Discord's
   * "wait 1 to 5 seconds" after an invalid session is `initial: 3000`,
   * `min: 1000`, `jitter: 2 / 3`).
   *
   * @default {min}
   */
  initial?: number;
  /**
   * The largest delay in milliseconds (an integer). No delay is ever longer.
   *
   * @default {60000}
   */
  max?: number;
  /**
   * How much the delay grows with each further failed attempt.
   *
   * @default {2}
   */
  factor?: number;
  /**
   * How far a delay may stray from its base, as a fraction of the base: the
   * delay is `base * (1 ± jitter)` before clamping. `0` disables jitter.
   *
   * @default {0.25}
   */
  jitter?: number;
  /**
   * The source of randomness for the jitter, returning values in `[0, 1)`.
   * Not called when `jitter` is `0`.
   *
   * @default {Math.random}
   */
  random?: () => number;
}

/**
 * How long to wait before the next connection attempt.
 *
 * `attempt` is the number of consecutive failed attempts so far: `0` means
 * "reconnect at once" and gives `0`. For `attempt >= 1` the base delay is
 * `min(max, initial * factor ** (attempt - 1))` (`initial` defaults to
 * `min`); the jittered delay
 * `base * (1 + jitter * (2 * random() - 1))` is clamped to `[min, max]` and
 * rounded to whole milliseconds. With the defaults and no jitter (or
 * `random() === 0.5`) the schedule is 1 s, 2 s, 4 s, 8 s, 16 s, 32 s, then
 * 60 s for every further attempt.
 *
 * @param attempt Consecutive failed attempts, a non-negative integer.
 * @param options Bounds, growth factor and jitter.
 * @returns The delay in whole milliseconds.
 * @throws {RangeError} When `attempt` is not a non-negative integer, or an
 * option is out of range (`min` or `max` not a positive integer,
 * `max < min`, `initial` not a finite number >= 0, `factor < 1`, `jitter` outside `[0, 1]`).
 *
 * @example Usage
 * ```ts
 * import { backoffDelay } from "./backoff.ts";
 * import assert from "node:assert/strict";
 *
 * const noJitter = { random: () => 0.5 };
 * assert.equal(backoffDelay(0, noJitter), 0);
 * assert.equal(backoffDelay(1, noJitter), 1000);
 * assert.equal(backoffDelay(3, noJitter), 4000);
 * assert.equal(backoffDelay(20, noJitter), 60000);
 *
 * // With jitter the delay stays within 25 % of the base and within [min, max].
 * const delay = backoffDelay(3);
 * assert.ok(delay >= 3000 && delay <= 5000);
 * ```
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
): number {
  if (!Number.isInteger(attempt) || attempt < 0) {
    throw new RangeError(
      `Cannot compute backoff delay as 'attempt' must be a non-negative integer: current value 'attempt=${attempt}'`,
    );
  }
  const {
    min = 1000,
    initial = min,
    max = 60_000,
    factor = 2,
    jitter = 0.25,
    random = Math.random,
  } = options;
  if (!Number.isInteger(min) || min <= 0) {
    throw new RangeError(
      `Cannot compute backoff delay as 'min' must be a positive integer: current value 'min=${min}'`,
    );
  }
  if (!Number.isInteger(max) || max < min) {
    throw new RangeError(
      `Cannot compute backoff delay as 'max' must be an integer >= 'min': current values 'min=${min}', 'max=${max}'`,
    );
  }
  if (!Number.isFinite(initial) || initial < 0) {
    throw new RangeError(
      `Cannot compute backoff delay as 'initial' must be a finite number >= 0: current value 'initial=${initial}'`,
    );
  }
  if (!Number.isFinite(factor) || factor < 1) {
    throw new RangeError(
      `Cannot compute backoff delay as 'factor' must be a finite number >= 1: current value 'factor=${factor}'`,
    );
  }
  if (!(jitter >= 0 && jitter <= 1)) {
    throw new RangeError(
      `Cannot compute backoff delay as 'jitter' must be between 0 and 1: current value 'jitter=${jitter}'`,
    );
  }
  if (attempt === 0) return 0;
  // factor ** n overflows to Infinity for huge attempts; Math.min caps it.
  const base = Math.min(max, initial * factor ** (attempt - 1));
  const delay = jitter === 0 ? base : base * (1 + jitter * (2 * random() - 1));
  // NaN (a broken `random`) falls back to the base rather than escaping.
  const safe = Number.isNaN(delay) ? base : delay;
  return Math.round(Math.min(max, Math.max(min, safe)));
}
