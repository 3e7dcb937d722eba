/**
 * A long run on the fake (a soak test) with a reconnect every so often keeps
 * the fake's memory flat: the frames of closed connections share one
 * `recordedFrames` budget per direction, the most recent kept, and a closed
 * connection lets go of its carrier (and through it of the client's socket
 * and listener, in a `Client` its whole `Shard`). Before, every connection
 * kept its own logs and its carrier forever, so each reconnect added a full
 * set: a Client soak grew from 7.7 MB to 22 MB over 12 reconnects.
 */
import assert from "node:assert/strict";
import type { GatewaySocket } from "../../gateway/transport.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const PROPERTIES = { os: "linux", browser: "test", device: "test" };

/** A hand-driven client: one socket per connection, resuming its session. */
interface Bot {
  /** Open a connection, IDENTIFY (the first time) or RESUME. */
  connect(): Promise<GatewaySocket>;
}

/** A {@linkcode Bot} on `gateway`. */
function client(gateway: FakeGateway, scheduler: VirtualScheduler): Bot {
  let sessionId: string | null = null;
  let seq = 0;
  return {
    async connect(): Promise<GatewaySocket> {
      const socket = gateway.transport(`${gateway.url}/?v=10&encoding=json`, {
        onOpen: () => {},
        onMessage: (data) => {
          const payload = JSON.parse(String(data));
          if (typeof payload.s === "number") seq = payload.s;
          if (payload.t === "READY") sessionId = payload.d.session_id;
        },
        onClose: () => {},
        onError: () => {},
      });
      await scheduler.flushMicrotasks();
      socket.send(JSON.stringify(
        sessionId === null
          ? {
            op: 2,
            d: { token: "fake-token", intents: 513, properties: PROPERTIES },
          }
          : {
            op: 6,
            d: { token: "fake-token", session_id: sessionId, seq },
          },
      ));
      await scheduler.flushMicrotasks();
      return socket;
    },
  };
}

/** The frames all closed connections keep, each way. */
function closedFrames(gateway: FakeGateway): [number, number] {
  let sent = 0;
  let received = 0;
  for (const conn of gateway.allConnections) {
    if (conn.state !== "closed") continue;
    sent += conn.sent.length;
    received += conn.received.length;
  }
  return [sent, received];
}

Deno.test("FakeGateway keeps at most recordedFrames frames each way across all closed connections over a soak", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler });
  const bot = client(gateway, scheduler);
  const ROUNDS = 31;
  for (let round = 1; round <= ROUNDS; round++) {
    const socket = await bot.connect();
    for (let i = 0; i < 1_000; i++) {
      gateway.dispatch("INTERACTION_CREATE", { id: `${round}-${i}` });
    }
    socket.send(JSON.stringify({ op: 1, d: null }));
    await scheduler.flushMicrotasks();
    // Every way a connection ends: a drop, a server close, a client close
    // the session survives, op 7 followed by the server's close.
    switch (round % 4) {
      case 0:
        gateway.dropConnection();
        break;
      case 1:
        gateway.closeWith(4000, "soak");
        break;
      case 2:
        socket.close(4000, "soak");
        break;
      case 3:
        gateway.reconnect();
        await scheduler.advance(5_000);
    }
    await scheduler.flushMicrotasks();
    const [sent, received] = closedFrames(gateway);
    assert.ok(sent <= 10_000, `round ${round}: ${sent} sent frames kept`);
    assert.ok(received <= 10_000, `round ${round}: ${received} received`);
  }
  const all = gateway.allConnections;
  // Every connection's metadata is still there, and it was one session.
  assert.equal(all.length, ROUNDS);
  assert.equal(gateway.sessions.length, 1);
  assert.equal(gateway.counters.resumed, ROUNDS - 1);
  assert.ok(all.every((conn) => conn.state === "closed"));
  assert.ok(all.every((conn) => conn.closeCode !== null));
  // The budget is full, and spent on the most recent connections: the last
  // ones keep all they sent (HELLO, RESUMED, the dispatches, the ACK, op 7
  // on every fourth), the oldest nothing out. Each way has its own budget:
  // the 62 frames in are all kept.
  assert.equal(closedFrames(gateway)[0], 10_000);
  const last = all.at(-1)!;
  assert.equal(last.sent.length, 1_004, "HELLO, RESUMED, 1000, ACK, op 7");
  assert.equal(last.sent.at(-1)!.op, 7);
  assert.equal(last.received.length, 2, "RESUME and the heartbeat");
  assert.deepEqual(all[0]!.sent, []);
  assert.equal(closedFrames(gateway)[1], 2 * ROUNDS);
  assert.equal(all[0]!.received[0]!.op, 2, "the IDENTIFY");
  gateway.close();
});

Deno.test("FakeGateway spends the closed connections' budget newest first", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, recordedFrames: 5 });
  const bot = client(gateway, scheduler);
  // Connection 1: HELLO, READY, 3 dispatches out; IDENTIFY in.
  await bot.connect();
  for (let i = 0; i < 3; i++) gateway.dispatch("INTERACTION_CREATE", { i });
  await scheduler.flushMicrotasks();
  gateway.dropConnection();
  await scheduler.flushMicrotasks();
  assert.equal(gateway.connection(1)!.sent.length, 5);
  // Connection 2: HELLO, RESUMED out; RESUME in. Connection 1 keeps the
  // newest 3 of its sent frames, all of its received (1 + 1 of 5).
  await bot.connect();
  gateway.dropConnection();
  await scheduler.flushMicrotasks();
  assert.deepEqual(gateway.connection(2)!.sent.map((p) => p.t), [
    null,
    "RESUMED",
  ]);
  assert.deepEqual(
    gateway.connection(1)!.sent.map((p) => p.s),
    [2, 3, 4],
  );
  assert.equal(gateway.connection(1)!.received.length, 1);
  // A live connection is not counted: it keeps its own recordedFrames.
  await bot.connect();
  for (let i = 0; i < 10; i++) gateway.dispatch("INTERACTION_CREATE", { i });
  assert.equal(gateway.connections[0]!.sent.length, 5);
  assert.equal(gateway.connection(1)!.sent.length, 3);
  // Connection 3 closes with 5 sent: the older two keep none out.
  gateway.dropConnection();
  await scheduler.flushMicrotasks();
  assert.deepEqual(
    gateway.allConnections.map((conn) => conn.sent.length),
    [0, 0, 5],
  );
  assert.deepEqual(
    gateway.allConnections.map((conn) => conn.received.length),
    [1, 1, 1],
  );
  gateway.close();
});

Deno.test("FakeGateway lets go of a closed connection's carrier and the client behind it", async () => {
  const output = await new Deno.Command("deno", {
    args: [
      "run",
      "--no-check",
      "--v8-flags=--expose-gc",
      new URL("./_closed_connection_child.ts", import.meta.url).pathname,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.equal(output.code, 0);
  // The listeners of the 12 closed connections the fake still reaches.
  assert.equal(new TextDecoder().decode(output.stdout).trim(), "0");
});
