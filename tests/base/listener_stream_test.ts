// listenerStream's hold: a reader that falls behind pauses the source past
// the limit, resumes it once a quarter is left or the stream is cancelled,
// and every event still arrives once, in order.
import assert from "node:assert/strict";
import { listenerStream } from "../../base/listener_stream.ts";

function source(): {
  push: (event: number) => void;
  calls: string[];
  stream: ReadableStream<number>;
} {
  let push!: (event: number) => void;
  const calls: string[] = [];
  const stream = listenerStream<number>({
    listen: (p) => {
      push = p;
      return () => {};
    },
    watchEnd: () => () => {},
    hold: {
      size: (event) => event,
      limit: 100,
      resumeAt: 25,
      pause: () => calls.push("pause"),
      resume: () => calls.push("resume"),
    },
  });
  return { push: (event: number) => push(event), calls, stream };
}

Deno.test("listenerStream: past the limit the source pauses once; read down to a quarter, it resumes; nothing lost", async () => {
  const { push, calls, stream } = source();
  for (let i = 0; i < 9; i++) push(10);
  assert.deepEqual(calls, []);
  push(10);
  push(10); // more while paused: kept, no second pause
  assert.deepEqual(calls, ["pause"]);
  const reader = stream.getReader();
  const read: number[] = [];
  for (let i = 0; i < 8; i++) read.push((await reader.read()).value!);
  assert.deepEqual(calls, ["pause"], "30 left: above a quarter");
  read.push((await reader.read()).value!);
  await Promise.resolve();
  assert.deepEqual(calls, ["pause", "resume"], "20 left");
  for (let i = 0; i < 2; i++) read.push((await reader.read()).value!);
  assert.equal(read.length, 11);
  await reader.cancel();
});

Deno.test("listenerStream: cancelling a stream that paused its source resumes it", async () => {
  const { push, calls, stream } = source();
  for (let i = 0; i < 11; i++) push(10);
  assert.deepEqual(calls, ["pause"]);
  await stream.cancel();
  assert.deepEqual(calls, ["pause", "resume"]);
});

Deno.test("listenerStream without a hold buffers without limit and never pauses", async () => {
  let push!: (event: number) => void;
  const stream = listenerStream<number>({
    listen: (p) => {
      push = p;
      return () => {};
    },
    watchEnd: () => () => {},
  });
  for (let i = 0; i < 10_000; i++) push(i);
  const reader = stream.getReader();
  assert.equal((await reader.read()).value, 0);
  await reader.cancel();
});
