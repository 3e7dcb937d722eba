/**
 * The I/O around one REST request, apart from the retry policy
 * (`_request_policy.ts`) and the rate limiter: {@linkcode prepareRequest}
 * is the one place a request's URL, headers and body are built, and
 * {@linkcode sendRequest} the one place an answer is taken in (status,
 * rate-limit headers, a size-capped body). Also the per-call options of
 * the typed routes ({@linkcode CallOptions}), which each route narrows to
 * what Discord takes there. Private to the package.
 *
 * @module
 */
import { assertSignalOption } from "../base/option_checks.ts";
import { checkOptionKeys, optionKeys } from "../base/option_keys.ts";
import { assertUploadLimit } from "./client_options.ts";
import { parseBoundedJson } from "../base/json_bounds.ts";
import { fnv1a } from "../base/fnv1a.ts";
import { textLength } from "../base/text_length.ts";
import {
  bodySecretsOf,
  credentialOf,
  redactor,
  secretsOf,
} from "./_redaction.ts";
import { getLogger } from "@logtape/logtape";
import { joinChunks, readBounded } from "../base/read_bounded.ts";
import { deadlineSignal, type Scheduler } from "../base/scheduler.ts";
import type { FileUpload } from "./uploads.ts";
import {
  decimalNumber,
  parseRateLimitHeaders,
  type RateLimitInfo,
  secondsToMs,
} from "./rate_limit_headers.ts";
import type { AnswerFacts } from "./_request_policy.ts";
import type { ResponseLease } from "./_response_budget.ts";
import {
  answersText,
  assertLiteralPath,
  type HttpMethod,
  parseRoute,
  pathToken,
  type RouteInfo,
} from "./routes.ts";

const logger = getLogger(["disruption", "rest"]);

/** Options for one {@linkcode RestClient.request}. */
export interface RequestOptions {
  /**
   * A JSON body (sent with `Content-Type: application/json`). A user's
   * OAuth2 access token in it, at its top level as Discord's docs name it
   * (`access_token`, or the strings of `access_tokens`), is a secret of the
   * request: redacted from its errors and logs as the bot token is.
   */
  body?: unknown;
  /** Query parameters; `undefined` values are left out. */
  query?:
    | URLSearchParams
    | Record<string, string | number | boolean | undefined>;
  /**
   * An audit-log reason (`X-Audit-Log-Reason`, URL-encoded), for routes
   * whose docs say they support the header. Discord takes 1 to 512
   * characters (code points): an empty one
   * sends no header, and a longer one rejects the call with a `TypeError`
   * before anything is sent (Discord would answer 400 and not act). A lone
   * surrogate (half an emoji, from cutting a reason short) is sent as
   * U+FFFD.
   */
  reason?: string;
  /** Cancels the request, waiting or in flight; it rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Whether to send `Authorization: Bot <token>`. By default it is sent
   * except on routes that carry their own token (interaction callbacks,
   * webhooks with token) and on GET `/gateway`.
   */
  auth?: boolean;
  /**
   * Extra headers, their names in any case. Another credential (a user's
   * `Authorization: Bearer <token>`) is sent with `auth: false`: an
   * `Authorization` header on a request that carries the bot token is a
   * `TypeError` and nothing is sent (one header cannot carry two
   * credentials, and which of them Discord would read is not said).
   * `User-Agent` (the client's `userAgent`), `Content-Type` (a JSON body's,
   * or a form's with its boundary) and `X-Audit-Log-Reason` (from
   * `reason`, when given) replace the caller's, whatever their case.
   */
  headers?: Record<string, string>;
  /**
   * Files to attach: the request is sent as `multipart/form-data` with the
   * body as `payload_json` (see `multipartBody`), each file as `files[n]`
   * listed in the body's `attachments`; on a route whose docs name its
   * file's field (POST `/channels/{id}/invites`, PUT
   * `/invites/{code}/target-users`: `target_users_file`), its one file is
   * sent under that field and the body as it is.
   */
  files?: readonly FileUpload[];
  /**
   * Largest size of each of `files`, in bytes (Discord checks each
   * attachment; all together may take 25 MiB or this, the larger).
   *
   * @default {10485760}
   */
  uploadLimit?: number;
}

