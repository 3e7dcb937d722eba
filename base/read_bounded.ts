/**
 * Reading a byte stream with a size cap, stopping (and cancelling the rest)
 * as soon as it passes the cap: what a REST answer, an interaction request
 * and a streamed upload are read with, so that no peer can make us buffer
 * without bound.
 *
 * @module
 */
import { delay, realScheduler, type TimerId } from "./scheduler.ts";

/**
 * How long a read runs, in ms, before it makes sure the event loop's
 * timers had a turn (so at most about twice this without one: the sentinel
 * may have run early in the window). A stream that hands its chunks over
 * without waiting (a generator of an upload, one of empty chunks) never
 * let the timeout's timer or an abort run, and held the whole process
 * until it ended, if ever. By time, not by chunks, and only when no timer
 * ran meanwhile (a sentinel timer tells): a turn costs about 2 ms, and a
 * network body, whose reads wait, read 2.6 times slower with one per MiB.
 * (A read that merely took long, a stream's pull busy or the process
 * paused, is no sign: timers did not run then.)
 *
 * Only after two chunks or more since the last turn: a chunk's own work is
 * bounded (a copy of at most the cap), and a short body of one chunk that
 * came late (a GC pause, a busy machine) waited for a timer it did not
 * need. On a virtual clock, where only microtasks run between timers, that
 * wait let a test run its timers past the read: a REST answer read in
 * process timed out at 15 s of virtual time.
 */
const MS_PER_TURN = 20;

