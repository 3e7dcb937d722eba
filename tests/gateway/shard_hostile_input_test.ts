// A hostile or broken gateway: malformed payloads, bad resume URLs, floods
// and odd numbers must give a typed `decode` error and a resume, or a logged
// skip; never an exception out of the socket listener or a timer.
import assert from "node:assert/strict";
import { Shard } from "../../gateway/shard.ts";
import { GatewayError } from "../../gateway/errors.ts";
import { ShardManager } from "../../gateway/shard_manager.ts";
import { MemorySessionStore } from "../../gateway/session_store.ts";
import { FakeTransport } from "../../testing/fake_socket.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import {
  createHarness,
  dispatch,
  GATEWAY_URL,
  type Harness,
  hello,
  INTERVAL,
  ready,
  readyHarness,
  readyManualHarness,
  RESUME_URL,
  sentOps,
  TOKEN,
} from "../_fakes/shard_harness.ts";
import { runUntil } from "../_fakes/run_until.ts";

const MAIN_AT = `${GATEWAY_URL}/?v=10&encoding=json`;
const RESUME_AT = `${RESUME_URL}/?v=10&encoding=json`;

/** Close the current connection resumably and let the reconnect start. */
async function reconnect(h: Harness): Promise<void> {
  const count = h.transport.sockets.length;
  h.socket().serverClose(4000);
  await runUntil(h.scheduler, () => h.transport.sockets.length !== count);
}

Deno.test("Shard ignores a READY resume_gateway_url that is not usable and resumes on the main URL", async (t) => {
  const rows: [string, unknown][] = [
    ["not a URL", "not a url"],
    ["a number", 42],
    ["null", null],
    ["absent", undefined],
    ["an http URL", "https://resume.gateway.test"],
    ["a cleartext downgrade from wss", "ws://resume.gateway.test"],
    ["a URL without a host", "wss://"],
    // 70 KB: kept, it failed a Deno KV commit of every shard's session.
    ["a URL over 2,048 characters", `wss://${"a".repeat(2_043)}.test`],
  ];
  for (const [name, resumeUrl] of rows) {
    await t.step(name, async () => {
      const h = createHarness();
      const connected = h.shard.connect();
      await h.settle();
      hello(h.socket());
      await h.settle();
      h.socket().receive({
        op: 0,
        s: 1,
        t: "READY",
        d: { session_id: "s-1", resume_gateway_url: resumeUrl },
      });
      await connected;
      assert.equal(h.shard.resumeUrl, undefined);
      await reconnect(h);
      assert.equal(h.socket().url, MAIN_AT);
      hello(h.socket());
      await h.settle();
      assert.deepEqual(sentOps(h.socket()), [6], "resumes on the main URL");
      await h.shard.close();
    });
  }
});

Deno.test("Shard drops a resume URL's fragment, which the runtime's WebSocket refuses to open", async () => {
  const h = createHarness();
  const connected = h.shard.connect();
  await h.settle();
  hello(h.socket());
  await h.settle();
  h.socket().receive({
    op: 0,
    s: 1,
    t: "READY",
    d: { session_id: "s-1", resume_gateway_url: `${RESUME_URL}/#x` },
  });
  await connected;
  await reconnect(h);
  // `new WebSocket(url)` throws a SyntaxError for any URL with a fragment.
  assert.equal(h.socket().url, RESUME_AT);
  await h.shard.close();
});

Deno.test("Shard accepts a ws: resume URL only when its gateway URL is ws:", async () => {
  const h = createHarness({ gatewayUrl: "ws://127.0.0.1:1" });
  const connected = h.shard.connect();
  await h.settle();
  hello(h.socket());
  await h.settle();
  ready(h.socket(), 1, "s-2", "ws://127.0.0.1:2");
  await connected;
  assert.equal(h.shard.resumeUrl, "ws://127.0.0.1:2");
  await h.shard.close();
});