/**
 * Every key of {@linkcode RequestOptions}: a misspelt `quary` or `reasn`
 * was ignored, and the request went out without it.
 */
const REQUEST_OPTION_KEYS = optionKeys(
  {
    body: true,
    query: true,
    reason: true,
    signal: true,
    auth: true,
    headers: true,
    files: true,
    uploadLimit: true,
  } satisfies Record<keyof RequestOptions, true>,
);

/**
 * Check `RestClient.request`'s options before anything is read or sent:
 * their keys, `uploadLimit` and the audit-log reason's length.
 *
 * @param options As given to `request`.
 * @throws {TypeError} When `options` is not an object or has a key none
 *   of its options (the message names the nearest), or `reason` is longer
 *   than Discord takes.
 * @throws {RangeError} When `uploadLimit` is not a positive integer.
 */
export function checkRequestOptions(options: RequestOptions): void {
  checkOptionKeys("send request", "", options, REQUEST_OPTION_KEYS);
  assertUploadLimit(options.uploadLimit);
  auditLogReasonHeader(options.reason);
}

/**
 * The longest audit-log reason Discord takes, in characters (code points):
 * its docs allow 1-512, and over it the request is answered 400 and its
 * action (the ban, the kick, the delete) does not happen.
 */
export const MAX_AUDIT_LOG_REASON = 512;

/** Options for the typed {@linkcode RestClient} methods and route functions. */
export interface CallOptions {
  /** Cancels the request; it rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * An audit-log reason (`X-Audit-Log-Reason`), taken only by routes
   * Discord records in the audit log (their docs say they support the
   * header; see {@linkcode AuditedRouteOptions}). 1 to 512 characters
   * (code points): an empty one sends no header, a longer one rejects the
   * call with a `TypeError` before anything is sent.
   */
  reason?: string;
  /** Files to attach (routes that create or edit messages). */
  files?: readonly FileUpload[];
  /**
   * Largest size of each of `files`, in bytes (Discord checks each
   * attachment; all together may take 25 MiB or this, the larger).
   *
   * @default {10485760}
   */
  uploadLimit?: number;
}

/**
 * Every key of {@linkcode CallOptions}: a misspelt `reasn` or `signl` was
 * ignored, the ban going unrecorded or the call uncancellable.
 */
const CALL_OPTION_KEYS = optionKeys(
  {
    signal: true,
    reason: true,
    files: true,
    uploadLimit: true,
  } satisfies Record<keyof CallOptions, true>,
);

/** Options of a route that takes no audit-log reason and no files. */
export type RouteOptions = Pick<CallOptions, "signal">;

/**
 * Options of a route Discord records in the audit log (its docs say it
 * supports the `X-Audit-Log-Reason` header).
 */
export type AuditedRouteOptions = Pick<CallOptions, "signal" | "reason">;

/** Options of a route that takes file uploads. */
export type UploadRouteOptions = Pick<
  CallOptions,
  "signal" | "files" | "uploadLimit"
>;

/** Options of a route that takes file uploads and is recorded in the audit log. */
export type AuditedUploadRouteOptions = Pick<
  CallOptions,
  "signal" | "reason" | "files" | "uploadLimit"
>;

/**
 * Which per-call options a route takes besides `signal`, named after its
 * options type: `"plain"` ({@linkcode RouteOptions}) none, `"audited"` an
 * audit-log reason, `"upload"` files, `"auditedUpload"` both.
 */
export type RouteKind = "plain" | "audited" | "upload" | "auditedUpload";

/**
 * The per-call options of a typed route (signal, audit-log reason, files)
 * as request options, leaving out the unset ones: shared by the client's
 * methods and the `api/` route functions, through
 * {@linkcode clientCallOptions}, which checks the keys first.
 *
 * @param options The call's options.
 * @param kind What the route takes besides `signal`.
 * @returns The request options.
 * @throws {TypeError} When `options` sets an option the route does not
 *   take: a `reason` where Discord keeps no audit-log entry, `files` or
 *   `uploadLimit` where it takes no attachments. Refused, as the project
 *   refuses option keys nothing reads, rather than dropped: the caller
 *   meant a reason to be recorded (or files to be sent), and a silent drop
 *   would hide that it never is.
 */
