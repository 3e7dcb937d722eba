// Edges a peer (or a bot author's state listener) can push the shard to:
// close() from inside a state listener, a RESUME whose replay outlasts the
// RESUMED timeout while it progresses, a READY nothing asked for (or a
// second one), a numbered frame with a broken op, and a server requesting a
// heartbeat every interval while commands are queued.
import assert from "node:assert/strict";
import { Shard } from "../../gateway/shard.ts";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import type { FakeSocket } from "../../testing/fake_socket.ts";
import { FakeTransport } from "../../testing/fake_socket.ts";
import { GatewayOpcode } from "../../types/opcodes.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import {
  createHarness,
  dispatch,
  type Harness,
  hello,
  INTERVAL,
  ready,
  readyHarness,
  RESUME_URL,
  sentOps,
} from "../_fakes/shard_harness.ts";

/**
 * A command to fill the queue with: not a presence update, which has its
 * own pace (5 per 20 s) on top of the frame limit.
 */
const leaveVoice = {
  op: 4 as const,
  d: { guild_id: "1", channel_id: null, self_mute: false, self_deaf: false },
};

/** ACK every heartbeat `socket` sends, at once. */
function ackHeartbeats(socket: FakeSocket): void {
  socket.onSend = (data) => {
    if (JSON.parse(data).op === 1) {
      queueMicrotask(() => socket.receive({ op: 11, d: null }));
    }
  };
}

for (const status of ["reconnecting", "connecting"] as const) {
  Deno.test(`Shard closed by a state listener on '${status}' stays closed: no reconnect, no RESUME of the erased session`, async () => {
    const h = await readyHarness();
    let armed = true;
    let closing: Promise<void> | undefined;
    h.shard.on("state", ({ current }) => {
      if (armed && current === status) {
        armed = false;
        closing = h.shard.close();
      }
    });
    h.socket().receive({ op: 7, d: null }); // Discord asks to reconnect
    await h.settle();
    await h.scheduler.advance(5_000);
    await closing;
    assert.equal(h.shard.status, "closed");
    // "connecting" fires before the socket is made: none is.
    assert.equal(h.transport.sockets.length, 1);
    assert.equal(h.scheduler.pending, 0);
    assert.equal(h.states.at(-1), "closed");
  });
}

Deno.test("Shard closed by an error listener (a frame it cannot decode, a READY timeout) stays closed: no reconnect, no timer left", async (t) => {
  const causes: Record<string, (h: Harness) => Promise<void>> = {
    "undecodable frame": async (h) => {
      await h.settle();
      hello(h.socket());
      h.socket().receive("{not json");
    },
    "READY timeout": async (h) => {
      await h.settle();
      hello(h.socket());
      await h.scheduler.advance(30_000);
    },
  };
  for (const [name, cause] of Object.entries(causes)) {
    await t.step(name, async () => {
      const h = createHarness();
      let closing: Promise<void> | undefined;
      h.shard.on("error", () => closing ??= h.shard.close());
      h.shard.connect().catch(() => {});
      await cause(h);
      await h.settle();
      await closing;
      assert.equal(h.shard.status, "closed");
      await h.scheduler.advance(120_000);
      assert.equal(h.transport.sockets.length, 1, "no reconnect");
      assert.equal(h.scheduler.pending, 0, "no timer left");
    });
  }
});

Deno.test("Shard closed by a state listener on 'ready' delivers not even the READY", async () => {
  const h = createHarness();
  h.shard.on("state", ({ current }) => {
    if (current === "ready") void h.shard.close({ resumable: true });
  });
  h.shard.connect().catch(() => {});
  await h.settle();
  hello(h.socket());
  await h.settle();
  ready(h.socket());
  await h.settle();
  assert.equal(h.shard.status, "closed");
  assert.deepEqual(h.dispatches.map((d) => d.name), []);
  assert.equal(h.shard.sessionId, "session-1", "a resumable close keeps it");
  assert.equal(h.scheduler.pending, 0);
});

