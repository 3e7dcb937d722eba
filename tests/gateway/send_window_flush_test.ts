// The send limiter counts a command when it reaches the wire, not when it
// was handed to a socket that writes later: a burst handed over at once,
// then a handler that blocked the event loop for 5 s, reached Discord 5 s
// after it was counted; 62 s after the count the next burst went, Discord
// saw both in its 60 s, closed with 4008, and ~110 commands resolved as
// written were never processed. A socket that reports `bufferedAmount`
// gets one command at a time; one that does not behaves as before.
// A command flushed alone counts once, and one never flushed before its
// connection died counts against no later connection.
import assert from "node:assert/strict";
import { tcpWebSocketTransport } from "../../gateway/tcp_transport.ts";
import {
  type GatewaySocket,
  type SocketListener,
  type Transport,
  webSocketTransport,
} from "../../gateway/transport.ts";
import { type FakeSocket, FakeTransport } from "../../testing/fake_socket.ts";
import { within } from "../_fakes/watchdog.ts";
import {
  createHarness,
  type Harness,
  hello,
  ready,
  readyHarness,
  sentOps,
} from "../_fakes/shard_harness.ts";

/** A command with no pace of its own (presence updates have one). */
const leaveVoice = {
  op: 4 as const,
  d: { guild_id: "1", channel_id: null, self_mute: false, self_deaf: false },
};

/**
 * The socket's outgoing side: frames taken by `send()` wait here until
 * flushed (a microtask later, as a transport writes on a later turn), or
 * until released while `blocked` (the event loop stuck in a handler).
 */
interface Wire {
  blocked: boolean;
  /** Whether a flush tells the listener (`onDrain`), or leaves it to poll. */
  drainEvents: boolean;
  pending: string[];
  /** When each frame was flushed, and its opcode. */
  flushed: { at: number; op: number }[];
  flush(): void;
}

/**
 * A ready shard over a FakeSocket that reports frames not yet flushed, and
 * the transport (its `last` socket is the current connection's).
 */
async function wiredHarness(
  drainEvents = true,
): Promise<
  { h: Harness; wire: Wire; socket: FakeSocket; fake: FakeTransport }
> {
  const fake = new FakeTransport();
  let listener: SocketListener | undefined;
  const wire: Wire = {
    blocked: false,
    drainEvents,
    pending: [],
    flushed: [],
    flush(): void {
      if (wire.blocked || wire.pending.length === 0) return;
      for (const frame of wire.pending) {
        wire.flushed.push({ at: h.scheduler.now(), op: JSON.parse(frame).op });
      }
      wire.pending = [];
      // Typed loosely: the member is optional, and absent before the fix.
      if (wire.drainEvents) (listener as { onDrain?(): void }).onDrain?.();
    },
  };
  const transport: Transport = (url, l) => {
    listener = l;
    const socket = fake.connect(url, l);
    const send = socket.send.bind(socket);
    socket.send = (data: string) => {
      send(data);
      wire.pending.push(data);
      queueMicrotask(() => wire.flush());
    };
    Object.defineProperty(socket, "bufferedAmount", {
      get: () => wire.pending.reduce((n, frame) => n + frame.length, 0),
    });
    return socket;
  };
  const h = createHarness({ transport });
  const connected = h.shard.connect();
  await h.settle();
  const socket = fake.last!;
  hello(socket);
  await h.settle();
  ready(socket);
  await connected;
  // Keep the connection alive with ACKs.
  socket.onSend = (data) => {
    if (JSON.parse(data).op === 1) {
      queueMicrotask(() => socket.receive({ op: 11, d: null }));
    }
  };
  return { h, wire, socket, fake };
}

