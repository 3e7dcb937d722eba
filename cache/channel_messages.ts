// One channel's cached messages for the memory store: a ring of slots in id
// order that grows (by doubling) up to the channel bound, then overwrites its
// oldest slot. Why not a Map plus an order queue: on a busy cache every
// message create touched a hash bucket, an entry, the queue and the evicted
// entry's bucket, each a cache and TLB miss in a heap of tens of megabytes;
// here a create writes the next slot of three arrays and a lookup is a
// binary search over one array of doubles.
import type { CompactMessage } from "./compact.ts";
import { compareSnowflakes } from "./options.ts";

/**
 * A snowflake as a double: exact in its time bits, rounded in the low ones.
 * The rounding keeps order (a < b implies key(a) <= key(b)), so a search
 * over keys finds the run of equal keys and the ids settle ties.
 */
export function snowflakeKey(id: string): number {
  const key = Number(id);
  // Not a number (a malformed id from a hostile gateway): after every
  // snowflake, ordered among its kind by the id itself. NaN compares false
  // both ways and would break the order.
  return key === key ? key : Infinity;
}

/** A channel's messages, oldest first, at most `bound` of them. */
export class ChannelMessages {
  /** Ids, keys and messages by slot; logical index i is slot (start + i) & mask. */
  #ids: string[];
  #keys: number[];
  #values: CompactMessage[];
  #mask: number;
  #start = 0;
  #size = 0;
  /** The guild id its messages carry last, interned. */
  guildId: string | undefined;
  /** The most messages kept. */
  readonly bound: number;

  /**
   * @param channelId The channel's id, interned (its messages share it).
   * @param bound The most messages kept.
   */
  constructor(readonly channelId: string, bound: number) {
    // Slots are addressed with a 31-bit mask.
    this.bound = Math.min(bound, 2 ** 30);
    const capacity = Math.min(8, ceilPowerOfTwo(this.bound));
    this.#ids = new Array(capacity);
    this.#keys = new Array(capacity).fill(0.5); // doubles from the start
    this.#values = new Array(capacity);
    this.#mask = capacity - 1;
  }

  /** How many messages are kept. */
  get size(): number {
    return this.#size;
  }

  /** The message with this id. */
  get(id: string): CompactMessage | undefined {
    const index = this.#find(id, snowflakeKey(id));
    return index < 0 ? undefined : this.#values[this.#slot(index)];
  }

  /**
   * Keep `value` as message `id`: replaces a kept one, or inserts it in
   * order, evicting the oldest past the bound.
   *
   * @returns The message replaced or evicted (its author is released by
   * the caller), or `value` itself when it is older than every kept
   * message of a full channel (then nothing changed).
   */
  set(id: string, value: CompactMessage): CompactMessage | undefined {
    const key = snowflakeKey(id);
    const size = this.#size;
    // The usual case: newer than every kept message.
    if (size === 0 || this.#isAfter(id, key, size - 1)) {
      return this.#push(id, key, value);
    }
    const at = this.#lowerBound(id, key);
    if (at < size && this.#ids[this.#slot(at)] === id) {
      const slot = this.#slot(at);
      const old = this.#values[slot];
      this.#values[slot] = value;
      return old;
    }
    if (size === this.bound) {
      if (at === 0) return value; // older than all of a full channel
      const evicted = this.#values[this.#slot(0)];
      this.#removeAt(0);
      this.#insertAt(at - 1, id, key, value);
      return evicted;
    }
    this.#insertAt(at, id, key, value);
    return undefined;
  }

  /** Forget message `id`; returns it. */
  delete(id: string): CompactMessage | undefined {
    const index = this.#find(id, snowflakeKey(id));
    if (index < 0) return undefined;
    const old = this.#values[this.#slot(index)];
    this.#removeAt(index);
    return old;
  }

  /** The oldest kept message's id. */
  oldestId(): string | undefined {
    return this.#size === 0 ? undefined : this.#ids[this.#start];
  }

  /** The newest kept message's id. */
  newestId(): string | undefined {
    return this.#size === 0 ? undefined : this.#ids[this.#slot(this.#size - 1)];
  }

  /** The id of the message before the newest (none with fewer than two). */
  idBeforeNewest(): string | undefined {
    return this.#size < 2 ? undefined : this.#ids[this.#slot(this.#size - 2)];
  }

