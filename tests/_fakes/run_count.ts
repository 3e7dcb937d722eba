// What a fuzzing test reads from the environment to run longer or replay a
// seed. Counts are read strictly: a typo that made one NaN would run nothing
// and still pass.

/**
 * Environment variable `name`, or `undefined` when it is unset, empty, or
 * not readable (a run without `--allow-env` gets the defaults).
 */
export function envText(name: string): string | undefined {
  const granted =
    Deno.permissions.querySync({ name: "env", variable: name }).state ===
      "granted";
  const value = granted ? Deno.env.get(name) : undefined;
  return value === "" ? undefined : value;
}

/**
 * The count in environment variable `name`, or `fallback` when it is unset.
 *
 * @throws TypeError when it is set to anything but a whole number ≥ 1.
 */
export function runCount(name: string, fallback: number): number {
  const text = envText(name);
  if (text === undefined) return fallback;
  const count = Number(text);
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new TypeError(
      `${name} must be a whole number, at least 1: current value '${text}'`,
    );
  }
  return count;
}
