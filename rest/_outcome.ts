/**
 * What one attempt of a REST request comes to, as the rate limiter needs
 * it: a value, an error, or a retry after a delay. Private to the package.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { parseBoundedJson } from "../base/json_bounds.ts";
import {
  DiscordApiError,
  type DiscordErrorBody,
  NetworkError,
  RateLimitError,
  type RateLimitScope,
  ResponseTooLargeError,
  RestError,
} from "./errors.ts";
import {
  type Attempted,
  isObject,
  parseJson,
  type PreparedRequest,
} from "./_request_io.ts";
import { redactError } from "./_redaction.ts";
import {
  CLOUDFLARE_MIN_PAUSE,
  type RequestDecision,
} from "./_request_policy.ts";
import type { AttemptResult } from "./rate_limiter.ts";

const logger = getLogger(["disruption", "rest"]);

/** The caps an outcome's errors name. */
export interface OutcomeLimits {
  /** The largest body one answer may have. */
  maxResponseBytes: number;
  /** The option that sets it (`maxBufferedResponseBytes` when that is lower). */
  sizeOption: string;
  /** The longest wait accepted from Discord. */
  maxRateLimitWait: number;
  /**
   * How an earlier attempt went that may have been applied unseen (see
   * {@linkcode unconfirmedAttempt}), named in a `DiscordApiError`.
   */
  earlierAttempt?: "no_answer" | "server_error" | undefined;
}

/**
 * What a retry decision says of the attempt it follows, when that attempt
 * may have been applied without the client seeing it: no answer (a
 * timeout) or a 5xx. A 429 was not applied.
 *
 * @param decision The policy's decision on an attempt.
 * @returns `no_answer` or `server_error`, else `undefined`.
 */
export function unconfirmedAttempt(
  decision: RequestDecision | undefined,
): "no_answer" | "server_error" | undefined {
  if (decision?.type !== "retry") return undefined;
  return decision.reason === "network_error"
    ? "no_answer"
    : decision.reason === "server_error"
    ? "server_error"
    : undefined;
}

/**
 * Turn an attempt and the policy's decision into the limiter's result.
 *
 * @param request The request.
 * @param attempted How the attempt went.
 * @param decision What the policy said (none for a refused or aborted one).
 * @param limits The caps, for the errors that name them.
 * @returns What the rate limiter does next.
 */