Deno.test("Shard validates a restored session's resume URL and resumes on the main URL", async () => {
  const h = createHarness({
    session: { sessionId: "saved", sequence: 7, resumeUrl: "not a url" },
  });
  assert.equal(h.shard.resumeUrl, undefined);
  h.shard.restore({
    sessionId: "saved",
    sequence: 7,
    resumeUrl: "ws://downgrade.test",
  });
  assert.equal(h.shard.resumeUrl, undefined);
  assert.throws(
    () => h.shard.restore({ sessionId: "", sequence: 7 }),
    TypeError,
  );
  assert.throws(
    () => h.shard.restore({ sessionId: "a", sequence: 1.5 }),
    /'sequence' must be a non-negative integer/,
  );
  const connected = h.shard.connect();
  await h.settle();
  assert.equal(h.socket().url, MAIN_AT);
  hello(h.socket());
  await h.settle();
  assert.deepEqual(h.socket().sentPayloads()[0], {
    op: 6,
    d: { token: TOKEN, session_id: "saved", seq: 7 },
  });
  h.socket().receive({ op: 0, s: 8, t: "RESUMED", d: null });
  await connected;
  await h.shard.close();
});

Deno.test("ShardManager starts from a saved session whose resume URL is not a URL", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const transport = new FakeTransport();
  const store = new MemorySessionStore([{
    shardId: 0,
    shardCount: 1,
    sessionId: "saved",
    sequence: 3,
    resumeUrl: "not a url",
    savedAt: 1_000_000,
  }]);
  const manager = new ShardManager({
    token: TOKEN,
    intents: 1,
    shardCount: 1,
    gatewayUrl: GATEWAY_URL,
    transport: transport.connect,
    scheduler,
    sessionStore: store,
  });
  const started = manager.start();
  await scheduler.flushMicrotasks();
  const socket = transport.last!;
  assert.equal(socket.url, MAIN_AT);
  hello(socket);
  await scheduler.flushMicrotasks();
  assert.deepEqual(socket.sentPayloads().map((p) => p.op), [6]);
  socket.receive({ op: 0, s: 4, t: "RESUMED", d: null });
  await started;
  await manager.close();
});

Deno.test("Shard treats a malformed HELLO or READY as a decode error and recovers", async (t) => {
  const rows: [string, unknown][] = [
    ["HELLO without d", '{"op":10}'],
    ["HELLO with d null", { op: 10, d: null }],
    ["HELLO interval 1e999", '{"op":10,"d":{"heartbeat_interval":1e999}}'],
    ["HELLO interval 1e12", { op: 10, d: { heartbeat_interval: 1e12 } }],
    ["HELLO interval 0.001", { op: 10, d: { heartbeat_interval: 0.001 } }],
    ["HELLO interval 999", { op: 10, d: { heartbeat_interval: 999 } }],
    ["HELLO interval a string", {
      op: 10,
      d: { heartbeat_interval: "41250" },
    }],
    ["READY without d", '{"op":0,"s":1,"t":"READY"}'],
    ["READY with d null", { op: 0, s: 1, t: "READY", d: null }],
    ["READY with d an array", { op: 0, s: 1, t: "READY", d: [] }],
    ["READY with a numeric session_id", {
      op: 0,
      s: 1,
      t: "READY",
      d: { session_id: 5, resume_gateway_url: RESUME_URL },
    }],
    // Every RESUME would pass 4,096 bytes, and a session store refuse it.
    ["READY with a session_id over 512 characters", {
      op: 0,
      s: 1,
      t: "READY",
      d: { session_id: "s".repeat(513), resume_gateway_url: RESUME_URL },
    }],
  ];
  for (const [name, frame] of rows) {
    await t.step(name, async () => {
      const h = createHarness();
      h.shard.connect().catch(() => {});
      await h.settle();
      const isHello = name.startsWith("HELLO");
      if (!isHello) {
        hello(h.socket());
        await h.settle();
      }
      const sockets = h.transport.sockets.length;
      // Before the fix these threw out of the socket listener.
      h.socket().receive(
        typeof frame === "string" ? frame : JSON.stringify(frame),
      );
      assert.equal(h.errors.length, 1);
      assert.equal(h.errors[0]!.kind, "decode");
      assert.equal(h.shard.sessionId, undefined);
      await h.scheduler.advance(1000);
      assert.equal(h.transport.sockets.length, sockets + 1, "reconnected");
      hello(h.socket());
      // The identify queue spaces IDENTIFYs 5 s apart; READY answers one.
      await h.scheduler.advance(5_000);
      assert.deepEqual(sentOps(h.socket()), [2]);
      ready(h.socket());
      assert.equal(h.shard.status, "ready");
      assert.equal(h.scheduler.pending > 0, true);
      await h.shard.close();
    });
  }
});

