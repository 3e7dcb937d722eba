import assert from "node:assert/strict";
import { type FramePeek, peekFrame } from "../../gateway/frame_peek.ts";
import {
  discordLayoutFront,
  isJson,
  oracle,
  parsedEnvelope,
  show,
} from "../_fakes/json_envelope.ts";
import { Gen } from "../_fakes/prng.ts";

/** Calls peekFrame and fails with the frame shown if it throws. */
function peek(text: string, context: string): FramePeek | undefined {
  try {
    return peekFrame(text);
  } catch (error) {
    assert.fail(`${context}: peekFrame threw ${error} on ${show(text)}`);
  }
}

/** A MESSAGE_CREATE payload whose strings try to look like envelope keys. */
const TRICKY_DATA = {
  content: 'say "t":"FAKE", "op":1 and "s":99 {[}] \\ \\" end\\\\',
  nested: { t: "FAKE", s: 99, op: 1, d: { t: null }, list: [{ op: 7 }, "s"] },
  embeds: [{ description: '","t":"FAKE","s":1,"op":9}', footer: { s: "t" } }],
  escapes: "\u0074\u006f\u0070 \u2028 \u00e9 😀 \ud800 \u0001",
  author: { id: "111111111111111111", username: "a\\", bot: false },
};

const BIG_DATA = {
  members: Array.from({ length: 800 }, (_, i) => ({
    user: { id: String(100000000000000000 + i), username: `user "${i}"` },
    roles: ["1", "2"],
    nick: i % 2 === 0 ? null : `n\\${i}`,
  })),
};

