/**
 * {@linkcode writeAll}: write every byte to a connection. Internal to the
 * library (the TCP WebSocket transport, the dispatch service's metrics
 * endpoint, the test kit's gateway server).
 *
 * @module
 */

/**
 * Write all of `bytes` to `conn`: `Conn.write` may take fewer than it is
 * given, so it is called again with the rest until none is left.
 *
 * @param conn The connection (anything with `write`).
 * @param bytes The bytes.
 * @returns A promise that resolves once every byte is written.
 *
 * @example Usage
 * ```ts
 * import { writeAll } from "./write_all.ts";
 * import assert from "node:assert/strict";
 *
 * const got: number[] = [];
 * // A writer that takes one byte a call.
 * const conn = {
 *   write: (b: Uint8Array) => (got.push(b[0]!), Promise.resolve(1)),
 * };
 * await writeAll(conn, new Uint8Array([1, 2, 3]));
 * assert.deepEqual(got, [1, 2, 3]);
 * ```
 */
export async function writeAll(
  conn: Pick<Deno.Conn, "write">,
  bytes: Uint8Array,
): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    offset += await conn.write(bytes.subarray(offset));
  }
}
