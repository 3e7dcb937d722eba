import assert from "node:assert/strict";
import { Shard } from "../../gateway/shard.ts";
import { runUntil } from "../_fakes/run_until.ts";
import {
  createHarness,
  dispatch,
  GATEWAY_URL,
  hello,
  IDENTIFY_SPACING,
  INTERVAL,
  ready,
  readyHarness,
  RESUME_URL,
  sentOps,
  TOKEN,
} from "../_fakes/shard_harness.ts";

Deno.test("Shard identifies after HELLO with everything IDENTIFY carries", async () => {
  const h = createHarness({
    shardId: 1,
    shardCount: 3,
    largeThreshold: 100,
    presence: { since: null, activities: [], status: "idle", afk: false },
  });
  const connected = h.shard.connect();
  await h.settle();
  assert.equal(h.shard.status, "waiting_for_hello");
  const socket = h.socket();
  assert.equal(socket.url, `${GATEWAY_URL}/?v=10&encoding=json`);
  hello(socket);
  await h.settle();
  assert.equal(h.shard.status, "identifying");
  const [identify] = socket.sentPayloads();
  assert.deepEqual(identify, {
    op: 2,
    d: {
      token: TOKEN,
      properties: {
        os: Deno.build.os,
        browser: "disruption",
        device: "disruption",
      },
      large_threshold: 100,
      shard: [1, 3],
      intents: 513,
      presence: { since: null, activities: [], status: "idle", afk: false },
    },
  });
  ready(socket, 1, "abc", RESUME_URL);
  await connected;
  assert.equal(h.shard.status, "ready");
  assert.equal(h.shard.sessionId, "abc");
  assert.equal(h.shard.resumeUrl, RESUME_URL);
  assert.equal(h.shard.sequence, 1);
  assert.deepEqual(h.states, [
    "connecting",
    "waiting_for_hello",
    "identifying",
    "ready",
  ]);
  assert.equal(h.dispatches[0]?.name, "READY");
  assert.equal(h.dispatches[0]?.shardId, 1);
  await h.shard.close();
});

Deno.test("Shard heartbeats at interval x jitter, then every interval, with the last sequence", async () => {
  const h = await readyHarness();
  const socket = h.socket();
  const heartbeats = () =>
    socket.sentPayloads().filter((p) => p.op === 1).map((p) => p.d);
  // random() is 0.5: the first heartbeat is due at 20625 ms.
  await h.scheduler.advance(INTERVAL * 0.5 - 1);
  assert.deepEqual(heartbeats(), []);
  await h.scheduler.advance(1);
  assert.deepEqual(heartbeats(), [1]);
  assert.equal(h.scheduler.now(), 20_625);
  socket.receive({ op: 11, d: null });
  dispatch(socket, 2);
  await h.scheduler.advance(INTERVAL);
  assert.deepEqual(heartbeats(), [1, 2]);
  socket.receive({ op: 11 } as never);
  await h.scheduler.advance(INTERVAL);
  assert.deepEqual(heartbeats(), [1, 2, 2]);
  await h.shard.close();
});

Deno.test("Shard heartbeats with d:null before any dispatch", async () => {
  const h = createHarness();
  h.shard.connect().catch(() => {});
  await h.settle();
  hello(h.socket());
  await h.scheduler.advance(INTERVAL / 2);
  const beat = h.socket().sentPayloads().find((p) => p.op === 1);
  assert.deepEqual(beat, { op: 1, d: null });
  await h.shard.close();
});

Deno.test("Shard answers a server heartbeat request at once", async () => {
  const h = await readyHarness();
  const socket = h.socket();
  socket.receive({ op: 1, d: null });
  assert.deepEqual(socket.sentPayloads().at(-1), { op: 1, d: 1 });
  assert.equal(h.scheduler.now(), 0);
  await h.shard.close();
});

Deno.test("Shard measures heartbeat latency from the ACK", async () => {
  const h = await readyHarness();
  assert.equal(h.shard.latency, undefined);
  await h.scheduler.advance(INTERVAL / 2);
  await h.scheduler.advance(42);
  h.socket().receive({ op: 11, d: null });
  assert.equal(h.shard.latency, 42);
  await h.shard.close();
});