Deno.test("peekFrame reads the envelope of adversarial frames", async (t) => {
  const tricky = JSON.stringify(TRICKY_DATA);
  const big = JSON.stringify(BIG_DATA);
  const rows: Array<
    [name: string, frame: string, expected: FramePeek | undefined]
  > = [
    [
      "Discord's order",
      `{"t":"MESSAGE_CREATE","s":42,"op":0,"d":${tricky}}`,
      { op: 0, s: 42, t: "MESSAGE_CREATE" },
    ],
    [
      "d first",
      `{"d":${tricky},"op":0,"s":42,"t":"MESSAGE_CREATE"}`,
      { op: 0, s: 42, t: "MESSAGE_CREATE" },
    ],
    [
      "d first and about 100 KB",
      `{"d":${big},"op":0,"s":7,"t":"GUILD_CREATE"}`,
      { op: 0, s: 7, t: "GUILD_CREATE" },
    ],
    [
      "d between the keys",
      `{"op":0,"d":${tricky},"t":"A","s":3}`,
      { op: 0, s: 3, t: "A" },
    ],
    [
      "extra keys around d",
      `{"x":[1,{"t":"FAKE"}],"t":"A","y":"op","d":${tricky},"z":{},"s":5,"op":0}`,
      { op: 0, s: 5, t: "A" },
    ],
    [
      "nested keys t, s and op in a small d",
      '{"d":{"t":"FAKE","s":99,"op":1},"op":0,"s":1,"t":"A"}',
      { op: 0, s: 1, t: "A" },
    ],
    [
      "key-like text in string values",
      '{"t":"A","s":1,"op":0,"d":{"a":"\\",\\"t\\":\\"FAKE\\"","b":"\\"op\\":1"}}',
      { op: 0, s: 1, t: "A" },
    ],
    [
      "escaped backslashes before closing quotes",
      '{"d":{"a":"a\\\\","t":"FAKE","b":"\\\\\\"","c":"\\\\\\\\"},"op":2,"t":"x\\\\"}',
      { op: 2, s: null, t: "x\\" },
    ],
    [
      "escaped quote in t",
      '{"t":"A\\"B","s":1,"op":0,"d":{}}',
      { op: 0, s: 1, t: 'A"B' },
    ],
    [
      "whitespace and newlines everywhere",
      ` \r\n{ "t" :\t"READY" ,\n "s"\n: 1 , "op" : 0 ,\r\n "d" : ${
        JSON.stringify(TRICKY_DATA, null, 2)
      } \n}\n `,
      { op: 0, s: 1, t: "READY" },
    ],
    ["s null, t null", '{"t":null,"s":null,"op":11,"d":null}', {
      op: 11,
      s: null,
      t: null,
    }],
    ["s and t absent", '{"op":10,"d":{"heartbeat_interval":41250}}', {
      op: 10,
      s: null,
      t: null,
    }],
    ["only op", '{"op":1}', { op: 1, s: null, t: null }],
    ["op missing", '{"t":"A","s":1,"d":{"op":0}}', undefined],
    ["op missing, d large", `{"t":"A","s":1,"d":${tricky}}`, undefined],
    ["op a fraction", '{"t":null,"s":null,"op":1.5,"d":null}', undefined],
    ["op a string", '{"op":"0","d":null}', undefined],
    ["op null", '{"op":null,"d":null}', undefined],
    ["op an integral exponent", '{"op":1e0,"d":null}', {
      op: 1,
      s: null,
      t: null,
    }],
    ["op an integral fraction", '{"op":2.0}', { op: 2, s: null, t: null }],
    ["op negative", '{"op":-3}', { op: -3, s: null, t: null }],
    ["op with a leading zero", '{"op":01}', undefined],
    ["s negative", '{"s":-5,"op":0}', { op: 0, s: -5, t: null }],
    ["s minus zero", '{"s":-0,"op":0}', { op: 0, s: -0, t: null }],
    ["s with an exponent", '{"s":1.5E+3,"op":0}', { op: 0, s: 1500, t: null }],
    ["s a fraction", '{"t":"A","s":2.5,"op":0,"d":{}}', {
      op: 0,
      s: 2.5,
      t: "A",
    }],
    ["s beyond 2^53", '{"t":"A","s":12345678901234567890,"op":0,"d":{}}', {
      op: 0,
      s: 12345678901234567890,
      t: "A",
    }],
    ["s a string", '{"t":"A","s":"1","op":0,"d":{}}', undefined],
    ["s true", '{"s":true,"op":0}', undefined],
    ["t a number", '{"t":5,"s":1,"op":0,"d":{}}', undefined],
    ["t an object", '{"t":{},"op":0}', undefined],
    [
      "unicode escapes in t",
      '{"t":"MESSAGE\\u005fCREATE","s":1,"op":0,"d":{}}',
      {
        op: 0,
        s: 1,
        t: "MESSAGE_CREATE",
      },
    ],
    [
      "a surrogate pair and a lone surrogate in t",
      '{"t":"\\ud83d\\ude00\\udc00","op":0}',
      {
        op: 0,
        s: null,
        t: "😀\udc00",
      },
    ],
    [
      "escaped envelope keys",
      '{"\\u0074":"A","\\u0073":4,"o\\u0070":0,"d":{}}',
      undefined,
    ],
    ["an escaped t after op", '{"op":0,"\\u0074":"A"}', undefined],
    [
      "an escaped key after a large d",
      `{"s":1,"t":"A","op":0,"d":${tricky},"\\u006Fp":3}`,
      undefined,
    ],
    [
      "an escaped key after d in Discord's layout: not sure",
      `{"t":"A","s":1,"op":0,"d":${tricky},"\\u006Fp":3}`,
      undefined,
    ],
    [
      "an escaped key in the tail",
      `{"d":${tricky},"op":0,"\\u0074":"B"}`,
      undefined,
    ],
    [
      "escaped keys that are not envelope keys",
      `{"\\u0064":${tricky},"op":0,"\\u0078":1,"t":"A"}`,
      { op: 0, s: null, t: "A" },
    ],
    [
      "Discord's layout with keys repeated after d: the last wins, as in JSON.parse",
      `{"t":"A","s":1,"op":0,"d":${tricky},"t":"B","s":null,"op":9}`,
      { op: 9, s: null, t: "B" },
    ],
    [
      "another layout with keys repeated after a large d: the last wins",
      `{"s":1,"t":"A","op":0,"d":${tricky},"t":"B","s":null,"op":9}`,
      { op: 9, s: null, t: "B" },
    ],
    [
      "duplicate keys before d",
      '{"t":"A","t":"B","op":1,"op":0,"s":null,"s":2,"d":{}}',
      { op: 0, s: 2, t: "B" },
    ],
    [
      "duplicate t of the wrong type after d, in another layout",
      `{"op":0,"t":"A","s":1,"d":${tricky},"t":1}`,
      undefined,
    ],
    ["keys that only look alike", '{"T":"A","ops":5,"op":0,"s ":1," t":"B"}', {
      op: 0,
      s: null,
      t: null,
    }],
    ["empty object", "{}", undefined],
    ["empty object with whitespace", " { \n } ", undefined],
    ["an array", '[{"op":0}]', undefined],
    ["a string", '"{\\"op\\":0}"', undefined],
    ["a number", "0", undefined],
    ["null", "null", undefined],
    ["empty text", "", undefined],
    ["only whitespace", " \n", undefined],
    ["a lone brace", "{", undefined],
    ["truncated after t", '{"t":"MESSAGE_CREATE","s":4', undefined],
    [
      "truncated in d",
      `{"t":"A","s":1,"op":0,"d":${tricky.slice(0, 200)}`,
      undefined,
    ],
    ["text after the object", '{"op":0} x', undefined],
    ["two objects", '{"op":0}{"op":1}', undefined],
    ["a raw control character in t", '{"t":"A\u0001","op":0}', undefined],
    ["a byte-order mark", '\ufeff{"op":0}', undefined],
  ];
  for (const [name, frame, expected] of rows) {
    await t.step(name, () => {
      const actual = peek(frame, name);
      assert.deepStrictEqual(actual, expected);
      if (isJson(frame) && discordLayoutFront(frame) === undefined) {
        // The table itself agrees with the oracle (Discord's layout is read
        // from the front only, see peekFrame).
        assert.deepStrictEqual(
          expected,
          oracle(frame),
          "row disagrees with the oracle",
        );
      }
    });
  }
});

