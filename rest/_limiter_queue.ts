/**
 * The shapes a {@linkcode RateLimiter} keeps its waiting requests in (jobs,
 * the lanes of one route, the buckets that share a limit, the global
 * windows) and the small helpers around them. Private to the package.
 *
 * @module
 */
import { Fifo } from "../base/fifo.ts";
import { shownQuoted } from "../base/option_checks.ts";
import type { TimerId } from "../base/scheduler.ts";
import type { GlobalScope, RouteInfo } from "./routes.ts";
import type { AttemptResult, JobChecks } from "./rate_limit_headers.ts";

/** One request waiting in, or sent by, the rate limiter. */
export interface Job {
  /** The parsed route. */
  route: RouteInfo;
  /** The global limit it counts against and waits for. */
  global: GlobalScope;
  /** Sends it once and says how it went. */
  attempt: () => Promise<AttemptResult<unknown>>;
  /** What fails it unsent. */
  checks: JobChecks;
  /** Settles the caller's promise with a value. */
  resolve: (value: unknown) => void;
  /** Settles the caller's promise with an error. */
  reject: (error: unknown) => void;
  /** The caller's signal, if any. */
  signal: AbortSignal | undefined;
  /** Stops listening to `signal` (see `onAbort`), once the job settles. */
  unlisten: (() => void) | undefined;
  /** Not sent before this time (retries). */
  notBefore: number;
  /**
   * Whether its wait is its own (a retry `aside`): until `notBefore` its
   * lane waits behind it and the bucket's other lanes go on.
   */
  aside: boolean;
  /** Arrival order: a bucket's lanes send their heads oldest first. */
  seq: number;
  /** The lane holding the job while it waits; `undefined` in flight. */
  lane: Lane | undefined;
}

/**
 * The waiting jobs of one route key and major parameter, in order. A
 * route's jobs move between buckets (its hash learned or changed) as one
 * lane, so a move costs the same for 1 job or 200,000: filtering them out
 * of the old bucket cost O(queue) per answer (a server alternating hashes
 * made 20,000 queued jobs take 8.6 s instead of 0.2 s), and spreading
 * 200,000 into the new one overflowed the stack.
 */
export interface Lane {
  /** `<route key>|<major parameter>`. */
  id: string;
  /** Its route's key as its bucket hash is known by (`routeHashKey`). */
  hashKey: string;
  /** Its jobs, oldest first (a retry goes back to the head). */
  queue: Fifo<Job>;
  /** The bucket it waits in. */
  bucket: Bucket;
}

/** One rate-limit bucket: the lanes that share its limit, and its window. */
export interface Bucket {
  /** `<hash>:<major parameter>`, or `route:<lane id>` before a hash is known. */
  id: string;
  /** The lanes with waiting jobs; routes sharing a hash share the bucket. */
  lanes: Lane[];
  /** Jobs waiting in all lanes. */
  queued: number;
  /** Jobs sent and not yet answered. */
  inFlight: number;
  /** Requests per window, once an answer said. */
  limit: number | undefined;
  /** `undefined` = unknown: send one at a time until a response tells. */
  remaining: number | undefined;
  /**
   * When the current window ends, if known: as Discord said, however far
   * (a job that cannot wait so long fails unsent, see
   * {@linkcode JobChecks.waitRefusal}).
   */
  resetAt: number | undefined;
  /** The timer that pumps it next, if armed. */
  timer: TimerId | undefined;
  /** When that timer fires; `Infinity` when none is armed. */
  timerAt: number;
}

/**
 * One global limit's sends in its sliding window (a fixed one let 2x out
 * across its edge), and pause.
 */
export interface GlobalWindow {
  /** Sends allowed per window. */
  limit: number;
  /** The send times within the window, oldest first. */
  sent: Fifo<number>;
  /** Until when a global 429 holds it; `-Infinity` when not paused. */
  pausedUntil: number;
}

/**
 * A global window with nothing sent yet.
 *
 * @param limit Sends allowed per window.
 * @returns The window.
 */
export function globalWindowOf(limit: number): GlobalWindow {
  return { limit, sent: new Fifo(), pausedUntil: -Infinity };
}

/**
 * Refuse a rate limiter's global limits unless each is a positive integer
 * and the window is positive.
 *
 * @param limits The limits by option name (`globalLimit`, `ipGlobalLimit`).
 * @param globalWindow The window's length in ms.
 * @throws {RangeError} For a number out of range.
 * @throws {TypeError} For a limit that is not a number (quoted: a string
 *   `'globalLimit=50'` would look right).
 */
export function assertGlobalLimits(
  limits: Record<string, unknown>,
  globalWindow: number,
): void {
  for (const [name, limit] of Object.entries(limits)) {
    if (!Number.isInteger(limit) || (limit as number) < 1) {
      const Refusal = typeof limit === "number" ? RangeError : TypeError;
      throw new Refusal(
        `Cannot create rate limiter as '${name}' must be a positive integer: current value '${name}=${
          shownQuoted(limit)
        }'`,
      );
    }
  }
  if (!(globalWindow > 0)) {
    throw new RangeError(
      `Cannot create rate limiter as 'globalWindow' must be > 0: current value 'globalWindow=${globalWindow}'`,
    );
  }
}

/**
 * When a global window lets the next request out: now, the end of its
 * pause, or when its oldest send leaves the window (those that left are
 * dropped).
 *
 * @param global The global window.
 * @param now The limiter's clock.
 * @param window The window's length in ms.
 * @returns The time, `now` when a request may go at once.
 */
export function globalAvailableAt(
  global: GlobalWindow,
  now: number,
  window: number,
): number {
  if (global.pausedUntil > now) return global.pausedUntil;
  const sent = global.sent;
  while (sent.length > 0 && sent.peek()! + window <= now) sent.shift();
  if (sent.length < global.limit) return now;
  return sent.peek()! + window;
}

/**
 * What a job's check returned, or threw: a throwing check refuses too.
 *
 * @param check The check, called once.
 * @returns Its result, or what it threw.
 */
export function asked(check: () => unknown): unknown {
  try {
    return check();
  } catch (error) {
    return error;
  }
}

/**
 * For a job its `hold` check keeps: until when it may wait held (its
 * `holdLeft`, or `Infinity`: until an answer frees it), or, when that is
 * over, what fails it (its `holdRefusal`, if it gives one).
 *
 * @param job The job held.
 * @param now The limiter's clock.
 * @returns The time, or the refusal.
 */
export function heldUntil(
  job: Job,
  now: number,
): number | { refusal: unknown } {
  const left = asked(() => job.checks.holdLeft?.());
  if (typeof left !== "number") return Infinity;
  if (left > 0) return now + left;
  const refusal = asked(() => job.checks.holdRefusal?.());
  return refusal === undefined ? Infinity : { refusal };
}

/**
 * The lane a route's jobs wait in: one per route key and major parameter.
 *
 * @param route The parsed route.
 * @returns The lane's id.
 */
export function laneId(route: RouteInfo): string {
  return `${route.key}|${route.majorParameter}`;
}
