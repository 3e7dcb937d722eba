/**
 * Whether two custom id patterns can take the same id, for the router's
 * warning at registration: the first registered route wins, so an earlier
 * pattern that also matches some of a new pattern's ids (`"vote:{id}"`
 * before `"{kind}:{id}"`, or `"a:{x}"` and `"{y}:b"` either way round)
 * silently takes those clicks. Private to the package (tested in
 * `tests/interactions/pattern_overlap_test.ts` and through the router).
 *
 * @module
 */
import { customId, type CustomIdPattern, isKept } from "./custom_id.ts";

/** Discord's longest custom id: a longer one matches no pattern. */
const MAX_ID_LENGTH = 100;
/** States one search may visit before it gives up (reports no overlap). */
const MAX_STATES = 200_000;
/** Fill-in characters for a parameter, the readable ones first. */
const PROBES = "xyzwvutsrqponmlkjihgfedcba0123456789";
const OCTAL = "01234567";
const HEX = "0123456789ABCDEF";

/**
 * Where the new pattern is in building an id: at a literal character or
 * inside a parameter (`at`), partway through a `%XX` escape (`escape`: 0
 * outside one, 1 after `%`, 2 + the first digit after that), and whether
 * the parameter holds anything yet.
 */
interface Building {
  at: number;
  escape: number;
  filled: boolean;
}

/**
 * Where the earlier pattern's matcher is: its step (`at`), how many
 * characters of the literal that ends the current parameter the id ends
 * with (`matched`), partway through a `%XX` escape in a parameter
 * (`escape`: 0, 1 after `%`, 2 after its first digit), and whether the
 * parameter holds anything yet.
 */
interface Matching {
  at: number;
  matched: number;
  escape: number;
  filled: boolean;
}

/**
 * One step of the earlier pattern's matcher, which reads an id left to
 * right exactly as `compileCustomId`'s `match` does: a literal character;
 * a parameter that runs to the first occurrence of the literal after it
 * (`until`, which the step takes too); the last parameter, which takes any
 * characters before the text after it.
 */
type MatchStep =
  | { kind: "char"; char: string }
  | { kind: "param"; until: string }
  | { kind: "rest" };

/**
 * An id that `later`'s `customId` can build and `earlier` also matches, or
 * `undefined` when there is none: the ids of `later` that a route for
 * `earlier`, registered before it, would take.
 *
 * The search walks both patterns at once, one character of the id at a
 * time, over a small product of states: the new pattern's position (a
 * literal character, or inside a parameter, whose value holds only what
 * encoding writes: letters, digits, `-`, `_`, `.`, non-ASCII and `%XX`
 * escapes of other ASCII) and the earlier pattern's matcher (its position,
 * how much of the literal that ends its current parameter the id ends
 * with, and whether a `%` there starts a valid escape). Where both are
 * inside a parameter it tries each character that could change the
 * earlier matcher's state and one that cannot, so the walk follows both
 * patterns exactly; every id it returns is also checked with the real
 * matchers, so it never reports an overlap there is not. Its size is
 * about the product of the patterns' lengths.
 *
 * What it can miss (it then reports nothing):
 * - an overlap whose ids need a `%` inside one of the earlier pattern's
 *   parameters that ends at a literal holding a `%` after its first
 *   character (`"{a}:%{b}"`): there it does not follow the escape, and if
 *   the check of the id it found fails it tries only paths through states
 *   it has not yet seen;
 * - an overlap whose ids are all close to Discord's 100 characters: the
 *   walk keeps the first way it reaches a state, which may be too long
 *   where a shorter one would have fitted;
 * - pairs of patterns so long the walk would visit over 200,000 states.
 *
 * It does not look for what it is not meant to report: ids built by hand
 * rather than by `customId` (a raw `:` inside a value), and ids of
 * `earlier` that `later` matches too (`"poll:a:b"` of `"poll:{x}:{y}"`
 * before `"poll:{x}"`), which still reach their own route, the earlier one.
 *
 * @param earlier The pattern registered first (it wins).
 * @param later The pattern registered after it.
 * @returns An example id both match, built as `customId` builds `later`'s.
 */