export function callOptions(
  options: CallOptions,
  kind: RouteKind,
): RequestOptions {
  const audited = kind === "audited" || kind === "auditedUpload";
  if (!audited && options.reason !== undefined) {
    throw new TypeError(
      "Cannot build route as 'reason' is not one of its options: Discord keeps no audit-log entry for this route (only those whose docs say they support X-Audit-Log-Reason take one)",
    );
  }
  if (kind === "plain" || kind === "audited") {
    for (const key of ["files", "uploadLimit"] as const) {
      if (options[key] === undefined) continue;
      throw new TypeError(
        `Cannot build route as '${key}' is not one of its options: this route takes no attachments`,
      );
    }
  }
  const out: RequestOptions = {};
  if (options.signal !== undefined) out.signal = options.signal;
  if (options.reason !== undefined) out.reason = options.reason;
  if (options.files !== undefined) out.files = options.files;
  if (options.uploadLimit !== undefined) out.uploadLimit = options.uploadLimit;
  return out;
}

/**
 * {@linkcode callOptions} with its keys checked, for the `RestClient`'s own
 * methods and the `api/` route functions (through `api/_route.ts`): their
 * options are call options plus `more`, the method's own (`withResponse`,
 * `executeWebhook`'s `wait`, …), read by the caller. A key none of them is
 * refused: ignored, a misspelt `reasn` sent the request unrecorded and a
 * `signl` left it uncancellable.
 *
 * @param options The method's options.
 * @param kind What the route takes besides `signal`.
 * @param more Keys of the method's own options, read by the caller.
 * @returns The request options.
 * @throws {TypeError} As `callOptions`, and when `options` is not an object
 *   or has a key none of its options (the message names the nearest).
 */
export function clientCallOptions(
  options: CallOptions,
  kind: RouteKind,
  more: readonly string[] = [],
): RequestOptions {
  const known = more.length === 0
    ? CALL_OPTION_KEYS
    : [...CALL_OPTION_KEYS, ...more];
  checkOptionKeys("build route", "", options, known);
  return callOptions(options, kind);
}

/**
 * The `X-Audit-Log-Reason` value of a reason: `undefined` for none or an
 * empty one (Discord takes 1-512 characters; an empty header records
 * nothing), else the reason URL-encoded.
 *
 * @param reason The reason.
 * @returns The header's value, or `undefined` to send none.
 * @throws {TypeError} When it is longer than
 *   {@linkcode MAX_AUDIT_LOG_REASON} characters (code points, as Discord
 *   counts them).
 */
export function auditLogReasonHeader(reason: unknown): string | undefined {
  if (reason === undefined) return undefined;
  const text = String(reason);
  if (text === "") return undefined;
  const length = textLength(text);
  if (length > MAX_AUDIT_LOG_REASON) {
    // Discord answers 400 and the ban, kick or delete does not happen.
    throw new TypeError(
      `Cannot send request as 'reason' must be at most ${MAX_AUDIT_LOG_REASON} characters (code points; Discord's limit for X-Audit-Log-Reason): it has ${length}`,
    );
  }
  // Well formed first: a reason cut to Discord's 512 characters may end in
  // half an emoji (a lone surrogate), which encodeURIComponent refuses with
  // a URIError. It becomes U+FFFD instead.
  return encodeURIComponent(text.toWellFormed());
}

/** What every request of one client carries. */
export interface ClientIdentity {
  /** The bot token, without `Bot `. */
  token: string;
  /** The API base URL, without a trailing slash. */
  baseUrl: string;
  /** The `User-Agent` header. */
  userAgent: string;
  /** The scheduler's time now (for route parsing). */
  now: number;
}

/** Size, time and wait caps applied to an attempt and its answer. */
export interface ResponseLimits {
  /** The largest body read, in bytes. */
  maxResponseBytes: number;
  /** The longest an attempt may take, headers and body, in ms. */
  timeout: number;
  /** Times {@linkcode ResponseLimits.timeout}. */
  scheduler: Scheduler;
  /**
   * The client's claim for this answer's bytes (see `ResponseBudget`):
   * each chunk of the body is taken from it before it is kept.
   */
  budget?: ResponseLease;
}

/**
 * Build everything a request sends (URL, headers, body): the one place a
 * request's body and headers are made, reused by every attempt.
 */
