// A close frame whose reason is not valid UTF-8 (a proxy that cut a
// multi-byte character, say) failed the connection with 1007 and dropped
// the code it carried: a fatal 4004 reached the shard as a decode failure,
// and it identified again with the rejected token, for ever. The transport
// still answers 1007 (RFC 6455 §8.1) but reports the code it received, so
// the close-code policy applies. (The runtime's WebSocket, behind
// webSocketTransport, reports "1007 Invalid UTF-8" and no code: nothing the
// library can fix.) A close frame too long (a reason past 125 bytes) is
// failed with 1002 but reported with its code alike, once, even when its
// code comes in a later read than its header. Against a hand-written
// loopback server; the shard's timers on the virtual clock, every real wait
// on an event.
import assert from "node:assert/strict";
import type { GatewayError } from "../../gateway/errors.ts";
import { Shard } from "../../gateway/shard.ts";
import { tcpWebSocketTransport } from "../../gateway/tcp_transport.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { within } from "../_fakes/watchdog.ts";
import { RawWsPeer, serverFrame } from "./_raw_ws_peer.ts";

/** "Authentication failed é" cut one byte short: invalid UTF-8. */
const CUT_REASON = new TextEncoder().encode("Authentication failed \u00e9")
  .slice(0, -1);

/** A reason past a control frame's 125 bytes. */
const LONG_REASON = new TextEncoder().encode("x".repeat(200));

/** A close frame with `code` and `reason`, as a server sends it. */
function closeFrame(code: number, reason: Uint8Array): Uint8Array {
  const payload = new Uint8Array(2 + reason.length);
  payload.set([code >>> 8, code & 0xff]);
  payload.set(reason, 2);
  return serverFrame(0x8, payload);
}

/**
 * What a tcpWebSocketTransport reports, and the code it answers with, when
 * the loopback server does `send` once the connection is open.
 */
async function reportsOf(
  send: (peer: RawWsPeer) => Promise<void>,
): Promise<{ answer: number; said: string[] }> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const said: string[] = [];
  let opened!: () => void;
  const open = new Promise<void>((resolve) => opened = resolve);
  let ended!: () => void;
  const closed = new Promise<void>((resolve) => ended = resolve);
  const socket = tcpWebSocketTransport(`ws://127.0.0.1:${port}/`, {
    onOpen: opened,
    onMessage: () => {},
    onError: (error) => said.push(`error ${(error as Error).message}`),
    onCloseFrame: (code, reason) => said.push(`frame ${code} '${reason}'`),
    onClose: (code, reason) => {
      said.push(`close ${code} '${reason}'`);
      ended();
    },
  });
  const peer = await RawWsPeer.accept(listener);
  try {
    await within(open, "open");
    await send(peer);
    const answer = await peer.readFrame();
    assert.equal(answer.opcode, 0x8);
    peer.close();
    await within(closed, "the close");
    return { answer: (answer.payload[0]! << 8) | answer.payload[1]!, said };
  } finally {
    socket.close(1000);
    peer.close();
    listener.close();
    await within(closed, "the close");
  }
}

Deno.test("tcpWebSocketTransport answers a close reason that is not UTF-8 with 1007 and reports the code the server sent", async () => {
  const { answer, said } = await reportsOf((peer) =>
    peer.sendClose(4004, CUT_REASON)
  );
  assert.equal(answer, 1007);
  assert.deepEqual(said, [
    "frame 4004 'Authentication failed \uFFFD'",
    "error A close reason is not valid UTF-8",
    "close 4004 'Authentication failed \uFFFD'",
  ]);
});

/** What the transport says of a close 4004 frame too long: the code, once. */
const TOO_LONG_SAID = [
  "frame 4004 ''",
  "error A control frame is fragmented or too long",
  "close 4004 ''",
];

Deno.test("tcpWebSocketTransport fails a close frame too long with 1002 and reports the code the server sent, once", async () => {
  const { answer, said } = await reportsOf((peer) =>
    peer.sendClose(4004, LONG_REASON)
  );
  assert.equal(answer, 1002);
  assert.deepEqual(said, TOO_LONG_SAID);
});

Deno.test("tcpWebSocketTransport reports the code of a close frame too long whose code comes in a later read than its header", async () => {
  const { answer, said } = await reportsOf(async (peer) => {
    const close = closeFrame(4004, LONG_REASON);
    const header = 4; // 0x88, 126 and the 16-bit length: the code follows
    await peer.sendBytes(
      new Uint8Array([
        ...serverFrame(0x9, new Uint8Array(0)),
        ...close.subarray(0, header),
      ]),
    );
    // The ping's answer shows the transport read what came with it: the
    // close frame's header without its code.
    assert.equal((await peer.readFrame()).opcode, 0xa, "the pong");
    await peer.sendBytes(close.subarray(header));
  });
  assert.equal(answer, 1002);
  assert.deepEqual(said, TOO_LONG_SAID);
});

for (
  const [what, reason] of [
    ["is not UTF-8", CUT_REASON],
    [
      "makes the frame too long (200 bytes: a control frame holds 125)",
      LONG_REASON,
    ],
  ] as const
) {
  Deno.test(`Shard over tcpWebSocketTransport stops with authentication_failed on a close 4004 whose reason ${what}`, async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const url = `ws://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
    const scheduler = new VirtualScheduler();
    const shard = new Shard({
      token: "bad-reason-token",
      intents: GatewayIntent.Guilds,
      gatewayUrl: url,
      compress: "none",
      transport: tcpWebSocketTransport,
      scheduler,
      random: () => 0.5,
    });
    const errors: GatewayError[] = [];
    shard.on("error", (error) => errors.push(error));
    let stopped!: () => void;
    const closed = new Promise<void>((resolve) => stopped = resolve);
    shard.on("state", ({ current }) => {
      if (current === "closed") stopped();
    });
    let peer: RawWsPeer | undefined;
    const connecting = shard.connect().then(
      () => "resolved",
      (error: GatewayError) => error.kind,
    );
    try {
      const stderr = await captureStderr(async () => {
        await scheduler.advance(0);
        peer = await RawWsPeer.accept(listener);
        await peer.sendJson({ op: 10, d: { heartbeat_interval: 45_000 } });
        assert.equal((await peer.readPayload()).op, 2, "IDENTIFY");
        await peer.sendClose(4004, reason);
        assert.equal((await peer.readFrame()).opcode, 0x8, "the close answer");
        peer.close();
        await within(closed, "the shard to stop");
      });
      assert.equal(await connecting, "authentication_failed");
      assert.equal(shard.status, "closed");
      assert.match(stderr.join("\n"), /Shard 0 stopped: .*4004/);
      assert.deepEqual(
        errors.map((error) => [error.kind, error.closeCode]),
        [["authentication_failed", 4004]],
      );
    } finally {
      const done = shard.close();
      peer?.close();
      await within(done, "the shard to close");
      listener.close();
      await connecting;
    }
  });
}
