// The one check of a snowflake's shape, shared by the layers that take ids
// from outside: gateway commands, shard routing, REST routes and the cache.

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