Deno.test("peekFrame leaves escaped envelope keys to JSON.parse", () => {
  // V8's JSON.parse in Deno 2.9.6 reads the second frame's key as "\\"
  // once it has seen the first; the spec says "t". peekFrame must not claim
  // either, since the caller's own parse is what counts.
  JSON.parse('{"op":0,"\\\\":"A"}');
  const frame = '{"op":0,"\\u0074":"MESSAGE_CREATE"}';
  const parsed = JSON.parse(frame) as Record<string, unknown>;
  assert.ok(parsed.t === "MESSAGE_CREATE" || parsed["\\"] === "MESSAGE_CREATE");
  assert.equal(peekFrame(frame), undefined);
});

Deno.test("peekFrame returns a new object on every call", () => {
  const frame = '{"t":"A","s":1,"op":0,"d":{}}';
  const first = peekFrame(frame);
  assert.notEqual(first, peekFrame(frame));
  assert.deepStrictEqual(first, peekFrame(frame));
});

Deno.test("peekFrame never throws on any prefix or one-character edit of a frame", () => {
  const frames = [
    `{"t":"MESSAGE_CREATE","s":42,"op":0,"d":${JSON.stringify(TRICKY_DATA)}}`,
    `{"d":${JSON.stringify(TRICKY_DATA)},"op":0,"s":42,"t":"MESSAGE_CREATE"}`,
    '{"t" : "A\\u0041\\"" , "s":-1.5e3,"op":0,"x":[true,false,null],"d":{"t":1}}',
  ];
  const replacements = [
    "",
    '"',
    "\\",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    " ",
    "0",
    "9",
    "-",
    "e",
    ".",
    "t",
    "n",
    "\u0000",
    "\ud800",
    '"t":',
    '"op":1,',
  ];
  let checked = 0;
  for (const frame of frames) {
    const full = oracle(frame);
    for (let end = 0; end < frame.length; end++) {
      const prefix = frame.slice(0, end);
      const actual = peek(prefix, `prefix ${end}`);
      if (isJson(prefix)) {
        assert.deepStrictEqual(
          actual,
          oracle(prefix),
          `prefix ${show(prefix)}`,
        );
      } else if (!prefix.trimEnd().endsWith("}")) {
        assert.equal(actual, undefined, `truncated ${show(prefix)}`);
      } else if (actual !== undefined && frame.startsWith('{"t"')) {
        // t, s and op come first: what was read is what the frame holds.
        assert.deepStrictEqual(actual, full, `truncated ${show(prefix)}`);
      }
      checked++;
    }
    for (let at = 0; at < frame.length; at++) {
      for (const replacement of replacements) {
        for (const remove of [0, 1]) {
          const edited = frame.slice(0, at) + replacement +
            frame.slice(at + remove);
          const actual = peek(edited, `edit at ${at}`);
          if (isJson(edited)) {
            assert.deepStrictEqual(
              actual,
              oracle(edited),
              `edited ${show(edited)}`,
            );
          }
          checked++;
        }
      }
    }
  }
  assert.ok(checked > 10_000);
});

