// Recently freed keys of the memory store, dropped late. V8's Map keeps a
// deleted entry in its bucket's chain until the table is rebuilt, so a big
// Map that deletes and re-adds the same key over and over (a user whose only
// message is deleted, then who writes again) makes every lookup of that key
// walk a chain growing by one per cycle: 0.8-1.4 ms per event in a cache of
// 50,000 channels. Kept for a while instead, a key that comes back finds its
// entry where it was.

/**
 * A bounded queue of keys freed recently, oldest first: the store keeps a
 * freed entry while its key is queued and drops it (if still free) when the
 * key falls out. A key is queued once however often it is freed meanwhile,
 * so one key freed over and over never pushes itself out.
 */
export class FreedRing {
  /** Keys by slot; `#next` is the oldest slot once the ring is full. */
  readonly #keys: (string | undefined)[];
  #next = 0;
  /** The queued keys, to queue each once. */
  readonly #queued = new Set<string>();

  /** @param capacity The most keys queued. */
  constructor(capacity: number) {
    this.#keys = new Array(capacity).fill(undefined);
  }

  /** How many keys are queued. */
  get size(): number {
    return this.#queued.size;
  }

  /**
   * Queue `key` (nothing when it is queued already).
   *
   * @returns The oldest key, pushed out to make room: the caller drops its
   * entry if that is still free.
   */
  add(key: string): string | undefined {
    if (this.#queued.has(key)) return undefined;
    const keys = this.#keys;
    const slot = this.#next;
    const out = keys[slot];
    keys[slot] = key;
    this.#next = slot + 1 === keys.length ? 0 : slot + 1;
    this.#queued.add(key);
    if (out !== undefined) this.#queued.delete(out);
    return out;
  }

  /** Forget every key. */
  clear(): void {
    this.#keys.fill(undefined);
    this.#next = 0;
    this.#queued.clear();
  }
}