Deno.test("Shard accepts HELLO intervals from 1 s to 1 h", async () => {
  for (const interval of [1_000, 3_600_000]) {
    const h = createHarness();
    h.shard.connect().catch(() => {});
    await h.settle();
    hello(h.socket(), interval);
    await h.settle();
    assert.deepEqual(h.errors, []);
    assert.deepEqual(sentOps(h.socket()), [2]);
    await h.shard.close();
  }
});

Deno.test("Shard accepts only safe non-negative integer sequences, the same way peeked or parsed", async (t) => {
  const bad = ["1e999", "9007199254740993", "2.5", "-1", '"7"', "true"];
  for (const filtered of [false, true]) {
    for (const s of bad) {
      await t.step(`s ${s}, ${filtered ? "peeked" : "parsed"}`, async () => {
        const h = await readyHarness({ recordDispatches: false });
        const seen: number[] = [];
        h.shard.on(
          "dispatch",
          (event) => seen.push(event.sequence),
          filtered ? { events: ["MESSAGE_CREATE"] } : {},
        );
        dispatch(h.socket(), 2);
        h.socket().receive(
          `{"t":"MESSAGE_CREATE","s":${s},"op":0,"d":{"id":"x"}}`,
        );
        assert.equal(h.errors.at(-1)?.kind, "decode", "a decode error");
        assert.equal(h.shard.sequence, 2, "the sequence is unchanged");
        await h.scheduler.advance(0);
        hello(h.socket());
        await h.settle();
        assert.equal(
          (h.socket().sentPayloads()[0]!.d as { seq: number }).seq,
          2,
          "resumes from the last good sequence",
        );
        dispatch(h.socket(), 3);
        h.socket().receive({ op: 0, s: 4, t: "RESUMED", d: null });
        dispatch(h.socket(), 5);
        assert.deepEqual(seen, filtered ? [2, 3, 5] : [2, 3, 4, 5]);
        await h.shard.close();
      });
    }
  }
  await t.step("s repeated after d reads as JSON.parse reads it", async () => {
    for (const filtered of [false, true]) {
      const h = await readyHarness({ recordDispatches: false });
      const seen: number[] = [];
      h.shard.on(
        "dispatch",
        (event) => seen.push(event.sequence),
        filtered ? { events: ["OTHER"] } : {},
      );
      h.socket().receive('{"t":"MESSAGE_CREATE","s":2,"op":0,"d":{},"s":9}');
      assert.equal(h.shard.sequence, 9, filtered ? "peeked" : "parsed");
      await h.shard.close();
    }
  });
});

Deno.test("Shard logs and counts a sequence that skips, and drops one that goes back", async () => {
  const h = await readyHarness();
  dispatch(h.socket(), 2);
  dispatch(h.socket(), 5);
  dispatch(h.socket(), 4);
  dispatch(h.socket(), 6);
  dispatch(h.socket(), 10);
  assert.deepEqual(h.dispatches.map((d) => d.sequence), [1, 2, 5, 6, 10]);
  assert.equal(h.shard.sequenceSkips, 2);
  await h.shard.close();
});

