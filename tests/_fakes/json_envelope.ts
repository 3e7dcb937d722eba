// What a gateway frame's envelope (op, s, t) is, read by a strict JSON
// reader: the oracle of the frame peeker's differential tests.
import assert from "node:assert/strict";
import type { FramePeek } from "../../gateway/frame_peek.ts";

/**
 * A strict JSON reader (RFC 8259), used as the oracle instead of
 * `JSON.parse`: V8's `JSON.parse` in Deno 2.9.6 can misread escaped keys
 * (after `{"a":1,"\\\\":1}`, it reads `{"a":1,"\\u0074":2}` with the key
 * `"\\"` instead of `"t"`). Throws SyntaxError on invalid JSON.
 */
class Reader {
  #text: string;
  #i = 0;
  /** The last op, s and t at the top level, and whether one was escaped. */
  envelope = new Map<string, unknown>();
  escapedEnvelopeKey = false;

  constructor(text: string) {
    this.#text = text;
  }

  read(): unknown {
    this.#ws();
    const value = this.#value(0);
    this.#ws();
    if (this.#i !== this.#text.length) this.#fail("text after the value");
    return value;
  }

  #fail(what: string): never {
    throw new SyntaxError(`${what} at ${this.#i}`);
  }

  #ws(): void {
    while (" \t\n\r".includes(this.#text[this.#i] ?? "x")) this.#i++;
  }

  #value(depth: number): unknown {
    const c = this.#text[this.#i];
    if (c === "{") return this.#object(depth);
    if (c === "[") return this.#array(depth);
    if (c === '"') return this.#string().value;
    for (
      const [word, value] of [["true", true], ["false", false], [
        "null",
        null,
      ]] as const
    ) {
      if (this.#text.startsWith(word, this.#i)) {
        this.#i += word.length;
        return value;
      }
    }
    const number = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    number.lastIndex = this.#i;
    const match = number.exec(this.#text);
    if (match === null) this.#fail("no value");
    this.#i += match[0].length;
    return Number(match[0]);
  }

  #string(): { value: string; escaped: boolean } {
    this.#i++; // the opening quote
    let value = "";
    let escaped = false;
    for (;;) {
      const c = this.#text[this.#i++];
      if (c === undefined) this.#fail("unterminated string");
      if (c === '"') return { value, escaped };
      if (c.charCodeAt(0) < 0x20) this.#fail("control character in string");
      if (c !== "\\") {
        value += c;
        continue;
      }
      escaped = true;
      const e = this.#text[this.#i++];
      const simple: Record<string, string> = {
        '"': '"',
        "\\": "\\",
        "/": "/",
        b: "\b",
        f: "\f",
        n: "\n",
        r: "\r",
        t: "\t",
      };
      if (e !== undefined && Object.hasOwn(simple, e)) {
        value += simple[e];
      } else if (e === "u") {
        const hex = this.#text.slice(this.#i, this.#i + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.#fail("bad \\u escape");
        value += String.fromCharCode(parseInt(hex, 16));
        this.#i += 4;
      } else {
        this.#fail("bad escape");
      }
    }
  }

  #object(depth: number): object {
    this.#i++;
    this.#ws();
    if (this.#text[this.#i] === "}") {
      this.#i++;
      return {};
    }
    for (;;) {
      if (this.#text[this.#i] !== '"') this.#fail("no key");
      const key = this.#string();
      this.#ws();
      if (this.#text[this.#i++] !== ":") this.#fail("no colon");
      this.#ws();
      const value = this.#value(depth + 1);
      if (
        depth === 0 &&
        (key.value === "op" || key.value === "s" || key.value === "t")
      ) {
        this.envelope.set(key.value, value);
        if (key.escaped) this.escapedEnvelopeKey = true;
      }
      this.#ws();
      const c = this.#text[this.#i++];
      if (c === "}") return {};
      if (c !== ",") this.#fail("no comma");
      this.#ws();
    }
  }

  #array(depth: number): unknown[] {
    this.#i++;
    this.#ws();
    if (this.#text[this.#i] === "]") {
      this.#i++;
      return [];
    }
    for (;;) {
      this.#value(depth + 1);
      this.#ws();
      const c = this.#text[this.#i++];
      if (c === "]") return [];
      if (c !== ",") this.#fail("no comma");
      this.#ws();
    }
  }
}

/**
 * What peekFrame must answer for valid JSON: `op`, `s` and `t` as JSON
 * defines them, or undefined when they cannot be represented or an envelope
 * key is written with escapes. Throws SyntaxError on invalid JSON.
 */
export function oracle(text: string): FramePeek | undefined {
  const reader = new Reader(text);
  const value = reader.read();
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return undefined;
  }
  if (reader.escapedEnvelopeKey) return undefined;
  const { envelope } = reader;
  const op = envelope.get("op");
  if (typeof op !== "number" || !Number.isInteger(op)) return undefined;
  const s = envelope.has("s") ? envelope.get("s") : null;
  if (s !== null && typeof s !== "number") return undefined;
  const t = envelope.has("t") ? envelope.get("t") : null;
  if (t !== null && typeof t !== "string") return undefined;
  return { op, s, t };
}

/** Whether `JSON.parse` accepts the text; the oracle must agree. */
export function isJson(text: string): boolean {
  let parses: boolean;
  try {
    JSON.parse(text);
    parses = true;
  } catch {
    parses = false;
  }
  let reads: boolean;
  try {
    new Reader(text).read();
    reads = true;
  } catch {
    reads = false;
  }
  assert.equal(
    reads,
    parses,
    `the oracle and JSON.parse disagree on ${show(text)}`,
  );
  return parses;
}

export function show(text: string): string {
  const shown = JSON.stringify(text);
  return shown.length > 400
    ? `${shown.slice(0, 400)}… (${text.length} chars)`
    : shown;
}

/** The envelope as JSON.parse reads it, for frames without escaped keys. */
export function parsedEnvelope(text: string): FramePeek {
  const frame = JSON.parse(text) as Record<string, unknown>;
  return {
    op: frame.op as number,
    s: (frame.s ?? null) as number | null,
    t: (frame.t ?? null) as string | null,
  };
}

/**
 * The envelope of a frame in Discord's compact layout
 * `{"t":…,"s":…,"op":…,"d":{…}…`, read from the front (what peekFrame
 * trusts), or `undefined` for any other layout.
 */
export function discordLayoutFront(frame: string): FramePeek | undefined {
  const match =
    /^\{"t":(null|"[^"\\]*"),"s":(null|0|[1-9]\d*),"op":(0|[1-9]\d*),"d":([{[])/
      .exec(frame);
  if (!match) return undefined;
  // Only when the frame ends right after d (its last two characters close d
  // and the frame): a key repeated after d is then read as JSON.parse does.
  if (!frame.endsWith(match[4] === "{" ? "}}" : "]}")) return undefined;
  const op = Number(match[3]);
  if (!Number.isSafeInteger(op)) return undefined;
  const s = match[2] === "null" ? null : Number(match[2]);
  return { op, s, t: JSON.parse(match[1]!) };
}
