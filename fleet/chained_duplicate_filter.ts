/**
 * {@linkcode ChainedDuplicateFilter}: the duplicate filter of a fleet
 * reshard that began while the previous reshard's filter was still needed
 * (its old sets draining, or its grace not over): an event is a second
 * copy when either reshard's filter says so.
 *
 * @module
 */
import type { DuplicateFilter } from "./duplicate_filter.ts";

/**
 * Two filters asked as one: each key is the pair of their keys, an event is
 * first seen only when it is first seen by both, seen when either saw it,
 * and confirmed in both. A process that switched and then saw a second
 * reshard checked against the new reshard's filter only, while a slower
 * process still delivered from its old set against the first one's: copies
 * of one event went out from both.
 *
 * A key claimed in one filter while the other answered "seen" is never
 * confirmed: the claim expires (see `RedisDuplicateFilterOptions`), and
 * until then it stops the copies of askers of that filter, whose event was
 * delivered by the process that claimed it in the other.
 */
export class ChainedDuplicateFilter implements DuplicateFilter {
  readonly #earlier: DuplicateFilter;
  readonly #later: DuplicateFilter;

  /**
   * @param earlier The previous reshard's filter.
   * @param later The new reshard's filter.
   */
  constructor(earlier: DuplicateFilter, later: DuplicateFilter) {
    this.#earlier = earlier;
    this.#later = later;
  }

  /** @inheritdoc */
  async key(identity: string): Promise<string> {
    const keys = [this.#earlier.key(identity), this.#later.key(identity)];
    return JSON.stringify(await Promise.all(keys));
  }

  /**
   * The earlier filter first, then the later one for the keys it claimed,
   * never both at once: two processes asking at once could each claim a
   * key in one filter and find it claimed in the other, and neither
   * delivered the event. Asked in order, only the earlier filter's
   * claimant asks the later one.
   */
  async firstSeen(keys: readonly string[]): Promise<boolean[]> {
    const [a, b] = split(keys);
    const earlier = await this.#earlier.firstSeen(a);
    const claimed = b.filter((_, i) => earlier[i] === true);
    const later = claimed.length > 0
      ? await this.#later.firstSeen(claimed)
      : [];
    let next = 0;
    return earlier.map((first) => first === true && later[next++] === true);
  }

  /** @inheritdoc */
  async seenAlready(keys: readonly string[]): Promise<boolean[]> {
    const [a, b] = split(keys);
    const [earlier, later] = await Promise.all([
      this.#earlier.seenAlready(a),
      this.#later.seenAlready(b),
    ]);
    return earlier.map((seen, i) => seen || later[i] === true);
  }

  /**
   * The filters a key of this one stands for, each with its own key: the
   * filter a reshard's overlap ends with is the later one, and what was
   * keyed here must be known there by its own key.
   *
   * @param key A key of this filter.
   * @returns The earlier and the later filter, with their keys.
   */
  parts(key: string): [DuplicateFilter, string][] {
    const [a, b] = split([key]);
    return [[this.#earlier, a[0]!], [this.#later, b[0]!]];
  }

  /** @inheritdoc */
  async confirm(keys: readonly string[]): Promise<void> {
    const [a, b] = split(keys);
    await Promise.all([this.#earlier.confirm?.(a), this.#later.confirm?.(b)]);
  }
}

/** Each filter's keys, out of the pairs {@linkcode ChainedDuplicateFilter.key} made. */
function split(keys: readonly string[]): [string[], string[]] {
  const pairs = keys.map((key) => JSON.parse(key) as [string, string]);
  return [pairs.map((p) => p[0]), pairs.map((p) => p[1])];
}
