/**
 * {@linkcode RestClientOptions}, their defaults, and the checks a
 * `RestClient` runs on them when it is created, so that a wrong value fails
 * at once with a message naming the option instead of at the first request
 * (or never: a bad base URL was retried as a network failure).
 *
 * @module
 */
import { assertTokenOption } from "../base/bot_token.ts";
import { checkOptionKeys, optionKeys } from "../base/option_keys.ts";
import {
  assertBaseUrlOption,
  assertFunctionOption,
  assertSchedulerOption,
  numberOptionError,
} from "../base/option_checks.ts";
import {
  MAX_TIMER_DELAY,
  realScheduler,
  type Scheduler,
} from "../base/scheduler.ts";
import { DEFAULT_USER_AGENT } from "../base/user_agent.ts";
import type { RetryPolicy, ServerErrorRetry } from "./_request_policy.ts";
import { bytesLimit } from "./uploads.ts";

/** The API base URL the client talks to unless told otherwise. */
export const DEFAULT_BASE_URL = "https://discord.com/api/v10";
/** Default {@linkcode RestClientOptions.maxRateLimitWait}: one minute. */
export const DEFAULT_MAX_RATE_LIMIT_WAIT = 60_000;
/** Default {@linkcode RestClientOptions.timeout}: 15 s, as discord.js's. */
export const DEFAULT_TIMEOUT = 15_000;
/**
 * Default {@linkcode RestClientOptions.maxResponseBytes}: 8 MiB. Discord's
 * largest answers are a few MiB at most (1,000 guild members, 100 messages
 * with embeds, an audit-log page with its users and threads).
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/**
 * How many answers of the largest size
 * {@linkcode RestClientOptions.maxBufferedResponseBytes} holds by default.
 */
const BUFFERED_RESPONSES = 4;

/** Options for {@linkcode RestClient}. */
export interface RestClientOptions {
  /**
   * The bot token (a leading `Bot ` and surrounding whitespace are
   * dropped; what is left must be visible ASCII).
   */
  token: string;
  /**
   * The API base URL (`http:` or `https:`), without a trailing slash.
   *
   * @default {"https://discord.com/api/v10"}
   */
  baseUrl?: string;
  /**
   * The `fetch` to send requests with (e.g. `FakeRest.fetch` in tests).
   *
   * @default {globalThis.fetch}
   */
  fetch?: typeof fetch;
  /**
   * The clock every wait (rate limits, retries) goes through.
   *
   * @default {realScheduler}
   */
  scheduler?: Scheduler;
  /**
   * The `User-Agent` header (no control characters, nothing above U+00FF).
   *
   * @default {"DiscordBot (https://jsr.io/@disruption/disruption, 0.1.0)"}
   */
  userAgent?: string;
  /**
   * How many times one request is retried after a 429, a 5xx or a network
   * error before its error is thrown.
   *
   * @default {3}
   */
  maxRetries?: number;
  /**
   * Requests per second under the bot's global rate limit, counted over
   * any 1 s (a sliding window: never more than this in any second).
   *
   * @default {50}
   */
  globalLimit?: number;
  /**
   * Which methods are retried after a 5xx or a network error. An
   * interaction's initial response is not sent again when the retry would
   * go past the interaction's 3 s (Discord would answer 404 Unknown
   * interaction): it fails with the 5xx's error or the network error.
   *
   * @default {"idempotent"}
   */
  retryServerErrors?: ServerErrorRetry;
  /**
   * The first retry delay after a 5xx or a network error, in milliseconds;
   * it doubles for each further retry (at most 30 s), each delay give or
   * take half of it at random, so that requests failing together are not
   * retried together. A `Retry-After` header on the answer wins.
   *
   * @default {1000}
   */
  serverErrorBackoff?: number;
  /**
   * Randomness for the jitter of 5xx/network retry delays, in [0, 1)
   * (tests pass a fixed one; `() => 0.5` is no jitter).
   *
   * @default {Math.random}
   */
  random?: () => number;
  /**
   * The longest single wait, in milliseconds, the client accepts from
   * Discord (`retry_after`, `Retry-After`, `X-RateLimit-Reset-After`). A 429
   * asking for more fails at once with a `RateLimitError` that
   * says how long Discord asked for, instead of holding the request (and
   * its bucket) that long. The bucket is still known to be used up until
   * Discord's reset (for at most an hour): a request on it (after a 429,
   * or a success with `X-RateLimit-Remaining: 0` and a longer
   * reset-after) that would wait for the reset longer than this fails at
   * once, unsent, with a `RateLimitError` whose `retryAfter` is the time
   * left, rather than be sent into the closed window for a 429; one with
   * a shorter wait waits. A global 429 pauses requests at most this long,
   * and a 5xx whose `Retry-After` is longer is not retried. It also bounds
   * the pause after a Cloudflare 429, which lasts at least 1 s whatever
   * this is.
   *
   * @default {60000}
   */
  maxRateLimitWait?: number;
  /**
   * The largest response body read, in bytes; a larger one fails the
   * request with a `ResponseTooLargeError` (and is not read further).
   *
   * The body is not all an answer costs: `JSON.parse` makes objects of
   * many times its size (about 14 times for `[[],[],…]`, measured: 8 MiB of
   * it became 115 MiB of heap), and that is what the caller gets. The
   * default fits Discord's largest answers with room; raise it for a
   * route known to answer more.
   *
   * @default {8388608 (8 MiB)}
   */
  maxResponseBytes?: number;
  /**
   * The most body bytes the client holds at once across every answer being
   * read or parsed. An answer that would pass it stops being read (a GET
   * is asked again, as after a network failure; any other method fails
   * with a `NetworkError`); one that alone passes it fails with a
   * `ResponseTooLargeError`. The oldest answer being read may always grow
   * to `maxResponseBytes`. Answers are never paused for it: over HTTP/2
   * they share one connection, and a paused answer's unread body stalled
   * the others until their timeout. Without it, 16 answers of 32 MiB read
   * at once took the process out of memory.
   *
   * @default {4 * maxResponseBytes (32 MiB)}
   */
  maxBufferedResponseBytes?: number;
  /**
   * The longest one attempt may take, in ms, from sending the request to
   * the last byte of its answer. Past it the attempt counts as unanswered:
   * retried when safe (GET and the like), else a `NetworkError`.
   * Without it, a peer that never answers held the request, and every
   * later one of its bucket, for ever. Reading the streams of `files`,
   * before the first attempt, has the same limit.
   *
   * @default {15000}
   */
  timeout?: number;
  /**
   * Refuse requests (with an `InvalidRequestLimitError`) once this many
   * responses with status 401, 403 or 429 came back within 10 minutes;
   * Discord bans the IP at 10,000. Requests in flight count as if they
   * were such answers: while they fill the rest of the cap, further
   * requests wait (queued, not refused) until one of them is answered (at
   * most this many, less the answers counted, are in flight at once).
   * Counted per client: share one (a `Client`'s `client.rest`), and split
   * the limit among processes sharing an IP.
   *
   * @default {9000}
   */
  invalidRequestLimit?: number;
}

