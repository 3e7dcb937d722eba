/**
 * Runs callbacks one after another, awaiting the ones that return promises,
 * without paying for a promise when a callback is synchronous.
 *
 * @module
 */

/** A unit of work; may be async. */
export type Task = () => void | Promise<void>;

/**
 * A FIFO of tasks that never runs two at once. Synchronous tasks run
 * immediately (the hot path of a bot whose handlers do not await); when a
 * task returns a promise, later tasks wait for it, so events keep their
 * order even across `await`s inside handlers.
 *
 * @example Async tasks keep their order
 * ```ts
 * import { OrderedRunner } from "./ordered_runner.ts";
 * import assert from "node:assert/strict";
 *
 * const runner = new OrderedRunner((error) => { throw error; });
 * const seen: number[] = [];
 * runner.push(async () => { await Promise.resolve(); seen.push(1); });
 * runner.push(() => { seen.push(2); });
 * await runner.idle();
 * assert.deepEqual(seen, [1, 2]);
 * ```
 */
export class OrderedRunner {
  #queue: Task[] = [];
  #head = 0;
  #busy = false;
  #onError: (error: unknown) => void;
  #idleWaiters: (() => void)[] = [];

  /**
   * Create an idle runner.
   *
   * @param onError Receives whatever a task throws or rejects with.
   */
  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  /** Whether a task is running, so a new one would wait. */
  get busy(): boolean {
    return this.#busy;
  }

  /** How many tasks wait behind a running async task. */
  get pending(): number {
    return this.#queue.length - this.#head;
  }

  /**
   * Run `task` now if nothing is running, otherwise after the tasks before it.
   *
   * @param task The work.
   */
  push(task: Task): void {
    if (this.#busy) {
      // Also covers a synchronous task that pushes: it runs after this one.
      this.#queue.push(task);
      return;
    }
    this.#busy = true;
    this.#run(task);
  }

  /**
   * Run `fn(a, b)` as a task: the same order as {@linkcode OrderedRunner.push},
   * without allocating a closure when nothing is running (the hot path of
   * delivering one event to one handler).
   *
   * @typeParam A The first argument's type.
   * @typeParam B The second argument's type.
   * @param fn The work.
   * @param a Its first argument.
   * @param b Its second argument.
   */
  call<A, B>(fn: (a: A, b: B) => void | Promise<void>, a: A, b: B): void {
    if (this.#busy) {
      this.#queue.push(() => fn(a, b));
      return;
    }
    this.#busy = true;
    // Tasks a synchronous call pushed run right after it, in order.
    if (!this.#runOne(fn, a, b)) this.#resume();
  }

  /**
   * Wait until every queued task has finished.
   *
   * @returns A promise that resolves when the runner is idle.
   */
  idle(): Promise<void> {
    if (!this.#busy) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #run(task: Task): void {
    for (let next: Task | undefined = task; next; next = this.#shift()) {
      if (this.#runOne(next, undefined, undefined)) return;
    }
    this.#settle();
  }

  /**
   * Run one task; `true` when it returned a promise, after which the runner
   * resumes by itself once the promise settles.
   */
  #runOne<A, B>(
    fn: (a: A, b: B) => void | Promise<void>,
    a: A,
    b: B,
  ): boolean {
    let result: void | Promise<void>;
    try {
      result = fn(a, b);
    } catch (error) {
      this.#report(error);
      return false;
    }
    if (result === undefined || typeof result.then !== "function") return false;
    result.then(
      () => this.#resume(),
      (error) => {
        this.#report(error);
        this.#resume();
      },
    );
    return true;
  }

  #resume(): void {
    const next = this.#shift();
    if (next) this.#run(next);
    else this.#settle();
  }

  #settle(): void {
    this.#busy = false;
    if (this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #shift(): Task | undefined {
    if (this.#head >= this.#queue.length) {
      if (this.#head > 0) {
        this.#queue = [];
        this.#head = 0;
      }
      return undefined;
    }
    const task = this.#queue[this.#head]!;
    this.#queue[this.#head++] = undefined as unknown as Task;
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return task;
  }

  #report(error: unknown): void {
    try {
      this.#onError(error);
    } catch {
      // The error sink itself failed; nothing sensible is left to do.
    }
  }
}
