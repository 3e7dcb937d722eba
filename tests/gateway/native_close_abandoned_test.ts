// webSocketTransport (the runtime's WebSocket, chosen by defaultTransport
// whenever a proxy variable is set) gives up on a close the gateway never
// answers after CLOSE_TIMEOUT_MS and reports it as 1006, but the runtime's
// socket keeps its TCP connection until the peer ends it, and with it the
// process alive after Client.stop(): nothing said why. The transport now
// says so, once per process, on stderr. Against a hand-written loopback
// peer that completes the upgrade and then never answers the close; the
// deadline is a real timer, so every wait is on an event under the watchdog.
import assert from "node:assert/strict";
import {
  CLOSE_TIMEOUT_MS,
  webSocketTransport,
} from "../../gateway/transport.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { within } from "../_fakes/watchdog.ts";
import { RawWsPeer } from "./_raw_ws_peer.ts";

/** What one socket whose close the peer never answered reported and said. */
interface Abandoned {
  close: [number, string];
  /** Its warnings on stderr about the lingering socket. */
  warnings: string[];
  stderr: string[];
  /** From `close()` to the close reported, in ms. */
  took: number;
}

/**
 * Open a webSocketTransport to a loopback peer, close it (twice) and have
 * the peer read the close frame and never answer.
 */
async function abandon(): Promise<Abandoned> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  let opened!: () => void;
  const open = new Promise<void>((resolve) => opened = resolve);
  let reportClose!: (close: [number, string]) => void;
  const closed = new Promise<[number, string]>((resolve) =>
    reportClose = resolve
  );
  const socket = webSocketTransport(`ws://127.0.0.1:${port}/`, {
    onOpen: opened,
    onMessage: () => {},
    onError: () => {},
    onClose: (code, reason) => reportClose([code, reason]),
  });
  let peer: RawWsPeer | undefined;
  try {
    peer = await RawWsPeer.accept(listener);
    await within(open, "open");
    let started = 0;
    let close!: [number, string];
    const stderr = await captureStderr(async () => {
      started = performance.now();
      socket.close(1000);
      // The close frame goes out; the peer reads it and never answers.
      assert.equal((await peer!.readFrame()).opcode, 0x8);
      close = await within(closed, "the close deadline");
      // Closing again is harmless and says nothing more.
      socket.close(1000);
    });
    const warnings = stderr.filter((line) =>
      line.includes("did not answer the WebSocket close")
    );
    return { close, warnings, stderr, took: performance.now() - started };
  } finally {
    // End the TCP connection the runtime's socket still holds, so it ends.
    peer?.close();
    listener.close();
  }
}

Deno.test("webSocketTransport reports a close the peer never answers after its deadline and says once why the process lingers", async () => {
  const { close, warnings, stderr, took } = await abandon();
  assert.deepEqual(close, [1006, "the close handshake timed out"]);
  assert.ok(took >= CLOSE_TIMEOUT_MS - 10);
  assert.equal(warnings.length, 1, stderr.join("\n"));
  assert.match(warnings[0]!, /keeps the process alive/);
  assert.match(warnings[0]!, /TCP transport/);
});

Deno.test("webSocketTransport says why the process lingers once per process: a socket abandoned after another says nothing more", async () => {
  await abandon(); // says it, unless a test before did
  const { close, warnings, stderr } = await abandon();
  assert.deepEqual(close, [1006, "the close handshake timed out"]);
  assert.deepEqual(warnings, [], stderr.join("\n"));
});
