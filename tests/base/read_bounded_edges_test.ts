// readBounded at its edges, as mutation testing found them unpinned: the
// smallest limit, one byte past a limit, a signal aborted before the read,
// the abort listener left on a long-lived signal, and the sizes of the
// blocks the bytes are copied into (4 KiB first, doubling, never past
// 64 KiB, whatever the chunks' sizes).
import assert from "node:assert/strict";
import { readBounded } from "../../base/read_bounded.ts";

/** A stream of the given chunks, then its end; counts its pulls. */
function streamOf(chunks: Uint8Array[]): {
  stream: ReadableStream<Uint8Array>;
  pulls: () => number;
} {
  let next = 0;
  let pulls = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller): void {
      pulls++;
      if (next < chunks.length) controller.enqueue(chunks[next++]!);
      else controller.close();
    },
  }, { highWaterMark: 0 });
  return { stream, pulls: () => pulls };
}

Deno.test("readBounded accepts a limit of 1 byte, the smallest positive one", async () => {
  const read = await readBounded(streamOf([Uint8Array.of(42)]).stream, 1);
  assert.equal(read.type, "read");
  if (read.type !== "read") return;
  assert.equal(read.size, 1);
  assert.deepEqual([...read.chunks[0]!], [42]);
});

Deno.test("readBounded: one byte past the limit is too large, and cancels the stream", async () => {
  let cancelled: unknown;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller): void {
      controller.enqueue(new Uint8Array(11));
    },
    cancel(reason): void {
      cancelled = reason;
    },
  }, { highWaterMark: 0 });
  const read = await readBounded(stream, 10, "over");
  assert.deepEqual(read, { type: "too_large", size: 11 });
  assert.equal(cancelled, "over");
});

Deno.test("readBounded rejects at once on a signal already aborted, without pulling a chunk", async () => {
  // A read given its deadline's signal after the deadline passed: a stream
  // that never sends again must not be waited on (an abort listener added
  // to an aborted signal never runs).
  const { stream, pulls } = streamOf([new Uint8Array(3)]);
  const reason = new Error("already past the deadline");
  await assert.rejects(
    readBounded(stream, 100, undefined, AbortSignal.abort(reason)),
    (error) => error === reason,
  );
  assert.equal(pulls(), 0);
  assert.equal(stream.locked, false);
});

Deno.test("readBounded leaves no abort listener on its signal once the read is over, read or too large", async () => {
  // One signal (a client's shutdown) passed to many reads: each listener
  // left on it holds its reader until the signal goes.
  const controller = new AbortController();
  const signal = controller.signal;
  const listening = new Set<unknown>();
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ): void => {
    listening.add(listener);
    add(type, listener, options);
  };
  signal.removeEventListener = (
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | EventListenerOptions,
  ): void => {
    listening.delete(listener);
    remove(type, listener, options);
  };
  const read = await readBounded(
    streamOf([new Uint8Array(5)]).stream,
    10,
    undefined,
    signal,
  );
  assert.equal(read.type, "read");
  assert.equal(listening.size, 0, "after a read");
  const large = await readBounded(
    streamOf([new Uint8Array(50)]).stream,
    10,
    undefined,
    signal,
  );
  assert.equal(large.type, "too_large");
  assert.equal(listening.size, 0, "after a read too large");
});

Deno.test("readBounded copies small chunks into blocks of 4 KiB first, each next one double, up to 64 KiB", async () => {
  // 300 chunks of 1 KiB: 300 KiB.
  const chunks = Array.from(
    { length: 300 },
    (_, i) => new Uint8Array(1024).fill(i % 256),
  );
  const read = await readBounded(streamOf(chunks).stream, 1_048_576);
  assert.equal(read.type, "read");
  if (read.type !== "read") return;
  assert.deepEqual(
    read.chunks.map((chunk) => chunk.byteLength),
    [4096, 8192, 16384, 32768, 65536, 65536, 65536, 49152],
  );
  assert.equal(read.chunks[7]![49151], 299 % 256);
});

Deno.test("readBounded copies one chunk larger than 64 KiB into 64 KiB blocks, not one block its size", async () => {
  const chunk = Uint8Array.from({ length: 204_800 }, (_, i) => i % 251);
  const read = await readBounded(streamOf([chunk]).stream, 1_048_576);
  assert.equal(read.type, "read");
  if (read.type !== "read") return;
  assert.deepEqual(
    read.chunks.map((block) => block.buffer.byteLength),
    [65536, 65536, 65536, 8192],
  );
  assert.equal(read.chunks[3]![8191], 204_799 % 251);
});