Deno.test("Shard: a replay that keeps coming is not a failed RESUME, however long it takes", async () => {
  const h = await readyHarness();
  h.socket().drop();
  await h.scheduler.advance(5_000);
  const socket = h.socket();
  ackHeartbeats(socket);
  hello(socket);
  await h.settle();
  assert.deepEqual(sentOps(socket), [6]);
  // 600 missed events, one every 100 ms: 60 s of replay, twice the 30 s
  // RESUMED timeout.
  for (let s = 2; s <= 601; s++) {
    dispatch(socket, s);
    await h.scheduler.advance(100);
  }
  socket.receive({ op: 0, s: 602, t: "RESUMED", d: null });
  await h.settle();
  assert.equal(h.shard.status, "ready");
  assert.deepEqual(h.errors.map((e) => e.kind), []);
  assert.equal(h.transport.sockets.length, 2, "one RESUME, never redone");
  assert.ok(!sentOps(socket).includes(2), "no IDENTIFY");
  const replayed = h.dispatches.filter((d) => d.name === "MESSAGE_CREATE");
  assert.equal(replayed.length, 600);
  assert.equal(h.shard.sessionId, "session-1");

  // A replay that stops, though, still times out 30 s after its last event.
  socket.drop();
  await h.scheduler.advance(5_000);
  const stalled = h.socket();
  ackHeartbeats(stalled);
  hello(stalled);
  await h.settle();
  dispatch(stalled, 603);
  await h.scheduler.advance(29_999);
  assert.equal(h.shard.status, "resuming");
  await h.scheduler.advance(1);
  assert.equal(h.errors.at(-1)?.kind, "timeout");
  await h.shard.close();
});

Deno.test("Shard: a replay of events no listener wants (peeked, not parsed) is not a failed RESUME either", async () => {
  // The Client's listeners are filtered ("auto" events): unwanted replayed
  // events are only peeked, and they must move the RESUMED deadline too.
  const h = createHarness({ recordDispatches: false });
  const got: number[] = [];
  h.shard.on("dispatch", (event) => void got.push(event.sequence), {
    events: ["MESSAGE_CREATE"],
  });
  const connected = h.shard.connect();
  await h.settle();
  hello(h.socket());
  await h.settle();
  ready(h.socket());
  await connected;
  h.socket().drop();
  await h.scheduler.advance(5_000);
  const socket = h.socket();
  ackHeartbeats(socket);
  hello(socket);
  await h.settle();
  assert.deepEqual(sentOps(socket), [6]);
  // 600 events nobody listens to, one every 100 ms: 60 s of replay.
  for (let s = 2; s <= 601; s++) {
    socket.receive({ op: 0, s, t: "TYPING_START", d: {} });
    await h.scheduler.advance(100);
  }
  dispatch(socket, 602);
  socket.receive({ op: 0, s: 603, t: "RESUMED", d: null });
  await h.settle();
  assert.equal(h.shard.status, "ready");
  assert.deepEqual(h.errors.map((e) => e.kind), []);
  assert.equal(h.transport.sockets.length, 2, "one RESUME, never redone");
  assert.deepEqual(got, [602]);
  await h.shard.close();
});

Deno.test("Shard: op 7 during RESUME replays (a rolling gateway restart) never gives up the session", async () => {
  const h = await readyHarness();
  dispatch(h.socket(), 2);
  h.socket().receive({ op: 7, d: null });
  for (let round = 0; round < 5; round++) {
    const before = h.transport.sockets.length;
    while (
      h.transport.sockets.length === before || h.socket().state !== "open"
    ) await h.scheduler.advance(100);
    const socket = h.socket();
    hello(socket);
    await h.settle();
    assert.deepEqual(sentOps(socket), [6], `round ${round}: RESUME`);
    // The replay begins, then the node going down asks again.
    dispatch(socket, 3 + round);
    socket.receive({ op: 7, d: null });
  }
  assert.equal(h.shard.sessionId, "session-1");
  assert.equal(h.shard.sequence, 7, "every replayed event kept");
  await h.shard.close();
});

