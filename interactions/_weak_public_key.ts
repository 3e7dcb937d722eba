/**
 * Public keys no real Ed25519 key pair has: the encodings of the eight
 * points of small order, and encodings of a coordinate past the field's
 * prime. Against such a key a signature anyone can write by hand verifies
 * (measured with the runtime's WebCrypto: with the all-zero key, a fixed
 * forged signature passed for about 1 body in 4; with the identity point,
 * for every body), so an endpoint given one would take forged
 * interactions. Discord never issues one; a placeholder such as 64 zeros
 * in an environment file is how one arrives.
 *
 * @module
 */

/**
 * The y coordinates of the small-order points, little-endian, as in RFC
 * 8032's encoding with the sign bit of x (the top bit of the last byte)
 * cleared: each stands for its point and its negation.
 */
const SMALL_ORDER_Y = [
  // 1: the identity (order 1).
  "0100000000000000000000000000000000000000000000000000000000000000",
  // p - 1: order 2.
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  // 0: order 4.
  "0000000000000000000000000000000000000000000000000000000000000000",
  // The two y coordinates of the points of order 8.
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
];

/**
 * Whether a 32-byte Ed25519 public key is one no key pair has: a point of
 * small order, or a y coordinate of p = 2^255 - 19 or more.
 *
 * @param key The 32 bytes of the key.
 * @returns `true` for a key that must not be trusted.
 */
export function isWeakPublicKey(key: Uint8Array): boolean {
  const y = Uint8Array.from(key);
  y[31]! &= 0x7f;
  const hex = Array.from(y, (b) => b.toString(16).padStart(2, "0")).join("");
  if (SMALL_ORDER_Y.includes(hex)) return true;
  // y >= p: the low byte 0xed to 0xff, then 30 bytes of 0xff and 0x7f.
  return y[0]! >= 0xed && y.subarray(1, 31).every((b) => b === 0xff) &&
    y[31] === 0x7f;
}
