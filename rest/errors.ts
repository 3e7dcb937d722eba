/**
 * Errors the REST client raises. All extend {@linkcode RestError}, which
 * carries the method and the path (tokens redacted). No error ever holds the
 * bot token or an interaction/webhook token: not in its message, its stack,
 * its `cause` or its JSON.
 *
 * @module
 */
import { errorText } from "../base/error_text.ts";
import {
  type DiscordFieldError,
  fieldErrorDetails,
  fieldMessageLists,
  flattenErrors,
} from "./field_errors.ts";

export type { DiscordFieldError } from "./field_errors.ts";

/** Fields every {@linkcode RestError} carries. */
export interface RestErrorOptions {
  /** The request's HTTP method. */
  method: string;
  /** The request's path below the API base URL, tokens replaced by `:token`. */
  path: string;
  /** The underlying error (already redacted). */
  cause?: unknown;
}

/** The most characters of Discord's error message kept in an error's. */
const MAX_API_MESSAGE = 2000;

/** `text`, cut to `max` characters with a note of how much was left out. */
function shorten(text: string, max: number): string {
  return text.length <= max
    ? text
    : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/**
 * The base class of every REST failure.
 *
 * @example Catch any REST failure
 * ```ts
 * import { DiscordApiError, RestError } from "@disruption/disruption/rest";
 * import assert from "node:assert/strict";
 *
 * const error = new DiscordApiError({
 *   method: "GET",
 *   path: "/channels/1",
 *   status: 404,
 *   body: { code: 10003, message: "Unknown Channel" },
 * });
 * assert.ok(error instanceof RestError);
 * assert.equal(error.path, "/channels/1");
 * ```
 */
export class RestError extends Error {
  /** The request's HTTP method. */
  readonly method: string;
  /** The request's path, tokens replaced by `:token`. */
  readonly path: string;

  /**
   * Create a REST error.
   *
   * @param message What went wrong.
   * @param options Method, path and cause.
   */
  constructor(message: string, options: RestErrorOptions) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = "RestError";
    this.method = options.method;
    this.path = options.path;
  }
}

/** Discord's JSON error body: `{ code, message, errors? }`. */
export interface DiscordErrorBody {
  /** Discord's JSON error code (0 for general HTTP errors). */
  code?: number;
  /** Discord's message. */
  message?: string;
  /** The nested per-field error tree of a 400 "Invalid Form Body". */
  errors?: unknown;
}

/** Options for {@linkcode DiscordApiError}. */
export interface DiscordApiErrorOptions extends RestErrorOptions {
  /** The HTTP status. */
  status: number;
  /** The parsed JSON body, or `undefined` when it was not JSON. */
  body?: DiscordErrorBody | undefined;
  /**
   * What the body was when it was not JSON, for the message: its media
   * type (`text/html`) and the page's title, quoted, when it has one
   * (Cloudflare's "Access denied" page, a proxy's 502), already redacted
   * and bounded by the caller.
   */
  nonJson?: string | undefined;
  /**
   * Whether the body, without a `body` given, was JSON that is not an
   * object (`[]`, `"Forbidden"`, `null`): the message says so rather than
   * that there was no JSON body.
   */
  jsonNotObject?: boolean | undefined;
  /**
   * How an earlier attempt of the same call went when it may have been
   * applied unseen and was sent again: no answer (a timeout, a lost
   * connection) or a 5xx. Sets {@linkcode DiscordApiError.mayHaveApplied},
   * except for a GET or a HEAD, which apply nothing.
   */
  earlierAttempt?: "no_answer" | "server_error" | undefined;
}

/**
 * How an earlier attempt went, when it may have been applied: a GET or a
 * HEAD applies nothing, so a retried read that fails said "it may have
 * been applied" of nothing.
 */
function appliedEarlier(
  options: DiscordApiErrorOptions,
): DiscordApiErrorOptions["earlierAttempt"] {
  return options.method === "GET" || options.method === "HEAD"
    ? undefined
    : options.earlierAttempt;
}

/**
 * What a {@linkcode DiscordApiError}'s message says of an earlier attempt
 * that may have been applied: a retried DELETE answered 404 was otherwise
 * a plain failure, though the first attempt had most likely deleted it.
 */
