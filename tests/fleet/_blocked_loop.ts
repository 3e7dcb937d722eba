/**
 * A scheduler over a {@linkcode VirtualScheduler} whose event loop can be
 * blocked, the way a handler doing synchronous work blocks a process's: the
 * timers due during the block all run at its end, late, and those they set
 * count from there. Other users of the same VirtualScheduler (a fake
 * gateway) run unblocked.
 */
import type { Scheduler, TimerId } from "../../base/scheduler.ts";
import type { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** A process's clock and timers whose loop {@linkcode block} blocks. */
export class BlockedLoop implements Scheduler {
  readonly #virtual: VirtualScheduler;
  /** While blocked, when the block ends: every timer run then sees it. */
  #until: number | undefined;

  /** @param virtual The clock it runs on. */
  constructor(virtual: VirtualScheduler) {
    this.#virtual = virtual;
  }

  /** The virtual time, or the block's end for a timer run late by it. */
  now(): number {
    return this.#until ?? this.#virtual.now();
  }

  /** A timer due `delay` after now() (after the block's end while blocked). */
  setTimeout(callback: () => void, delay: number): TimerId {
    const late = this.now() - this.#virtual.now();
    return this.#virtual.setTimeout(callback, Math.max(0, delay) + late);
  }

  /** Cancel a timer. */
  clearTimeout(id: TimerId): void {
    this.#virtual.clearTimeout(id);
  }

  /**
   * Block the loop `ms`: the clock moves on by `ms` and the timers due
   * meanwhile run only at its end, late.
   */
  async block(ms: number): Promise<void> {
    this.#until = this.#virtual.now() + ms;
    try {
      await this.#virtual.advance(ms);
    } finally {
      this.#until = undefined;
    }
  }
}
