/**
 * Checks the options of `interactionsEndpoint` and `InteractionRouter`
 * (their keys, and their numbers, as a context's `answerDeadline`) when
 * they are created, and the timeout of a wait
 * (`awaitComponent`, `awaitMessage`) when it starts, so a wrong value
 * (`NaN`, a string through `as any`, 0, a negative or fractional number)
 * or a misspelt key (`maxage`) fails at once with a message naming the
 * option instead of silently turning off replay protection, refusing every
 * request, answering every command with 500 or leaving a default in force.
 * Internal to the package.
 *
 * @module
 */
import {
  assertFunctionOption,
  assertIntegerOption,
  assertOptionsObject,
  assertSchedulerOption,
} from "../base/option_checks.ts";
import { checkOptionKeys } from "../base/option_keys.ts";
import { MAX_TIMER_DELAY } from "../base/scheduler.ts";

/**
 * Refuse an options object of `interactionsEndpoint` that is not an object,
 * or has a key it does not read (`maxage`: the default would stay in force
 * without a word).
 *
 * @param options The options.
 * @param keys Its option keys (kept with the type, in http_endpoint.ts).
 * @throws {TypeError} When it is not an object (`undefined` included), or
 *   has another key (the message names the nearest option).
 */
export function assertEndpointOptionKeys(
  options: unknown,
  keys: readonly string[],
): void {
  // Required: `undefined` failed as "Cannot read properties of undefined".
  assertOptionsObject("create interactions endpoint", options);
  checkOptionKeys("create interactions endpoint", "", options, keys);
}

/** The largest `maxAge` accepted, in seconds: one day. */
export const MAX_SIGNATURE_AGE = 86_400;

/** {@linkcode assertIntegerOption}, for an option that may be left out. */
function optionalInteger(
  what: string,
  name: string,
  value: unknown,
  min: number,
  max?: number,
): void {
  if (value !== undefined) assertIntegerOption(what, name, value, min, max);
}

/** The number options of the HTTP endpoint. */
export interface CheckedEndpointOptions {
  /** Seconds, 1 to a day. */
  maxAge?: unknown;
  /** Milliseconds a timer can hold. */
  answerDeadline?: unknown;
  /** Bytes, at least 1. */
  maxBodySize?: unknown;
  /** Interaction IDs, at least 1. */
  maxRemembered?: unknown;
  /** A `Scheduler`. */
  scheduler?: unknown;
  /** A function. */
  clock?: unknown;
  /** A `RestClient` (required). */
  rest?: unknown;
}

/**
 * Check the number options of `interactionsEndpoint`, and its clocks and
 * REST client (each accepted before, and failing at the first request).
 *
 * @param options The options.
 * @throws {RangeError} When `maxAge` is not an integer from 1 to 86,400 (s),
 * `answerDeadline` not one from 1 to 2^31 - 1 (ms), or `maxBodySize` or
 * `maxRemembered` not a positive safe integer.
 * @throws {TypeError} When `scheduler` is not a `Scheduler`, `clock` not a
 * function, or `rest` not a `RestClient` (no `createInteractionResponse`).
 */
export function assertEndpointOptions(options: CheckedEndpointOptions): void {
  const what = "interactions endpoint";
  optionalInteger(what, "maxAge", options.maxAge, 1, MAX_SIGNATURE_AGE);
  assertAnswerDeadline(what, options.answerDeadline);
  optionalInteger(what, "maxBodySize", options.maxBodySize, 1);
  optionalInteger(what, "maxRemembered", options.maxRemembered, 1);
  assertSchedulerOption(what, options.scheduler);
  assertFunctionOption(what, "clock", options.clock);
  const { rest } = options;
  if (
    typeof rest !== "object" || rest === null ||
    typeof (rest as { createInteractionResponse?: unknown })
        .createInteractionResponse !== "function"
  ) {
    // typeof only: a token put here by mistake is never shown.
    throw new TypeError(
      `Cannot create ${what} as 'rest' must be a RestClient (a createInteractionResponse function): current value 'rest=${typeof rest}'`,
    );
  }
}

/**
 * Check the options of `InteractionRouter`: their keys, and its number.
 *
 * @param options The options.
 * @param keys Its option keys (kept with the type, in router.ts).
 * @throws {TypeError} When they are not an object, or have a key the router
 * does not read (the message names the nearest option).
 * @throws {RangeError} When `answerDeadline` is not an integer from 1 to
 * 2^31 - 1 (ms).
 * @throws {TypeError} When `scheduler` is not a `Scheduler` or `onError` not
 * a function.
 */
export function assertRouterOptions(
  options: { answerDeadline?: unknown; scheduler?: unknown; onError?: unknown },
  keys: readonly string[],
): void {
  checkOptionKeys("create interaction router", "", options, keys);
  assertAnswerDeadline("interaction router", options.answerDeadline);
  // Else the first timer, or the first error, failed far from here.
  assertSchedulerOption("interaction router", options.scheduler);
  assertFunctionOption("interaction router", "onError", options.onError);
}

/**
 * Check an `answerDeadline` (the endpoint's, the router's, a context's),
 * when given.
 *
 * @param what Who is being created, for the message.
 * @param answerDeadline The value, in ms.
 * @throws {RangeError} When it is not an integer from 1 to 2^31 - 1.
 */
export function assertAnswerDeadline(
  what: string,
  answerDeadline: unknown,
): void {
  optionalInteger(what, "answerDeadline", answerDeadline, 1, MAX_TIMER_DELAY);
}

/**
 * Check the timeout of `awaitComponent` or `awaitMessage`: a NaN or
 * negative one timed out at once, as if nothing had matched.
 *
 * @param what The wait, for the message (`"component wait"`).
 * @param timeout The timeout, in ms.
 * @throws {RangeError} When it is not an integer from 0 to 2^31 - 1.
 */
export function assertWaitTimeout(what: string, timeout: unknown): void {
  assertIntegerOption(what, "timeout", timeout, 0, MAX_TIMER_DELAY);
}