  /** Forget the oldest message; returns it. */
  shift(): CompactMessage | undefined {
    if (this.#size === 0) return undefined;
    const old = this.#values[this.#start];
    this.#removeAt(0);
    return old;
  }

  /** The ids, oldest first. */
  *keys(): IterableIterator<string> {
    for (let i = 0; i < this.#size; i++) yield this.#ids[this.#slot(i)]!;
  }

  /** The messages, oldest first. */
  *values(): IterableIterator<CompactMessage> {
    for (let i = 0; i < this.#size; i++) yield this.#values[this.#slot(i)]!;
  }

  /** `[id, message]` pairs, oldest first. */
  *entries(): IterableIterator<[string, CompactMessage]> {
    for (let i = 0; i < this.#size; i++) {
      const slot = this.#slot(i);
      yield [this.#ids[slot]!, this.#values[slot]!];
    }
  }

  // -------------------------------------------------------------------

  #slot(index: number): number {
    return (this.#start + index) & this.#mask;
  }

  /** Whether `id` sorts after the message at logical `index`. */
  #isAfter(id: string, key: number, index: number): boolean {
    const slot = this.#slot(index);
    const other = this.#keys[slot]!;
    return key !== other
      ? key > other
      : compareSnowflakes(id, this.#ids[slot]!) > 0;
  }

  /** The first logical index whose id is not below `id`. */
  #lowerBound(id: string, key: number): number {
    let low = 0;
    let high = this.#size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const slot = this.#slot(mid);
      const other = this.#keys[slot]!;
      const below = other !== key
        ? other < key
        : compareSnowflakes(this.#ids[slot]!, id) < 0;
      if (below) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** The logical index of `id`, or -1. */
  #find(id: string, key: number): number {
    const size = this.#size;
    if (size === 0) return -1;
    // Outside the kept range (new or long gone): no search.
    if (
      key > this.#keys[this.#slot(size - 1)]! || key < this.#keys[this.#start]!
    ) return -1;
    const at = this.#lowerBound(id, key);
    return at < size && this.#ids[this.#slot(at)] === id ? at : -1;
  }

  #push(
    id: string,
    key: number,
    value: CompactMessage,
  ): CompactMessage | undefined {
    let evicted: CompactMessage | undefined;
    if (this.#size === this.bound) {
      // Full: the oldest goes, and its slot is free for reuse.
      evicted = this.#values[this.#start];
      this.#clear(this.#start);
      this.#start = (this.#start + 1) & this.#mask;
      this.#size--;
    } else if (this.#size > this.#mask) this.#grow();
    const slot = this.#slot(this.#size++);
    this.#ids[slot] = id;
    this.#keys[slot] = key;
    this.#values[slot] = value;
    return evicted;
  }

  #grow(): void {
    const capacity = this.#mask + 1;
    const next = Math.min(capacity * 2, ceilPowerOfTwo(this.bound));
    const ids = new Array<string>(next);
    const keys = new Array<number>(next).fill(0.5);
    const values = new Array<CompactMessage>(next);
    for (let i = 0; i < this.#size; i++) {
      const slot = this.#slot(i);
      ids[i] = this.#ids[slot]!;
      keys[i] = this.#keys[slot]!;
      values[i] = this.#values[slot]!;
    }
    this.#ids = ids;
    this.#keys = keys;
    this.#values = values;
    this.#start = 0;
    this.#mask = next - 1;
  }

  /**
   * Insert at logical `index`, moving the nearer end's messages one slot
   * (room is there): the older ones down, the ring starting a slot earlier,
   * or the newer ones up. (Always moving the newer ones made an event older
   * than every kept message move them all: 1 ms an event at 100,000.)
   */
  #insertAt(
    index: number,
    id: string,
    key: number,
    value: CompactMessage,
  ): void {
    if (this.#size > this.#mask) this.#grow();
    if (index < this.#size - index) {
      this.#start = (this.#start - 1) & this.#mask;
      for (let i = 0; i < index; i++) {
        const to = this.#slot(i);
        const from = this.#slot(i + 1);
        this.#ids[to] = this.#ids[from]!;
        this.#keys[to] = this.#keys[from]!;
        this.#values[to] = this.#values[from]!;
      }
    } else {
      for (let i = this.#size; i > index; i--) {
        const to = this.#slot(i);
        const from = this.#slot(i - 1);
        this.#ids[to] = this.#ids[from]!;
        this.#keys[to] = this.#keys[from]!;
        this.#values[to] = this.#values[from]!;
      }
    }
    const slot = this.#slot(index);
    this.#ids[slot] = id;
    this.#keys[slot] = key;
    this.#values[slot] = value;
    this.#size++;
  }

  /** Remove logical `index`, closing the gap from the nearer end. */
  #removeAt(index: number): void {
    const size = this.#size;
    if (index < size - 1 - index) {
      for (let i = index; i > 0; i--) {
        const to = this.#slot(i);
        const from = this.#slot(i - 1);
        this.#ids[to] = this.#ids[from]!;
        this.#keys[to] = this.#keys[from]!;
        this.#values[to] = this.#values[from]!;
      }
      this.#clear(this.#start);
      this.#start = (this.#start + 1) & this.#mask;
    } else {
      for (let i = index; i < size - 1; i++) {
        const to = this.#slot(i);
        const from = this.#slot(i + 1);
        this.#ids[to] = this.#ids[from]!;
        this.#keys[to] = this.#keys[from]!;
        this.#values[to] = this.#values[from]!;
      }
      this.#clear(this.#slot(size - 1));
    }
    this.#size--;
  }

  /** Empty a slot, so what it held can be collected. */
  #clear(slot: number): void {
    this.#ids[slot] = undefined as unknown as string;
    this.#values[slot] = undefined as unknown as CompactMessage;
  }
}

function ceilPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