Deno.test("Shard answers an op 1 flood with one heartbeat", async () => {
  const h = await readyHarness();
  const before = sentOps(h.socket()).filter((op) => op === 1).length;
  for (let i = 0; i < 1000; i++) h.socket().receive({ op: 1, d: null });
  const heartbeats = (): number =>
    sentOps(h.socket()).filter((op) => op === 1).length - before;
  assert.equal(heartbeats(), 1);
  h.socket().receive({ op: 11, d: null });
  // Acknowledged, but within the same interval: still that one answer.
  for (let i = 0; i < 1000; i++) h.socket().receive({ op: 1, d: null });
  assert.equal(heartbeats(), 1);
  assert.equal(h.shard.status, "ready");
  await h.shard.close();
});

Deno.test("Shard answers one op 1 per heartbeat interval even when the server ACKs each at once", async () => {
  const h = await readyHarness();
  const before = sentOps(h.socket()).filter((op) => op === 1).length;
  const heartbeats = (): number =>
    sentOps(h.socket()).filter((op) => op === 1).length - before;
  // An ACK after every request would clear "one in flight" each time.
  for (let i = 0; i < 1000; i++) {
    h.socket().receive({ op: 1, d: null });
    h.socket().receive({ op: 11, d: null });
  }
  assert.equal(heartbeats(), 1);
  // Nor 2 s later: the spacing is the interval (41.25 s), not the 2 s floor.
  await h.scheduler.advance(2_000);
  h.socket().receive({ op: 1, d: null });
  assert.equal(heartbeats(), 1);
  // A request a whole interval later is answered again.
  await h.scheduler.advance(INTERVAL - 2_000);
  h.socket().receive({ op: 11, d: null });
  const afterTick = heartbeats();
  h.socket().receive({ op: 1, d: null });
  assert.equal(heartbeats(), afterTick + 1);
  assert.equal(h.shard.status, "ready");
  await h.shard.close();
});

Deno.test("Shard answers an op 1 that comes while its own heartbeat waits for an ACK", async () => {
  // Discord asks when it has not heard the heartbeat: the one in flight may
  // be the lost one, so the request is answered all the same (gateway.mdx,
  // "Heartbeat Requests": send one back immediately).
  const h = await readyHarness();
  const heartbeats = (): number =>
    sentOps(h.socket()).filter((op) => op === 1).length;
  await h.scheduler.advance(INTERVAL);
  const afterTick = heartbeats();
  h.socket().receive({ op: 1, d: null });
  assert.equal(heartbeats(), afterTick + 1);
  assert.equal(h.shard.status, "ready");
  await h.shard.close();
});

Deno.test("Shard measures latency from the heartbeat an ACK answers, not from an op 1 answered while it waited", async () => {
  const h = await readyHarness();
  await h.scheduler.advance(INTERVAL); // the shard's own heartbeat goes out
  await h.scheduler.advance(900);
  h.socket().receive({ op: 1, d: null }); // answered while the first waits
  await h.scheduler.advance(100);
  h.socket().receive({ op: 11, d: null });
  assert.ok(h.shard.latency! >= 1_000, `latency ${h.shard.latency}`);
  await h.shard.close();
});

/** Connection times while a server answers every RESUMED with `frame`. */
async function reconnectTimes(
  frame: { op: number; d: unknown },
): Promise<number[]> {
  const h = await readyHarness();
  h.socket().serverClose(4000);
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const count = h.transport.sockets.length;
    await runUntil(h.scheduler, () => h.transport.sockets.length !== count);
    times.push(h.scheduler.now());
    hello(h.socket(), INTERVAL);
    await h.settle();
    h.socket().receive({ op: 0, s: 2 + i, t: "RESUMED", d: null });
    h.socket().receive(frame);
  }
  await h.shard.close();
  return times.slice(1).map((time, i) => time - times[i]!);
}