// ---------------------------------------------------------------------------
// Seeded property test.

const FRAGMENTS = [
  '"t":"FAKE"',
  '"op":1',
  '"s":99',
  ',"t":"FAKE"',
  ', "op" : 1',
  '{"s":1}',
  "{",
  "}",
  "[",
  "]",
  '"',
  "\\",
  '\\"',
  "a\\\\",
  "\\u0074",
  "\\u006f",
  "é",
  "😀",
  "\ud800",
  "\udc00",
  "\n",
  "\u0001",
  "\u2028",
  " ",
  ":",
  ",",
  "/",
  "op",
  "t",
  "s",
  "MESSAGE_CREATE",
  "hello world",
];

const KEYS = [
  "t",
  "s",
  "op",
  "d",
  "id",
  "content",
  "type",
  "T",
  "",
  '"',
  "\\",
  "t ",
  "op\\",
];
const EVENT_NAMES = ["MESSAGE_CREATE", "READY", "GUILD_CREATE", "TYPING_START"];

function randomString(g: Gen): string {
  let out = "";
  const parts = g.int(5);
  for (let i = 0; i < parts; i++) out += g.pick(FRAGMENTS);
  return out;
}

/** Random insignificant whitespace, usually none. */
function ws(g: Gen, rate: number): string {
  if (!g.chance(rate)) return "";
  let out = "";
  const n = 1 + g.int(3);
  for (let i = 0; i < n; i++) out += g.pick([" ", "\t", "\n", "\r"]);
  return out;
}

/** A JSON string literal with random (valid) escaping. */
function writeString(g: Gen, value: string, escapeRate: number): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c < 0x20 || g.chance(escapeRate)) {
      if (c === 0x0a && g.chance(0.5)) out += "\\n";
      else if (c === 0x2f && g.chance(0.5)) out += "\\/";
      else {
        const hex = c.toString(16).padStart(4, "0");
        out += "\\u" + (g.chance(0.5) ? hex : hex.toUpperCase());
      }
    } else {
      out += value[i];
    }
  }
  return out + '"';
}

function writeNumber(g: Gen, value: number): string {
  const plain = String(value);
  if (!Number.isInteger(value) || plain.includes("e") || !g.chance(0.3)) {
    return plain;
  }
  return g.pick([
    `${plain}.0`,
    `${plain}e0`,
    `${plain}E+0`,
    `${value * 10}e-1`,
  ]);
}

interface Style {
  ws: number;
  escape: number;
}

