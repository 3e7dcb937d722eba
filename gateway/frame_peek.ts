/**
 * Reading a gateway frame's envelope (`op`, `s`, `t`) straight from the JSON
 * text, so a shard can drop the dispatches nobody listens to without paying
 * for `JSON.parse` (the JavaScript counterpart of twilight's
 * `EventTypeFlags`).
 *
 * @module
 */

/** The top-level envelope fields of a gateway frame, as `JSON.parse` gives them. */
export interface FramePeek {
  /** The opcode (`op`), an integer. */
  op: number;
  /** The sequence number (`s`), or `null` when it is `null` or absent. */
  s: number | null;
  /** The dispatch name (`t`), or `null` when it is `null` or absent. */
  t: string | null;
}

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const LBRACKET = 0x5b;
const BACKSLASH = 0x5c;
const RBRACKET = 0x5d;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

/** Top-level key kinds. */
const OTHER = 0;
const OP = 1;
const S = 2;
const T = 3;
const BAD = -1;

/**
 * A later top-level key `op`, `s` or `t` written without escapes: a comma or
 * whitespace, the quoted key, then whitespace or the colon.
 */
const MAYBE_ENVELOPE_KEY = /[,\t\n\r ]"(?:op"|[st]")[\t\n\r :]/g;

/**
 * Below this many characters left, walking a value costs less than the fixed
 * price of reading the frame from the end and searching the middle.
 */
const SMALL_REST = 64;

/** Scratch results, so the hot path allocates nothing but its answer. */
let valueEnd = 0;
let valueOp = 0;
let valueS: number | null = null;
let valueT: string | null = null;
let tailSeen = 0;
let tailOp = 0;
let tailS: number | null = null;
let tailT: string | null = null;
let tailBad = false;

/**
 * Reads `op`, `s` and `t` from the top level of a JSON gateway frame without
 * parsing the whole frame.
 *
 * Whenever it returns a value, that value is what `JSON.parse(text)` would
 * give for those three fields (the last one wins when a key is repeated), so
 * a caller can decide from it whether the frame is worth parsing. It returns
 * `undefined` when it cannot be sure: the text is not a JSON object, `op` is
 * absent or not an integer, `s` is neither a number nor `null`, `t` is
 * neither a string nor `null`, one of these keys is written with escapes
 * (`"\u0074"`; Discord never does that), or the frame is malformed where it
 * looked. Every other JSON object gets an answer. It never throws.
 *
 * It does not validate the whole frame: for text that is not valid JSON
 * (a truncated frame that still ends in `}`, say) it may return a value.
 *
 * How: Discord's compact layout `{"t":…,"s":…,"op":…,"d":…}` is read
 * from the front and `d` is never looked at; a top-level key repeated after
 * `d` is the one case this does not detect (RFC 8259 leaves repeated names'
 * meaning unpredictable; Discord never sends them). Any other layout is
 * answered exactly as `JSON.parse` would, repeats included: the keys before
 * the first object or array value are read from the front, the keys after
 * the last one from the back, and one native search of the text in between
 * makes sure no key there is `op`, `s` or `t`. Only when that search finds a
 * candidate (a nested key `"t"`, say) are the values in between walked,
 * brackets counted and strings skipped.
 *
 * @example Usage
 * ```ts
 * import { peekFrame } from "./frame_peek.ts";
 * import assert from "node:assert/strict";
 *
 * const frame = '{"t":"MESSAGE_CREATE","s":42,"op":0,"d":{"content":"\\"op\\":1"}}';
 * assert.deepEqual(peekFrame(frame), { op: 0, s: 42, t: "MESSAGE_CREATE" });
 * assert.deepEqual(peekFrame('{"d":{"t":"X"},"op":11}'), { op: 11, s: null, t: null });
 * assert.equal(peekFrame('{"t":null,"s":null}'), undefined); // no op
 * assert.equal(peekFrame("[0]"), undefined);
 * ```
 *
 * @param text One gateway frame as JSON text.
 * @returns The frame's `op`, `s` and `t`, or `undefined` when not sure.
 */
