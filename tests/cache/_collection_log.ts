// What the Maps and Sets of a store did while some code ran, read by
// wrapping their prototypes' methods: how the churn tests check the
// memory store's structure without timing it. V8's Map keeps a deleted
// entry in its bucket's chain until the table is rebuilt, so one key
// deleted and re-added over and over in a big Map makes each lookup of it
// walk a growing chain (cache/freed_ring.ts).

/** What the collections did while the code ran. */
export interface CollectionLog {
  /**
   * The most times one key was deleted from one Map or Set that held at
   * least `bigAt` entries at the time.
   */
  mostDeletesOfOneKey: number;
  /** The most entries a Map of strings each keyed by itself (an interner's) held. */
  largestSelfKeyed: number;
}

/**
 * Run `run` with every Map's and Set's `set`/`add`/`delete` watched.
 *
 * @param bigAt The size from which a collection's deletes count (a small
 * table is rebuilt soon, so its deleted entries cost little).
 */
export function watchCollections(run: () => void, bigAt = 256): CollectionLog {
  const mapSet = Map.prototype.set;
  const mapDelete = Map.prototype.delete;
  const setDelete = Set.prototype.delete;
  const mapGet = Map.prototype.get;
  // collection -> key -> deletes (Maps of the original methods only: the
  // wrapped ones must not see their own bookkeeping).
  const deletes = new WeakMap<object, Map<unknown, number>>();
  const log: CollectionLog = { mostDeletesOfOneKey: 0, largestSelfKeyed: 0 };
  const count = (
    collection: Map<unknown, unknown> | Set<unknown>,
    key: unknown,
  ) => {
    if (collection.size < bigAt) return;
    let counts = deletes.get(collection);
    if (counts === undefined) deletes.set(collection, counts = new Map());
    const n = ((mapGet.call(counts, key) as number | undefined) ?? 0) + 1;
    mapSet.call(counts, key, n);
    if (n > log.mostDeletesOfOneKey) log.mostDeletesOfOneKey = n;
  };
  Map.prototype.delete = function (
    this: Map<unknown, unknown>,
    key: unknown,
  ): boolean {
    if (this.has(key)) count(this, key);
    return mapDelete.call(this, key);
  };
  Set.prototype.delete = function (this: Set<unknown>, key: unknown): boolean {
    if (this.has(key)) count(this, key);
    return setDelete.call(this, key);
  };
  Map.prototype.set = function (
    this: Map<unknown, unknown>,
    key: unknown,
    value: unknown,
  ): Map<unknown, unknown> {
    mapSet.call(this, key, value);
    if (
      typeof key === "string" && key === value &&
      this.size > log.largestSelfKeyed
    ) log.largestSelfKeyed = this.size;
    return this;
  };
  try {
    run();
  } finally {
    Map.prototype.set = mapSet;
    Map.prototype.delete = mapDelete;
    Set.prototype.delete = setDelete;
  }
  return log;
}