function earlierNote(options: DiscordApiErrorOptions): string {
  const earlier = appliedEarlier(options);
  if (earlier === undefined) return "";
  const how = earlier === "no_answer"
    ? "got no answer"
    : "was answered with a server error (5xx)";
  return options.method === "DELETE" && options.status === 404
    ? `; an earlier attempt ${how} and was retried: it may have done the delete itself`
    : `; an earlier attempt ${how} and was retried: it may have been applied`;
}

/**
 * Discord answered with an error status (4xx, or 5xx after the retries).
 *
 * `code` and `apiMessage` are Discord's JSON error code and message
 * (0 and the HTTP status text when the body was not Discord's JSON: then
 * {@linkcode DiscordApiError.jsonBody} is `false` and the message says
 * `no JSON body` instead of a code, with the page's type and title);
 * `errors` is the raw per-field tree and {@linkcode DiscordApiError.fieldErrors}
 * its flattened leaves: the first 50, which the message lists too (within
 * a few KB), saying how many were left out. A body of Discord's other
 * shape, each field mapped to a list of messages and no `code`
 * (`{ "target_users_file": ["Line 5: invalid user ID format"] }`), gives
 * a leaf per message, its `code` empty.
 *
 * @example Tell an unknown message apart
 * ```ts
 * import { DiscordApiError } from "@disruption/disruption/rest";
 * import assert from "node:assert/strict";
 *
 * const error = new DiscordApiError({
 *   method: "POST",
 *   path: "/channels/1/messages",
 *   status: 400,
 *   body: {
 *     code: 50035,
 *     message: "Invalid Form Body",
 *     errors: { content: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: "Must be 2000 or fewer in length." }] } },
 *   },
 * });
 * assert.equal(error.status, 400);
 * assert.equal(error.code, 50035);
 * assert.equal(error.apiMessage, "Invalid Form Body");
 * assert.deepEqual(error.fieldErrors, [
 *   { path: "content", code: "BASE_TYPE_MAX_LENGTH", message: "Must be 2000 or fewer in length." },
 * ]);
 * ```
 */
export class DiscordApiError extends RestError {
  /** The HTTP status. */
  readonly status: number;
  /**
   * Discord's JSON error code (0 when none was given, and when the body
   * was not JSON: see {@linkcode DiscordApiError.jsonBody}, as Discord's own
   * 0 is "General error").
   */
  readonly code: number;
  /**
   * Whether the answer's body was a JSON error object (Discord's; for a
   * redirect, which is not followed, the client's own). `false` for any
   * other body (Cloudflare's HTML 403 page, a proxy's 502 page, an empty
   * one, JSON that is no object such as `[]` or `"Forbidden"`): that
   * answer may not be Discord's at all, and its `code` 0 is no code
   * Discord gave.
   */
  readonly jsonBody: boolean;
  /** Discord's message, without the request context {@linkcode Error.message} adds. */
  readonly apiMessage: string;
  /** Discord's raw per-field error tree, if any. */
  readonly errors: unknown;
  /**
   * How many leaves of {@linkcode DiscordApiError.errors} are not in
   * {@linkcode DiscordApiError.fieldErrors} (past the first 50, nested
   * deeper than 32 levels, or past the 100,000 objects read: a lower bound
   * then).
   */
  readonly fieldErrorsOmitted: number;
  /**
   * Whether an earlier attempt of this call got no answer or a 5xx and was
   * sent again: that attempt may have been applied. A DELETE answered 404
   * then most likely was (what it deleted is gone), which the message says.
   * Always `false` for a GET (or a HEAD): a read applies nothing.
   */
  readonly mayHaveApplied: boolean;
  #fieldErrors: DiscordFieldError[];

