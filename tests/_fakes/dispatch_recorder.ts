// Loopback shard tests record what a real Shard delivers and wait, with the
// watchdog, until a condition on it holds: checked on every dispatch, never
// by polling or sleeping.
import type { Shard, ShardDispatch } from "../../gateway/shard.ts";
import type { GatewayError } from "../../gateway/errors.ts";
import { within } from "./watchdog.ts";

/** What a shard delivered, and a way to wait for more. */
export interface DispatchRecorder {
  dispatches: ShardDispatch[];
  errors: GatewayError[];
  /** Resolve once `match()` holds (re-checked on each dispatch). */
  until(match: () => boolean, what: string): Promise<void>;
}

/**
 * Record every dispatch and error of `shard`.
 *
 * @param shard The shard to listen to.
 * @returns The records and the wait.
 */
export function recordDispatches(shard: Shard): DispatchRecorder {
  const dispatches: ShardDispatch[] = [];
  const errors: GatewayError[] = [];
  const waiters: { match: () => boolean; done: () => void }[] = [];
  shard.on("dispatch", (event) => {
    dispatches.push(event);
    for (const waiter of waiters.splice(0)) {
      if (waiter.match()) waiter.done();
      else waiters.push(waiter);
    }
  });
  shard.on("error", (error) => errors.push(error));
  return {
    dispatches,
    errors,
    until(match: () => boolean, what: string): Promise<void> {
      return match()
        ? Promise.resolve()
        : within(new Promise((done) => waiters.push({ match, done })), what);
    },
  };
}
