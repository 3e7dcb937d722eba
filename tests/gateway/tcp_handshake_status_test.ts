// The TCP transport reads the upgrade's status code as three digits and
// nothing more: `HTTP/1.1 1010 Nope` is no 101, even with the headers of a
// valid upgrade after it. Against a hand-written loopback server; every
// wait is on an event.
import assert from "node:assert/strict";
import { tcpWebSocketTransport } from "../../gateway/tcp_transport.ts";
import { HandshakeError } from "../../gateway/connect_failure.ts";
import { within } from "../_fakes/watchdog.ts";
import { RawWsPeer } from "./_raw_ws_peer.ts";

for (
  const [statusLine, opens] of [
    ["HTTP/1.1 1010 Nope", false],
    ["HTTP/1.1 1019", false],
    ["HTTP/1.1 101 Switching Protocols", true],
    ["HTTP/1.1 101", true],
  ] as const
) {
  Deno.test(`tcpWebSocketTransport ${opens ? "opens on" : "refuses"} '${statusLine}'`, async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    const events: string[] = [];
    const errors: unknown[] = [];
    let opened!: () => void;
    const settled = new Promise<void>((resolve) => opened = resolve);
    let closed!: () => void;
    const ended = new Promise<void>((resolve) => closed = resolve);
    const socket = tcpWebSocketTransport(`ws://127.0.0.1:${port}/`, {
      onOpen: () => {
        events.push("open");
        opened();
      },
      onMessage: () => events.push("message"),
      onError: (error) => {
        events.push("error");
        errors.push(error);
      },
      onClose: (code) => {
        events.push(`close ${code}`);
        opened();
        closed();
      },
    });
    const peer = await RawWsPeer.accept(listener, statusLine);
    try {
      await within(settled, "open or close");
      if (opens) {
        assert.deepEqual(events, ["open"]);
      } else {
        assert.deepEqual(events, ["error", "close 1006"]);
        const error = errors[0];
        assert.ok(error instanceof HandshakeError);
        assert.equal(error.status, undefined);
        assert.match(error.message, new RegExp(`answered '${statusLine}'`));
      }
    } finally {
      socket.close(1000);
      peer.close();
      listener.close();
      await within(ended, "the close");
    }
  });
}
