/**
 * Runs callbacks one after another, awaiting the ones that return promises,
 * without paying for a promise when a callback is synchronous.
 *
 * @module
 */
import { Fifo } from "../base/fifo.ts";
import type { Scheduler, TimerId } from "../base/scheduler.ts";

/** A unit of work; may be async. */
export type Task = () => void | Promise<void>;

/** Options for {@linkcode OrderedRunner}. */
export interface OrderedRunnerOptions {
  /**
   * Tasks waiting at which `onBacklog` is first called; it is called again
   * each time the backlog doubles (1,000, 2,000, 4,000, ...), and the count
   * starts over once the runner is idle. With a `scheduler`, a backlog that
   * fills again within {@linkcode BACKLOG_REPEAT_MS} of the last call is
   * told only past the size already told: a healthy async handler under a
   * burst of events fills and drains its backlog over and over, and would
   * otherwise repeat the same warning at each burst.
   *
   * @default {1000}
   */
  backlogWarning?: number;
  /**
   * Told how many tasks wait, at each threshold: a task that does not
   * finish (an `await` that never settles) holds everything behind it.
   */
  onBacklog?: (pending: number) => void;
  /**
   * The clock that times a running task for `onStuck` and spaces the
   * `onBacklog` calls; without it (or without `onStuck`) no task is timed
   * and no timer is set.
   */
  scheduler?: Scheduler;
  /**
   * Told, once per task, that the running task has not finished after
   * {@linkcode STUCK_TASK_MS} while tasks or an {@linkcode OrderedRunner.idle}
   * caller wait behind it (said when the first one comes, if none waited
   * then): on a quiet runner the backlog alone would not say so for a long
   * time, and an `await client.idle()` hung without a word. A timer runs
   * only while a task that returned a promise runs, none while the runner
   * is idle or after {@linkcode OrderedRunner.abandon}.
   *
   * @param pending The tasks waiting (may be 0 when only `idle()` waits).
   * @param ms How long the task has run.
   * @param idleWaiting Whether an `idle()` caller waits for it.
   */
  onStuck?: (pending: number, ms: number, idleWaiting: boolean) => void;
}

/** Default {@linkcode OrderedRunnerOptions.backlogWarning}. */
export const DEFAULT_BACKLOG_WARNING = 1000;

/**
 * How long, in ms, after an {@linkcode OrderedRunnerOptions.onBacklog} call
 * a backlog that fills again is told only past the size already told: a
 * minute, so a burst that recurs says so once, and a handler stuck later is
 * told from the first threshold again (and by `onStuck` in any case).
 */
export const BACKLOG_REPEAT_MS = 60_000;

/**
 * How long a task may run, in ms, with tasks waiting behind it, before
 * {@linkcode OrderedRunnerOptions.onStuck} is told: 30 s, far longer than
 * a handler that does its work takes (an interaction must be answered
 * within 3 s), and said while Discord still keeps the session of a shard
 * the backlog paused (about 90 s).
 */
export const STUCK_TASK_MS = 30_000;

