/**
 * The invalid-request limit: Discord (Cloudflare) bans an IP for a while
 * after 10,000 responses with status 401, 403 or 429 within 10 minutes
 * (429s with `X-RateLimit-Scope: shared` do not count). The
 * {@linkcode InvalidRequestGuard} counts them, and the requests in flight
 * as if each would be one: a request waits while those in flight fill what
 * the answers counted leave, and is refused once the answers alone fill
 * the cap, before the limit is reached.
 *
 * The same page of Discord's docs: "If a webhook returns a 404 status you
 * should not attempt to use it again - repeated attempts to do so will
 * result in a temporary restriction." A REST client remembers such
 * webhooks and refuses further requests to them
 * ({@linkcode UnknownWebhookError}). Their 404s are not counted with the
 * 401/403/429s: Discord lists only those in the limit. It remembers a
 * webhook token answered 401 the same way: Discord asks to avoid 401s "by
 * stopping further requests after a token becomes invalid", and each one
 * would count towards the limit, which refuses every request of the bot.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { ForwardClock } from "../base/forward_clock.ts";
import {
  assertFunctionOption,
  assertOptionsObject,
  assertSchedulerOption,
  shown,
} from "../base/option_checks.ts";
import type { Scheduler } from "../base/scheduler.ts";
import { getVisibleLogger } from "../base/visible_logger.ts";
import { DiscordApiError, RestError } from "./errors.ts";
import {
  CLOUDFLARE_REPORT_INTERVAL,
  type JobChecks,
} from "./rate_limit_headers.ts";
import type { RouteInfo } from "./routes.ts";

const logger = getLogger(["disruption", "rest"]);

/** Who is created, for the messages refusing an option. */
const GUARD = "invalid-request guard";

/** Discord's window for invalid requests (10 minutes). */
export const INVALID_REQUEST_WINDOW = 600_000;

/** Discord's limit of invalid requests per window. */
export const INVALID_REQUEST_LIMIT = 10_000;

/** Options for {@linkcode InvalidRequestGuard}. */
export interface InvalidRequestGuardOptions {
  /** The clock. */
  scheduler: Scheduler;
  /**
   * Refuse requests once this many invalid ones happened in the window (a
   * margin below Discord's 10,000 for other processes on the same IP).
   * Requests reserved and not yet answered count with them: while they
   * fill the rest of the cap, a request waits for their answers
   * ({@linkcode InvalidRequestGuard.holds}) rather than being refused.
   *
   * @default {9000}
   */
  limit?: number;
  /**
   * The window in milliseconds: a positive integer (any other value throws
   * a `RangeError`: `NaN` or `Infinity` refused for ever, 0 or less never
   * refused).
   *
   * @default {600000}
   */
  window?: number;
  /**
   * Called once when the guard starts refusing (the answers counted fill
   * the cap), and once per window after, with the invalid answers counted,
   * the wait before one leaves the window, and the requests in flight.
   */
  onLimit?: (count: number, retryAfter: number, inFlight: number) => void;
}

/**
 * Thrown instead of sending while the invalid-request count is at its cap:
 * the 401, 403 and 429 answers of the last 10 minutes fill it. (Requests
 * in flight, counted with them, only hold a request back until they are
 * answered.)
 *
 * @example Usage
 * ```ts
 * import { InvalidRequestLimitError, RestError } from "@disruption/disruption/rest";
 * import assert from "node:assert/strict";
 *
 * const error = new InvalidRequestLimitError("GET", "/users/@me", 9000, 1500);
 * assert.ok(error instanceof RestError);
 * assert.equal(error.name, "InvalidRequestLimitError");
 * assert.equal(error.count, 9000);
 * assert.equal(error.retryAfter, 1500);
 * ```
 */
export class InvalidRequestLimitError extends RestError {
  /** Milliseconds until the oldest counted invalid request leaves the window. */
  readonly retryAfter: number;
  /** Invalid requests counted in the window. */
  readonly count: number;

