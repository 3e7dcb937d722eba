/**
 * {@linkcode refusalLog}: how the interactions endpoint logs a kind of
 * request that anyone can send and that it refuses, once per burst. Private
 * to the package.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import type { Scheduler } from "../base/scheduler.ts";

const logger = getLogger(["disruption", "interactions", "http"]);

/**
 * How long, in ms, refused requests of one kind that anyone can send (no
 * signature headers, a bad signature, a body too slow, or a signed request
 * seen once and sent again: stale or replayed) are counted, not each
 * logged, once one was: 5,000 unsigned requests in 1.8 s were 5,000
 * lines. A flood is one line and then its count; one after a quiet time is
 * said again.
 */
const REFUSAL_BURST = 60_000;

/** One kind of refused request's log: {@linkcode refusalLog}. */
export interface RefusalLog {
  /** A request of this kind was refused. */
  refused(): void;
  /** Say the count of a burst that is over (any request calls it). */
  settle(): void;
}

/**
 * Log one kind of refused request as the 503s are: the first of a burst,
 * then how many more came. A burst lasts `REFUSAL_BURST` from its first;
 * its count is said by the next request after that (of any kind: nothing
 * else runs in between, and a timer would outlive the endpoint).
 *
 * @param scheduler The clock bursts are timed on.
 * @param what The kind, as "Interaction request {what} refused" says it (a
 * template: its holes are filled from `properties`).
 * @param properties The values for `what`'s holes.
 * @returns The log.
 */
export function refusalLog(
  scheduler: Scheduler,
  what: string,
  properties: Record<string, unknown> = {},
): RefusalLog {
  /** When the burst began; `undefined` when none is on. */
  let since: number | undefined;
  let more = 0;
  const settle = (): void => {
    if (since === undefined || scheduler.now() - since < REFUSAL_BURST) return;
    if (more > 0) {
      const [noun, verb] = more === 1
        ? ["request", "was"]
        : ["requests", "were"];
      logger.warn(
        `{more} more interaction ${noun} ${what} ${verb} refused within {burst} ms of the first`,
        { ...properties, more, burst: REFUSAL_BURST },
      );
    }
    since = undefined;
    more = 0;
  };
  return {
    refused: (): void => {
      settle();
      if (since !== undefined) {
        more++;
        return;
      }
      since = scheduler.now();
      logger.warn(
        `Interaction request ${what} refused (said once a minute at most, then how many more came)`,
        properties,
      );
    },
    settle,
  };
}
