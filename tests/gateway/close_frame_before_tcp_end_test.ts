// The TCP transport reported a server's close frame only once the server
// ended the TCP connection (up to CLOSE_TIMEOUT_MS, 2 s, when it held it
// open). A close frame counts as nothing heard, so with a heartbeat
// interval under 2 s the shard's next tick took the connection for a
// zombie and RESUMEd, dropping the server's code: a fatal 4004 went on
// resuming, a 4007 resumed a session Discord had ended. The transport now
// says the close frame as it reads it (`onCloseFrame`), and the shard acts
// on its code then, as it does over the runtime's WebSocket, which reports
// the close at once. Against a hand-written loopback server that holds the
// TCP connection open; the shard's timers on the virtual clock, every real
// wait on an event.
import assert from "node:assert/strict";
import type { GatewayError } from "../../gateway/errors.ts";
import { Shard } from "../../gateway/shard.ts";
import { tcpWebSocketTransport } from "../../gateway/tcp_transport.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { within } from "../_fakes/watchdog.ts";
import { RawWsPeer } from "./_raw_ws_peer.ts";

/** The shortest interval a HELLO may ask for (MIN_HEARTBEAT_INTERVAL). */
const HELLO = { op: 10, d: { heartbeat_interval: 1_000 } };

/** A READY that names the loopback server as the resume URL. */
function ready(url: string): unknown {
  return {
    op: 0,
    t: "READY",
    s: 1,
    d: {
      v: 10,
      session_id: "held-close-session",
      resume_gateway_url: url,
      user: { id: "1", username: "bot", discriminator: "0" },
      guilds: [],
      application: { id: "1", flags: 0 },
    },
  };
}

/** Read the client's frames up to its answer to our close frame. */
async function readCloseEcho(peer: RawWsPeer): Promise<void> {
  for (;;) {
    if ((await peer.readFrame()).opcode === 0x8) return;
  }
}

Deno.test("tcpWebSocketTransport says a server's close frame as it reads it, while the server holds the TCP connection", async () => {
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
    onError: () => {},
    onCloseFrame: (code, reason) => said.push(`frame ${code} '${reason}'`),
    onClose: (code) => {
      said.push(`close ${code}`);
      ended();
    },
  });
  const peer = await RawWsPeer.accept(listener);
  try {
    await within(open, "open");
    await peer.sendClose(4004);
    await readCloseEcho(peer);
    // Said with the echo, before the TCP connection ends.
    assert.deepEqual(said, ["frame 4004 ''"]);
    assert.equal(socket.send('{"op":1,"d":null}'), false, "closing");
    peer.close();
    await within(closed, "the close");
    assert.deepEqual(said, ["frame 4004 ''", "close 4004"]);
  } finally {
    socket.close(1000);
    peer.close();
    listener.close();
    await within(closed, "the close");
  }
});

for (
  const [code, outcome] of [
    [4004, "stops with authentication_failed"],
    [4007, "identifies a new session"],
  ] as const
) {
  Deno.test(`Shard over tcpWebSocketTransport with a 1 s heartbeat ${outcome} on a close ${code} whose TCP connection the server holds open`, async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const url = `ws://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
    const scheduler = new VirtualScheduler();
    const shard = new Shard({
      token: "held-close-token",
      intents: GatewayIntent.Guilds,
      gatewayUrl: url,
      compress: "none",
      transport: tcpWebSocketTransport,
      scheduler,
      random: () => 0.5,
    });
    const errors: GatewayError[] = [];
    shard.on("error", (error) => errors.push(error));
    const states: string[] = [];
    let stateSeen: (() => void) | undefined;
    shard.on("state", ({ current }) => {
      states.push(current);
      stateSeen?.();
    });
    /** Resolves once the shard's state is one of `wanted`. */
    const reaches = (wanted: readonly string[]): Promise<void> =>
      within(
        new Promise<void>((resolve) => {
          const check = (): void => {
            if (wanted.includes(shard.status)) resolve();
          };
          stateSeen = check;
          check();
        }),
        `state ${wanted.join(" or ")}`,
      );
    const peers: RawWsPeer[] = [];
    const connecting = shard.connect().catch(() => {});
    try {
      await scheduler.advance(0);
      const first = await RawWsPeer.accept(listener);
      peers.push(first);
      await first.sendJson(HELLO);
      assert.equal((await first.readPayload()).op, 2, "IDENTIFY");
      await first.sendJson(ready(url));
      await reaches(["ready"]);

      const next = code === 4004 ? undefined : RawWsPeer.accept(listener);
      const stderr = await captureStderr(async () => {
        await first.sendClose(code);
        await readCloseEcho(first);
        // The server holds the TCP connection; the shard's heartbeat ticks
        // (at 500 ms, then each second) pass meanwhile.
        await scheduler.advance(3_000);
      });
      if (code === 4004) {
        assert.equal(shard.status, "closed");
        assert.match(stderr.join("\n"), /Shard 0 stopped: .*4004/);
        assert.deepEqual(
          errors.map((error) => [error.kind, error.closeCode]),
          [["authentication_failed", 4004]],
        );
        return;
      }
      const second = await within(next!, "the next connection");
      peers.push(second);
      // A long interval here: this peer answers no heartbeat, and the
      // wait below is the identify queue's (5.25 s between two IDENTIFYs).
      await second.sendJson({ op: 10, d: { heartbeat_interval: 45_000 } });
      await reaches(["identifying", "resuming"]);
      await scheduler.advance(6_000);
      assert.equal((await second.readPayload()).op, 2, "IDENTIFY, not RESUME");
    } finally {
      const closed = shard.close();
      for (const peer of peers) peer.close();
      await within(closed, "the shard to close");
      listener.close();
      await connecting;
    }
  });
}
