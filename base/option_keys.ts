/**
 * Refusing option keys nothing reads: a misspelt option (`shard` for
 * `shards`) is caught only by `deno check`, and from JavaScript or through
 * `as any` it would silently leave the default in force.
 *
 * Internal: used by the Client, the caches and the test kit; not exported
 * from any entry point.
 *
 * @module
 */
import { closestName } from "./closest_name.ts";
import { assertOptionsObject } from "./option_checks.ts";

/**
 * The keys of an object literal written as `{ key: true, … }`: with
 * `satisfies Record<keyof Options, true>` the compiler keeps the list
 * complete (a new option must be added) and exact (no stale one stays).
 *
 * @param keys The keys, each mapped to `true`.
 * @returns The key list.
 *
 * @example Usage
 * ```ts
 * import { optionKeys } from "./option_keys.ts";
 * import assert from "node:assert/strict";
 *
 * interface Options { a?: number; b?: string }
 * const keys = optionKeys({ a: true, b: true } satisfies Record<keyof Options, true>);
 * assert.deepEqual(keys, ["a", "b"]);
 * ```
 */
export function optionKeys(keys: Readonly<Record<string, true>>): string[] {
  return Object.keys(keys);
}

/**
 * Refuse keys an options object does not have: at run time nothing else
 * catches a misspelt or excluded option (only `deno check` does), and an
 * ignored option makes a program (or a test) run with the default for the
 * wrong reason.
 *
 * @param what The start of the message, e.g. `"create client"`.
 * @param path The object's path in the options, e.g. `"timeouts."`
 *   (`""` at the top).
 * @param value The options object; `undefined` passes.
 * @param known The keys it may have.
 * @param hints Why a key the type leaves out is left out, and what to do
 *   instead, by key.
 * @throws {TypeError} When `value` is not an object (or is an array), or
 *   has another key; the message names the key and the nearest known one
 *   (or lists them all when none is near).
 *
 * @example Usage
 * ```ts
 * import { checkOptionKeys } from "./option_keys.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(
 *   () => checkOptionKeys("create client", "timeouts.", { conect: 1 }, ["connect", "hello"]),
 *   { name: "TypeError", message: "Cannot create client as 'timeouts.conect' is not one of its options (did you mean 'timeouts.connect'?)" },
 * );
 * ```
 */
export function checkOptionKeys(
  what: string,
  path: string,
  value: unknown,
  known: readonly string[],
  hints: Readonly<Record<string, string>> = {},
): void {
  if (value === undefined) return;
  assertOptionsObject(what, value, path === "" ? "options" : path.slice(0, -1));
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const hint = Object.hasOwn(hints, key) ? hints[key] : undefined;
    const nearest = hint === undefined ? closestName(key, known) : undefined;
    throw new TypeError(
      `Cannot ${what} as '${path}${key}' is not one of its options${
        hint !== undefined
          ? `: ${hint}`
          : nearest
          ? ` (did you mean '${path}${nearest}'?)`
          : `; the options are ${known.map((k) => `'${k}'`).join(", ")}`
      }`,
    );
  }
}
