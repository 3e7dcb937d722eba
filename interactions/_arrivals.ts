/**
 * {@linkcode Arrivals}: when each interaction reached the router, on a
 * clock no step of the wall clock moves. Internal to the package.
 *
 * @module
 */
import { ForwardClock } from "../base/forward_clock.ts";
import type { Scheduler } from "../base/scheduler.ts";

/**
 * When interactions arrived, and the time since. Discord's 3 s and 15
 * minutes are real time: kept on the scheduler's clock, an NTP step (or a
 * resumed VM) between an interaction's arrival and its turn made the
 * context refuse an answer Discord took, or take one it dropped.
 */
export class Arrivals {
  /** Never goes back; monotonic under the real scheduler. */
  readonly #clock: ForwardClock;
  /** When each interaction arrived, on `#clock`. */
  readonly #at = new WeakMap<object, number>();

  /** @param scheduler The clock read. */
  constructor(scheduler: Scheduler) {
    this.#clock = new ForwardClock(scheduler);
  }

  /**
   * Note that `interaction` arrived now (a value that is not an object,
   * a malformed interaction, is not kept).
   *
   * @param interaction The interaction.
   */
  mark(interaction: unknown): void {
    if (interaction !== null && typeof interaction === "object") {
      this.#at.set(interaction, this.#clock.now());
    }
  }

  /**
   * Whether `interaction` was marked.
   *
   * @param interaction The interaction.
   * @returns Whether it arrived through {@linkcode Arrivals.mark}.
   */
  has(interaction: object): boolean {
    return this.#at.has(interaction);
  }

  /**
   * When `interaction` arrived, on the scheduler's clock as it reads now:
   * the time since is what passed, whatever steps the wall clock took.
   * Read it when handing it on (it is right as of now).
   *
   * @param interaction The interaction.
   * @returns Its arrival, or `undefined` when it was not marked.
   */
  received(interaction: object): number | undefined {
    const at = this.#at.get(interaction);
    return at === undefined ? undefined : this.#clock.toScheduler(at);
  }

  /**
   * A stopwatch started now.
   *
   * @returns The milliseconds passed since the call, on this clock.
   */
  since(): () => number {
    const start = this.#clock.now();
    return () => this.#clock.now() - start;
  }
}
