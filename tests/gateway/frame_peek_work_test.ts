// How much of a frame the peeker reads: at most a few times each character,
// whatever the frame's shape. The peeker runs on every frame of a Client
// whose dispatch listeners are all filtered, so a frame that made it read
// the text once per top-level value froze the shard: 128k keys
// `"k":{"a":0,"s":1}` (3 MB) took 3.3 s where JSON.parse takes 0.13 s (now
// 0.08 s). The work is counted, not timed: each character the peeker's
// string and regexp calls read counts one.
import assert from "node:assert/strict";
import { type FramePeek, peekFrame } from "../../gateway/frame_peek.ts";
import { oracle, parsedEnvelope } from "../_fakes/json_envelope.ts";

/**
 * Runs `peekFrame(text)` with the string and regexp methods it calls
 * counting what they read: one a `charCodeAt`, and for a search
 * (`indexOf`, a regexp's `test`) the characters from where it started to
 * the end of what it found, or to the end of the text.
 */
function peekCounted(
  text: string,
): { peek: FramePeek | undefined; reads: number } {
  const charCodeAt = String.prototype.charCodeAt;
  const indexOf = String.prototype.indexOf;
  const test = RegExp.prototype.test;
  let reads = 0;
  String.prototype.charCodeAt = function (this: string, index: number): number {
    reads++;
    return charCodeAt.call(this, index);
  };
  String.prototype.indexOf = function (
    this: string,
    search: string,
    from?: number,
  ): number {
    const found = indexOf.call(this, search, from);
    const end = found < 0 ? this.length : found + search.length;
    reads += end - Math.max(0, from ?? 0);
    return found;
  };
  RegExp.prototype.test = function (this: RegExp, input: string): boolean {
    const from = this.global || this.sticky ? this.lastIndex : 0;
    const hit = test.call(this, input);
    reads += (hit ? this.lastIndex : input.length) - from;
    return hit;
  };
  try {
    const peek = peekFrame(text);
    return { peek, reads };
  } finally {
    String.prototype.charCodeAt = charCodeAt;
    String.prototype.indexOf = indexOf;
    RegExp.prototype.test = test;
  }
}

/** `{"op":0,` then `keys` keys `"kI":value(I)`, then `"z":{}}`. */
function frameOf(keys: number, value: (i: number) => string): string {
  const parts = ['{"op":0'];
  for (let i = 0; i < keys; i++) parts.push(`"k${i}":${value(i)}`);
  parts.push('"z":{}}');
  return parts.join(",");
}

/**
 * Frames of many top-level object values, each of which may hold an
 * envelope key, so that the peeker searches past each of them.
 */
const SHAPES: [name: string, value: (i: number) => string][] = [
  // A nested key "s" in every value (the audit's frame).
  ["a nested key s in every value", () => '{"a":0,"s":1}'],
  // An escaped letter in every value, as a nested key.
  ["a nested escaped key t in every value", () => '{"\\u0074":1}'],
  // Escapes that are not letters, and a nested key: each search for an
  // escaped letter passes over every escape after it.
  [
    "escapes that are no letters and a nested key",
    () => '{"a":"\\u00e9\\u0041","s":1}',
  ],
  // A long string after the values, read past by every search.
  [
    "one value in ten long",
    (i) => i % 10 === 9 ? `{"s":"${"x".repeat(2000)}"}` : '{"a":0,"s":1}',
  ],
];

Deno.test("peekFrame reads each character of a frame a bounded number of times", async (t) => {
  for (const [name, value] of SHAPES) {
    await t.step(name, () => {
      for (const keys of [1_000, 8_000]) {
        const text = frameOf(keys, value);
        const { peek, reads } = peekCounted(text);
        assert.deepStrictEqual(peek, oracle(text));
        assert.deepStrictEqual(peek, parsedEnvelope(text));
        // About 3 reads a character now. Before, the search for escaped
        // letters read the rest of the frame again for each value: 1,000
        // keys `{"a":0,"s":1}` read 10.5 million characters of 21,000 (500
        // a character), 8,000 keys 700 million of 175,000 (4,000).
        assert.ok(
          reads <= 4 * text.length,
          `${keys} keys: ${reads} reads for ${text.length} characters`,
        );
      }
    });
  }
});

Deno.test("the read counter sees the peeker's searches", () => {
  // Discord's layout is read from the front: d is not looked at.
  const d = JSON.stringify({ content: "x".repeat(10_000), s: 1 });
  const front = `{"t":"MESSAGE_CREATE","s":42,"op":0,"d":${d}}`;
  const fromFront = peekCounted(front);
  assert.deepStrictEqual(fromFront.peek, { op: 0, s: 42, t: "MESSAGE_CREATE" });
  assert.ok(fromFront.reads < 100, `${fromFront.reads} reads`);
  // With d first, the searches and the walk over d read past it: a counter
  // that missed them would let any frame pass the test above.
  const last = `{"d":${d},"op":0,"s":42,"t":"MESSAGE_CREATE"}`;
  const fromBack = peekCounted(last);
  assert.deepStrictEqual(fromBack.peek, { op: 0, s: 42, t: "MESSAGE_CREATE" });
  assert.ok(
    fromBack.reads >= 2 * d.length && fromBack.reads <= 4 * last.length,
    `${fromBack.reads} reads for ${last.length} characters`,
  );
});
