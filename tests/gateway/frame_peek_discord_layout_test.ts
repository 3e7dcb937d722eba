// peekFrame's fast path for Discord's layout, `{"t":…,"s":…,"op":…,"d":…}`,
// where mutation testing found two answers unpinned: an op past 2^53, whose
// digits summed one at a time round apart from JSON.parse's, and a d that
// is an array with keys after it, which the fast path must leave to the
// full read (only a d object's trailing keys are the documented blind spot).
// And the full read's own number reading, past 15 digits.
import assert from "node:assert/strict";
import { peekFrame } from "../../gateway/frame_peek.ts";

/** What JSON.parse gives for the envelope (an absent s or t is null). */
function parsed(
  text: string,
): { op: number; s: number | null; t: string | null } {
  const { op, s = null, t = null } = JSON.parse(text);
  return { op, s, t };
}

Deno.test("peekFrame reads an op past 2^53 as JSON.parse rounds it, not as its digits summed one at a time", () => {
  for (
    const op of [
      "783030260977025536",
      "743826896976708736",
      "252457472367535264",
      "9007199254740993",
    ]
  ) {
    const frame = `{"t":null,"s":null,"op":${op},"d":null}`;
    assert.deepEqual(peekFrame(frame), parsed(frame), op);
    assert.deepEqual(
      peekFrame(`{"t":"X","s":1,"op":${op},"d":{}}`),
      { op: Number(op), s: 1, t: "X" },
      `${op} with d an object`,
    );
  }
});

Deno.test("peekFrame reads keys repeated after a d that is an array, in Discord's layout", () => {
  for (
    const frame of [
      '{"t":null,"s":null,"op":1,"d":[],"op":2,"x":{}}',
      '{"t":"A","s":1,"op":0,"d":[1,2],"t":"B","s":2,"x":{"y":[]}}',
    ]
  ) {
    assert.deepEqual(peekFrame(frame), parsed(frame), frame);
  }
});

Deno.test("peekFrame reads an op or s of 16 and 17 digits outside Discord's layout as JSON.parse rounds them", () => {
  for (
    const value of [
      "45091552823529132",
      "33267973107640156",
      "63153806189543944",
      "9007199254740993",
    ]
  ) {
    for (
      const frame of [
        `{"op":${value},"d":null}`,
        `{"op":0,"s":${value},"d":{}}`,
      ]
    ) {
      assert.deepEqual(peekFrame(frame), parsed(frame), frame);
    }
  }
});
