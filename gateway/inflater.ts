/**
 * Transport compression (`compress=zlib-stream` or `compress=zstd-stream`):
 * one decompression context per connection, fed every binary WebSocket
 * message in order, synchronously.
 *
 * @module
 */
import type * as NodeZlib from "node:zlib";
import { GatewayError } from "./errors.ts";
import { errorText } from "../base/error_text.ts";
import { nodeBuiltin } from "../base/runtime.ts";
import { decodeUtf8 } from "../base/utf8_decode.ts";

let zlibModule: typeof NodeZlib | undefined;

/**
 * `node:zlib`, loaded on first use: a bot without transport compression
 * never pays for it (about 5 MB of resident memory on Deno 2.9).
 * `process.getBuiltinModule` loads it synchronously (Deno 2, Node 22.3+, Bun).
 */
function zlib(): typeof NodeZlib {
  if (zlibModule) return zlibModule;
  const loaded = nodeBuiltin("node:zlib");
  if (loaded === undefined) {
    throw new Error(
      'Cannot decompress the gateway stream as this runtime has no node:zlib (process.getBuiltinModule); use compress: "none"',
    );
  }
  return zlibModule = loaded as typeof NodeZlib;
}

/** How the gateway compresses what it sends on a connection. */
export type TransportCompression = "none" | "zlib-stream" | "zstd-stream";

/** Every {@linkcode TransportCompression}, for the option checks. */
export const TRANSPORT_COMPRESSIONS: readonly string[] = [
  "none",
  "zlib-stream",
  "zstd-stream",
] satisfies TransportCompression[];

/** A per-connection decompressor for gateway messages. */
export interface Inflater {
  /**
   * Feed one WebSocket binary message.
   *
   * @param chunk The message's bytes.
   * @returns The decoded UTF-8 text of a complete payload, or `null` while
   * more bytes are needed (zlib: until a message ends with `00 00 ff ff`).
   * @throws {GatewayError} Of kind `decode` on corrupt input, after a
   * previous failure (the stream cannot recover) and after
   * {@linkcode Inflater.close}.
   */
  push(chunk: Uint8Array): string | null;
  /**
   * Whether part of a message is buffered (zlib-stream: bytes waiting for
   * the `00 00 ff ff` suffix): a frame read meanwhile would overtake it.
   */
  readonly midMessage: boolean;
  /** Free the native context. Idempotent. */
  close(): void;
}

/**
 * Default {@linkcode InflaterOptions.maxMessageBytes}: 64 MiB, the same cap
 * the TCP transport puts on a raw WebSocket message.
 */
export const DEFAULT_MAX_INFLATED_BYTES = 64 * 1024 * 1024;

/** Limits for {@linkcode createInflater}. */
export interface InflaterOptions {
  /**
   * The most bytes one payload may inflate to, and the most compressed
   * bytes a zlib-stream connection may buffer while waiting for a message's
   * `00 00 ff ff` suffix. Past either, {@linkcode Inflater.push} throws a
   * `decode` {@linkcode GatewayError} (a decompression bomb, or a stream
   * that never flushes) having produced at most this much.
   *
   * @default {67108864 (64 MiB)}
   */
  maxMessageBytes?: number;
}

/**
 * Check a {@linkcode InflaterOptions.maxMessageBytes} value (also used for
 * the shard's `maxInflatedBytes`; not exported from the package).
 *
 * @param value The value given, or `undefined` for the default.
 * @param name The option's name, for the message.
 * @returns The limit to use.
 * @throws {RangeError} Unless a positive safe integer.
 */
export function inflateLimit(
  value: number | undefined,
  name = "maxMessageBytes",
): number {
  if (value === undefined) return DEFAULT_MAX_INFLATED_BYTES;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(
      `Cannot use '${name}' as it must be a positive integer number of bytes: current value '${name}=${value}'`,
    );
  }
  return value;
}

/** The `Z_SYNC_FLUSH` marker every complete zlib-stream message ends with. */
const ZLIB_SUFFIX = [0x00, 0x00, 0xff, 0xff] as const;
/** Output buffer size to start with; most payloads are far smaller. */
const INITIAL_OUTPUT = 64 * 1024;
/** Buffers grown past this are dropped after use instead of kept. */
const RETAINED_MAX = 1024 * 1024;

/**
 * Output space shared by every inflater: decoding is synchronous and the
 * text is copied out, so one buffer serves all connections.
 */
