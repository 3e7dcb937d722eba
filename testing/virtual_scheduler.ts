/**
 * A {@linkcode Scheduler} whose clock moves only when a test says so.
 *
 * @module
 */
import {
  clampTimerDelay,
  type Scheduler,
  type TimerId,
} from "../base/scheduler.ts";
import { assertIntegerOption } from "../base/option_checks.ts";
import { checkOptionKeys, optionKeys } from "../base/option_keys.ts";

/**
 * The most {@linkcode VirtualSchedulerOptions.microtaskTurns}: every advance
 * yields that many turns around each timer, and `Infinity` never returned.
 */
const MAX_MICROTASK_TURNS = 1_000_000;
/**
 * Timers set at the instant they are due that one `advance` runs there
 * before it calls it a loop.
 */
const MAX_TIMERS_AT_ONE_INSTANT = 100_000;

/** Throw unless `value` is a finite number >= 0, naming it in the message. */
function assertTime(what: string, name: string, value: unknown): void {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) {
    return;
  }
  throw new RangeError(
    `Cannot ${what} as '${name}' must be a finite number >= 0: current value '${name}=${
      typeof value === "string" ? JSON.stringify(value) : String(value)
    }'`,
  );
}

interface PendingTimer {
  id: TimerId;
  due: number;
  /** The clock when it was set: `due` itself for a delay of 0. */
  setAt: number;
  order: number;
  callback: () => void;
}

/** Whether `a` runs before `b`: earlier due time, then earlier set. */
function before(a: PendingTimer, b: PendingTimer): boolean {
  return a.due < b.due || (a.due === b.due && a.order < b.order);
}

/** Options for {@linkcode VirtualScheduler}. */
export interface VirtualSchedulerOptions {
  /**
   * The clock's starting value in milliseconds: a finite number >= 0.
   *
   * @default {0}
   */
  start?: number;
  /**
   * How many microtask turns {@linkcode VirtualScheduler.flushMicrotasks}
   * yields for, so promise chains started by a timer settle before the next
   * timer runs: an integer from 0 to 1,000,000.
   *
   * This is a bound, not "until idle": a chain takes one turn per step
   * (each `await`, each `.then`), so one of more than about this many
   * successive steps is still pending when the next timer runs, and ends
   * after it (and after timers due later), where Deno, which empties the
   * microtask queue after every timer, would have ended it first. Raise it
   * for a test whose timers start deeper chains (the cost is that many
   * extra turns around every timer an advance runs). Work waiting on a
   * macrotask (real I/O, a real timer) is never waited for, whatever the
   * bound.
   *
   * @default {64}
   */
  microtaskTurns?: number;
}

/** Every key of {@linkcode VirtualSchedulerOptions}. */
const OPTION_KEYS = optionKeys(
  { start: true, microtaskTurns: true } satisfies Record<
    keyof VirtualSchedulerOptions,
    true
  >,
);

/**
 * A virtual clock with a queue of timers ordered by due time (insertion
 * order breaks ties). Nothing runs until {@linkcode VirtualScheduler.advance},
 * {@linkcode VirtualScheduler.runNext} or {@linkcode VirtualScheduler.runAll}
 * is called, so tests drive heartbeats, timeouts and backoff in microseconds
 * of real time and assert exact times.
 *
 * @example Drive a timer
 * ```ts
 * import { VirtualScheduler } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const clock = new VirtualScheduler();
 * const fired: number[] = [];
 * clock.setTimeout(() => fired.push(clock.now()), 1500);
 * await clock.advance(1000);
 * assert.deepEqual(fired, []);
 * await clock.advance(500);
 * assert.deepEqual(fired, [1500]);
 * assert.equal(clock.pending, 0);
 * ```
 */
export class VirtualScheduler implements Scheduler {
  #now: number;
  #nextId = 1;
  #order = 0;
  /** The pending timers, by handle. */
  #timers = new Map<TimerId, PendingTimer>();
  /**
   * The same timers as a binary min-heap in run order, plus cancelled ones
   * not yet sifted out (see #earliest): scanning every timer for each one
   * run made a test of 40,000 timers take 5.6 s.
   */
  #heap: PendingTimer[] = [];
  #microtaskTurns: number;