Deno.test("Shard counts a command when it is flushed: a burst held 5 s by a blocked event loop never puts over 120 frames in 60 s of flushes, and every command reaches the wire", async () => {
  const { h, wire } = await wiredHarness();
  wire.blocked = true;
  const sends: Promise<void>[] = [];
  for (let i = 0; i < 300; i++) sends.push(h.shard.send(leaveVoice));
  await h.settle();
  // The handler's block: nothing is flushed for 5 s.
  await h.scheduler.advance(5_000);
  wire.blocked = false;
  wire.flush();
  for (let elapsed = 0; elapsed < 300_000; elapsed += 1_000) {
    await h.scheduler.advance(1_000);
  }
  await Promise.all(sends);
  const times = wire.flushed.map((frame) => frame.at);
  for (let i = 0; i + 120 < times.length; i++) {
    assert.ok(
      times[i + 120]! - times[i]! >= 60_000,
      `flush ${i + 120} at ${times[i + 120]} is the 121st within 60 s of ${
        times[i]
      }`,
    );
  }
  assert.equal(
    wire.flushed.filter((frame) => frame.op === 4).length,
    300,
    "every command reached the wire",
  );
  await h.shard.close();
});

Deno.test("Shard writes the next command only once the socket flushed the last, and heartbeats never wait for it", async () => {
  const { h, wire, socket } = await wiredHarness();
  wire.blocked = true;
  const sends = [0, 1, 2].map(() => h.shard.send(leaveVoice));
  await h.settle();
  await h.scheduler.advance(1_000);
  assert.deepEqual(sentOps(socket).slice(1), [4], "one command, unflushed");
  // Discord asks for a heartbeat: it goes behind the unflushed command.
  socket.receive({ op: 1, d: null });
  await h.settle();
  assert.deepEqual(sentOps(socket).slice(1), [4, 1]);
  wire.blocked = false;
  wire.flush();
  await h.settle();
  assert.deepEqual(sentOps(socket).slice(1), [4, 1, 4, 4]);
  await Promise.all(sends);
  await h.shard.close();
});

Deno.test("Shard polls a socket that reports bufferedAmount but no drain (the runtime's WebSocket)", async () => {
  const { h, wire, socket } = await wiredHarness(false);
  wire.blocked = true;
  const sends = [0, 1, 2].map(() => h.shard.send(leaveVoice));
  await h.settle();
  await h.scheduler.advance(1_000);
  assert.deepEqual(sentOps(socket).slice(1), [4]);
  wire.blocked = false;
  wire.flush();
  await h.scheduler.advance(100);
  assert.deepEqual(sentOps(socket).slice(1), [4, 4, 4]);
  await Promise.all(sends);
  await h.shard.close();
});

// Polling every 10 ms from the first check made a burst of 110 commands
// take 1.2 s on the runtime's WebSocket, written out a turn after send().
Deno.test("Shard checks a socket without drain events again at the next turn first: a burst it writes at once does not wait 10 ms a command", async () => {
  const { h, socket } = await wiredHarness(false);
  const sends = [0, 1, 2].map(() => h.shard.send(leaveVoice));
  for (let turn = 0; turn < 3; turn++) {
    await h.settle();
    await h.scheduler.advance(0);
  }
  assert.deepEqual(sentOps(socket).slice(1), [4, 4, 4]);
  await Promise.all(sends);
  await h.shard.close();
});

Deno.test("Shard writes commands at once to a socket without bufferedAmount, as before", async () => {
  const h = await readyHarness();
  const sends = [0, 1, 2].map(() => h.shard.send(leaveVoice));
  // Written in the same turn as send(), no timer, no flush awaited.
  assert.deepEqual(sentOps(h.socket()).slice(1), [4, 4, 4]);
  await Promise.all(sends);
  await h.shard.close();
});

/** Read as an optional member, which a custom transport may lack. */
function buffered(socket: GatewaySocket): number | undefined {
  return (socket as { bufferedAmount?: number }).bufferedAmount;
}