  /**
   * Create the error.
   *
   * @param method The refused request's method.
   * @param path The refused request's path (redacted).
   * @param count The current count.
   * @param retryAfter Milliseconds until one leaves the window (0 when only
   *   requests in flight fill the cap: they free it as they are answered).
   * @param inFlight Requests sent and not yet answered, counted with them.
   */
  constructor(
    method: string,
    path: string,
    count: number,
    retryAfter: number,
    inFlight = 0,
  ) {
    const flight = inFlight > 0
      ? ` and ${inFlight} requests in flight counted as such`
      : "";
    // Only in flight: nothing failed, and nothing is to fix but the wait.
    const remedy = retryAfter === 0 && inFlight > 0
      ? "the requests in flight fill the cap; retry when they are answered"
      : `fix the failing requests; requests resume in ${retryAfter} ms`;
    super(
      `${method} ${path} refused: ${count} responses with status 401/403/429 in the last 10 minutes${flight}; Discord bans the IP at 10,000 (${remedy})`,
      { method, path },
    );
    this.name = "InvalidRequestLimitError";
    this.count = count;
    this.retryAfter = retryAfter;
  }
}

/**
 * Thrown instead of sending a request with the bot token after Discord
 * answered one with 401: the token is invalid (reset or revoked), every
 * further authorized request would be another 401 towards the
 * invalid-request limit, and Discord asks clients to stop. Requests without
 * the bot token (webhook and interaction token routes, and those sent with
 * a user's OAuth2 token) still go out. The message names the request whose
 * 401 it was ({@linkcode TokenRejectedError.rejectedBy}): Discord answers
 * 401 to a valid bot token too on a route that needs a user's OAuth2 token.
 *
 * @example Usage
 * ```ts
 * import { RestError, TokenRejectedError } from "@disruption/disruption/rest";
 * import assert from "node:assert/strict";
 *
 * const error = new TokenRejectedError("GET", "/guilds/1", "GET /users/@me");
 * assert.ok(error instanceof RestError);
 * assert.equal(error.rejectedBy, "GET /users/@me");
 * assert.match(error.message, /401 .* on GET \/users\/@me/);
 * ```
 */
export class TokenRejectedError extends RestError {
  /**
   * The request Discord answered 401 to the bot token, as
   * `<method> <redacted path>` (e.g. `GET /users/@me`); `undefined` when
   * not given.
   */
  readonly rejectedBy: string | undefined;

  /**
   * Create the error.
   *
   * @param method The refused request's method.
   * @param path The refused request's path (redacted).
   * @param rejectedBy The request answered 401, as `<method> <redacted path>`.
   */
  constructor(method: string, path: string, rejectedBy?: string) {
    const on = rejectedBy === undefined ? "" : ` on ${rejectedBy}`;
    super(
      `${method} ${path} refused: Discord answered 401 to this client's bot token${on}, so it is invalid (reset or revoked?; a route that needs a user's OAuth2 token answers 401 to any bot token); create a client with a valid token`,
      { method, path },
    );
    this.name = "TokenRejectedError";
    this.rejectedBy = rejectedBy;
  }
}

/** How many webhooks that answered 404, and as many webhook tokens answered 401, a REST client remembers (the oldest of each is forgotten first). */
export const MAX_UNKNOWN_WEBHOOKS = 1000;

/** Discord's JSON error code "Unknown Webhook". */
const UNKNOWN_WEBHOOK = 10015;

/**
 * Thrown instead of sending a request to a webhook Discord answered 404
 * (it was deleted, or its token is not, or no longer, valid), or 401 to
 * its token (50027 Invalid Webhook Token: {@linkcode UnknownWebhookError.status}
 * tells which). Discord asks not to use such a webhook again ("repeated
 * attempts to do so will result in a temporary restriction"), nor a token
 * it answered 401 (each further 401 counts towards the invalid-request
 * limit). A webhook is its id with its token on token routes
 * (`/webhooks/{id}/{token}/…`), so another token of the same webhook still
 * goes out; its id alone on the routes with the bot token
 * (`/webhooks/{id}`). The client remembers the last 1,000 such webhooks. Its interaction methods (`createFollowupMessage`,
 * `editOriginalInteractionResponse`, …) are not held to this: a follow-up
 * that overtakes the HTTP endpoint's answer is answered 10015 once, and the
 * interaction goes on.
 *
 * @example Usage
 * ```ts
 * import { RestError, UnknownWebhookError } from "@disruption/disruption/rest";
 * import assert from "node:assert/strict";
 *
 * const error = new UnknownWebhookError("POST", "/webhooks/1/:token", "1", "POST /webhooks/1/:token");
 * assert.ok(error instanceof RestError);
 * assert.equal(error.webhookId, "1");
 * assert.match(error.message, /answered 404 to webhook 1 on POST \/webhooks\/1\/:token/);
 * ```
 */
