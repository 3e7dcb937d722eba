// Which work run beside a shard's later events (a route handler of an
// attached router) the code running now belongs to: the Client runs each
// such work in a scope of its own, so that a stop() it calls leaves that
// work out of its drain. A `/shutdown` route awaiting `client.stop()` waited
// for itself until `drainTimeout` (10 s and two warnings); a Handler method
// awaiting it still does (the calls behind it cannot run meanwhile), as its
// docs say. `AsyncLocalStorage` follows the work through its awaits; Deno
// provides it.
import { AsyncLocalStorage } from "node:async_hooks";

/** The token of the work whose run the current code is in. */
const scope = new AsyncLocalStorage<object>();

/**
 * Run `work` in the scope of `token`: what it calls, awaits included, sees
 * `token` as {@linkcode currentBeside}.
 *
 * @param token What identifies the work (one per work).
 * @param work Starts the work.
 * @returns What `work` returns.
 */
export function runBeside<T>(token: object, work: () => T): T {
  return scope.run(token, work);
}

/**
 * The token of the work run beside (see {@linkcode runBeside}) the current
 * code belongs to, if any.
 */
export function currentBeside(): object | undefined {
  return scope.getStore();
}
