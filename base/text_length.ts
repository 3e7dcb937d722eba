/**
 * {@linkcode textLength}: a text's length as Discord counts it for its
 * limits. Internal to the library (interactions, the dispatch config, the
 * test kit).
 *
 * @module
 */

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