  /**
   * Create a clock at `options.start`.
   *
   * @param options Start time and microtask flushing.
   * @throws {TypeError} When `options` has a key that is not one of its
   * options (the message names the nearest one).
   * @throws {RangeError} When `start` is not a finite number >= 0 or
   * `microtaskTurns` not an integer from 0 to 1,000,000.
   */
  constructor(options: VirtualSchedulerOptions = {}) {
    // A misspelt `start` would leave the clock at 0 without a word.
    checkOptionKeys("create VirtualScheduler", "", options, OPTION_KEYS);
    const start = options.start ?? 0;
    const turns = options.microtaskTurns ?? 64;
    assertTime("create VirtualScheduler", "start", start);
    assertIntegerOption(
      "VirtualScheduler",
      "microtaskTurns",
      turns,
      0,
      MAX_MICROTASK_TURNS,
    );
    this.#now = start;
    this.#microtaskTurns = turns;
  }

  /** The virtual time in milliseconds. */
  now(): number {
    return this.#now;
  }

  /**
   * Queue `callback` for `now() + delay`, the delay taken as the real
   * scheduler takes it (`clampTimerDelay`): negative and `NaN` count as 0,
   * anything above 2^31 − 1 ms (`Infinity` too) as 2^31 − 1.
   *
   * @param callback What to run.
   * @param delay Milliseconds.
   * @returns The timer's handle.
   */
  setTimeout(callback: () => void, delay: number): TimerId {
    const id = this.#nextId++;
    const timer = {
      id,
      due: this.#now + clampTimerDelay(delay),
      setAt: this.#now,
      order: this.#order++,
      callback,
    };
    this.#timers.set(id, timer);
    this.#push(timer);
    return id;
  }

