/**
 * The invalid-request limit: Discord (Cloudflare) bans an IP for a while
 * after 10,000 responses with status 401, 403 or 429 within 10 minutes
 * (429s with `X-RateLimit-Scope: shared` do not count). The
 * {@linkcode InvalidRequestGuard} counts them, and the requests in flight
 * as if each would be one, and refuses further requests before the limit
 * is reached.
 *
 * @module
 */
import { ForwardClock } from "../base/forward_clock.ts";
import type { Scheduler } from "../base/scheduler.ts";
import { RestError } from "./errors.ts";

/** Discord's window for invalid requests (10 minutes). */
export const INVALID_REQUEST_WINDOW = 600_000;

/** Discord's limit of invalid requests per window. */
export const INVALID_REQUEST_LIMIT = 10_000;

/** Options for {@linkcode InvalidRequestGuard}. */
export interface InvalidRequestGuardOptions {
  /** The clock. */
  scheduler: Scheduler;
  /**
   * Refuse requests once this many invalid ones happened in the window,
   * requests reserved and not yet answered counted with them (a margin
   * below Discord's 10,000 for other processes on the same IP).
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
   * Called once when the guard starts refusing, and once per window after,
   * with the invalid answers counted, the wait before one leaves the
   * window, and the requests in flight.
   */
  onLimit?: (count: number, retryAfter: number, inFlight: number) => void;
}

/** Thrown instead of sending while the invalid-request count is at its cap. */
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
    super(
      `${method} ${path} refused: ${count} responses with status 401/403/429 in the last 10 minutes${flight}; Discord bans the IP at 10,000 (fix the failing requests; requests resume in ${retryAfter} ms)`,
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
 * import { InvalidRequestGuard } from "@disruption/disruption/rest";
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

  /**
   * Create a guard.
   *
   * @param options Clock, cap, window and the hook.
   * @throws {RangeError} For a cap below 1 or above 10,000, or a window
   *   that is not a positive integer.
   */
  constructor(options: InvalidRequestGuardOptions) {
    const limit = options.limit ?? 9000;
    if (
      !Number.isInteger(limit) || limit < 1 || limit > INVALID_REQUEST_LIMIT
    ) {
      throw new RangeError(
        `Cannot create invalid-request guard as 'limit' must be an integer in 1..10000: current value 'limit=${limit}'`,
      );
    }
    const window = options.window ?? INVALID_REQUEST_WINDOW;
    if (!Number.isSafeInteger(window) || window < 1) {
      throw new RangeError(
        `Cannot create invalid-request guard as 'window' must be a positive integer of ms: current value 'window=${
          String(window)
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
    if (status !== 401 && status !== 403 && status !== 429) return;
    if (status === 429 && scope === "shared") return;
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
   * Whether a request may go out now.
   *
   * @param method The request's method.
   * @param path The request's (redacted) path.
   * @returns `undefined` when it may, otherwise the error to fail it with.
   */
  check(method: string, path: string): InvalidRequestLimitError | undefined {
    const now = this.#clock.now();
    this.#expire(now);
    if (this.#count + this.#inFlight < this.#limit) return undefined;
    // Only in flight: they free the cap as they are answered.
    const retryAfter = this.#count === 0 ? 0 : Math.max(
      0,
      this.#times[this.#head]! + this.#window - now,
    );
    if (now >= this.#warnedUntil) {
      // At most once a second while only requests in flight fill the cap.
      this.#warnedUntil = now + Math.max(retryAfter, 1000);
      this.#onLimit?.(this.#count, retryAfter, this.#inFlight);
    }
    return new InvalidRequestLimitError(
      method,
      path,
      this.#count,
      retryAfter,
      this.#inFlight,
    );
  }

  /**
   * {@linkcode InvalidRequestGuard.check}, and when the request may go out,
   * count it as in flight (as if its answer were invalid) until
   * {@linkcode InvalidRequestGuard.settle}.
   *
   * @param method The request's method.
   * @param path The request's (redacted) path.
   * @returns `undefined` when it may go out (and is now in flight),
   *   otherwise the error to fail it with.
   */
  reserve(method: string, path: string): InvalidRequestLimitError | undefined {
    const refused = this.check(method, path);
    if (refused === undefined) this.#inFlight++;
    return refused;
  }

  /**
   * End a reservation: the request is no longer in flight, and its answer
   * is counted if it is an invalid one.
   *
   * @param status The answer's status; `undefined` when none came.
   * @param scope A 429's `X-RateLimit-Scope`.
   */
  settle(status?: number, scope?: string): void {
    if (this.#inFlight > 0) this.#inFlight--;
    if (status !== undefined) this.record(status, scope);
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
