/**
 * {@linkcode SettledConfirms}: the confirms `HeldEvents` sends a shared
 * {@linkcode DuplicateFilter} for the events it delivered, each once the
 * event's async listeners settled, and this process's own claims whose
 * confirm still waits on them.
 *
 * Private to the package: tested through `HeldEvents`
 * (`tests/fleet/held_events_settled_confirm_test.ts`,
 * `tests/fleet/held_events_own_claims_test.ts`).
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { ChainedDuplicateFilter } from "./chained_duplicate_filter.ts";
import type { DuplicateFilter } from "./duplicate_filter.ts";

const logger = getLogger(["disruption", "fleet", "reshard"]);

/** What an event's `deliver` returned to wait on: `undefined` when nothing. */
export type Settling = Promise<unknown> | undefined;

/**
 * Confirms delivered keys in batches (those that come while one is in
 * flight go in the next), delivery never waiting on them; a failure is
 * logged, and costs at most a second copy delivered later.
 *
 * It also knows which keys this process claimed and delivered whose
 * confirm waits on listeners still running ({@linkcode SettledConfirms.ownPending}):
 * to the filter they look like another process's claim not confirmed, and
 * a switch that took them so kept a held copy for the claim grace and then
 * delivered it a second time, while the first copy was being handled here.
 * Only those waiting are kept: an entry goes once its confirm was sent.
 */
export class SettledConfirms {
  /** Delivered keys to confirm, by filter, while a confirm is in flight. */
  readonly #unconfirmed = new Map<DuplicateFilter, string[]>();
  /** The confirms in flight, one batch after another; none: `undefined`. */
  #confirming: Promise<void> | undefined;
  /** Whether `#sendConfirms` runs (it may end before its promise is kept). */
  #sending = false;
  /**
   * This process's keys, by filter, whose confirm waits on listeners, with
   * how many deliveries of each wait (a claim that expired may be taken
   * again while the first delivery's listener still runs).
   */
  readonly #waiting = new Map<DuplicateFilter, Map<string, number>>();

  /**
   * The confirms of the events delivered so far, settled (they never
   * reject: a failure is logged), but of those whose listeners still run.
   *
   * @returns A promise that resolves once none is queued or in flight.
   */
  async confirmed(): Promise<void> {
    while (this.#confirming) await this.#confirming;
  }

  /**
   * Which of `keys` of `filter` this process delivered and confirms once
   * their listeners settle: claimed here, not by another process.
   *
   * @param filter The filter the keys are of.
   * @param keys The keys.
   * @returns Whether each is one of them.
   */
  ownPending(filter: DuplicateFilter, keys: readonly string[]): boolean[] {
    const waiting = this.#waiting.get(filter);
    return keys.map((key) => waiting?.has(key) ?? false);
  }

  /**
   * Confirm `keys` of `filter` (delivered; only those `decided` true when
   * given): at once for an event whose listeners returned at once, else
   * when its `settling` settled, rejected or not (a listener's own error is
   * said where it was delivered).
   *
   * @param filter The filter the keys are of.
   * @param keys The delivered events' keys.
   * @param settling At `i`, what event `i`'s listeners returned to wait on.
   * @param decided When given, only keys at `true` (claimed here) count.
   */
  confirmSettled(
    filter: DuplicateFilter,
    keys: readonly string[],
    settling: readonly Settling[],
    decided?: readonly boolean[],
  ): void {
    const now: string[] = [];
    for (const [i, key] of keys.entries()) {
      if (decided && decided[i] !== true) continue;
      const listeners = settling[i];
      if (listeners === undefined) {
        now.push(key);
        continue;
      }
      this.#wait(filter, key, 1);
      const confirm = () => {
        this.#confirm(filter, [key]);
        // Kept until the confirm was sent (landed or failed): asked in the
        // meantime, the filter may not know it yet.
        const done = () => this.#wait(filter, key, -1);
        if (this.#confirming) void this.#confirming.then(done, done);
        else done();
      };
      void listeners.then(confirm, confirm);
    }
    this.#confirm(filter, now);
  }

  /**
   * Count one more (`by` 1) or one fewer (-1) delivery of `key` waiting,
   * under `filter` and, for a chained filter, under each filter it chains
   * by that one's key: an overlap that ends mid-reshard leaves the switch
   * asking the later filter alone, and a key known only as the pair's was
   * taken for another process's claim (its event delivered twice).
   */
  #wait(filter: DuplicateFilter, key: string, by: 1 | -1): void {
    if (filter instanceof ChainedDuplicateFilter) {
      for (const [part, partKey] of filter.parts(key)) {
        this.#count(part, partKey, by);
      }
    }
    this.#count(filter, key, by);
  }

  /** Count `by` more deliveries of `key` of `filter` waiting. */
  #count(filter: DuplicateFilter, key: string, by: 1 | -1): void {
    let waiting = this.#waiting.get(filter);
    if (waiting === undefined) {
      waiting = new Map();
      this.#waiting.set(filter, waiting);
    }
    const count = (waiting.get(key) ?? 0) + by;
    if (count > 0) {
      waiting.set(key, count);
      return;
    }
    waiting.delete(key);
    if (waiting.size === 0) this.#waiting.delete(filter);
  }

  /**
   * Confirm `keys` of `filter` (delivered): at once when no confirm is in
   * flight, else in the batch after it.
   */
  #confirm(filter: DuplicateFilter, keys: readonly string[]): void {
    if (keys.length === 0) return;
    const queued = this.#unconfirmed.get(filter);
    if (queued) queued.push(...keys);
    else this.#unconfirmed.set(filter, [...keys]);
    if (this.#confirming !== undefined) return;
    const sending = this.#sendConfirms();
    // A confirm that threw at once (no await reached) ended the loop before
    // this line: kept, it would have stayed set for ever, no confirm sent
    // again and confirmed() never resolving.
    if (this.#sending) this.#confirming = sending;
  }

  /** Send the queued confirms, a batch per filter, until none is queued. */
  async #sendConfirms(): Promise<void> {
    this.#sending = true;
    try {
      for (const [filter, keys] of this.#unconfirmed) {
        this.#unconfirmed.delete(filter);
        try {
          await filter.confirm?.(keys);
        } catch (error) {
          // Its claims expire instead: a later copy may be delivered again.
          logger.warn(
            "Could not confirm {count} delivered events to the duplicate filter (a later copy of one may be delivered again): {error}",
            { count: keys.length, error },
          );
        }
      }
    } finally {
      this.#sending = false;
      this.#confirming = undefined;
    }
  }
}