Deno.test("Shard backs off with growing delay when every RESUMED is followed by op 7 or op 9 d:true", async (t) => {
  for (const frame of [{ op: 7, d: null }, { op: 9, d: true }]) {
    await t.step(`op ${frame.op}`, async () => {
      assert.deepEqual(await reconnectTimes(frame), [
        1000,
        2000,
        4000,
        8000,
        16000,
        32000,
      ]);
    });
  }
});

Deno.test("Shard refuses READY or RESUMED before HELLO: no heartbeat-less 'ready', no instant reconnect loop", async (t) => {
  for (const name of ["READY", "RESUMED"]) {
    await t.step(name, async () => {
      const h = await readyHarness();
      const errors: string[] = [];
      h.shard.on("error", (error) => errors.push(error.kind));
      h.socket().serverClose(4000);
      const times: number[] = [];
      for (let i = 0; i < 6; i++) {
        const count = h.transport.sockets.length;
        await runUntil(h.scheduler, () => h.transport.sockets.length !== count);
        times.push(h.scheduler.now());
        // No HELLO: the session "completes" at once, then op 7.
        h.socket().receive({
          op: 0,
          s: 2 + i,
          t: name,
          d: { session_id: "s-x", resume_gateway_url: RESUME_URL },
        });
        assert.notEqual(h.shard.status, "ready");
        h.socket().receive({ op: 7, d: null });
      }
      const gaps = times.slice(1).map((time, i) => time - times[i]!);
      // Three failures at the resume URL probe the main URL, which answers,
      // and the resume URL is tried again at once: one hop with no wait.
      assert.ok(gaps.filter((gap) => gap < 1000).length <= 1, `${gaps}`);
      assert.ok(errors.includes("decode"));
      await h.shard.close();
    });
  }
});

Deno.test("Shard backs off from a server with a 1 s heartbeat that sends op 7 after every second of RESUMED", async () => {
  const h = await readyHarness();
  h.socket().serverClose(4000);
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const count = h.transport.sockets.length;
    await runUntil(h.scheduler, () => h.transport.sockets.length !== count);
    times.push(h.scheduler.now());
    hello(h.socket(), 1000);
    await h.settle();
    h.socket().receive({ op: 0, s: 2 + i, t: "RESUMED", d: null });
    // Up one whole (1 s) heartbeat interval, every heartbeat acknowledged.
    for (let tick = 0; tick < 2; tick++) {
      await h.scheduler.advance(500);
      h.socket().receive({ op: 11, d: null });
    }
    h.socket().receive({ op: 7, d: null });
  }
  const gaps = times.slice(1).map((time, i) => time - times[i]! - 1000);
  // One reconnect a second forever, unless uptime that short is not health.
  assert.ok(gaps.at(-1)! >= 16_000, `${gaps}`);
  await h.shard.close();
});

Deno.test("Shard reconnects at once after op 7 on a session that stayed up one heartbeat", async () => {
  const h = await readyHarness();
  for (let i = 0; i < 3; i++) {
    await h.scheduler.advance(INTERVAL);
    h.socket().receive({ op: 11, d: null });
    const count = h.transport.sockets.length;
    const at = h.scheduler.now();
    h.socket().receive({ op: 7, d: null });
    await runUntil(h.scheduler, () => h.transport.sockets.length !== count);
    assert.equal(h.scheduler.now(), at);
    hello(h.socket());
    await h.settle();
    h.socket().receive({ op: 0, s: 2 + i, t: "RESUMED", d: null });
  }
  await h.shard.close();
});