let sharedOutput = new Uint8Array(INITIAL_OUTPUT);

/**
 * The part of a `node:zlib` stream this module relies on. These are
 * internals (identical in Node.js and Deno 2.9's port of it): the public
 * synchronous API (`inflateSync`, `_processChunk` without a callback) closes
 * the context after one call, and the streaming API is asynchronous, while a
 * gateway connection needs one context for its whole life, fed
 * synchronously so frames keep their order without a promise per frame.
 * `_handle.writeSync(flush, input, inOffset, inLength, output, outOffset,
 * outLength)` runs the codec once and stores the bytes of output space and
 * input left unused in `_writeState` as `[availOut, availIn]`; zlib reports
 * errors through `_handle.onerror(message, errno)`, zstd by throwing.
 */
interface NativeHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOffset: number,
    inLength: number,
    output: Uint8Array,
    outOffset: number,
    outLength: number,
  ): void;
  onerror: ((message: string, errno: number) => void) | undefined;
}

interface NodeCodecStream {
  readonly _handle: NativeHandle | null | undefined;
  readonly _writeState: Uint32Array | undefined;
  close(): void;
}

/** zstd's largest window log by default (128 MiB), which the cap never passes. */
const ZSTD_WINDOW_LOG_DEFAULT_MAX = 27;
/** zstd's smallest window log (1 KiB). */
const ZSTD_WINDOW_LOG_MIN = 10;

/** The zstd window log that holds `limit` bytes, within zstd's bounds. */
function zstdWindowLog(limit: number): number {
  return Math.min(
    ZSTD_WINDOW_LOG_DEFAULT_MAX,
    Math.max(ZSTD_WINDOW_LOG_MIN, Math.ceil(Math.log2(limit))),
  );
}

/** Open the native stream and check it has the internals we rely on. */
function openNative(
  compression: "zlib-stream" | "zstd-stream",
  limit: number,
): { stream: NodeCodecStream; handle: NativeHandle; state: Uint32Array } {
  const codecs = zlib();
  const create = compression === "zlib-stream"
    ? codecs.createInflate
    : (codecs as { createZstdDecompress?: () => unknown }).createZstdDecompress;
  if (typeof create !== "function") {
    throw new Error(
      `Cannot create ${compression} inflater as this runtime's node:zlib has no ${
        compression === "zlib-stream" ? "createInflate" : "createZstdDecompress"
      }`,
    );
  }
  // chunkSize: the stream's own 16 KiB output buffer is never used here.
  // zstd's window is what a frame's header asks for, up to 128 MiB of native
  // memory per connection (a hostile server that asks for it and sends small
  // messages keeps it all, whatever the message limit): capped at the
  // message limit, so `maxInflatedBytes` bounds the window too.
  const params = compression === "zstd-stream"
    ? { [zlib().constants.ZSTD_d_windowLogMax]: zstdWindowLog(limit) }
    : undefined;
  const stream = (create as (options: {
    chunkSize: number;
    params?: Record<number, number>;
  }) => unknown)({
    chunkSize: 64,
    ...(params ? { params } : {}),
  }) as unknown as NodeCodecStream;
  const handle = stream._handle;
  const state = stream._writeState;
  if (
    !handle || typeof handle.writeSync !== "function" ||
    !(state instanceof Uint32Array) || state.length < 2
  ) {
    stream.close();
    throw new Error(
      `Cannot create ${compression} inflater as this runtime's node:zlib lacks the internal synchronous handle (_handle.writeSync and _writeState) it relies on`,
    );
  }
  return { stream, handle, state };
}

class NativeInflater implements Inflater {
  readonly #compression: "zlib-stream" | "zstd-stream";
  readonly #flush: number;
  #stream: NodeCodecStream | undefined;
  #handle: NativeHandle | undefined;
  #state: Uint32Array;
  #error: Error | undefined;
  #failed = false;
  readonly #limit: number;

  /** zlib only: message bytes waiting for the sync-flush suffix. */
  #pending: Uint8Array | undefined;
  #pendingLength = 0;

