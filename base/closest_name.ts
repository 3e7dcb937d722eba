/**
 * "Did you mean …?": the known name nearest to a misspelt one.
 *
 * Internal: used for error and warning messages; not exported from any
 * entry point.
 *
 * @module
 */

/**
 * The candidate nearest to `name` by edit distance (ignoring case), when it
 * is near enough to be a plausible typo: at most `share` (a third by
 * default) of the longer name's length, and at least 1 edit away from
 * nothing.
 *
 * @param name The misspelt name, e.g. `"MESSAGE_CREATED"`.
 * @param candidates The valid names.
 * @param share The largest distance, as a share of the longer name's
 * length: lower for names sharing long parts (`onGuildUpdate`,
 * `onVoiceStateUpdate`), where a third let a different word pass.
 * @returns The nearest candidate, or `undefined` when none is close.
 *
 * @example Usage
 * ```ts
 * import { closestName } from "./closest_name.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(closestName("onMesageCreate", ["onMessageCreate", "onReady"]), "onMessageCreate");
 * assert.equal(closestName("onSomethingElse", ["onMessageCreate", "onReady"]), undefined);
 * ```
 */
export function closestName(
  name: string,
  candidates: Iterable<string>,
  share = 1 / 3,
): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(
    1,
    Math.floor(Math.max(name.length, best.length) * share),
  );
  return bestDistance <= limit ? best : undefined;
}

/**
 * Edit distance counting two neighbouring letters swapped as one edit
 * (optimal string alignment), with two rows of memory: as Levenshtein's,
 * a swap cost two, so `nwo` was not near enough to `now` (one edit allowed
 * for a name of three letters), though a swap is the commonest typo.
 */
function editDistance(a: string, b: string): number {
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      let distance = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        substitution,
      );
      if (
        i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]
      ) {
        distance = Math.min(distance, beforePrevious[j - 2]! + 1);
      }
      current[j] = distance;
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length]!;
}