export function attemptOutcome<T>(
  request: PreparedRequest,
  attempted: Attempted,
  decision: RequestDecision | undefined,
  limits: OutcomeLimits,
): AttemptResult<T> {
  const { method, logPath: path, redact } = request;
  if (attempted.type === "aborted") {
    // The headers that came still tell the bucket's state (a 429's empty
    // window), as a too-large answer's do; the caller gets its reason.
    return attempted.rateLimit === undefined
      ? { type: "failure", error: attempted.reason }
      : {
        type: "failure",
        error: attempted.reason,
        rateLimit: attempted.rateLimit,
      };
  }
  if (attempted.type === "too_large") {
    return {
      type: "failure",
      rateLimit: attempted.rateLimit,
      error: new ResponseTooLargeError({
        method,
        path,
        status: attempted.status,
        limit: limits.maxResponseBytes,
        option: limits.sizeOption,
        bytes: attempted.bytes,
      }),
    };
  }
  if (attempted.type === "no_answer") {
    const failure = new NetworkError({
      method,
      path,
      cause: redactError(attempted.error, redact),
    });
    // The headers that came before time ran out still tell the bucket's
    // state (a 429's empty window), as an aborted answer's do.
    const rateLimit = attempted.rateLimit;
    if (decision?.type !== "retry") {
      return rateLimit === undefined
        ? { type: "failure", error: failure }
        : { type: "failure", error: failure, rateLimit };
    }
    logger.warn(
      "{method} {path} got no answer ({error}); retry {retry} in {delay} ms",
      {
        method,
        path,
        error: failure.message,
        retry: decision.retry,
        delay: decision.delay,
      },
    );
    return rateLimit === undefined
      ? { type: "retry", delay: decision.delay }
      : { type: "retry", delay: decision.delay, rateLimit };
  }
  const { status, text, rateLimit: info } = attempted;
  const maxWait = limits.maxRateLimitWait;
  switch (decision?.type) {
    case "retry": {
      const { retry, delay } = decision;
      if (decision.reason === "rate_limited") {
        const scope = decision.scope ?? "user";
        logger.warn(
          "{method} {path} rate limited ({scope}); retry {retry} in {delay} ms",
          { method, path, scope, retry, delay },
        );
        return {
          type: "retry",
          delay,
          // A shared resource's limit (one message's reactions, say), or a
          // sublimit (a 429 whose headers say the bucket has requests
          // left: a channel's renames), is not the bucket's: the bucket
          // keeps what the headers say of it, and only this request waits,
          // aside: at the head of its lane it held the bucket's others
          // (a permission overwrite behind a rename) for the whole wait.
          aside: scope === "shared" ||
            (scope === "user" && (info.remaining ?? 0) > 0),
          rateLimit: scope === "shared"
            ? info
            : { ...info, retryAfter: delay, scope },
        };
      }
      logger.warn(
        "{method} {path} -> {status}; retry {retry} in {delay} ms",
        { method, path, status, retry, delay },
      );
      return { type: "retry", delay, rateLimit: info };
    }
    case "rate_limited": {
      const { retryAfter, scope } = decision;
      const error = new RateLimitError({
        method,
        path,
        retryAfter,
        scope,
        bucket: info.bucket,
        ...(decision.exceeded === "wait" ? { maxWait } : {}),
      });
      if (decision.exceeded === "wait") {
        logger.warn("{message}", { message: error.message });
      }
      if (scope === "shared") {
        // A shared resource's limit (Discord's docs: per resource, e.g. one
        // message; it does not count against the bot, and its answer says
        // the bucket has requests left): only this request fails, and the
        // bucket keeps what its headers say. Paused, a reaction on another
        // message of the channel failed unsent for the hour asked.
        return { type: "failure", rateLimit: info, error };
      }
      return {
        type: "failure",
        // The bucket pauses for all Discord asked: the requests queued on
        // it fail unsent meanwhile (see `bucketWaitRefusal`) rather than
        // each get another 429; unless the headers say it has requests
        // left, a sublimit of this request alone (the limiter's `#apply`).
        // A global pause, which holds every route and fails none, is kept
        // to the cap.
        rateLimit: {
          ...info,
          retryAfter: scope === "global"
            ? Math.min(retryAfter, maxWait)
            : retryAfter,
          scope,
        },
        error,
      };
    }
    case "cloudflare": {
      // Not retried: each retry would be one more invalid request. Every
      // route pauses (the rate limiter reads the `cloudflare` scope), never
      // longer than the cap nor shorter than CLOUDFLARE_MIN_PAUSE, which
      // the error's numbers say as the pause's.
      const retryAfter = Math.max(decision.retryAfter, CLOUDFLARE_MIN_PAUSE);
      const cap = Math.max(maxWait, CLOUDFLARE_MIN_PAUSE);
      return {
        type: "failure",
        rateLimit: {
          retryAfter: Math.min(retryAfter, cap),
          scope: "cloudflare",
        },
        error: new RateLimitError({
          method,
          path,
          retryAfter,
          scope: "cloudflare",
          ...(retryAfter > cap ? { maxWait: cap } : {}),
        }),
      };
    }
    case "success": {
      // A file's text (an invite's target users, as CSV), bounded by
      // `maxResponseBytes` as every body: its route reads it.
      if (request.answer === "text") {
        return { type: "success", value: text as T, rateLimit: info };
      }
      if (text === "") {
        return { type: "success", value: undefined as T, rateLimit: info };
      }
      try {
        const value = parseBoundedJson(text, "body") as T;
        return { type: "success", value, rateLimit: info };
      } catch (error) {
        if (error instanceof TypeError) {
          // Past the nesting or container bound: JSON, but not built.
          return {
            type: "failure",
            rateLimit: info,
            error: new RestError(
              `${method} ${path} answered ${status} with a body not read: ${error.message}`,
              { method, path, cause: error },
            ),
          };
        }
        // The parser's own message quotes the body around the fault, and a
        // quoted piece of a token echoed back (by a debugging proxy, say)
        // is no longer a whole token for `redact` to find: the cause keeps
        // the kind of fault and the length, never the quote.
        const kind = error instanceof Error ? error.name : "SyntaxError";
        return {
          type: "failure",
          rateLimit: info,
          error: new RestError(
            `${method} ${path} answered ${status} with a body that is not JSON`,
            {
              method,
              path,
              cause: new SyntaxError(
                `${kind}: a body of ${text.length} characters is not valid JSON`,
              ),
            },
          ),
        };
      }
    }
    default: {
      const parsed = redactedJson(text, redact);
      const body = status >= 300 && status < 400
        ? { message: REDIRECTED }
        : isObject(parsed)
        ? parsed as DiscordErrorBody
        : undefined;
      return {
        type: "failure",
        rateLimit: info,
        error: new DiscordApiError({
          method,
          path,
          status,
          body,
          ...(body === undefined
            ? {
              nonJson: nonJsonBody(text, attempted.contentType, redact),
              jsonNotObject: parsed !== undefined,
            }
            : {}),
          earlierAttempt: limits.earlierAttempt,
        }),
      };
    }
  }
}