export function prepareRequest(
  client: ClientIdentity,
  method: HttpMethod,
  path: string,
  options: RequestOptions,
): PreparedRequest {
  const route = parseRoute(method, path, { now: client.now });
  const answer = answersText(method, path) ? "text" : "json";
  // The route is read from the literal path: the URL sent must be that one.
  assertLiteralPath(client.baseUrl, path);
  // A falsy one was read as none; another failed in the limiter's queue.
  assertSignalOption("send request", "signal", options.signal);
  let url = client.baseUrl + path;
  const query = queryString(options.query);
  if (query) url += (path.includes("?") ? "&" : "?") + query;

  // A Headers object: names are case-insensitive, so the client's values
  // replace the caller's whatever their case (as a plain object, a lower
  // case `authorization` was sent joined to the bot token's, "Bearer X,
  // Bot T", and `user-agent` likewise).
  const headers = callerHeaders(options.headers);
  headers.set("User-Agent", client.userAgent);
  const auth = options.auth ??
    !(route.tokenRoute || (method === "GET" && route.key === "GET /gateway"));
  if (auth) {
    if (headers.has("authorization")) {
      throw new TypeError(
        "Cannot send request as it has an 'Authorization' header and carries the bot token: send another credential with 'auth: false'",
      );
    }
    headers.set("Authorization", `Bot ${client.token}`);
  }
  let body: string | FormData | undefined;
  if (options.body instanceof FormData) {
    // A FormData of blobs: each attempt serializes it anew, and the
    // runtime writes its Content-Type with the boundary (a caller's,
    // without it, would make the body unreadable).
    body = options.body;
    headers.delete("Content-Type");
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers.set("Content-Type", "application/json");
  }
  const reason = auditLogReasonHeader(options.reason);
  if (reason !== undefined) headers.set("X-Audit-Log-Reason", reason);
  const signal = options.signal;
  const sent = headers.get("authorization");
  const authorization = sent === null
    ? "none"
    : sent === `Bot ${client.token}`
    ? "bot"
    : "other";
  // Another credential (a user's OAuth2 access token) is as secret as the
  // bot token: an error body or a fetch failure quoting it loses it too,
  // in the Authorization header or in the body (Add Guild Member's
  // `access_token`, read from the JSON sent).
  const secrets = secretsOf(
    client.token,
    pathToken(path),
    authorization === "other" ? credentialOf(sent!) : undefined,
    bodySecretsOf(body instanceof FormData ? formJson(body) : body),
  );
  return {
    method,
    // Discord limits each user on a route by its token: a user's OAuth2
    // request waits in a lane of its own, not behind another user's 429.
    route: authorization === "other"
      ? { ...route, majorParameter: `${route.majorParameter}/${fnv1a(sent!)}` }
      : route,
    authorization,
    url,
    init: {
      method,
      headers,
      // Discord's API never redirects. Followed, a 301 on a POST became a
      // GET whose answer the call resolved with (a message list for a
      // created message), a 307 sent the body to another host, and that
      // host's 401 (to a request the runtime had stripped of its token)
      // was taken as the bot token's: every later call refused.
      redirect: "manual",
      ...(body === undefined ? {} : { body }),
      ...(signal === undefined ? {} : { signal }),
    },
    logPath: route.redactedPath,
    redact: redactor(secrets),
    signal,
    answer,
  };
}

/** A form's `payload_json`, the JSON body it sends, if any. */
function formJson(form: FormData): string | undefined {
  const json = form.get("payload_json");
  return typeof json === "string" ? json : undefined;
}

/**
 * The caller's headers as a Headers object. The runtime refuses a value
 * holding a NUL, a CR or an LF with a TypeError quoting it whole: for an
 * `Authorization` header (a user's token read with a stray character) that
 * showed the credential, before the request knew it as a secret. The
 * error shows no value (nor the runtime's message) and keeps no cause.
 */
function callerHeaders(init: HeadersInit | undefined): Headers {
  try {
    return new Headers(init);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw new TypeError(
      "Cannot send request as a header's value is not valid in HTTP (it holds a NUL, a CR or an LF, or a character past U+00FF): the value is not shown, as it may be a credential",
    );
  }
}

