/**
 * Custom id patterns with parameters: `"reroll:{sides}"` matches
 * `"reroll:6"` with `{ sides: "6" }`, and {@linkcode customId} fills a
 * pattern in, typed from the same string, with the values escaped (`%XX`
 * for ASCII punctuation) so that no value can add to the pattern's own
 * punctuation and route a click elsewhere.
 *
 * @module
 */
import { textLength } from "../base/text_length.ts";

/** Discord's longest custom id, in characters (code points). */
const MAX_CUSTOM_ID_LENGTH = 100;

/**
 * The parameter names of a pattern, as an object type of strings. A name
 * is what lies between a `}` and the last `{` before it, as
 * {@linkcode compileCustomId} reads it: a `{` or `}` that closes or opens
 * no parameter is literal text (`"a{b{c}"` has the one parameter `c`).
 */
export type PatternParams<P extends string> = P extends
  `${string}{${infer K}}${infer Rest}`
  // K runs from the first `{` to the first `}`; a `{` inside it opens no
  // parameter, so the name starts after the last one.
  ? K extends `${string}{${infer Inner}` ? PatternParams<`{${Inner}}${Rest}`>
  : { [N in K]: string } & PatternParams<Rest>
  : Record<never, never>;

/** A compiled custom id pattern. */
export interface CustomIdPattern {
  /** The pattern as written. */
  readonly source: string;
  /** The parameter names, in order. */
  readonly names: readonly string[];
  /**
   * Match a custom id. One longer than Discord's 100 characters (code
   * points, as Discord counts them: an emoji is one) matches nothing: only
   * a hostile peer sends one, and nothing is gained by reading it.
   *
   * @param customId The custom id.
   * @returns The parameters, decoded (see {@linkcode customId}), or
   *   `undefined` when it does not match or a value holds a `%` that
   *   starts no valid escape.
   */
  match(customId: string): Record<string, string> | undefined;
}

/**
 * Compile a pattern: `{name}` is a parameter, everything else is literal
 * (a name holds no `{` or `}`: in `"a{b{c}"` the first `{` is literal and
 * the parameter is `c`, as {@linkcode PatternParams} types it).
 * A parameter runs to the first occurrence of the literal text after it
 * (the last one to the pattern's end), and its value is decoded as
 * {@linkcode customId} encodes it: `%` and two hex digits stand for that
 * ASCII character. An id built elsewhere with a raw `%` is therefore read
 * as an escape; one whose `%` starts no valid escape (not two hex digits,
 * or above `%7F`) matches nothing, so the router treats it as having no
 * route rather than failing.
 *
 * The literal text between two parameters, and any after the last one,
 * must start with an ASCII character that encoding always escapes
 * (punctuation such as `:` or `/`, not a letter, digit, `-`, `_`, `.` or
 * `%`): a value could hold any of those, and the id would split in another
 * place than it was built, or end as another pattern's does
 * (`"ticket-{id}-close"` beside `"ticket-{id}"`; write `"ticket-{id}:close"`).
 *
 * A pattern holding an unpaired UTF-16 surrogate is refused: ids travel
 * as UTF-8, which cannot carry one, so no id Discord sends could match.
 * So is an empty one, and one whose text outside the parameters alone is
 * over 100 characters: Discord's ids are 1-100 (see {@linkcode checkCustomId}).
 *
 * @param pattern E.g. `"reroll:{sides}"`.
 * @returns The compiled pattern.
 * @throws {TypeError} For an empty or repeated parameter name, a
 *   parameter not followed by such a character, or an unpaired surrogate.
 * @throws {RangeError} When no custom id of 1-100 characters could match.
 *
 * @example Usage
 * ```ts
 * import { compileCustomId } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const pattern = compileCustomId("page:{list}:{n}");
 * assert.deepEqual(pattern.match("page:todo:3"), { list: "todo", n: "3" });
 * assert.deepEqual(pattern.match("page:a%3Ab:3"), { list: "a:b", n: "3" });
 * assert.equal(pattern.match("other"), undefined);
 * ```
 */