export function overlapExample(
  earlier: CustomIdPattern,
  later: CustomIdPattern,
): string | undefined {
  // Both ids start with their pattern's text before its first parameter
  // and end with the text after its last, written as is: when those differ
  // within their common length, no id is both's. Most pairs of a bot's
  // routes ("tag:…", "vote:…") end here, before any walk (1,000 routes:
  // 1.7 s of walks at registration without it).
  if (!mayShare(head(earlier.source), head(later.source), "start")) {
    return undefined;
  }
  if (!mayShare(tail(earlier.source), tail(later.source), "end")) {
    return undefined;
  }
  const built = buildTokens(later.source);
  const steps = matchSteps(earlier.source);
  const seen = new Set<string>();
  const taken = (id: string): boolean => {
    if (id.length === 0 || earlier.match(id) === undefined) return false;
    const params = later.match(id);
    try {
      return params !== undefined && customId(later.source, params) === id;
    } catch {
      return false;
    }
  };

  const visit = (
    id: string,
    b: Building,
    m: Matching,
  ): string | undefined => {
    if (b.at === built.length && m.at === steps.length) {
      return taken(id) ? id : undefined;
    }
    const key =
      `${b.at},${b.escape},${b.filled},${m.at},${m.matched},${m.escape},${m.filled}`;
    if (seen.has(key) || seen.size >= MAX_STATES) return undefined;
    seen.add(key);
    const emit = (char: string): string | undefined => {
      if (id.length >= MAX_ID_LENGTH) return undefined;
      const nextB = buildStep(built, b, char);
      const nextM = nextB && matchStep(steps, m, char);
      return nextM && visit(id + char, nextB, nextM);
    };
    const token = built[b.at];
    const step = steps[m.at];
    const until = step?.kind === "param" ? step.until : "";
    const probe = [...PROBES].find((char) => !until.includes(char)) ?? "\u00e9";
    // A literal on either side is the next character; inside parameters on
    // both, each character the earlier matcher tells apart: those of the
    // literal it looks for, the digits an escape needs, and one that is
    // none of these (first, to fill an empty value).
    const chars = b.at >= built.length || step === undefined
      ? ""
      : typeof token === "string"
      ? token
      : step.kind === "char"
      ? step.char
      : b.escape === 1
      ? OCTAL
      : b.escape >= 2
      ? HEX
      : (b.filled && m.filled ? "" : probe) + until +
        (m.escape === 1 ? OCTAL : m.escape === 2 ? HEX + "abcdef" : "");
    for (let i = 0; i < chars.length; i++) {
      const found = emit(chars[i]!);
      if (found !== undefined) return found;
    }
    // Or a parameter ends here (not inside an escape).
    if (b.at < built.length && token === undefined && b.escape === 0) {
      const found = visit(id, { at: b.at + 1, escape: 0, filled: false }, m);
      if (found !== undefined) return found;
    }
    if (step?.kind === "rest" && m.escape === 0) {
      const next = { at: m.at + 1, matched: 0, escape: 0, filled: false };
      const found = visit(id, b, next);
      if (found !== undefined) return found;
    }
    return b.escape === 0 && b.filled && m.filled ? emit(probe) : undefined;
  };
  return visit(
    "",
    { at: 0, escape: 0, filled: false },
    { at: 0, matched: 0, escape: 0, filled: false },
  );
}

/** A pattern's literal text around its parameters: one more than those. */
function literalsOf(source: string): string[] {
  return source.split(/\{[^{}]*\}/);
}

/** The new pattern as literal characters and parameters (`undefined`). */
function buildTokens(source: string): (string | undefined)[] {
  const literals = literalsOf(source);
  const tokens: (string | undefined)[] = [];
  literals.forEach((literal, i) => {
    tokens.push(...literal.split(""));
    if (i < literals.length - 1) tokens.push(undefined);
  });
  return tokens;
}