export class UnknownWebhookError extends RestError {
  /** The webhook's id (the application's, for an interaction's follow-ups). */
  readonly webhookId: string;
  /**
   * The request Discord answered 404 (or 401), as
   * `<method> <redacted path>`.
   */
  readonly rejectedBy: string;
  /**
   * What Discord answered: 404, the webhook is gone (or its token is not
   * valid); 401, its token was refused.
   */
  readonly status: 401 | 404;

  /**
   * Create the error.
   *
   * @param method The refused request's method.
   * @param path The refused request's path (redacted).
   * @param webhookId The webhook's id.
   * @param rejectedBy The request answered 404 (or 401), as
   *   `<method> <redacted path>`.
   * @param status What Discord answered to it.
   */
  constructor(
    method: string,
    path: string,
    webhookId: string,
    rejectedBy: string,
    status: 401 | 404 = 404,
  ) {
    const cause = status === 401
      ? `Discord answered 401 to webhook ${webhookId}'s token on ${rejectedBy}, so the token is not valid (any more); Discord asks to stop using a token it refused (each further 401 counts towards the IP's invalid-request limit), so this client sends nothing more with it`
      : `Discord answered 404 to webhook ${webhookId} on ${rejectedBy}, so it was deleted or its token is not valid (any more); Discord asks not to use it again (repeated attempts get the IP restricted), so this client sends it nothing more`;
    super(`${method} ${path} refused: ${cause}`, { method, path });
    this.name = "UnknownWebhookError";
    this.webhookId = webhookId;
    this.rejectedBy = rejectedBy;
    this.status = status;
  }
}

/** A webhook a request is for: its id, and its token on token routes. */
interface WebhookOf {
  id: string;
  /**
   * What is remembered: the route's major parameter, `webhooks/<id>` or
   * `webhooks/<id>/<token fingerprint>` (no token kept).
   */
  key: string;
  /** Whether the path is the webhook's own route, nothing below it. */
  own: boolean;
}

/** How a webhook's routes start in a {@linkcode RouteInfo.template}. */
const WEBHOOK_ROUTE = "/webhooks/:webhook_id";

/** The webhook of a route the client parsed, if it is one's. */
function webhookOf(route: RouteInfo): WebhookOf | undefined {
  const path = route.template.slice(route.template.indexOf(" ") + 1);
  if (!path.startsWith(WEBHOOK_ROUTE)) return undefined;
  const below = path.slice(WEBHOOK_ROUTE.length).replace(/^\/:token/, "");
  return {
    id: route.majorParameter.split("/")[1]!,
    key: route.majorParameter,
    own: below === "" || below === "/",
  };
}

/**
 * The webhooks that answered 404, and the webhook tokens answered 401,
 * most recent last, at most {@linkcode MAX_UNKNOWN_WEBHOOKS} of each: what
 * a REST client refuses to send to. Internal to the package.
 */
export class UnknownWebhooks {
  /** A webhook's key to the request that was answered 404. */
  readonly #gone = new Map<string, string>();
  /**
   * A webhook token's key to the request that was answered 401: apart, so
   * that expired interaction tokens sent through a webhook route (each
   * answers 401) do not push out the webhooks known gone.
   */
  readonly #refused = new Map<string, string>();

  /** How many are remembered. */
  get size(): number {
    return this.#gone.size + this.#refused.size;
  }

  /**
   * Whether a request may go out: not to a webhook that answered 404,
   * nor with a webhook token answered 401.
   *
   * @param method The request's method.
   * @param route The request's route, as the client parsed it.
   * @param logPath Its path, redacted.
   * @returns `undefined` when it may, otherwise the error to fail it with.
   */
  check(
    method: string,
    route: RouteInfo,
    logPath: string,
  ): UnknownWebhookError | undefined {
    if (this.size === 0) return undefined;
    const webhook = webhookOf(route);
    if (webhook === undefined) return undefined;
    // A 404 (the webhook gone) says more than a 401 to one of its tokens.
    const gone = this.#gone.get(webhook.key);
    const rejectedBy = gone ?? this.#refused.get(webhook.key);
    return rejectedBy === undefined ? undefined : new UnknownWebhookError(
      method,
      logPath,
      webhook.id,
      rejectedBy,
      gone === undefined ? 401 : 404,
    );
  }