function writeValue(
  g: Gen,
  style: Style,
  depth: number,
  width: number,
): string {
  const roll = g.random();
  if (depth > 0 && roll < 0.3) {
    const n = g.int(width);
    const entries: string[] = [];
    for (let i = 0; i < n; i++) {
      const key = g.chance(0.6) ? g.pick(KEYS) : randomString(g);
      entries.push(
        ws(g, style.ws) + writeString(g, key, style.escape) + ws(g, style.ws) +
          ":" +
          ws(g, style.ws) + writeValue(g, style, depth - 1, width) +
          ws(g, style.ws),
      );
    }
    return "{" + (entries.length === 0 ? ws(g, style.ws) : entries.join(",")) +
      "}";
  }
  if (depth > 0 && roll < 0.5) {
    const n = g.int(width);
    const items: string[] = [];
    for (let i = 0; i < n; i++) {
      items.push(
        ws(g, style.ws) + writeValue(g, style, depth - 1, width) +
          ws(g, style.ws),
      );
    }
    return "[" + (items.length === 0 ? ws(g, style.ws) : items.join(",")) + "]";
  }
  if (roll < 0.75) return writeString(g, randomString(g), style.escape);
  if (roll < 0.9) {
    return writeNumber(
      g,
      g.pick([0, -0, 1, -7, 42, 1.5, -2.25e-7, 1e21, 2 ** 53 + 2]),
    );
  }
  return g.pick(["true", "false", "null"]);
}

/** A data payload, mostly an object, sometimes large. */
function writeData(g: Gen, style: Style): string {
  if (g.chance(0.1)) return writeValue(g, style, 1, 3);
  const width = g.chance(0.1) ? 40 : 6;
  const entries: string[] = [];
  const n = 1 + g.int(width);
  for (let i = 0; i < n; i++) {
    const key = g.chance(0.5) ? g.pick(KEYS) : randomString(g);
    entries.push(
      writeString(g, key, style.escape) + ws(g, style.ws) + ":" +
        ws(g, style.ws) +
        writeValue(g, style, 3, 5),
    );
  }
  return "{" + entries.join(",") + "}";
}

function writeOp(g: Gen): string {
  if (g.chance(0.9)) return writeNumber(g, g.int(12));
  return g.pick([
    '"0"',
    "null",
    "true",
    "1.5",
    "-1",
    "1e2",
    "[0]",
    "12345678901234567890",
  ]);
}

function writeSequence(g: Gen): string {
  if (g.chance(0.6)) return writeNumber(g, g.int(1_000_000));
  if (g.chance(0.6)) return "null";
  return g.pick(['"5"', "true", "-3", "2.5", "1e3", "-0", "{}"]);
}

function writeName(g: Gen, style: Style): string {
  if (g.chance(0.5)) return writeString(g, g.pick(EVENT_NAMES), style.escape);
  if (g.chance(0.5)) return writeString(g, randomString(g), style.escape);
  return g.pick(["null", "5", "{}", "[]", "false"]);
}

/** Any frame: random keys in random order, duplicates, whitespace, escapes. */
function randomFrame(g: Gen): string {
  const style: Style = {
    ws: g.pick([0, 0, 0.1, 0.5]),
    escape: g.pick([0, 0, 0.05, 0.3]),
  };
  const writers: Record<string, () => string> = {
    op: () => writeOp(g),
    s: () => writeSequence(g),
    t: () => writeName(g, style),
    d: () => writeData(g, style),
  };
  const keys: string[] = [];
  for (
    const [key, p] of [["op", 0.9], ["s", 0.8], ["t", 0.8], ["d", 0.9]] as const
  ) {
    if (g.chance(p)) keys.push(key);
  }
  // Extra keys, some of them repeating op, s or t.
  const extra = g.int(4);
  for (let i = 0; i < extra; i++) {
    keys.push(g.chance(0.3) ? g.pick(["op", "s", "t"]) : randomString(g));
  }
  g.shuffle(keys);
  const entries = keys.map((key) =>
    ws(g, style.ws) + writeString(g, key, style.escape) + ws(g, style.ws) +
    ":" +
    ws(g, style.ws) +
    (Object.hasOwn(writers, key)
      ? writers[key]!()
      : writeValue(g, style, 3, 4)) +
    ws(g, style.ws)
  );
  return ws(g, style.ws) + "{" + entries.join(",") + "}" + ws(g, style.ws);
}

