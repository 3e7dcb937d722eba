// The memory store's DM channels (not held) whose messages were all deleted.
// The `dmChannels` bound counts DM channels that hold messages, so an emptied
// one must stop counting: counted, it pushed out a DM that still held
// messages. Its entry is kept a while rather than deleted: one DM whose
// messages are all deleted as they come deleted and re-added the same key of
// a big Map per message (see freed_ring.ts).
import { FreedRing } from "./freed_ring.ts";

/** How many emptied DM channels the memory store keeps for a message coming back. */
export const EMPTIED_DMS_KEPT = 256;

/**
 * DM channels emptied recently, off the count of the DM bound: each stays
 * queued in a {@linkcode FreedRing} and, when it leaves the queue still
 * empty, the store drops its entry. Written again meanwhile, a channel
 * counts again and keeps its place in the queue (no key deleted and added
 * back); emptied again, it is not queued twice.
 */
export class EmptiedDms {
  /**
   * The queued channels (the ring's keys): whether each is empty now
   * (false: written again or forgotten since it was queued).
   */
  readonly #queued = new Map<string, boolean>();
  readonly #ring = new FreedRing(EMPTIED_DMS_KEPT);
  /** How many queued channels are empty now. */
  #size = 0;

  /** How many channels are empty now (off the DM bound's count). */
  get size(): number {
    return this.#size;
  }

  /** Whether channel `id` is empty now (off the DM bound's count). */
  has(id: string): boolean {
    return this.#size !== 0 && this.#queued.get(id) === true;
  }

  /**
   * Channel `id`'s messages all went: it stops counting, and is queued.
   *
   * @returns The channel pushed out of the queue to make room, if it is
   * empty still (it counts again: the caller drops its entry, or keeps it
   * counted if it holds messages again some other way).
   */
  add(id: string): string | undefined {
    if (this.#queued.get(id) === true) return undefined;
    this.#queued.set(id, true);
    this.#size++;
    const out = this.#ring.add(id);
    if (out === undefined) return undefined;
    const empty = this.#queued.get(out);
    this.#queued.delete(out);
    if (!empty) return undefined;
    this.#size--;
    return out;
  }

  /**
   * Channel `id` counts again (written again, or gone from the bound); it
   * stays queued, with nothing deleted.
   */
  delete(id: string): void {
    if (!this.has(id)) return;
    this.#queued.set(id, false);
    this.#size--;
  }

  /** Forget every channel. */
  clear(): void {
    this.#queued.clear();
    this.#ring.clear();
    this.#size = 0;
  }
}
