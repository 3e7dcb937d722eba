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

/** A stream without a hold whose source records being stopped. */
function tracked(ended = false): {
  push: (event: number) => void;
  end: () => void;
  calls: string[];
  stream: ReadableStream<number>;
} {
  let push: (event: number) => void = () => {};
  let end: () => void = () => {};
  const calls: string[] = [];
  const stream = listenerStream<number>({
    listen: (p) => {
      calls.push("listen");
      push = p;
      return () => calls.push("unlisten");
    },
    watchEnd: (e) => {
      end = e;
      return () => calls.push("unwatch");
    },
    ended: () => ended,
  });
  return { push: (e) => push(e), end: () => end(), calls, stream };
}

Deno.test("listenerStream releases its listener and its end watch when the source ends, and still hands over what came", async () => {
  const { push, end, calls, stream } = tracked();
  push(1);
  end();
  assert.deepEqual(calls, ["listen", "unlisten", "unwatch"]);
  const reader = stream.getReader();
  assert.deepEqual(await reader.read(), { value: 1, done: false });
  assert.deepEqual(await reader.read(), { value: undefined, done: true });
});

Deno.test("listenerStream releases its listener and its end watch when the reader cancels", async () => {
  const { calls, stream } = tracked();
  await stream.cancel();
  assert.deepEqual(calls, ["listen", "unlisten", "unwatch"]);
});

Deno.test("listenerStream over a source already ended closes at once without listening", async () => {
  const { calls, stream } = tracked(true);
  assert.deepEqual(calls, []);
  assert.equal((await stream.getReader().read()).done, true);
});

Deno.test("listenerStream pauses at the limit, not one unit before it, and resumes at resumeAt exactly", async () => {
  const { push, calls, stream } = source();
  push(99);
  assert.deepEqual(calls, [], "1 unit of room left");
  push(1);
  assert.deepEqual(calls, ["pause"]);
  const reader = stream.getReader();
  await reader.read(); // 99 taken: 1 left
  await Promise.resolve();
  assert.deepEqual(calls, ["pause", "resume"]);
  // Paused again once full again: the pause ended with the resume.
  push(74);
  push(25);
  assert.deepEqual(calls, ["pause", "resume", "pause"]);
  await reader.read(); // 1 taken: 99 left
  await reader.read(); // 74 taken: 25 left, the resume point
  await Promise.resolve();
  assert.deepEqual(calls, ["pause", "resume", "pause", "resume"]);
  await reader.cancel();
});
