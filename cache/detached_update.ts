// What MemoryCache.apply returns: its `old` is the store's own objects until
// read, and a deep copy once read, so that a handler editing `ctx.old` (an
// embed's title, a guild's features) cannot edit the cache. Copied on read,
// not per event: most events' `old` is never looked at, and a presence or
// member update's copy would cost every one of them.
//
// Copying late is sound because the store never edits a kept object in
// place: every change sets a new top-level object (spread from the old one,
// nested objects shared), a compact member or message is rebuilt, and its
// JSON is made fresh on each read. The one way a kept object changes is a
// handler editing its own event's payload, which the store keeps as sent
// (see MemoryCache's docs: payloads are read-only).
import type { CacheChange, CacheUpdate } from "./changes.ts";

/** A {@linkcode CacheUpdate} whose `old` is detached from the store on read. */
export class DetachedUpdate implements CacheUpdate {
  readonly changes: CacheChange[];
  #old: unknown;
  /** Whether `#old` is the caller's own (copied, or nothing to copy). */
  #detached: boolean;

  constructor(update: CacheUpdate) {
    this.changes = update.changes;
    this.#old = update.old;
    this.#detached = update.old === null || typeof update.old !== "object";
  }

  /** The state before the dispatch, a copy the store does not hold. */
  get old(): unknown {
    if (!this.#detached) {
      this.#old = structuredClone(this.#old);
      this.#detached = true;
    }
    return this.#old;
  }

  /**
   * A function returning {@linkcode DetachedUpdate.old} (so copied at its
   * first call), or `undefined` when there is no previous state: the
   * Client's context holds it and calls it only when a handler reads
   * `ctx.old`.
   */
  readOld(): (() => unknown) | undefined {
    return this.#old === undefined ? undefined : () => this.old;
  }
}