  /**
   * Create an error from Discord's answer.
   *
   * @param options Status, parsed body, method and path.
   */
  constructor(options: DiscordApiErrorOptions) {
    const code = typeof options.body?.code === "number" ? options.body.code : 0;
    // Cut to a line's length: the body may be up to maxResponseBytes (8 MiB
    // by default), and a peer's 5 MB message became one error message and
    // one log line.
    const apiMessage = typeof options.body?.message === "string"
      ? shorten(options.body.message, MAX_API_MESSAGE)
      : `HTTP ${options.status}`;
    // Discord's `errors` tree, or its other shape, `{ field: [messages] }`
    // (Update Target Users' 400), whose lines were lost ("HTTP 400").
    const flattened = options.body?.errors === undefined
      ? fieldMessageLists(options.body)
      : flattenErrors(options.body.errors);
    const details = fieldErrorDetails(flattened);
    // Not "(code 0)", Discord's General error: a page of Cloudflare's or
    // of a proxy looked like one of Discord's answers.
    const kind = options.jsonNotObject
      ? "JSON that is not an error object"
      : "no JSON body";
    // A JSON body without a code (a 5xx's `{ message }`, the field lists
    // of Update Target Users' 400) is not Discord's General error either.
    const what = options.body !== undefined
      ? typeof options.body.code === "number" ? `code ${code}` : "no code"
      : options.nonJson === undefined
      ? kind
      : `${kind}, ${options.nonJson}`;
    super(
      `${options.method} ${options.path} failed with ${options.status}: ${apiMessage} (${what})${
        earlierNote(options)
      }${details}`,
      options,
    );
    this.name = "DiscordApiError";
    this.status = options.status;
    this.code = code;
    this.jsonBody = options.body !== undefined;
    this.apiMessage = apiMessage;
    this.errors = options.body?.errors;
    this.#fieldErrors = flattened.fields;
    this.fieldErrorsOmitted = flattened.omitted;
    this.mayHaveApplied = appliedEarlier(options) !== undefined;
  }

  /**
   * The leaves of {@linkcode DiscordApiError.errors}, flattened, in tree
   * order: the first 50, paths and texts clipped to a few hundred
   * characters ({@linkcode DiscordApiError.fieldErrorsOmitted} counts the
   * rest).
   */
  get fieldErrors(): DiscordFieldError[] {
    return this.#fieldErrors.map((field) => ({ ...field }));
  }
}

/**
 * Whether `error` is Discord's answer for an interaction it no longer knows
 * (404, JSON code 10062): nearly always one answered after its 3 s, its
 * token already invalidated. (Not exported by the entry: the handler and
 * the interactions tooling each say it their way.)
 *
 * @param error What a request threw.
 * @returns `true` for a `DiscordApiError` of code 10062.
 */
export function isUnknownInteraction(error: unknown): boolean {
  return error instanceof DiscordApiError && error.code === 10062;
}

/**
 * What kind of limit a {@linkcode RateLimitError} ran into: Discord's
 * `X-RateLimit-Scope` (`user`, `global`, `shared`), or `cloudflare` for a
 * 429 that is not Discord's (no `retry_after` in its body and none of the
 * `X-RateLimit-*` headers): Cloudflare restricting the IP after too many
 * invalid requests (401, 403 or 429 answers). Such a 429 is never retried;
 * every request of the client waits (see {@linkcode RateLimitError}).
 */
export type RateLimitScope = "user" | "global" | "shared" | "cloudflare";

/** Options for {@linkcode RateLimitError}. */
export interface RateLimitErrorOptions extends RestErrorOptions {
  /** How long Discord asked to wait, in milliseconds. */
  retryAfter: number;
  /** The limit's scope (`X-RateLimit-Scope`, or `cloudflare`). */
  scope: RateLimitScope;
  /** The bucket hash, when Discord sent one. */
  bucket?: string | undefined;
  /**
   * Set when the request failed because Discord asked to wait longer than
   * this (the client's `maxRateLimitWait`, in ms) rather than after the
   * retries; 3000 for an interaction callback failed because the wait
   * would end past its 3 s; for the `cloudflare` scope, when the client's
   * pause was cut to it.
   */
  maxWait?: number | undefined;
}

/**
 * A request was still answered with 429 after the client's `maxRetries`
 * retries, or Discord asked it to wait longer than the client's
 * `maxRateLimitWait` (then {@linkcode RateLimitError.maxWait} is set).
 * An interaction callback fails so, unsent, when a wait (a 429's retry
 * delay, its bucket's reset) would end past its 3 s: Discord would only
 * answer 404 Unknown interaction (10062) then; `maxWait` is 3000.
 *
 * With {@linkcode RateLimitError.scope} `cloudflare` the 429 was not
 * Discord's but Cloudflare's: the IP is restricted after too many invalid
 * requests (401, 403 or 429 answers, from this process or another on the
 * same IP). It is not retried: `retryAfter` is the answer's `Retry-After`,
 * or 60 s without one, and every request of the client waits that long
 * (at most `maxRateLimitWait`, at least 1 s) before it is sent. The same
 * error, never sent, fails an interaction callback made during that pause
 * (Discord takes an initial response only within 3 s; `retryAfter` is
 * what is left of the pause) and the requests that waited out a pause
 * when the one sent first after it is refused again.
 *
 * @example Usage
 * ```ts
 * import { RateLimitError } from "@disruption/disruption/rest";
 * import assert from "node:assert/strict";
 *
 * const error = new RateLimitError({
 *   method: "POST",
 *   path: "/channels/1/messages",
 *   retryAfter: 1500,
 *   scope: "user",
 * });
 * assert.equal(error.retryAfter, 1500);
 * assert.equal(error.global, false);
 * ```
 */