/** A frame as Discord sends it (compact, well-typed), in one of two orders. */
function discordFrame(g: Gen): { text: string; order: string } {
  const style: Style = { ws: 0, escape: 0 };
  const t = g.chance(0.8)
    ? JSON.stringify(g.pick(EVENT_NAMES))
    : JSON.stringify(randomString(g));
  const s = String(g.int(10_000_000));
  const op = String(g.pick([0, 0, 0, 1, 7, 9, 10, 11]));
  const d = writeData(g, style);
  if (g.chance(0.5)) {
    return {
      text: `{"t":${t},"s":${s},"op":${op},"d":${d}}`,
      order: "t,s,op,d",
    };
  }
  return { text: `{"d":${d},"op":${op},"s":${s},"t":${t}}`, order: "d,op,s,t" };
}

const CORRUPTIONS = [
  '"',
  "\\",
  "{",
  "}",
  "[",
  "]",
  ",",
  ":",
  " ",
  "0",
  "x",
  "\u0000",
  "\ud800",
];

function corrupt(g: Gen, text: string): string {
  const at = g.int(text.length + 1);
  switch (g.int(4)) {
    case 0:
      return text.slice(0, at); // truncation
    case 1:
      return text.slice(0, at) + text.slice(at + 1); // deletion
    case 2:
      return text.slice(0, at) + g.pick(CORRUPTIONS) + text.slice(at + 1); // flip
    default:
      return text.slice(0, at) + g.pick(CORRUPTIONS) + text.slice(at); // insertion
  }
}

const SEED = 0x5eed_f4a3;
const RANDOM_FRAMES = 6000;
const DISCORD_FRAMES = 2000;

Deno.test(`peekFrame agrees with the JSON spec on random frames (seed ${SEED})`, () => {
  let answered = 0;
  let corruptedJson = 0;
  for (let n = 0; n < RANDOM_FRAMES; n++) {
    const seed = (SEED + n) >>> 0;
    const g = new Gen(seed);
    const frame = randomFrame(g);
    const context = `seed ${SEED}, frame ${n} (frame seed ${seed})`;
    let expected: FramePeek | undefined;
    try {
      expected = oracle(frame);
    } catch (error) {
      assert.fail(
        `${context}: the generator made invalid JSON (${error}): ${
          show(frame)
        }`,
      );
    }
    const actual = peek(frame, context);
    // Valid JSON objects are always answered, and exactly as JSON.parse does,
    // except that Discord's own layout is read from the front only.
    assert.deepStrictEqual(
      actual,
      discordLayoutFront(frame) ?? expected,
      `${context}: ${show(frame)}`,
    );
    if (actual !== undefined) answered++;

    const broken = corrupt(g, frame);
    const brokenActual = peek(broken, `${context}, corrupted`);
    if (isJson(broken)) {
      corruptedJson++;
      assert.deepStrictEqual(
        brokenActual,
        discordLayoutFront(broken) ?? oracle(broken),
        `${context}, corrupted: ${show(broken)}`,
      );
    }
  }
  // The generator exercises both outcomes.
  assert.ok(answered > RANDOM_FRAMES / 4, `only ${answered} frames answered`);
  assert.ok(answered < RANDOM_FRAMES, "no frame was unanswerable");
  assert.ok(corruptedJson > 0, "no corruption stayed valid JSON");
});