  /**
   * Remember the webhook of a 404 whose code is Unknown Webhook (10015),
   * or of a 404 without a code on the webhook's own route
   * (`/webhooks/{id}[/{token}]`); not one with another code (Unknown
   * Message, 10008, below it; Unknown Channel for a `thread_id`). And the
   * webhook token of a 401 on a token route (`/webhooks/{id}/{token}/…`,
   * sent without the bot token: the webhook's token is what was refused,
   * 50027 Invalid Webhook Token); the key holds that token's fingerprint,
   * so the webhook's other tokens still go out.
   *
   * @param route The request's route, as the client parsed it.
   * @param logPath Its path, redacted.
   * @param error What the request failed with: only a
   *   {@linkcode DiscordApiError} with status 404, or 401 on a token
   *   route, counts.
   * @returns Whether the webhook was not remembered before: requests to
   *   it are refused from now on.
   */
  record(route: RouteInfo, logPath: string, error: unknown): boolean {
    if (!(error instanceof DiscordApiError)) return false;
    const { method, code, status } = error;
    const webhook = webhookOf(route);
    if (
      !webhook ||
      !(status === 404
        ? code === UNKNOWN_WEBHOOK || (webhook.own && code === 0)
        : status === 401 && route.tokenRoute)
    ) {
      return false;
    }
    const rejectedBy = `${method} ${logPath}`;
    const list = status === 401 ? this.#refused : this.#gone;
    const fresh = !list.has(webhook.key);
    if (fresh) {
      logger.warn(
        status === 401
          ? "{rejectedBy} answered 401 (code {code}): webhook {id}'s token is not used again by this client"
          : "{rejectedBy} answered 404 (code {code}): webhook {id} is not used again by this client",
        { rejectedBy, code, id: webhook.id },
      );
    }
    list.delete(webhook.key);
    list.set(webhook.key, rejectedBy);
    if (list.size > MAX_UNKNOWN_WEBHOOKS) {
      list.delete(list.keys().next().value!);
    }
    return fresh;
  }
}

/**
 * Counts invalid responses in a sliding window and refuses at a cap. A
 * request sent through {@linkcode InvalidRequestGuard.reserve} counts as an
 * invalid one until {@linkcode InvalidRequestGuard.settle} says how it was
 * answered: counting only answers let a burst in flight (interaction
 * callbacks have no global limit) pass Discord's 10,000. Memory is
 * bounded: at most `limit` timestamps are kept.
 *
 * @example Refuse at the cap
 * ```ts
 * import { InvalidRequestGuard } from "./invalid_requests.ts";
 * import { VirtualScheduler } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const clock = new VirtualScheduler();
 * const guard = new InvalidRequestGuard({ scheduler: clock, limit: 2 });
 * guard.record(403);
 * guard.record(429, "shared"); // not counted
 * assert.equal(guard.check("GET", "/x"), undefined);
 * guard.record(401);
 * assert.equal(guard.check("GET", "/x")?.name, "InvalidRequestLimitError");
 * await clock.advance(600_000);
 * assert.equal(guard.check("GET", "/x"), undefined);
 * ```
 */
export class InvalidRequestGuard {
  /**
   * The window's clock: set back, the wall clock would keep every counted
   * answer in the window for the size of the step longer.
   */
  readonly #clock: ForwardClock;
  readonly #limit: number;
  readonly #window: number;
  readonly #onLimit:
    | ((count: number, retryAfter: number, inFlight: number) => void)
    | undefined;
  /** Ring buffer of timestamps, oldest at #head. */
  readonly #times: number[] = [];
  #head = 0;
  #count = 0;
  /** Requests reserved and not yet settled. */
  #inFlight = 0;
  #warnedUntil = -Infinity;
  /** Until when a request held by those in flight is not said again. */
  #heldSaidUntil = -Infinity;

