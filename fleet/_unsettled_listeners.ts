/**
 * {@linkcode UnsettledListeners}: the events a `FleetShards` process handed
 * to `onDispatch` listeners whose promises have not all settled yet, so
 * that its session saves stay before them (see `gateway/resume_point.ts`):
 * saved at the last sequence received, a process killed (or closed, then
 * exited) while an async listener was still at work left the next owner
 * resuming after its event, and Discord never sent it again. A process
 * handing a shard over waits for them ({@linkcode UnsettledListeners.settled}),
 * or the next owner delivered them again.
 *
 * Private to the package: tested through `FleetShards`
 * (`tests/fleet/fleet_unsettled_save_test.ts`,
 * `tests/fleet/fleet_handover_settle_test.ts`).
 *
 * @module
 */
import { Fifo } from "../base/fifo.ts";
import { type Scheduler, settlesWithin } from "../base/scheduler.ts";
import { resumeBefore } from "../gateway/resume_point.ts";
import type { Shard } from "../gateway/shard.ts";
import type { FleetDispatch } from "./fleet_dispatch.ts";

/**
 * The length from which a session's queue is rid of the settled events
 * behind an unsettled one: a listener whose promise never settles would
 * otherwise keep an entry for every later event, for ever.
 */
const COMPACT_FROM = 1024;

/**
 * A session's events, with how many of them settled behind one not, and
 * who waits for them all to settle.
 */
interface SessionQueue {
  readonly entries: Fifo<Unsettled>;
  settled: number;
  readonly waiters: Set<() => void>;
}

/** One event whose listeners' promises were not all settled. */
interface Unsettled {
  /** Where to resume for it to come again. */
  readonly from: number;
  settled: boolean;
}

/**
 * The events of each session whose listener promises have not all settled,
 * in the order they were delivered. Keyed by session: an old shard and a
 * new one of a reshard share a shard id, never a session. Only events with
 * a promise pending are kept, so sync listeners cost nothing.
 */
export class UnsettledListeners {
  readonly #sessions = new Map<string, SessionQueue>();

  /**
   * `event` was delivered and its listeners' promises settle with `settled`
   * (which must not reject).
   *
   * @param event The event.
   * @param settled Settles once every one of them did.
   */
  track(event: FleetDispatch, settled: Promise<unknown>): void {
    const { sessionId } = event;
    const queue = this.#sessions.get(sessionId) ??
      { entries: new Fifo<Unsettled>(), settled: 0, waiters: new Set() };
    this.#sessions.set(sessionId, queue);
    const entry = {
      from: resumeBefore(event.sequence, event.name),
      settled: false,
    };
    const { entries } = queue;
    entries.push(entry);
    void settled.then(() => {
      entry.settled = true;
      queue.settled++;
      // Settled out of order: the first unsettled one is still the point.
      while (entries.peek()?.settled) {
        entries.shift();
        queue.settled--;
      }
      if (entries.length === 0) {
        if (this.#sessions.get(sessionId) === queue) {
          this.#sessions.delete(sessionId);
        }
        for (const waiter of queue.waiters) waiter();
      } else if (
        entries.length >= COMPACT_FROM && queue.settled * 2 >= entries.length
      ) {
        // Rid of the settled ones at half (each moved a bounded number of
        // times): what it holds is bounded by the promises still pending.
        for (let n = entries.length; n > 0; n--) {
          const kept = entries.shift()!;
          if (!kept.settled) entries.push(kept);
        }
        queue.settled = 0;
      }
    });
  }

  /**
   * How many events of `sessionId` it holds (each one settled or not behind
   * the first unsettled): bounded by twice the pending ones past 1,024.
   *
   * @param sessionId The session.
   * @returns The count.
   */
  held(sessionId: string): number {
    return this.#sessions.get(sessionId)?.entries.length ?? 0;
  }

  /**
   * Wait until none of `sessionIds` holds an event whose listeners'
   * promises have not all settled (none comes any more: their shards are
   * closed), at most `ms` on `scheduler`.
   *
   * @param sessionIds The sessions.
   * @param scheduler The timers the bound is on.
   * @param ms The bound, in ms.
   * @returns `true` once they all settled (at once when none is held),
   *   `false` when `ms` passed first.
   */
  async settled(
    sessionIds: Iterable<string>,
    scheduler: Scheduler,
    ms: number,
  ): Promise<boolean> {
    const waits: Promise<void>[] = [];
    const queues: [SessionQueue, () => void][] = [];
    for (const sessionId of new Set(sessionIds)) {
      const queue = this.#sessions.get(sessionId);
      if (!queue) continue; // a queue held has an unsettled event first
      waits.push(
        new Promise((resolve) => {
          queue.waiters.add(resolve);
          queues.push([queue, resolve]);
        }),
      );
    }
    if (waits.length === 0) return true;
    try {
      return await settlesWithin(scheduler, Promise.all(waits), ms);
    } finally {
      // Past the bound: a listener that never settles keeps no waiter.
      for (const [queue, resolve] of queues) queue.waiters.delete(resolve);
    }
  }

  /**
   * Where `shard`'s session must resume from for Discord to send again
   * every event of it whose listeners have not all settled (a
   * `ResumePoint`): before the first, or `undefined` when there is none.
   */
  resumePoint = (shard: Shard): number | undefined => {
    const sessionId = shard.sessionId;
    return sessionId === undefined
      ? undefined
      : this.#sessions.get(sessionId)?.entries.peek()?.from;
  };
}