export class RateLimitError extends RestError {
  /** How long Discord asked to wait, in milliseconds. */
  readonly retryAfter: number;
  /** The limit's scope (`cloudflare`: an IP restriction, not Discord's limit). */
  readonly scope: RateLimitScope;
  /** Whether it was Discord's global limit. */
  readonly global: boolean;
  /** The bucket hash, when Discord sent one. */
  readonly bucket: string | undefined;
  /** The longest wait the client accepted, when that is why it failed. */
  readonly maxWait: number | undefined;

  /**
   * Create an error for a request that stayed rate limited.
   *
   * @param options The 429's details, method and path.
   */
  constructor(options: RateLimitErrorOptions) {
    const { method, path, scope, retryAfter, maxWait } = options;
    super(
      scope === "cloudflare"
        ? `${method} ${path} was answered 429 by Cloudflare, not by Discord's rate limits (no retry_after, no X-RateLimit-* headers): the IP is restricted after too many invalid requests (401/403/429); not retried, and every request of the client waits ${
          Math.min(retryAfter, maxWait ?? retryAfter)
        } ms${
          maxWait === undefined || retryAfter <= maxWait
            ? ""
            : ` (maxRateLimitWait; the answer asked for ${retryAfter} ms)`
        }`
        : maxWait === undefined
        ? `${method} ${path} is still rate limited (${scope} scope) after retrying: retry after ${retryAfter} ms`
        : `${method} ${path} is rate limited (${scope} scope) and Discord asked to wait ${retryAfter} ms, longer than the ${maxWait} ms the client waits (maxRateLimitWait)`,
      options,
    );
    this.maxWait = options.maxWait;
    this.name = "RateLimitError";
    this.retryAfter = options.retryAfter;
    this.scope = options.scope;
    this.global = options.scope === "global";
    this.bucket = options.bucket;
  }
}

/** Options for {@linkcode ResponseTooLargeError}. */
export interface ResponseTooLargeErrorOptions extends RestErrorOptions {
  /** The HTTP status of the answer. */
  status: number;
  /** The client's `maxResponseBytes` (or its lower `maxBufferedResponseBytes`). */
  limit: number;
  /** Bytes read (or declared by `Content-Length`) when the client stopped. */
  bytes: number;
  /**
   * The client option that sets `limit`, named in the message.
   *
   * @default {"maxResponseBytes"}
   */
  option?: string;
}

/**
 * An answer's body was larger than the client's `maxResponseBytes` (or
 * than its `maxBufferedResponseBytes`, when that is lower); the client
 * stopped reading it there. Not retried.
 *
 * @example Usage
 * ```ts
 * import { ResponseTooLargeError } from "@disruption/disruption/rest";
 * import assert from "node:assert/strict";
 *
 * const error = new ResponseTooLargeError({
 *   method: "GET",
 *   path: "/guilds/1/members",
 *   status: 200,
 *   limit: 1024,
 *   bytes: 2048,
 * });
 * assert.match(error.message, /maxResponseBytes/);
 * ```
 */
export class ResponseTooLargeError extends RestError {
  /** The HTTP status of the answer. */
  readonly status: number;
  /** The client's `maxResponseBytes` (or its lower `maxBufferedResponseBytes`). */
  readonly limit: number;
  /** Bytes read (or declared) when the client stopped. */
  readonly bytes: number;

  /**
   * Create an error for an oversized body.
   *
   * @param options Status, limit, bytes, method and path.
   */
  constructor(options: ResponseTooLargeErrorOptions) {
    super(
      `${options.method} ${options.path} answered ${options.status} with a body of more than ${options.limit} bytes (at least ${options.bytes}); raise the client's ${
        options.option ?? "maxResponseBytes"
      } if this answer is expected`,
      options,
    );
    this.name = "ResponseTooLargeError";
    this.status = options.status;
    this.limit = options.limit;
    this.bytes = options.bytes;
  }
}

