/**
 * What {@linkcode RestClient} does after each attempt of a request, as pure
 * decisions: given the attempt's outcome (an HTTP status and its rate-limit
 * details, or no answer) and how many retries were spent, say whether to
 * succeed, fail (and with what) or retry (and after how long). No I/O, no
 * clock: the client does the sending, reading and waiting around it.
 * Private to the package (tested in `tests/rest/request_policy_test.ts`).
 *
 * @module
 */
import type { RateLimitScope } from "./errors.ts";
import type { HttpMethod } from "./routes.ts";
import { backoffDelay } from "../base/backoff.ts";

/**
 * Which failed requests are sent again after a 5xx answer or a network
 * error (Discord's 429s are always retried, up to `maxRetries`;
 * Cloudflare's never):
 * - `idempotent`: GET, PUT, PATCH and DELETE, which Discord applies the same
 *   way twice; a POST (a new message, an interaction callback) is not
 *   repeated, since the first one may have been applied before the error.
 * - `all`: every method, POST too.
 * - `never`: none.
 */
export type ServerErrorRetry = "idempotent" | "all" | "never";

/** The client's retry settings, as the decisions read them. */
export interface RetryPolicy {
  /** Retries allowed per request (429s, 5xx and network errors together). */
  maxRetries: number;
  /** Which methods are retried after a 5xx or a network error. */
  retryServerErrors: ServerErrorRetry;
  /** First 5xx/network retry delay in ms; doubles per retry, at most 30 s. */
  serverErrorBackoff: number;
  /**
   * Randomness for the jitter of 5xx/network retries, in [0, 1).
   *
   * @default {Math.random}
   */
  random?: () => number;
  /**
   * The longest single wait Discord may ask for (ms); a 429 asking for more
   * fails at once instead of waiting.
   */
  maxRateLimitWait: number;
}

/** Longest backoff between two 5xx/network retries, in milliseconds. */
export const MAX_SERVER_ERROR_BACKOFF = 30_000;

/**
 * How far a 5xx/network retry's delay strays from its base, as a fraction
 * of it: without it, requests that failed together (a Discord outage,
 * answers cut short for `maxBufferedResponseBytes`) were retried together
 * on the same 1/2/4 s schedule, and collided again.
 */
export const SERVER_ERROR_JITTER = 0.5;

/**
 * An HTTP answer, reduced to what the retry decision needs. Times are in
 * milliseconds (the client converts Discord's seconds).
 */
export interface AnswerFacts {
  /** The HTTP status. */
  status: number;
  /** The 429 body's `retry_after`, converted to ms, when it was a finite number. */
  bodyRetryAfter?: number | undefined;
  /** The 429 body's `global: true`. */
  bodyGlobal?: boolean | undefined;
  /** The `Retry-After` header in ms, when it was a non-negative number. */
  retryAfterHeader?: number | undefined;
  /** `X-RateLimit-Reset-After` in ms. */
  resetAfter?: number | undefined;
  /** `X-RateLimit-Scope`. */
  scope?: RateLimitScope | undefined;
  /**
   * Whether any of Discord's `X-RateLimit-*` headers came (see
   * `hasRateLimitHeaders`); `undefined` when not known, taken as yes.
   */
  rateLimitHeaders?: boolean | undefined;
}

/**
 * How long every request waits after a 429 of Cloudflare's that has no
 * `Retry-After` header (ms): a minute, the client's default
 * `maxRateLimitWait`. Discord does not say how long the IP restriction
 * lasts; a shorter pause only sends the waiting requests into it sooner,
 * each one more invalid request.
 */
export const CLOUDFLARE_PAUSE = 60_000;

/**
 * The shortest pause after a 429 of Cloudflare's (ms): a second, whatever
 * its `Retry-After` (0 too) and the client's `maxRateLimitWait` (0 too).
 * The restriction lasts minutes, and after each pause one request goes
 * to see whether it is over: a shorter pause made one request and one
 * pause after another, each a new invalid request (20 of them for 20
 * calls at `maxRateLimitWait` 0).
 */
export const CLOUDFLARE_MIN_PAUSE = 1000;

