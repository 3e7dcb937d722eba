/**
 * The clock a route's time limits are checked against before sending (an
 * incident action at most 24 hours ahead, a timeout at most 28 days, bulk
 * deleted messages at most 2 weeks old): a route's `now` option, checked,
 * or the real clock.
 *
 * @module
 */
import { realScheduler } from "../../base/scheduler.ts";
import { shownQuoted } from "../../base/option_checks.ts";

/**
 * How far past one of Discord's time limits a time may be before it is
 * refused: the bot's clock may be behind Discord's, and a time built as
 * "now + 24 hours" reaches Discord later than it was built. Only a time
 * past the limit by more than this is known to be refused.
 */
export const CLOCK_TOLERANCE = 60_000;

/**
 * A route's clock: `now` (its option) when given, else the real clock,
 * read only when a limit needs it and checked then.
 *
 * @param action What would be refused, after "Cannot".
 * @param now The route's `now` option, as given.
 * @returns The clock, returning Unix milliseconds.
 * @throws {TypeError} When `now` is given and not a function; the clock
 *   returned throws one when `now()` returns anything but a finite number.
 *
 * @example Usage
 * ```ts
 * import { routeClock } from "./_clock.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(routeClock("modify guild member", () => 5)(), 5);
 * assert.throws(() => routeClock("modify guild member", 5), TypeError);
 * assert.throws(() => routeClock("modify guild member", () => NaN)(), {
 *   message: "Cannot modify guild member as 'now' must return Unix milliseconds (a finite number): current value 'now()=NaN'",
 * });
 * ```
 */
export function routeClock(action: string, now: unknown): () => number {
  if (now === undefined) return (): number => realScheduler.now();
  if (typeof now !== "function") {
    throw new TypeError(
      `Cannot ${action} as 'now' must be a function returning Unix milliseconds: current value 'now=${
        shownQuoted(now)
      }'`,
    );
  }
  return (): number => {
    // A clock that returns no time would let anything through.
    const time: unknown = now();
    if (typeof time !== "number" || !Number.isFinite(time)) {
      throw new TypeError(
        `Cannot ${action} as 'now' must return Unix milliseconds (a finite number): current value 'now()=${
          shownQuoted(time)
        }'`,
      );
    }
    return time;
  };
}
