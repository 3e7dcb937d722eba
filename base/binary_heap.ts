/**
 * A priority queue whose `push`, `pop` and `remove` are O(log n): for
 * waiters served by rank rather than arrival (the identify queue starts a
 * bucket's shards lowest ID first), where a sorted array's insert moves
 * every element behind it.
 *
 * @module
 */

/**
 * A binary min-heap under `compare`. Each item is queued at most once (an
 * item is found again by identity, for `remove`).
 *
 * @typeParam T The items.
 *
 * @example Usage
 * ```ts
 * import { BinaryHeap } from "./binary_heap.ts";
 * import assert from "node:assert/strict";
 *
 * const heap = new BinaryHeap<number>((a, b) => a - b);
 * for (const n of [5, 1, 4, 2, 3]) heap.push(n);
 * heap.remove(4);
 * assert.equal(heap.peek(), 1);
 * assert.deepEqual([heap.pop(), heap.pop(), heap.pop(), heap.pop()], [1, 2, 3, 5]);
 * assert.equal(heap.pop(), undefined);
 * ```
 */
export class BinaryHeap<T> {
  readonly #compare: (a: T, b: T) => number;
  #items: T[] = [];
  /** Where each item stands in `#items`, so `remove` needs no search. */
  #index = new Map<T, number>();

  /**
   * Create an empty heap.
   *
   * @param compare Negative when `a` comes first, positive when `b` does;
   *   a total order (ties broken by the caller, e.g. by arrival).
   */
  constructor(compare: (a: T, b: T) => number) {
    this.#compare = compare;
  }

  /** How many items are queued. */
  get length(): number {
    return this.#items.length;
  }

  /**
   * Add an item.
   *
   * @param item The item, not already queued.
   */
  push(item: T): void {
    this.#items.push(item);
    this.#index.set(item, this.#items.length - 1);
    this.#up(this.#items.length - 1);
  }

  /**
   * The first item, left in place.
   *
   * @returns It, or `undefined` when empty.
   */
  peek(): T | undefined {
    return this.#items[0];
  }

  /**
   * Take the first item.
   *
   * @returns It, or `undefined` when empty.
   */
  pop(): T | undefined {
    const first = this.#items[0];
    if (first !== undefined) this.#removeAt(0);
    return first;
  }

  /**
   * Take one item out wherever it is (a cancelled request).
   *
   * @param item The item, compared by identity.
   * @returns Whether it was queued.
   */
  remove(item: T): boolean {
    const at = this.#index.get(item);
    if (at === undefined) return false;
    this.#removeAt(at);
    return true;
  }

  #removeAt(at: number): void {
    const items = this.#items;
    this.#index.delete(items[at]!);
    const last = items.pop()!;
    if (at === items.length) return; // it was the last
    items[at] = last;
    this.#index.set(last, at);
    // The moved item may belong above or below its new place.
    this.#up(at);
    this.#down(this.#index.get(last)!);
  }

  #up(at: number): void {
    const items = this.#items;
    const item = items[at]!;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (this.#compare(item, items[parent]!) >= 0) break;
      this.#place(items[parent]!, at);
      at = parent;
    }
    this.#place(item, at);
  }

  #down(at: number): void {
    const items = this.#items;
    const item = items[at]!;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= items.length) break;
      if (
        child + 1 < items.length &&
        this.#compare(items[child + 1]!, items[child]!) < 0
      ) child++;
      if (this.#compare(items[child]!, item) >= 0) break;
      this.#place(items[child]!, at);
      at = child;
    }
    this.#place(item, at);
  }

  #place(item: T, at: number): void {
    this.#items[at] = item;
    this.#index.set(item, at);
  }
}
