/**
 * The pace of presence updates (op 3) on one shard: Discord's activity docs
 * warn that a client may update its presence only 5 times per 20 seconds.
 * {@linkcode PresencePacer} counts the updates written and says how long the
 * next one must wait. Internal to the package.
 *
 * @module
 */
import { ForwardClock } from "../base/forward_clock.ts";
import type { Scheduler } from "../base/scheduler.ts";

/** How many presence updates may be written in one window. */
export const PRESENCE_UPDATES_PER_WINDOW = 5;
/** The length of the rolling presence window in milliseconds. */
export const PRESENCE_WINDOW_MS = 20_000;

/**
 * A rolling-window counter of the presence updates written by one shard.
 * It is kept across reconnects: nothing in the docs says that a new
 * connection gives a fresh allowance.
 */
export class PresencePacer {
  /**
   * Never goes back (a wall clock set back held presences for the size of
   * the step), and monotonic under the real scheduler.
   */
  readonly #clock: ForwardClock;
  /** When the last {@linkcode PRESENCE_UPDATES_PER_WINDOW} updates went. */
  readonly #writtenAt: number[] = [];

  /** @param scheduler The clock that timestamps updates. */
  constructor(scheduler: Scheduler) {
    this.#clock = new ForwardClock(scheduler);
  }

  /**
   * How long the next update must wait, in milliseconds; 0 when it may go
   * now.
   */
  delay(): number {
    if (this.#writtenAt.length < PRESENCE_UPDATES_PER_WINDOW) return 0;
    return Math.max(
      0,
      this.#writtenAt[0]! + PRESENCE_WINDOW_MS - this.#clock.now(),
    );
  }

  /** Count an update written now. */
  record(): void {
    this.#writtenAt.push(this.#clock.now());
    if (this.#writtenAt.length > PRESENCE_UPDATES_PER_WINDOW) {
      this.#writtenAt.shift();
    }
  }
}