export function compileCustomId(pattern: string): CustomIdPattern {
  assertWellFormed(
    "compile custom id pattern as it",
    pattern,
    `pattern=${JSON.stringify(pattern.slice(0, 100))}`,
  );
  const names: string[] = [];
  /** The literal text around the parameters: one more than there are names. */
  const literals: string[] = [];
  let last = 0;
  for (const match of pattern.matchAll(/\{([^{}]*)\}/g)) {
    const name = match[1]!;
    if (name === "" || names.includes(name)) {
      throw new TypeError(
        `Cannot compile custom id pattern as parameter names must be non-empty and unique: current value 'pattern=${pattern}'`,
      );
    }
    const between = pattern.slice(last, match.index);
    if (names.length > 0 && !separates(between)) {
      throw new TypeError(
        `Cannot compile custom id pattern as the text between '{${
          names.at(-1)
        }}' and '{${name}}' must start with ASCII punctuation other than '-', '_', '.' and '%' (a value may hold letters, digits, those and any non-ASCII character, and the id would split in the wrong place): current value 'pattern=${pattern}'`,
      );
    }
    names.push(name);
    literals.push(between);
    last = match.index + match[0].length;
  }
  const tail = pattern.slice(last);
  // Text after the last parameter too: "ticket-{id}-close" beside
  // "ticket-{id}" took the value "x-close" (never escaped) as a close.
  if (names.length > 0 && tail !== "" && !separates(tail)) {
    throw new TypeError(
      `Cannot compile custom id pattern as the text after '{${
        names.at(-1)
      }}' must start with ASCII punctuation other than '-', '_', '.' and '%' (a value may hold letters, digits, those and any non-ASCII character, and could end the same way): current value 'pattern=${pattern}'`,
    );
  }
  literals.push(tail);
  assertCanMatch(pattern, literals);
  return {
    source: pattern,
    names,
    match(customId: string): Record<string, string> | undefined {
      if (
        customId.length > 2 * MAX_CUSTOM_ID_LENGTH ||
        textLength(customId) > MAX_CUSTOM_ID_LENGTH
      ) return undefined;
      const raw = matchLiterals(customId, names, literals);
      if (raw === undefined) return undefined;
      const params: Record<string, string> = {};
      for (const name of names) {
        const value = decodeValue(raw[name]!);
        if (value === undefined) return undefined;
        params[name] = value;
      }
      return params;
    },
  };
}

/**
 * Whether a literal between two parameters starts with a character no
 * encoded value holds, so the first occurrence of the literal after a
 * parameter is where the parameter ends.
 */
function separates(literal: string): boolean {
  const first = literal.charCodeAt(0);
  return literal.length > 0 && first < 0x80 && first !== PERCENT &&
    !isKept(first);
}

const PERCENT = 0x25;

/**
 * Whether encoding keeps a UTF-16 code unit as it is: ASCII letters,
 * digits, `-`, `_`, `.`, and everything outside ASCII (escaping it would
 * take three characters of the 100 per UTF-8 byte).
 */
export function isKept(code: number): boolean {
  return code >= 0x80 ||
    (code >= 0x30 && code <= 0x39) || // 0-9
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    code === 0x2d || code === 0x5f || code === 0x2e; // - _ .
}

