/**
 * How the benchmarks summarise their repetitions: medians, a run's CPU per
 * unit from its windows, the spread of per-repetition ratios, and the
 * table's column padding.
 *
 * @module
 */

/**
 * The median.
 *
 * @param values The values.
 * @returns Their median, `NaN` for none.
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? sorted[mid]!
    : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * A run's CPU µs per unit (event, request): the median of its windows (a
 * tenth of the run each, so a burst of interference moves one window), or
 * the whole run's average when it has fewer than three.
 *
 * @param run The run's CPU, whole and per window.
 * @param units Units over the whole run.
 * @returns µs per unit.
 */
export function windowedCpu(
  run: { cpuUs: number; windowCpuUs: readonly number[] },
  units: number,
): number {
  return run.windowCpuUs.length >= 3
    ? median(run.windowCpuUs)
    : run.cpuUs / Math.max(1, units);
}

/**
 * The per-repetition ratios as a table shows them: their median and their
 * smallest and largest, or neither for none.
 *
 * @param ratios One ratio per repetition.
 * @returns The median and the range.
 */
export function ratioSpread(ratios: readonly number[]): {
  ratio: number | undefined;
  ratioRange: [number, number] | undefined;
} {
  return ratios.length > 0
    ? {
      ratio: median(ratios),
      ratioRange: [Math.min(...ratios), Math.max(...ratios)],
    }
    : { ratio: undefined, ratioRange: undefined };
}

/**
 * A table cell: `text` padded to `width`, on the right side when `right`.
 *
 * @param text The cell's text.
 * @param width Its column's width.
 * @param right Aligned right (numbers).
 * @returns The padded text.
 */
export function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}
