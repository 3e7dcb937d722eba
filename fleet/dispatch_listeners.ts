/**
 * {@linkcode FleetListeners}: how a `FleetShards` process hands each event
 * to its `onDispatch` listeners, one listener's throw said and the others
 * still called, and where its session saves must stay for the events whose
 * async listeners are still at work.
 *
 * @module
 */
import { getVisibleLogger } from "../base/visible_logger.ts";
import { callListener } from "../base/listener_call.ts";
import type { Scheduler } from "../base/scheduler.ts";
import type { ResumePoint } from "../gateway/resume_point.ts";
import type { Shard } from "../gateway/shard.ts";
import type { FleetDispatch } from "./fleet_dispatch.ts";
import { UnsettledListeners } from "./_unsettled_listeners.ts";

/**
 * A bot author's bug: on stderr when LogTape is not configured, as a
 * shard's throwing listener is (`gateway/shard.ts`).
 */
const visible = getVisibleLogger(["disruption", "fleet"]);

/** Said without setup: a bot author's bug. */
function listenerFailed(error: unknown): void {
  visible.error("A fleet dispatch listener threw: {error}", { error });
}

/** A listener of the fleet's events (an async one returns a promise). */
export type FleetListener = (event: FleetDispatch) => unknown;

/**
 * The `onDispatch` listeners of a `FleetShards` process: each event goes to
 * every listener (as the set stands then); a listener that throws, or
 * whose promise rejects, is logged as an error, and the next ones are
 * called all the same. An event whose listeners returned promises counts
 * as unfinished until they all settled: {@linkcode FleetListeners.resumePoint}
 * keeps the session saves before it, so a process killed meanwhile has
 * Discord send it again to the next owner (at least once).
 */
export class FleetListeners {
  readonly #listeners = new Set<FleetListener>();
  readonly #unsettled = new UnsettledListeners();

  /**
   * Add `listener`.
   *
   * @param listener Called with each event delivered from now on.
   * @returns A function that removes it.
   */
  add(listener: FleetListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /**
   * Deliver `event` to every listener.
   *
   * @param event The event.
   * @returns `undefined` when every listener returned at once (nothing
   *   allocated for the common sync case); else a promise that resolves,
   *   never rejects, once every listener's promise settled: `HeldEvents`
   *   confirms the event to a shared duplicate filter only then, so a
   *   process killed meanwhile leaves the event's other copy deliverable.
   */
  deliver = (event: FleetDispatch): Promise<unknown> | undefined => {
    let pending: Promise<unknown>[] | undefined;
    for (const listener of this.#listeners) {
      const promise = callListener(listener, event, listenerFailed);
      if (promise) (pending ??= []).push(promise);
    }
    // Sync listeners only (most): nothing kept.
    if (pending === undefined) return undefined;
    const settled = pending.length === 1
      ? pending[0]!.catch(() => {})
      : Promise.allSettled(pending);
    this.#unsettled.track(event, settled);
    return settled;
  };

  /**
   * Where a shard's session must be saved at most (see `ResumePoint`):
   * before the first event of it whose listeners' promises have not all
   * settled.
   */
  resumePoint: ResumePoint = (shard) => this.#unsettled.resumePoint(shard);

  /**
   * Wait until every event of `shards`' sessions had its listeners'
   * promises settle, at most `ms` on `scheduler`: once the shards are
   * closed (no event comes any more), their sessions saved then resume
   * past the events their listeners finished with.
   *
   * @param shards The shards, closed.
   * @param scheduler The timers the bound is on.
   * @param ms The bound, in ms.
   * @returns `true` once they all settled (at once when none was
   *   pending), `false` when `ms` passed first.
   */
  settled(
    shards: readonly Shard[],
    scheduler: Scheduler,
    ms: number,
  ): Promise<boolean> {
    const sessionIds = shards.flatMap((shard) => shard.sessionId ?? []);
    return this.#unsettled.settled(sessionIds, scheduler, ms);
  }
}