Deno.test("Shard shows a handshake that times out before its first session on stderr, with no logging configured", async () => {
  // A peer that accepts the connection and never sends HELLO: start()
  // waited forever, reconnecting, and printed nothing.
  const h = createHarness();
  const connecting = h.shard.connect().catch((error) => error);
  const lines = await captureStderr(() => h.scheduler.advance(31_000));
  assert.ok(lines.length >= 1);
  assert.match(lines[0]!, /timed out waiting for HELLO/);
  await h.shard.close();
  await connecting;
});

Deno.test("Shard shows frames it cannot decode before its first session on stderr, once, with no logging configured", async () => {
  // A peer that is no gateway (an echo server's greeting on every
  // connection): each connection failed before HELLO, start() waited
  // forever, and nothing reached stderr.
  const h = createHarness();
  const connecting = h.shard.connect().catch((error) => error);
  const greeted = new Set<FakeSocket>();
  const lines = await captureStderr(async () => {
    while (h.errors.length < 4) {
      await h.scheduler.advance(500);
      const socket = h.socket();
      if (socket.state !== "open" || greeted.has(socket)) continue;
      greeted.add(socket);
      socket.receive("Welcome to the echo server");
      await h.settle();
    }
  });
  assert.deepEqual(
    h.errors.map((error) => error.kind),
    ["decode", "decode", "decode", "decode"],
  );
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(
    lines[0]!,
    /^\[WRN\] disruption·gateway·shard: Shard 0 received a frame it could not decode; reconnecting: SyntaxError/,
  );
  await h.shard.close();
  await connecting;
});

Deno.test("Shard: a heartbeat Discord asks for just before the shard's own, its ACK on the way, is no zombie", async () => {
  const h = await readyHarness(); // first heartbeat at INTERVAL / 2
  const socket = h.socket();
  socket.onSend = (data) => {
    if (JSON.parse(data).op === 1) {
      h.scheduler.setTimeout(() => socket.receive({ op: 11, d: null }), 50);
    }
  };
  await h.scheduler.advance(INTERVAL / 2 + INTERVAL * 2 - 10);
  socket.receive({ op: 1, d: null }); // 10 ms before the shard's tick
  await h.scheduler.advance(70);
  assert.equal(h.transport.sockets.length, 1, "the connection is kept");
  assert.equal(h.shard.status, "ready");
  // A connection that really goes silent is still a zombie.
  socket.onSend = () => {};
  await h.scheduler.advance(2 * INTERVAL);
  assert.equal(socket.clientCloseCode, 4000);
  await h.shard.close();
});

Deno.test("Shard refuses a READY sent before its IDENTIFY (the identify queue still held it) and never identifies on top of it", async () => {
  const scheduler = new VirtualScheduler();
  const transport = new FakeTransport();
  const identifyQueue = new MemoryIdentifyQueue({ scheduler });
  await identifyQueue.acquire(0); // another shard of the bucket just went
  const shard = new Shard({
    token: "t",
    intents: 1,
    gatewayUrl: "wss://gateway.test",
    transport: transport.connect,
    scheduler,
    identifyQueue,
    random: () => 0.5,
  });
  const errors: string[] = [];
  shard.on("error", (error) => errors.push(`${error.kind}: ${error.message}`));
  shard.connect().catch(() => {});
  await scheduler.flushMicrotasks();
  const first = transport.last!;
  hello(first);
  await scheduler.flushMicrotasks();
  ready(first); // unasked: IDENTIFY waits in the queue
  await scheduler.flushMicrotasks();
  assert.equal(shard.status, "reconnecting");
  assert.equal(shard.sessionId, undefined);
  assert.match(errors[0]!, /^decode: /);
  await scheduler.advance(10_000);
  assert.deepEqual(sentOps(first), [], "no IDENTIFY on that connection");
  // The next connection identifies and takes its answering READY.
  const second = transport.last!;
  assert.notEqual(second, first);
  hello(second);
  await scheduler.advance(5_000);
  assert.deepEqual(sentOps(second), [2]);
  ready(second);
  await scheduler.flushMicrotasks();
  assert.equal(shard.status, "ready");
  await shard.close();
});

