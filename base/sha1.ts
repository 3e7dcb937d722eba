/**
 * SHA-1 (FIPS 180-4), synchronous, for the places that need a name, not a
 * secret: the WebSocket handshake's `Sec-WebSocket-Accept`, the SHA-1 of
 * the key plus a fixed GUID (RFC 6455 §4.2.2), and the SHA-1 Redis names a
 * Lua script by for `EVALSHA`. It is not used for anything secret.
 *
 * Why not `crypto.subtle.digest`: it is asynchronous and runs on the
 * runtime's blocking thread pool, so a thousand shards connecting at once
 * start extra threads and leave several MB of resident memory behind; this
 * digest of a 60-byte input costs a microsecond on the calling thread.
 * Both callers need the digest synchronously, and it sits in the base so
 * the Redis layer does not reach into the gateway for it.
 *
 * @module
 */

/**
 * The SHA-1 digest of `message`.
 *
 * @param message The bytes to hash.
 * @returns The 20-byte digest.
 */
export function sha1(message: Uint8Array): Uint8Array {
  // Padding: a 1 bit, zeros, then the length in bits as 64-bit big-endian,
  // to a multiple of 64 bytes.
  const blocks = Math.ceil((message.length + 9) / 64);
  const padded = new Uint8Array(blocks * 64);
  padded.set(message);
  padded[message.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bits = message.length * 8;
  view.setUint32(padded.length - 8, Math.floor(bits / 2 ** 32));
  view.setUint32(padded.length - 4, bits >>> 0);

  let h0 = 0x67452301;
  let h1 = 0xefcdab89;
  let h2 = 0x98badcfe;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0;
  const w = new Uint32Array(80);
  for (let block = 0; block < padded.length; block += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(block + t * 4);
    for (let t = 16; t < 80; t++) {
      const x = w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!;
      w[t] = (x << 1) | (x >>> 31);
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4;
    for (let t = 0; t < 80; t++) {
      let f: number;
      let k: number;
      if (t < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (t < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (t < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6;
      }
      const next = (((a << 5) | (a >>> 27)) + f + e + k + w[t]!) >>> 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = next;
    }
    h0 = (h0 + a) >>> 0;
    h1 = (h1 + b) >>> 0;
    h2 = (h2 + c) >>> 0;
    h3 = (h3 + d) >>> 0;
    h4 = (h4 + e) >>> 0;
  }
  const digest = new Uint8Array(20);
  const out = new DataView(digest.buffer);
  out.setUint32(0, h0);
  out.setUint32(4, h1);
  out.setUint32(8, h2);
  out.setUint32(12, h3);
  out.setUint32(16, h4);
  return digest;
}