/**
 * Send one attempt and read its answer (at most `maxResponseBytes` of
 * body): the one place a response is taken in and accounted for.
 */
export async function sendRequest(
  fetch: typeof globalThis.fetch,
  request: PreparedRequest,
  limits: ResponseLimits,
): Promise<Attempted> {
  // A peer that takes the request and never answers (or trickles its body)
  // held the request, and every later one of its bucket, for ever.
  const caller = request.signal;
  const deadline = deadlineSignal(
    limits.scheduler,
    limits.timeout,
    () => new Error(`no complete answer within ${limits.timeout} ms`),
    caller,
  );
  try {
    return await attempt(
      fetch,
      { ...request, signal: deadline.signal },
      limits,
      { caller, expired: deadline.expired },
    );
  } finally {
    deadline.end();
  }
}

/** What may end an attempt early. */
interface AttemptEnds {
  /** The caller's signal, if any. */
  caller: AbortSignal | undefined;
  /** Aborted when the attempt runs out of time. */
  expired: AbortSignal;
}

async function attempt(
  fetch: typeof globalThis.fetch,
  request: PreparedRequest & { signal: AbortSignal },
  limits: ResponseLimits,
  ends: AttemptEnds,
): Promise<Attempted> {
  const { caller, expired } = ends;
  // Aborted by the caller, or out of time (a lost answer, retried as one).
  const failed = (error: unknown): Attempted =>
    caller?.aborted && !expired.aborted
      ? { type: "aborted", reason: caller.reason }
      : { type: "no_answer", error: expired.aborted ? expired.reason : error };
  let response: Response;
  try {
    response = await untilAborted(
      fetch(request.url, { ...request.init, signal: request.signal }),
      request.signal,
    );
  } catch (error) {
    return failed(error);
  }
  const status = response.status;
  const headerInfo = parseRateLimitHeaders(response.headers);
  // A hash echoing a secret (a peer quoting the request's token) is logged
  // when learned and kept on a RateLimitError: redacted like a body.
  if (headerInfo.bucket !== undefined) {
    headerInfo.bucket = request.redact(headerInfo.bucket);
  }
  logger.debug("{method} {path} -> {status}", {
    method: request.method,
    path: request.logPath,
    status,
  });
  let body: string | BodyTooLarge;
  try {
    body = await readBody(
      response,
      limits.maxResponseBytes,
      request.signal,
      limits.budget,
    );
  } catch (error) {
    // The status came: a 401, 403 or 429 counts as invalid all the same,
    // and a 401 still rejects the token, whether time ran out or the
    // caller gave up (Discord counted the answer once it sent it). Its
    // headers still tell the bucket's state (a 429's empty window).
    return { ...failed(error), status, rateLimit: headerInfo };
  }
  // Waits as Discord sent them: the limiter keeps a bucket's real reset,
  // and fails at once what would wait past `maxRateLimitWait` for it.
  const rateLimit = headerInfo;
  if (typeof body !== "string") {
    return { type: "too_large", status, rateLimit, bytes: body.bytes };
  }
  return {
    type: "answer",
    status,
    text: body,
    rateLimit,
    facts: answerFacts(status, response.headers, headerInfo, body),
    contentType: response.headers.get("content-type") ?? undefined,
  };
}

/**
 * `response`, or a rejection with the signal's reason once it aborts: a
 * custom `fetch` that ignores the signal and never settles held the
 * attempt, its bucket and the timeout's promise for ever. A response that
 * comes after the abort has its body cancelled.
 */