/** The options of a `RestClient`, checked and with their defaults. */
export interface RestSettings {
  /** The token to send, normalized. */
  token: string;
  /** The base URL without trailing slashes. */
  baseUrl: string;
  /** What sends requests. */
  fetch: typeof fetch;
  /** The clock. */
  scheduler: Scheduler;
  /** The `User-Agent` header. */
  userAgent: string;
  /** The retry settings. */
  policy: RetryPolicy;
  /** The largest body of one answer. */
  maxResponseBytes: number;
  /** The most bytes held across answers. */
  maxBufferedResponseBytes: number;
  /** The attempt timeout. */
  timeout: number;
}

const WHAT = "REST client";

/**
 * Every key of {@linkcode RestClientOptions}: the compiler keeps the list
 * complete and exact, and a misspelt key (`maxRetry`) is refused, not left
 * to silently keep the default.
 */
const REST_OPTION_KEYS = optionKeys(
  {
    token: true,
    baseUrl: true,
    fetch: true,
    scheduler: true,
    userAgent: true,
    maxRetries: true,
    globalLimit: true,
    retryServerErrors: true,
    serverErrorBackoff: true,
    random: true,
    maxRateLimitWait: true,
    maxResponseBytes: true,
    maxBufferedResponseBytes: true,
    timeout: true,
    invalidRequestLimit: true,
  } satisfies Record<keyof RestClientOptions, true>,
);
const SERVER_ERROR_RETRIES: readonly ServerErrorRetry[] = [
  "idempotent",
  "all",
  "never",
];

/**
 * Check a `RestClient`'s options and fill in the defaults.
 *
 * @param options The options as given.
 * @returns The settings.
 * @throws {TypeError} For options that are not an object or have a key
 *   that is not an option (the message names the nearest one), a missing
 *   or malformed token or user agent, a base URL that is not http(s), or a
 *   `fetch`, `random`, `scheduler` or `retryServerErrors` of the wrong
 *   kind.
 * @throws {RangeError} For a number out of range.
 */