/** What to do after an attempt. */
export type RequestDecision =
  | {
    /** A 2xx: parse the body and resolve. */
    type: "success";
  }
  | {
    /** Send the request again after `delay` ms. */
    type: "retry";
    /** Why: a 429, a 5xx or no answer. */
    reason: "rate_limited" | "server_error" | "network_error";
    /** Milliseconds to wait first. */
    delay: number;
    /** The retry's number (1 for the first). */
    retry: number;
    /** For a 429: the scope the wait applies to. */
    scope?: RateLimitScope;
  }
  | {
    /**
     * Fail with a `RateLimitError`: still 429 after the retries
     * (`exceeded: "retries"`), or Discord asked for a wait longer than
     * `maxRateLimitWait` (`exceeded: "wait"`).
     */
    type: "rate_limited";
    /** How long Discord asked to wait, in ms (unclamped). */
    retryAfter: number;
    /** The limit's scope. */
    scope: RateLimitScope;
    /** Which bound was hit. */
    exceeded: "retries" | "wait";
  }
  | {
    /**
     * Fail with a `RateLimitError` of the `cloudflare` scope, not retried:
     * a 429 of Cloudflare's ({@linkcode isCloudflare429}). Every request of
     * the client pauses.
     */
    type: "cloudflare";
    /** The answer's `Retry-After` in ms, else {@linkcode CLOUDFLARE_PAUSE}. */
    retryAfter: number;
  }
  | {
    /** Fail with a `DiscordApiError` (a 4xx, or a 5xx not retried). */
    type: "api_error";
  }
  | {
    /** Fail with a `NetworkError`. */
    type: "network_error";
  };

/**
 * Whether a 5xx or a network error on `method` may be retried.
 *
 * @param method The request's method.
 * @param mode The client's setting.
 * @returns `true` when the request may be sent again.
 */
export function retriesServerErrors(
  method: HttpMethod,
  mode: ServerErrorRetry,
): boolean {
  return mode === "all" || (mode === "idempotent" && method !== "POST");
}

/**
 * The backoff before the `retry`-th retry after a 5xx or network error.
 *
 * @param base The first delay in ms.
 * @param retry The retry's number, from 1.
 * @param random Randomness for the jitter, in [0, 1) (0.5: none).
 * @returns `base * 2^(retry-1)`, give or take
 *   {@linkcode SERVER_ERROR_JITTER} of it, at least 1 ms and at most
 *   {@linkcode MAX_SERVER_ERROR_BACKOFF}.
 */
export function serverErrorDelay(
  base: number,
  retry: number,
  random: () => number = Math.random,
): number {
  // The library's one backoff formula and jitter.
  return backoffDelay(retry, {
    initial: base,
    min: 1,
    max: MAX_SERVER_ERROR_BACKOFF,
    jitter: SERVER_ERROR_JITTER,
    random,
  });
}

/**
 * How long a 429 asks to wait: the body's `retry_after`, else `Retry-After`,
 * else `X-RateLimit-Reset-After`, else 1 s.
 *
 * @param facts The answer.
 * @returns Milliseconds, never negative.
 */
export function rateLimitWait(facts: AnswerFacts): number {
  const wait = facts.bodyRetryAfter ?? facts.retryAfterHeader ??
    facts.resetAfter ?? 1000;
  return Math.max(0, wait);
}

/**
 * Whether a 429 is Cloudflare's rather than Discord's. Discord's rate-limit
 * answers always carry `retry_after` in a JSON body (its "rate limit
 * response structure") and, per route or global, `X-RateLimit-*` headers.
 * The rule: status 429, no finite number `retry_after` in the body (an
 * HTML or text page, or JSON such as `{"message": "You are being blocked
 * from accessing our API temporarily…", "code": 0}`), and none of the
 * `X-RateLimit-*` headers. That is Cloudflare restricting the IP after too
 * many invalid requests (Discord's docs, "Invalid Request Limit aka
 * Cloudflare bans": 10,000 answers 401, 403 or 429 in 10 minutes): every
 * retry would be another one, on every route alike.
 *
 * @param facts The answer.
 * @returns `true` for a 429 of Cloudflare's.
 */
