/**
 * A first-in, first-out queue whose `shift` is O(1): `Array.prototype.shift`
 * moves every element, which makes draining a queue of n items O(n²) (a
 * rate-limit bucket 160,000 requests deep took 18.8 s to drain).
 *
 * @module
 */

/** Consumed slots at the head past which the array is compacted. */
const COMPACT_AFTER = 1024;

/**
 * A FIFO over an array and a head index. Shifted slots are cleared at once
 * (so nothing they held is kept alive) and compacted away once they make
 * up half the array, so memory stays within twice the items held.
 *
 * @typeParam T The items.
 *
 * @example Usage
 * ```ts
 * import { Fifo } from "./fifo.ts";
 * import assert from "node:assert/strict";
 *
 * const queue = new Fifo<string>();
 * queue.push("a");
 * queue.push("b");
 * assert.equal(queue.shift(), "a");
 * queue.unshift("again");
 * assert.deepEqual([queue.shift(), queue.shift(), queue.shift()], ["again", "b", undefined]);
 * assert.equal(queue.length, 0);
 * ```
 */
export class Fifo<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  /** How many items are queued. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /**
   * Add an item at the tail.
   *
   * @param item The item.
   */
  push(item: T): void {
    this.#items.push(item);
  }

  /**
   * Put an item back at the head (a retry that keeps its place). O(1)
   * amortized: with no free slot in front, room for as many items as are
   * queued is opened there at once.
   *
   * @param item The item.
   */
  unshift(item: T): void {
    if (this.#head === 0) {
      const room = Math.max(16, this.length);
      this.#items = new Array<T | undefined>(room).concat(this.#items);
      this.#head = room;
    }
    this.#items[--this.#head] = item;
  }

  /**
   * The item at the head, left in place.
   *
   * @returns The head, or `undefined` when empty.
   */
  peek(): T | undefined {
    return this.#head < this.#items.length
      ? this.#items[this.#head]
      : undefined;
  }

  /**
   * Take the item at the head.
   *
   * @returns The head, or `undefined` when empty.
   */
  shift(): T | undefined {
    if (this.#head >= this.#items.length) {
      if (this.#head > 0) this.clear();
      return undefined;
    }
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head > COMPACT_AFTER && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /**
   * Take one item out wherever it is (a cancelled request). O(n): for the
   * rare removal, not for draining.
   *
   * @param item The item, compared with `===`.
   * @returns Whether it was queued.
   */
  remove(item: T): boolean {
    const index = this.#items.indexOf(item, this.#head);
    if (index === -1) return false;
    this.#items.splice(index, 1);
    return true;
  }

  /** Drop every item. */
  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}