/** The earlier pattern as its matcher's steps. */
function matchSteps(source: string): MatchStep[] {
  const literals = literalsOf(source);
  const chars = (text: string): MatchStep[] =>
    text.split("").map((char) => ({ kind: "char", char }));
  const steps = chars(literals[0]!);
  for (let i = 1; i < literals.length; i++) {
    if (i < literals.length - 1) {
      steps.push({ kind: "param", until: literals[i]! });
    } else steps.push({ kind: "rest" }, ...chars(literals[i]!));
  }
  return steps;
}

/**
 * The new pattern after one more character of the id, or `undefined` when
 * it cannot come next: a literal must be matched; a parameter's value holds
 * kept characters and `%XX` escapes of other ASCII, as `customId` writes
 * them (upper-case digits).
 */
function buildStep(
  tokens: readonly (string | undefined)[],
  b: Building,
  char: string,
): Building | undefined {
  if (b.at >= tokens.length) return undefined;
  const token = tokens[b.at];
  if (token !== undefined) {
    return token === char
      ? { at: b.at + 1, escape: 0, filled: false }
      : undefined;
  }
  const inside = (escape: number): Building => ({ ...b, escape, filled: true });
  if (b.escape === 0) {
    if (isKept(char.charCodeAt(0))) return inside(0);
    return char === "%" ? inside(1) : undefined;
  }
  const digit = HEX.indexOf(char);
  if (digit === -1) return undefined;
  if (b.escape === 1) return digit < 8 ? inside(2 + digit) : undefined;
  return isKept((b.escape - 2) * 16 + digit) ? undefined : inside(0);
}

/** The earlier matcher after one more character, or `undefined`. */
function matchStep(
  steps: readonly MatchStep[],
  m: Matching,
  char: string,
): Matching | undefined {
  const step = steps[m.at];
  if (step === undefined) return undefined;
  const done: Matching = { at: m.at + 1, matched: 0, escape: 0, filled: false };
  if (step.kind === "char") return step.char === char ? done : undefined;
  // The value must decode: a '%' starts two hex digits, the first 0-7. In a
  // parameter a literal ends, the literal's own characters are followed
  // too: its first is punctuation, so a value that ends inside an escape
  // fails there, as it should; with a '%' in the literal that would be
  // wrong, so such a parameter's escapes are left to the final check.
  const follow = step.kind === "rest" || !step.until.includes("%");
  const escape = follow ? decodeStep(m.escape, char) : 0;
  if (escape === undefined) return undefined;
  if (step.kind === "rest") return { ...m, escape, filled: true };
  const matched = advance(step.until, m.matched, char);
  if (matched === step.until.length) return done;
  return { at: m.at, matched, escape, filled: true };
}

/** The decoder's escape state after a character, or `undefined` if bad. */
function decodeStep(escape: number, char: string): number | undefined {
  if (escape === 0) return char === "%" ? 1 : 0;
  if (escape === 1) return OCTAL.includes(char) ? 2 : undefined;
  return /^[0-9a-fA-F]$/.test(char) ? 0 : undefined;
}

/**
 * How much of `literal` the text ends with after `char`, given it ended
 * with its first `k` characters: the first occurrence completes at
 * `literal.length`.
 */
function advance(literal: string, k: number, char: string): number {
  const text = literal.slice(0, k) + char;
  for (let j = Math.min(text.length, literal.length); j > 0; j--) {
    if (text.endsWith(literal.slice(0, j))) return j;
  }
  return 0;
}

/** A pattern's text before its first parameter (all of it without one). */
function head(source: string): string {
  const brace = source.indexOf("{");
  return brace < 0 ? source : source.slice(0, brace);
}

/** A pattern's text after its last parameter (all of it without one). */
function tail(source: string): string {
  const brace = source.lastIndexOf("}");
  return brace < 0 ? source : source.slice(brace + 1);
}

/**
 * Whether two fixed starts (or ends) of ids agree over their common
 * length, so that one id could have both.
 */
function mayShare(a: string, b: string, at: "start" | "end"): boolean {
  const length = Math.min(a.length, b.length);
  return at === "start"
    ? a.slice(0, length) === b.slice(0, length)
    : a.slice(a.length - length) === b.slice(b.length - length);
}
