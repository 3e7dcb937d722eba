/**
 * The outgoing frame budget of one connection: Discord closes a connection
 * with 4008 when more than 120 frames (heartbeats included) go out in a
 * rolling 60 s. {@linkcode SendRateLimiter} keeps room for the frames that
 * must never wait (heartbeats, IDENTIFY, RESUME) and tells user commands how
 * long to queue.
 *
 * @module
 */
import type { Scheduler } from "../base/scheduler.ts";

/** Options for {@linkcode SendRateLimiter}. */
export interface SendRateLimiterOptions {
  /** The clock that timestamps frames. */
  scheduler: Scheduler;
  /**
   * How many frames may go out in one window.
   *
   * @default {120}
   */
  limit?: number;
  /**
   * The length of the rolling window in milliseconds.
   *
   * @default {60000}
   */
  windowMs?: number;
}

/** The reserve before any heartbeat interval is known. */
const DEFAULT_RESERVE = 3;

/**
 * The shortest time between two server-requested heartbeats (op 1) the
 * shard answers, in milliseconds: one heartbeat interval, and never less
 * than this. With HELLO's shortest accepted interval (1 s), answering a
 * request every interval too would leave no room in 120 frames per minute.
 */
export const REQUESTED_HEARTBEAT_SPACING = 2_000;

/**
 * A rolling-window counter of the frames sent on one connection.
 *
 * A frame sent at time `t` counts for the window at every time in
 * `[t, t + windowMs)`. Priority frames (heartbeats, IDENTIFY, RESUME) are
 * only {@linkcode SendRateLimiter.record}ed and never delayed; user commands
 * ask {@linkcode SendRateLimiter.delayForCommand} first and may go only while
 * fewer than {@linkcode SendRateLimiter.commandLimit} frames are in the
 * window, which leaves {@linkcode SendRateLimiter.reserve} frames for the
 * priority traffic due in any window.
 *
 * Timestamps live in a ring buffer of `limit` slots, so memory stays bounded
 * however many frames are sent.
 *
 * @example Queue commands behind the heartbeat reserve
 * ```ts
 * import { SendRateLimiter } from "./send_rate_limiter.ts";
 * import { VirtualScheduler } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const scheduler = new VirtualScheduler();
 * const limiter = new SendRateLimiter({ scheduler });
 * limiter.setHeartbeatInterval(45_000);
 * assert.equal(limiter.reserve, 5);
 * assert.equal(limiter.commandLimit, 115);
 *
 * for (let i = 0; i < 115; i++) {
 *   assert.equal(limiter.delayForCommand(), 0);
 *   limiter.record();
 * }
 * // The 116th command waits until the first frame leaves the window.
 * assert.equal(limiter.delayForCommand(), 60_000);
 * await scheduler.advance(60_000);
 * assert.equal(limiter.delayForCommand(), 0);
 * ```
 */
export class SendRateLimiter {
  #scheduler: Scheduler;
  #limit: number;
  #windowMs: number;
  #reserve = DEFAULT_RESERVE;
  /** Timestamps of the newest frames, oldest at `#head`. */
  #ring: Float64Array;
  #head = 0;
  #count = 0;