  constructor(compression: "zlib-stream" | "zstd-stream", limit: number) {
    const { stream, handle, state } = openNative(compression, limit);
    this.#compression = compression;
    this.#limit = limit;
    // zstd decompression has no end directive: every flag decodes all it
    // can. ZSTD_e_flush says what we mean.
    this.#flush = compression === "zlib-stream"
      ? zlib().constants.Z_SYNC_FLUSH
      : zlib().constants.ZSTD_e_flush;
    this.#stream = stream;
    this.#handle = handle;
    this.#state = state;
    // Replace the stream's handler, which would destroy the stream and emit
    // an asynchronous "error" event; we throw synchronously instead.
    handle.onerror = (message, errno) => {
      this.#error = new Error(`${message} (errno ${errno})`);
    };
  }

  get midMessage(): boolean {
    return this.#pendingLength > 0;
  }

  push(chunk: Uint8Array): string | null {
    if (this.#handle === undefined) {
      throw new GatewayError(
        "decode",
        `Cannot decompress a ${this.#compression} message as the inflater is closed`,
      );
    }
    if (this.#failed) {
      throw new GatewayError(
        "decode",
        `Cannot decompress a ${this.#compression} message as an earlier message was corrupt; reconnect with a new inflater`,
      );
    }
    if (chunk.length === 0) return null;
    // zstd: each message is exactly one payload.
    if (this.#compression === "zstd-stream") return this.#decode(chunk);
    // The common case: a whole payload in one message, inflated in place.
    if (this.#pendingLength === 0 && endsWithSuffix(chunk, chunk.length)) {
      return this.#decode(chunk);
    }
    this.#append(chunk);
    // Checked on the buffered bytes, so a suffix split across messages counts.
    if (!endsWithSuffix(this.#pending!, this.#pendingLength)) return null;
    const input = this.#pending!.subarray(0, this.#pendingLength);
    this.#pendingLength = 0;
    const text = this.#decode(input);
    if (this.#pending!.length > RETAINED_MAX) this.#pending = undefined;
    return text;
  }

  close(): void {
    const stream = this.#stream;
    if (stream === undefined) return;
    this.#stream = undefined;
    this.#handle = undefined;
    this.#pending = undefined;
    this.#pendingLength = 0;
    stream.close();
  }

  #append(chunk: Uint8Array): void {
    const needed = this.#pendingLength + chunk.length;
    if (needed > this.#limit) {
      throw this.#fail(
        `Cannot decompress a ${this.#compression} message as ${needed} bytes arrived without the end-of-message suffix, more than the ${this.#limit} bytes allowed`,
      );
    }
    let pending = this.#pending;
    if (pending === undefined || pending.length < needed) {
      // Doubling, but never past the limit (`needed` is within it): the
      // buffer of a message held at the limit is the limit, not twice it.
      const grown = new Uint8Array(
        Math.min(
          Math.max(needed, (pending?.length ?? 0) * 2, INITIAL_OUTPUT),
          this.#limit,
        ),
      );
      if (pending !== undefined && this.#pendingLength > 0) {
        grown.set(pending.subarray(0, this.#pendingLength));
      }
      pending = this.#pending = grown;
    }
    pending.set(chunk, this.#pendingLength);
    this.#pendingLength = needed;
  }

  /** Run `input` through the context and decode all output as UTF-8. */
  #decode(input: Uint8Array): string | null {
    const handle = this.#handle!;
    const state = this.#state;
    let output = sharedOutput;
    let produced = 0;
    let inOffset = 0;
    let inLength = input.length;
    // The shared buffer may be larger than the limit (64 KiB to start with,
    // up to 1 MiB after another connection's payload): the codec is given
    // room for one byte past the limit at most, never the whole buffer.
    const room = this.#limit + 1;
    for (;;) {
      const outLength = Math.min(output.length, room) - produced;
      try {
        handle.writeSync(
          this.#flush,
          input,
          inOffset,
          inLength,
          output,
          produced,
          outLength,
        );
      } catch (error) {
        this.#error = error instanceof Error
          ? error
          : new Error(errorText(error));
      }
      if (this.#error !== undefined) {
        throw this.#fail(
          /too much memory/.test(this.#error.message)
            ? `Cannot decompress a ${this.#compression} message as its window is larger than the ${this.#limit} bytes maxInflatedBytes allows`
            : undefined,
        );
      }
      const availOut = state[0]!;
      const availIn = state[1]!;
      produced += outLength - availOut;
      inOffset += inLength - availIn;
      inLength = availIn;
      // Output space left over means the codec has nothing more to give.
      if (availOut !== 0) break;
      if (produced > this.#limit) {
        // The room was one byte past the limit and is full: a bomb stops here.
        throw this.#fail(
          `Cannot decompress a ${this.#compression} message as it inflates to more than ${this.#limit} bytes`,
        );
      }
      const grown = new Uint8Array(Math.min(output.length * 2, room));
      grown.set(output.subarray(0, produced));
      output = grown;
    }
    if (inLength > 0) {
      // Input left with output space to spare: the stream has ended (a
      // final block), and a codec past its end takes nothing more. Ignored,
      // every later message would decode to nothing while the connection
      // looked alive.
      throw this.#fail(
        `Cannot decompress a ${this.#compression} message as it continues past the end of the compressed stream`,
      );
    }
    // Decoding copies, so the buffer can be reused for the next message.
    let text: string | null = null;
    if (produced > 0) {
      try {
        // Strict: inflated bytes that are not UTF-8 are a corrupt payload.
        text = decodeUtf8(output.subarray(0, produced));
      } catch {
        throw this.#fail(
          `Cannot decode a ${this.#compression} message as it inflates to bytes that are not UTF-8`,
        );
      }
    }
    // Keep a grown buffer for the next large payload, unless it is huge (then
    // the previous, smaller one stays).
    if (output.length <= RETAINED_MAX) sharedOutput = output;
    return text;
  }

  /** Mark the stream failed (it cannot recover) and drop what it holds. */
  #fail(message?: string): GatewayError {
    const cause = this.#error;
    this.#error = undefined;
    this.#failed = true;
    this.#pendingLength = 0;
    this.#pending = undefined;
    return new GatewayError(
      "decode",
      message ??
        `Cannot decompress a ${this.#compression} message as the data is corrupt`,
      cause === undefined ? {} : { cause },
    );
  }
}

