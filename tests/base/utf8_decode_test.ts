import assert from "node:assert/strict";
import { decodeUtf8 } from "../../base/utf8_decode.ts";

const fatal = new TextDecoder("utf-8", { fatal: true });

/** What the fatal decoder gives: the text, or the kind of error it throws. */
function strictly(bytes: Uint8Array): string | { error: string } {
  try {
    return fatal.decode(bytes);
  } catch (error) {
    return { error: (error as Error).constructor.name };
  }
}

function ours(bytes: Uint8Array): string | { error: string } {
  try {
    return decodeUtf8(bytes);
  } catch (error) {
    return { error: (error as Error).constructor.name };
  }
}

Deno.test("decodeUtf8 keeps a genuine U+FFFD and refuses an invalid sequence the lax decoder would replace", () => {
  // EF BF BD is U+FFFD itself: text, not an error.
  assert.equal(decodeUtf8(new Uint8Array([0x61, 0xef, 0xbf, 0xbd])), "a\uFFFD");
  // A lone continuation byte, a truncated sequence, an overlong form, a
  // surrogate: the lax decoder turns each into U+FFFD; these are refused.
  for (
    const bad of [
      [0x80],
      [0x61, 0xc3],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xef, 0xbf, 0xbd, 0xff],
    ]
  ) {
    assert.equal(
      new TextDecoder().decode(new Uint8Array(bad)).includes("\uFFFD"),
      true,
    );
    assert.throws(() => decodeUtf8(new Uint8Array(bad)), TypeError, `${bad}`);
  }
});

Deno.test("decodeUtf8 drops a leading byte order mark, as the fatal decoder does", () => {
  assert.equal(
    decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d])),
    "{}",
  );
  assert.equal(
    decodeUtf8(new Uint8Array([0x7b, 0xef, 0xbb, 0xbf, 0x7d])),
    "{\uFEFF}",
  );
});

Deno.test("decodeUtf8 agrees with the fatal decoder on every random byte string", () => {
  // A fixed linear congruential generator: the same 20,000 inputs each run,
  // biased towards the bytes that start and continue multi-byte sequences
  // (and U+FFFD's own) so that valid and invalid texts both come up often.
  let state = 0x2545f491;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 8;
  };
  const alphabet = [
    0x61,
    0x7b,
    0x80,
    0xbf,
    0xbd,
    0xbb,
    0xc3,
    0xa9,
    0xe2,
    0x98,
    0x83,
    0xef,
    0xed,
    0xa0,
    0xf0,
    0x9f,
    0xf4,
    0x90,
    0xff,
    0xc0,
  ];
  let valid = 0;
  let invalid = 0;
  for (let i = 0; i < 20_000; i++) {
    const bytes = new Uint8Array(next() % 12);
    for (let j = 0; j < bytes.length; j++) {
      bytes[j] = alphabet[next() % alphabet.length]!;
    }
    const want = strictly(bytes);
    assert.deepEqual(ours(bytes), want, `bytes ${bytes}`);
    if (typeof want === "string") valid++;
    else invalid++;
  }
  // Both sides of the check were exercised.
  assert.ok(
    valid > 1_000 && invalid > 1_000,
    `${valid} valid, ${invalid} invalid`,
  );
});
