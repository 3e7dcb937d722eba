// A source that sends while the stream holds it paused and full (a part of
// it that started, or restarted, since the pause) is asked to pause again,
// at each such event: without that, the stream grew past its limit without
// bound. Not asked while the stream has room, paused or not.
import assert from "node:assert/strict";
import { listenerStream } from "../../base/listener_stream.ts";

Deno.test("listenerStream asks its hold to repause at each event that comes while paused and full, with what is unread", async () => {
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
      repause: (unread) => calls.push(`repause ${unread()}`),
      resume: () => calls.push("resume"),
    },
  });
  for (let i = 0; i < 9; i++) push(10);
  assert.deepEqual(calls, [], "room left");
  push(10);
  assert.deepEqual(calls, ["pause"]);
  push(10);
  push(5);
  assert.deepEqual(calls, ["pause", "repause 110", "repause 115"]);
  // Read to below the limit, not yet to resumeAt: paused, with room.
  const reader = stream.getReader();
  for (let i = 0; i < 3; i++) await reader.read();
  push(1);
  assert.deepEqual(calls.length, 3, "room: no repause");
  await reader.cancel();
  assert.deepEqual(calls.at(-1), "resume");
});