  /**
   * Create a limiter for one connection (call
   * {@linkcode SendRateLimiter.reset} to reuse it for the next).
   *
   * @param options The clock, the limit and the window.
   * @throws {RangeError} When `limit` or `windowMs` is not a positive
   * integer.
   */
  constructor(options: SendRateLimiterOptions) {
    const { scheduler, limit = 120, windowMs = 60_000 } = options;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(
        `Cannot create send rate limiter as 'limit' must be a positive integer: current value 'limit=${limit}'`,
      );
    }
    if (!Number.isInteger(windowMs) || windowMs < 1) {
      throw new RangeError(
        `Cannot create send rate limiter as 'windowMs' must be a positive integer: current value 'windowMs=${windowMs}'`,
      );
    }
    this.#scheduler = scheduler;
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#ring = new Float64Array(limit);
  }

  /** Forget every recorded frame, for a new connection. */
  reset(): void {
    this.#head = 0;
    this.#count = 0;
  }

  /**
   * Size the reserve for heartbeats sent every `intervalMs`: as many as can
   * fall in one window, as many server-requested ones as the shard answers
   * in a window (one per `max(intervalMs,`
   * {@linkcode REQUESTED_HEARTBEAT_SPACING}`)`), plus one IDENTIFY or
   * RESUME.
   *
   * @param intervalMs The `heartbeat_interval` from HELLO, in milliseconds.
   * @throws {RangeError} When `intervalMs` is not a positive finite number.
   */
  setHeartbeatInterval(intervalMs: number): void {
    if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
      throw new RangeError(
        `Cannot set heartbeat interval as 'intervalMs' must be a positive finite number: current value 'intervalMs=${intervalMs}'`,
      );
    }
    this.#reserve = Math.ceil(this.#windowMs / intervalMs) +
      Math.ceil(
        this.#windowMs / Math.max(intervalMs, REQUESTED_HEARTBEAT_SPACING),
      ) + 1;
  }

  /**
   * Frames kept for priority traffic in every window:
   * `ceil(windowMs / interval) + ceil(windowMs / max(interval, 2000)) + 1`,
   * or `3` before a heartbeat interval is set.
   */
  get reserve(): number {
    return this.#reserve;
  }

  /**
   * How many frames may be in the window for a user command to still go:
   * `max(1, limit - reserve)`.
   */
  get commandLimit(): number {
    return Math.max(1, this.#limit - this.#reserve);
  }

  /**
   * How many frames were sent in the current rolling window (at most
   * `limit`: beyond it only the newest `limit` are remembered).
   */
  get inWindow(): number {
    this.#prune(this.#scheduler.now());
    return this.#count;
  }

  /**
   * Count a frame that went out now. Heartbeats, IDENTIFY and RESUME call
   * only this; user commands call it once
   * {@linkcode SendRateLimiter.delayForCommand} returned `0`.
   */
  record(): void {
    const now = this.#prune(this.#scheduler.now());
    const limit = this.#limit;
    if (this.#count === limit) {
      // Over the limit already (only priority frames can get here). Keeping
      // the newest `limit` timestamps is enough: the delay only ever depends
      // on the frame `commandLimit` places from the newest.
      this.#ring[this.#head] = now;
      this.#head = (this.#head + 1) % limit;
      return;
    }
    this.#ring[(this.#head + this.#count) % limit] = now;
    this.#count++;
  }

  /**
   * How long a user command must wait.
   *
   * @returns `0` when a command may go now, else the exact milliseconds
   * until enough of the oldest frames have left the window.
   */
  delayForCommand(): number {
    const now = this.#prune(this.#scheduler.now());
    const excess = this.#count - this.commandLimit;
    if (excess < 0) return 0;
    // The (excess + 1)-th oldest frame has to leave.
    const t = this.#ring[(this.#head + excess) % this.#limit]!;
    return t + this.#windowMs - now;
  }

  /**
   * Drop the frames that left the window and return the clock to use. A
   * clock that went backwards (a wall clock being set) moves every future
   * timestamp back to `now`, which keeps those frames counted for a full
   * window and the ring sorted.
   */
  #prune(now: number): number {
    const ring = this.#ring;
    const limit = this.#limit;
    const windowMs = this.#windowMs;
    while (this.#count > 0 && ring[this.#head]! + windowMs <= now) {
      this.#head = (this.#head + 1) % limit;
      this.#count--;
    }
    if (
      this.#count > 0 &&
      ring[(this.#head + this.#count - 1) % limit]! > now
    ) {
      for (let i = 0; i < this.#count; i++) {
        const index = (this.#head + i) % limit;
        if (ring[index]! > now) ring[index] = now;
      }
    }
    return now;
  }
}