Deno.test("Shard tells when the last ACK arrived, which stays put while ACKs stop", async () => {
  const h = await readyHarness();
  assert.equal(h.shard.lastAckAt, undefined);
  await h.scheduler.advance(INTERVAL / 2);
  await h.scheduler.advance(42);
  h.socket().receive({ op: 11, d: null });
  const acked = h.scheduler.now();
  assert.equal(h.shard.lastAckAt, acked);
  // The next heartbeat goes unanswered: latency keeps its last measure,
  // the ACK's time does not move.
  await h.scheduler.advance(INTERVAL - 1);
  assert.equal(h.shard.latency, 42);
  assert.equal(h.shard.lastAckAt, acked);
  await h.shard.close();
});

Deno.test("Shard treats a silent connection as a zombie and resumes without loss", async () => {
  const h = await readyHarness();
  const first = h.socket();
  dispatch(first, 2);
  await h.scheduler.advance(INTERVAL / 2); // heartbeat 1 goes out, no ACK follows
  await h.scheduler.advance(INTERVAL); // heartbeat 2 is due: nothing heard
  assert.equal(first.clientCloseCode, 4000);
  await h.scheduler.advance(0);
  const second = h.socket();
  assert.notEqual(second, first);
  assert.equal(second.url, `${RESUME_URL}/?v=10&encoding=json`);
  hello(second);
  await h.settle();
  assert.deepEqual(second.sentPayloads()[0], {
    op: 6,
    d: { token: TOKEN, session_id: "session-1", seq: 2 },
  });
  dispatch(second, 3);
  second.receive({ op: 0, s: 4, t: "RESUMED", d: null });
  assert.equal(h.shard.status, "ready");
  assert.deepEqual(h.dispatches.map((d) => d.sequence), [1, 2, 3, 4]);
  await h.shard.close();
});

Deno.test("Shard does not call a connection a zombie when other frames arrived", async () => {
  const h = await readyHarness();
  const socket = h.socket();
  await h.scheduler.advance(INTERVAL / 2);
  dispatch(socket, 2); // no ACK, but a dispatch shows the connection lives
  await h.scheduler.advance(INTERVAL);
  assert.equal(socket.state, "open");
  assert.equal(h.transport.sockets.length, 1);
  await h.shard.close();
});

Deno.test("Shard resumes on the resume URL with the same query after op 7", async () => {
  const h = await readyHarness({ compress: "zlib-stream" });
  const first = h.socket();
  assert.equal(first.query.get("compress"), "zlib-stream");
  first.receive({ op: 7, d: null });
  assert.equal(first.clientCloseCode, 4000);
  await h.scheduler.advance(0);
  const second = h.socket();
  assert.equal(
    second.url,
    `${RESUME_URL}/?v=10&encoding=json&compress=zlib-stream`,
  );
  await h.shard.close();
});

Deno.test("Shard resumes after op 9 d:true", async () => {
  const h = await readyHarness();
  h.socket().receive({ op: 9, d: true });
  await h.scheduler.advance(0);
  assert.equal(h.socket().url, `${RESUME_URL}/?v=10&encoding=json`);
  hello(h.socket());
  await h.settle();
  assert.deepEqual(sentOps(h.socket()), [6]);
  await h.shard.close();
});

Deno.test("Shard waits 1-5 s after op 9 d:false, then identifies on the main URL", async () => {
  const h = await readyHarness({ random: () => 0 });
  h.socket().receive({ op: 9, d: false });
  assert.equal(h.shard.sessionId, undefined);
  assert.equal(h.shard.resumeUrl, undefined);
  assert.equal(h.shard.status, "reconnecting");
  await h.scheduler.advance(999);
  assert.equal(h.transport.sockets.length, 1);
  await h.scheduler.advance(1);
  assert.equal(h.transport.sockets.length, 2);
  assert.equal(h.socket().url, `${GATEWAY_URL}/?v=10&encoding=json`);
  hello(h.socket());
  await h.settle();
  // The identify queue allows one IDENTIFY per 5 s (and its margin): the
  // first was at t=0.
  assert.ok(!sentOps(h.socket()).includes(2));
  await h.scheduler.advance(IDENTIFY_SPACING - 1000);
  assert.ok(sentOps(h.socket()).includes(2));
  await h.shard.close();
});

Deno.test("Shard waits at most 5 s after op 9 d:false", async () => {
  const h = await readyHarness({ random: () => 0.9999 });
  h.socket().receive({ op: 9, d: false });
  await h.scheduler.advance(4998);
  assert.equal(h.transport.sockets.length, 1);
  await h.scheduler.advance(2);
  assert.equal(h.transport.sockets.length, 2);
  await h.shard.close();
});