Deno.test("Shard waits 1 to 5 s after op 9 d:false, longer while it repeats", async () => {
  const rows: [random: number, first: number][] = [
    [0, 1000],
    [0.5, 3000],
    [0.999, 4996],
  ];
  for (const [random, first] of rows) {
    const h = createHarness({ random: () => random });
    h.shard.connect().catch(() => {});
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      await h.settle();
      hello(h.socket(), 100_000);
      await h.scheduler.advance(5000); // the identify queue
      const count = h.transport.sockets.length;
      const at = h.scheduler.now();
      h.socket().receive({ op: 9, d: false });
      await runUntil(h.scheduler, () => h.transport.sockets.length !== count);
      waits.push(h.scheduler.now() - at);
    }
    assert.equal(waits[0], first, `random ${random}`);
    assert.ok(waits[1]! >= 2000 && waits[1]! <= 10000, `${waits}`);
    assert.ok(waits[2]! > waits[1]! || waits[2] === 60000, `${waits}`);
    await h.shard.close();
  }
});

Deno.test("Shard keeps the resume URL through a 10 s outage of refused connects", async () => {
  const h = await readyManualHarness();
  await h.scheduler.advance(INTERVAL);
  h.socket().receive({ op: 11, d: null });
  const outageStart = h.scheduler.now();
  h.socket().drop();
  // Every connect during the outage is refused, whichever URL it tries.
  await runUntil(h.scheduler, () => {
    if (h.socket().state === "connecting") h.socket().refuse();
    return h.scheduler.now() - outageStart >= 10_000;
  });
  assert.ok(h.transport.sockets.length >= 5, "several attempts were made");
  const count = h.transport.sockets.length;
  if (h.socket().state === "closed") {
    await runUntil(h.scheduler, () => h.transport.sockets.length !== count);
  }
  // The outage is over: the next connect opens, on the resume URL.
  assert.equal(h.socket().url, RESUME_AT);
  assert.equal(h.shard.resumeUrl, RESUME_URL);
  h.socket().open();
  hello(h.socket());
  await h.settle();
  assert.deepEqual(h.socket().sentPayloads()[0], {
    op: 6,
    d: { token: TOKEN, session_id: "session-1", seq: 1 },
  });
  await h.shard.close();
});

Deno.test("Shard options: every numeric option is validated with its name", async (t) => {
  const base = { token: TOKEN, intents: 1 };
  const rows: [string, Record<string, unknown>, RegExp][] = [
    [
      "timeouts.connect NaN",
      { timeouts: { connect: NaN } },
      /'timeouts\.connect'/,
    ],
    [
      "timeouts.hello negative",
      { timeouts: { hello: -1 } },
      /'timeouts\.hello'/,
    ],
    ["timeouts.ready 0", { timeouts: { ready: 0 } }, /'timeouts\.ready'/],
    ["timeouts.close Infinity", {
      timeouts: { close: Infinity },
    }, /'timeouts\.close'/],
    ["timeouts.connect fractional", {
      timeouts: { connect: 1.5 },
    }, /'timeouts\.connect'/],
    ["timeouts.connect above 2^31 - 1", {
      timeouts: { connect: 2 ** 31 },
    }, /'timeouts\.connect'/],
    ["intents 1.5", { intents: 1.5 }, /'intents'/],
    ["shardCount NaN", { shardCount: NaN }, /'shardCount'/],
    ["largeThreshold NaN", { largeThreshold: NaN }, /'largeThreshold'/],
    ["random not a function", { random: 0.5 }, /'random'/],
    ["properties.os a number", {
      properties: { os: 1, browser: "b", device: "d" },
    }, /'properties'/],
    ["properties without device", {
      properties: { os: "linux", browser: "b" },
    }, /'properties'/],
    ["properties null", { properties: null }, /'properties'/],
  ];
  for (const [name, options, message] of rows) {
    await t.step(name, () => {
      assert.throws(() => new Shard({ ...base, ...options } as never), message);
    });
  }
});

