/**
 * {@linkcode Arrivals}: the router's clock, and when each interaction
 * reached the router, on a clock no step of the wall clock moves. Internal
 * to the package.
 *
 * @module
 */
import { ForwardClock } from "../base/forward_clock.ts";
import { realScheduler, type Scheduler } from "../base/scheduler.ts";

/**
 * When interactions arrived, and the time since. Discord's 3 s and 15
 * minutes are real time: kept on the scheduler's clock, an NTP step (or a
 * resumed VM) between an interaction's arrival and its turn made the
 * context refuse an answer Discord took, or take one it dropped.
 */
export class Arrivals {
  /** The router's clock. */
  #scheduler: Scheduler;
  /** Whether none was given: a source's may be adopted. */
  #adoptable: boolean;
  /** Never goes back; monotonic under the real scheduler. */
  #clock: ForwardClock;
  /** When each interaction arrived, on `#clock`. */
  #at = new WeakMap<object, number>();

  /**
   * @param scheduler The router's `scheduler` option; without it the real
   * clock, until {@linkcode Arrivals.adopt} takes a source's.
   */
  constructor(scheduler: Scheduler | undefined) {
    this.#adoptable = scheduler === undefined;
    this.#scheduler = scheduler ?? realScheduler;
    this.#clock = new ForwardClock(this.#scheduler);
  }

  /** The router's clock, for its deadlines and waits. */
  get scheduler(): Scheduler {
    return this.#scheduler;
  }

  /**
   * Run on an attached source's clock (a Client's `scheduler` option: a
   * test's virtual one), when the router was given none and has not
   * adopted one yet: the first such source attached wins. Arrivals noted
   * before are forgotten (their times were on the other clock).
   *
   * @param scheduler The source's clock; undefined leaves it as it is.
   */
  adopt(scheduler: Scheduler | undefined): void {
    if (!this.#adoptable || scheduler === undefined) return;
    this.#adoptable = false;
    this.#scheduler = scheduler;
    this.#clock = new ForwardClock(scheduler);
    this.#at = new WeakMap();
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
