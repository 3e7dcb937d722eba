// How many seeds or sequences a fuzzing test runs, raised from the
// environment to fuzz longer. Read strictly: a typo that made the count NaN
// would run no sequence and still pass.

/**
 * The count in environment variable `name`, or `fallback` when it is unset.
 *
 * @throws TypeError when it is set to anything but a whole number ≥ 1.
 */
export function runCount(name: string, fallback: number): number {
  const text = Deno.env.get(name);
  if (text === undefined) return fallback;
  const count = Number(text);
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new TypeError(
      `${name} must be a whole number, at least 1: current value '${text}'`,
    );
  }
  return count;
}