function isCloudflare429(facts: AnswerFacts): boolean {
  return facts.status === 429 && facts.bodyRetryAfter === undefined &&
    facts.rateLimitHeaders === false;
}

/**
 * Decide what follows an HTTP answer.
 *
 * @param policy The client's retry settings.
 * @param method The request's method.
 * @param facts The answer.
 * @param retries Retries already spent on this request.
 * @returns The decision.
 */
export function decideAnswer(
  policy: RetryPolicy,
  method: HttpMethod,
  facts: AnswerFacts,
  retries: number,
): RequestDecision {
  const status = facts.status;
  if (isCloudflare429(facts)) {
    return {
      type: "cloudflare",
      retryAfter: facts.retryAfterHeader ?? CLOUDFLARE_PAUSE,
    };
  }
  if (status === 429) {
    const retryAfter = rateLimitWait(facts);
    const scope: RateLimitScope = facts.bodyGlobal === true
      ? "global"
      : facts.scope ?? "user";
    if (retryAfter > policy.maxRateLimitWait) {
      return { type: "rate_limited", retryAfter, scope, exceeded: "wait" };
    }
    if (retries >= policy.maxRetries) {
      return { type: "rate_limited", retryAfter, scope, exceeded: "retries" };
    }
    return {
      type: "retry",
      reason: "rate_limited",
      delay: retryAfter,
      retry: retries + 1,
      scope,
    };
  }
  if (status >= 200 && status < 300) return { type: "success" };
  if (
    status >= 500 && retries < policy.maxRetries &&
    retriesServerErrors(method, policy.retryServerErrors)
  ) {
    const retry = retries + 1;
    const delay = facts.retryAfterHeader ??
      serverErrorDelay(policy.serverErrorBackoff, retry, policy.random);
    if (delay <= policy.maxRateLimitWait) {
      return { type: "retry", reason: "server_error", delay, retry };
    }
  }
  return { type: "api_error" };
}

/**
 * Whether `error` (or one of its causes) is the runtime refusing a
 * permission: `Deno.errors.NotCapable` (Deno 2: "Requires net access to
 * "discord.com:443", run again with the --allow-net flag") or
 * `Deno.errors.PermissionDenied` (Deno 1), by class or, for a copy that lost
 * its class (a redacted cause), by name.
 *
 * @param error What `fetch` threw.
 * @returns `true` when a permission is missing: sending again cannot help.
 */
export function isPermissionError(error: unknown): boolean {
  // A hostile value (a Proxy whose getPrototypeOf throws) is no permission
  // error: sent again, it ends as a NetworkError rather than in its throw.
  try {
    for (let depth = 0; depth < 8 && error instanceof Error; depth++) {
      if (
        error instanceof Deno.errors.NotCapable ||
        error instanceof Deno.errors.PermissionDenied ||
        error.name === "NotCapable" || error.name === "PermissionDenied"
      ) {
        return true;
      }
      error = error.cause;
    }
  } catch {
    // Read as not a permission error.
  }
  return false;
}

/**
 * Decide what follows an attempt that got no answer. A permission the
 * runtime refused (no `--allow-net`) fails at once: every retry would be
 * refused the same way, and the backoff only hid the reason for seconds.
 *
 * @param policy The client's retry settings.
 * @param method The request's method.
 * @param retries Retries already spent on this request.
 * @param error What the attempt failed with, when known.
 * @returns A retry with backoff, or a network error.
 */
export function decideNoAnswer(
  policy: RetryPolicy,
  method: HttpMethod,
  retries: number,
  error?: unknown,
): RequestDecision {
  if (
    retries < policy.maxRetries &&
    retriesServerErrors(method, policy.retryServerErrors) &&
    !isPermissionError(error)
  ) {
    const retry = retries + 1;
    return {
      type: "retry",
      reason: "network_error",
      delay: serverErrorDelay(policy.serverErrorBackoff, retry, policy.random),
      retry,
    };
  }
  return { type: "network_error" };
}
