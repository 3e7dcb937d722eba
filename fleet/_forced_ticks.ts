/**
 * {@linkcode forcedTicks}: a `FleetShards` tick run now rather than at its
 * timer (a flip recorded, Redis back after a drop, a reshard given up),
 * once the tick in flight is done: two would race on the same leases.
 *
 * Private to the package: tested through `FleetShards`.
 *
 * @module
 */

/** What {@linkcode forcedTicks} needs of its process. */
export interface ForcedTickParts {
  /** The process's joins (bumped by start() and close()). */
  joins(): number;
  /** The tick in flight, if any (its failure is said by whoever ran it). */
  ticking(): Promise<void> | undefined;
  /** Whether the process left, or joined again, since `joins`. */
  stale(joins: number): boolean;
  /** Run a tick now, due again a renewal period after it; see `take`. */
  tick(take: boolean): void;
}

/**
 * A function that ticks once the tick in flight is done, never after
 * close() nor for an earlier join; `take` says whether that tick may take
 * shards (else it renews and joins only). Asks of the same join while one
 * waits ride on it, taking shards if any of them asked to.
 *
 * @param parts The process's parts.
 * @returns The function.
 */
export function forcedTicks(
  parts: ForcedTickParts,
): (take: boolean) => Promise<void> {
  let waiting: { joins: number; take: boolean } | undefined;
  return async (take) => {
    const joins = parts.joins();
    if (waiting?.joins === joins) {
      waiting.take ||= take;
      return;
    }
    const forced = { joins, take };
    waiting = forced;
    for (let t = parts.ticking(); t; t = parts.ticking()) {
      await t.catch(() => {});
    }
    if (waiting === forced) waiting = undefined;
    if (!parts.stale(joins)) parts.tick(forced.take);
  };
}