Deno.test(`peekFrame answers every Discord-shaped frame (seed ${SEED})`, () => {
  const orders = new Set<string>();
  for (let n = 0; n < DISCORD_FRAMES; n++) {
    const seed = (SEED ^ 0xd15c0) + n >>> 0;
    const g = new Gen(seed);
    const { text, order } = discordFrame(g);
    orders.add(order);
    const context =
      `seed ${SEED}, Discord frame ${n} (frame seed ${seed}, order ${order})`;
    const actual = peek(text, context);
    assert.notEqual(
      actual,
      undefined,
      `${context}: not answered: ${show(text)}`,
    );
    assert.deepStrictEqual(actual, oracle(text), `${context}: ${show(text)}`);
    assert.deepStrictEqual(
      actual,
      parsedEnvelope(text),
      `${context}: JSON.parse disagrees`,
    );
  }
  assert.equal(orders.size, 2);
});

/**
 * Top-level values that hold something a key `op`, `s` or `t` could hide
 * in: a nested key, an escaped letter, key-like text.
 */
const MIDDLE_VALUES = [
  '{"a":0,"s":1}',
  '{"\\u0074":"FAKE"}',
  '["\\u0041",{"op":1}]',
  '{"a":"\\u0073","b":"\\u00e9"}',
  '{"t" :"FAKE"}',
  '{"b":[{"s":null}],"c":", \\"op\\":1"}',
  "[]",
  "{}",
];

/**
 * A frame of many top-level keys whose values are objects or arrays, most
 * of them holding something that looks like an envelope key, with `op`,
 * `s` and `t` (sometimes repeated, sometimes of the wrong type) anywhere
 * among them: the shape that once made the peeker search the rest of the
 * frame again for each value.
 */
function manyValuesFrame(g: Gen): string {
  const style: Style = {
    ws: g.pick([0, 0, 0.1]),
    escape: g.pick([0, 0, 0.05]),
  };
  const entries: string[] = [];
  const n = 20 + g.int(200);
  for (let i = 0; i < n; i++) {
    const value = g.chance(0.7)
      ? g.pick(MIDDLE_VALUES)
      : writeValue(g, style, 2, 4);
    entries.push(
      writeString(g, `k${i}`, style.escape) + ws(g, style.ws) + ":" + value,
    );
  }
  const envelope: [string, () => string][] = [
    ["op", () => writeOp(g)],
    ["s", () => writeSequence(g)],
    ["t", () => writeName(g, style)],
  ];
  for (const [key, write] of envelope) {
    const copies = g.chance(0.9) ? 1 + g.int(2) : 0;
    for (let c = 0; c < copies; c++) {
      const at = g.chance(0.3) ? entries.length : g.int(entries.length + 1);
      // Sometimes written with escapes: only JSON.parse may read it then.
      const name = writeString(g, key, g.chance(0.1) ? 1 : style.escape);
      entries.splice(at, 0, name + ":" + write());
    }
  }
  return "{" + entries.join("," + ws(g, style.ws)) + "}";
}

const MANY_VALUES_FRAMES = 600;

Deno.test(`peekFrame agrees with the JSON spec on frames of many object values (seed ${SEED})`, () => {
  let answered = 0;
  for (let n = 0; n < MANY_VALUES_FRAMES; n++) {
    const seed = (SEED ^ 0x0b1ec7) + n >>> 0;
    const g = new Gen(seed);
    const frame = manyValuesFrame(g);
    const context = `seed ${SEED}, frame ${n} (frame seed ${seed})`;
    const actual = peek(frame, context);
    assert.deepStrictEqual(
      actual,
      discordLayoutFront(frame) ?? oracle(frame),
      `${context}: ${show(frame)}`,
    );
    if (actual !== undefined) answered++;
  }
  assert.ok(answered > MANY_VALUES_FRAMES / 4, `only ${answered} answered`);
  assert.ok(answered < MANY_VALUES_FRAMES, "no frame was unanswerable");
});