Deno.test("Shard whose connection ends while it waits in the identify queue gives its place up: no session start spent for it, and the next connection identifies at the first grant", async () => {
  const scheduler = new VirtualScheduler();
  const transport = new FakeTransport();
  const identifyQueue = new MemoryIdentifyQueue({
    scheduler,
    sessionStartLimit: {
      total: 1_000,
      remaining: 1_000,
      reset_after: 86_400_000,
      max_concurrency: 1,
    },
  });
  await identifyQueue.acquire(1); // another shard of the bucket just went
  const shard = new Shard({
    token: "t",
    intents: 1,
    gatewayUrl: "wss://gateway.test",
    transport: transport.connect,
    scheduler,
    identifyQueue,
    random: () => 0.5,
  });
  shard.connect().catch(() => {});
  await scheduler.flushMicrotasks();
  const first = transport.last!;
  hello(first);
  await scheduler.flushMicrotasks();
  assert.equal(identifyQueue.pending, 1);
  first.serverClose(1006); // ends while IDENTIFY waits for the queue
  await scheduler.flushMicrotasks();
  assert.equal(identifyQueue.pending, 0, "the wait was given up");
  await scheduler.advance(1_000); // a failed attempt: 1 s of backoff
  assert.notEqual(transport.last, first);
  hello(transport.last!);
  await scheduler.advance(5_250 - scheduler.now());
  assert.deepEqual(sentOps(transport.last!), [2], "identified at the grant");
  assert.equal(identifyQueue.remaining, 998, "one start for each IDENTIFY");
  await shard.close();
});

Deno.test("Shard resumes from before a numbered or named frame whose op is missing or not a number, and from a second READY or an unasked RESUMED on one connection: nothing skipped, no session replaced", async (t) => {
  const frames: Record<string, unknown>[] = [
    { t: "MESSAGE_CREATE", s: 2, d: { id: "2" } },
    { op: "0", t: "MESSAGE_CREATE", s: 2, d: { id: "2" } },
    { op: null, s: 2, d: null },
    {
      op: 0,
      s: 2,
      t: "READY",
      d: { session_id: "taken", resume_gateway_url: "wss://x.test" },
    },
    // A RESUMED on a connection that sent no RESUME (it identified).
    { op: 0, s: 2, t: "RESUMED", d: null },
  ];
  for (const frame of frames) {
    await t.step(JSON.stringify(frame), async () => {
      const h = await readyHarness();
      h.socket().receive(JSON.stringify(frame));
      await h.settle();
      assert.notEqual(h.shard.status, "ready");
      assert.deepEqual(h.errors.map((e) => e.kind), ["decode"]);
      assert.equal(h.shard.sessionId, "session-1", "the session is kept");
      // The next connection resumes from sequence 1, on the resume URL.
      await runUntil(h, () => h.transport.sockets.length === 2);
      hello(h.socket());
      await h.scheduler.advance(1_000);
      const sent = h.socket().sentPayloads();
      assert.deepEqual(sent.map((p) => p.op), [GatewayOpcode.Resume]);
      assert.equal((sent[0]!.d as { seq: number }).seq, 1);
      assert.equal(h.socket().url.startsWith(RESUME_URL), true);
      await h.shard.close();
    });
  }
  await t.step("an op it does not know, unnumbered, is skipped", async () => {
    const h = await readyHarness();
    h.socket().receive({ op: 42, d: null });
    dispatch(h.socket(), 2);
    await h.settle();
    assert.equal(h.shard.status, "ready");
    assert.deepEqual(h.dispatches.map((e) => e.sequence), [1, 2]);
    await h.shard.close();
  });
});

/** Advance `h`'s clock a second at a time until `done` (at most a minute). */
async function runUntil(h: Harness, done: () => boolean): Promise<void> {
  for (let i = 0; i < 60 && !done(); i++) await h.scheduler.advance(1_000);
  assert.ok(done(), "within a minute");
}