/** An {@linkcode OrderedRunner.idle} caller: released once `target` tasks finished. */
interface IdleWaiter {
  readonly target: number;
  readonly resolve: () => void;
}

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
  #queue = new Fifo<Task>();
  #busy = false;
  /** Queued tasks that are bookkeeping, not counted in `pending`. */
  #uncounted = 0;
  #onError: (error: unknown) => void;
  /** Tasks handed to the runner so far, bookkeeping included. */
  #pushed = 0;
  /** Tasks finished so far (run, or dropped by abandon()). */
  #finished = 0;
  /** In the order of their targets, which only grow. */
  #idleWaiters: IdleWaiter[] = [];
  readonly #backlogWarning: number;
  readonly #onBacklog: ((pending: number) => void) | undefined;
  /** The backlog at which `onBacklog` is called next. */
  #nextBacklogWarning: number;
  /** The threshold in force when the runner last went idle. */
  #toldBacklogWarning = 0;
  /** When `onBacklog` was last called; -Infinity before. */
  #lastBacklogAt = -Infinity;
  /** Times a running task for `onStuck` and spaces the `onBacklog` calls. */
  readonly #scheduler: Scheduler | undefined;
  readonly #onStuck:
    | ((pending: number, ms: number, idleWaiting: boolean) => void)
    | undefined;
  /** When the task running now (one that returned a promise) started. */
  #runningSince = 0;
  /** The running task passed {@linkcode STUCK_TASK_MS}. */
  #overdue = false;
  /** `onStuck` was told about the running task (or must not be). */
  #stuckSaid = false;
  /** At most one, and only while a task that returned a promise runs. */
  #stuckTimer: TimerId | undefined;

  /**
   * Create an idle runner.
   *
   * @param onError Receives whatever a task throws or rejects with.
   * @param options When and how to report a growing backlog.
   * @throws {RangeError} When `backlogWarning` is not a positive integer.
   */
  constructor(
    onError: (error: unknown) => void,
    options: OrderedRunnerOptions = {},
  ) {
    const warning = options.backlogWarning ?? DEFAULT_BACKLOG_WARNING;
    if (!Number.isSafeInteger(warning) || warning <= 0) {
      throw new RangeError(
        `Cannot create runner as 'backlogWarning' must be a positive integer: current value 'backlogWarning=${warning}'`,
      );
    }
    this.#onError = onError;
    this.#backlogWarning = warning;
    this.#nextBacklogWarning = warning;
    this.#onBacklog = options.onBacklog;
    this.#scheduler = options.scheduler;
    if (options.onStuck !== undefined && options.scheduler !== undefined) {
      this.#onStuck = options.onStuck;
    }
  }

  /** Whether a task is running, so a new one would wait. */
  get busy(): boolean {
    return this.#busy;
  }

  /** How many tasks wait behind a running async task. */
  get pending(): number {
    return this.#queue.length - this.#uncounted;
  }

  /**
   * How many tasks were handed to the runner so far, bookkeeping included:
   * the place in the order the next one takes (the first is 0).
   */
  get handed(): number {
    return this.#pushed;
  }

  /**
   * How many tasks have started so far (run, running, or dropped by
   * {@linkcode OrderedRunner.abandon}), bookkeeping included: the task
   * handed at place `n` has started when `n < started`.
   */
  get started(): number {
    return this.#finished + (this.#busy ? 1 : 0);
  }

  /**
   * Run `task` now if nothing is running, otherwise after the tasks before it.
   *
   * @param task The work.
   */
  push(task: Task): void {
    if (this.#busy) {
      // Also covers a synchronous task that pushes: it runs after this one.
      this.#enqueue(task);
      return;
    }
    this.#busy = true;
    this.#pushed++;
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
      this.#enqueue(() => fn(a, b));
      return;
    }
    this.#busy = true;
    this.#pushed++;
    // Tasks a synchronous call pushed run right after it, in order.
    if (!this.#runOne(fn, a, b)) {
      this.#finish();
      this.#resume();
    }
  }

  /**
   * Run `fn(a, b)` after every task queued so far, as bookkeeping: not
   * counted in {@linkcode OrderedRunner.pending} nor in the backlog
   * warnings, which count handler calls.
   *
   * @typeParam A The first argument's type.
   * @typeParam B The second argument's type.
   * @param fn The work; synchronous.
   * @param a Its first argument.
   * @param b Its second argument.
   */
  callUncounted<A, B>(fn: (a: A, b: B) => void, a: A, b: B): void {
    if (!this.#busy) {
      this.call(fn, a, b);
      return;
    }
    this.#uncounted++;
    this.#pushed++;
    this.#queue.push(() => {
      this.#uncounted--;
      fn(a, b);
    });
  }

  /**
   * Wait until every task queued so far has finished; tasks queued later
   * are not waited for, so a runner that is never empty (steady traffic)
   * still answers.
   *
   * @returns A promise that resolves when the tasks queued before the call
   * have finished (or were dropped by {@linkcode OrderedRunner.abandon}).
   */
  idle(): Promise<void> {
    if (!this.#busy) return Promise.resolve();
    const target = this.#pushed;
    const waiting = new Promise<void>((resolve) =>
      this.#idleWaiters.push({ target, resolve })
    );
    // A waiter counts as one behind the running task: said now if that
    // task is already overdue.
    if (this.#overdue) this.#sayStuck();
    return waiting;
  }

  /**
   * Drop every task still waiting (the running one cannot be stopped) and
   * say how many there were: for a shutdown that will not wait any longer.
   * Waiters of {@linkcode OrderedRunner.idle} are released.
   *
   * @returns How many tasks were dropped without running.
   */
  abandon(): number {
    const dropped = this.pending;
    this.#finished += this.#queue.length;
    this.#queue.clear();
    this.#uncounted = 0;
    // Nothing waits behind the running task now: no word, and no timer.
    this.#stuckSaid = true;
    this.#stopStuckTimer();
    if (this.#busy) {
      // Whatever runs now may still finish; nothing follows it.
      this.#settleWaiters();
    }
    return dropped;
  }

  #enqueue(task: Task): void {
    this.#queue.push(task);
    this.#pushed++;
    if (this.#overdue) this.#sayStuck();
    if (this.#onBacklog === undefined) return;
    const pending = this.pending;
    if (pending < this.#nextBacklogWarning) return;
    if (this.#scheduler !== undefined) {
      const now = this.#scheduler.now();
      if (
        pending < this.#toldBacklogWarning &&
        now - this.#lastBacklogAt < BACKLOG_REPEAT_MS
      ) {
        // Said a moment ago, and no larger now: the same burst again.
        this.#nextBacklogWarning = this.#toldBacklogWarning;
        return;
      }
      this.#lastBacklogAt = now;
    }
    this.#nextBacklogWarning = pending * 2;
    try {
      this.#onBacklog(pending);
    } catch (error) {
      this.#report(error);
    }
  }

  #run(task: Task): void {
    for (let next: Task | undefined = task; next; next = this.#queue.shift()) {
      if (this.#runOne(next, undefined, undefined)) return;
      this.#finish();
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
    // Checked loosely: a JavaScript caller may hand back null, or a
    // thenable whose then() throws; the runner must not stop for either.
    if (result == null || typeof result.then !== "function") return false;
    try {
      result.then(
        () => {
          this.#finish();
          this.#resume();
        },
        (error) => {
          this.#report(error);
          this.#finish();
          this.#resume();
        },
      );
    } catch (error) {
      this.#report(error);
      return false;
    }
    if (this.#onStuck !== undefined) this.#watch();
    return true;
  }

  /** A task finished: release the idle() callers it was the last for. */
  #finish(): void {
    this.#finished++;
    if (this.#idleWaiters.length === 0) return;
    let released = 0;
    while (
      released < this.#idleWaiters.length &&
      this.#idleWaiters[released]!.target <= this.#finished
    ) {
      released++;
    }
    if (released === 0) return;
    for (const waiter of this.#idleWaiters.splice(0, released)) {
      waiter.resolve();
    }
  }

  /** A task returned a promise: time it, with one timer at most. */
  #watch(): void {
    this.#runningSince = this.#scheduler!.now();
    this.#overdue = false;
    this.#stuckSaid = false;
    if (this.#stuckTimer === undefined) this.#armStuckTimer(STUCK_TASK_MS);
  }

  #armStuckTimer(ms: number): void {
    this.#stuckTimer = this.#scheduler!.setTimeout(() => {
      this.#stuckTimer = undefined;
      if (!this.#busy || this.#stuckSaid) return;
      // The task timed first may have finished: time the one running now.
      const ran = this.#scheduler!.now() - this.#runningSince;
      if (ran < STUCK_TASK_MS) {
        this.#armStuckTimer(STUCK_TASK_MS - ran);
        return;
      }
      this.#overdue = true;
      this.#sayStuck();
    }, ms);
  }

  /**
   * Tell `onStuck`, once for the running task, if tasks or an idle()
   * caller wait behind it.
   */
  #sayStuck(): void {
    const idleWaiting = this.#idleWaiters.length > 0;
    if (this.#stuckSaid || (this.pending === 0 && !idleWaiting)) return;
    this.#stuckSaid = true;
    try {
      this.#onStuck!(
        this.pending,
        this.#scheduler!.now() - this.#runningSince,
        idleWaiting,
      );
    } catch (error) {
      this.#report(error);
    }
  }

  #stopStuckTimer(): void {
    this.#overdue = false;
    if (this.#stuckTimer === undefined) return;
    this.#scheduler!.clearTimeout(this.#stuckTimer);
    this.#stuckTimer = undefined;
  }

  #resume(): void {
    const next = this.#queue.shift();
    if (next) this.#run(next);
    else this.#settle();
  }

  #settle(): void {
    this.#busy = false;
    if (this.#nextBacklogWarning > this.#backlogWarning) {
      this.#toldBacklogWarning = this.#nextBacklogWarning;
    }
    this.#nextBacklogWarning = this.#backlogWarning;
    if (this.#onStuck !== undefined) this.#stopStuckTimer();
    this.#settleWaiters();
  }

  #settleWaiters(): void {
    if (this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  #report(error: unknown): void {
    try {
      this.#onError(error);
    } catch {
      // The error sink itself failed; nothing sensible is left to do.
    }
  }
}
