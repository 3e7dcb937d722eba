// tcpWebSocketTransport against a hostile or odd server, at the edges
// mutation testing found unpinned: the close codes a server may send (RFC
// 6455 §7.4), reserved bits and opcodes, a control frame of 126 bytes, a
// 64-bit length with its high word set, a data frame inside a fragmented
// message, a handshake head past 16 KiB, TCP ending inside a large frame,
// frame headers cut across reads, and the frames the client writes itself
// (length encodings at 126 and 65,536 bytes, a close reason cut to 123
// bytes at a character's boundary). Against a hand-written loopback server;
// every wait is on an event, under the watchdog.
import assert from "node:assert/strict";
import type { GatewaySocket } from "../../gateway/transport.ts";
import { tcpWebSocketTransport } from "../../gateway/tcp_transport.ts";
import { HandshakeError } from "../../gateway/connect_failure.ts";
import { writeAll } from "../../base/write_all.ts";
import { within } from "../_fakes/watchdog.ts";
import { RawWsPeer, serverFrame } from "./_raw_ws_peer.ts";

const encoder = new TextEncoder();
const fatal = new TextDecoder("utf-8", { fatal: true });

/** What the transport reported, in order, as short lines. */
class Said {
  readonly lines: string[] = [];
  /** The binary messages delivered, as handed over. */
  readonly binaries: Uint8Array[] = [];
  bytes = 0;
  #waiters: (() => void)[] = [];
  push(line: string): void {
    this.lines.push(line);
    this.#wake();
  }
  onBytes(): void {
    this.bytes++;
    this.#wake();
  }
  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }
  /** Resolve once `done()` holds, re-checked at each report. */
  async until(done: () => boolean, what: string): Promise<void> {
    while (!done()) {
      await within(
        new Promise<void>((resolve) => this.#waiters.push(resolve)),
        what,
      );
    }
  }
  closed(): boolean {
    return this.lines.some((line) => line.startsWith("close "));
  }
}

/**
 * Open a tcpWebSocketTransport to a loopback server answering with
 * `statusLine` (headers may follow it), run `body` once it is open (or at
 * once when `open` is false), and end everything.
 */
async function session(
  body: (peer: RawWsPeer, said: Said, socket: GatewaySocket) => Promise<void>,
  options: { statusLine?: string; open?: boolean } = {},
): Promise<string[]> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const said = new Said();
  const socket = tcpWebSocketTransport(`ws://127.0.0.1:${port}/`, {
    onOpen: () => said.push("open"),
    onMessage: (data) => {
      if (typeof data !== "string") said.binaries.push(data);
      said.push(
        typeof data === "string"
          ? `text ${data.length} ${data.slice(0, 8)}`
          : `binary ${data.length}`,
      );
    },
    onError: (error) => said.push(`error ${(error as Error).message}`),
    onCloseFrame: (code, reason) => said.push(`frame ${code} '${reason}'`),
    onClose: (code, reason) => said.push(`close ${code} '${reason}'`),
    onBytes: () => said.onBytes(),
  });
  let peer: RawWsPeer | undefined;
  try {
    peer = await RawWsPeer.accept(listener, options.statusLine).catch(
      () => undefined,
    );
    if (options.open !== false) {
      await said.until(() => said.lines.includes("open"), "open");
    }
    await body(peer!, said, socket);
    return said.lines;
  } finally {
    socket.close(1000);
    peer?.close();
    listener.close();
    await said.until(() => said.closed(), "the close");
  }
}

/** A close frame's code. */
function codeOf(payload: Uint8Array): number {
  return (payload[0]! << 8) | payload[1]!;
}

/** A server frame with a 64-bit length field of `high`, `low`, no payload. */
function frame64(opcode: number, high: number, low: number): Uint8Array {
  const out = new Uint8Array(10);
  out[0] = 0x80 | opcode;
  out[1] = 127;
  new DataView(out.buffer).setUint32(2, high);
  new DataView(out.buffer).setUint32(6, low);
  return out;
}

/** Whether the server's `bytes` fail the connection with `code`. */
async function failsWith(bytes: Uint8Array, code: number): Promise<void> {
  const lines = await session(async (peer, said) => {
    await peer.sendBytes(bytes);
    const answer = await peer.readFrame();
    assert.equal(answer.opcode, 0x8);
    assert.equal(codeOf(answer.payload), code);
    peer.close();
    await said.until(() => said.closed(), "the close");
  });
  assert.deepEqual(lines.map((line) => line.split(" ")[0]), [
    "open",
    "error",
    "close",
  ]);
}

