/**
 * {@linkcode errorText}: what was thrown, as text for a message, never
 * throwing. Private to the package (not an entry point).
 *
 * @module
 */

/**
 * A thrown value as text: an Error's `message`, else `String(value)`, never
 * throwing. A report built from a thrown value must not fail in turn (it
 * was then lost; in a timer, the throw ended the process), and anything can
 * throw here: `instanceof` on a revoked Proxy or one whose `getPrototypeOf`
 * throws, an Error's `message` getter, `String()` of an object without a
 * prototype or whose `toString` throws, or of a Symbol inside a template.
 * Falls back to `Object.prototype.toString` (`"[object Object]"`), then to
 * `"(an unprintable value)"`.
 *
 * @param value What was thrown (or a rejection's reason).
 * @returns Its text.
 *
 * @example Usage
 * ```ts
 * import { errorText } from "./error_text.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(errorText(new TypeError("bad")), "bad");
 * assert.equal(errorText("text"), "text");
 * assert.equal(errorText(Object.create(null)), "[object Object]");
 * ```
 */
export function errorText(value: unknown): string {
  try {
    return value instanceof Error ? String(value.message) : String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return "(an unprintable value)";
    }
  }
}
