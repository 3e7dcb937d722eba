/**
 * The fake gateway's compressors: transport compression (`zlib-stream`,
 * `zstd-stream`: one compression context per connection, each payload
 * flushed so it decodes on its own) and payload compression (`compress: true`
 * in IDENTIFY: each payload a complete zlib stream).
 *
 * Private to the test kit; not exported from `mod.ts`.
 *
 * @module
 */
import zlib from "node:zlib";

/** The transport compressions the gateway offers through `?compress=`. */
export type TransportCompression = "zlib-stream" | "zstd-stream";

/** A per-connection compression context. */
export interface StreamCompressor {
  /** Which compression this is. */
  readonly kind: TransportCompression;
  /**
   * Whether node:zlib does the work (`true`) or the uncompressed fallback
   * (stored deflate blocks / raw zstd blocks) does (`false`).
   */
  readonly native: boolean;
  /**
   * Compress one payload and flush it, so the bytes returned decode on their
   * own given everything before them on the same connection. `zlib-stream`
   * output ends with `00 00 ff ff`; `zstd-stream` output is whole blocks of
   * a frame that is never ended. Only the first output carries the stream
   * header (`78 9c` or the zstd magic `28 b5 2f fd`).
   */
  compress(data: Uint8Array): Uint8Array;
  /** Free the context. Compressing afterwards throws. */
  close(): void;
}

/** The Z_SYNC_FLUSH marker that ends every `zlib-stream` payload. */
export const ZLIB_SUFFIX: Uint8Array = new Uint8Array([0x00, 0x00, 0xff, 0xff]);

/** Options for {@linkcode createStreamCompressor}. */
export interface StreamCompressorOptions {
  /**
   * Use node:zlib when it offers what is needed; `false` forces the
   * uncompressed fallback (for tests of the fallback itself).
   *
   * @default {true}
   */
  native?: boolean;
}

/**
 * Make the compression context for one connection.
 *
 * @param kind `zlib-stream` or `zstd-stream`.
 * @param options Whether to use node:zlib.
 * @returns A fresh context.
 */
export function createStreamCompressor(
  kind: TransportCompression,
  options: StreamCompressorOptions = {},
): StreamCompressor {
  if (options.native ?? true) {
    const native = createNativeCompressor(kind);
    if (native) return native;
  }
  return kind === "zlib-stream"
    ? new StoredDeflateCompressor()
    : new RawZstdCompressor();
}

/**
 * Compress one payload as a complete, self-contained zlib stream (payload
 * compression, `compress: true` in IDENTIFY).
 *
 * @param data The encoded JSON payload.
 * @returns `78 9c …` with the Adler-32 trailer.
 */
export function compressPayload(data: Uint8Array): Uint8Array {
  const out = zlib.deflateSync(data);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

// --- node:zlib ------------------------------------------------------------
//
// RELIANCE ON NODE INTERNALS, isolated here. Transport compression needs a
// compression context that lives for the whole connection and hands back
// each flushed payload *synchronously*, so frames go out in the order they
// were produced. node:zlib's public API is either one-shot (`deflateSync`,
// no shared context) or asynchronous (streams). Its streams are built on a
// native handle whose `writeSync(flushFlag, in, inOff, inLen, out, outOff,
// outLen)` compresses synchronously and reports `[availOut, availIn]` in the
// stream's `_writeState` (Node's own `processChunkSync` is this loop, but it
// closes the handle after one call, so it cannot be reused per payload).
// Checked on Deno 2.9 for `createDeflate` with Z_SYNC_FLUSH and
// `createZstdCompress` with ZSTD_e_flush. If a runtime lacks any piece,
// `createNativeCompressor` returns undefined and the fallback encoders below
// (valid streams, just not smaller) take over.

interface NativeHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOff: number,
    inLen: number,
    output: Uint8Array,
    outOff: number,
    outLen: number,
  ): void;
  close(): void;
}

interface NativeStream {
  _handle: NativeHandle | null;
  _writeState: Uint32Array;
  on(event: "error", listener: (error: unknown) => void): unknown;
}

const OUTPUT_CHUNK = 16 * 1024;

function createNativeCompressor(
  kind: TransportCompression,
): StreamCompressor | undefined {
  const constants = zlib.constants as Record<string, number | undefined>;
  const factory = kind === "zlib-stream"
    ? zlib.createDeflate
    : (zlib as unknown as Record<string, unknown>).createZstdCompress;
  const flush = kind === "zlib-stream"
    ? constants.Z_SYNC_FLUSH
    : constants.ZSTD_e_flush;
  if (typeof factory !== "function" || flush === undefined) return undefined;
  let stream: NativeStream;
  try {
    stream = (factory as () => unknown)() as NativeStream;
  } catch {
    return undefined;
  }
  const handle = stream._handle;
  const state = stream._writeState;
  if (
    !handle || typeof handle.writeSync !== "function" ||
    !(state instanceof Uint32Array) || state.length < 2
  ) {
    try {
      handle?.close();
    } catch {
      // Nothing to free.
    }
    return undefined;
  }
  let error: unknown;
  stream.on("error", (e) => error = e);
  let closed = false;
  return {
    kind,
    native: true,
    compress(data: Uint8Array): Uint8Array {
      if (closed) throw new Error("Cannot compress: the context is closed");
      const chunks: Uint8Array[] = [];
      let inOff = 0;
      let availIn = data.byteLength;
      for (;;) {
        const out = new Uint8Array(OUTPUT_CHUNK);
        handle.writeSync(flush, data, inOff, availIn, out, 0, out.length);
        if (error !== undefined) throw error;
        const availOut = state[0]!;
        const availInAfter = state[1]!;
        chunks.push(out.subarray(0, out.length - availOut));
        inOff += availIn - availInAfter;
        availIn = availInAfter;
        // A full output buffer means there may be more to collect.
        if (availOut !== 0) break;
      }
      return concat(chunks);
    },
    close(): void {
      if (closed) return;
      closed = true;
      handle.close();
      stream._handle = null;
    },
  };
}