for (const code of [999, 1004, 1005, 1006, 1015, 1016, 2999, 5000]) {
  Deno.test(`tcpWebSocketTransport fails a server's close frame with code ${code}, one no endpoint may send, with 1002`, async () => {
    await failsWith(
      serverFrame(0x8, Uint8Array.of(code >>> 8, code & 0xff)),
      1002,
    );
  });
}

for (const code of [1000, 1014, 3000, 4999]) {
  Deno.test(`tcpWebSocketTransport echoes and reports a server's close frame with code ${code}`, async () => {
    const lines = await session(async (peer, said) => {
      await peer.sendClose(code);
      const answer = await peer.readFrame();
      assert.equal(codeOf(answer.payload), code);
      peer.close();
      await said.until(() => said.closed(), "the close");
    });
    assert.deepEqual(lines, ["open", `frame ${code} ''`, `close ${code} ''`]);
  });
}

for (const rsv of [0x20, 0x10]) {
  Deno.test(`tcpWebSocketTransport fails a frame with reserved bit 0x${rsv.toString(16)} set with 1002`, async () => {
    const bytes = serverFrame(0x1, encoder.encode("hi"));
    bytes[0]! |= rsv;
    await failsWith(bytes, 1002);
  });
}

for (const opcode of [0xb, 0xf, 0x7]) {
  Deno.test(`tcpWebSocketTransport fails a frame of reserved opcode 0x${opcode.toString(16)} with 1002`, async () => {
    await failsWith(serverFrame(opcode, new Uint8Array(0)), 1002);
  });
}

Deno.test("tcpWebSocketTransport fails a ping of 126 bytes, one past a control frame's 125, with 1002", async () => {
  await failsWith(serverFrame(0x9, new Uint8Array(126)), 1002);
});

Deno.test("tcpWebSocketTransport fails a 64-bit length with its most significant bit set with 1002", async () => {
  await failsWith(frame64(0x2, 0x80000000, 5), 1002);
});

Deno.test("tcpWebSocketTransport takes a 64-bit length's high word: 4 GiB and 5 bytes is too big (1009), not 5 bytes", async () => {
  const bytes = new Uint8Array([...frame64(0x2, 1, 5), 1, 2, 3, 4, 5]);
  await failsWith(bytes, 1009);
});

Deno.test("tcpWebSocketTransport fails a text frame that starts inside a fragmented message with 1002", async () => {
  await failsWith(
    new Uint8Array([
      0x01,
      1,
      0x61, // text, not final: "a"
      0x81,
      1,
      0x62, // a new text message: "b"
    ]),
    1002,
  );
});

Deno.test("tcpWebSocketTransport fails a close frame too long whose code may not be sent with 1002, and reports 1002, not that code", async () => {
  const payload = new Uint8Array(200);
  payload.set([1005 >>> 8, 1005 & 0xff]);
  const lines = await session(async (peer, said) => {
    await peer.sendBytes(serverFrame(0x8, payload));
    assert.equal(codeOf((await peer.readFrame()).payload), 1002);
    peer.close();
    await said.until(() => said.closed(), "the close");
  });
  assert.deepEqual(lines, [
    "open",
    "error A control frame is fragmented or too long",
    "close 1002 'A control frame is fragmented or too long'",
  ]);
});

Deno.test("tcpWebSocketTransport answering its own close: a close frame too long fails with 1002, its code neither reported nor taken", async () => {
  const payload = new Uint8Array(200);
  payload.set([4000 >>> 8, 4000 & 0xff]);
  const lines = await session(async (peer, said, socket) => {
    socket.close(1000);
    assert.equal(codeOf((await peer.readFrame()).payload), 1000);
    await peer.sendBytes(serverFrame(0x8, payload));
    await said.until(() => said.closed(), "the close");
  });
  assert.deepEqual(lines, [
    "open",
    "error A control frame is fragmented or too long",
    "close 1002 'A control frame is fragmented or too long'",
  ]);
});

Deno.test("tcpWebSocketTransport refuses a handshake head past 16 KiB: no open, 1006", async () => {
  const lines = await session(async (_peer, said) => {
    await said.until(() => said.closed(), "the close");
  }, {
    statusLine: `HTTP/1.1 101 Switching Protocols\r\nX-Padding: ${
      "p".repeat(20_000)
    }`,
    open: false,
  });
  assert.deepEqual(lines, [
    "error The handshake response is too large",
    "close 1006 ''",
  ]);
});