export function peekFrame(text: string): FramePeek | undefined {
  if (
    text.charCodeAt(0) === LBRACE && text.charCodeAt(1) === QUOTE &&
    text.charCodeAt(2) === 0x74 && text.charCodeAt(3) === QUOTE &&
    text.charCodeAt(4) === COLON
  ) {
    const answer = peekDiscordLayout(text);
    if (answer !== null) return answer;
  }
  let i = skipWhitespace(text, 0);
  if (text.charCodeAt(i) !== LBRACE) return undefined;
  i = skipWhitespace(text, i + 1);
  if (text.charCodeAt(i) === RBRACE) return undefined; // {}: no op
  let op: number | undefined;
  let s: number | null = null;
  let t: string | null = null;
  // One bit per key (op 1, s 2, t 4) whose last value so far cannot be
  // represented.
  let bad = 0;
  // Where the frame's tail ends (-2: not read yet, -1: not readable), and
  // from where trying the tail again can succeed.
  let tailStart = -2;
  let tryTailFrom = 0;
  for (;;) {
    // A key.
    if (text.charCodeAt(i) !== QUOTE) return undefined;
    const keyEnd = shortStringEnd(text, i);
    if (keyEnd < 0) return undefined;
    const kind = keyKind(text, i, keyEnd, plain);
    if (kind === BAD) return undefined;
    i = skipWhitespace(text, keyEnd + 1);
    if (text.charCodeAt(i) !== COLON) return undefined;
    i = skipWhitespace(text, i + 1);
    // Its value.
    if (kind !== OTHER) {
      const bit = 1 << (kind - 1);
      if (readEnvelopeValue(text, i, kind)) {
        if (kind === OP) op = valueOp;
        else if (kind === S) s = valueS;
        else t = valueT;
        bad &= ~bit;
        i = valueEnd;
      } else {
        // Unless a later key of the same name replaces it.
        bad |= bit;
        i = skipValue(text, i);
        if (i < 0) return undefined;
      }
    } else {
      const first = text.charCodeAt(i);
      if (
        (first === LBRACE || first === LBRACKET) && i >= tryTailFrom &&
        text.length - i > SMALL_REST
      ) {
        if (tailStart === -2) {
          tailStart = readTail(text);
          escapeAt = -1; // what the last frame found says nothing here
        }
        if (tailStart > i) {
          const answer = answerWithTail(text, i, tailStart, op, s, t, bad);
          if (answer !== null) return answer;
          tryTailFrom = middleHitEnd;
        } else {
          tryTailFrom = Infinity;
        }
      }
      i = skipValue(text, i);
      if (i < 0) return undefined;
    }
    // A comma and the next key, or the end of the object.
    i = skipWhitespace(text, i);
    const c = text.charCodeAt(i);
    if (c === COMMA) {
      i = skipWhitespace(text, i + 1);
    } else if (c === RBRACE) {
      if (op === undefined || bad !== 0) return undefined;
      if (skipWhitespace(text, i + 1) !== text.length) return undefined;
      return { op, s, t };
    } else {
      return undefined;
    }
  }
}

/**
 * The fast path for the compact layout Discord sends,
 * `{"t":…,"s":…,"op":…,"d":…}`, with `t` a plain string or null, `s` a
 * non-negative integer or null and `op` a non-negative integer: straight-line
 * code without calls. `null` when the frame is not of that layout (or the
 * text after `d` may repeat a key): the general path decides then.
 */