  /**
   * Cancel a pending timer.
   *
   * @param id The handle from {@linkcode VirtualScheduler.setTimeout}.
   */
  clearTimeout(id: TimerId): void {
    this.#timers.delete(id);
    // Cancelled timers stay in the heap until they reach its top; a test
    // that sets and clears far-off timers over and over would grow it, so
    // it is rebuilt from the pending ones once they are under half of it.
    if (this.#heap.length > 64 && this.#heap.length > 2 * this.#timers.size) {
      this.#heap = [];
      for (const timer of this.#timers.values()) this.#push(timer);
    }
  }

  /** How many timers are pending. */
  get pending(): number {
    return this.#timers.size;
  }

  /** The due time of the earliest pending timer, or `undefined`. */
  get nextDue(): number | undefined {
    return this.#earliest()?.due;
  }

  /**
   * Let pending promise callbacks run, without moving the clock: exactly
   * {@linkcode VirtualSchedulerOptions.microtaskTurns} turns of the
   * microtask queue (64 by default), not until it is empty (an always-busy
   * chain would never let it return, and a real macrotask per flush would
   * make every timer cost a trip through the event loop). A promise chain
   * of more than about that many successive steps (`await`s, `.then`s)
   * is still pending when it resolves; raise `microtaskTurns` for one.
   *
   * @returns A promise that resolves after the configured microtask turns.
   */
  async flushMicrotasks(): Promise<void> {
    for (let i = 0; i < this.#microtaskTurns; i++) await Promise.resolve();
  }

  /**
   * Move the clock forward by `ms`, running every timer that falls due on the
   * way, in order, with microtasks flushed before and after each
   * ({@linkcode VirtualScheduler.flushMicrotasks}: a bounded number of
   * turns, {@linkcode VirtualSchedulerOptions.microtaskTurns}, 64 by
   * default). A timer's promise chain longer than that bound (more than
   * about 64 successive `await`s by default) has not ended when the next
   * timer runs, so it ends after timers it would precede on Deno: raise
   * `microtaskTurns` for such a test.
   *
   * Advances may overlap (one started by a timer, or two not awaited): each
   * runs the timers due by its target or by the clock, whichever is later,
   * and the clock never goes back, so one that ends sooner leaves it where
   * it is. Overlapping, they take turns firing timers, so a timer's promise
   * chain may end after later timers, even within the microtask bound:
   * await each advance where that order matters.
   *
   * @param ms Milliseconds to move forward: a finite number (`0`, or a
   * negative one as timers take it, runs the timers due now).
   * @returns A promise that resolves when the clock reached its target.
   * @throws {RangeError} When `ms` is not a finite number (a repeating
   * timer never let `Infinity` return, and `NaN` made `now()` NaN), or
   * when 100,000 timers set at one instant ran there (a timer setting
   * itself again with delay 0 would hang the test). A timer callback that
   * throws rejects it with that error, the clock left at that timer's time
   * and the later timers not run (as an uncaught error fails a test).
   */
  async advance(ms: number): Promise<void> {
    if (typeof ms !== "number" || !Number.isFinite(ms)) {
      throw new RangeError(
        `Cannot advance VirtualScheduler as 'ms' must be a finite number: current value 'ms=${
          typeof ms === "string" ? JSON.stringify(ms) : String(ms)
        }'`,
      );
    }
    const target = this.#now + Math.max(0, ms);
    await this.flushMicrotasks();
    let instant = this.#now;
    let setThere = 0;
    for (;;) {
      const next = this.#earliest();
      // Another advance may have moved the clock past `target` meanwhile:
      // the timers due by then are due now too.
      if (!next || next.due > Math.max(target, this.#now)) break;
      // A timer that sets itself again with delay 0 never lets the clock
      // move, and this loop yields to no real task: the test would hang
      // without a word (a real runtime clamps nested timers to 4 ms). Only
      // timers set at the instant they are due count: any number set
      // earlier for one instant (a timeout per request) may run there.
      if (next.due !== instant) {
        instant = next.due;
        setThere = 0;
      }
      if (
        next.setAt === instant && ++setThere > MAX_TIMERS_AT_ONE_INSTANT
      ) {
        throw new RangeError(
          `Cannot advance VirtualScheduler: ${MAX_TIMERS_AT_ONE_INSTANT} timers set at t=${instant} ran there without the clock moving (a timer that sets itself again with delay 0, a poll loop?); give it a delay above 0`,
        );
      }
      this.#fire(next);
      await this.flushMicrotasks();
    }
    if (target > this.#now) this.#now = target;
    await this.flushMicrotasks();
  }

  /**
   * Jump to the earliest pending timer and run it, with microtasks flushed
   * before and after it as {@linkcode VirtualScheduler.advance} does (the
   * same bound).
   *
   * @returns `false` when no timer was pending.
   */
  async runNext(): Promise<boolean> {
    await this.flushMicrotasks();
    const next = this.#earliest();
    if (!next) return false;
    this.#fire(next);
    await this.flushMicrotasks();
    return true;
  }

  /**
   * Run timers until none is pending.
   *
   * @param limit How many timers to run at the most, since a periodic timer
   * (a heartbeat) never lets the queue empty.
   * @returns How many timers ran.
   */
  async runAll(limit = 10_000): Promise<number> {
    let ran = 0;
    while (ran < limit && await this.runNext()) ran++;
    return ran;
  }

  #earliest(): PendingTimer | undefined {
    for (;;) {
      const top = this.#heap[0];
      if (top === undefined || this.#timers.get(top.id) === top) return top;
      this.#pop();
    }
  }

  #push(timer: PendingTimer): void {
    const heap = this.#heap;
    let i = heap.push(timer) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(timer, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = timer;
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= heap.length) break;
      if (child + 1 < heap.length && before(heap[child + 1]!, heap[child]!)) {
        child++;
      }
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }

  /** Run `timer`, the heap's top (from #earliest, with nothing run since). */
  #fire(timer: PendingTimer): void {
    this.#pop();
    this.#timers.delete(timer.id);
    if (timer.due > this.#now) this.#now = timer.due;
    timer.callback();
  }
}