Deno.test("Shard waits 1-5 s again after an op 9 d:false that follows a session that came up: the wait grows only while sessions keep failing", async () => {
  const h = await readyHarness(); // random() is 0.5: the first wait is 3 s
  const waitAfterOp9 = async (): Promise<number> => {
    const socket = h.socket();
    const at = h.scheduler.now();
    socket.receive({ op: 9, d: false });
    await runUntil(h.scheduler, () => h.socket() !== socket);
    return h.scheduler.now() - at;
  };
  assert.equal(await waitAfterOp9(), 3_000);
  hello(h.socket());
  await runUntil(h.scheduler, () => sentOps(h.socket()).includes(2));
  ready(h.socket(), 1, "session-2");
  for (let beat = 0; beat < 2; beat++) {
    await h.scheduler.advance(INTERVAL);
    h.socket().receive({ op: 11, d: null });
  }
  assert.equal(await waitAfterOp9(), 3_000);
  await h.shard.close();
});

Deno.test("Shard takes only op 9 d:true as resumable: d null, missing or not a boolean starts a new session", async () => {
  for (const d of [null, undefined, 1, "true"]) {
    const h = await readyHarness();
    h.socket().receive({ op: 9, d } as never);
    assert.equal(h.shard.sessionId, undefined, `d=${String(d)}`);
    await h.scheduler.advance(5_000);
    hello(h.socket());
    await h.scheduler.advance(IDENTIFY_SPACING);
    assert.deepEqual(sentOps(h.socket()), [2], `d=${String(d)}`);
    await h.shard.close();
  }
});

Deno.test("Shard waits 1-5 s after op 9 d:true before its READY (no session to resume), as after d:false", async () => {
  const h = createHarness(); // random() is 0.5: the wait is 3 s
  h.shard.connect().catch(() => {});
  await h.settle();
  hello(h.socket());
  await h.settle();
  assert.deepEqual(sentOps(h.socket()), [2]);
  h.socket().receive({ op: 9, d: true });
  await h.scheduler.advance(2_999);
  assert.equal(h.transport.sockets.length, 1);
  await h.scheduler.advance(1);
  assert.equal(h.transport.sockets.length, 2);
  hello(h.socket());
  await h.scheduler.advance(IDENTIFY_SPACING);
  assert.deepEqual(sentOps(h.socket()), [2]);
  await h.shard.close();
});

Deno.test("Shard drops dispatches whose sequence it has already seen", async () => {
  const h = await readyHarness();
  const socket = h.socket();
  dispatch(socket, 2);
  dispatch(socket, 2);
  dispatch(socket, 1);
  dispatch(socket, 3);
  assert.deepEqual(h.dispatches.map((d) => d.sequence), [1, 2, 3]);
  await h.shard.close();
});

Deno.test("Shard resumes from the last good sequence after an undecodable frame", async () => {
  const h = await readyHarness();
  const first = h.socket();
  dispatch(first, 2);
  first.receive('{"op":0,"s":3,"t":"MESSAGE_CREATE","d":{"id":');
  assert.equal(h.errors[0]?.kind, "decode");
  assert.equal(first.clientCloseCode, 4000);
  await h.scheduler.advance(0);
  hello(h.socket());
  await h.settle();
  assert.deepEqual(h.socket().sentPayloads()[0]?.d, {
    token: TOKEN,
    session_id: "session-1",
    seq: 2,
  });
  dispatch(h.socket(), 3); // Discord replays the event that was lost
  h.socket().receive({ op: 0, s: 4, t: "RESUMED", d: null });
  assert.deepEqual(h.dispatches.map((d) => d.sequence), [1, 2, 3, 4]);
  await h.shard.close();
});

Deno.test("Shard treats a binary frame that is not UTF-8 as undecodable (as the transport does a text one), not as a payload with U+FFFD", async () => {
  const h = await readyHarness();
  const first = h.socket();
  dispatch(first, 2);
  first.receive(
    new Uint8Array([
      ...new TextEncoder().encode(
        '{"op":0,"s":3,"t":"MESSAGE_CREATE","d":{"content":"',
      ),
      0xff,
      0xfe,
      ...new TextEncoder().encode('"}}'),
    ]),
  );
  assert.equal(h.errors[0]?.kind, "decode");
  assert.equal(first.clientCloseCode, 4000);
  assert.deepEqual(h.dispatches.map((d) => d.sequence), [1, 2]);
  await h.shard.close();
});

