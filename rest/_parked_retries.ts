/**
 * The retries a {@linkcode RateLimiter} keeps out of their lanes while they
 * wait: those of a 429 that held back only the request it answered (a
 * sublimit, a shared resource's limit). Private to the package.
 *
 * @module
 */
import type { ForwardClock } from "../base/forward_clock.ts";
import {
  clampTimerDelay,
  type Scheduler,
  type TimerId,
} from "../base/scheduler.ts";
import type { Fifo } from "../base/fifo.ts";
import type { Job } from "./_limiter_queue.ts";

/**
 * Retries waiting aside, each on its own timer until its `notBefore`. At
 * the head of its lane such a retry held every request of its bucket for
 * the whole wait (a rename's 429 of 8 s held the channel's permission
 * overwrites and topic edits, the headers saying 7 of 10 were left); aside,
 * the bucket's others go on under what the headers say, and the retry goes
 * back into its lane, in arrival order, when its wait is over.
 */
export class ParkedRetries {
  readonly #scheduler: Scheduler;
  readonly #clock: ForwardClock;
  readonly #release: (job: Job) => void;
  readonly #timers = new Map<Job, TimerId>();

  /**
   * Park retries on a limiter's clock.
   *
   * @param scheduler Arms the timers.
   * @param clock The limiter's clock, which `notBefore` is on.
   * @param release Puts a job whose wait is over back into its lane.
   */
  constructor(
    scheduler: Scheduler,
    clock: ForwardClock,
    release: (job: Job) => void,
  ) {
    this.#scheduler = scheduler;
    this.#clock = clock;
    this.#release = release;
  }

  /** How many retries wait aside. */
  get size(): number {
    return this.#timers.size;
  }

  /**
   * Keep a job aside until its `notBefore`.
   *
   * @param job A job answered with a retry, in no lane.
   */
  park(job: Job): void {
    const armedAt = this.#clock.now();
    const delay = clampTimerDelay(job.notBefore - armedAt);
    this.#timers.set(
      job,
      this.#scheduler.setTimeout(() => {
        this.#timers.delete(job);
        this.#clock.reached(armedAt + delay);
        this.#release(job);
      }, delay),
    );
  }

  /**
   * Take a job out, its timer cleared (aborted, or refused).
   *
   * @param job The job.
   * @returns Whether it was parked.
   */
  remove(job: Job): boolean {
    const timer = this.#timers.get(job);
    if (timer === undefined) return false;
    this.#scheduler.clearTimeout(timer);
    this.#timers.delete(job);
    return true;
  }

  /**
   * Fail the parked jobs `check` refuses (a refusal that started to apply
   * reaches them now, not when their wait is over).
   *
   * @param check The error to fail a job with, or `undefined` to keep it.
   */
  failIf(check: (job: Job) => unknown): void {
    for (const job of [...this.#timers.keys()]) {
      const error = check(job);
      if (error === undefined) continue;
      this.remove(job);
      job.unlisten?.();
      job.unlisten = undefined;
      job.reject(error);
    }
  }
}

/**
 * Put a retry back into its lane's queue in arrival order (`seq`): after
 * the older retries there, before every later job. Those older are only
 * retries (a lane's jobs leave in order), so few are moved.
 *
 * @param queue The lane's jobs.
 * @param job The retry.
 */
export function insertBySeq(queue: Fifo<Job>, job: Job): void {
  const older: Job[] = [];
  while (queue.length > 0 && queue.peek()!.seq < job.seq) {
    older.push(queue.shift()!);
  }
  queue.unshift(job);
  for (let i = older.length - 1; i >= 0; i--) queue.unshift(older[i]!);
}