/**
 * An error body parsed, without the secrets `redact` removes from its
 * strings and keys, or `undefined` when it is not JSON. The raw text is
 * redacted first; a body with an escape is written back out and redacted
 * again, as parsing turns `\u004dTIz…` into the token `MTIz…` the text
 * did not show (JSON.stringify writes a token's characters as they are).
 */
function redactedJson(
  text: string,
  redact: (text: string) => string,
): unknown {
  const parsed = parseJson(redact(text));
  if (parsed === undefined || !text.includes("\\")) return parsed;
  return parseJson(redact(JSON.stringify(parsed)));
}

/** The most characters of a page's title or media type an error quotes. */
const MAX_QUOTED = 100;

/**
 * The characters of an error page its `<title>` tag is looked for in: a
 * page has it in its head, near the start. Looked for in the whole body
 * (up to `maxResponseBytes`, 8 MiB), it took quadratic time for a text of
 * many `<title` and no `>`: 512 KiB of them held the event loop 66 s.
 */
const TITLE_SCAN = 4096;

/**
 * What an error body that is not JSON was, for its error's message: its
 * media type and its HTML `<title>`, quoted, when it has one whose whole
 * opening tag lies within its first {@linkcode TITLE_SCAN} characters (Cloudflare's
 * "Access denied" page said which restriction it was). Each redacted
 * before it is cut, as `redactedJson` does (a cut token is no longer one
 * `redact` finds), and bounded.
 *
 * @param text The body.
 * @param contentType The answer's `Content-Type`, if any.
 * @param redact Removes the request's secrets.
 * @returns E.g. `text/html, title "Access denied | discord.com"`.
 */
export function nonJsonBody(
  text: string,
  contentType: string | undefined,
  redact: (text: string) => string,
): string {
  const shown = (raw: string) => {
    const flat = redact(raw).replace(/\s+/g, " ").trim();
    return flat.length <= MAX_QUOTED ? flat : `${flat.slice(0, MAX_QUOTED)}…`;
  };
  // Redacted before they are cut (at a `;`, at the next `<`): a token
  // holding one was cut first, and its part before the cut was shown.
  const type = contentType === undefined
    ? "no Content-Type"
    : shown(redact(contentType).split(";")[0]!) || "no Content-Type";
  if (text === "") return `${type}, empty`;
  const page = redact(text);
  // The tag in the head only; its text read whole up to the next tag (in
  // linear time).
  const tag = /<title\b[^>]*>/i.exec(page.slice(0, TITLE_SCAN));
  const start = tag === null ? -1 : tag.index + tag[0].length;
  const end = start < 0 ? -1 : page.indexOf("<", start);
  const title = start < 0
    ? undefined
    : page.slice(start, end < 0 ? page.length : end);
  const quoted = title === undefined ? "" : shown(title);
  return quoted === "" ? type : `${type}, title ${JSON.stringify(quoted)}`;
}