Deno.test("Shard skips unknown opcodes and delivers unknown event names", async () => {
  const h = await readyHarness();
  const socket = h.socket();
  socket.receive({ op: 99, d: {} });
  socket.receive("[]"); // valid JSON, not an envelope: resumes
  assert.equal(h.errors.length, 1);
  await h.scheduler.advance(0);
  hello(h.socket());
  await h.settle();
  dispatch(h.socket(), 2, "SOMETHING_NEW", { x: 1 });
  assert.deepEqual(h.dispatches.at(-1), {
    shardId: 0,
    name: "SOMETHING_NEW",
    sequence: 2,
    data: { x: 1 },
    // The frame's length, what holding the event costs.
    size: JSON.stringify({ op: 0, s: 2, t: "SOMETHING_NEW", d: { x: 1 } })
      .length,
  });
  await h.shard.close();
});

Deno.test("Shard keeps running when a listener throws", async () => {
  const h = createHarness();
  h.shard.on("dispatch", () => {
    throw new Error("listener bug");
  });
  const connected = h.shard.connect();
  await h.settle();
  hello(h.socket());
  await h.settle();
  ready(h.socket());
  await connected;
  dispatch(h.socket(), 2);
  assert.deepEqual(h.dispatches.map((d) => d.sequence), [1, 2]);
  assert.equal(h.shard.status, "ready");
  await h.shard.close();
});

Deno.test("Shard.dispatches() streams every dispatch and ends on close", async () => {
  const h = await readyHarness();
  const stream = h.shard.dispatches();
  dispatch(h.socket(), 2);
  dispatch(h.socket(), 3);
  await h.shard.close();
  const seen: number[] = [];
  for await (const event of stream) seen.push(event.sequence);
  assert.deepEqual(seen, [2, 3]);
});

Deno.test("Shard.close() sends 1000, forgets the session and leaves no timer", async () => {
  const h = await readyHarness();
  const socket = h.socket();
  await h.shard.close();
  assert.equal(socket.clientCloseCode, 1000);
  assert.equal(h.shard.status, "closed");
  assert.equal(h.shard.sessionId, undefined);
  assert.equal(h.scheduler.pending, 0);
  assert.equal(h.transport.openCount, 0);
});

Deno.test("Shard.close() resolves only once the socket has reported its close", async () => {
  const h = await readyHarness();
  const socket = h.socket();
  let resolved = false;
  const closing = h.shard.close().then(() => resolved = true);
  // The fake socket reports its close on a later microtask, like a real one
  // after the close handshake: close() must not resolve before that.
  assert.equal(socket.state, "closed");
  assert.equal(resolved, false);
  await closing;
  assert.equal(h.scheduler.pending, 0);
});

Deno.test("Shard.close() waits at most timeouts.close for a socket that never finishes closing", async () => {
  const h = await readyHarness({ timeouts: { close: 3_000 } });
  // A peer that never answers: the socket never reports its close.
  h.socket().close = () => {};
  let resolved = false;
  const closing = h.shard.close().then(() => resolved = true);
  await h.scheduler.advance(2_999);
  assert.equal(resolved, false);
  await h.scheduler.advance(1);
  await closing;
  assert.equal(resolved, true);
  assert.equal(h.shard.status, "closed");
  assert.equal(h.scheduler.pending, 0);
  // Closing again does not wait for it a second time.
  await h.shard.close();
});

Deno.test("Shard forgets a socket whose close is never reported timeouts.close after closing it: reconnects keep nothing, close() waits only for the current socket", async () => {
  const h = await readyHarness({ timeouts: { close: 3_000 } });
  const RECONNECTS = 8;
  const closedCodes: number[] = [];
  for (let i = 0; i < RECONNECTS; i++) {
    const old = h.socket();
    // A peer (or transport) that never answers the close: never reported.
    old.close = (code) => void closedCodes.push(code);
    old.receive({ op: 7, d: null });
    // Quick drops back off: run timers until the next socket is made.
    await runUntil(h.scheduler, () => h.socket() !== old);
    const next = h.socket();
    hello(next);
    await h.settle();
    assert.deepEqual(sentOps(next).at(-1), 6, "RESUME");
    next.receive({ op: 0, s: 2 + i, t: "RESUMED", d: null });
    await h.scheduler.advance(3_000);
    assert.equal(h.shard.status, "ready");
  }
  assert.deepEqual(closedCodes, Array(RECONNECTS).fill(4000));
  // The current socket answers close(): nothing else is waited for (every
  // old one was forgotten 3 s after its close), so close() resolves at once
  // instead of after another timeouts.close.
  let resolved = false;
  const closing = h.shard.close().then(() => resolved = true);
  await h.settle();
  assert.equal(resolved, true, "close() waited for forgotten sockets");
  await closing;
  assert.equal(h.scheduler.pending, 0);
});

