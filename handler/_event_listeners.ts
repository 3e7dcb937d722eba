// The `on()` listeners of each event, of one kind (queued or atArrival).
//
// A dispatch loops over a copy of its event's listeners and skips one no
// longer in the live Set when its turn comes. So an event keeps the same
// Set for good, emptied or not: replaced by a new one when emptied, a
// listener removed and added again (a plugin reload, while its events are
// queued) was missing from the Set its queued calls checked when it was
// its event's only listener, and lost them, and not otherwise. The Sets
// kept are one per gateway event name at most.
//
// Each on() is a registration of its own: a function added twice is in
// the Set once (called once per event) and leaves it when each of its
// off() has been called, not at the first one (another part of the bot
// may still want it).

/** Each event's listeners, and how many registrations each one has. */
export class EventListeners<F> {
  readonly #sets = new Map<string, Set<F>>();
  readonly #counts = new Map<string, Map<F, number>>();

  /**
   * The live listeners of `event`, the same Set for good; `undefined` when
   * it has none, so an event nobody listens to costs nothing.
   */
  get(event: string): ReadonlySet<F> | undefined {
    const set = this.#sets.get(event);
    return set === undefined || set.size === 0 ? undefined : set;
  }

  /** The events with listeners. */
  *events(): IterableIterator<string> {
    for (const [event, set] of this.#sets) if (set.size > 0) yield event;
  }

  /**
   * Register `f` for `event`.
   *
   * @returns Removes this registration, once: `true` when it did (a second
   * call does nothing and says `false`).
   */
  add(event: string, f: F): () => boolean {
    let set = this.#sets.get(event);
    let counts = this.#counts.get(event);
    if (set === undefined || counts === undefined) {
      this.#sets.set(event, set = new Set());
      this.#counts.set(event, counts = new Map());
    }
    set.add(f);
    counts.set(f, (counts.get(f) ?? 0) + 1);
    let removed = false;
    return () => {
      if (removed) return false;
      removed = true;
      const left = counts.get(f)! - 1;
      if (left > 0) counts.set(f, left);
      else {
        counts.delete(f);
        set.delete(f);
      }
      return true;
    };
  }
}
