/**
 * FNV-1a, 32 bits: a short, fast, non-cryptographic fingerprint of a
 * string, for telling keys apart (token fingerprints in rate-limit bucket
 * keys, made-up bucket hashes in the fake REST API). Never for secrecy.
 *
 * @module
 */

/**
 * The 32-bit FNV-1a hash of `text`'s UTF-16 code units, as 8 hex digits.
 *
 * @param text What to fingerprint.
 * @returns 8 lowercase hex digits.
 *
 * @example Usage
 * ```ts
 * import { fnv1a } from "./fnv1a.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(fnv1a(""), "811c9dc5");
 * assert.equal(fnv1a("a"), "e40c292c");
 * ```
 */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
