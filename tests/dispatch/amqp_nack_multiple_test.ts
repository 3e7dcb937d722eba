// readNackMultiple on crafted frames, with a stand-in for the AMQP client's
// frame reader (it reads `multiple` only when the bits octet is exactly 1,
// as @cloudamqp/amqp-client 4.1 does, and keeps a frame split across reads
// until its end comes): each nack of the channel is handed on with the
// multiple bit of its own frame, whatever else the read holds; a nack whose
// bits the scan could not see covers the unanswered publishes before it.
import assert from "node:assert/strict";
import type { AMQPBaseClient, AMQPChannel } from "@cloudamqp/amqp-client";
import { readNackMultiple } from "../../dispatch/amqp_nack_multiple.ts";

/** A basic.nack method frame on `channel`: delivery tag, then its bits. */
function nackFrame(channel: number, tag: number, bits: number): Uint8Array {
  const payload = [0, 60, 0, 120, 0, 0, 0, 0, 0, 0, 0, tag, bits];
  return new Uint8Array([
    1,
    channel >> 8,
    channel & 0xff,
    0,
    0,
    0,
    payload.length,
    ...payload,
    0xce,
  ]);
}

/** What the channel's confirm was called with: tag, multiple, nack. */
type Confirm = [number, boolean, boolean];

/**
 * A channel `id` and a client whose frame reader hands each complete
 * basic.nack of any channel to that channel's confirm, reading `multiple`
 * as the library does; the confirms of channel `id` are recorded.
 */
function scene(id: number): {
  confirms: Confirm[];
  read: (...chunks: Uint8Array[]) => void;
} {
  const confirms: Confirm[] = [];
  const channel = {
    id,
    publishConfirmed: (tag: number, multiple: boolean, nack: boolean) => {
      confirms.push([tag, multiple, nack]);
    },
  };
  let held = new Uint8Array(0);
  const client = {
    parseFrames(view: DataView): void {
      const bytes = new Uint8Array(held.length + view.byteLength);
      bytes.set(held);
      bytes.set(
        new Uint8Array(view.buffer, view.byteOffset, view.byteLength),
        held.length,
      );
      const data = new DataView(bytes.buffer);
      let at = 0;
      while (at + 7 <= bytes.length) {
        const end = at + 7 + data.getUint32(at + 3) + 1;
        if (end > bytes.length) break;
        if (data.getUint16(at + 1) === channel.id) {
          const bits = data.getUint8(at + 19);
          channel.publishConfirmed(data.getUint32(at + 15), bits === 1, true);
        }
        at = end;
      }
      held = bytes.slice(at);
    },
  };
  readNackMultiple(
    client as unknown as AMQPBaseClient,
    channel as unknown as AMQPChannel,
  );
  const read = (...chunks: Uint8Array[]): void => {
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of chunks) {
      all.set(chunk, at);
      at += chunk.length;
    }
    client.parseFrames(new DataView(all.buffer));
  };
  return { confirms, read };
}

Deno.test("readNackMultiple: several nacks in one read each take their own multiple bit, in order", () => {
  const { confirms, read } = scene(1);
  // multiple + requeue (3), then requeue alone (2), then no bit (0).
  read(nackFrame(1, 5, 3), nackFrame(1, 7, 2), nackFrame(1, 9, 0));
  const expected: Confirm[] = [
    [5, true, true],
    [7, false, true],
    [9, false, true],
  ];
  assert.deepEqual(confirms, expected);
});

Deno.test("readNackMultiple: a nack on another channel in the same read is not taken for the channel's", () => {
  const { confirms, read } = scene(1);
  read(nackFrame(2, 4, 2), nackFrame(1, 5, 3));
  assert.deepEqual(confirms, [[5, true, true]]);
});

Deno.test("readNackMultiple: a nack split across reads, its bits unseen, covers the publishes before it", () => {
  const { confirms, read } = scene(1);
  const frame = nackFrame(1, 5, 2);
  read(frame.slice(0, 10));
  read(frame.slice(10));
  assert.deepEqual(confirms, [[5, true, true]]);
});
