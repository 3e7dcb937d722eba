/**
 * The one field-setting rule every component builder shares: a field the
 * caller left out stays absent from the wire object (rather than present as
 * `undefined`), so builders and literals compare equal. Private to the
 * component builders.
 *
 * @module
 */

/**
 * Sets `target[key]` to `value` unless `value` is `undefined`.
 *
 * @param target The wire object being built.
 * @param key The wire field name.
 * @param value The value, or `undefined` to leave the field out.
 */
export function setDefined<T extends object, K extends string, V>(
  target: T,
  key: K,
  value: V | undefined,
): void {
  if (value !== undefined) (target as Record<string, unknown>)[key] = value;
}