for (const interval of [1_000, 5_000]) {
  Deno.test(`Shard keeps to 120 frames per rolling 60 s, with a second of jitter to spare, when the server asks for a heartbeat every interval (${interval} ms) and commands are queued`, async () => {
    const h = createHarness({ random: () => 0.0001 });
    const connected = h.shard.connect();
    await h.settle();
    const socket = h.socket();
    const frames: number[] = [0]; // IDENTIFY
    ackHeartbeats(socket);
    const send = socket.send.bind(socket);
    socket.send = (data: string) => {
      frames.push(h.scheduler.now());
      send(data);
    };
    hello(socket, interval);
    await h.settle();
    ready(socket);
    await connected;
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 300; i++) {
      sends.push(h.shard.send(leaveVoice));
    }
    for (let t = 50; t <= 180_000; t += 50) {
      await h.scheduler.advance(50);
      if (t % interval === 50) socket.receive({ op: 1, d: null });
    }
    await h.shard.close();
    await Promise.allSettled(sends);
    let most = 0;
    for (let from = 0, to = 0; to < frames.length; to++) {
      // Discord counts frames as they arrive: a burst that arrived late
      // and a frame sent right at the end of its 60 s, arriving early,
      // made 121 in Discord's window (4008).
      while (frames[to]! - frames[from]! >= 61_000) from++;
      most = Math.max(most, to - from + 1);
    }
    assert.ok(most <= 120, `${most} frames in one window of 61 s`);
    assert.ok(most >= 100, `the load did not press the limit: ${most}`);
  });
}

Deno.test("A frame that takes longer than a heartbeat interval to arrive, its bytes coming, does not make a zombie; a peer that drips bytes for 5 minutes without a frame does", async () => {
  const h = await readyHarness();
  const socket = h.socket();
  // Bytes every 20 s, no whole frame (and no ACK behind it) for 4 minutes.
  for (let t = 0; t < 240_000; t += 20_000) {
    socket.receiveBytes();
    await h.scheduler.advance(20_000);
  }
  assert.equal(h.transport.sockets.length, 1, "still the same connection");
  assert.equal(h.shard.status, "ready");
  // The frame arrives: a whole frame starts the count over.
  socket.receive({ op: 0, s: 2, t: "MESSAGE_CREATE", d: { id: "2" } });
  for (let t = 0; t < 280_000; t += 20_000) {
    socket.receiveBytes();
    await h.scheduler.advance(20_000);
  }
  assert.equal(h.transport.sockets.length, 1);
  // Five minutes of bytes and no frame: a zombie after all.
  for (let t = 0; t < 80_000 && h.transport.sockets.length === 1; t += 20_000) {
    socket.receiveBytes();
    await h.scheduler.advance(20_000);
  }
  assert.equal(h.transport.sockets.length, 2, "reconnected to RESUME");
  await h.shard.close();
});

Deno.test("A connection whose bytes come without a whole frame is a zombie at the first heartbeat tick 5 minutes after its last frame, not one tick later", async () => {
  const h = createHarness();
  h.shard.connect().catch(() => {});
  await h.settle();
  const socket = h.socket();
  hello(socket, 30_000); // ticks at 15 s, then every 30 s
  await h.settle();
  ready(socket);
  await h.scheduler.advance(15_000); // the last tick that heard a frame
  for (let tick = 1; tick < 10; tick++) {
    socket.receiveBytes();
    await h.scheduler.advance(30_000);
  }
  assert.equal(socket.state, "open", "4.5 minutes: a frame on its way");
  socket.receiveBytes();
  await h.scheduler.advance(30_000); // 5 minutes after that tick
  assert.equal(socket.clientCloseCode, 4000, "a zombie: resumed");
  await h.shard.close();
});

