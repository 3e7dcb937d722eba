import assert from "node:assert/strict";
import {
  ChunkTypeError,
  joinChunks,
  readBounded,
} from "../../base/read_bounded.ts";
import { realScheduler } from "../../base/scheduler.ts";

/** A stream of the given chunks, then its end. */
function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller): void {
      if (next < chunks.length) controller.enqueue(chunks[next++]!);
      else controller.close();
    },
  });
}

/** The bytes the result's chunks hold alive: their buffers, each once. */
function heldBytes(chunks: readonly Uint8Array[]): number {
  const buffers = new Set(chunks.map((chunk) => chunk.buffer));
  let bytes = 0;
  for (const buffer of buffers) bytes += buffer.byteLength;
  return bytes;
}

Deno.test("readBounded holds what was read, not the buffers a trickling peer's chunks are views of", async () => {
  // As Deno's server hands a body sent a byte at a time: each read is one
  // byte in a 64 KiB buffer of its own.
  const chunks = Array.from({ length: 5000 }, (_, i) => {
    const buffer = new Uint8Array(65_536);
    buffer[100] = i % 256;
    return buffer.subarray(100, 101);
  });
  const read = await readBounded(streamOf(chunks), 1_048_576);
  assert.equal(read.type, "read");
  if (read.type !== "read") return;
  assert.equal(read.size, 5000);
  const held = heldBytes(read.chunks);
  assert.ok(held <= 65_536, `holds ${held} bytes for 5,000 read`);
  const bytes = joinChunks(read.chunks, read.size);
  assert.deepEqual([...bytes], chunks.map((_, i) => i % 256));
});

Deno.test("readBounded keeps bytes in order across block boundaries and sizes its block to a small cap", async () => {
  const big = Uint8Array.from({ length: 150_000 }, (_, i) => i % 251);
  const small = Uint8Array.of(7, 8, 9);
  const read = await readBounded(
    streamOf([small, big, small, new Uint8Array(0), small]),
    1_000_000,
  );
  assert.equal(read.type, "read");
  if (read.type !== "read") return;
  assert.equal(read.size, 150_009);
  assert.deepEqual(
    joinChunks(read.chunks, read.size),
    Uint8Array.from([...small, ...big, ...small, ...small]),
  );
  assert.ok(heldBytes(read.chunks) <= 150_009 + 65_536);

  const tiny = await readBounded(streamOf([small, small]), 10);
  assert.equal(tiny.type, "read");
  if (tiny.type !== "read") return;
  assert.ok(
    heldBytes(tiny.chunks) <= 10,
    "a 10-byte cap holds no 64 KiB block",
  );
  assert.deepEqual([...joinChunks(tiny.chunks, tiny.size)], [7, 8, 9, 7, 8, 9]);

  const empty = await readBounded(streamOf([]), 10);
  assert.deepEqual(empty, { type: "read", chunks: [], size: 0 });
});

Deno.test("readBounded cancels the stream once it passes the cap", async () => {
  let cancelled: unknown;
  let pulls = 0;
  const endless = new ReadableStream<Uint8Array>({
    pull(controller): void {
      pulls++;
      controller.enqueue(new Uint8Array(1000));
    },
    cancel(reason): void {
      cancelled = reason;
    },
  });
  const read = await readBounded(endless, 4500, "too big");
  assert.deepEqual(read, { type: "too_large", size: 5000 });
  assert.equal(cancelled, "too big");
  assert.ok(pulls <= 7, `pulled ${pulls} chunks`);
});

Deno.test("readBounded refuses a limit that is not a positive integer, before reading", async () => {
  for (const limit of [NaN, 0, -1, 1.5, Infinity]) {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller): void {
        // Empty chunks, as a peer may send: with a limit of NaN they were
        // read for ever. Three, then the end.
        if (++pulled > 3) controller.close();
        else controller.enqueue(new Uint8Array(0));
      },
    }, { highWaterMark: 0 });
    await assert.rejects(readBounded(stream, limit), {
      name: "RangeError",
      message:
        `Cannot read a stream as 'limit' must be a positive integer of bytes: current value 'limit=${limit}'`,
    });
    assert.equal(pulled, 0, `limit ${limit}`);
    assert.equal(stream.locked, false);
  }
});

Deno.test("readBounded takes each chunk from reserve before keeping it; a refusal cancels the stream", async () => {
  const taken: number[] = [];
  const read = await readBounded(
    streamOf([new Uint8Array(3), new Uint8Array(4)]),
    10,
    undefined,
    undefined,
    (bytes) => void taken.push(bytes),
  );
  assert.equal(read.type, "read");
  assert.deepEqual(taken, [3, 4]);
  let cancelled: unknown;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller): void {
      controller.enqueue(new Uint8Array(2));
    },
    cancel(reason): void {
      cancelled = reason;
    },
  });
  const refusal = new Error("no room");
  await assert.rejects(
    readBounded(
      stream,
      10,
      undefined,
      undefined,
      () => {
        throw refusal;
      },
    ),
    (error) => error === refusal,
  );
  assert.equal(cancelled, refusal);
});

