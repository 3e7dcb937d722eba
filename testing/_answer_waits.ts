/**
 * FakeDiscord's waits for the bot's answers (`say()`, `runCommand()`,
 * `click()` and the others): each with its timer, all cancelled when the
 * fake closes. Internal. FakeGateway's `nextEvent()` promises are handed
 * out through it too (`handOut`, `cancelAll`), for the same reason.
 *
 * A wait the fake's close cancels rejects, so a test still awaiting it
 * hears why; but one a failed test never awaited (its assertion threw
 * first) must not reject unhandled when `await using` closes the fake:
 * Deno reports that as an uncaught error of the whole file, which hides
 * the test's own error and cancels every later test. So every promise
 * handed to the test is marked handled just before the close rejects it.
 *
 * A wait settles a turn after its answer came (of the fake's clock or
 * the event loop, whichever is first): the fake sees the answer while it
 * serves the bot's REST call, and the bot must get the response and move
 * on, to a wait for the test's next action, say, before the test acts.
 *
 * A wait or an action started after the close is refused at once (see
 * {@linkcode closedError}), arming no timer: waited out, it failed only
 * after its whole timeout (never, on a virtual clock nobody advances),
 * blaming a bot that did not answer.
 *
 * @module
 */
import {
  realScheduler,
  type Scheduler,
  type TimerId,
} from "../base/scheduler.ts";

/** When a wait gives up: after `ms`, rejecting with `message`. */
export interface WaitDeadline {
  ms: number;
  message: string;
}

/**
 * The error for what a test asks of a fake Discord after its close.
 *
 * @param doing What was asked ("say a message", "wait for a bot message").
 * @returns The error, an `Error` as the close's own.
 */
export function closedError(doing: string): Error {
  return new Error(`The fake Discord closed: cannot ${doing} after close()`);
}

/** The pending waits of one fake Discord. */
export class AnswerWaits {
  readonly #scheduler: Scheduler;
  /** The error a matched value stands for (a failed delivery), if any. */
  readonly #failureOf: (value: unknown) => { error: unknown } | undefined;
  /** Cancels each pending wait, so `cancelAll()` can stop its timer. */
  readonly #pending = new Set<() => void>();
  /** Promises handed to the test and not yet settled. */
  readonly #handedOut = new Set<Promise<unknown>>();
  /** Set by close(): waits and actions are refused from then on. */
  #closed = false;

  /**
   * @param scheduler The fake's timers.
   * @param failureOf The error a matched value stands for, if any.
   */
  constructor(
    scheduler: Scheduler,
    failureOf: (value: unknown) => { error: unknown } | undefined,
  ) {
    this.#scheduler = scheduler;
    this.#failureOf = failureOf;
  }

  /**
   * Wait for a value `matches` accepts, fed through `waiters`.
   *
   * @param waiters Where the fake offers each value.
   * @param matches Which value ends the wait.
   * @param what What is awaited, for the close's error.
   * @param deadline When to give up.
   * @returns The value, a turn after it came (see the note in the
   *   body); rejects at the deadline or the close, at once after it.
   */
  wait<T>(
    waiters: Set<(value: T) => boolean>,
    matches: (value: T) => boolean,
    what: string,
    deadline: WaitDeadline,
  ): Promise<T> {
    if (this.#closed) return Promise.reject(closedError(`wait for ${what}`));
    return this.handOut(
      new Promise<T>((resolve, reject) => {
        const finish = (): void => {
          this.#scheduler.clearTimeout(timer);
          waiters.delete(waiter);
          this.#pending.delete(cancel);
        };
        const waiter = (value: T): boolean => {
          if (!matches(value)) return false;
          finish();
          // Read now: the fake drops a failure once its waiters were told.
          const failure = this.#failureOf(value);
          const settle = (): void => {
            for (const [clock, id] of turns) clock.clearTimeout(id);
            this.#pending.delete(settle);
            if (failure) reject(failure.error);
            else resolve(value);
          };
          // Settled a turn later, not here: the fake offers the answer while
          // it serves the bot's REST call, before the response is back in
          // the bot and its handler got past its `await` (to an
          // awaitMessage, say), and a test acting at once acted before it.
          // A turn of the fake's clock or of the event loop, whichever comes
          // first: a test on a VirtualScheduler may await the answer without
          // advancing it. Closing settles it at once (see cancelAll).
          const turns = [...new Set([this.#scheduler, realScheduler])].map(
            (clock) => [clock, clock.setTimeout(settle, 0)] as const,
          );
          this.#pending.add(settle);
          return true;
        };
        const cancel = (): void => {
          finish();
          reject(
            new Error(`The fake Discord closed while waiting for ${what}`),
          );
        };
        const timer: TimerId = this.#scheduler.setTimeout(() => {
          finish();
          reject(new Error(deadline.message));
        }, deadline.ms);
        waiters.add(waiter);
        this.#pending.add(cancel);
      }),
    );
  }

  /**
   * Hand `promise` to the test: marked handled if the fake closes before it
   * settles (see the module's note), left as it is otherwise, so a timeout
   * or a refusal nobody awaited is still reported.
   *
   * @param promise What a public method returns.
   * @returns A promise settling as `promise` does.
   */
  handOut<T>(promise: Promise<T>): Promise<T> {
    // Another promise: handlers on `promise` itself would mark every
    // rejection handled, and a timeout nobody awaited pass unseen.
    const { promise: handed, resolve, reject } = Promise.withResolvers<T>();
    this.#handedOut.add(handed);
    promise.then((value) => {
      this.#handedOut.delete(handed);
      resolve(value);
    }, (error) => {
      this.#handedOut.delete(handed);
      reject(error);
    });
    return handed;
  }

  /**
   * Run a simulated user's action, its promise handed out (see
   * {@linkcode AnswerWaits.handOut}); after the close, refuse it unrun.
   *
   * @param doing The action, for the refusal ("run a command").
   * @param action The action, async so a refusal rejects.
   * @returns Its promise.
   */
  run<T>(doing: string, action: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(closedError(doing));
    return this.handOut(action());
  }

  /**
   * Throw the close's refusal, once closed (for an action that throws).
   *
   * @param doing The action, for the refusal ("post a message").
   */
  assertOpen(doing: string): void {
    if (this.#closed) throw closedError(doing);
  }

  /** The fake is closing: refuse every wait and action from now on. */
  close(): void {
    this.#closed = true;
  }

  /**
   * The fake closed: reject every pending wait, marked handled first; one
   * whose answer came already settles with it now.
   */
  cancelAll(): void {
    for (const promise of this.#handedOut) promise.catch(() => {});
    for (const cancel of [...this.#pending]) cancel();
  }
}
