// Both transports say whether they took a frame: `true` while open, `false`
// once the connection is closing (a close frame came in or went out) while
// the peer still holds the TCP connection, and once closed. The shard keeps
// what was not taken queued (see shard_closing_send_test.ts). Against a
// hand-written loopback server; every wait is on an event.
import assert from "node:assert/strict";
import { tcpWebSocketTransport } from "../../gateway/tcp_transport.ts";
import {
  type GatewaySocket,
  type Transport,
  webSocketTransport,
} from "../../gateway/transport.ts";
import { within } from "../_fakes/watchdog.ts";
import { RawWsPeer } from "./_raw_ws_peer.ts";

/** A socket on `transport` to a raw peer, open, and its close to wait on. */
async function openPair(transport: Transport): Promise<{
  socket: GatewaySocket;
  peer: RawWsPeer;
  closed: Promise<number>;
  end: () => Promise<void>;
}> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  let opened!: () => void;
  const open = new Promise<void>((resolve) => opened = resolve);
  let reportClose!: (code: number) => void;
  const closed = new Promise<number>((resolve) => reportClose = resolve);
  const socket = transport(`ws://127.0.0.1:${port}/`, {
    onOpen: opened,
    onMessage: () => {},
    onError: () => {},
    onClose: (code) => reportClose(code),
  });
  const peer = await RawWsPeer.accept(listener);
  await within(open, "open");
  return {
    socket,
    peer,
    closed,
    async end(): Promise<void> {
      socket.close(1000);
      peer.close();
      listener.close();
      await within(closed, "the close");
    },
  };
}

for (const transport of [tcpWebSocketTransport, webSocketTransport]) {
  Deno.test(`${transport.name} send() says true while open, false from close() on`, async () => {
    const { socket, peer, closed, end } = await openPair(transport);
    try {
      assert.equal(socket.send('{"op":1,"d":null}'), true);
      assert.equal((await peer.readFrame()).opcode, 0x1);
      socket.close(4000);
      // The peer holds the TCP connection: the close is not over.
      assert.equal(socket.send('{"op":1,"d":null}'), false);
      peer.close();
      await within(closed, "the close");
      assert.equal(socket.send('{"op":1,"d":null}'), false);
    } finally {
      await end();
    }
  });
}

Deno.test("tcpWebSocketTransport send() says false once the server's close frame is in, TCP still open", async () => {
  const { socket, peer, end } = await openPair(tcpWebSocketTransport);
  try {
    await peer.sendClose(4000);
    // The echo of the close frame: the transport is closing now.
    assert.equal((await peer.readFrame()).opcode, 0x8);
    assert.equal(socket.send('{"op":4,"d":{}}'), false);
  } finally {
    await end();
  }
});
