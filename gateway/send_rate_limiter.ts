/**
 * The outgoing frame budget of one connection: Discord closes a connection
 * with 4008 when more than 120 frames (heartbeats included) go out in a
 * rolling 60 s. {@linkcode SendRateLimiter} keeps room for the frames that
 * must never wait (heartbeats, IDENTIFY, RESUME) and tells user commands how
 * long to queue.
 *
 * @module
 */
import { ForwardClock } from "../base/forward_clock.ts";
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

/**
 * The window a shard counts its frames in, in milliseconds: Discord's 60 s
 * and 2 s to spare. Discord counts frames as they arrive, this limiter as
 * they are written: a burst that reached Discord late (queued in the
 * socket, a slow path) and a frame written right as the burst's 60 s ended
 * that reached it sooner made 121 frames in Discord's window, and a 4008
 * close.
 */
export const GATEWAY_SEND_WINDOW_MS = 62_000;

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
 * ask {@linkcode SendRateLimiter.delayForCommand} first. A command may go
 * when every window it falls in can still hold the frames already sent in
 * it, the command, and the most priority frames that can still be sent
 * before that window closes (as many heartbeats, server-requested ones and
 * IDENTIFY or RESUME as fit in the time left, the way
 * {@linkcode SendRateLimiter.reserve} counts a whole window). A priority
 * frame is counted once: as sent once it is, as still to come before.
 * Reserving the full `reserve` on top of the heartbeats already sent
 * counted them twice, and at a 1 s heartbeat interval (60 a minute) left
 * commands none of the 60 frames a minute the heartbeats leave; now they
 * get 58.
 *
 * While priority frames stay within that count (the shard answers server
 * requests no more often than it reserves for), no window holds more than
 * `limit` frames. More than that can only come from priority frames, which
 * still go; commands then wait until the window has room again.
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
 * // The window that opened at 0 has room for 5 more frames, the most
 * // priority frames due in 60 s. The 116th command waits until only 45 s of
 * // it are left, in which at most 3 can come.
 * assert.equal(limiter.delayForCommand(), 15_000);
 * await scheduler.advance(15_000);
 * assert.equal(limiter.delayForCommand(), 0);
 * ```
 */
export class SendRateLimiter {
  /**
   * The window's clock: it never goes back (a wall clock set back kept
   * frames "in the future"), and under the real scheduler it is the
   * monotonic one, so a step forward lets no frame out early (Discord
   * counts 120 in its own 60 s and closes with 4008 past them).
   */
  readonly #clock: ForwardClock;
  #limit: number;
  #windowMs: number;
  #reserve = DEFAULT_RESERVE;
  /**
   * `#span[m]`: the longest time, at most `windowMs`, in which at most `m`
   * priority frames can be sent (`0` when even a moment can bring more).
   */
  #span: Float64Array;
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
    this.#clock = new ForwardClock(scheduler);
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#ring = new Float64Array(limit);
    this.#span = new Float64Array(limit);
    this.#setSpans(undefined);
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
    this.#setSpans(intervalMs);
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
   * How many user commands may go at once into an empty window:
   * `max(1, limit - reserve)`. Later ones go as the window's end nears and
   * fewer priority frames can still come in it.
   */
  get commandLimit(): number {
    return Math.max(1, this.#limit - this.#reserve);
  }

  /**
   * How many frames were sent in the current rolling window (at most
   * `limit`: beyond it only the newest `limit` are remembered).
   */
  get inWindow(): number {
    this.#prune(this.#clock.now());
    return this.#count;
  }

  /**
   * Count a frame that went out now. Heartbeats, IDENTIFY and RESUME call
   * only this; user commands call it once
   * {@linkcode SendRateLimiter.delayForCommand} returned `0`.
   */
  record(): void {
    const now = this.#prune(this.#clock.now());
    const limit = this.#limit;
    if (this.#count === limit) {
      // At the limit already (only priority frames can get here). Keeping
      // the newest `limit` timestamps is enough: a command waits at least
      // for the `limit`-th newest to leave, and every older frame leaves
      // before it.
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
   * until, with no more frames sent, it could.
   */
  delayForCommand(): number {
    const now = this.#prune(this.#clock.now());
    const ring = this.#ring;
    const limit = this.#limit;
    const last = this.#head + this.#count - 1;
    let at = now;
    // The fullest windows holding now start at a frame: the one starting at
    // the k-th newest holds k frames until it closes at `sent + windowMs`,
    // so the command fits once at most `limit - 1 - k` priority frames can
    // come before then. Up to `commandLimit - 1` frames, even a whole
    // window of them (`reserve`) fits, and an empty window takes a command
    // whatever the reserve, as before.
    for (let k = this.commandLimit; k <= this.#count; k++) {
      const sent = ring[(last - k + 1) % limit]!;
      const span = k < limit ? this.#span[limit - 1 - k]! : 0;
      at = Math.max(at, sent + this.#windowMs - span);
    }
    return at - now;
  }

  /**
   * Fill `#span` for heartbeats every `intervalMs`, or for the flat
   * {@linkcode DEFAULT_RESERVE} before one is known. In `d` ms (`d > 0`) at
   * most `ceil(d / interval)` heartbeats,
   * `ceil(d / max(interval, REQUESTED_HEARTBEAT_SPACING))` requested ones and
   * one IDENTIFY or RESUME can be sent, so at most `m` priority frames in
   * every `d <= min(a * interval, b * spacing)` with `a + b + 1 = m`.
   */
  #setSpans(intervalMs: number | undefined): void {
    const span = this.#span;
    const windowMs = this.#windowMs;
    for (let m = 0; m < span.length; m++) {
      if (intervalMs === undefined) {
        span[m] = m >= DEFAULT_RESERVE ? windowMs : 0;
        continue;
      }
      const spacing = Math.max(intervalMs, REQUESTED_HEARTBEAT_SPACING);
      const split = m - 1; // heartbeats plus requested ones, each at least 1
      let best = 0;
      if (split >= 2) {
        // a * interval grows and (split - a) * spacing shrinks with a: the
        // larger minimum is next to where they cross.
        const cross = Math.floor(split * spacing / (intervalMs + spacing));
        for (const a of [cross, cross + 1]) {
          const heartbeats = Math.min(Math.max(a, 1), split - 1);
          best = Math.max(
            best,
            Math.min(
              heartbeats * intervalMs,
              (split - heartbeats) * spacing,
            ),
          );
        }
      }
      span[m] = Math.min(best, windowMs);
    }
  }

  /** Drop the frames that left the window and return the clock to use. */
  #prune(now: number): number {
    const ring = this.#ring;
    const limit = this.#limit;
    const windowMs = this.#windowMs;
    while (this.#count > 0 && ring[this.#head]! + windowMs <= now) {
      this.#head = (this.#head + 1) % limit;
      this.#count--;
    }
    return now;
  }
}
