// The one check of a snowflake's shape, shared by the layers that take ids
// from outside: gateway commands, shard routing, REST routes and the cache;
// and the time a snowflake carries.

/**
 * The largest snowflake: Discord's ids are unsigned 64-bit integers, and
 * 20 digits reach past them.
 */
export const MAX_SNOWFLAKE: bigint = (1n << 64n) - 1n;

/**
 * Whether `value` is a snowflake as Discord writes it: a string of 1 to 20
 * ASCII digits. (Read by char codes: the cache checks every id of every
 * event, and a RegExp costs more per call.)
 *
 * @param value Anything.
 * @returns `true` for a snowflake string.
 */
export function isSnowflake(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const length = value.length;
  if (length === 0 || length > 20) return false;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * What a refusal says instead of a value that is not a snowflake, when the
 * value must not be shown: one longer than a snowflake and not all digits
 * may be a webhook or interaction token passed in an id's place (a
 * Snowflake is a plain string, so swapped arguments pass type checking),
 * and webhook tokens never expire. A short value (a typo such as `12a`) or
 * a run of digits (an over-long id) is no token and is shown.
 *
 * @param value The refused value.
 * @returns `a 68-character string (not shown: it may be a token)`, or
 *   `undefined` when the value may be shown.
 *
 * @example Usage
 * ```ts
 * import { unshownId } from "./snowflake.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(unshownId("12a"), undefined);
 * assert.equal(unshownId("x".repeat(68)), "a 68-character string (not shown: it may be a token)");
 * ```
 */
export function unshownId(value: string): string | undefined {
  if (value.length <= 20 || /^\d+$/.test(value)) return undefined;
  return `a ${value.length}-character string (not shown: it may be a token)`;
}

/**
 * Check that `value` is a snowflake string (see {@linkcode isSnowflake}),
 * for an id taken from outside before it goes into a request.
 *
 * @param action What cannot be done otherwise, for the error ("build
 *   route", "sync commands").
 * @param name The parameter's name, for the error.
 * @param value The value.
 * @returns The value.
 * @throws {TypeError} When it is not a snowflake string: `Cannot ${action}
 *   as '${name}' must be a snowflake string: current value '${name}=…'`
 *   (the value cut to 40 characters, or its type when not a string), or
 *   `…: current value is a 68-character string (not shown: it may be a
 *   token)` for a value {@linkcode unshownId} hides.
 */
export function checkSnowflake(
  action: string,
  name: string,
  value: unknown,
): string {
  if (!isSnowflake(value)) {
    const hidden = typeof value === "string" ? unshownId(value) : undefined;
    throw new TypeError(
      `Cannot ${action} as '${name}' must be a snowflake string: ${
        hidden !== undefined
          ? `current value is ${hidden}`
          : `current value '${name}=${
            typeof value === "string" ? value.slice(0, 40) : typeof value
          }'`
      }`,
    );
  }
  return value;
}

/** Discord's epoch (2015-01-01T00:00:00Z), in ms since the Unix epoch. */
export const DISCORD_EPOCH = 1_420_070_400_000;

/**
 * The time a snowflake carries (its top 42 bits), in milliseconds since the
 * Unix epoch.
 *
 * @param id A snowflake string (see {@linkcode isSnowflake}).
 * @returns Its time.
 *
 * @example Usage
 * ```ts
 * import { snowflakeMs } from "./snowflake.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new Date(snowflakeMs("175928847299117063")).toISOString(), "2016-04-30T11:18:25.796Z");
 * ```
 */
export function snowflakeMs(id: string): number {
  return Number(BigInt(id) >> 22n) + DISCORD_EPOCH;
}