/** What a redirect's error says: none is followed (see `prepareRequest`). */
const REDIRECTED =
  "a redirect, not followed: Discord's API answers without one, so 'baseUrl' (or a proxy before it) is not the API's own URL";

/**
 * The error of a request a Cloudflare pause fails unsent: an interaction
 * callback during the pause (Discord takes one only within 3 s of the
 * interaction, so it cannot wait the pause out), or any request still
 * waiting when the one sent first after a pause was answered by Cloudflare
 * again (rather than wait through one pause after another). Sent, either
 * would be one more request to the restricted IP. A `RateLimitError` of
 * the `cloudflare` scope, as the 429 that started the pause; `retryAfter`
 * is what is left of the pause.
 *
 * @param method The refused request's method.
 * @param path The refused request's path (redacted).
 * @param pausedFor Milliseconds the pause still lasts.
 * @param callback Whether it is an interaction callback.
 * @returns The error to fail it with.
 */
export function cloudflareRefusal(
  method: string,
  path: string,
  pausedFor: number,
  callback: boolean,
): RateLimitError {
  const error = new RateLimitError({
    method,
    path,
    retryAfter: pausedFor,
    scope: "cloudflare",
  });
  // The constructor's message is that of a request Cloudflare answered.
  error.message =
    `${method} ${path} refused unsent: the IP is restricted by Cloudflare after too many invalid requests (401/403/429; 429s without retry_after or X-RateLimit-* headers, not Discord's rate limits), and every request of this client is paused for another ${pausedFor} ms; ${
      callback
        ? "an interaction callback cannot wait that long (Discord takes it only within 3 s of the interaction)"
        : "the request sent first after the last pause was answered 429 by Cloudflare again, so those that waited fail rather than wait for the next"
    }`;
  return error;
}

/**
 * The error of a request refused unsent because its bucket has no request
 * left for longer than the client waits: the window Discord's last answer
 * on it reported (`X-RateLimit-Remaining: 0`, or a 429) resets in
 * `waitFor` ms, more than `maxRateLimitWait`. Sent, it would be answered
 * 429, one more invalid request. A `RateLimitError` naming the cap, whose
 * `retryAfter` is the time left until the reset.
 *
 * @param method The refused request's method.
 * @param path The refused request's path (redacted).
 * @param waitFor Milliseconds until its bucket resets.
 * @param maxWait The client's `maxRateLimitWait`.
 * @param bucket The bucket's hash, when Discord named one.
 * @returns `undefined` when `waitFor` is within `maxWait` (the request
 *   waits), otherwise the error to fail it with.
 */
export function bucketWaitRefusal(
  method: string,
  path: string,
  waitFor: number,
  maxWait: number,
  bucket: string | undefined,
): RateLimitError | undefined {
  if (waitFor <= maxWait) return undefined;
  const error = new RateLimitError({
    method,
    path,
    retryAfter: waitFor,
    scope: "user",
    bucket,
    maxWait,
  });
  // The constructor's message is that of a 429 answered to this request.
  error.message =
    `${method} ${path} refused unsent: its rate-limit bucket has no request left until it resets in ${waitFor} ms, longer than the ${maxWait} ms the client waits (maxRateLimitWait); sent now, Discord would answer 429`;
  return error;
}

/** What an answer's headers said: its status and rate limit scope. */
export interface AnswerHeaders {
  /** The HTTP status. */
  status: number;
  /** `X-RateLimit-Scope`, if any. */
  scope: RateLimitScope | undefined;
}

/**
 * The status and rate limit scope an attempt's answer came with, if any
 * (what the invalid-request guard counts).
 *
 * @param answer How the attempt went.
 * @returns The status and scope, or `undefined` when no status came.
 */
export function answerHeaders(answer: Attempted): AnswerHeaders | undefined {
  switch (answer.type) {
    case "answer":
    case "too_large":
      return { status: answer.status, scope: answer.rateLimit.scope };
    case "no_answer":
    case "aborted":
      return answer.status === undefined
        ? undefined
        : { status: answer.status, scope: answer.rateLimit?.scope };
  }
}