Deno.test("readBounded refuses a chunk that is not a Uint8Array before counting it, and cancels the stream", async () => {
  const chunks: [string, unknown][] = [
    ["string", "hello"],
    ["ArrayBuffer", new ArrayBuffer(4)],
    ["DataView", new DataView(new ArrayBuffer(4))],
    ["Uint16Array", new Uint16Array([0x6968])],
    ["Uint8ClampedArray", new Uint8ClampedArray(2)],
    ["null", null],
  ];
  for (const [type, chunk] of chunks) {
    let cancelled: unknown;
    const taken: number[] = [];
    const stream = new ReadableStream<unknown>({
      start(controller): void {
        controller.enqueue(new Uint8Array([1, 2]));
        controller.enqueue(chunk);
      },
      cancel(reason): void {
        cancelled = reason;
      },
    });
    await assert.rejects(
      readBounded(
        stream as ReadableStream<Uint8Array>,
        100,
        undefined,
        undefined,
        (bytes) => void taken.push(bytes),
      ),
      (error: unknown) =>
        error instanceof ChunkTypeError && error instanceof TypeError &&
        error.chunkType === type &&
        error.message ===
          `Cannot read a stream as its chunks must be Uint8Array bytes: current chunk type '${type}'`,
      type,
    );
    assert.ok(cancelled instanceof ChunkTypeError, type);
    assert.deepEqual(taken, [2], type);
    assert.equal(stream.locked, false, type);
  }
});

Deno.test("readBounded gives a small body in bytes that own its size, not a view of a 64 KiB block", async () => {
  // An interaction of 330 bytes, in one chunk (a view of Deno's 64 KiB
  // read buffer) or a byte at a time, and a 1-byte body: each is kept
  // (pending its handler) for as long as the request, so what it pins is
  // what its buffer holds.
  const body = Uint8Array.from({ length: 330 }, (_, i) => i % 256);
  const inBuffer = new Uint8Array(65_536);
  inBuffer.set(body, 10);
  const cases: [string, Uint8Array[]][] = [
    ["one chunk", [inBuffer.subarray(10, 340)]],
    ["a byte at a time", [...body].map((b) => Uint8Array.of(b))],
    ["one byte", [Uint8Array.of(42)]],
  ];
  for (const [name, chunks] of cases) {
    const read = await readBounded(streamOf(chunks), 1_048_576);
    assert.equal(read.type, "read", name);
    if (read.type !== "read") return;
    const bytes = joinChunks(read.chunks, read.size);
    assert.equal(bytes.byteLength, read.size, name);
    assert.equal(bytes.buffer.byteLength, read.size, `${name}: its buffer`);
  }
  // A body of 40,000 bytes sent 1,000 at a time is copied into blocks
  // grown to its need, not a 64 KiB one; read, its bytes own their size.
  const chunks = Array.from({ length: 40 }, () => new Uint8Array(1000));
  const read = await readBounded(streamOf(chunks), 1_048_576);
  assert.equal(read.type, "read");
  if (read.type !== "read") return;
  assert.ok(
    heldBytes(read.chunks) < 40_000 * 1.5,
    `holds ${heldBytes(read.chunks)} for 40,000`,
  );
  assert.equal(joinChunks(read.chunks, read.size).buffer.byteLength, 40_000);
});

Deno.test("readBounded copies a stream of 64 KiB chunks into 64 KiB blocks, as many as it takes", async () => {
  // The path of a large upload: no smaller blocks first, no copy at the end.
  const chunks = Array.from({ length: 16 }, () => new Uint8Array(65_536));
  const read = await readBounded(streamOf(chunks), 64 * 1_048_576);
  assert.equal(read.type, "read");
  if (read.type !== "read") return;
  assert.deepEqual(
    read.chunks.map((chunk) => chunk.buffer.byteLength),
    chunks.map(() => 65_536),
  );
});

Deno.test("readBounded: a stream whose cancel() never settles still ends the read, too large or refused", async () => {
  const never = (chunks: unknown[]): ReadableStream<Uint8Array> => {
    let i = 0;
    return new ReadableStream<Uint8Array>({
      pull: (controller) => {
        controller.enqueue(chunks[i++] as Uint8Array);
      },
      cancel: () => new Promise(() => {}),
    });
  };
  const big = await readBounded(
    never([new Uint8Array(4), new Uint8Array(4)]),
    6,
  );
  assert.deepEqual(big, { type: "too_large", size: 8 });
  await assert.rejects(readBounded(never(["text"]), 6), ChunkTypeError);
});

