/**
 * {@linkcode textLength}: a text's length as Discord counts it for its
 * limits, and {@linkcode assertTextLength}, the check of a text field
 * against them. Internal to the library (interactions, REST routes, the
 * dispatch config, the test kit).
 *
 * @module
 */
import { shownQuoted } from "./option_checks.ts";

/**
 * The length of `text` in code points, as Discord counts the characters of
 * its limits ("Our API uses Python 3, so the API calculates length based on
 * the number of codepoints", discord-api-docs#1315): an emoji outside the
 * Basic Multilingual Plane is one character, not the two UTF-16 units of
 * `String.prototype.length`. An unpaired surrogate counts as one. The same
 * count as `[...text].length`, without building the array.
 *
 * @param text The text.
 * @returns Its code points.
 *
 * @example Usage
 * ```ts
 * import { textLength } from "./text_length.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(textLength("😀".repeat(60)), 60);
 * assert.equal(textLength("abc"), 3);
 * ```
 */
export function textLength(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdbff) continue;
    const next = text.charCodeAt(i + 1);
    if (next >= 0xdc00 && next <= 0xdfff) {
      length--;
      i++;
    }
  }
  return length;
}

/**
 * Check a text field Discord limits before it is sent: a string of `min` to
 * `max` characters, counted as {@linkcode textLength} counts them. The
 * messages name the field and the rule; a wrong type shows the value, a
 * wrong length only its length (a long text is not echoed).
 *
 * @param action What was refused, after "Cannot" (`create guild template`).
 * @param name The field, as the message names it.
 * @param value The value given.
 * @param min The fewest characters (0: none needed).
 * @param max The most characters.
 * @param also What else the field takes, after the rule (` or null`).
 * @throws {TypeError} When `value` is not a string.
 * @throws {RangeError} When it has fewer than `min` or more than `max`
 *   characters.
 *
 * @example Usage
 * ```ts
 * import { assertTextLength } from "./text_length.ts";
 * import assert from "node:assert/strict";
 *
 * assertTextLength("create template", "name", "😀".repeat(100), 1, 100);
 * assert.throws(
 *   () => assertTextLength("create template", "name", "", 1, 100),
 *   { name: "RangeError", message: "Cannot create template as 'name' must be a string of 1 to 100 characters: current length '0'" },
 * );
 * ```
 */
export function assertTextLength(
  action: string,
  name: string,
  value: unknown,
  min: number,
  max: number,
  also = "",
): asserts value is string {
  const rule =
    (min === 0
      ? `a string of at most ${max} characters`
      : `a string of ${min} to ${max} characters`) + also;
  if (typeof value !== "string") {
    throw new TypeError(
      `Cannot ${action} as '${name}' must be ${rule}: current value '${name}=${
        shownQuoted(value)
      }'`,
    );
  }
  const length = textLength(value);
  if (length < min || length > max) {
    throw new RangeError(
      `Cannot ${action} as '${name}' must be ${rule}: current length '${length}'`,
    );
  }
}
