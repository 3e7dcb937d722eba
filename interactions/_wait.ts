// How a waiter (awaitMessage, awaitComponent) ends besides its match: its
// timeout, its signal, or the stop of the Client it listens to. One place,
// so that every way out clears the timer and removes every listener.
import { onAbort } from "../base/abort_fanout.ts";
import {
  assertSchedulerOption,
  assertSignalOption,
} from "../base/option_checks.ts";
import {
  realScheduler,
  type Scheduler,
  type TimerId,
} from "../base/scheduler.ts";
import { tieToClientRuns } from "../handler/_client_runs.ts";
import { assertWaitTimeout } from "./_options_check.ts";

/** What ends a wait besides its match. */
export interface WaitEnds {
  /** The wait, for the messages: `"message wait"`. */
  what: string;
  /** The timeout in ms, as given (checked here). */
  timeout: number;
  /**
   * The message of the `TimeoutError`, given the timeout once checked (a
   * Symbol in a caller's template threw before the check could name it).
   */
  timeoutMessage: (timeout: number) => string;
  /** The caller's signal. */
  signal: AbortSignal | undefined;
  /** The clock for the timeout, as given (checked here). */
  scheduler: Scheduler | undefined;
  /**
   * What the wait listens to (or a function giving it now): the stop of
   * the last running Client among them ends it.
   */
  sources: Iterable<unknown> | (() => Iterable<unknown>);
}

/** Settles a wait once; later calls are ignored. */
export interface WaitSettle<T> {
  /** Whether the wait has ended (a listener called late ignores it). */
  readonly done: boolean;
  /** End the wait with its match. */
  resolve(value: T): void;
  /** End the wait with an error (a filter's, say). */
  reject(error: unknown): void;
}

/**
 * Wait: `listen` registers what matches (it may settle at once, from inside
 * its own registration) and returns its removal. Rejects at once, before
 * `listen`, when an option is wrong, the signal is aborted or the Client is
 * not running; rejects with what `listen` throws, its timer and listeners
 * cleared.
 *
 * @param ends Timeout, signal and sources.
 * @param listen Registers the matcher; returns its removal.
 * @returns The match.
 */
export function waitFor<T>(
  ends: WaitEnds,
  listen: (settle: WaitSettle<T>) => () => void,
): Promise<T> {
  const { signal } = ends;
  const scheduler = ends.scheduler ?? realScheduler;
  // Ended by its Client's stop: marked handled first. A wait nobody awaited
  // (a test that failed first, a handler that moved on) rejected unhandled
  // at the stop, which ends a Deno process; an awaited one still hears it.
  let stopped = (error: unknown): void => void error;
  const waiting = new Promise<T>((resolve, reject) => {
    assertWaitTimeout(ends.what, ends.timeout);
    assertSchedulerOption(ends.what, ends.scheduler);
    // A falsy one (`0`, `null`) was read as none.
    assertSignalOption(`create ${ends.what}`, "signal", signal);
    if (signal?.aborted) return reject(signal.reason);
    let done = false;
    let untie = (): void => {};
    let unlisten = (): void => {};
    let off: (() => void) | undefined;
    const end = (): boolean => {
      if (done) return false;
      done = true;
      scheduler.clearTimeout(timer);
      unlisten();
      untie();
      off?.();
      return true;
    };
    const settle: WaitSettle<T> = {
      get done(): boolean {
        return done;
      },
      resolve: (value) => void (end() && resolve(value)),
      reject: (error) => void (end() && reject(error)),
    };
    const tie = tieToClientRuns(ends.sources, ends.what, (e) => stopped(e));
    if ("stopped" in tie) return reject(tie.stopped);
    untie = tie.untie;
    // After every early return: `end` runs only once it is set.
    const timer: TimerId = scheduler.setTimeout(
      () =>
        settle.reject(
          new DOMException(ends.timeoutMessage(ends.timeout), "TimeoutError"),
        ),
      ends.timeout,
    );
    // Through the fan-out: one listener on a signal many waits share (an
    // app's shutdown signal), not one each, which made N waits O(N²).
    if (signal) unlisten = onAbort(signal, () => settle.reject(signal.reason));
    let remove: () => void;
    try {
      remove = listen(settle);
    } catch (error) {
      // Nothing registered: without this the timer, the signal's listener
      // and the run's tie stayed to the timeout, holding the process.
      settle.reject(error);
      return;
    }
    if (done) remove();
    else off = remove;
    stopped = (error) => {
      if (settle.done) return;
      waiting.catch(() => {});
      settle.reject(error);
    };
  });
  return waiting;
}