Deno.test("Shard refuses at construction an IDENTIFY over 4096 bytes without a presence (a long token or properties): Discord's 4002 asks for a resume, and with no session it would identify again, forever", () => {
  const base = { token: TOKEN, intents: 1 };
  const long = { os: "linux", browser: "b".repeat(5_000), device: "d" };
  for (
    const options of [
      { properties: long },
      { token: "t".repeat(5_000) },
      // 1,400 three-byte characters: under 4096 characters, over the bytes.
      { properties: { ...long, browser: "€".repeat(1_400) } },
    ]
  ) {
    assert.throws(
      () => new Shard({ ...base, ...options }),
      (error: unknown) =>
        error instanceof GatewayError && error.kind === "payload_too_large" &&
        /IDENTIFY/.test(error.message),
    );
  }
  // Just under the limit is fine.
  new Shard({ ...base, properties: { ...long, browser: "b".repeat(3_800) } });
});

Deno.test("ShardManager options: every numeric option is validated with its name", async (t) => {
  const base = { token: TOKEN, intents: 1, shardCount: 2 };
  const rows: [string, Record<string, unknown>, RegExp][] = [
    // Refused by the manager itself, not left to the default queue.
    ["maxConcurrency 0", {
      maxConcurrency: 0,
    }, /Cannot create shard manager as 'maxConcurrency'/],
    ["maxConcurrency NaN", { maxConcurrency: NaN }, /'maxConcurrency'/],
    ["sessionSaveInterval -5", {
      sessionSaveInterval: -5,
    }, /'sessionSaveInterval'/],
    ["sessionSaveInterval NaN", {
      sessionSaveInterval: NaN,
    }, /'sessionSaveInterval'/],
    // 0 would save the sessions in a loop, with no pause between saves.
    ["sessionSaveInterval 0", {
      sessionSaveInterval: 0,
    }, /'sessionSaveInterval'/],
    ["shardIds with a fraction", { shardIds: [0.5] }, /'shardIds\[\]'/],
    ["shardIds past the count", {
      shardIds: [2],
    }, /Cannot create shard manager as 'shardIds\[\]'/],
    // The bounds are inclusive: 65,536 ids pass the length check (to be
    // refused for the repeats), and a count of 65,536 the count check (to
    // be refused for the 'maxConcurrency' checked after it).
    ["65,536 shardIds", {
      shardCount: 100_000,
      shardIds: Array.from({ length: 65_536 }, () => 0),
    }, /'shardIds' must not repeat/],
    ["shardCount 65,536", {
      shardCount: 65_536,
      maxConcurrency: 0,
    }, /Cannot create shard manager as 'maxConcurrency'/],
    ["timeouts.ready NaN", { timeouts: { ready: NaN } }, /'timeouts\.ready'/],
    ["shardCount 1.5", { shardCount: 1.5 }, /'shardCount'/],
  ];
  for (const [name, options, message] of rows) {
    await t.step(name, () => {
      assert.throws(
        () => new ShardManager({ ...base, ...options } as never),
        message,
      );
    });
  }
});

Deno.test("Shard fails a members request on a malformed chunk or RATE_LIMITED instead of looping", async (t) => {
  const guild = "81384788765712384";
  const rows: [string, string][] = [
    [
      "chunk_count not a number",
      `{"op":0,"s":2,"t":"GUILD_MEMBERS_CHUNK","d":{"guild_id":"${guild}","members":[],"chunk_index":0,"chunk_count":"many","nonce":"n1"}}`,
    ],
    [
      "chunk_count 1e999",
      `{"op":0,"s":2,"t":"GUILD_MEMBERS_CHUNK","d":{"guild_id":"${guild}","members":[],"chunk_index":0,"chunk_count":1e999,"nonce":"n1"}}`,
    ],
    [
      "retry_after missing",
      `{"op":0,"s":2,"t":"RATE_LIMITED","d":{"opcode":8,"meta":{"guild_id":"${guild}","nonce":"n1"}}}`,
    ],
    [
      "retry_after 1e999",
      `{"op":0,"s":2,"t":"RATE_LIMITED","d":{"opcode":8,"retry_after":1e999,"meta":{"guild_id":"${guild}","nonce":"n1"}}}`,
    ],
  ];
  for (const [name, frame] of rows) {
    await t.step(name, async () => {
      // GUILD_MEMBERS (2) besides the harness's intents: the whole list.
      const h = await readyHarness({ intents: 513 | 2 });
      const chunks = h.shard.requestGuildMembers({
        guild_id: guild,
        query: "",
        limit: 0,
        nonce: "n1",
      });
      const next = chunks.next();
      await h.settle();
      // Payloads that are not for this request, or not objects, are ignored.
      h.socket().receive(
        '{"op":0,"s":2,"t":"GUILD_MEMBERS_CHUNK","d":null}',
      );
      h.socket().receive(frame.replace('"s":2', '"s":3'));
      await assert.rejects(next, { name: "GatewayError", kind: "decode" });
      const sent = sentOps(h.socket()).filter((op) => op === 8).length;
      await h.scheduler.advance(60_000);
      assert.equal(
        sentOps(h.socket()).filter((op) => op === 8).length,
        sent,
        "not sent again",
      );
      assert.equal(h.shard.status, "ready");
      await h.shard.close();
    });
  }
});

