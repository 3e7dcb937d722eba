/**
 * Calling a bot author's listener where nothing may escape: the shard's,
 * the shard manager's and the fleet's event listeners. A `try` around the
 * call catches only a synchronous throw; an `async` listener (natural to
 * write, and accepted by a `=> void` type) hands back a promise whose
 * rejection was left unhandled, and Deno ends the process on it.
 *
 * @module
 */

/**
 * Call `listener` with `value`; what it throws, or what the promise (any
 * thenable) it returns rejects with, goes to `failed`, never further.
 *
 * @param listener The listener.
 * @param value What it is called with.
 * @param failed Told of the failure (it must not throw itself).
 * @returns The promise its returned thenable was taken as (the one whose
 *   rejection goes to `failed`: a thenable's `then` is called once), for a
 *   caller that waits for it to settle; `undefined` when it returned
 *   anything else or threw.
 *
 * @example
 * ```ts
 * import { callListener } from "./listener_call.ts";
 * import assert from "node:assert/strict";
 *
 * const failures: unknown[] = [];
 * callListener(async () => { throw new Error("bug"); }, 1, (e) => failures.push(e));
 * await Promise.resolve();
 * await Promise.resolve();
 * assert.equal((failures[0] as Error).message, "bug");
 * ```
 */
export function callListener<T>(
  listener: (value: T) => unknown,
  value: T,
  failed: (error: unknown) => void,
): Promise<unknown> | undefined {
  try {
    const result = listener(value) as { then?: unknown } | null | undefined;
    if (result != null && typeof result.then === "function") {
      const promise = Promise.resolve(result);
      promise.catch(failed);
      return promise;
    }
  } catch (error) {
    failed(error);
  }
  return undefined;
}