/** What {@linkcode readBounded} got: every chunk, or the size that passed the cap. */
export type BoundedRead =
  | {
    /** The stream ended within the cap. */
    type: "read";
    /** The bytes, in order, in blocks of up to 64 KiB (copies, not the stream's chunks). */
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
 * A stream handed {@linkcode readBounded} a chunk that is not a
 * `Uint8Array` (a string, an `ArrayBuffer`, a `DataView`, another typed
 * array): a byte stream's chunks are bytes, and no other kind is read.
 */
export class ChunkTypeError extends TypeError {
  /** The refused chunk's class (`typeof` for a primitive). */
  readonly chunkType: string;

  /**
   * Create the error.
   *
   * @param chunk The chunk refused (only its type is shown).
   */
  constructor(chunk: unknown) {
    const type = chunkType(chunk);
    super(
      `Cannot read a stream as its chunks must be Uint8Array bytes: current chunk type '${type}'`,
    );
    this.chunkType = type;
  }
}

/** A chunk's type as a message shows it: its class, else `typeof`. */
function chunkType(chunk: unknown): string {
  if (chunk === null) return "null";
  if (typeof chunk !== "object") return typeof chunk;
  try {
    const name: unknown = Object.getPrototypeOf(chunk)?.constructor?.name;
    if (typeof name === "string" && name !== "") return name;
  } catch {
    // A proxy's trap or a getter threw: the message shows `object`.
  }
  return "object";
}

/**
 * Read `stream` to its end, unless it passes `limit` bytes: then cancel it
 * (with `cancelReason`) and say how far it got. A failing read rejects, and
 * so does an abort of `signal`, which cancels the stream (a peer sending a
 * body slowly cannot hold the read open past a deadline).
 *
 * @param stream The bytes.
 * @param limit The most bytes kept: a positive integer.
 * @param cancelReason Passed to the stream's `cancel` when it is too large.
 * @param signal Ends the read early: the stream is cancelled and the call
 *   rejects with the signal's reason.
 * @param reserve Called with each chunk's size once it is known to fit,
 *   before it is kept: what it throws cancels the stream and rejects the
 *   call. What a REST client bounds its answers' bytes together with
 *   (it never waits: over HTTP/2 a paused body stalls the connection).
 * @returns The chunks, or the size that passed the cap.
 * @throws {RangeError} When `limit` is not a positive integer (`NaN` read
 *   for ever, allocating a block per chunk and keeping nothing).
 * @throws {ChunkTypeError} When a chunk is not a `Uint8Array` (a string,
 *   an `ArrayBuffer`, another typed array): the stream is cancelled.
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
  reserve?: (bytes: number) => void,
): Promise<BoundedRead> {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(
      `Cannot read a stream as 'limit' must be a positive integer of bytes: current value 'limit=${limit}'`,
    );
  }
  const reader = stream.getReader();
  const kept = new BlockWriter(limit);
  let size = 0;
  let turnAt = performance.now() + MS_PER_TURN;
  let chunksSinceTurn = 0;
  // Set by a timer: the event loop's timers ran since it was armed.
  let turned = false;
  const arm = (): TimerId => realScheduler.setTimeout(() => turned = true, 0);
  let sentinel = arm();
  // Not awaited: a stream's cancel() may never settle, and held the read.
  const cancel = (reason: unknown): void =>
    void reader.cancel(reason).catch(() => {});
  const abort = (): void => cancel(signal?.reason);
  signal?.addEventListener("abort", abort, { once: true });
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      // A cancel ends a pending read as if the stream had ended.
      signal?.throwIfAborted();
      if (done) return { type: "read", chunks: kept.finish(), size };
      if (!(value instanceof Uint8Array)) {
        // Counted as they are, a string is `NaN` bytes (an empty read), a
        // Uint16Array is cut to bytes one element at a time and a buffer
        // fails deep in the copy: refused before anything is counted.
        const error = new ChunkTypeError(value);
        cancel(error);
        throw error;
      }
      size += value.byteLength;
      if (size > limit) {
        cancel(cancelReason);
        return { type: "too_large", size };
      }
      try {
        reserve?.(value.byteLength);
      } catch (error) {
        cancel(error);
        throw error;
      }
      kept.write(value);
      if (++chunksSinceTurn >= 2 && performance.now() >= turnAt) {
        if (!turned) await delay(realScheduler, 0);
        realScheduler.clearTimeout(sentinel);
        turned = false;
        sentinel = arm();
        turnAt = performance.now() + MS_PER_TURN;
        chunksSinceTurn = 0;
      }
    }
  } finally {
    realScheduler.clearTimeout(sentinel);
    signal?.removeEventListener("abort", abort);
    reader.releaseLock();
  }
}

/** The largest block a read is copied into. */
const BLOCK_SIZE = 65_536;

/** The smallest block a read is copied into. */
const FIRST_BLOCK_SIZE = 4_096;

/**
 * The bytes read so far, copied into blocks of at most
 * {@linkcode BLOCK_SIZE}. Keeping the chunks as they came is not bounded by
 * their bytes: a chunk can be a view of a larger buffer (Deno's server hands
 * each read of a request body in a 64 KiB buffer of its own, however few
 * bytes it holds; and a peer sending its body a byte at a time held 64 KiB
 * per byte: 1.5 GiB for 330 KiB sent over 16 connections, measured).
 * Copied, what is held is the bytes and one block.
 *
 * Blocks are sized by need: the first one fits the first chunk (at least
 * 4 KiB), each next one doubles, up to 64 KiB, so a body that is still
 * arriving a byte at a time holds 4 KiB, not 64 (1,000 of them held 64 MB),
 * while a stream of 64 KiB chunks is copied into 64 KiB blocks from the
 * start. A last block less than half full is copied to its size: a kept
 * 330-byte body (an interaction waiting for its handler) owns 330 bytes, not
 * the 4 KiB block it was read into.
 */
class BlockWriter {
  readonly #blocks: Uint8Array[] = [];
  #block: Uint8Array | undefined;
  #used = 0;
  /** Bytes copied so far. */
  #copied = 0;
  /** The size of the next block, before the chunk and the limit have a say. */
  #next = FIRST_BLOCK_SIZE;

  /** @param limit The most bytes that will be written (sizes the blocks). */
  constructor(readonly limit: number) {}

  write(chunk: Uint8Array): void {
    let from = 0;
    while (from < chunk.byteLength) {
      if (this.#block === undefined || this.#used === this.#block.byteLength) {
        if (this.#block !== undefined) this.#blocks.push(this.#block);
        const room = this.limit - this.#copied;
        const want = Math.max(this.#next, chunk.byteLength - from);
        const size = Math.max(1, Math.min(BLOCK_SIZE, room, want));
        this.#block = new Uint8Array(size);
        this.#next = Math.min(BLOCK_SIZE, size * 2);
        this.#used = 0;
      }
      const take = Math.min(
        chunk.byteLength - from,
        this.#block.byteLength - this.#used,
      );
      this.#block.set(chunk.subarray(from, from + take), this.#used);
      this.#used += take;
      this.#copied += take;
      from += take;
    }
  }

  /**
   * The blocks, the last one cut to what it holds (copied when less than
   * half of it is used, so that it does not keep the rest alive).
   */
  finish(): Uint8Array[] {
    const block = this.#block;
    if (block !== undefined && this.#used > 0) {
      this.#blocks.push(
        this.#used * 2 < block.byteLength
          ? block.slice(0, this.#used)
          : block.subarray(0, this.#used),
      );
    }
    this.#block = undefined;
    return this.#blocks;
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