export function restSettings(options: RestClientOptions): RestSettings {
  checkOptionKeys(`create ${WHAT}`, "", options ?? {}, REST_OPTION_KEYS);
  const normalized = assertTokenOption(WHAT, options?.token);
  for (const name of NUMBER_OPTIONS) numberTyped(name, options[name]);
  const maxRetries = options.maxRetries ?? 3;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new RangeError(
      `Cannot create REST client as 'maxRetries' must be a non-negative integer: current value 'maxRetries=${maxRetries}'`,
    );
  }
  const backoff = options.serverErrorBackoff ?? 1000;
  if (!(backoff >= 0) || !Number.isFinite(backoff)) {
    throw new RangeError(
      `Cannot create REST client as 'serverErrorBackoff' must be a finite number >= 0: current value 'serverErrorBackoff=${backoff}'`,
    );
  }
  const maxWait = options.maxRateLimitWait ?? DEFAULT_MAX_RATE_LIMIT_WAIT;
  if (
    typeof maxWait !== "number" ||
    !(maxWait >= 0 && maxWait <= MAX_TIMER_DELAY)
  ) {
    throw new RangeError(
      `Cannot create REST client as 'maxRateLimitWait' must be between 0 and ${MAX_TIMER_DELAY} ms: current value 'maxRateLimitWait=${maxWait}'`,
    );
  }
  const maxBytes = positiveInteger(
    "maxResponseBytes",
    options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
  );
  const buffered = positiveInteger(
    "maxBufferedResponseBytes",
    options.maxBufferedResponseBytes ??
      Math.min(Number.MAX_SAFE_INTEGER, BUFFERED_RESPONSES * maxBytes),
  );
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  if (
    !Number.isSafeInteger(timeout) || timeout <= 0 ||
    timeout > MAX_TIMER_DELAY
  ) {
    throw new RangeError(
      `Cannot create REST client as 'timeout' must be a positive integer of ms up to ${MAX_TIMER_DELAY}: current value 'timeout=${timeout}'`,
    );
  }
  const retryServerErrors = options.retryServerErrors ?? "idempotent";
  if (!SERVER_ERROR_RETRIES.includes(retryServerErrors)) {
    throw new TypeError(
      `Cannot create REST client as 'retryServerErrors' must be "idempotent", "all" or "never": current value 'retryServerErrors=${
        String(retryServerErrors)
      }'`,
    );
  }
  assertBaseUrlOption(WHAT, "baseUrl", options.baseUrl, ["http:", "https:"]);
  assertFunctionOption(WHAT, "fetch", options.fetch);
  assertFunctionOption(WHAT, "random", options.random);
  assertSchedulerOption(WHAT, options.scheduler);
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  assertHeaderValue("userAgent", userAgent);
  return {
    token: normalized,
    baseUrl: (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, ""),
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    scheduler: options.scheduler ?? realScheduler,
    userAgent,
    policy: {
      maxRetries,
      retryServerErrors,
      serverErrorBackoff: backoff,
      maxRateLimitWait: maxWait,
      ...(options.random === undefined ? {} : { random: options.random }),
    },
    maxResponseBytes: maxBytes,
    maxBufferedResponseBytes: buffered,
    timeout,
  };
}

/**
 * Check a per-call `uploadLimit` (the largest size of each file).
 *
 * @param value The value; `undefined` passes.
 * @throws {RangeError} When it is not a positive integer of bytes (`NaN`
 *   read files for ever, 0 bytes at a time).
 */
export function assertUploadLimit(value: unknown): void {
  if (value !== undefined) bytesLimit("uploadLimit", value);
}

/** The options that take a number (see `numberTyped`). */
const NUMBER_OPTIONS = [
  "maxRetries",
  "serverErrorBackoff",
  "maxRateLimitWait",
  "maxResponseBytes",
  "maxBufferedResponseBytes",
  "timeout",
] as const satisfies readonly (keyof RestClientOptions)[];

/**
 * Refuse an option given as anything but a number, quoted: a `"3"` read
 * from the environment got "must be a non-negative integer: current value
 * 'maxRetries=3'", which read as a contradiction.
 */
function numberTyped(name: string, value: unknown): void {
  if (value === undefined || typeof value === "number") return;
  throw numberOptionError("REST client", name, "a number", value);
}

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot create REST client as '${name}' must be a positive integer: current value '${name}=${
        String(value)
      }'`,
    );
  }
  return value;
}

/**
 * A header value `fetch` sends as given: a control character (a newline
 * that would start another header) or a character above U+00FF made every
 * request fail with the runtime's `Invalid header value`.
 */
function assertHeaderValue(name: string, value: unknown): void {
  if (
    typeof value === "string" &&
    // deno-lint-ignore no-control-regex -- control characters are the point
    !/[\x00-\x1f\x7f\u0100-\uffff]/.test(value)
  ) {
    return;
  }
  throw new TypeError(
    `Cannot create REST client as '${name}' must be a string without control characters or characters above U+00FF: current value '${name}=${
      typeof value === "string" ? JSON.stringify(value) : typeof value
    }'`,
  );
}
