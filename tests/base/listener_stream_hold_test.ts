// What listenerStream tells its hold beyond pause and resume: how much the
// reader has left unread (for a hold that says so, then and later), and the
// end of the source, which releases a pause so that nothing watches it on.
import assert from "node:assert/strict";
import { listenerStream } from "../../base/listener_stream.ts";

function source(): {
  push: (event: number) => void;
  end: () => void;
  calls: string[];
  unread: () => number;
  stream: ReadableStream<number>;
} {
  let push!: (event: number) => void;
  let end!: () => void;
  const calls: string[] = [];
  let unread: () => number = () => Number.NaN;
  const stream = listenerStream<number>({
    listen: (p) => {
      push = p;
      return () => {};
    },
    watchEnd: (e) => {
      end = e;
      return () => {};
    },
    hold: {
      size: (event) => event,
      limit: 100,
      resumeAt: 25,
      pause: (u) => {
        calls.push("pause");
        unread = u;
      },
      resume: () => calls.push("resume"),
    },
  });
  return {
    push: (event) => push(event),
    end: () => end(),
    calls,
    unread: () => unread(),
    stream,
  };
}

Deno.test("listenerStream tells its hold's pause how much is unread, then and as the reader reads", async () => {
  const { push, calls, unread, stream } = source();
  for (let i = 0; i < 10; i++) push(10);
  assert.deepEqual(calls, ["pause"]);
  assert.equal(unread(), 100);
  push(15); // more while paused: counted
  assert.equal(unread(), 115);
  const reader = stream.getReader();
  await reader.read();
  await reader.read();
  assert.equal(unread(), 95);
  await reader.cancel();
});

Deno.test("listenerStream: the end of a source that a stream paused releases the pause once; what is unread is still read", async () => {
  const { push, end, calls, stream } = source();
  for (let i = 0; i < 11; i++) push(10);
  assert.deepEqual(calls, ["pause"]);
  end();
  assert.deepEqual(calls, ["pause", "resume"]);
  const read = await Array.fromAsync(stream);
  assert.equal(read.length, 11);
  assert.deepEqual(calls, ["pause", "resume"], "not released twice");
});