function peekDiscordLayout(text: string): FramePeek | undefined | null {
  // {"t": was matched by the caller.
  let i = 5;
  let c = text.charCodeAt(i);
  let t: string | null;
  if (c === QUOTE) {
    const start = i;
    for (;;) {
      c = text.charCodeAt(++i);
      if (c === QUOTE) break;
      if (c === BACKSLASH || !(c >= SPACE)) return null;
    }
    t = text.slice(start + 1, i++);
  } else if (isNull(text, i)) {
    t = null;
    i += 4;
  } else {
    return null;
  }
  if (
    text.charCodeAt(i) !== COMMA || text.charCodeAt(i + 1) !== QUOTE ||
    text.charCodeAt(i + 2) !== 0x73 || text.charCodeAt(i + 3) !== QUOTE ||
    text.charCodeAt(i + 4) !== COLON
  ) {
    return null;
  }
  i += 5;
  c = text.charCodeAt(i);
  let s: number | null;
  if (c === ZERO) {
    s = 0;
    i++;
  } else if (c > ZERO && c <= NINE) {
    const start = i;
    let value = c - ZERO;
    c = text.charCodeAt(++i);
    while (c >= ZERO && c <= NINE) {
      value = value * 10 + (c - ZERO);
      c = text.charCodeAt(++i);
    }
    if (i - start > 15) return null; // beyond exact integer arithmetic
    s = value;
  } else if (isNull(text, i)) {
    s = null;
    i += 4;
  } else {
    return null;
  }
  if (
    text.charCodeAt(i) !== COMMA || text.charCodeAt(i + 1) !== QUOTE ||
    text.charCodeAt(i + 2) !== 0x6f || text.charCodeAt(i + 3) !== 0x70 ||
    text.charCodeAt(i + 4) !== QUOTE || text.charCodeAt(i + 5) !== COLON
  ) {
    return null;
  }
  i += 6;
  c = text.charCodeAt(i);
  let op: number;
  if (c === ZERO) {
    op = 0;
    i++;
  } else if (c > ZERO && c <= NINE) {
    op = c - ZERO;
    c = text.charCodeAt(++i);
    while (c >= ZERO && c <= NINE) {
      op = op * 10 + (c - ZERO);
      c = text.charCodeAt(++i);
    }
    if (op > Number.MAX_SAFE_INTEGER) return null;
  } else {
    return null;
  }
  if (
    text.charCodeAt(i) !== COMMA || text.charCodeAt(i + 1) !== QUOTE ||
    text.charCodeAt(i + 2) !== 0x64 || text.charCodeAt(i + 3) !== QUOTE ||
    text.charCodeAt(i + 4) !== COLON
  ) {
    return null;
  }
  i += 5;
  c = text.charCodeAt(i);
  // Discord's own layout, `{"t":…,"s":…,"op":…,"d":{…}}`: the envelope is
  // read and `d` is not scanned. The frame must end right after `d` (`}}` or
  // `]}`), so a key repeated after `d` with a scalar value (`…,"s":9}`) goes
  // to the general path, which reads it as JSON.parse does. The one thing
  // this cannot see is a repeated key after `d` that is itself followed by an
  // object or array value; RFC 8259 (section 4) leaves the meaning of
  // repeated names unpredictable, Discord's encoder never writes them, and
  // scanning `d` for them would cost most of what the peek saves (the shard
  // checks `s` and `t` again whenever it parses a peeked frame).
  if (c === LBRACE || c === LBRACKET) {
    // A frame cut short (not ending in `}`) is left to JSON.parse.
    const last = text.length - 1;
    return text.charCodeAt(last) === RBRACE &&
        text.charCodeAt(last - 1) === (c === LBRACE ? RBRACE : RBRACKET)
      ? { op, s, t }
      : null;
  }
  if (
    isNull(text, i) && text.charCodeAt(i + 4) === RBRACE &&
    skipWhitespace(text, i + 5) === text.length
  ) {
    return { op, s, t };
  }
  return null;
}

/**
 * The answer once the keys before `start` (the first object or array value)
 * gave `op`, `s`, `t` and `bad` (see {@link peekFrame}) and
 * {@link readTail} returned `tailStart`: `null` when the text in between may
 * hold a key `op`, `s` or `t` (see {@link middleHitEnd}).
 */
function answerWithTail(
  text: string,
  start: number,
  tailStart: number,
  op: number | undefined,
  s: number | null,
  t: string | null,
  bad: number,
): FramePeek | undefined | null {
  if (middleHit(text, start, tailStart)) return null;
  // No key between start and the tail is op, s or t.
  if (tailBad || (bad & ~tailSeen) !== 0) return undefined;
  if ((tailSeen & 1) !== 0) op = tailOp;
  if (op === undefined) return undefined;
  return {
    op,
    s: (tailSeen & 2) !== 0 ? tailS : s,
    t: (tailSeen & 4) !== 0 ? tailT : t,
  };
}

/**
 * Reads the value of an `op` (an integer), `s` (a number or null) or `t` (a
 * string or null) at `i` into the scratch results and its end into
 * {@link valueEnd}. False when the value is not of that type.
 */
