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
 * Counted in two steps: every `[` and `{` of the text, with `indexOf`
 * (native, about 5% of a `JSON.parse` of a 2 MiB GUILD_CREATE); only a text
 * over the bound by that count is then scanned in JavaScript, skipping its
 * strings, for the arrays and objects themselves (the scan costs 40 to 70%
 * of a parse, paid only there): a guild whose forum topics hold thousands
 * of `[` is not refused. Depth needs no bound of its own: nesting costs
 * what the same count side by side costs, and `JSON.parse` and this
 * library's readers of payloads do not recurse on it.
 *
 * @module
 */

/**
 * The most arrays and objects accepted in one large text: about 55 MB of heap and
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
 * (inside strings too): an upper bound on its arrays and objects, counted
 * natively. Stops at the first past `max`.
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
 * Whether `text` holds more than `max` arrays and objects: `[` and `{`
 * outside its strings. A scan that jumps over each string to its closing
 * quote with `indexOf`, counting the backslashes before a quote to tell an
 * escaped one; it stops at the first past `max`. Text that is not JSON (an
 * unclosed string) answers from what it read, and is left for `JSON.parse`
 * to refuse.
 *
 * @example Strings are skipped, escaped quotes included
 * ```ts
 * import { containersOver } from "./json_bounds.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(containersOver('["[[{{\\"[[", {}]', 2), false);
 * assert.equal(containersOver("[[],{},[]]", 3), true);
 * ```
 *
 * @param text The JSON text.
 * @param max The most allowed.
 * @returns `true` past `max`.
 */
export function containersOver(text: string, max: number): boolean {
  let count = 0;
  const end = text.length;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++count > max) return true;
    } else if (c === 0x22) {
      i = closingQuote(text, i + 1);
      if (i < 0) return false;
    }
  }
  return false;
}

/** The index of the quote closing a string whose text starts at `from`, or -1. */
function closingQuote(text: string, from: number): number {
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return -1;
    // An odd run of backslashes before it escapes the quote itself. Runs
    // end at quotes, so each backslash is read once: still linear.
    let slash = quote - 1;
    while (text.charCodeAt(slash) === 0x5c) slash--;
    if ((quote - 1 - slash) % 2 === 0) return quote;
    from = quote + 1;
  }
}

/**
 * The string value of `key` in the object that is the value of the
 * top-level key `d` (a gateway frame's `d.id`), found without parsing: for
 * a text over the bound, what little of it must still be read. Strings are
 * skipped as {@linkcode containersOver} skips them; a value that is no
 * string, or holds an escape, is not read.
 *
 * @example A frame's `d.id`, not a nested one nor another object's
 * ```ts
 * import { dataString } from "./json_bounds.ts";
 * import assert from "node:assert/strict";
 *
 * const frame = '{"x":{"id":"1"},"d":{"channels":[{"id":"5"}],"id":"7"}}';
 * assert.equal(dataString(frame, "id"), "7");
 * ```
 *
 * @param text The JSON text of a gateway frame.
 * @param key The key in `d`.
 * @returns The value, or `undefined` when there is none.
 */
export function dataString(text: string, key: string): string | undefined {
  const quoted = JSON.stringify(key);
  let level = 0;
  /**
   * The top-level key just read is `d` and its value opens an object: the
   * next one opened is its (a `d` that is null, a string or a number must
   * not lend the name to a later key's object).
   */
  let dNext = false;
  /** Inside `d`'s object (at level 2 when reading its keys). */
  let inD = false;
  const end = text.length;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      level++;
      if (level === 2) inD = dNext && c === 0x7b;
      dNext = false;
    } else if (c === 0x5d || c === 0x7d) {
      level--;
      if (level < 2) inD = false;
    } else if (c === 0x22) {
      const close = closingQuote(text, i + 1);
      if (close < 0) return undefined;
      // Only the strings of the two levels read are looked at.
      if (level === 1 || (level === 2 && inD)) {
        const name = text.slice(i, close + 1);
        const after = () => text.slice(close + 1, close + 200);
        if (level === 1) {
          if (name === '"d"' && /^\s*:\s*\{/.test(after())) dNext = true;
        } else if (name === quoted) {
          const value = /^\s*:\s*"([^"\\]*)"/.exec(after());
          if (value) return value[1];
        }
      }
      i = close;
    }
  }
  return undefined;
}

/**
 * A JSON text holds more arrays and objects than {@linkcode MAX_JSON_OPENERS}:
 * not parsed.
 */
export class JsonBoundError extends TypeError {
  /**
   * @param what What the text is (`"frame"`, `"body"`).
   * @param length Its length in UTF-16 units.
   */
  constructor(what: string, length: number) {
    super(
      `The ${what} (${length} characters) holds more than ${MAX_JSON_OPENERS} arrays and objects; not parsed`,
    );
    this.name = "JsonBoundError";
  }
}

/**
 * `JSON.parse(text)`, refusing first, without building it, a text longer
 * than {@linkcode BOUNDS_COUNT_FROM} that holds more than
 * {@linkcode MAX_JSON_OPENERS} arrays and objects.
 *
 * @param text The JSON text a peer sent.
 * @param what What it is, for the error: `"frame"`, `"body"`.
 * @returns What `JSON.parse` returns.
 * @throws {JsonBoundError} The text passes the bound.
 * @throws {SyntaxError} The text is not JSON.
 */
export function parseBoundedJson(text: string, what: string): unknown {
  if (
    text.length > BOUNDS_COUNT_FROM && openersOver(text, MAX_JSON_OPENERS) &&
    containersOver(text, MAX_JSON_OPENERS)
  ) {
    throw new JsonBoundError(what, text.length);
  }
  return JSON.parse(text);
}
