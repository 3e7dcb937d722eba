/**
 * {@linkcode callListeners}: how a `FleetShards` process hands each event
 * to its `onDispatch` listeners, one listener's throw said and the others
 * still called.
 *
 * @module
 */
import { getVisibleLogger } from "../base/visible_logger.ts";
import { callListener } from "../base/listener_call.ts";
import type { FleetDispatch } from "./fleet_dispatch.ts";

/**
 * A bot author's bug: on stderr when LogTape is not configured, as a
 * shard's throwing listener is (`gateway/shard.ts`).
 */
const visible = getVisibleLogger(["disruption", "fleet"]);

/** Said without setup: a bot author's bug. */
function listenerFailed(error: unknown): void {
  visible.error("A fleet dispatch listener threw: {error}", { error });
}

/**
 * A function that calls every listener in `listeners` (as the set stands
 * at each call) with an event; a listener that throws, or whose promise
 * rejects, is logged as an error, and the next ones are called all the
 * same.
 *
 * @param listeners The listeners, added and removed over time.
 * @returns The function that delivers one event.
 */
export function callListeners(
  listeners: ReadonlySet<(event: FleetDispatch) => void>,
): (event: FleetDispatch) => void {
  return (event) => {
    for (const listener of listeners) {
      callListener(listener, event, listenerFailed);
    }
  };
}
