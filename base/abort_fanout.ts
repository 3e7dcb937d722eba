/**
 * Listening to an `AbortSignal` that many callers share (an app's shutdown
 * signal passed to every call) with one event listener per signal, not one
 * per caller. The runtime's `EventTarget` looks through every listener of
 * a signal on each `addEventListener` and `removeEventListener` (a listener
 * added twice is added once), so a listener per queued REST call made
 * queueing N calls on one signal O(N²): 50,000 calls took 20.5 s, the event
 * loop blocked, against 0.9 s without the signal. Here each caller's
 * listener goes into a `Set` behind the signal's one listener: O(1) to add
 * and to remove, and the signal's listener is removed with the last one.
 *
 * @module
 */

/** The callers listening to one signal, behind its one listener. */
interface Fanout {
  /** One entry per {@linkcode onAbort} call, in the order they came. */
  entries: Set<{ listener: () => void }>;
  /** The signal's one listener. */
  dispatch: () => void;
}

/**
 * Each signal listened to, while anyone listens. Weak: a signal no one
 * holds any more goes, whatever was left registered on it.
 */
const fanouts = new WeakMap<AbortSignal, Fanout>();

/**
 * Call `listener` once when `signal` aborts, unless the returned function
 * is called first. Listeners run in the order they were added, as the
 * signal's own would; one that throws does not stop the others (its error
 * is thrown again from a microtask, as an event listener's is reported).
 * Nothing is called for a signal already aborted: check `signal.aborted`
 * first, as with `addEventListener`.
 *
 * @param signal The signal, shared or not.
 * @param listener What to run when it aborts.
 * @returns Stops listening; calling it again, or after the abort, does
 *   nothing. The last caller to stop removes the signal's listener.
 *
 * @example Usage
 * ```ts
 * import { onAbort } from "./abort_fanout.ts";
 * import assert from "node:assert/strict";
 *
 * const shutdown = new AbortController();
 * const heard: string[] = [];
 * onAbort(shutdown.signal, () => heard.push("a"));
 * const stopB = onAbort(shutdown.signal, () => heard.push("b"));
 * stopB();
 * shutdown.abort();
 * assert.deepEqual(heard, ["a"]);
 * ```
 */
export function onAbort(
  signal: AbortSignal,
  listener: () => void,
): () => void {
  let fanout = fanouts.get(signal);
  if (fanout === undefined) {
    const entries = new Set<{ listener: () => void }>();
    const dispatch = (): void => {
      if (fanouts.get(signal)?.entries === entries) fanouts.delete(signal);
      // Live, not a copy: a listener that stops another one (a settled
      // call's) keeps it from being called, as the signal's own removal
      // would.
      for (const entry of entries) {
        entries.delete(entry);
        try {
          entry.listener();
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    };
    fanout = { entries, dispatch };
    fanouts.set(signal, fanout);
    signal.addEventListener("abort", dispatch, { once: true });
  }
  const { entries, dispatch } = fanout;
  // An entry of its own: the same function added twice runs twice and
  // stops one at a time, unlike a Set of the functions.
  const entry = { listener };
  entries.add(entry);
  return (): void => {
    if (!entries.delete(entry) || entries.size > 0) return;
    if (fanouts.get(signal)?.entries === entries) fanouts.delete(signal);
    signal.removeEventListener("abort", dispatch);
  };
}

/**
 * How many {@linkcode onAbort} listeners wait on `signal` (for tests and
 * diagnostics: a settled caller's must be gone).
 *
 * @param signal The signal.
 * @returns The count; 0 when none (the signal then has no listener of
 *   this module's).
 *
 * @example Usage
 * ```ts
 * import { abortListenerCount, onAbort } from "./abort_fanout.ts";
 * import assert from "node:assert/strict";
 *
 * const signal = new AbortController().signal;
 * const stop = onAbort(signal, () => {});
 * assert.equal(abortListenerCount(signal), 1);
 * stop();
 * assert.equal(abortListenerCount(signal), 0);
 * ```
 */
export function abortListenerCount(signal: AbortSignal): number {
  return fanouts.get(signal)?.entries.size ?? 0;
}