  /**
   * Create a guard.
   *
   * @param options Clock, cap, window and the hook.
   * @throws {RangeError} For a cap below 1 or above 10,000, or a window
   *   that is not a positive integer.
   * @throws {TypeError} For options that are not an object, a `scheduler`
   *   that is not a `Scheduler` (or none), or an `onLimit` that is not a
   *   function.
   */
  constructor(options: InvalidRequestGuardOptions) {
    // Checked here, not at the first record(): `{}` failed there as
    // "scheduler.now is not a function", `null` as a property read.
    assertOptionsObject(`create ${GUARD}`, options);
    // Required here (the REST client passes its own): a missing one is
    // refused as given, not skipped as an optional one would be.
    assertSchedulerOption(GUARD, options.scheduler, true);
    assertFunctionOption(GUARD, "onLimit", options.onLimit);
    const limit = options.limit ?? 9000;
    if (
      !Number.isInteger(limit) || limit < 1 || limit > INVALID_REQUEST_LIMIT
    ) {
      throw new RangeError(
        `Cannot create invalid-request guard as 'limit' must be an integer in 1..10000: current value 'limit=${
          shown(limit)
        }'`,
      );
    }
    const window = options.window ?? INVALID_REQUEST_WINDOW;
    if (!Number.isSafeInteger(window) || window < 1) {
      throw new RangeError(
        `Cannot create invalid-request guard as 'window' must be a positive integer of ms: current value 'window=${
          shown(window)
        }'`,
      );
    }
    this.#clock = new ForwardClock(options.scheduler);
    this.#limit = limit;
    this.#window = window;
    this.#onLimit = options.onLimit;
  }

  /** Invalid responses counted in the current window. */
  get count(): number {
    this.#expire(this.#clock.now());
    return this.#count;
  }

  /** Requests reserved and not yet settled. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Count a response if it is an invalid one.
   *
   * For a request reserved with {@linkcode InvalidRequestGuard.reserve}
   * call {@linkcode InvalidRequestGuard.settle} instead.
   *
   * @param status The response status.
   * @param scope A 429's `X-RateLimit-Scope` (`shared` ones do not count).
   */
  record(status: number, scope?: string): void {
    if (!invalidStatus(status, scope)) return;
    const now = this.#clock.now();
    this.#expire(now);
    if (this.#count === this.#limit) {
      // A record() past the cap (requests in flight are reserved and never
      // reach it): keep the newest, drop the oldest.
      this.#times[this.#head] = now;
      this.#head = (this.#head + 1) % this.#limit;
      return;
    }
    const tail = (this.#head + this.#count) % this.#limit;
    this.#times[tail] = now;
    this.#count++;
  }

