/**
 * What the rate limiter asks a request before it waits, and the 3 s within
 * which Discord takes an interaction callback: a callback fails at once,
 * with a `RateLimitError` saying why, rather than wait past them (a
 * Cloudflare pause, a 429's retry delay, its bucket's reset), or past
 * them held by the requests in flight filling the invalid-request cap.
 * Sent after them it would only be answered 404 "Unknown interaction"
 * (10062), which hid the rate limit. Private to the package.
 *
 * @module
 */
import { ForwardClock } from "../base/forward_clock.ts";
import type { Scheduler } from "../base/scheduler.ts";
import { RateLimitError, type RateLimitScope } from "./errors.ts";
import { bucketWaitRefusal, cloudflareRefusal } from "./_outcome.ts";
import type { RequestDecision } from "./_request_policy.ts";
import type { AttemptResult, JobChecks } from "./rate_limiter.ts";

/** Milliseconds within which Discord takes an interaction's callback. */
export const CALLBACK_WINDOW = 3000;

/** What the message of a callback failed for its window says at its end. */
const DEFER =
  "Discord takes an interaction's initial response only within 3 s of the interaction, and sent later it would be answered 404 Unknown interaction (10062); answer sooner, or defer (callback type 5 or 6) first when the answer may take long";

/**
 * The 3 s of one interaction callback, counted from when the client was
 * asked to send it: the interaction arrived before, so a wait ending past
 * them ends past Discord's too.
 */
export class CallbackWindow {
  readonly #method: string;
  readonly #path: string;
  // Monotonic under the real scheduler: a wall clock stepped back would
  // otherwise move the window's end.
  readonly #clock: ForwardClock;
  readonly #endsAt: number;

  /**
   * Open the window now.
   *
   * @param method The callback's method.
   * @param path Its path, tokens redacted.
   * @param scheduler The client's clock.
   */
  constructor(method: string, path: string, scheduler: Scheduler) {
    this.#method = method;
    this.#path = path;
    this.#clock = new ForwardClock(scheduler);
    this.#endsAt = this.#clock.now() + CALLBACK_WINDOW;
  }

  /**
   * The error failing the callback when a wait of `waitFor` ms would end
   * past its window.
   *
   * @param waitFor The wait, in ms from now.
   * @param why What asks for it (the start of the error's message).
   * @param scope The limit's scope.
   * @param bucket The bucket's hash, when Discord named one.
   * @returns `undefined` when the wait ends within the window.
   */
  refusal(
    waitFor: number,
    why: string,
    scope: RateLimitScope,
    bucket?: string,
  ): RateLimitError | undefined {
    const left = this.#endsAt - this.#clock.now();
    if (waitFor <= left) return undefined;
    const method = this.#method;
    const path = this.#path;
    const error = new RateLimitError({
      method,
      path,
      retryAfter: waitFor,
      scope,
      bucket,
      maxWait: CALLBACK_WINDOW,
    });
    // The constructor's message is that of a 429 after the retries.
    error.message =
      `${method} ${path} ${why} ${waitFor} ms, past the 3 s of the interaction (${
        Math.max(0, left)
      } ms were left): ${DEFER}`;
    return error;
  }

  /**
   * The policy's decision on an attempt of this callback, with a 5xx's or
   * a lost answer's retry dropped when its delay ends past the window:
   * sent then, Discord would answer 404 Unknown interaction (10062), which
   * would hide the failure that spent the window. The callback fails with
   * the 5xx's `DiscordApiError` or the `NetworkError` instead. (A 429's
   * retry is {@linkcode lateRetry}'s: it keeps the limit's facts.)
   *
   * @param decision The policy's decision.
   * @returns `decision`, or the failure it stands for without the retry.
   */
  decision(decision: RequestDecision | undefined): RequestDecision | undefined {
    if (
      decision?.type !== "retry" || decision.reason === "rate_limited" ||
      decision.delay <= this.left()
    ) {
      return decision;
    }
    return decision.reason === "server_error"
      ? { type: "api_error" }
      : { type: "network_error" };
  }

  /** Milliseconds left of the window; 0 or less once it is over. */
  left(): number {
    return this.#endsAt - this.#clock.now();
  }

  /**
   * The error failing the callback at the end of its window while the
   * requests in flight still fill the invalid-request cap (the limiter's
   * `hold`): it waited for their answers, and none freed a place in time.
   *
   * @returns The error, of the `user` scope, `retryAfter` 0 (the answers
   *   it waited for free the cap, not a time).
   */
  heldRefusal(): RateLimitError {
    const method = this.#method;
    const path = this.#path;
    const error = new RateLimitError({
      method,
      path,
      retryAfter: 0,
      scope: "user",
      maxWait: CALLBACK_WINDOW,
    });
    error.message =
      `${method} ${path} refused unsent: the requests in flight fill the invalid-request cap (invalidRequestLimit, with the 401/403/429 answers of the last 10 minutes) and none was answered within the 3 s of the interaction: ${DEFER}`;
    return error;
  }
}

/**
 * An attempt's outcome, failed when it is a 429's retry whose delay ends
 * past a callback's window. Its rate-limit facts stay, so its bucket is
 * held as for a 429 not retried.
 *
 * @param window The callback's window; `undefined` for other requests.
 * @param outcome What the attempt came to.
 * @param decision The policy's decision on it.
 * @returns `outcome`, or the failure.
 */
export function lateRetry<T>(
  window: CallbackWindow | undefined,
  outcome: AttemptResult<T>,
  decision: RequestDecision | undefined,
): AttemptResult<T> {
  if (
    window === undefined || outcome.type !== "retry" ||
    decision?.type !== "retry" || decision.reason !== "rate_limited"
  ) {
    return outcome;
  }
  const error = window.refusal(
    outcome.delay,
    "not retried: Discord answered 429 and asked to wait",
    decision.scope ?? "user",
    outcome.rateLimit?.bucket,
  );
  if (error === undefined) return outcome;
  const { rateLimit } = outcome;
  return rateLimit === undefined
    ? { type: "failure", error }
    : { type: "failure", error, rateLimit };
}

/**
 * The limiter's checks on how long a request may wait: a Cloudflare pause
 * (a callback fails at once), its bucket's reset (past `maxWait`, or past
 * a callback's window, it fails unsent), held by the invalid-request cap
 * (a callback fails unsent at its window's end).
 *
 * @param method The request's method.
 * @param path Its path, tokens redacted.
 * @param window The callback's window; `undefined` for other requests.
 * @param maxWait The client's `maxRateLimitWait`.
 * @param bucketHash The bucket's hash, when Discord named one.
 * @returns The checks, for the limiter's `schedule`.
 */
export function waitChecks(
  method: string,
  path: string,
  window: CallbackWindow | undefined,
  maxWait: number,
  bucketHash: () => string | undefined,
): Pick<
  JobChecks,
  | "cloudflareRefusal"
  | "waitsForCloudflare"
  | "waitRefusal"
  | "holdLeft"
  | "holdRefusal"
> {
  return {
    ...(window === undefined ? {} : {
      holdLeft: () => window.left(),
      holdRefusal: () => window.heldRefusal(),
    }),
    cloudflareRefusal: (ms) =>
      cloudflareRefusal(method, path, ms, window !== undefined),
    waitsForCloudflare: window === undefined,
    waitRefusal: (ms) => {
      const bucket = bucketHash();
      return window?.refusal(
        ms,
        "refused unsent: its rate-limit bucket has no request left until it resets in",
        "user",
        bucket,
      ) ?? bucketWaitRefusal(method, path, ms, maxWait, bucket);
    },
  };
}
