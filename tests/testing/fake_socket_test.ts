// The in-memory socket under every offline shard test, tested directly: its
// states, what the client sees for each server action, and that nothing
// happens on a socket that is not open.
import assert from "node:assert/strict";
import type { SocketListener } from "../../gateway/transport.ts";
import { FakeSocket, FakeTransport } from "../../testing/fake_socket.ts";

type Seen =
  | ["open"]
  | ["message", string | Uint8Array]
  | ["close", number, string]
  | ["error", string];

function recorder(): { seen: Seen[]; listener: SocketListener } {
  const seen: Seen[] = [];
  return {
    seen,
    listener: {
      onOpen: () => seen.push(["open"]),
      onMessage: (data) => seen.push(["message", data]),
      onClose: (code, reason) => seen.push(["close", code, reason]),
      onError: (error) => seen.push(["error", String(error)]),
    },
  };
}

Deno.test("FakeSocket opens once, delivers frames as given, and records what the client sends", () => {
  const { seen, listener } = recorder();
  const socket = new FakeSocket("wss://fake/?v=10&encoding=json", listener);
  assert.equal(socket.state, "connecting");
  assert.equal(socket.query.get("v"), "10");
  socket.send("too early");
  assert.equal(socket.sentWhileClosed, 1);
  assert.deepEqual(socket.sent, []);
  socket.open();
  socket.open();
  assert.equal(socket.state, "open");
  const bytes = new Uint8Array([1, 2, 3]);
  socket.receive({ op: 11, d: null });
  socket.receive("not json");
  socket.receive(bytes);
  const forwarded: string[] = [];
  socket.onSend = (data) => forwarded.push(data);
  socket.send('{"op":1,"d":7}');
  assert.deepEqual(seen, [
    ["open"],
    ["message", '{"op":11,"d":null}'],
    ["message", "not json"],
    ["message", bytes],
  ]);
  assert.deepEqual(socket.sent, ['{"op":1,"d":7}']);
  assert.deepEqual(forwarded, ['{"op":1,"d":7}']);
  assert.deepEqual(socket.sentPayloads(), [{ op: 1, d: 7 }]);
});

Deno.test("FakeSocket: a client close is recorded now and reported back on a later microtask", async () => {
  const { seen, listener } = recorder();
  const socket = new FakeSocket("wss://fake", listener);
  socket.open();
  const told: [number, string][] = [];
  socket.onClientClose = (code, reason) => told.push([code, reason]);
  socket.close(4000, "resume later");
  assert.equal(socket.state, "closed");
  assert.equal(socket.clientCloseCode, 4000);
  assert.equal(socket.clientCloseReason, "resume later");
  assert.deepEqual(told, [[4000, "resume later"]]);
  assert.deepEqual(seen, [["open"]], "not inside close()");
  await Promise.resolve();
  assert.deepEqual(seen, [["open"], ["close", 4000, "resume later"]]);
  socket.close(1000);
  socket.receive("after close");
  socket.send("after close");
  await Promise.resolve();
  assert.equal(seen.length, 2, "a closed socket stays silent");
  assert.equal(socket.sentWhileClosed, 1);
});

Deno.test("FakeSocket: server close, drop and refuse each end the socket the way a real one does", () => {
  const closed = recorder();
  const a = new FakeSocket("wss://fake", closed.listener);
  a.open();
  a.serverClose(4004, "Authentication failed");
  a.serverClose(1000);
  assert.deepEqual(closed.seen, [["open"], [
    "close",
    4004,
    "Authentication failed",
  ]]);

  const dropped = recorder();
  const b = new FakeSocket("wss://fake", dropped.listener);
  b.open();
  b.drop();
  assert.deepEqual(dropped.seen, [
    ["open"],
    ["error", "Error: connection reset"],
    ["close", 1006, ""],
  ]);

  const refused = recorder();
  const c = new FakeSocket("wss://fake", refused.listener);
  c.refuse();
  c.open();
  assert.equal(c.state, "closed");
  assert.deepEqual(refused.seen, [
    ["error", "Error: connection reset"],
    ["close", 1006, ""],
  ], "never opened");
});

Deno.test("FakeTransport keeps every socket, opens them on the next microtask unless told not to", async () => {
  const connected: string[] = [];
  const transport = new FakeTransport({
    onConnect: (socket) => connected.push(`${socket.url} ${socket.state}`),
  });
  const first = recorder();
  transport.connect("wss://a", first.listener);
  const second = recorder();
  transport.connect("wss://b", second.listener);
  assert.deepEqual(connected, ["wss://a connecting", "wss://b connecting"]);
  assert.equal(transport.last?.url, "wss://b");
  assert.deepEqual(first.seen, []);
  await Promise.resolve();
  assert.deepEqual(first.seen, [["open"]]);
  assert.equal(transport.openCount, 2);
  transport.sockets[0]!.serverClose(1000);
  assert.equal(transport.openCount, 1);

  const manual = new FakeTransport({ autoOpen: false });
  const third = recorder();
  manual.connect("wss://c", third.listener);
  await Promise.resolve();
  assert.equal(manual.last?.state, "connecting");
  assert.deepEqual(third.seen, []);
});