/** A parameter value as it goes into an id: other ASCII as `%XX`. */
function encodeValue(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    out += isKept(code)
      ? value[i]
      : `%${code.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/**
 * A parameter read from an id, `%XX` escapes decoded; `undefined` when a
 * `%` starts no escape {@linkcode customId} writes (two hex digits, ASCII).
 */
function decodeValue(raw: string): string | undefined {
  if (!raw.includes("%")) return raw;
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    if (raw.charCodeAt(i) !== PERCENT) {
      out += raw[i];
      continue;
    }
    const hex = raw.slice(i + 1, i + 3);
    if (!/^[0-7][0-9a-fA-F]$/.test(hex)) return undefined;
    out += String.fromCharCode(parseInt(hex, 16));
    i += 2;
  }
  return out;
}

/**
 * Read `names` out of `id` between `literals`, in one pass: the first and
 * last literals must start and end it, and each parameter runs to the
 * first occurrence of the literal after it. (A regular expression of lazy
 * groups backtracked: 4.3 s for a 100-character id against a pattern of
 * six parameters.) The values are still encoded; the literal between two
 * parameters starts with a character no encoded value holds, so every id
 * {@linkcode customId} makes reads back as given.
 */
function matchLiterals(
  id: string,
  names: readonly string[],
  literals: readonly string[],
): Record<string, string> | undefined {
  const head = literals[0]!;
  const tail = literals[literals.length - 1]!;
  if (names.length === 0) return id === head ? {} : undefined;
  if (
    id.length < head.length + tail.length || !id.startsWith(head) ||
    !id.endsWith(tail)
  ) return undefined;
  const end = id.length - tail.length;
  const params: Record<string, string> = {};
  let at = head.length;
  for (let i = 0; i < names.length; i++) {
    const next = i + 1 < names.length ? literals[i + 1]! : undefined;
    if (next === undefined) {
      params[names[i]!] = id.slice(at, end);
      break;
    }
    const found = id.indexOf(next, at);
    if (found === -1 || found + next.length > end) return undefined;
    params[names[i]!] = id.slice(at, found);
    at = found + next.length;
  }
  return params;
}

/**
 * Fill a pattern's parameters in, checking the result fits Discord's 100
 * characters.
 *
 * Values are encoded so that none can hold the pattern's punctuation: `%`
 * and every ASCII character other than letters, digits, `-`, `_` and `.`
 * become `%` and two upper-case hex digits (`"a:b"` → `"a%3Ab"`);
 * characters outside ASCII stay as they are. A value can therefore never
 * make an id that another route's pattern (`"tag:{name}:delete"` beside
 * `"tag:{name}"`) or the same pattern split differently would take, and
 * the router's `params` (and `awaitComponent`'s) are the values as given.
 * The 100-character limit applies to the encoded id. A value holding an
 * unpaired UTF-16 surrogate (a string cut in the middle of an emoji) is
 * refused: the id travels as UTF-8, which cannot carry it, so it would come
 * back changed (as U+FFFD) and no longer read back as given.
 *
 * @typeParam P The pattern.
 * @param pattern E.g. `"reroll:{sides}"`.
 * @param params A value for every parameter, as an own property
 *   (`undefined` and `null` count as missing).
 * @returns The custom id.
 * @throws {RangeError} When the result is empty or over 100 characters.
 * @throws {TypeError} When a value is missing (not an own property of
 *   `params`, or `undefined` or `null`) or holds an unpaired surrogate, or
 *   the pattern is refused by {@linkcode compileCustomId}.
 *
 * @example Usage
 * ```ts
 * import { compileCustomId, customId } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * assert.equal(customId("reroll:{sides}", { sides: 6 }), "reroll:6");
 * const id = customId("tag:{name}", { name: "rules:delete" });
 * assert.equal(id, "tag:rules%3Adelete");
 * assert.equal(compileCustomId("tag:{name}:delete").match(id), undefined);
 * assert.deepEqual(compileCustomId("tag:{name}").match(id), { name: "rules:delete" });
 * ```
 */
export function customId<const P extends string>(
  pattern: P,
  params: { [K in keyof PatternParams<P>]: string | number | boolean },
): string {
  // Refuses a pattern whose ids would not read back (and says why).
  compileCustomId(pattern);
  const values = params as Record<string, string | number | boolean>;
  const id = pattern.replace(/\{([^{}]*)\}/g, (_, name: string) => {
    // Only a value of its own: `in` took `undefined` (and a name only
    // Object.prototype has, such as `constructor`) and wrote it out as text.
    if (!Object.hasOwn(values, name) || values[name] == null) {
      throw new TypeError(
        `Cannot build custom id as parameter '${name}' has no value: pattern '${pattern}'`,
      );
    }
    const value = String(values[name]);
    assertWellFormed(
      `build custom id as parameter '${name}'`,
      value,
      `${name}=${JSON.stringify(value.slice(0, 100))}`,
    );
    return encodeValue(value);
  });
  checkCustomId(id);
  return id;
}

/**
 * Check a custom id is 1-100 characters (code points, as Discord counts
 * them: an emoji is one) and holds no unpaired UTF-16 surrogate (ids
 * travel as UTF-8, which cannot carry one: the id a click sends back would
 * not be the one built).
 *
 * @param id The custom id.
 * @throws {RangeError} When it is not 1-100 characters.
 * @throws {TypeError} When it holds an unpaired surrogate.
 *
 * @example Usage
 * ```ts
 * import { checkCustomId } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * checkCustomId("page:2");
 * assert.throws(() => checkCustomId(""), RangeError);
 * assert.throws(() => checkCustomId("x".repeat(101)), RangeError);
 * assert.throws(() => checkCustomId("\uD800"), TypeError);
 * ```
 */
export function checkCustomId(id: string): void {
  const length = typeof id === "string" ? textLength(id) : typeof id;
  if (
    typeof length !== "number" || length < 1 ||
    length > MAX_CUSTOM_ID_LENGTH
  ) {
    throw new RangeError(
      `Cannot use custom id as it must be 1-100 characters: current length '${length}'`,
    );
  }
  assertWellFormed("use custom id as it", id, JSON.stringify(id));
}

/**
 * Refuse a pattern no id Discord sends could match, by the rule
 * {@linkcode checkCustomId} builds ids by: an empty one (it has no
 * parameter to fill), or one whose literal text alone is over 100
 * characters. Either compiled and routed nothing, silently.
 *
 * @param pattern The pattern.
 * @param literals Its text around the parameters.
 */
function assertCanMatch(pattern: string, literals: readonly string[]): void {
  const fixed = textLength(literals.join(""));
  if (pattern === "" || fixed > MAX_CUSTOM_ID_LENGTH) {
    throw new RangeError(
      `Cannot compile custom id pattern as no custom id could match it (they are 1-100 characters; its text outside the parameters is ${fixed}): current value 'pattern=${
        JSON.stringify(pattern.slice(0, 100))
      }'`,
    );
  }
}

/**
 * Refuse text holding an unpaired UTF-16 surrogate: ids travel as UTF-8,
 * which cannot carry one, so the id a click sends back would not be the
 * one built (and no id could match such a pattern).
 *
 * @param what The message's subject ("use custom id as it").
 * @param text The text.
 * @param shown The value as the message shows it.
 */
function assertWellFormed(what: string, text: string, shown: string): void {
  if (!text.isWellFormed()) {
    throw new TypeError(
      `Cannot ${what} holds an unpaired UTF-16 surrogate (ids travel as UTF-8, which cannot carry it): current value '${shown}'`,
    );
  }
}