// --- fallbacks ------------------------------------------------------------

/** `zlib-stream` made of stored (uncompressed) deflate blocks. */
class StoredDeflateCompressor implements StreamCompressor {
  readonly kind = "zlib-stream" as const;
  readonly native = false;
  #started = false;
  #closed = false;

  compress(data: Uint8Array): Uint8Array {
    if (this.#closed) throw new Error("Cannot compress: the context is closed");
    const parts: Uint8Array[] = [];
    if (!this.#started) {
      this.#started = true;
      parts.push(new Uint8Array([0x78, 0x9c]));
    }
    for (let off = 0; off < data.byteLength; off += 0xffff) {
      const block = data.subarray(off, Math.min(off + 0xffff, data.byteLength));
      parts.push(storedBlockHeader(block.byteLength), block);
    }
    // The empty stored block Z_SYNC_FLUSH emits: 00 00 00 ff ff.
    parts.push(new Uint8Array([0x00]), ZLIB_SUFFIX);
    return concat(parts);
  }

  close(): void {
    this.#closed = true;
  }
}

function storedBlockHeader(length: number): Uint8Array {
  // BFINAL=0, BTYPE=00, padded to the byte boundary, then LEN and NLEN.
  const nlen = ~length & 0xffff;
  return new Uint8Array([
    0x00,
    length & 0xff,
    length >> 8,
    nlen & 0xff,
    nlen >> 8,
  ]);
}

/** `zstd-stream` made of raw (uncompressed) blocks in a never-ended frame. */
class RawZstdCompressor implements StreamCompressor {
  readonly kind = "zstd-stream" as const;
  readonly native = false;
  #started = false;
  #closed = false;
  static readonly #MAX_BLOCK = 128 * 1024;

  compress(data: Uint8Array): Uint8Array {
    if (this.#closed) throw new Error("Cannot compress: the context is closed");
    const parts: Uint8Array[] = [];
    if (!this.#started) {
      this.#started = true;
      // Magic, descriptor 0 (no content size, no checksum, not single
      // segment), window descriptor 0x38 (2^17 = 128 KiB).
      parts.push(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38]));
    }
    const max = RawZstdCompressor.#MAX_BLOCK;
    for (let off = 0; off < data.byteLength; off += max) {
      const block = data.subarray(off, Math.min(off + max, data.byteLength));
      // Last_Block=0, Block_Type=0 (raw), Block_Size; little endian.
      const header = block.byteLength << 3;
      parts.push(
        new Uint8Array([header & 0xff, (header >> 8) & 0xff, header >> 16]),
        block,
      );
    }
    return concat(parts);
  }

  close(): void {
    this.#closed = true;
  }
}

/**
 * Split one `zlib-stream` payload into `parts` messages, none but the last
 * ending in {@linkcode ZLIB_SUFFIX}, so a client has to buffer until the
 * suffix.
 *
 * @param data One compressed payload (ends in the suffix).
 * @param parts How many messages to make at most.
 * @returns The messages, in order; concatenated they are `data`.
 */
export function splitZlibPayload(
  data: Uint8Array,
  parts: number,
): Uint8Array[] {
  const count = Math.max(1, Math.min(Math.floor(parts), data.byteLength));
  if (count === 1) return [data];
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 1; i < count; i++) {
    let end = Math.max(
      start + 1,
      Math.round((data.byteLength * i) / count),
    );
    // Never let a middle piece look complete.
    while (end < data.byteLength && endsWithSuffix(data.subarray(start, end))) {
      end++;
    }
    if (end >= data.byteLength) break;
    out.push(data.subarray(start, end));
    start = end;
  }
  out.push(data.subarray(start));
  return out;
}

/**
 * Whether `data` ends with the Z_SYNC_FLUSH marker.
 *
 * @param data Bytes to check.
 * @returns `true` when the last four bytes are `00 00 ff ff`.
 */
export function endsWithSuffix(data: Uint8Array): boolean {
  const n = data.byteLength;
  return n >= 4 && data[n - 4] === 0x00 && data[n - 3] === 0x00 &&
    data[n - 2] === 0xff && data[n - 1] === 0xff;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!.slice();
  let total = 0;
  for (const chunk of chunks) total += chunk.byteLength;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
