// Which run of a Client a waiter (awaitMessage, awaitComponent) belongs to.
// A waiter left pending by stop() kept a timer and listeners alive: the
// process exited only at its timeout (up to 2^31 ms), and after a new
// start() of the same Client it took an event of the next run. The Client
// registers here what its waiters need, so they end with its run without a
// public API on the Client; the waiters, in interactions/, ask here. Its
// clock too: a wait (or a router's deadline) on a Client that runs on a
// test's virtual clock times out on that clock, not the real one.
import { onAbort } from "../base/abort_fanout.ts";
import type { Scheduler } from "../base/scheduler.ts";
import { ClientStoppedError } from "./client_stopped_error.ts";

/** What a Client tells the waiters registered through it. */
export interface ClientRuns {
  /**
   * The current run's signal, aborted as its stop (or a failed start's
   * clean-up) begins; undefined while the client does not run.
   */
  current(): AbortSignal | undefined;
  /** The client's `signal` option: its reason is the error's cause. */
  readonly signal: AbortSignal | undefined;
  /** The client's `scheduler` option. */
  readonly scheduler?: Scheduler | undefined;
}

/** Weak: a Client dropped by its bot is not kept for its waiters. */
const registry = new WeakMap<object, ClientRuns>();

/** Register a Client (called once, by its constructor). */
export function registerClientRuns(client: object, runs: ClientRuns): void {
  registry.set(client, runs);
}

/**
 * The clock of a source: a Client's `scheduler` option.
 *
 * @param source A Client, or another source (a test's stub).
 * @returns The Client's scheduler; undefined for a Client without one and
 * for any other source.
 */
export function schedulerOf(source: unknown): Scheduler | undefined {
  return typeof source === "object" && source !== null
    ? registry.get(source)?.scheduler
    : undefined;
}

/**
 * How a waiter is tied to the runs of its Clients: `stopped` when none of
 * them runs (the waiter rejects with it at once), else `untie` to call when
 * the wait ends otherwise.
 */
export type RunTie = { stopped: ClientStoppedError } | { untie: () => void };

/**
 * Tie a waiter to the runs of the Clients among `sources` (other sources,
 * a test's stub say, do not end it): `onStop` gets a
 * {@linkcode ClientStoppedError} once none of them runs. A waiter needs one
 * of them running: after a stop, nothing it listens to delivers, and it
 * would hold its timer until the timeout. `sources` may be a function,
 * asked again at each stop: a router's attached Clients change, and one
 * started since keeps the wait alive.
 *
 * @param sources What the waiter listens to (a Client, or a router's
 *   attached sources), or a function giving them now.
 * @param what The wait, for the message: `"message wait"`.
 * @param onStop Ends the wait.
 * @returns The tie.
 */
export function tieToClientRuns(
  sources: Iterable<unknown> | (() => Iterable<unknown>),
  what: string,
  onStop: (error: ClientStoppedError) => void,
): RunTie {
  const clientsNow = (): ClientRuns[] => {
    const clients: ClientRuns[] = [];
    const list = typeof sources === "function" ? sources() : sources;
    for (const source of list) {
      const runs = typeof source === "object" && source !== null
        ? registry.get(source)
        : undefined;
      if (runs !== undefined) clients.push(runs);
    }
    return clients;
  };
  const runningAmong = (clients: ClientRuns[]): AbortSignal[] =>
    clients.map((runs) => runs.current()).filter(
      (signal): signal is AbortSignal =>
        signal !== undefined && !signal.aborted,
    );
  const clients = clientsNow();
  if (clients.length === 0) return { untie: () => {} };
  if (runningAmong(clients).length === 0) {
    return {
      stopped: stoppedError(
        `Cannot start the ${what} as the client is not running (a waiter belongs to a run, from start() until stop())`,
        clients[0]!,
      ),
    };
  }
  let offs: (() => void)[] = [];
  const untie = (): void => {
    for (const off of offs) off();
    offs = [];
  };
  // Listens to the stop of every run going on now; at each, looks again.
  const tie = (): void => {
    untie();
    const now = clientsNow();
    // No Client among the sources any more (detached, or an HTTP endpoint
    // serves the router since): nothing of theirs ends the wait.
    if (now.length === 0) return;
    const running = runningAmong(now);
    if (running.length === 0) {
      onStop(
        stoppedError(
          `The ${what} ended as the client stopped`,
          now[0] ?? clients[0]!,
        ),
      );
      return;
    }
    // One listener per run, whatever the number of waits: the runtime's
    // EventTarget scans every listener of a signal on each add and remove,
    // so a listener per wait made N waits O(N²) to start and to stop
    // (20,000 took 4.3 s, and the stop froze the event loop 6.7 s).
    offs = running.map((signal) => onAbort(signal, tie));
  };
  tie();
  return { untie };
}

/** The error of a wait its client's stop ended, or refused. */
function stoppedError(message: string, runs: ClientRuns): ClientStoppedError {
  const signal = runs.signal;
  const error = new ClientStoppedError(
    signal?.aborted ? { cause: signal.reason } : {},
  );
  // Its own message says a start was cancelled; this is a wait.
  error.message = message;
  return error;
}
