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

/**
 * Whether `value` is a plain object (of `Object.prototype` or none), as a
 * JSON object is written: a `Map`'s entries, a class instance's private
 * state are no own properties, and `JSON.stringify` sends such an object
 * as `{}` (a route's metadata cleared instead of set).
 *
 * @param value Anything.
 * @returns Whether it is a plain object.
 */
export function isPlainObject(
  value: unknown,
): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
