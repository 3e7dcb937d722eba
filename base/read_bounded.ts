/**
 * Reading a byte stream with a size cap, stopping (and cancelling the rest)
 * as soon as it passes the cap: what a REST answer, an interaction request
 * and a streamed upload are read with, so that no peer can make us buffer
 * without bound.
 *
 * @module
 */

/** What {@linkcode readBounded} got: every chunk, or the size that passed the cap. */
export type BoundedRead =
  | {
    /** The stream ended within the cap. */
    type: "read";
    /** The chunks, in order. */
    chunks: Uint8Array[];
    /** Their total size in bytes. */
    size: number;
  }
  | {
    /** The stream passed the cap; it was cancelled there. */
    type: "too_large";
    /** Bytes read when it passed the cap. */
    size: number;
  };

/**
 * Read `stream` to its end, unless it passes `limit` bytes: then cancel it
 * (with `cancelReason`) and say how far it got. A failing read rejects, and
 * so does an abort of `signal`, which cancels the stream (a peer sending a
 * body slowly cannot hold the read open past a deadline).
 *
 * @param stream The bytes.
 * @param limit The most bytes kept.
 * @param cancelReason Passed to the stream's `cancel` when it is too large.
 * @param signal Ends the read early: the stream is cancelled and the call
 *   rejects with the signal's reason.
 * @returns The chunks, or the size that passed the cap.
 *
 * @example Usage
 * ```ts
 * import { readBounded } from "./read_bounded.ts";
 * import assert from "node:assert/strict";
 *
 * const small = await readBounded(new Blob(["abc"]).stream(), 3);
 * assert.equal(small.type, "read");
 * const large = await readBounded(new Blob(["abcd"]).stream(), 3);
 * assert.deepEqual(large, { type: "too_large", size: 4 });
 * ```
 */
export async function readBounded(
  stream: ReadableStream<Uint8Array>,
  limit: number,
  cancelReason?: unknown,
  signal?: AbortSignal,
): Promise<BoundedRead> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const abort = (): void => void reader.cancel(signal?.reason).catch(() => {});
  signal?.addEventListener("abort", abort, { once: true });
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      // A cancel ends a pending read as if the stream had ended.
      signal?.throwIfAborted();
      if (done) return { type: "read", chunks, size };
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel(cancelReason).catch(() => {});
        return { type: "too_large", size };
      }
      chunks.push(value);
    }
  } finally {
    signal?.removeEventListener("abort", abort);
    reader.releaseLock();
  }
}

/**
 * The chunks of a {@linkcode readBounded} as one array (the chunk itself
 * when there is one).
 *
 * @param chunks The chunks.
 * @param size Their total size.
 * @returns The bytes.
 *
 * @example Usage
 * ```ts
 * import { joinChunks } from "./read_bounded.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = joinChunks([new Uint8Array([1]), new Uint8Array([2, 3])], 3);
 * assert.deepEqual([...bytes], [1, 2, 3]);
 * ```
 */
export function joinChunks(
  chunks: readonly Uint8Array[],
  size: number,
): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const whole = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole;
}
