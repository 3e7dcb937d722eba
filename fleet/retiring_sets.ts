/**
 * {@linkcode RetiringSets}: a `FleetShards` process's old shard sets after
 * a switch, each drained apart from the tick that switched (see
 * `drainOldSet`): every old shard closed once it has read what Discord sent
 * it before the switch, then the set's leases released.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import type { Scheduler } from "../base/scheduler.ts";
import { drainOldSet } from "./old_set_drain.ts";
import { heldIds, idsOf, type ShardSet, shardsOf } from "./shard_sets.ts";

/**
 * The longest heartbeat interval among `set`'s shards, if any is known: how
 * long their read barriers, and other members' of the same gateway, may
 * wait for an ACK (see `overlapHoldMs`).
 *
 * @param set The set about to be retired.
 * @returns The interval in ms, or `undefined` when none is known.
 */
export function longestInterval(set: ShardSet): number | undefined {
  const known = [...set.shards.values()]
    .map((shard) => shard.heartbeatInterval)
    .filter((interval) => interval !== undefined);
  return known.length > 0 ? Math.max(...known) : undefined;
}

const logger = getLogger(["disruption", "fleet", "reshard"]);

/** One old set on its way out. */
interface Retiring {
  /** Ends the drain at once: `close()` closes the shards itself. */
  abort: AbortController;
  /** Settles once its shards are closed and its leases released. */
  done: Promise<void>;
}

/**
 * The old sets of a `FleetShards` process being drained. The drain is never
 * awaited by a tick: an old shard may take a heartbeat interval to prove it
 * read everything (90 s more to RESUME), and the tick that switched must
 * renew the leases meanwhile (awaited, a socket close of a few seconds had
 * the lease guard stop every shard).
 *
 * The old set's leases are not renewed while it drains: after the flip no
 * process leases that count any more (one that has not switched yet only
 * takes shards after a sync, which shows it the flip first, and one
 * joining runs the new count), so an old lease expiring meanwhile hands
 * its shard to nobody. Unless the fleet reshards back to that count while
 * the set still drains (2 → 4 → 2): the new set of that count leases the
 * same hash, under the same owner, so the old set releases nothing then
 * (see {@linkcode RetiringSets.retire}).
 */
export class RetiringSets {
  readonly #scheduler: Scheduler;
  readonly #live: (count: number) => boolean;
  readonly #running = new Set<Retiring>();

  /**
   * @param scheduler The shards' clock.
   * @param live Whether the process runs a set of `count` now (its current
   *   set, or the new set of a reshard): an old set of that count releases
   *   no lease.
   */
  constructor(scheduler: Scheduler, live: (count: number) => boolean) {
    this.#scheduler = scheduler;
    this.#live = live;
  }

  /** Whether an old set is still being drained or closed. */
  get busy(): boolean {
    return this.#running.size > 0;
  }

  /**
   * Take `set`'s shards out of it and end them in the background: with
   * `drained`, each once it has read what was sent before `since` (a
   * reconnecting one after its RESUME's replay, see `readBarrier`); else at
   * once (a set the process never resharded from: its guilds' events come
   * from the other processes' new shards). The sessions end for good
   * (nobody resumes a count left behind), and the leases are released last,
   * unless the process runs that count again by then: the release (by
   * owner, and leaving the count's members) would drop the live set's
   * leases of the same ids and its membership. Its other old leases then
   * expire unrenewed, or the live set renews them as its own.
   *
   * Taken out of the set first: a shard closed while still in its set is
   * taken for one that stopped for good (see `shard_sets.ts`), and the set
   * is never renewed, saved or stopped by the tick again.
   *
   * @param set The set switched away from.
   * @param to The count switched to.
   * @param since When the switch was, on the scheduler's clock.
   * @param drained Given to drain the set (else it closes at once): called
   *   with the scheduler's clock once the set is done, aborted or not.
   */
  retire(
    set: ShardSet,
    to: number,
    since: number,
    drained?: (now: number) => void,
  ): void {
    const drain = drained !== undefined;
    const ids = heldIds(set);
    const shards = shardsOf(set, idsOf(set));
    for (const stop of set.watchers.values()) stop();
    set.watchers.clear();
    set.shards.clear();
    const abort = new AbortController();
    const run = async (): Promise<void> => {
      if (drain && shards.length > 0) {
        // No new shard given: one of this process's that stops for good is
        // refused and run by another process (see shard_sets.ts), so no old
        // shard is kept open for its guilds.
        await drainOldSet({
          old: { count: set.count, shards },
          next: { count: to, shards: [] },
          since,
          scheduler: this.#scheduler,
          signal: abort.signal,
        });
      }
      // Aborted by close(): whatever did not close yet closes now.
      await Promise.all(shards.map((shard) => shard.close()));
      if (this.#live(set.count)) return;
      await set.leases.release(ids, true).catch((error: unknown) => {
        logger.warn(
          "Could not release the leases of old shards {shards} of {count}; they expire unrenewed: {error}",
          { shards: ids, count: set.count, error },
        );
      });
    };
    const retiring: Retiring = { abort, done: Promise.resolve() };
    retiring.done = run().catch((error: unknown) => {
      logger.warn("Could not close the old set of {count}: {error}", {
        count: set.count,
        error,
      });
    }).finally(() => {
      this.#running.delete(retiring);
      // After an abort too: a drain never said done keeps the duplicate
      // filter on for good (a start() after close() chains onto it).
      drained?.(this.#scheduler.now());
    });
    this.#running.add(retiring);
  }

  /**
   * End every drain at once, closing the old shards that are still open
   * and releasing their leases (the process leaves the fleet).
   *
   * @returns Once every old set is done.
   */
  async close(): Promise<void> {
    const all = [...this.#running];
    for (const retiring of all) retiring.abort.abort();
    await Promise.all(all.map((retiring) => retiring.done));
  }
}
