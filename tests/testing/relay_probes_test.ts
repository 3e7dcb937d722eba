/**
 * The loopback relay's probes: a marker the server sends becomes a ping on
 * a frame boundary, every other byte passes unchanged (however the stream
 * is cut), and the bot's pong of that ping settles that probe and every
 * earlier one; a pong of the bot's own settles none.
 */
import assert from "node:assert/strict";
import { RelayProbes } from "../../testing/_relay_probes.ts";

const encoder = new TextEncoder();
const UPGRADE = encoder.encode(
  "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\r\n",
);

/** An unmasked server frame (FIN set). */
function serverFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const length = payload.length;
  const header = length < 126
    ? [0x80 | opcode, length]
    : length < 65536
    ? [0x80 | opcode, 126, length >> 8, length & 0xff]
    : [0x80 | opcode, 127, 0, 0, 0, 0, ...bigEndian(length)];
  return Uint8Array.from([...header, ...payload]);
}

function bigEndian(value: number): number[] {
  return [
    value >>> 24,
    (value >>> 16) & 0xff,
    (value >>> 8) & 0xff,
    value & 0xff,
  ];
}

/** A masked client frame (FIN set). */
function clientFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const mask = [0x12, 0x34, 0x56, 0x78];
  return Uint8Array.from([
    0x80 | opcode,
    0x80 | payload.length,
    ...mask,
    ...payload.map((byte, i) => byte ^ mask[i % 4]!),
  ]);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Feed `bytes` in chunks of `size`; what came out. */
function relay(
  probes: RelayProbes,
  bytes: Uint8Array,
  size: number,
): Uint8Array {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    out.push(probes.toBot(bytes.slice(i, i + size)));
  }
  return concat(...out);
}

Deno.test("A marker becomes a ping on its frame boundary; everything else passes unchanged, however cut", async () => {
  for (const size of [1, 3, 7, 64, 1 << 20]) {
    const probes = new RelayProbes();
    const first = probes.probe();
    const second = probes.probe();
    const text = serverFrame(0x1, encoder.encode('{"op":0}'));
    const big = serverFrame(0x2, new Uint8Array(70_000).fill(7));
    const medium = serverFrame(0x1, new Uint8Array(300).fill(0x61));
    // A binary frame of a marker's size that is not one passes as it is.
    const lookalike = serverFrame(0x2, new Uint8Array(20).fill(1));
    const empty = serverFrame(0x1, new Uint8Array(0));
    const stream = concat(
      UPGRADE,
      text,
      big,
      serverFrame(0x2, first.marker),
      medium,
      lookalike,
      empty,
      serverFrame(0x2, second.marker),
    );
    const out = relay(probes, stream, size);
    const ping = (marker: Uint8Array) =>
      Uint8Array.from([0x89, 4, ...marker.slice(16)]);
    assert.deepEqual(
      out,
      concat(
        UPGRADE,
        text,
        big,
        ping(first.marker),
        medium,
        lookalike,
        empty,
        ping(second.marker),
      ),
      `chunks of ${size}`,
    );
    // The pong of the second ping (a client may answer only the latest)
    // settles both; cut in the middle.
    let settled = 0;
    first.read.then(() => settled++);
    second.read.then(() => settled++);
    const pong = clientFrame(0xa, ping(second.marker).slice(2));
    probes.fromBot(
      concat(clientFrame(0x1, encoder.encode("{}")), pong.slice(0, 5)),
    );
    await Promise.resolve();
    assert.equal(settled, 0);
    probes.fromBot(pong.slice(5));
    await Promise.resolve();
    assert.equal(settled, 2);
  }
});

Deno.test("A pong settles only the probes up to its own; the link's end settles the rest", async () => {
  const probes = new RelayProbes();
  const first = probes.probe();
  const second = probes.probe();
  let settled = "";
  first.read.then(() => settled += "1");
  second.read.then(() => settled += "2");
  // A pong of the client's own (RFC 6455 allows them), even one carrying a
  // probe's number before its ping went out, settles nothing.
  probes.fromBot(clientFrame(0xa, Uint8Array.from([0xff, 0xff, 0xff, 0xff])));
  probes.fromBot(clientFrame(0xa, first.marker.slice(16)));
  await Promise.resolve();
  assert.equal(settled, "");
  relay(probes, concat(UPGRADE, serverFrame(0x2, first.marker)), 64);
  probes.fromBot(clientFrame(0xa, first.marker.slice(16)));
  // An unrelated pong (another payload size) settles nothing.
  probes.fromBot(clientFrame(0xa, new Uint8Array(8)));
  await Promise.resolve();
  assert.equal(settled, "1");
  probes.end();
  await Promise.resolve();
  assert.equal(settled, "12");
  // After the end, a new probe settles at once.
  await probes.probe().read;
});

Deno.test("A response that is not a 101 passes through untouched", () => {
  const probes = new RelayProbes();
  const marker = serverFrame(0x2, probes.probe().marker);
  const response = concat(
    encoder.encode("HTTP/1.1 404 Not Found\r\ncontent-length: 22\r\n\r\n"),
    marker,
  );
  assert.deepEqual(relay(probes, response, 5), response);
});