Deno.test("Shard.close() right after a reconnect, no socket ever reporting its close, resolves timeouts.close after closing and leaves no timer", async () => {
  const h = await readyHarness({ timeouts: { close: 3_000 } });
  const old = h.socket();
  old.close = () => {};
  old.receive({ op: 7, d: null });
  await h.scheduler.advance(1_000);
  h.socket().close = () => {};
  let resolved = false;
  const closing = h.shard.close().then(() => resolved = true);
  // The old socket is forgotten 3 s after its close, the current one 3 s
  // after close().
  await h.scheduler.advance(2_000);
  assert.equal(resolved, false);
  await h.scheduler.advance(999);
  assert.equal(resolved, false);
  await h.scheduler.advance(1);
  await closing;
  assert.equal(h.scheduler.pending, 0);
  await h.shard.close();
});

Deno.test("Shard.close() waits only for the sockets open when it was called: a connect() before it resolves does not hold it", async () => {
  const h = await readyHarness({ timeouts: { close: 3_000 } });
  const old = h.socket();
  old.close = () => {}; // its close is never reported
  let resolved = false;
  const closing = h.shard.close().then(() => resolved = true);
  // Started again at once, without waiting for the close.
  h.shard.connect().catch(() => {});
  await h.settle();
  assert.notEqual(h.socket(), old, "a new socket");
  await h.scheduler.advance(3_000);
  await h.settle();
  assert.equal(resolved, true, "released when the old socket is forgotten");
  await closing;
  await h.shard.close();
});

Deno.test("Shard.close({ resumable: true }) sends 4000 and keeps the session", async () => {
  const h = await readyHarness();
  dispatch(h.socket(), 2);
  const socket = h.socket();
  await h.shard.close({ resumable: true });
  assert.equal(socket.clientCloseCode, 4000);
  assert.deepEqual(h.shard.session, {
    sessionId: "session-1",
    sequence: 2,
    resumeUrl: RESUME_URL,
  });
  assert.equal(h.scheduler.pending, 0);
});

Deno.test("Shard restored from a saved session resumes instead of identifying", async () => {
  const h = createHarness({
    session: { sessionId: "saved", sequence: 41, resumeUrl: RESUME_URL },
  });
  const connected = h.shard.connect();
  await h.settle();
  assert.equal(h.socket().url, `${RESUME_URL}/?v=10&encoding=json`);
  hello(h.socket());
  await h.settle();
  assert.deepEqual(h.socket().sentPayloads()[0], {
    op: 6,
    d: { token: TOKEN, session_id: "saved", seq: 41 },
  });
  dispatch(h.socket(), 42);
  h.socket().receive({ op: 0, s: 43, t: "RESUMED", d: null });
  await connected;
  assert.deepEqual(h.dispatches.map((d) => d.sequence), [42, 43]);
  await h.shard.close();
});

Deno.test("Shard refuses to restore a session while it runs", async () => {
  const h = await readyHarness();
  assert.throws(
    () => h.shard.restore({ sessionId: "other", sequence: 5 }),
    /Cannot restore a session as shard 0 is running: current status 'ready'/,
  );
  assert.equal(h.shard.sessionId, "session-1");
  assert.equal(h.shard.sequence, 1);
  await h.shard.close();
});

Deno.test("Shard never shows the token", async () => {
  const h = await readyHarness();
  assert.ok(!Deno.inspect(h.shard).includes(TOKEN));
  assert.ok(!Deno.inspect(h.shard, { showHidden: true }).includes(TOKEN));
  assert.ok(!JSON.stringify(h.shard).includes(TOKEN));
  h.socket().serverClose(4004);
  assert.ok(!h.errors[0]!.message.includes(TOKEN));
  assert.ok(!String(h.errors[0]!.stack).includes(TOKEN));
});

