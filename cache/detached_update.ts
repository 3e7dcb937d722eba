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
  /** The store's own objects: copied by each reader, never handed out. */
  readonly #stored: unknown;
  /** {@linkcode DetachedUpdate.old}'s copy, made at its first read. */
  #old: unknown;
  /** Whether `#old` is the caller's own (copied, or nothing to copy). */
  #detached: boolean;
  /** {@linkcode DetachedUpdate.oldChars}, once measured. */
  #oldChars: number | undefined;

  constructor(update: CacheUpdate) {
    this.changes = update.changes;
    this.#stored = update.old;
    this.#old = update.old;
    this.#detached = !isObject(update.old);
  }

  /**
   * The state before the dispatch, a copy the store does not hold (the
   * same copy at every read of this update).
   */
  get old(): unknown {
    if (!this.#detached) {
      this.#old = copyOf(this.#stored);
      this.#detached = true;
    }
    return this.#old;
  }

  /**
   * The length of the previous state's JSON: what a handler call queued
   * with it keeps alive, once the store let it go (a deleted message, the
   * 100 of a bulk delete). Measured at the first read, so only events that
   * wait behind a handler pay for it.
   */
  get oldChars(): number {
    if (this.#oldChars === undefined) {
      let chars = 0;
      if (isObject(this.#stored)) {
        try {
          chars = JSON.stringify(this.#stored)?.length ?? 0;
        } catch {
          chars = 0; // the store keeps parsed JSON: not reached
        }
      }
      this.#oldChars = chars;
    }
    return this.#oldChars;
  }

  /**
   * A function returning the state before the dispatch as a copy of its
   * own, made at its first call and the same at each later one, or
   * `undefined` when there is no previous state. The Client asks one per
   * handler call (each Handler method, `onRaw` and listener of the event):
   * a handler editing its `ctx.old` edits what it alone sees, and a call
   * that never reads `ctx.old` copies nothing.
   */
  readOld(): (() => unknown) | undefined {
    const stored = this.#stored;
    if (stored === undefined) return undefined;
    if (!isObject(stored)) return () => stored;
    let copy: unknown = undefined;
    let copied = false;
    return () => {
      if (!copied) {
        copy = copyOf(stored);
        copied = true;
      }
      return copy;
    };
  }
}

/**
 * A deep copy of a kept value. structuredClone recurses, and throws a
 * RangeError from a few thousand levels of nesting (a 7 KB `[[[…]]]` in a
 * message's embeds) that the store kept without trouble; the JSON round
 * trip then makes the same copy, since a kept value is parsed JSON, and
 * works at any depth JSON.parse gave (5,000,000 levels were measured). Any
 * other error (or the round trip's own) is thrown to the reader.
 */
function copyOf(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return JSON.parse(JSON.stringify(value));
  }
}

/** Whether `value` is an object a handler could edit (so must be copied). */
function isObject(value: unknown): value is object {
  return value !== null && typeof value === "object";
}
