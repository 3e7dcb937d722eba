/**
 * Decompression bombs for the gateway's transport compression: a few KB
 * that inflate to gigabytes, built directly (no compressing of gigabytes).
 *
 * @module
 */
import * as zlib from "node:zlib";

/**
 * zstd blocks continuing a frame (the whole zstd-stream connection is one
 * frame): RLE blocks of 128 KiB each, 4 bytes apiece, `inflated` bytes of
 * `0x20` in all. Ratio 32,768:1.
 */
export function zstdBlocks(inflated: number): Uint8Array {
  const blockSize = 128 * 1024;
  const count = Math.ceil(inflated / blockSize);
  const out = new Uint8Array(count * 4);
  // Block header, little-endian: size << 3 | type (1 = RLE) << 1 | last (0).
  const header = (blockSize << 3) | (1 << 1);
  for (let i = 0; i < count; i++) {
    out[i * 4] = header & 0xff;
    out[i * 4 + 1] = (header >>> 8) & 0xff;
    out[i * 4 + 2] = (header >>> 16) & 0xff;
    out[i * 4 + 3] = 0x20;
  }
  return out;
}

/** A zstd frame header (128 KiB window, no size) followed by {@linkcode zstdBlocks}. */
export function zstdBomb(inflated: number): Uint8Array {
  const blocks = zstdBlocks(inflated);
  const out = new Uint8Array(6 + blocks.length);
  out.set([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38]);
  out.set(blocks, 6);
  return out;
}

let rawMiB: Uint8Array | undefined;

/**
 * Raw deflate blocks (no zlib header) inflating to `mib` MiB of spaces, each
 * ending with a sync flush: one compressed MiB repeated, which is still a
 * valid stream (every copy is byte-aligned and not final). About 1,000:1.
 */
export function deflateBlocks(mib: number): Uint8Array {
  rawMiB ??= new Uint8Array(
    zlib.deflateRawSync(new Uint8Array(1024 * 1024).fill(0x20), {
      level: 9,
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
    }),
  );
  const out = new Uint8Array(rawMiB.length * mib);
  for (let i = 0; i < mib; i++) out.set(rawMiB, i * rawMiB.length);
  return out;
}

/** A zlib header followed by {@linkcode deflateBlocks}: one zlib-stream message. */
export function zlibBomb(mib: number): Uint8Array {
  const blocks = deflateBlocks(mib);
  const out = new Uint8Array(2 + blocks.length);
  out.set([0x78, 0xda]);
  out.set(blocks, 2);
  return out;
}
