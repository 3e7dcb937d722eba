// The one check of whether a text passes a byte bound in UTF-8, shared by
// the layers that send text with a size limit: gateway frames (4096 bytes),
// AMQP routing keys (255) and broker messages (the broker's maximum).

const encoder = new TextEncoder();

/**
 * How many bytes `text` encodes to in UTF-8 when that is more than `max`;
 * `undefined` when it fits. A UTF-16 unit is at most 3 bytes, so a text of
 * no more than `max / 3` units is never encoded (most are far below).
 *
 * @param text The text.
 * @param max The most bytes allowed.
 * @returns The byte count past `max`, or `undefined`.
 *
 * @example Usage
 * ```ts
 * import { utf8Over } from "./utf8_over.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(utf8Over("é".repeat(3), 6), undefined); // 6 bytes
 * assert.equal(utf8Over("é".repeat(4), 6), 8);
 * ```
 */
export function utf8Over(text: string, max: number): number | undefined {
  if (text.length * 3 <= max) return undefined;
  const bytes = encoder.encode(text).length;
  return bytes > max ? bytes : undefined;
}
