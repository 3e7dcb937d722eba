import assert from "node:assert/strict";
import { sha1 } from "../../base/sha1.ts";

const encoder = new TextEncoder();

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("sha1 matches the FIPS 180 test vectors", () => {
  assert.equal(
    hex(sha1(encoder.encode("abc"))),
    "a9993e364706816aba3e25717850c26c9cd0d89d",
  );
  assert.equal(
    hex(sha1(new Uint8Array(0))),
    "da39a3ee5e6b4b0d3255bfef95601890afd80709",
  );
  assert.equal(
    hex(
      sha1(
        encoder.encode(
          "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        ),
      ),
    ),
    "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
  );
});

Deno.test("sha1 gives RFC 6455's Sec-WebSocket-Accept for its sample key", () => {
  // RFC 6455 §1.3: key "dGhlIHNhbXBsZSBub25jZQ==" accepts as below.
  const digest = sha1(
    encoder.encode(
      "dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
    ),
  );
  assert.equal(
    btoa(String.fromCharCode(...digest)),
    "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
  );
});

Deno.test("sha1 equals crypto.subtle's SHA-1 around every padding boundary", async () => {
  // Lengths where the padding spills into an extra block, and a few large ones.
  const lengths = [1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 70_001];
  let state = 12345;
  for (const length of lengths) {
    const message = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      message[i] = state >>> 16;
    }
    const expected = new Uint8Array(
      await crypto.subtle.digest("SHA-1", message),
    );
    assert.deepEqual(sha1(message), expected, `length ${length}`);
  }
});