Deno.test("readBounded: a stream that hands chunks over without waiting gives the event loop turns, so an abort from a timer ends it", async () => {
  let pulls = 0;
  // 200,000 empty chunks, each at once: the cap never stops it.
  const stream = new ReadableStream<Uint8Array>({
    pull: (controller) => {
      if (++pulls > 200_000) controller.close();
      else controller.enqueue(new Uint8Array(0));
    },
  });
  const controller = new AbortController();
  // A timer, as a timeout's is: it runs only when the read gives a turn.
  realScheduler.setTimeout(() => controller.abort(new Error("timeout")), 0);
  await assert.rejects(
    readBounded(stream, 10, undefined, controller.signal),
    /timeout/,
  );
  assert.ok(pulls < 200_000, `read all ${pulls} chunks before the abort`);
});

Deno.test("readBounded: a stream whose pull is busy (no timer runs while it works) is still given turns, so an abort from a timer ends it", async () => {
  let pulls = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull: (controller) => {
      // 1.2 ms of work a chunk: a slow read that gave the loop no turn.
      const end = performance.now() + 1.2;
      while (performance.now() < end) pulls += 0;
      if (++pulls > 300) controller.close();
      else controller.enqueue(new Uint8Array(0));
    },
  });
  const controller = new AbortController();
  realScheduler.setTimeout(() => controller.abort(new Error("timeout")), 0);
  await assert.rejects(
    readBounded(stream, 10, undefined, controller.signal),
    /timeout/,
  );
  assert.ok(pulls < 300, `read all ${pulls} chunks before the abort`);
});

Deno.test("readBounded: a body of exactly the limit is read", async () => {
  const stream = new ReadableStream<Uint8Array>({
    start(controller): void {
      controller.enqueue(new Uint8Array(10));
      controller.close();
    },
  });
  assert.equal((await readBounded(stream, 10)).type, "read");
});

Deno.test("readBounded: a stream that never waits is given a turn again after the first, so an abort set in that first turn ends it", async () => {
  let pulls = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller): void {
      if (++pulls > 400_000) controller.close();
      else controller.enqueue(new Uint8Array(1));
    },
  }, { highWaterMark: 0 });
  const controller = new AbortController();
  // Armed in the first turn, it runs only at a later one.
  realScheduler.setTimeout(
    () =>
      realScheduler.setTimeout(
        () => controller.abort(new Error("late abort")),
        0,
      ),
    0,
  );
  await assert.rejects(
    readBounded(stream, 1e12, undefined, controller.signal),
    /late abort/,
  );
  assert.ok(pulls < 400_000, `read all ${pulls} chunks before the abort`);
});

Deno.test("readBounded: an abort while the last chunk is pending rejects with the signal's reason and cancels the stream", async () => {
  let cancelled: unknown;
  let pulls = 0;
  const waiting = Promise.withResolvers<void>();
  const last = Promise.withResolvers<void>();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller): Promise<void> {
      if (++pulls === 1) return controller.enqueue(new Uint8Array(3));
      waiting.resolve();
      await last.promise;
      // Too late once cancelled: the stream then takes no chunk.
      if (cancelled === undefined) {
        controller.enqueue(new Uint8Array(3));
        controller.close();
      }
    },
    cancel(reason): void {
      cancelled = reason;
    },
  }, { highWaterMark: 0 });
  const controller = new AbortController();
  const read = readBounded(stream, 100, undefined, controller.signal);
  await waiting.promise;
  const reason = new Error("deadline");
  controller.abort(reason);
  // The peer sends the rest after all: the read is over by then.
  last.resolve();
  await assert.rejects(read, (error) => error === reason);
  assert.equal(cancelled, reason);
});

Deno.test("readBounded: a body of one chunk that came late (a GC pause, a busy machine) is read without waiting for a real timer, so a test on a virtual clock does not run its timers past it", async () => {
  let pulls = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller): void {
      if (++pulls > 1) return controller.close();
      // Past the 20 ms a read runs before it makes sure timers had a turn.
      const end = performance.now() + 30;
      while (performance.now() < end) pulls += 0;
      controller.enqueue(new Uint8Array(3));
    },
  }, { highWaterMark: 0 });
  let settled = false;
  const read = readBounded(stream, 10).finally(() => settled = true);
  // Microtasks only, as a VirtualScheduler's advance gives: no timer runs.
  for (let i = 0; i < 1_000 && !settled; i++) await Promise.resolve();
  assert.ok(settled, "the read waited for the event loop's timers");
  assert.equal((await read).size, 3);
});