Deno.test("tcpWebSocketTransport reports 1006 when TCP ends inside a large frame, and ends its read", async () => {
  const lines = await session(async (peer, said) => {
    const header = Uint8Array.of(0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0);
    await peer.sendBytes(new Uint8Array([...header, ...new Uint8Array(100)]));
    await said.until(() => said.bytes > 0, "the frame's first bytes");
    peer.close();
    await said.until(() => said.closed(), "the close");
  });
  assert.deepEqual(lines, [
    "open",
    "error The connection closed inside a frame",
    "close 1006 ''",
  ]);
});

Deno.test("tcpWebSocketTransport fails a fragmented message whose fragments add up past 64 MiB with 1009, before reading the last", async () => {
  const first = new Uint8Array(10 + 40 * 1024 * 1024);
  first.set([0x02, 127]);
  new DataView(first.buffer).setUint32(6, 40 * 1024 * 1024);
  // A continuation of 30 MiB: its header alone, the bytes never sent.
  const second = frame64(0x0, 0, 30 * 1024 * 1024);
  const both = new Uint8Array(first.length + second.length);
  both.set(first);
  both.set(second, first.length);
  await failsWith(both, 1009);
});

for (
  const [what, bytes, cut] of [
    ["its second byte", serverFrame(0x1, encoder.encode("hello")), 1],
    [
      "its 16-bit length",
      serverFrame(0x1, encoder.encode("y".repeat(40_000))),
      3,
    ],
    [
      "its 64-bit length",
      new Uint8Array([
        ...frame64(0x1, 0, 70_000),
        ...encoder.encode("z".repeat(70_000)),
      ]),
      9,
    ],
  ] as const
) {
  Deno.test(`tcpWebSocketTransport reads a frame whose header is cut before the end of ${what}`, async () => {
    const lines = await session(async (peer, said) => {
      await peer.sendBytes(bytes.subarray(0, cut));
      // Reported only once the transport read the cut header and waits.
      await said.until(() => said.bytes > 0, "the cut header read");
      await peer.sendBytes(bytes.subarray(cut));
      await said.until(() => said.lines.length > 1, "the message");
    });
    const length = bytes.length - (cut === 1 ? 2 : cut === 3 ? 4 : 10);
    assert.match(lines[1]!, new RegExp(`^text ${length} `));
  });
}

Deno.test("tcpWebSocketTransport sends 125, 126, 65,535 and 65,536 bytes with the right length encoding", async () => {
  await session(async (peer, _said, socket) => {
    for (const length of [125, 126, 65_535, 65_536]) {
      assert.equal(socket.send("m".repeat(length)), true);
      const sent = await peer.readFrame();
      assert.equal(sent.opcode, 0x1);
      assert.equal(sent.payload.length, length);
      assert.ok(sent.payload.every((byte) => byte === 0x6d), `${length}`);
    }
  });
});

for (
  const [what, reason, length] of [
    ["124 bytes is cut to 123", "x".repeat(124), 123],
    ["200 bytes is cut to 123", "x".repeat(200), 123],
    ["two-byte characters is cut before a character", "é".repeat(100), 122],
  ] as const
) {
  Deno.test(`tcpWebSocketTransport close(): a reason of ${what}, so the frame stays a control frame`, async () => {
    await session(async (peer, _said, socket) => {
      socket.close(4000, reason);
      const sent = await peer.readFrame();
      assert.equal(sent.opcode, 0x8);
      assert.equal(codeOf(sent.payload), 4000);
      assert.equal(sent.payload.length, 2 + length);
      assert.equal(
        fatal.decode(sent.payload.subarray(2)),
        reason.slice(0, length / (reason[0] === "é" ? 2 : 1)),
      );
    });
  });
}

Deno.test("tcpWebSocketTransport reports the server's answer to its own close only as the close, not as a close frame the server started", async () => {
  const lines = await session(async (peer, said, socket) => {
    socket.close(4000);
    assert.equal(codeOf((await peer.readFrame()).payload), 4000);
    await peer.sendClose(4000);
    peer.close();
    await said.until(() => said.closed(), "the close");
  });
  assert.deepEqual(lines, ["open", "close 4000 ''"]);
});

/**
 * What a tcpWebSocketTransport says of a handshake answered with `head`:
 * its lines up to the `\r\n\r\n` ending them, `{accept}` standing for the
 * right Sec-WebSocket-Accept value.
 */