/** Whether the first `length` bytes of `bytes` end with `00 00 ff ff`. */
function endsWithSuffix(bytes: Uint8Array, length: number): boolean {
  return length >= 4 &&
    bytes[length - 4] === ZLIB_SUFFIX[0] &&
    bytes[length - 3] === ZLIB_SUFFIX[1] &&
    bytes[length - 2] === ZLIB_SUFFIX[2] &&
    bytes[length - 1] === ZLIB_SUFFIX[3];
}

/**
 * Create the decompressor for one connection. Make a new one for every
 * connection (the context must start fresh) and
 * {@linkcode Inflater.close} it when the connection ends.
 *
 * - `zlib-stream`: messages are buffered until one ends with the
 *   `Z_SYNC_FLUSH` suffix `00 00 ff ff`, then inflated together through the
 *   connection's zlib context.
 * - `zstd-stream`: every message is one payload, decompressed through the
 *   connection's zstd context (the whole connection is one zstd frame).
 *
 * Each payload may inflate to at most `options.maxMessageBytes` (64 MiB by
 * default), and zlib-stream buffers at most as many compressed bytes while
 * waiting for a suffix; past either, `push` throws a `decode` error.
 *
 * @param compression The `compress` query parameter of the connection.
 * @param options Size limits.
 * @returns A fresh inflater.
 * @throws {TypeError} When `compression` is not `zlib-stream` or
 * `zstd-stream`.
 * @throws {RangeError} When `maxMessageBytes` is not a positive integer.
 * @throws {Error} When the runtime's `node:zlib` lacks what the inflater
 * needs (a synchronous native handle; zstd support).
 *
 * @example Inflate zlib-stream messages
 * ```ts
 * import { createInflater } from "./inflater.ts";
 * import { deflateSync, constants } from "node:zlib";
 * import assert from "node:assert/strict";
 *
 * const inflater = createInflater("zlib-stream");
 * // A server sends one deflate stream, sync-flushed after every payload.
 * const message = deflateSync('{"op":11}', { finishFlush: constants.Z_SYNC_FLUSH });
 * assert.equal(inflater.push(message.subarray(0, 5)), null); // no suffix yet
 * assert.equal(inflater.push(message.subarray(5)), '{"op":11}');
 * inflater.close();
 * ```
 */
export function createInflater(
  compression: "zlib-stream" | "zstd-stream",
  options: InflaterOptions = {},
): Inflater {
  if (compression !== "zlib-stream" && compression !== "zstd-stream") {
    throw new TypeError(
      `Cannot create inflater as 'compression' must be "zlib-stream" or "zstd-stream": current value 'compression=${
        String(compression)
      }'`,
    );
  }
  return new NativeInflater(
    compression,
    inflateLimit(options.maxMessageBytes),
  );
}