Deno.test("A replayed frame slower than the RESUMED deadline, its bytes coming, does not fail the RESUME; bytes that never finish a frame do, after 5 minutes", async () => {
  for (const finishes of [true, false]) {
    const h = await readyHarness();
    dispatch(h.socket(), 2);
    h.socket().drop();
    await h.scheduler.advance(10_000);
    assert.equal(h.transport.sockets.length, 2, "reconnected");
    const socket = h.socket();
    hello(socket);
    await h.settle();
    assert.ok(sentOps(socket).includes(GatewayOpcode.Resume));
    // A replayed frame arriving over 2 minutes, far past the 30 s deadline.
    for (let t = 0; t < 120_000; t += 10_000) {
      socket.receiveBytes();
      await h.scheduler.advance(10_000);
    }
    assert.equal(h.transport.sockets.length, 2, "the RESUME goes on");
    if (finishes) {
      dispatch(socket, 3);
      socket.receive({ op: 0, s: 4, t: "RESUMED", d: {} });
      await h.settle();
      assert.equal(h.shard.status, "ready");
      assert.deepEqual(h.dispatches.map((d) => d.sequence), [1, 2, 3, 4]);
    } else {
      for (let t = 0; t < 240_000 && h.transport.sockets.length === 2;) {
        socket.receiveBytes();
        await h.scheduler.advance(10_000);
        t += 10_000;
      }
      assert.equal(h.transport.sockets.length, 3, "a drip fails the RESUME");
    }
    await h.shard.close();
  }
});

Deno.test("A READY slower than its deadline, its bytes coming, is waited for: no second IDENTIFY", async () => {
  const h = createHarness();
  const connected = h.shard.connect();
  await h.settle();
  hello(h.socket());
  await h.settle();
  for (let t = 0; t < 90_000; t += 10_000) {
    h.socket().receiveBytes();
    await h.scheduler.advance(10_000);
  }
  assert.equal(h.transport.sockets.length, 1, "the IDENTIFY is still answered");
  ready(h.socket());
  await connected;
  assert.equal(h.shard.status, "ready");
  await h.shard.close();
});

Deno.test("A READY whose bytes keep coming but that never finishes, whole frames (ACKs) between them, fails 5 minutes after the IDENTIFY", async () => {
  const h = createHarness();
  const connected = h.shard.connect();
  connected.catch(() => {});
  await h.settle();
  hello(h.socket());
  await h.settle();
  const identifiedAt = h.scheduler.now();
  const first = h.socket();
  while (h.transport.sockets.length === 1 && h.scheduler.now() < 3_600_000) {
    first.receiveBytes();
    first.receive({ op: GatewayOpcode.HeartbeatAck, d: null });
    await h.scheduler.advance(10_000);
  }
  const waited = h.scheduler.now() - identifiedAt;
  assert.equal(h.transport.sockets.length, 2, "given up");
  assert.ok(
    waited >= 300_000 && waited <= 340_000,
    `given up ${waited} ms after the IDENTIFY`,
  );
  await h.shard.close();
});

Deno.test("Shard whose identify queue fails says so on stderr, reconnects with backoff and identifies once the queue works again", async () => {
  let failures = 2;
  const { scheduler, transport, shard, errors } = createHarness({
    identifyQueue: {
      acquire(): Promise<void> {
        return failures-- > 0
          ? Promise.reject(new Error("queue store unreachable"))
          : Promise.resolve();
      },
    },
  });
  const stderr = await captureStderr(async () => {
    shard.connect().catch(() => {});
    for (let attempt = 0; attempt < 3; attempt++) {
      await scheduler.flushMicrotasks();
      hello(transport.last!);
      await scheduler.flushMicrotasks();
      if (attempt < 2) {
        // Not stuck on this connection: it is dropped, and the next one
        // comes after a backoff.
        assert.equal(shard.status, "reconnecting");
        const dropped = transport.last!;
        assert.deepEqual(sentOps(dropped), []);
        let waited = 0;
        while (transport.last === dropped) {
          await scheduler.advance(100);
          waited += 100;
        }
        assert.ok(waited >= 1_000, `reconnected after ${waited} ms`);
      }
    }
  });
  assert.deepEqual(errors.map((error) => error.kind), [
    "identify_queue",
    "identify_queue",
  ]);
  assert.match(
    stderr.join("\n"),
    /the identify queue failed.*queue store unreachable/,
  );
  const last = transport.last!;
  assert.deepEqual(sentOps(last), [GatewayOpcode.Identify]);
  ready(last);
  await scheduler.flushMicrotasks();
  assert.equal(shard.status, "ready");
  await shard.close();
});