async function handshakeSays(head: string): Promise<string[]> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const said = new Said();
  const socket = tcpWebSocketTransport(`ws://127.0.0.1:${port}/`, {
    onOpen: () => said.push("open"),
    onMessage: () => said.push("message"),
    onError: (error) =>
      said.push(
        `error ${error instanceof HandshakeError ? error.status : "?"}`,
      ),
    onClose: (code) => said.push(`close ${code}`),
  });
  const conn = await within(listener.accept(), "a connection");
  try {
    let request = "";
    const chunk = new Uint8Array(4096);
    while (!request.includes("\r\n\r\n")) {
      const n = await within(conn.read(chunk), "the upgrade request");
      if (n === null) throw new Error("EOF in the upgrade request");
      request += new TextDecoder().decode(chunk.subarray(0, n));
    }
    const key = /sec-websocket-key: *(\S+)/i.exec(request)![1]!;
    const digest = await crypto.subtle.digest(
      "SHA-1",
      encoder.encode(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
    );
    const accept = btoa(String.fromCharCode(...new Uint8Array(digest)));
    await writeAll(
      conn,
      encoder.encode(`${head.replace("{accept}", accept)}\r\n\r\n`),
    );
    await said.until(() => said.lines.length > 0, "open or an error");
    return [...said.lines];
  } finally {
    socket.close(1000);
    conn.close();
    listener.close();
    await said.until(() => said.closed(), "the close");
  }
}

for (
  const [what, head, opens, status] of [
    [
      "a status other than 101 with the headers of an upgrade",
      "HTTP/1.1 200 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}",
      false,
      200,
    ],
    [
      "no Connection header",
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: {accept}",
      false,
      undefined,
    ],
    [
      "a Connection header without upgrade",
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: keep-alive\r\nSec-WebSocket-Accept: {accept}",
      false,
      undefined,
    ],
    [
      "Upgrade and Connection in another case, upgrade one of several connection options",
      "HTTP/1.1 101 Switching Protocols\r\nUPGRADE: WebSocket\r\nconnection: keep-alive, UPGRADE\r\nSec-WebSocket-Accept: {accept}",
      true,
      undefined,
    ],
  ] as const
) {
  Deno.test(`tcpWebSocketTransport ${opens ? "opens on" : "refuses"} a handshake answer with ${what}`, async () => {
    const lines = await handshakeSays(head);
    if (opens) assert.deepEqual(lines, ["open"]);
    else assert.deepEqual(lines, [`error ${status}`, "close 1006"]);
  });
}

Deno.test("tcpWebSocketTransport hands over binary messages whose bytes stay theirs as later frames are read, whole or fragmented", async () => {
  await session(async (peer, said) => {
    const fill = (byte: number, length: number): Uint8Array =>
      new Uint8Array(length).fill(byte);
    // Whole frames: read into the transport's buffer, which later reads reuse.
    await peer.sendBytes(serverFrame(0x2, fill(0xaa, 10)));
    await said.until(() => said.binaries.length === 1, "the first message");
    await peer.sendBytes(serverFrame(0x2, fill(0xbb, 10)));
    await said.until(() => said.binaries.length === 2, "the second message");
    // Fragmented, 4 KiB each: the size of the reassembly buffer.
    for (const byte of [0x11, 0x22]) {
      const half = serverFrame(0x2, fill(byte, 2048));
      half[0] = 0x02; // binary, not final
      const last = serverFrame(0x0, fill(byte, 2048));
      await peer.sendBytes(new Uint8Array([...half, ...last]));
    }
    await said.until(() => said.binaries.length === 4, "four messages");
    const [a, b, c, d] = said.binaries;
    assert.ok(a!.length === 10 && a!.every((x) => x === 0xaa), "the first");
    assert.ok(b!.length === 10 && b!.every((x) => x === 0xbb), "the second");
    assert.ok(c!.length === 4096 && c!.every((x) => x === 0x11), "the third");
    assert.ok(d!.length === 4096 && d!.every((x) => x === 0x22), "the fourth");
  });
});

Deno.test("tcpWebSocketTransport ends a handshake head at CR LF CR LF only, not at a bare CR before a line's last character", async () => {
  const lines = await handshakeSays(
    "HTTP/1.1 101 Switching Protocols\r\nX-Odd: a\rb\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}",
  );
  assert.deepEqual(lines, ["open"]);
});