/**
 * The request never got an HTTP answer: DNS, TLS, connection reset, or a
 * body that could not be read. `cause` holds a redacted copy of the runtime's
 * error.
 *
 * @example Usage
 * ```ts
 * import { NetworkError } from "@disruption/disruption/rest";
 * import assert from "node:assert/strict";
 *
 * const error = new NetworkError({
 *   method: "GET",
 *   path: "/gateway",
 *   cause: new TypeError("connection reset"),
 * });
 * assert.match(error.message, /connection reset/);
 * assert.ok(error.cause instanceof TypeError);
 * ```
 */
export class NetworkError extends RestError {
  /**
   * Create an error for a request that got no answer.
   *
   * @param options Method, path and the (redacted) underlying error.
   */
  constructor(options: RestErrorOptions) {
    super(
      `${options.method} ${options.path} failed: ${
        innermostReason(options.cause)
      }`,
      options,
    );
    this.name = "NetworkError";
  }
}

/**
 * The message of the innermost error of a chain: Deno's fetch says only
 * "fetch failed" and puts the reason (a reset, a refused connection) a
 * cause or two below.
 */
function innermostReason(error: unknown): string {
  let inner = error;
  try {
    for (let depth = 0; depth < 8; depth++) {
      if (!(inner instanceof Error) || !(inner.cause instanceof Error)) break;
      inner = inner.cause;
    }
  } catch {
    // `instanceof` or a `cause` getter threw (a hostile Proxy): the error
    // must still be built, with what the chain gave so far.
  }
  return errorText(inner);
}

/** Options for {@linkcode SearchIndexNotReadyError}. */
export interface SearchIndexNotReadyErrorOptions extends RestErrorOptions {
  /**
   * How long to wait before searching again, in milliseconds: already
   * floored and capped (see {@linkcode SearchIndexNotReadyError.retryAfter}).
   */
  retryAfter: number;
  /** Documents indexed so far, when the answer said (a count >= 0). */
  documentsIndexed?: number | undefined;
  /**
   * What the wait was made from, when it is not the answer's `retry_after`
   * as given: said in the message.
   */
  retryAfterNote?: string | undefined;
}

/**
 * A guild message search was answered `202 Accepted` with Discord's
 * "Index not yet available. Try again later" (JSON code 110000): the
 * guild is not indexed for search yet, and the answer holds no results.
 * The client takes any 2xx as a success; `searchGuildMessages` reads this
 * body and rejects with this error rather than hand it back as results.
 * It does not retry on its own: search again after
 * {@linkcode SearchIndexNotReadyError.retryAfter} ms, or give up.
 *
 * @example Usage
 * ```ts
 * import { RestError, SearchIndexNotReadyError } from "@disruption/disruption/rest";
 * import assert from "node:assert/strict";
 *
 * const error = new SearchIndexNotReadyError({
 *   method: "GET",
 *   path: "/guilds/1/messages/search",
 *   retryAfter: 2000,
 *   documentsIndexed: 0,
 * });
 * assert.ok(error instanceof RestError);
 * assert.equal(error.code, 110000);
 * assert.equal(error.retryAfter, 2000);
 * ```
 */
export class SearchIndexNotReadyError extends RestError {
  /** Discord's JSON code for an index not yet available. */
  readonly code: 110000 = 110000;
  /**
   * How long to wait before searching again, in milliseconds: the
   * answer's `retry_after` seconds rounded up, at least 1000 (Discord
   * says to retry "after a short delay" when it is 0) and at most
   * `MAX_TIMER_DELAY` (about 24.8 days, the longest `setTimeout` waits;
   * past it a timer fires at once).
   */
  readonly retryAfter: number;
  /** Documents indexed so far in the current index operation, if said. */
  readonly documentsIndexed: number | undefined;

  /**
   * Create an error for a search answered "index not yet available".
   *
   * @param options The wait, the documents indexed, method and path.
   */
  constructor(options: SearchIndexNotReadyErrorOptions) {
    const indexed = options.documentsIndexed === undefined
      ? ""
      : `, ${options.documentsIndexed} documents indexed so far`;
    const note = options.retryAfterNote === undefined
      ? ""
      : ` (${options.retryAfterNote})`;
    super(
      `${options.method} ${options.path} was answered that the guild's search index is not yet available (code 110000${indexed}): search again in ${options.retryAfter} ms${note}`,
      options,
    );
    this.name = "SearchIndexNotReadyError";
    this.retryAfter = options.retryAfter;
    this.documentsIndexed = options.documentsIndexed;
  }
}
