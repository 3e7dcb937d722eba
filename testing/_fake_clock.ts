/**
 * The wall clock and snowflake generator both fakes share. Private to the
 * test kit.
 *
 * Discord dates a message twice: its `timestamp`, and the time in its
 * snowflake id (bulk delete and a bot's age checks read the id). The bot's
 * messages (made by `FakeRest`) and the simulated users' (made by
 * `FakeDiscord`) must read one clock and draw from one counter, or a user's
 * message looks years old, or dated 1970 beside the bot's 2025 under a
 * virtual clock. `FakeRest` owns the clock; {@linkcode fakeClockOf} hands it
 * to `FakeDiscord` without a public method or option on `FakeRest` (an
 * export is a promise; this is the kit's own wiring).
 *
 * @module
 */
import type { Scheduler } from "../base/scheduler.ts";
import { DISCORD_EPOCH, snowflakeMs } from "../base/snowflake.ts";

/** Wall-clock time a virtual clock's 0 stands for (2025-01-01T00:00:00Z). */
const VIRTUAL_EPOCH = 1_735_689_600_000;
/** A clock below this (before 2001) is a virtual one, counting from 0. */
const VIRTUAL_BELOW = 1e12;
/** Worker 1 in the snowflake's worker bits, as FakeRest's ids always had. */
const WORKER = 1n << 17n;

/** A fake's wall clock and snowflakes, on its scheduler. */
export class FakeClock {
  readonly #scheduler: Scheduler;
  #last = 0n;

  /** @param scheduler The fake's scheduler. */
  constructor(scheduler: Scheduler) {
    this.#scheduler = scheduler;
  }

  /**
   * The wall-clock time a scheduler time stands for.
   *
   * @param time A time on the scheduler.
   * @returns Milliseconds since the Unix epoch: a virtual clock's 0 is
   *   2025-01-01, a real clock's time is itself.
   */
  wall(time: number): number {
    return time < VIRTUAL_BELOW ? VIRTUAL_EPOCH + time : time;
  }

  /** @returns The current wall-clock time, in ms since the Unix epoch. */
  now(): number {
    return this.wall(this.#scheduler.now());
  }

  /** @returns The current wall-clock time, ISO 8601. */
  timestamp(): string {
    return new Date(this.now()).toISOString();
  }

  /**
   * When a snowflake was made, ISO 8601: a new message's `timestamp`, which
   * on Discord is the time its id carries.
   *
   * @param snowflake An id of {@linkcode FakeClock.snowflake}.
   * @returns The time in its top 42 bits.
   */
  timestampOf(snowflake: string): string {
    return new Date(snowflakeMs(snowflake)).toISOString();
  }

  /**
   * A new snowflake carrying the current wall-clock time.
   *
   * @returns An id above every one this clock made before (Discord's ids
   *   are unique and ordered too): the increment bits count within a
   *   millisecond, past 4,096 in one millisecond they spill into the process
   *   and worker bits, and only past about 4 million into the time.
   */
  snowflake(): string {
    const time = BigInt(Math.max(0, Math.floor(this.now()))) -
      BigInt(DISCORD_EPOCH);
    const fresh = ((time < 0n ? 0n : time) << 22n) | WORKER;
    this.#last = fresh > this.#last ? fresh : this.#last + 1n;
    return String(this.#last);
  }
}

/** Each FakeRest's clock. */
const clocks = new WeakMap<object, FakeClock>();

/**
 * Record `clock` as the one of `rest`.
 *
 * @param rest The `FakeRest` that owns it.
 * @param clock Its clock.
 */
export function shareFakeClock(rest: object, clock: FakeClock): void {
  clocks.set(rest, clock);
}

/**
 * The clock of `rest`, for the simulated users' messages.
 *
 * @param rest A `FakeRest`.
 * @returns Its clock.
 * @throws {Error} When `rest` recorded none (it is no `FakeRest`).
 */
export function fakeClockOf(rest: object): FakeClock {
  const clock = clocks.get(rest);
  if (!clock) throw new Error("Not a FakeRest: it has no fake clock");
  return clock;
}
