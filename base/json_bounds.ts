/**
 * A bound on what `JSON.parse` builds from a large text a peer sent (a
 * gateway frame, a REST body), checked before it builds it:
 * {@linkcode parseBoundedJson}.
 *
 * Why: what `JSON.parse` costs follows the arrays and objects in the text,
 * not its length. Each costs about 55 bytes of heap and 0.4 µs, from as
 * little as 2 bytes of text (`[]`), so a frame under the 64 MiB message
 * limit could hold 30 million of them: 1.7 GB and 19 s with the event loop
 * blocked, whether nested (`[[[[…]]]]`, 58 KB through zlib) or side by side
 * (`[{},{},…]`), where the size limits assume a few times the text.
 * Discord's payloads hold about one per 150 bytes.
 *
 * Counted, not scanned: every `[` and `{` of the text, those inside strings
 * too, found with `indexOf` (native, about 5% of a `JSON.parse` of a 2 MiB
 * GUILD_CREATE; a scan that skipped strings and measured depth in
 * JavaScript cost 40 to 70% of the parse). A string's brackets only count
 * more, and Discord's strings are short: no payload comes near the bound.
 * Depth needs no bound of its own: nesting costs what the same count side
 * by side costs, and `JSON.parse` and this library's readers of payloads
 * do not recurse on it.
 *
 * @module
 */

/**
 * The most `[` and `{` accepted in one large text: about 55 MB of heap and
 * half a second of `JSON.parse` at most. A 2.3 MB GUILD_CREATE of 5,000
 * members holds about 16,000; at that density the 64 MiB message limit
 * holds 450,000.
 */
export const MAX_JSON_OPENERS = 1_000_000;

/**
 * Texts at most this many UTF-16 units long are parsed without counting:
 * even all brackets they cost about 2 MB and 15 ms to parse.
 */
export const BOUNDS_COUNT_FROM = 64 * 1024;

/**
 * Whether `text` holds more than `max` of the characters `[` and `{`
 * (inside strings too). Stops at the first past `max`.
 *
 * @example Brackets in strings count too
 * ```ts
 * import { openersOver } from "./json_bounds.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(openersOver("[{},[]]", 3), false);
 * assert.equal(openersOver('["[",{}]', 2), true);
 * ```
 *
 * @param text The JSON text.
 * @param max The most allowed.
 * @returns `true` past `max`.
 */
export function openersOver(text: string, max: number): boolean {
  let count = 0;
  for (const opener of ["[", "{"]) {
    for (
      let i = text.indexOf(opener);
      i >= 0;
      i = text.indexOf(opener, i + 1)
    ) {
      if (++count > max) return true;
    }
  }
  return false;
}

/**
 * `JSON.parse(text)`, refusing first, without building it, a text longer
 * than {@linkcode BOUNDS_COUNT_FROM} that holds more than
 * {@linkcode MAX_JSON_OPENERS} of `[` and `{`.
 *
 * @param text The JSON text a peer sent.
 * @param what What it is, for the error: `"frame"`, `"body"`.
 * @returns What `JSON.parse` returns.
 * @throws {TypeError} The text passes the bound.
 * @throws {SyntaxError} The text is not JSON.
 */
export function parseBoundedJson(text: string, what: string): unknown {
  if (
    text.length > BOUNDS_COUNT_FROM && openersOver(text, MAX_JSON_OPENERS)
  ) {
    throw new TypeError(
      `The ${what} (${text.length} characters) holds more than ${MAX_JSON_OPENERS} arrays and objects ('[' and '{'); not parsed`,
    );
  }
  return JSON.parse(text);
}
