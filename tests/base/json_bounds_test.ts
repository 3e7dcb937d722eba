// The count that refuses a large text JSON.parse would build into far more
// than its text: too many arrays and objects, nested or side by side.
import assert from "node:assert/strict";
import {
  BOUNDS_COUNT_FROM,
  containersOver,
  dataString,
  MAX_JSON_OPENERS,
  openersOver,
  parseBoundedJson,
} from "../../base/json_bounds.ts";

Deno.test("openersOver counts every [ and {, at and above the bound", () => {
  assert.equal(openersOver("[[[[]]]]", 4), false);
  assert.equal(openersOver("[[[[[]]]]]", 4), true);
  assert.equal(openersOver('{"a":{"b":[{}]}}', 4), false);
  assert.equal(openersOver('{"a":{"b":[{"c":[]}]}}', 4), true);
  // Side by side counts as nested does: the cost is the count.
  assert.equal(openersOver("[[],{},[],{}]", 4), true);
  // Inside strings too (only ever more than the containers).
  assert.equal(openersOver('["[[{{"]', 4), true);
  assert.equal(openersOver("", 0), false);
});

Deno.test("parseBoundedJson refuses a large text past the bound, nested or side by side, naming it", () => {
  const pad = `"${"x".repeat(BOUNDS_COUNT_FROM)}"`;
  const nested = (n: number) => "[".repeat(n) + "]".repeat(n);
  // `{` and `[` around: two openers.
  const deep = `{"op":0,"d":[${pad},${nested(MAX_JSON_OPENERS - 1)}]}`;
  assert.throws(() => parseBoundedJson(deep, "frame"), {
    name: "JsonBoundError",
    message: new RegExp(
      `^The frame \\(\\d+ characters\\) holds more than ${MAX_JSON_OPENERS} arrays and objects`,
    ),
  });
  const wide = `{"op":0,"d":[${"[],".repeat(MAX_JSON_OPENERS - 2)}[]]}`;
  assert.throws(() => parseBoundedJson(wide, "body"), {
    name: "JsonBoundError",
    message: /^The body .* holds more than/,
  });
  // At the bound: parsed.
  const atBound = `{"op":0,"d":[${pad},${nested(MAX_JSON_OPENERS - 2)}]}`;
  assert.equal((parseBoundedJson(atBound, "frame") as { op: number }).op, 0);
  // Not JSON: JSON.parse's own error.
  assert.throws(() => parseBoundedJson(`[${pad}`, "frame"), SyntaxError);
});

Deno.test("parseBoundedJson parses a small text without counting", () => {
  const small = "[".repeat(30_000) + "]".repeat(30_000);
  assert.ok(small.length <= BOUNDS_COUNT_FROM);
  assert.ok(Array.isArray(parseBoundedJson(small, "frame")));
});

Deno.test("parseBoundedJson parses a large text whose strings hold over a million brackets: only arrays and objects count", () => {
  const topics = Array.from({ length: 250 }, () => "[{".repeat(2048));
  const text = JSON.stringify({ channels: topics.map((topic) => ({ topic })) });
  assert.ok(openersOver(text, MAX_JSON_OPENERS), "over by the native count");
  assert.equal(containersOver(text, MAX_JSON_OPENERS), false);
  assert.equal(
    (parseBoundedJson(text, "frame") as { channels: unknown[] }).channels
      .length,
    250,
  );
});

Deno.test("containersOver skips strings, escaped quotes and backslash runs included", () => {
  const cases: [string, number, boolean][] = [
    ['["[[[[{{{{"]', 1, false],
    ['["\\"[[[[", "]]"]', 1, false],
    ['["\\\\", [[]]]', 2, true],
    ['["\\\\\\"[[[["]', 1, false],
    ['{"[[[[":{"}}}}":[]}}', 3, false],
    ["[[],{},[],{}]", 4, true],
  ];
  for (const [text, max, over] of cases) {
    JSON.parse(text); // each is JSON
    assert.equal(containersOver(text, max), over, text);
  }
});

Deno.test("dataString reads a key of the top-level d object only, past strings that look like keys and other objects", () => {
  const frame = JSON.stringify({
    op: 0,
    x: { id: "1" },
    d: {
      name: 'say "id":"2" [{',
      channels: [{ id: "5", nested: { id: "6" } }],
      id: "7",
    },
  });
  assert.equal(dataString(frame, "id"), "7");
  assert.equal(
    dataString('{"x":{"id":"1"},"d":[{"id":"2"}]}', "id"),
    undefined,
  );
  assert.equal(dataString('{"d":{"id":7}}', "id"), undefined);
  assert.equal(dataString('{"d":{"id":"unclosed', "id"), undefined);
  // A string value "d" at the top level is no key.
  assert.equal(dataString('{"t":"d","x":{"id":"1"}}', "id"), undefined);
});

Deno.test("containersOver answers from what it read on an unclosed string: its brackets are not counted", () => {
  assert.equal(containersOver('["[[[[', 1), false);
  assert.equal(containersOver('[[["[[[[', 2), true);
});

Deno.test("dataString does not read a value holding an escape, nor a key of an object after d's array", () => {
  assert.equal(dataString('{"d":{"id":"a\\"b"}}', "id"), undefined);
  assert.equal(dataString('{"d":{"id":"a\\\\"}}', "id"), undefined);
  // d an array: the object after it is not d's.
  assert.equal(dataString('{"d":[],"x":{"id":"1"}}', "id"), undefined);
});

Deno.test("dataString reads no key when d is null, a string or a number, whatever object follows", () => {
  // A GUILD_CREATE over the bound shaped so was handed on as guild "1"
  // unavailable: the object after d was taken for d's.
  for (const d of ["null", '"s"', "5", "true"]) {
    assert.equal(dataString(`{"d":${d},"x":{"id":"1"}}`, "id"), undefined, d);
    assert.equal(dataString(`{"d" : ${d} , "x":{"id":"1"}}`, "id"), undefined);
  }
  // Whitespace between the key and d's object is still d's.
  assert.equal(dataString('{"d" :\n {"id":"7"}}', "id"), "7");
});