function untilAborted(
  response: Promise<Response>,
  signal: AbortSignal,
): Promise<Response> {
  const cancelLate = (): void =>
    void response.then((late) => late.body?.cancel(), () => {})
      .catch(() => {});
  if (signal.aborted) {
    cancelLate();
    return Promise.reject(signal.reason);
  }
  return new Promise<Response>((resolve, reject) => {
    const onAbort = (): void => {
      reject(signal.reason);
      cancelLate();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    response.then(resolve, reject).finally(() =>
      signal.removeEventListener("abort", onAbort)
    );
  });
}

function queryString(query: RequestOptions["query"]): string {
  if (query === undefined) return "";
  if (query instanceof URLSearchParams) return query.toString();
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  return params.toString();
}

export function parseJson(text: string): unknown {
  try {
    return parseBoundedJson(text, "body");
  } catch {
    return undefined;
  }
}

// The shared record check, under the name REST's modules use.
export { isRecord as isObject } from "../base/is_record.ts";

/** One request as built by `#prepare`. */
export interface PreparedRequest {
  method: HttpMethod;
  route: RouteInfo;
  /**
   * The `Authorization` the request carries: the client's bot token,
   * another one (e.g. a user's OAuth2 Bearer token), or none.
   */
  authorization: "bot" | "other" | "none";
  url: string;
  init: RequestInit;
  /** The path with tokens replaced, for logs and errors. */
  logPath: string;
  /**
   * Removes the bot token, the route's token and another credential the
   * request carries (a user's Bearer token) from a text.
   */
  redact: (text: string) => string;
  signal: AbortSignal | undefined;
  /**
   * What a successful answer resolves with: its parsed JSON, or its text
   * (a route Discord answers with a file, see `answersText`).
   */
  answer: "json" | "text";
}

/** How one attempt went, before the policy judged it. */
export type Attempted =
  | {
    type: "answer";
    status: number;
    text: string;
    /** Rate-limit headers, waits as Discord sent them. */
    rateLimit: RateLimitInfo;
    /** What the policy reads (waits as Discord sent them). */
    facts: AnswerFacts;
    /** `Content-Type`, for an error body that is not JSON (an HTML page). */
    contentType?: string | undefined;
  }
  | {
    type: "too_large";
    status: number;
    rateLimit: RateLimitInfo;
    bytes: number;
  }
  | {
    type: "no_answer";
    error: unknown;
    /** The status, when the headers came and the body did not. */
    status?: number;
    /** Their rate-limit headers (waits as Discord sent them). */
    rateLimit?: RateLimitInfo;
  }
  | {
    type: "aborted";
    /** The caller's signal's reason, what the request rejects with. */
    reason: unknown;
    /** The status, when the headers came before the abort. */
    status?: number;
    /** Their rate-limit headers (waits as Discord sent them). */
    rateLimit?: RateLimitInfo;
  };

/** A body that passed the size cap after `bytes` bytes. */
interface BodyTooLarge {
  bytes: number;
}

/**
 * Read a response body as UTF-8, stopping (and cancelling the rest) as soon
 * as it passes `limit` bytes; a `Content-Length` above it is refused
 * without reading.
 */
async function readBody(
  response: Response,
  limit: number,
  signal: AbortSignal | undefined,
  budget: ResponseLease | undefined,
): Promise<string | BodyTooLarge> {
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (declared > limit) {
    await response.body?.cancel().catch(() => {});
    return { bytes: declared };
  }
  const body = response.body;
  if (body === null) return "";
  // The signal also ends a body a custom fetch did not tie to it.
  const read = await readBounded(
    body,
    limit,
    undefined,
    signal,
    budget?.take,
  );
  if (read.type === "too_large") return { bytes: read.size };
  return utf8.decode(joinChunks(read.chunks, read.size));
}

const utf8 = new TextDecoder();

/** What the policy needs from an answer (a 429's body is parsed for it). */
function answerFacts(
  status: number,
  headers: Headers,
  info: RateLimitInfo,
  text: string,
): AnswerFacts {
  const facts: AnswerFacts = {
    status,
    retryAfterHeader: seconds(headers.get("retry-after")),
    resetAfter: info.resetAfter,
    scope: info.scope,
  };
  if (status === 429) {
    const parsed = parseJson(text) as
      | { retry_after?: unknown; global?: unknown }
      | undefined;
    const retryAfter = parsed?.retry_after;
    if (typeof retryAfter === "number" && Number.isFinite(retryAfter)) {
      facts.bodyRetryAfter = secondsToMs(retryAfter);
    }
    facts.bodyGlobal = parsed?.global === true;
  }
  return facts;
}

/**
 * A header in seconds, as milliseconds (at most `MAX_READ_WAIT`);
 * `undefined` unless a decimal number >= 0 (an HTTP date is not read).
 */
function seconds(value: string | null): number | undefined {
  const parsed = decimalNumber(value);
  return parsed === undefined ? undefined : secondsToMs(parsed);
}