Deno.test("Shard rejects bad options with clear errors", async (t) => {
  const base = { token: "t", intents: 1 };
  const rows: [
    string,
    Record<string, unknown>,
    RegExpConstructor | TypeErrorConstructor | RangeErrorConstructor,
    RegExp,
  ][] = [
    [
      "empty token",
      { token: "" },
      TypeError,
      /'token' must be a non-empty string/,
    ],
    [
      "undocumented intent",
      { intents: 1 << 17 },
      RangeError,
      /'intents=131072'/,
    ],
    [
      "intents given as a string",
      { intents: "513" as never },
      TypeError,
      /'intents="513"'/,
    ],
    [
      "shardId too large",
      { shardId: 3, shardCount: 2 },
      RangeError,
      /'shardId=3', 'shardCount=2'/,
    ],
    [
      "shardId equal to shardCount",
      { shardId: 2, shardCount: 2 },
      RangeError,
      /'shardId=2', 'shardCount=2'/,
    ],
    ["shardCount zero", { shardCount: 0 }, RangeError, /'shardCount=0'/],
    [
      "large threshold",
      { largeThreshold: 251 },
      RangeError,
      /'largeThreshold=251'/,
    ],
    ["compress", { compress: "gzip" }, RangeError, /'compress=gzip'/],
    [
      "gateway URL",
      { gatewayUrl: "https://x" },
      TypeError,
      /'gatewayUrl=https:\/\/x'/,
    ],
    [
      "scheduler without methods",
      { scheduler: {} },
      TypeError,
      /'scheduler' must be a Scheduler \(now, setTimeout and clearTimeout functions\): current value 'scheduler=object'/,
    ],
    [
      "identify queue without acquire",
      { identifyQueue: { acquire: 1 } },
      TypeError,
      /'identifyQueue' must be an IdentifyQueue \(an acquire function\)/,
    ],
    ["identify queue null", { identifyQueue: null }, TypeError, /=null'/],
    [
      // Sent in IDENTIFY as is, Discord closed 4004: the shard stopped.
      "token with a newline inside",
      { token: "abc.def\nghi" },
      TypeError,
      /'token' must be the bot token, visible ASCII characters without spaces/,
    ],
    [
      // Ignored, it left the connect timeout at its default.
      "misspelt timeout",
      { timeouts: { conect: 5 } },
      TypeError,
      /^Cannot create shard as 'timeouts\.conect' is not one of its options \(did you mean 'timeouts\.connect'\?\)$/,
    ],
    [
      // Ignored, the shard identified as shard 0 of 1.
      "misspelt option",
      { shardid: 3 },
      TypeError,
      /^Cannot create shard as 'shardid' is not one of its options \(did you mean 'shardId'\?\)$/,
    ],
    [
      "timeouts as an array",
      { timeouts: [] },
      TypeError,
      /'timeouts' must be an object/,
    ],
  ];
  for (const [name, override, type, message] of rows) {
    await t.step(name, () => {
      assert.throws(
        () => new Shard({ ...base, ...override } as never),
        (error: unknown) =>
          error instanceof type && message.test((error as Error).message),
      );
    });
  }
});

Deno.test("Shard logs through LogTape and never logs the token", async () => {
  const { configure, reset } = await import("@logtape/logtape");
  const lines: string[] = [];
  await configure({
    sinks: {
      capture: (record) =>
        lines.push(
          `${record.category.join(".")} ${record.level} ${
            record.message.map((part) =>
              typeof part === "string" ? part : Deno.inspect(part)
            ).join("")
          } ${Deno.inspect(record.properties)}`,
        ),
    },
    loggers: [
      { category: ["disruption"], sinks: ["capture"], lowestLevel: "debug" },
      { category: ["logtape", "meta"], sinks: [], lowestLevel: "warning" },
    ],
  });
  try {
    const h = await readyHarness();
    h.socket().receive({ op: 7, d: null });
    await h.scheduler.advance(0);
    hello(h.socket());
    await h.settle();
    h.socket().serverClose(4004);
    assert.ok(lines.some((line) => line.includes("disruption.gateway.shard")));
    assert.ok(lines.some((line) => /4004/.test(line)));
    for (const line of lines) assert.ok(!line.includes(TOKEN), line);
  } finally {
    await reset();
  }
});
