/**
 * The frames a fake gateway keeps: a connection's in one direction, and a
 * session's dispatches to replay. Only the most recent ones, so a long run
 * on the fakes (a soak test) does not grow the heap with a record of every
 * frame, nor spend a copy of the whole buffer on each dispatch.
 *
 * @module
 */

/** The last `limit` items pushed, oldest first; `0` keeps none. */
export class FrameLog<T> {
  #items: T[] = [];

  /** @param limit How many of the latest items to keep. */
  constructor(readonly limit: number) {}

  /** Record one item, forgetting the oldest once over the limit. */
  push(item: T): void {
    if (this.limit === 0) return;
    this.#items.push(item);
    // Trimmed only once twice the limit is held: each trim moves `limit`
    // items and comes after `limit` pushes, so a push costs O(1) however
    // large the limit, where a trim per push would move them all each time.
    if (this.#items.length >= 2 * this.limit) {
      this.#items.splice(0, this.#items.length - this.limit);
    }
  }

  /** How many items are kept. */
  get length(): number {
    return Math.min(this.#items.length, this.limit);
  }

  /** Forget every item. */
  clear(): void {
    this.#items = [];
  }

  /** The kept items, oldest first (a new array). */
  toArray(): T[] {
    return this.#items.slice(Math.max(0, this.#items.length - this.limit));
  }
}
