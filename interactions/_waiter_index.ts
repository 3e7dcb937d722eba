// The pending waiters of one source (awaitMessage's on a Client, a router's
// awaitComponent), filed by the values they wait for. Each event used to be
// offered to every waiter in turn, and each awaitMessage added a listener
// of its own to the Client: with 10,000-20,000 waits, an event no one
// waited for cost 1-2.7 ms. Here an event reaches only the waiters whose
// values it has (or who wait for any), still in the order they came.

/** One waiter, with its place in the order waiters came in. */
interface Entry<W> {
  readonly waiter: W;
  readonly seq: number;
}

/** Nested by key, one level per key; the last level holds the entries. */
type Level = Map<unknown, unknown>;

/**
 * Waiters filed under one value per key (`undefined`: any value), offered
 * an event's values in the order they were added.
 *
 * @typeParam W What is filed (the waiter's matcher).
 */
export class WaiterIndex<W> {
  readonly #keys: number;
  readonly #root: Level = new Map();
  #next = 0;
  #size = 0;

  /**
   * An empty index.
   *
   * @param keys How many values a waiter is filed under (and an event
   *   offers).
   */
  constructor(keys: number) {
    this.#keys = keys;
  }

  /** How many waiters are filed. */
  get size(): number {
    return this.#size;
  }

  /**
   * File `waiter` under `values`, one per key: `undefined` waits for any
   * value of that key.
   *
   * @param values What the waiter waits for.
   * @param waiter The waiter.
   * @returns Removes it; calling it again does nothing.
   */
  add(values: readonly unknown[], waiter: W): () => void {
    const path: Level[] = [this.#root];
    for (let key = 0; key < this.#keys - 1; key++) {
      const level = path[key]!;
      let below = level.get(values[key]) as Level | undefined;
      if (below === undefined) level.set(values[key], below = new Map());
      path.push(below);
    }
    const last = path[this.#keys - 1]!;
    const lastValue = values[this.#keys - 1];
    let entries = last.get(lastValue) as Set<Entry<W>> | undefined;
    if (entries === undefined) last.set(lastValue, entries = new Set());
    const entry: Entry<W> = { waiter, seq: this.#next++ };
    entries.add(entry);
    this.#size++;
    return (): void => {
      if (!entries.delete(entry)) return;
      this.#size--;
      if (entries.size > 0) return;
      // Emptied: dropped, with the levels it emptied (waits on message ids
      // come and go, each with its own value).
      last.delete(lastValue);
      for (let key = this.#keys - 2; key >= 0; key--) {
        if (path[key + 1]!.size > 0) return;
        path[key]!.delete(values[key]);
      }
    };
  }

  /**
   * The waiters an event of `values` may match: those filed under its
   * value or `undefined` for each key, in the order they were added. Only
   * those filed before the call (a wait started while the event is offered
   * came after it); one removed meanwhile is skipped.
   *
   * @param values The event's value for each key.
   * @returns The waiters, lazily: stop at the one that takes the event.
   */
  *offer(values: readonly unknown[]): Generator<W, void, undefined> {
    const before = this.#next;
    let levels: Level[] = [this.#root];
    for (let key = 0; key < this.#keys; key++) {
      const below: Level[] = [];
      // Once for `undefined`: its waiters are not offered twice.
      const wanted = values[key] === undefined
        ? [undefined]
        : [values[key], undefined];
      for (const level of levels) {
        for (const value of wanted) {
          const found = level.get(value) as Level | undefined;
          if (found !== undefined) below.push(found);
        }
      }
      levels = below;
    }
    const sets = levels as unknown as Set<Entry<W>>[];
    // Each set is in the order its entries came: merged by that order.
    const heads = sets.map((set) => set.values());
    const current: (Entry<W> | undefined)[] = heads.map((it) =>
      it.next().value
    );
    for (;;) {
      let pick = -1;
      for (let i = 0; i < sets.length; i++) {
        let entry = current[i];
        // Removed since it was read (a waiter that settled, or an earlier
        // one's filter ended it): skipped, as a Set's iterator would.
        while (entry !== undefined && !sets[i]!.has(entry)) {
          entry = current[i] = heads[i]!.next().value;
        }
        if (entry === undefined || entry.seq >= before) continue;
        if (pick < 0 || entry.seq < current[pick]!.seq) pick = i;
      }
      if (pick < 0) return;
      const { waiter } = current[pick]!;
      current[pick] = heads[pick]!.next().value;
      yield waiter;
    }
  }
}
