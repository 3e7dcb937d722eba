import assert from "node:assert/strict";
import { ClientFrameBoundary } from "../../testing/_client_frame_boundary.ts";

const CLOSE_1000 = [0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8];

/** A masked client text frame with `length` payload bytes. */
function frame(length: number): Uint8Array {
  const header = length < 126
    ? [0x81, 0x80 | length]
    : [0x81, 0x80 | 126, length >> 8, length & 0xff];
  return Uint8Array.from([...header, 1, 2, 3, 4, ...new Uint8Array(length)]);
}

Deno.test("ClientFrameBoundary: on a boundary only a close frame is written", () => {
  const boundary = new ClientFrameBoundary();
  boundary.feed(frame(5));
  boundary.feed(frame(300));
  assert.deepEqual([...boundary.closing()!], CLOSE_1000);
});

Deno.test("ClientFrameBoundary: a frame cut anywhere is finished with zeros first", () => {
  const whole = frame(300);
  for (const cut of [1, 2, 3, 5, 8, 9, 150, whole.length - 1]) {
    const boundary = new ClientFrameBoundary();
    boundary.feed(whole.subarray(0, cut));
    const closing = boundary.closing()!;
    const filler = closing.length - CLOSE_1000.length;
    // The filler ends a frame: fed after the cut, the tracker is on a boundary.
    const check = new ClientFrameBoundary();
    check.feed(whole.subarray(0, cut));
    check.feed(closing.subarray(0, filler));
    assert.deepEqual([...check.closing()!], CLOSE_1000, `cut at ${cut}`);
    assert.deepEqual([...closing.subarray(filler)], CLOSE_1000);
    if (cut >= 8) assert.equal(filler, whole.length - cut, `cut at ${cut}`);
  }
});

Deno.test("ClientFrameBoundary notices the client's own close frame", () => {
  const boundary = new ClientFrameBoundary();
  boundary.feed(frame(2));
  assert.equal(boundary.sentClose, false);
  boundary.feed(Uint8Array.from(CLOSE_1000));
  assert.equal(boundary.sentClose, true);
});