for (
  const [name, transport, drains] of [
    ["tcpWebSocketTransport", tcpWebSocketTransport, true],
    ["webSocketTransport", webSocketTransport, false],
  ] as const
) {
  Deno.test(
    `${name} reports a frame as buffered until it is written${
      drains ? ", then calls onDrain" : ""
    }`,
    async () => {
      const server = Deno.serve(
        { hostname: "127.0.0.1", port: 0, onListen: () => {} },
        (request) => {
          const { socket, response } = Deno.upgradeWebSocket(request);
          socket.onmessage = (event) => socket.send(`echo ${event.data}`);
          return response;
        },
      );
      const opened = Promise.withResolvers<void>();
      const echoed = Promise.withResolvers<void>();
      const drained = Promise.withResolvers<void>();
      const closed = Promise.withResolvers<void>();
      let socket: GatewaySocket | undefined;
      const listener: SocketListener & { onDrain(): void } = {
        onOpen: () => opened.resolve(),
        onMessage: () => echoed.resolve(),
        onDrain: () => drained.resolve(),
        onClose: () => closed.resolve(),
        onError: () => {},
      };
      try {
        socket = transport(`ws://127.0.0.1:${server.addr.port}/`, listener);
        await within(opened.promise, "open");
        assert.equal(buffered(socket), 0);
        socket.send("x".repeat(1_000));
        assert.ok((buffered(socket) ?? 0) >= 1_000, `${buffered(socket)}`);
        if (drains) {
          await within(drained.promise, "onDrain");
          assert.equal(buffered(socket), 0);
        }
        await within(echoed.promise, "the echo");
        assert.equal(buffered(socket), 0);
      } finally {
        socket?.close(1000);
        await within(closed.promise, "close");
        await server.shutdown();
      }
    },
  );
}

Deno.test("Shard counts a command sent alone, once flushed, once: 100 sent one at a time all go in the first second", async () => {
  const { h, wire } = await wiredHarness();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < 100; i++) {
    sends.push(h.shard.send(leaveVoice));
    await h.settle();
  }
  await h.scheduler.advance(1_000);
  const flushed = wire.flushed.filter((frame) => frame.op === 4).length;
  assert.equal(flushed, 100, "under the 120 a minute, none waits");
  await Promise.all(sends);
  await h.shard.close();
});

/**
 * How many of 150 commands sent at once are flushed in the first second
 * after a resume, the dead connection having had a command written but
 * never flushed when `unflushed`.
 */
async function flushedAfterResume(unflushed: boolean): Promise<number> {
  const { h, wire, socket, fake } = await wiredHarness();
  const lost: Promise<void>[] = [];
  if (unflushed) {
    wire.blocked = true;
    lost.push(h.shard.send(leaveVoice).catch(() => {}));
    await h.settle();
  }
  wire.pending = [];
  wire.blocked = false;
  socket.serverClose(4000, "bye");
  await h.settle();
  await h.scheduler.advance(5_000);
  const next = fake.last!;
  assert.notEqual(next, socket, "reconnected");
  hello(next);
  await h.settle();
  next.receive({ op: 0, t: "RESUMED", s: 2, d: {} });
  await h.settle();
  assert.equal(h.shard.status, "ready");
  const start = wire.flushed.length;
  const sends: Promise<void>[] = [];
  for (let i = 0; i < 150; i++) {
    sends.push(h.shard.send(leaveVoice).catch(() => {}));
  }
  for (let t = 0; t < 10; t++) await h.scheduler.advance(100);
  const flushed = wire.flushed.slice(start).filter((f) => f.op === 4).length;
  await h.shard.close();
  await Promise.all([...sends, ...lost]);
  return flushed;
}

Deno.test("Shard does not count a command left unflushed on a dead connection against the next one", async () => {
  const clean = await flushedAfterResume(false);
  const dirty = await flushedAfterResume(true);
  assert.ok(clean > 10, `${clean}`);
  assert.equal(dirty, clean);
});