function readEnvelopeValue(text: string, i: number, kind: number): boolean {
  if (kind === OP) {
    const value = readNumber(text, i);
    if (!Number.isInteger(value)) return false;
    valueOp = value;
    return true;
  }
  if (isNull(text, i)) {
    if (kind === S) valueS = null;
    else valueT = null;
    valueEnd = i + 4;
    return true;
  }
  if (kind === S) {
    const value = readNumber(text, i);
    if (value !== value) return false; // NaN: not a number
    valueS = value;
    return true;
  }
  if (text.charCodeAt(i) !== QUOTE) return false;
  const end = shortStringEnd(text, i);
  if (end < 0) return false;
  const value = stringValue(text, i, end, plain);
  if (value === undefined) return false;
  valueT = value;
  valueEnd = end + 1;
  return true;
}

/**
 * Reads the frame backwards from its closing brace, through the key/value
 * pairs whose values are not objects or arrays, and stores the last `op`,
 * `s` and `t` among them in the tail scratch results. Returns the index just
 * after the last object or array value, or -1 when the tail is not of that
 * shape (the frame then gets walked from the front).
 */
function readTail(text: string): number {
  tailSeen = 0;
  tailBad = false;
  let k = skipWhitespaceBack(text, text.length - 1);
  if (text.charCodeAt(k) !== RBRACE) return -1;
  k = skipWhitespaceBack(text, k - 1);
  for (;;) {
    // k is on the last character of a value.
    const c = text.charCodeAt(k);
    if (c === RBRACE || c === RBRACKET) return k + 1;
    let valueStart: number;
    if (c === QUOTE) {
      valueStart = stringStartBack(text, k);
      if (valueStart < 0) return -1;
    } else {
      valueStart = k;
      while (isScalarChar(text.charCodeAt(valueStart - 1))) valueStart--;
      if (!isScalarChar(c)) return -1;
    }
    let j = skipWhitespaceBack(text, valueStart - 1);
    if (text.charCodeAt(j) !== COLON) return -1;
    j = skipWhitespaceBack(text, j - 1);
    if (text.charCodeAt(j) !== QUOTE) return -1;
    const keyStart = stringStartBack(text, j);
    if (keyStart < 0 || shortStringEnd(text, keyStart) !== j) return -1;
    const kind = keyKind(text, keyStart, j, plain);
    if (kind === BAD) return -1;
    // Read from the back, the first of each key is the one JSON.parse keeps.
    if (kind !== OTHER && (tailSeen & (1 << (kind - 1))) === 0) {
      tailSeen |= 1 << (kind - 1);
      if (!readEnvelopeValue(text, valueStart, kind) || valueEnd !== k + 1) {
        tailBad = true;
      } else if (kind === OP) {
        tailOp = valueOp;
      } else if (kind === S) {
        tailS = valueS;
      } else {
        tailT = valueT;
      }
    }
    k = skipWhitespaceBack(text, keyStart - 1);
    if (text.charCodeAt(k) !== COMMA) return -1;
    k = skipWhitespaceBack(text, k - 1);
  }
}

/** Where the last hit of {@link middleHit} ends: search again after it. */
let middleHitEnd = 0;

/**
 * What the last {@link escapedLetter} search of this frame found (-1: none
 * made yet). A search for a `start` not past it would find it again, so it
 * is not made: each character of a frame is searched at most once. Without
 * it each object value at the top level searched to the end of the text
 * again: 128k keys `"k":{"a":0,"s":1}` (3 MB) took 3.3 s.
 */
let escapeAt = -1;

/**
 * Whether `text` from `start` to `end` may hold a key `op`, `s` or `t`,
 * literal or with `\\u` escapes (`o` is U+006F, `p` U+0070, `s` U+0073, `t`
 * U+0074). When it may, {@link middleHitEnd} tells from where a later search
 * can give another answer. Called with a growing `start` and the same `end`
 * for one frame, it reads each character at most once in all.
 */