Deno.test("Shard keeps retrying with backoff when the transport throws, never throwing out of a timer", async () => {
  const scheduler = new VirtualScheduler();
  let calls = 0;
  const shard = new Shard({
    token: TOKEN,
    intents: 1,
    gatewayUrl: GATEWAY_URL,
    scheduler,
    random: () => 0.5,
    transport: () => {
      calls++;
      throw new Error("the runtime refused to open a socket");
    },
  });
  shard.connect().catch(() => {});
  // A throw out of a timer would reject advance().
  await scheduler.advance(200_000);
  assert.ok(calls >= 9, `${calls} attempts`);
  assert.equal(shard.status, "reconnecting");
  await shard.close();
  assert.equal(scheduler.pending, 0);
});

Deno.test("Shard resumes on the main URL when the runtime may not reach the resume URL's host", async () => {
  const scheduler = new VirtualScheduler();
  const fake = new FakeTransport();
  const errors: string[] = [];
  const shard = new Shard({
    token: TOKEN,
    intents: 1,
    gatewayUrl: GATEWAY_URL,
    scheduler,
    random: () => 0.5,
    // As `--allow-net=<main host>` would: the resume host is denied.
    transport: (url, listener) => {
      if (url.startsWith(RESUME_URL)) {
        throw new Deno.errors.NotCapable("Requires net access");
      }
      return fake.connect(url, listener);
    },
  });
  shard.on("error", (error) => errors.push(error.kind));
  const connected = shard.connect();
  await scheduler.flushMicrotasks();
  hello(fake.last!);
  await scheduler.flushMicrotasks();
  ready(fake.last!);
  await connected;
  fake.last!.serverClose(4000);
  await runUntil(scheduler, () => fake.sockets.length === 2);
  assert.deepEqual(errors, ["permission_denied"]);
  assert.notEqual(shard.status, "closed", "not stopped");
  assert.equal(fake.last!.url, MAIN_AT);
  assert.equal(shard.resumeUrl, undefined);
  hello(fake.last!);
  await scheduler.flushMicrotasks();
  assert.deepEqual(sentOps(fake.last!), [6], "resumes, on the main URL");
  await shard.close();
});

Deno.test("Shard sends the token as REST does: without surrounding whitespace or a 'Bot ' prefix; a blank one is refused", async () => {
  for (const given of [`${TOKEN}\n`, ` ${TOKEN}\r\n`, `Bot ${TOKEN}`]) {
    const h = await readyHarness({ token: given });
    const identify = h.socket().sentPayloads().find((p) => p.op === 2) as {
      d: { token: string };
    };
    assert.equal(identify.d.token, TOKEN, JSON.stringify(given));
    await h.shard.close();
  }
  for (const blank of ["", " ", "\n"]) {
    assert.throws(
      () => new Shard({ token: blank, intents: 1 }),
      /'token' must be a non-empty string/,
    );
  }
});
