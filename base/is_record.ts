/**
 * {@linkcode isRecord}: the one check of "an object with fields" that the
 * gateway's payload guards, the cache, REST and interactions share.
 *
 * @module
 */

/**
 * Whether `value` is an object that is not `null` or an array.
 *
 * @param value Anything.
 * @returns Whether its fields can be read as a record.
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