function middleHit(text: string, start: number, end: number): boolean {
  if (start > escapeAt) escapeAt = escapedLetter(text, start, end);
  if (escapeAt < end) {
    middleHitEnd = escapeAt + 6;
    return true;
  }
  MAYBE_ENVELOPE_KEY.lastIndex = start;
  if (MAYBE_ENVELOPE_KEY.test(text)) {
    // The match is 6 characters long for "op", else 5.
    const matchEnd = MAYBE_ENVELOPE_KEY.lastIndex;
    const length = text.charCodeAt(matchEnd - 3) === 0x70 ? 6 : 5;
    if (matchEnd - length < end) {
      middleHitEnd = matchEnd;
      return true;
    }
  }
  return false;
}

/**
 * The index of the first `\\u006` or `\\u007` (U+0060 to U+007F, which take
 * in `o`, `p`, `s` and `t`) at or after `start` and before `end`, or `end`
 * when there is none.
 */
function escapedLetter(text: string, start: number, end: number): number {
  let k = text.indexOf("\\u00", start);
  while (k >= 0 && k < end) {
    const digit = text.charCodeAt(k + 4);
    if (digit === 0x36 || digit === 0x37) return k;
    k = text.indexOf("\\u00", k + 4);
  }
  return end;
}

function isScalarChar(c: number): boolean {
  return (c >= ZERO && c <= NINE) || (c >= 0x61 && c <= 0x7a) ||
    c === MINUS || c === PLUS || c === DOT || c === UPPER_E;
}

function skipWhitespace(text: string, i: number): number {
  let c = text.charCodeAt(i);
  while (c === SPACE || c === LF || c === CR || c === TAB) {
    c = text.charCodeAt(++i);
  }
  return i;
}

function skipWhitespaceBack(text: string, i: number): number {
  let c = text.charCodeAt(i);
  while (c === SPACE || c === LF || c === CR || c === TAB) {
    c = text.charCodeAt(--i);
  }
  return i;
}

/**
 * The index of the quote that opens the string whose closing quote is at
 * `end`, or -1: the nearest quote before it not escaped by an odd run of
 * backslashes.
 */
function stringStartBack(text: string, end: number): number {
  for (let j = end - 1; j >= 0; j--) {
    if (text.charCodeAt(j) === QUOTE) {
      let b = j - 1;
      while (text.charCodeAt(b) === BACKSLASH) b--;
      if (((j - 1 - b) & 1) === 0) return j;
    }
  }
  return -1;
}

/**
 * Whether the string last read by {@link shortStringEnd} holds neither
 * escapes nor control characters, so its value is its text.
 */
let plain = true;

/**
 * The index of the quote that closes the string whose opening quote is at
 * `start`, or -1; sets {@link plain}. Walks the characters: cheaper than
 * `indexOf` for the short strings of keys and dispatch names.
 */
function shortStringEnd(text: string, start: number): number {
  plain = true;
  for (let j = start + 1;; j++) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) return j;
    if (c === BACKSLASH) {
      plain = false;
      j++;
    } else if (!(c >= SPACE)) {
      if (c !== c) return -1; // NaN: past the end
      plain = false;
    }
  }
}

/**
 * The index of the quote that closes the string whose opening quote is at
 * `start`, or -1. Jumps from quote to quote: a quote is escaped when an odd
 * run of backslashes precedes it.
 */
function stringEnd(text: string, start: number): number {
  let end = start;
  for (;;) {
    end = text.indexOf('"', end + 1);
    if (end < 0) return -1;
    if (text.charCodeAt(end - 1) !== BACKSLASH) return end;
    let b = end - 2;
    while (text.charCodeAt(b) === BACKSLASH) b--;
    if (((end - 1 - b) & 1) === 0) return end;
  }
}

/**
 * The value of the string literal from the quote at `start` to the quote at
 * `end` (`isPlain` as {@link plain} said when it was read), or `undefined`
 * when it is not a valid JSON string.
 */
function stringValue(
  text: string,
  start: number,
  end: number,
  isPlain: boolean,
): string | undefined {
  if (isPlain) return text.slice(start + 1, end);
  try {
    return JSON.parse(text.slice(start, end + 1)) as string;
  } catch {
    return undefined;
  }
}