  /**
   * Whether a request is refused: the invalid answers counted in the
   * window fill the cap. (Those in flight as well only hold it back: see
   * {@linkcode InvalidRequestGuard.holds}.)
   *
   * @param method The request's method.
   * @param path The request's (redacted) path.
   * @returns `undefined` when it is not, otherwise the error to fail it with.
   */
  check(method: string, path: string): InvalidRequestLimitError | undefined {
    const now = this.#clock.now();
    this.#expire(now);
    if (this.#count < this.#limit) return undefined;
    const retryAfter = Math.max(
      0,
      this.#times[this.#head]! + this.#window - now,
    );
    if (now >= this.#warnedUntil) {
      this.#warnedUntil = now + Math.max(retryAfter, 1000);
      this.#onLimit?.(this.#count, retryAfter, this.#inFlight);
    }
    return new InvalidRequestLimitError(method, path, this.#count, retryAfter);
  }

  /**
   * Whether a request {@linkcode InvalidRequestGuard.check} lets through
   * must wait: the requests in flight, each counted as if its answer were
   * invalid, fill what the answers counted leave of the cap. One of them
   * answered frees a place (a 401/403/429 counted instead). Failed, good
   * requests were lost with nothing failing (40 messages answered 200
   * after 300 ms, a cap of 30: 10 refused). Said at most once a minute.
   *
   * @returns `true` while the request is to wait for an answer.
   */
  holds(): boolean {
    const now = this.#clock.now();
    this.#expire(now);
    if (this.#count + this.#inFlight < this.#limit) return false;
    if (this.#count < this.#limit && now >= this.#heldSaidUntil) {
      this.#heldSaidUntil = now + 60_000;
      logger.warn(
        "{inFlight} requests in flight and {count} responses with status 401/403/429 in 10 minutes fill the invalid-request cap of {limit} (invalidRequestLimit): further requests wait for their answers",
        { inFlight: this.#inFlight, count: this.#count, limit: this.#limit },
      );
    }
    return true;
  }

  /**
   * {@linkcode InvalidRequestGuard.check}, and when the request may go out,
   * count it as in flight (as if its answer were invalid) until
   * {@linkcode InvalidRequestGuard.settle}. A request that
   * {@linkcode InvalidRequestGuard.holds} would keep waiting is refused
   * here (with `retryAfter` 0), never let past the cap: the REST client
   * asks that first and waits.
   *
   * @param method The request's method.
   * @param path The request's (redacted) path.
   * @returns `undefined` when it may go out (and is now in flight),
   *   otherwise the error to fail it with.
   */
  reserve(method: string, path: string): InvalidRequestLimitError | undefined {
    const refused = this.check(method, path) ??
      (this.#count + this.#inFlight < this.#limit
        ? undefined
        : new InvalidRequestLimitError(
          method,
          path,
          this.#count,
          0,
          this.#inFlight,
        ));
    if (refused === undefined) this.#inFlight++;
    return refused;
  }

  /**
   * End a reservation: the request is no longer in flight, and its answer
   * is counted if it is an invalid one.
   *
   * @param status The answer's status; `undefined` when none came.
   * @param scope A 429's `X-RateLimit-Scope`.
   * @returns Whether the answer was counted as invalid and the answered
   *   ones alone now reach the cap: requests are refused until some leave
   *   the window. (Those in flight may still be answered 200: counted
   *   here, one 403 failed every queued request while they came back.)
   */
  settle(status?: number, scope?: string): boolean {
    if (this.#inFlight > 0) this.#inFlight--;
    if (status === undefined || !invalidStatus(status, scope)) return false;
    this.record(status, scope);
    return this.#count >= this.#limit;
  }

  #expire(now: number): void {
    while (
      this.#count > 0 && this.#times[this.#head]! + this.#window <= now
    ) {
      this.#head = (this.#head + 1) % this.#limit;
      this.#count--;
    }
  }
}

/** Whether an answer counts towards Discord's invalid-request limit. */
function invalidStatus(status: number, scope: string | undefined): boolean {
  return (status === 401 || status === 403 || status === 429) &&
    !(status === 429 && scope === "shared");
}

/** What {@linkcode RequestRefusals.check} needs of one request. */
export interface RefusableRequest {
  /** The method. */
  method: string;
  /** Its route, as the client parsed it. */
  route: RouteInfo;
  /** The same, redacted. */
  logPath: string;
  /** Whether it is sent with the client's bot token. */
  botToken: boolean;
  /**
   * Whether a webhook that answered 404 (or 401 to its token) refuses
   * it: not for the client's
   * interaction methods (an interaction's token is no webhook to give up
   * on: a follow-up that overtakes the HTTP endpoint's answer gets 10015
   * once, and an expired token is refused by its own check).
   */
  webhook: boolean;
}

/**
 * Whatever refuses a REST client's request without sending it: its bot
 * token after Discord answered 401 to it ({@linkcode TokenRejectedError}),
 * a webhook that answered 404 or a webhook token answered 401
 * ({@linkcode UnknownWebhookError}), and the
 * invalid-request cap ({@linkcode InvalidRequestLimitError}), each said on
 * stderr unless logging is configured. Internal to the package.
 */
export class RequestRefusals {
  /** The invalid-request cap. */
  readonly invalid: InvalidRequestGuard;
  /** Webhooks that answered 404 (or 401 to their token), not used again. */
  readonly webhooks: UnknownWebhooks = new UnknownWebhooks();
  /** The request Discord answered 401 to the bot token, once it did. */
  #tokenRejectedBy: string | undefined;

  /**
   * Create the refusals of one client.
   *
   * @param scheduler The client's clock.
   * @param limit The client's `invalidRequestLimit`, if set.
   * @throws {RangeError} For a `limit` the guard refuses.
   */
  constructor(scheduler: Scheduler, limit: number | undefined) {
    this.invalid = new InvalidRequestGuard({
      scheduler,
      ...(limit === undefined ? {} : { limit }),
      onLimit: (count, retryAfter, inFlight) =>
        getVisibleLogger(["disruption", "rest"]).error(
          "{count} responses with status 401/403/429 in 10 minutes and {inFlight} requests in flight: refusing requests for {ms} ms (Discord bans the IP at 10,000)",
          { count, inFlight, ms: retryAfter },
        ),
    });
  }

  /**
   * Whether a request is refused: the rate limiter asks before it waits
   * (`sending` false: a rejected token, a webhook gone) and as it would be
   * sent (`sending` true: the invalid-request cap too).
   *
   * @param request The request.
   * @param sending Whether it would be sent now.
   * @returns The error to fail it with, or `undefined`.
   */
  check(request: RefusableRequest, sending: boolean): RestError | undefined {
    const { method, route, logPath } = request;
    if (request.botToken && this.#tokenRejectedBy !== undefined) {
      return new TokenRejectedError(method, logPath, this.#tokenRejectedBy);
    }
    return (request.webhook
      ? this.webhooks.check(method, route, logPath)
      : undefined) ??
      (sending ? this.invalid.check(method, logPath) : undefined);
  }

  /**
   * The rate limiter's checks of a request: {@linkcode RequestRefusals.check}
   * as its `refuse`; as its `hold`, the requests in flight filling the
   * invalid-request cap ({@linkcode InvalidRequestGuard.holds}): it waits
   * for their answers.
   *
   * @param request The request.
   * @returns The checks, for the limiter's `schedule`.
   */
  jobChecks(
    request: RefusableRequest,
  ): Required<Pick<JobChecks, "refuse" | "hold">> {
    return {
      refuse: (sending) => this.check(request, sending),
      hold: () => this.invalid.holds(),
    };
  }

  /**
   * Discord answered 401 to a request with the bot token: no request with
   * it goes out after, which the first such answer says on stderr.
   *
   * @param method The request's method.
   * @param logPath Its redacted path.
   * @returns Whether this is the first such answer: the requests with the
   *   bot token are refused from now on.
   */
  rejectToken(method: string, logPath: string): boolean {
    if (this.#tokenRejectedBy !== undefined) return false;
    this.#tokenRejectedBy = `${method} ${logPath}`;
    getVisibleLogger(["disruption", "rest"]).error(
      "Discord answered 401 to the bot token on {method} {path}: the token is invalid (or the route needs a user's OAuth2 token); this client sends no more requests with it",
      { method, path: logPath },
    );
    return true;
  }
}

/**
 * A rate limiter's pause after a 429 of Cloudflare's (the IP restricted
 * after too many invalid requests: the ban this module's guard is there to
 * avoid), on the limiter's clock: until when every job waits, the job sent
 * first after it (`J`), and when it was last reported. Internal to the
 * package.
 */
export class CloudflarePause<J> {
  /** Until when every job waits; `-Infinity` before the first pause. */
  until = -Infinity;
  /**
   * After a pause, until an answer that is not Cloudflare's: the next job
   * sent goes first, the others wait for its answer.
   */
  probeDue = false;
  /** That job, while in flight. */
  probe: J | undefined;
  #reportedAt = -Infinity;

  /**
   * Pause (longer) for a 429 of Cloudflare's.
   *
   * @param now The limiter's time.
   * @param duration The pause, in ms.
   * @returns `same` when the pause's end did not move; `report` when a
   *   pause starts and none was reported for
   *   {@linkcode CLOUDFLARE_REPORT_INTERVAL}; otherwise `moved`.
   */
  extend(now: number, duration: number): "same" | "moved" | "report" {
    if (now + duration <= this.until) return "same";
    const starts = this.until <= now;
    this.until = now + duration;
    this.probeDue = true;
    if (!starts || now < this.#reportedAt + CLOUDFLARE_REPORT_INTERVAL) {
      return "moved";
    }
    this.#reportedAt = now;
    return "report";
  }

  /**
   * `job` came back from the server, `answered` or not, and the answer
   * `fromCloudflare` or not: whether it was the probe. An answer not of
   * Cloudflare's after the pause ends the restriction. A probe with no
   * answer (timed out, cut, aborted by its caller) says nothing: the next
   * held job goes first instead, rather than all of them into an IP that
   * may still be restricted.
   *
   * @param job The job that came back.
   * @param now The limiter's time.
   * @param answered Whether the server answered it.
   * @param fromCloudflare Whether the answer was a 429 of Cloudflare's.
   * @returns Whether `job` was the probe.
   */
  settled(
    job: J,
    now: number,
    answered: boolean,
    fromCloudflare: boolean,
  ): boolean {
    if (job !== this.probe) return false;
    this.probe = undefined;
    if (answered && !fromCloudflare && now >= this.until) {
      this.probeDue = false;
    }
    return true;
  }
}