/**
 * Which envelope key the key literal from `start` to `end` (quotes) is
 * (`isPlain` as {@link plain} said when it was read). `op`, `s` or `t` written with escapes is BAD:
 * V8's `JSON.parse` (in Deno 2.9.6) can misread escaped keys, so only the
 * caller's own parse can say what it makes of them.
 */
function keyKind(
  text: string,
  start: number,
  end: number,
  isPlain: boolean,
): number {
  if (isPlain) {
    const length = end - start - 1;
    if (length === 1) {
      const c = text.charCodeAt(start + 1);
      return c === 0x74 ? T : c === 0x73 ? S : OTHER;
    }
    if (length === 2) {
      return text.charCodeAt(start + 1) === 0x6f &&
          text.charCodeAt(start + 2) === 0x70
        ? OP
        : OTHER;
    }
    return OTHER;
  }
  const key = stringValue(text, start, end, false);
  return key === undefined || key === "op" || key === "s" || key === "t"
    ? BAD
    : OTHER;
}

function isNull(text: string, i: number): boolean {
  return text.charCodeAt(i) === 0x6e && text.charCodeAt(i + 1) === 0x75 &&
    text.charCodeAt(i + 2) === 0x6c && text.charCodeAt(i + 3) === 0x6c;
}

/**
 * Reads the JSON number at `i` and leaves its end in {@link valueEnd}.
 * Returns NaN when there is no well-formed JSON number there.
 */
function readNumber(text: string, i: number): number {
  const start = i;
  let c = text.charCodeAt(i);
  const negative = c === MINUS;
  if (negative) c = text.charCodeAt(++i);
  if (c === ZERO) {
    c = text.charCodeAt(++i);
  } else if (c > ZERO && c <= NINE) {
    do c = text.charCodeAt(++i); while (c >= ZERO && c <= NINE);
  } else {
    return NaN;
  }
  const integerEnd = i;
  if (c === DOT) {
    c = text.charCodeAt(++i);
    if (!(c >= ZERO && c <= NINE)) return NaN;
    do c = text.charCodeAt(++i); while (c >= ZERO && c <= NINE);
  }
  if (c === LOWER_E || c === UPPER_E) {
    c = text.charCodeAt(++i);
    if (c === PLUS || c === MINUS) c = text.charCodeAt(++i);
    if (!(c >= ZERO && c <= NINE)) return NaN;
    do c = text.charCodeAt(++i); while (c >= ZERO && c <= NINE);
  }
  valueEnd = i;
  const digitsStart = negative ? start + 1 : start;
  if (i === integerEnd && i - digitsStart <= 15) {
    // A plain integer below 2^53: add the digits up exactly.
    let value = 0;
    for (let j = digitsStart; j < i; j++) {
      value = value * 10 + (text.charCodeAt(j) - ZERO);
    }
    return negative ? -value : value;
  }
  // Number() rounds a JSON number literal exactly as JSON.parse does.
  return Number(text.slice(start, i));
}

/**
 * The index just after the JSON value at `i`, or -1. Assumes valid JSON
 * inside the value: strings are skipped with their escapes and brackets are
 * counted, nothing else is checked.
 */
function skipValue(text: string, i: number): number {
  const first = text.charCodeAt(i);
  if (first === QUOTE) {
    const end = stringEnd(text, i);
    return end < 0 ? -1 : end + 1;
  }
  if (first === LBRACE || first === LBRACKET) {
    const length = text.length;
    let depth = 0;
    for (let j = i; j < length; j++) {
      const c = text.charCodeAt(j);
      if (c === QUOTE) {
        j = stringEnd(text, j);
        if (j < 0) return -1;
      } else if (c === LBRACE || c === LBRACKET) {
        depth++;
      } else if (c === RBRACE || c === RBRACKET) {
        if (--depth === 0) return j + 1;
      }
    }
    return -1;
  }
  // A number, true, false or null: runs to the next delimiter.
  let j = i;
  let c = first;
  while (
    c === c && c !== COMMA && c !== RBRACE && c !== RBRACKET &&
    c !== SPACE && c !== LF && c !== CR && c !== TAB && c !== QUOTE &&
    c !== LBRACE && c !== LBRACKET && c !== COLON
  ) {
    c = text.charCodeAt(++j);
  }
  return j === i ? -1 : j;
}
