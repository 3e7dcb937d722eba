import assert from "node:assert/strict";
import zlib from "node:zlib";
import { GatewayCloseCodes, GatewayOpcodes } from "discord-api-types/v10";
import {
  FakeGateway,
  type FakeGatewayOptions,
} from "../../testing/fake_gateway.ts";
import {
  createStreamCompressor,
  endsWithSuffix,
  splitZlibPayload,
} from "../../testing/_compressor.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { GatewaySocket } from "../../gateway/transport.ts";
import { GatewayIntent } from "../../types/intents.ts";

// deno-lint-ignore no-explicit-any
type Payload = { op: number; d: any; s?: number | null; t?: string | null };

const TOKEN = "fake-token";
const PROPERTIES = { os: "linux", browser: "test", device: "test" };

/** A client driven by hand: raw frames in, raw JSON out. */
class Client {
  readonly socket: GatewaySocket;
  readonly frames: (string | Uint8Array)[] = [];
  opened = false;
  errors = 0;
  closed: { code: number; reason: string } | undefined;

  constructor(gateway: FakeGateway, url: string) {
    this.socket = gateway.transport(url, {
      onOpen: () => this.opened = true,
      onMessage: (data) => this.frames.push(data),
      onClose: (code, reason) => this.closed = { code, reason },
      onError: () => this.errors++,
    });
  }

  /** The close code, once closed. */
  get closeCode(): number | undefined {
    return this.closed?.code;
  }

  /** Text frames, parsed. */
  get payloads(): Payload[] {
    return this.frames.filter((f) => typeof f === "string").map((f) =>
      JSON.parse(f as string)
    );
  }

  /** `t` for dispatches, `op` otherwise. */
  get names(): (string | number)[] {
    return this.payloads.map((p) => p.t ?? p.op);
  }

  dispatches(t?: string): Payload[] {
    return this.payloads.filter((p) => p.op === 0 && (!t || p.t === t));
  }

  last(): Payload {
    return this.payloads.at(-1)!;
  }

  send(payload: unknown): void {
    this.socket.send(
      typeof payload === "string" ? payload : JSON.stringify(payload),
    );
  }

  identify(d: Record<string, unknown> = {}): void {
    this.send({
      op: 2,
      d: { token: TOKEN, intents: 513, properties: PROPERTIES, ...d },
    });
  }

  resume(sessionId: string, seq: number, token = TOKEN): void {
    this.send({ op: 6, d: { token, session_id: sessionId, seq } });
  }

  heartbeat(seq: number | null = null): void {
    this.send({ op: 1, d: seq });
  }
}

interface Setup {
  scheduler: VirtualScheduler;
  gateway: FakeGateway;
  connect(query?: string, kind?: "main" | "resume"): Promise<Client>;
  settle(): Promise<void>;
}

function setup(options: FakeGatewayOptions = {}): Setup {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, ...options });
  const settle = () => scheduler.flushMicrotasks();
  return {
    scheduler,
    gateway,
    settle,
    async connect(
      query = "v=10&encoding=json",
      kind = "main",
    ): Promise<Client> {
      const base = kind === "main" ? gateway.url : gateway.resumeUrl;
      const client = new Client(gateway, `${base}/?${query}`);
      await settle();
      return client;
    },
  };
}

/** Connect and identify; returns the client after READY and GUILD_CREATEs. */
async function ready(
  s: Setup,
  d: Record<string, unknown> = {},
): Promise<{ client: Client; sessionId: string }> {
  const client = await s.connect();
  client.identify(d);
  await s.settle();
  const readyPayload = client.dispatches("READY")[0];
  assert.ok(readyPayload, `no READY; got ${JSON.stringify(client.names)}`);
  return { client, sessionId: readyPayload.d.session_id };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

// --- connection -------------------------------------------------------------

Deno.test("FakeGateway sends HELLO at once as a text frame", async () => {
  const s = setup({ heartbeatInterval: 45_000 });
  const client = await s.connect();
  assert.equal(client.opened, true);
  assert.equal(typeof client.frames[0], "string");
  assert.deepEqual(client.payloads, [{
    op: GatewayOpcodes.Hello,
    d: { heartbeat_interval: 45_000 },
    s: null,
    t: null,
  }]);
  s.gateway.close();
});

Deno.test("FakeGateway validates the query when the socket opens", async (t) => {
  const rows: [string, number | null][] = [
    ["encoding=json", GatewayCloseCodes.InvalidAPIVersion],
    ["v=8&encoding=json", GatewayCloseCodes.InvalidAPIVersion],
    ["v=6&encoding=json", GatewayCloseCodes.InvalidAPIVersion],
    ["v=10.5&encoding=json", GatewayCloseCodes.InvalidAPIVersion],
    ["v=ten&encoding=json", GatewayCloseCodes.InvalidAPIVersion],
    ["v=10&encoding=etf", GatewayCloseCodes.DecodeError],
    ["v=10&encoding=xml", GatewayCloseCodes.DecodeError],
    ["v=10&encoding=json&compress=gzip", GatewayCloseCodes.DecodeError],
    ["v=10&encoding=json", null],
    ["v=9&encoding=json", null],
    ["v=10", null],
    ["v=10&encoding=json&compress=zlib-stream", null],
    ["v=10&encoding=json&compress=zstd-stream", null],
  ];
  for (const [query, code] of rows) {
    await t.step(`${query} -> ${code ?? "HELLO"}`, async () => {
      const s = setup();
      const client = await s.connect(query);
      assert.equal(client.opened, true);
      if (code === null) {
        assert.equal(client.closed, undefined);
        assert.equal(client.frames.length, 1);
      } else {
        assert.equal(client.closeCode, code);
        assert.equal(client.frames.length, 0, "no HELLO before the close");
      }
      s.gateway.close();
    });
  }
});

Deno.test("FakeGateway refuses URLs it does not serve", async () => {
  const s = setup();
  const client = new Client(s.gateway, "wss://elsewhere.example/?v=10");
  await s.settle();
  assert.equal(client.opened, false);
  assert.equal(client.closeCode, 1006);
  assert.equal(s.gateway.counters.refused, 1);
  assert.equal(s.gateway.log[0]?.type, "refuse");
  s.gateway.close();
});

Deno.test("FakeGateway accepts the URL with or without a trailing slash", async () => {
  const s = setup();
  const a = new Client(s.gateway, `${s.gateway.url}?v=10&encoding=json`);
  const b = new Client(s.gateway, `${s.gateway.resumeUrl}/?v=10&encoding=json`);
  await s.settle();
  assert.equal(a.frames.length, 1);
  assert.equal(b.frames.length, 1);
  assert.deepEqual(s.gateway.connections.map((c) => c.kind), [
    "main",
    "resume",
  ]);
  s.gateway.close();
});

Deno.test("FakeGateway never answers inside the client's send()", async () => {
  const s = setup();
  const client = await s.connect();
  const before = client.frames.length;
  client.heartbeat();
  assert.equal(client.frames.length, before, "the ACK came synchronously");
  await s.settle();
  assert.equal(client.frames.length, before + 1);
  assert.equal(client.last().op, GatewayOpcodes.HeartbeatAck);
  s.gateway.close();
});

// --- before IDENTIFY ------------------------------------------------------------

Deno.test("FakeGateway acknowledges heartbeats before IDENTIFY", async () => {
  const s = setup();
  const client = await s.connect();
  client.heartbeat();
  client.heartbeat(null);
  await s.settle();
  assert.deepEqual(client.names, [10, 11, 11]);
  assert.deepEqual(client.last(), { op: 11, d: null, s: null, t: null });
  assert.equal(s.gateway.counters.heartbeatAcks, 2);
  s.gateway.close();
});

Deno.test("FakeGateway closes 4003 on a command before IDENTIFY", async (t) => {
  const commands: Payload[] = [
    {
      op: 3,
      d: { since: null, activities: [], status: "online", afk: false },
    },
    {
      op: 4,
      d: {
        guild_id: "1",
        channel_id: null,
        self_mute: false,
        self_deaf: false,
      },
    },
    { op: 8, d: { guild_id: "1", query: "", limit: 0 } },
    { op: 31, d: { guild_ids: ["1"] } },
    { op: 43, d: { guild_id: "1", fields: ["status"] } },
  ];
  for (const command of commands) {
    await t.step(`op ${command.op}`, async () => {
      const s = setup();
      const client = await s.connect();
      client.send(command);
      await s.settle();
      assert.equal(client.closeCode, GatewayCloseCodes.NotAuthenticated);
      s.gateway.close();
    });
  }
});

// --- decoding ---------------------------------------------------------------------

Deno.test("FakeGateway closes 4002 on frames it cannot decode", async (t) => {
  const rows: [string, string][] = [
    ["invalid JSON", "{op:1"],
    ["truncated JSON", '{"op":1,"d":'],
    ["a JSON array", "[1,2]"],
    ["a JSON number", "1"],
    ["JSON null", "null"],
    ["4097 bytes", JSON.stringify({ op: 1, d: null }).padEnd(4097, " ")],
  ];
  for (const [name, frame] of rows) {
    await t.step(name, async () => {
      const s = setup();
      const client = await s.connect();
      client.send(frame);
      await s.settle();
      assert.equal(client.closeCode, GatewayCloseCodes.DecodeError);
      s.gateway.close();
    });
  }
});

Deno.test("FakeGateway accepts a payload of exactly 4096 bytes", async () => {
  const s = setup();
  const client = await s.connect();
  const frame = JSON.stringify({ op: 1, d: null }).padEnd(4096, " ");
  assert.equal(new TextEncoder().encode(frame).byteLength, 4096);
  client.send(frame);
  await s.settle();
  assert.equal(client.closed, undefined);
  assert.equal(client.last().op, 11);
  s.gateway.close();
});

Deno.test("FakeGateway counts payload size in UTF-8 bytes", async () => {
  const s = setup();
  const client = await s.connect();
  // 2100 characters, 4200 bytes.
  client.send(JSON.stringify({ op: 1, d: null, x: "é".repeat(2100) }));
  await s.settle();
  assert.equal(client.closeCode, GatewayCloseCodes.DecodeError);
  s.gateway.close();
});

Deno.test("FakeGateway closes 4001 on unknown opcodes and malformed data", async (t) => {
  const rows: [string, unknown][] = [
    ["no op", { d: null }],
    ["string op", { op: "1", d: null }],
    ["op 5", { op: 5, d: null }],
    ["op 12", { op: 12, d: null }],
    ["op 0 from the client", { op: 0, d: null }],
    ["op 11 from the client", { op: 11, d: null }],
    ["op 99", { op: 99, d: null }],
    ["heartbeat with a string", { op: 1, d: "5" }],
    ["heartbeat with a negative seq", { op: 1, d: -1 }],
    ["IDENTIFY without d", { op: 2 }],
    ["IDENTIFY without token", {
      op: 2,
      d: { intents: 1, properties: PROPERTIES },
    }],
    ["IDENTIFY without properties", {
      op: 2,
      d: { token: TOKEN, intents: 1 },
    }],
    ["IDENTIFY with large_threshold 300", {
      op: 2,
      d: {
        token: TOKEN,
        intents: 1,
        properties: PROPERTIES,
        large_threshold: 300,
      },
    }],
    ["IDENTIFY with a bad presence", {
      op: 2,
      d: {
        token: TOKEN,
        intents: 1,
        properties: PROPERTIES,
        presence: { status: "banana", activities: [] },
      },
    }],
    ["RESUME without seq", {
      op: 6,
      d: { token: TOKEN, session_id: "x" },
    }],
    ["RESUME with a string seq", {
      op: 6,
      d: { token: TOKEN, session_id: "x", seq: "1" },
    }],
  ];
  for (const [name, payload] of rows) {
    await t.step(name, async () => {
      const s = setup();
      const client = await s.connect();
      client.send(payload);
      await s.settle();
      assert.equal(client.closeCode, GatewayCloseCodes.UnknownOpcode);
      s.gateway.close();
    });
  }
});

Deno.test("FakeGateway closes 4001 on malformed commands after READY", async (t) => {
  const rows: [string, Payload][] = [
    ["presence without status", { op: 3, d: { since: null, activities: [] } }],
    ["presence with a bad activity", {
      op: 3,
      d: { status: "online", activities: [{ name: "x", type: 9 }], afk: false },
    }],
    ["voice state without self_mute", {
      op: 4,
      d: { guild_id: "1", channel_id: null, self_deaf: false },
    }],
    ["members with both query and user_ids", {
      op: 8,
      d: { guild_id: "1", query: "", limit: 0, user_ids: ["2"] },
    }],
    ["members with neither", { op: 8, d: { guild_id: "1" } }],
    ["members with a query but no limit", {
      op: 8,
      d: { guild_id: "1", query: "a" },
    }],
    ["members with a numeric guild_id", {
      op: 8,
      d: { guild_id: 1, query: "", limit: 0 },
    }],
    ["soundboard without guild_ids", { op: 31, d: {} }],
    ["channel info with an unknown field", {
      op: 43,
      d: { guild_id: "1", fields: ["topic"] },
    }],
    ["channel info with no fields", {
      op: 43,
      d: { guild_id: "1", fields: [] },
    }],
  ];
  for (const [name, payload] of rows) {
    await t.step(name, async () => {
      const s = setup();
      const { client } = await ready(s);
      client.send(payload);
      await s.settle();
      assert.equal(client.closeCode, GatewayCloseCodes.UnknownOpcode);
      s.gateway.close();
    });
  }
});

// --- IDENTIFY ----------------------------------------------------------------------

Deno.test("FakeGateway answers IDENTIFY with READY and one GUILD_CREATE per guild", async () => {
  const s = setup({ guilds: 3, applicationId: "42" });
  const { client } = await ready(s, { shard: [0, 1] });
  assert.deepEqual(client.names, [
    10,
    "READY",
    "GUILD_CREATE",
    "GUILD_CREATE",
    "GUILD_CREATE",
  ]);
  const readyPayload = client.dispatches("READY")[0]!;
  assert.equal(readyPayload.s, 1);
  const d = readyPayload.d;
  assert.equal(d.v, 10);
  assert.equal(d.user.id, s.gateway.botUserId);
  assert.equal(d.user.bot, true);
  assert.deepEqual(
    d.guilds,
    s.gateway.guildIds.map((id) => ({ id, unavailable: true })),
  );
  assert.match(d.session_id, /^[0-9a-f]{32}$/);
  assert.equal(d.resume_gateway_url, s.gateway.resumeUrl);
  assert.notEqual(d.resume_gateway_url, s.gateway.url);
  assert.deepEqual(d.shard, [0, 1]);
  assert.deepEqual(d.application, { id: "42", flags: 0 });
  const creates = client.dispatches("GUILD_CREATE");
  assert.deepEqual(creates.map((p) => p.s), [2, 3, 4]);
  assert.deepEqual(creates.map((p) => p.d.id), s.gateway.guildIds);
  assert.equal(creates[0]!.d.unavailable, false);
  assert.ok(Array.isArray(creates[0]!.d.channels));
  assert.equal(s.gateway.counters.sessionStarts, 1);
  assert.equal(s.gateway.connections[0]!.state, "ready");
  s.gateway.close();
});

Deno.test("FakeGateway puts the API version in READY and leaves out an unsent shard", async () => {
  const s = setup();
  const client = await s.connect("v=9&encoding=json");
  client.identify();
  await s.settle();
  const d = client.dispatches("READY")[0]!.d;
  assert.equal(d.v, 9);
  assert.equal("shard" in d, false);
  s.gateway.close();
});

Deno.test("FakeGateway uses fresh session IDs", async () => {
  const s = setup({ maxConcurrency: 2 });
  const a = await ready(s, { shard: [0, 2] });
  const b = await ready(s, { shard: [1, 2] });
  assert.notEqual(a.sessionId, b.sessionId);
  s.gateway.close();
});

Deno.test("FakeGateway closes 4004 on a bad token", async () => {
  const s = setup();
  const client = await s.connect();
  client.identify({ token: "wrong" });
  await s.settle();
  assert.equal(client.closeCode, GatewayCloseCodes.AuthenticationFailed);
  const entry = s.gateway.log.find((e) => e.type === "identify");
  assert.equal(entry?.type === "identify" && entry.closeCode, 4004);
  s.gateway.close();
});

Deno.test("FakeGateway closes 4005 on IDENTIFY or RESUME after READY", async (t) => {
  for (const second of ["identify", "resume"] as const) {
    await t.step(second, async () => {
      const s = setup();
      const { client, sessionId } = await ready(s);
      if (second === "identify") client.identify();
      else client.resume(sessionId, 1);
      await s.settle();
      assert.equal(client.closeCode, GatewayCloseCodes.AlreadyAuthenticated);
      s.gateway.close();
    });
  }
});

Deno.test("FakeGateway closes 4010 on an invalid shard", async (t) => {
  const rows: [string, unknown][] = [
    ["[1, 1]", [1, 1]],
    ["[2, 2]", [2, 2]],
    ["[-1, 2]", [-1, 2]],
    ["[0, 0]", [0, 0]],
    ["[0]", [0]],
    ["[0, 1, 2]", [0, 1, 2]],
    ["[0.5, 2]", [0.5, 2]],
    ["a string", "0,1"],
    ["3 shards when the multiple is 2", [0, 3]],
  ];
  for (const [name, shard] of rows) {
    await t.step(name, async () => {
      const s = setup({ shardCountMultiple: 2 });
      const client = await s.connect();
      client.identify({ shard });
      await s.settle();
      assert.equal(client.closeCode, GatewayCloseCodes.InvalidShard);
      s.gateway.close();
    });
  }
  await t.step("null counts as no shard", async () => {
    const s = setup();
    const { client } = await ready(s, { shard: null, presence: null });
    assert.equal("shard" in client.dispatches("READY")[0]!.d, false);
    s.gateway.close();
  });
  await t.step("[1, 2] with the multiple 2 is fine", async () => {
    const s = setup({ shardCountMultiple: 2 });
    const { client } = await ready(s, { shard: [1, 2] });
    assert.equal(client.closed, undefined);
    s.gateway.close();
  });
});

Deno.test("FakeGateway closes 4011 when a shard would hold too many guilds", async () => {
  const s = setup({ guilds: 4, maxGuildsPerShard: 2, maxConcurrency: 2 });
  const client = await s.connect();
  client.identify();
  await s.settle();
  assert.equal(client.closeCode, GatewayCloseCodes.ShardingRequired);
  // Two shards hold two guilds each.
  const { client: sharded } = await ready(s, { shard: [0, 2] });
  assert.equal(sharded.dispatches("GUILD_CREATE").length, 2);
  s.gateway.close();
});

Deno.test("FakeGateway closes 4013 on invalid intents", async (t) => {
  const rows: [string, unknown][] = [
    ["bit 17", 1 << 17],
    ["bit 22", 1 << 22],
    ["bit 26", 1 << 26],
    ["negative", -1],
    ["fractional", 1.5],
    ["a string", "513"],
    ["missing", undefined],
  ];
  for (const [name, intents] of rows) {
    await t.step(name, async () => {
      const s = setup();
      const client = await s.connect();
      const d: Record<string, unknown> = {
        token: TOKEN,
        properties: PROPERTIES,
      };
      if (intents !== undefined) d.intents = intents;
      client.send({ op: 2, d });
      await s.settle();
      assert.equal(client.closeCode, GatewayCloseCodes.InvalidIntents);
      s.gateway.close();
    });
  }
  await t.step("every documented intent is fine", async () => {
    const s = setup();
    const { client } = await ready(s, { intents: 0x331ffff });
    assert.equal(client.closed, undefined);
    s.gateway.close();
  });
});

Deno.test("FakeGateway closes 4014 on privileged intents the token may not use", async (t) => {
  const tokens = {
    none: { privilegedIntents: 0 },
    members: { privilegedIntents: GatewayIntent.GuildMembers },
  };
  const rows: [string, number, number | null][] = [
    ["none", GatewayIntent.GuildMembers, 4014],
    ["none", GatewayIntent.GuildPresences, 4014],
    ["none", GatewayIntent.MessageContent | GatewayIntent.Guilds, 4014],
    ["none", GatewayIntent.Guilds | GatewayIntent.GuildMessages, null],
    ["members", GatewayIntent.GuildMembers, null],
    [
      "members",
      GatewayIntent.GuildMembers | GatewayIntent.MessageContent,
      4014,
    ],
  ];
  for (const [token, intents, code] of rows) {
    await t.step(`${token} with ${intents}`, async () => {
      const s = setup({ tokens });
      const client = await s.connect();
      client.identify({ token, intents });
      await s.settle();
      assert.equal(client.closeCode, code ?? undefined);
      if (code === null) assert.equal(client.dispatches("READY").length, 1);
      s.gateway.close();
    });
  }
});

Deno.test("FakeGateway answers IDENTIFY over max_concurrency with op 9 and keeps the socket", async () => {
  const s = setup();
  await ready(s, { shard: [0, 2] });
  const second = await s.connect();
  second.identify({ shard: [1, 2] });
  await s.settle();
  assert.deepEqual(second.last(), { op: 9, d: false, s: null, t: null });
  assert.equal(second.closed, undefined);
  assert.equal(s.gateway.connection(2)?.state, "handshaking");
  // The bucket frees up 5 s after the first IDENTIFY.
  await s.scheduler.advance(4_999);
  second.identify({ shard: [1, 2] });
  await s.settle();
  assert.equal(second.last().op, 9);
  await s.scheduler.advance(1);
  second.identify({ shard: [1, 2] });
  await s.settle();
  assert.equal(second.last().t, "READY");
  assert.equal(s.gateway.counters.sessionStarts, 2);
  assert.equal(s.gateway.counters.invalidSessions, 2);
  s.gateway.close();
});

Deno.test("FakeGateway keys the identify buckets by shard_id % max_concurrency", async () => {
  const s = setup({ maxConcurrency: 2 });
  const outcomes: (string | number)[] = [];
  for (const shardId of [0, 1, 2, 3]) {
    const client = await s.connect();
    client.identify({ shard: [shardId, 4] });
    await s.settle();
    outcomes.push(client.last().t ?? client.last().op);
  }
  assert.deepEqual(outcomes, ["READY", "READY", 9, 9]);
  s.gateway.close();
});

Deno.test("FakeGateway counts session starts and never for RESUME", async () => {
  const s = setup({
    sessionStartLimit: { total: 10, remaining: 3, resetAfter: 60_000 },
  });
  assert.deepEqual(s.gateway.sessionStartLimit(), {
    total: 10,
    remaining: 3,
    reset_after: 60_000,
    max_concurrency: 1,
  });
  const { client, sessionId } = await ready(s);
  assert.equal(s.gateway.sessionStartLimit().remaining, 2);
  client.socket.close(4000);
  await s.settle();
  const resumed = await s.connect(undefined, "resume");
  resumed.resume(sessionId, 1);
  await s.settle();
  assert.equal(resumed.last().t, "RESUMED");
  assert.equal(s.gateway.sessionStartLimit().remaining, 2);
  assert.equal(s.gateway.gatewayBot().session_start_limit.remaining, 2);
  await s.scheduler.advance(10_000);
  assert.equal(s.gateway.sessionStartLimit().reset_after, 50_000);
  s.gateway.close();
});

Deno.test("FakeGateway resets the token when IDENTIFY finds no session starts left", async () => {
  const s = setup({
    sessionStartLimit: { total: 1, remaining: 1 },
    maxConcurrency: 16,
  });
  const { client: first, sessionId } = await ready(s, { shard: [0, 2] });
  const second = await s.connect();
  second.identify({ shard: [1, 2] });
  await s.settle();
  assert.equal(second.closeCode, GatewayCloseCodes.AuthenticationFailed);
  assert.equal(first.closeCode, GatewayCloseCodes.AuthenticationFailed);
  assert.equal(s.gateway.session(sessionId)?.state, "invalidated");
  // The old token is dead for good.
  await s.scheduler.advance(86_400_000);
  const third = await s.connect();
  third.identify({ shard: [1, 2] });
  await s.settle();
  assert.equal(third.closeCode, GatewayCloseCodes.AuthenticationFailed);
  s.gateway.close();
});

Deno.test("FakeGateway refills session starts when the window resets", async () => {
  const s = setup({
    sessionStartLimit: { total: 5, remaining: 0, resetAfter: 1_000 },
  });
  await s.scheduler.advance(1_000);
  assert.equal(s.gateway.sessionStartLimit().remaining, 5);
  assert.equal(s.gateway.sessionStartLimit().reset_after, 86_400_000);
  const { client } = await ready(s);
  assert.equal(client.closed, undefined);
  assert.equal(s.gateway.sessionStartLimit().remaining, 4);
  s.gateway.close();
});

// --- sequence, dispatch and routing ---------------------------------------------

Deno.test("FakeGateway numbers dispatches per session", async () => {
  const s = setup({ guilds: 1 });
  const { client } = await ready(s, { intents: GatewayIntent.Guilds });
  const guildId = s.gateway.guildIds[0]!;
  s.gateway.dispatch("GUILD_UPDATE", { id: guildId, name: "a" });
  s.gateway.dispatch("CHANNEL_CREATE", { id: "5", guild_id: guildId, type: 0 });
  await s.settle();
  assert.deepEqual(client.dispatches().map((p) => [p.t, p.s]), [
    ["READY", 1],
    ["GUILD_CREATE", 2],
    ["GUILD_UPDATE", 3],
    ["CHANNEL_CREATE", 4],
  ]);
  assert.equal(s.gateway.sessions[0]!.seq, 4);
  s.gateway.close();
});

Deno.test("FakeGateway routes guild events by (guild_id >> 22) % num_shards", async () => {
  const guilds = [
    "197038439483310086",
    "81384788765712384",
    "41771983423143937",
  ];
  const s = setup({ guilds, maxConcurrency: 4 });
  const shards: Client[] = [];
  for (const id of [0, 1, 2]) {
    shards.push(
      (await ready(s, {
        shard: [id, 3],
        intents: 513 | GatewayIntent.DirectMessages,
      })).client,
    );
  }
  const expected = guilds.map((id) => Number((BigInt(id) >> 22n) % 3n));
  for (const [id, client] of shards.entries()) {
    assert.deepEqual(
      client.dispatches("READY")[0]!.d.guilds.map((g: { id: string }) => g.id),
      guilds.filter((_, i) => expected[i] === id),
    );
    assert.deepEqual(
      client.dispatches("GUILD_CREATE").map((p) => p.d.id),
      guilds.filter((_, i) => expected[i] === id),
    );
  }
  for (const guildId of guilds) {
    assert.equal(
      s.gateway.dispatch("MESSAGE_CREATE", {
        id: "1",
        channel_id: "2",
        guild_id: guildId,
      }),
      1,
    );
  }
  s.gateway.dispatch("MESSAGE_CREATE", { id: "9", channel_id: "3" }, {
    guildId: null,
  });
  s.gateway.dispatch("ENTITLEMENT_CREATE", { id: "10" });
  s.gateway.dispatch("INTERACTION_CREATE", { id: "11" }, { shardId: 2 });
  await s.settle();
  for (const [id, client] of shards.entries()) {
    const messages = client.dispatches("MESSAGE_CREATE").map((p) =>
      p.d.guild_id ?? "dm"
    );
    const want = guilds.filter((_, i) => expected[i] === id);
    if (id === 0) want.push("dm");
    assert.deepEqual(messages, want, `shard ${id}`);
    assert.equal(
      client.dispatches("ENTITLEMENT_CREATE").length,
      id === 0 ? 1 : 0,
    );
    assert.equal(
      client.dispatches("INTERACTION_CREATE").length,
      id === 2 ? 1 : 0,
    );
  }
  s.gateway.close();
});

Deno.test("FakeGateway spreads generated guilds over shards", () => {
  const s = setup({ guilds: 6 });
  const shards = s.gateway.guildIds.map((id) =>
    Number((BigInt(id) >> 22n) % 3n)
  );
  assert.deepEqual(shards.sort(), [0, 0, 1, 1, 2, 2]);
  assert.equal(s.gateway.gatewayBot().shards, 1);
  s.gateway.close();
});

Deno.test("FakeGateway filters dispatches by intents", async (t) => {
  const gid = "197038439483310086";
  const s = setup({ guilds: [gid] });
  const bot = s.gateway.botUserId;
  // One IDENTIFY per 5 s on one bucket.
  const session = async (intents: number): Promise<Client> => {
    const { client } = await ready(s, { intents });
    await s.scheduler.advance(5_000);
    return client;
  };
  const sessions = {
    guildMessages: await session(GatewayIntent.GuildMessages),
    dms: await session(GatewayIntent.DirectMessages),
    content: await session(
      GatewayIntent.GuildMessages | GatewayIntent.MessageContent,
    ),
    guilds: await session(GatewayIntent.Guilds),
  };
  const opts = {};
  await t.step("guild and DM messages need their own intent", async () => {
    s.gateway.dispatch("MESSAGE_CREATE", {
      id: "1",
      guild_id: gid,
      channel_id: "2",
      content: "hi",
    }, opts);
    s.gateway.dispatch("MESSAGE_CREATE", {
      id: "2",
      channel_id: "3",
      content: "dm",
    }, opts);
    await s.settle();
    assert.deepEqual(
      sessions.guildMessages.dispatches("MESSAGE_CREATE").map((p) => p.d.id),
      ["1"],
    );
    assert.deepEqual(
      sessions.dms.dispatches("MESSAGE_CREATE").map((p) => p.d.id),
      ["2"],
    );
    assert.deepEqual(sessions.guilds.dispatches("MESSAGE_CREATE"), []);
  });
  await t.step(
    "without MESSAGE_CONTENT the content fields are empty",
    async () => {
      const message = {
        id: "3",
        guild_id: gid,
        channel_id: "2",
        content: "secret",
        embeds: [{ title: "x" }],
        attachments: [{ id: "4" }],
        components: [{ type: 1 }],
        poll: { question: { text: "?" } },
        author: { id: "77" },
        mentions: [],
      };
      s.gateway.dispatch("MESSAGE_CREATE", message, opts);
      s.gateway.dispatch("MESSAGE_CREATE", {
        ...message,
        id: "5",
        author: { id: bot },
        // The bot's reply quotes the user's message, and forwards it.
        referenced_message: message,
        message_snapshots: [{ message: { content: "secret", embeds: [] } }],
      }, opts);
      s.gateway.dispatch("MESSAGE_CREATE", {
        ...message,
        id: "6",
        mentions: [{ id: bot }],
      }, opts);
      await s.settle();
      const stripped =
        sessions.guildMessages.dispatches("MESSAGE_CREATE").find((p) =>
          p.d.id === "3"
        )!.d;
      assert.equal(stripped.content, "");
      assert.deepEqual([
        stripped.embeds,
        stripped.attachments,
        stripped.components,
      ], [[], [], []]);
      assert.equal("poll" in stripped, false);
      const full =
        sessions.content.dispatches("MESSAGE_CREATE").find((p) =>
          p.d.id === "3"
        )!.d;
      assert.equal(full.content, "secret");
      const own =
        sessions.guildMessages.dispatches("MESSAGE_CREATE").find((p) =>
          p.d.id === "5"
        )!.d;
      assert.equal(own.content, "secret");
      const quoted = own.referenced_message as Record<string, unknown>;
      assert.equal(quoted.content, "", "the user's message it quotes");
      assert.equal("poll" in quoted, false);
      assert.deepEqual(
        (own.message_snapshots as { message: { content: string } }[]).map(
          (snapshot) => snapshot.message.content,
        ),
        [""],
        "the message it forwards",
      );
      const mention =
        sessions.guildMessages.dispatches("MESSAGE_CREATE").find((p) =>
          p.d.id === "6"
        )!.d;
      assert.equal(mention.content, "secret");
    },
  );
  await t.step(
    "the bot's own GUILD_MEMBER_UPDATE needs no GUILD_MEMBERS",
    async () => {
      s.gateway.dispatch("GUILD_MEMBER_UPDATE", {
        guild_id: gid,
        user: { id: bot },
        roles: [],
      }, opts);
      // Filtered out everywhere on purpose: no warning wanted.
      s.gateway.dispatch("GUILD_MEMBER_UPDATE", {
        guild_id: gid,
        user: { id: "77" },
        roles: [],
      }, { ...opts, warnIfFiltered: false });
      await s.settle();
      assert.deepEqual(
        sessions.guilds.dispatches("GUILD_MEMBER_UPDATE").map((p) =>
          p.d.user.id
        ),
        [bot],
      );
    },
  );
  await t.step(
    "ungated events reach everyone; ignoreIntents overrides",
    async () => {
      s.gateway.dispatch("INTERACTION_CREATE", { id: "8" }, opts);
      s.gateway.dispatch("PRESENCE_UPDATE", {
        guild_id: gid,
        user: { id: "1" },
      }, {
        ...opts,
        ignoreIntents: true,
      });
      await s.settle();
      for (const client of Object.values(sessions)) {
        assert.equal(client.dispatches("INTERACTION_CREATE").length, 1);
        assert.equal(client.dispatches("PRESENCE_UPDATE").length, 1);
      }
    },
  );
  s.gateway.close();
});

Deno.test("FakeGateway sends GUILD_CREATE only with the GUILDS intent", async () => {
  const s = setup({ guilds: 2 });
  const { client } = await ready(s, { intents: GatewayIntent.GuildMessages });
  assert.equal(client.dispatches("READY")[0]!.d.guilds.length, 2);
  assert.equal(client.dispatches("GUILD_CREATE").length, 0);
  s.gateway.close();
});

Deno.test("FakeGateway can send everything when intent filtering is off", async () => {
  const s = setup({ guilds: 1, filterIntents: false });
  const { client } = await ready(s, { intents: 0 });
  s.gateway.dispatch("MESSAGE_CREATE", {
    id: "1",
    channel_id: "2",
    content: "x",
  });
  await s.settle();
  assert.equal(client.dispatches("GUILD_CREATE").length, 1);
  assert.equal(client.dispatches("MESSAGE_CREATE")[0]!.d.content, "x");
  s.gateway.close();
});

// --- heartbeats --------------------------------------------------------------------

Deno.test("FakeGateway stops acknowledging heartbeats on request (zombie)", async () => {
  const s = setup();
  const { client } = await ready(s);
  assert.equal(s.gateway.setAcks(false), 1);
  client.heartbeat(1);
  await s.settle();
  assert.equal(client.last().t, "READY");
  assert.equal(s.gateway.connections[0]!.acks, false);
  assert.equal(s.gateway.counters.heartbeats, 1);
  s.gateway.setAcks(true);
  client.heartbeat(1);
  await s.settle();
  assert.equal(client.last().op, 11);
  s.gateway.close();
});

Deno.test("FakeGateway sends op 1 when asked for a heartbeat", async () => {
  const s = setup();
  const { client } = await ready(s);
  assert.equal(s.gateway.requestHeartbeat(), 1);
  await s.settle();
  assert.deepEqual(client.last(), { op: 1, d: null, s: null, t: null });
  s.gateway.close();
});

Deno.test("FakeGateway closes a silent client with 4000 after interval + tolerance and keeps the session resumable", async () => {
  const s = setup({ heartbeatInterval: 1_000, heartbeatTolerance: 500 });
  const { client, sessionId } = await ready(s);
  await s.scheduler.advance(1_000);
  client.heartbeat(1);
  await s.scheduler.advance(1_499);
  assert.equal(client.closed, undefined, "the heartbeat moved the deadline");
  await s.scheduler.advance(1);
  assert.deepEqual(client.closed, {
    code: 4000,
    reason: "Heartbeat timed out",
  });
  assert.equal(s.scheduler.now(), 2_500);
  assert.equal(s.gateway.session(sessionId)?.state, "resumable");
  assert.deepEqual(
    s.gateway.log.filter((e) => e.type === "close").map((e) =>
      e.type === "close" && [e.code, e.initiator, e.sessionResumable]
    ),
    [[4000, "server", true]],
  );
  // "Forced to Resume": the RESUME works.
  const again = await s.connect(undefined, "resume");
  again.resume(sessionId, 1);
  await s.settle();
  assert.equal(again.last().t, "RESUMED");
  s.gateway.close();
});

Deno.test("FakeGateway ends the session after a heartbeat timeout with heartbeatTimeoutCode 4009", async () => {
  const s = setup({
    heartbeatInterval: 1_000,
    heartbeatTolerance: 500,
    heartbeatTimeoutCode: 4009,
  });
  const { client, sessionId } = await ready(s);
  await s.scheduler.advance(1_500);
  assert.equal(client.closeCode, GatewayCloseCodes.SessionTimedOut);
  assert.equal(s.gateway.session(sessionId)?.state, "invalidated");
  const again = await s.connect(undefined, "resume");
  again.resume(sessionId, 1);
  await s.settle();
  assert.deepEqual(again.last(), { op: 9, d: false, s: null, t: null });
  s.gateway.close();
});

Deno.test("FakeGateway applies the heartbeat deadline from HELLO", async () => {
  const s = setup({
    heartbeatInterval: 1_000,
    heartbeatTolerance: 0,
    heartbeatTimeoutCode: 4000,
  });
  const client = await s.connect();
  await s.scheduler.advance(999);
  assert.equal(client.closed, undefined);
  await s.scheduler.advance(1);
  assert.equal(client.closeCode, 4000);
  s.gateway.close();
});

// --- rate limit ----------------------------------------------------------------------

Deno.test("FakeGateway closes 4008 on the 121st frame in 60 s", async () => {
  const s = setup({ heartbeatInterval: 1_000_000 });
  const client = await s.connect();
  for (let i = 0; i < 120; i++) client.heartbeat();
  await s.settle();
  assert.equal(client.closed, undefined);
  assert.equal(client.payloads.length, 121);
  client.heartbeat();
  await s.settle();
  assert.equal(client.closeCode, GatewayCloseCodes.RateLimited);
  assert.equal(client.payloads.length, 121, "the 121st frame got no ACK");
  s.gateway.close();
});

Deno.test("FakeGateway's rate window rolls: a frame at t leaves it at t + 60000", async (t) => {
  for (const [at, code] of [[59_999, 4008], [60_000, null]] as const) {
    await t.step(`121st frame at ${at}`, async () => {
      const s = setup({ heartbeatInterval: 1_000_000 });
      const client = await s.connect();
      client.heartbeat();
      await s.scheduler.advance(30_000);
      for (let i = 0; i < 119; i++) client.heartbeat();
      await s.scheduler.advance(at - 30_000);
      client.heartbeat();
      await s.settle();
      assert.equal(client.closeCode, code ?? undefined);
      if (code === null) {
        // 120 in the window now: one more is too many.
        client.heartbeat();
        await s.settle();
        assert.equal(client.closeCode, GatewayCloseCodes.RateLimited);
      }
      s.gateway.close();
    });
  }
});

Deno.test("FakeGateway counts every frame, IDENTIFY and invalid ones included", async () => {
  const s = setup({ rateLimit: { limit: 3 } });
  const client = await s.connect();
  client.identify();
  client.heartbeat();
  client.heartbeat();
  client.heartbeat();
  await s.settle();
  assert.equal(client.closeCode, GatewayCloseCodes.RateLimited);
  s.gateway.close();
});

// --- client close, drop, resume ---------------------------------------------------

Deno.test("FakeGateway invalidates the session on a client close 1000/1001 only", async (t) => {
  const rows: [number, boolean][] = [
    [1000, false],
    [1001, false],
    [4000, true],
    [4200, true],
    [3000, true],
    [1005, true],
  ];
  for (const [code, resumable] of rows) {
    await t.step(`${code}`, async () => {
      const s = setup();
      const { client, sessionId } = await ready(s);
      client.socket.close(code);
      await s.settle();
      assert.equal(
        s.gateway.session(sessionId)?.state,
        resumable ? "resumable" : "invalidated",
      );
      const again = await s.connect(undefined, "resume");
      again.resume(sessionId, 1);
      await s.settle();
      if (resumable) {
        assert.equal(again.last().t, "RESUMED");
      } else {
        assert.deepEqual(again.last(), { op: 9, d: false, s: null, t: null });
        assert.equal(again.closed, undefined);
      }
      s.gateway.close();
    });
  }
});

Deno.test("FakeGateway replays missed dispatches with their original s, then RESUMED", async () => {
  const s = setup({ guilds: 1 });
  const { client, sessionId } = await ready(s);
  const guildId = s.gateway.guildIds[0]!;
  const message = (id: string) => ({ id, channel_id: "2", guild_id: guildId });
  s.gateway.dispatch("MESSAGE_CREATE", message("a"));
  await s.settle();
  // Sent but never delivered: the drop loses it.
  s.gateway.dispatch("MESSAGE_CREATE", message("b"));
  assert.equal(s.gateway.dropConnection(), 1);
  await s.settle();
  assert.equal(client.closeCode, 1006);
  assert.deepEqual(client.dispatches("MESSAGE_CREATE").map((p) => p.d.id), [
    "a",
  ]);
  // While disconnected, dispatches are held.
  assert.equal(s.gateway.dispatch("MESSAGE_CREATE", message("c")), 1);
  const lastSeen = client.dispatches().at(-1)!.s!;
  assert.equal(lastSeen, 3);

  const resumed = await s.connect(undefined, "resume");
  resumed.resume(sessionId, lastSeen);
  await s.settle();
  assert.deepEqual(resumed.dispatches().map((p) => [p.t, p.s, p.d.id]), [
    ["MESSAGE_CREATE", 4, "b"],
    ["MESSAGE_CREATE", 5, "c"],
    ["RESUMED", 6, undefined],
  ]);
  s.gateway.dispatch("MESSAGE_CREATE", message("d"));
  await s.settle();
  assert.equal(resumed.last().s, 7);
  const entry = s.gateway.log.find((e) => e.type === "resume");
  assert.ok(entry?.type === "resume");
  assert.equal(entry.kind, "resume");
  assert.equal(entry.outcome, "resumed");
  assert.equal(entry.replayed, 2);
  const counters = s.gateway.counters;
  assert.equal(counters.sessionStarts, 1);
  assert.equal(counters.resumed, 1);
  assert.equal(counters.closes[1006], 1);
  assert.equal(s.gateway.session(sessionId)?.resumes, 1);
  s.gateway.close();
});

Deno.test("FakeGateway records a RESUME that arrives on the main URL", async () => {
  const s = setup();
  const { client, sessionId } = await ready(s);
  client.socket.close(4000);
  await s.settle();
  const again = await s.connect();
  again.resume(sessionId, 1);
  await s.settle();
  assert.equal(again.last().t, "RESUMED");
  const entry = s.gateway.log.findLast((e) => e.type === "resume");
  assert.equal(entry?.type === "resume" && entry.kind, "main");
  s.gateway.close();
});

Deno.test("FakeGateway answers RESUME of a dead session with op 9 d:false", async (t) => {
  await t.step("unknown session", async () => {
    const s = setup();
    const client = await s.connect(undefined, "resume");
    client.resume("nope", 1);
    await s.settle();
    assert.deepEqual(client.last(), { op: 9, d: false, s: null, t: null });
    // The socket stays usable for IDENTIFY.
    client.identify();
    await s.settle();
    assert.equal(client.last().t, "READY");
    s.gateway.close();
  });
  await t.step("wrong token", async () => {
    const s = setup({ tokens: ["a", "b"] });
    const { client, sessionId } = await ready(s, { token: "a" });
    client.socket.close(4000);
    await s.settle();
    const again = await s.connect(undefined, "resume");
    again.resume(sessionId, 1, "b");
    await s.settle();
    assert.equal(again.last().op, 9);
    s.gateway.close();
  });
  await t.step("expired after sessionTtl", async () => {
    const s = setup({ sessionTtl: 10_000, heartbeatInterval: 1_000_000 });
    const { client, sessionId } = await ready(s);
    client.socket.close(4000);
    await s.settle();
    await s.scheduler.advance(9_999);
    assert.equal(s.gateway.session(sessionId)?.state, "resumable");
    await s.scheduler.advance(1);
    assert.equal(s.gateway.session(sessionId)?.state, "expired");
    const again = await s.connect(undefined, "resume");
    again.resume(sessionId, 1);
    await s.settle();
    assert.equal(again.last().op, 9);
    assert.equal(again.last().d, false);
    s.gateway.close();
  });
});

Deno.test("FakeGateway closes 4007 on a RESUME seq it cannot serve", async (t) => {
  await t.step("seq ahead of the last one sent", async () => {
    const s = setup({ guilds: 1 });
    const { client, sessionId } = await ready(s);
    client.socket.close(4000);
    await s.settle();
    const again = await s.connect(undefined, "resume");
    again.resume(sessionId, 3);
    await s.settle();
    assert.equal(again.closeCode, GatewayCloseCodes.InvalidSeq);
    assert.equal(s.gateway.session(sessionId)?.state, "invalidated");
    s.gateway.close();
  });
  await t.step("seq older than the replay buffer", async () => {
    const s = setup({ replayBufferSize: 3 });
    const { client, sessionId } = await ready(s);
    client.socket.close(4000);
    await s.settle();
    for (let i = 0; i < 4; i++) {
      s.gateway.dispatch("INTERACTION_CREATE", { id: `${i}` });
    }
    // Sent s=2..5; the buffer holds 3..5, so seq 1 (needs 2) is too old.
    assert.equal(s.gateway.session(sessionId)?.buffered, 3);
    const again = await s.connect(undefined, "resume");
    again.resume(sessionId, 1);
    await s.settle();
    assert.equal(again.closeCode, GatewayCloseCodes.InvalidSeq);
    s.gateway.close();
  });
  await t.step("seq right at the edge of the buffer is fine", async () => {
    const s = setup({ replayBufferSize: 3 });
    const { client, sessionId } = await ready(s);
    client.socket.close(4000);
    await s.settle();
    for (let i = 0; i < 4; i++) {
      s.gateway.dispatch("INTERACTION_CREATE", { id: `${i}` });
    }
    const again = await s.connect(undefined, "resume");
    again.resume(sessionId, 2);
    await s.settle();
    assert.deepEqual(again.dispatches().map((p) => p.s), [3, 4, 5, 6]);
    s.gateway.close();
  });
});

Deno.test("FakeGateway moves a session that is resumed while its old socket is open", async () => {
  const s = setup();
  const { client, sessionId } = await ready(s);
  const again = await s.connect(undefined, "resume");
  again.resume(sessionId, 1);
  await s.settle();
  assert.equal(again.last().t, "RESUMED");
  assert.equal(client.closeCode, 4000);
  assert.equal(s.gateway.session(sessionId)?.state, "active");
  assert.equal(s.gateway.session(sessionId)?.connectionId, 2);
  s.gateway.close();
});

Deno.test("FakeGateway logs whether an IDENTIFY could have been a RESUME", async () => {
  const s = setup({ maxConcurrency: 1 });
  const first = await ready(s);
  first.client.socket.close(4000);
  await s.settle();
  await s.scheduler.advance(5_000);
  const second = await ready(s);
  second.client.socket.close(1000);
  await s.settle();
  await s.scheduler.advance(5_000);
  await ready(s);
  const identifies = s.gateway.log.filter((e) => e.type === "identify");
  assert.deepEqual(
    identifies.map((e) => e.type === "identify" && e.resumableSessionAvailable),
    [false, true, true],
  );
  s.gateway.close();
});

// --- server-initiated events ----------------------------------------------------------

Deno.test("FakeGateway sends op 7 and closes if the client stays", async () => {
  const s = setup({ heartbeatInterval: 1_000_000 });
  const { client, sessionId } = await ready(s);
  assert.equal(s.gateway.reconnect(), 1);
  await s.settle();
  assert.deepEqual(client.last(), { op: 7, d: null, s: null, t: null });
  await s.scheduler.advance(4_999);
  assert.equal(client.closed, undefined);
  await s.scheduler.advance(1);
  assert.equal(client.closeCode, 4000);
  assert.equal(s.gateway.session(sessionId)?.state, "resumable");
  s.gateway.close();
});

Deno.test("FakeGateway cancels the post-op-7 close when the client leaves first", async () => {
  const s = setup({ heartbeatInterval: 1_000_000 });
  const { client } = await ready(s);
  s.gateway.reconnect({ closeAfter: 1_000 });
  client.socket.close(4000);
  await s.settle();
  assert.equal(s.scheduler.pending, 1, "only the session TTL is left");
  s.gateway.close();
  assert.equal(s.scheduler.pending, 0);
});

Deno.test("FakeGateway's op 9 d:false kills the session, d:true keeps it", async () => {
  const s = setup({ heartbeatInterval: 1_000_000 });
  const a = await ready(s);
  assert.equal(s.gateway.invalidateSession(false), 1);
  await s.settle();
  assert.deepEqual(a.client.last(), { op: 9, d: false, s: null, t: null });
  assert.equal(s.gateway.session(a.sessionId)?.state, "invalidated");
  assert.equal(a.client.closed, undefined);
  await s.scheduler.advance(5_000);
  a.client.identify();
  await s.settle();
  const b = a.client.dispatches("READY")[1]!.d.session_id;
  s.gateway.invalidateSession(true);
  await s.settle();
  assert.deepEqual(a.client.last(), { op: 9, d: true, s: null, t: null });
  assert.equal(s.gateway.session(b)?.state, "resumable");
  a.client.resume(b, 1);
  await s.settle();
  assert.equal(a.client.last().t, "RESUMED");
  s.gateway.close();
});

Deno.test("FakeGateway's closeWith keeps or ends the session by code", async (t) => {
  const rows: [number, boolean | undefined, string][] = [
    [4000, undefined, "resumable"],
    [4009, undefined, "invalidated"],
    [4009, true, "resumable"],
    [4003, undefined, "invalidated"],
    [4014, undefined, "invalidated"],
    [1000, undefined, "resumable"],
    [4000, false, "invalidated"],
    [4003, true, "resumable"],
  ];
  for (const [code, resumable, state] of rows) {
    await t.step(`${code} resumable=${resumable}`, async () => {
      const s = setup();
      const { client, sessionId } = await ready(s);
      const options = resumable === undefined
        ? { reason: "x" }
        : { reason: "x", resumable };
      assert.equal(s.gateway.closeWith(code, options), 1);
      await s.settle();
      assert.deepEqual(client.closed, { code, reason: "x" });
      assert.equal(s.gateway.session(sessionId)?.state, state);
      s.gateway.close();
    });
  }
});

Deno.test("FakeGateway's closeWith takes a reason and a target", async () => {
  const s = setup({ maxConcurrency: 2 });
  const a = await ready(s, { shard: [0, 2] });
  const b = await ready(s, { shard: [1, 2] });
  assert.equal(s.gateway.closeWith(4000, "bye", { shardId: 1 }), 1);
  await s.settle();
  assert.deepEqual(b.client.closed, { code: 4000, reason: "bye" });
  assert.equal(a.client.closed, undefined);
  assert.equal(s.gateway.session(b.sessionId)?.resumable, true);
  s.gateway.close();
});

Deno.test("FakeGateway targets scripting calls by shard and connection", async () => {
  const s = setup({ maxConcurrency: 2 });
  const a = await ready(s, { shard: [0, 2] });
  const b = await ready(s, { shard: [1, 2] });
  assert.equal(s.gateway.requestHeartbeat({ shardId: 1 }), 1);
  assert.equal(s.gateway.sendRaw("garbage", { connectionId: 1 }), 1);
  await s.settle();
  assert.equal(b.client.last().op, 1);
  assert.equal(s.gateway.sendPayload({ op: 11, d: null }, { shardId: 1 }), 1);
  await s.settle();
  assert.deepEqual(b.client.last(), { op: 11, d: null });
  assert.equal(a.client.frames.at(-1), "garbage");
  assert.equal(s.gateway.closeWith(4000, { shardId: 0 }), 1);
  await s.settle();
  assert.equal(a.client.closeCode, 4000);
  assert.equal(b.client.closed, undefined);
  s.gateway.close();
});

Deno.test("FakeGateway follows connection plans", async (t) => {
  await t.step("refuse", async () => {
    const s = setup();
    s.gateway.planConnection("refuse", { kind: "resume" });
    const main = await s.connect();
    assert.equal(main.opened, true);
    const resume = await s.connect(undefined, "resume");
    assert.equal(resume.opened, false);
    assert.equal(resume.closeCode, 1006);
    const next = await s.connect(undefined, "resume");
    assert.equal(next.opened, true);
    s.gateway.close();
  });
  await t.step("drop", async () => {
    const s = setup();
    s.gateway.planConnection("drop");
    const client = await s.connect();
    assert.equal(client.opened, true);
    assert.equal(client.frames.length, 0);
    assert.equal(client.closeCode, 1006);
    s.gateway.close();
  });
  await t.step("no-hello", async () => {
    const s = setup();
    s.gateway.planConnection("no-hello");
    const client = await s.connect();
    assert.equal(client.opened, true);
    assert.equal(client.frames.length, 0);
    assert.equal(s.scheduler.pending, 0);
    s.gateway.close();
  });
  await t.step("reconnect instead of HELLO", async () => {
    const s = setup();
    s.gateway.planConnection("reconnect", { count: 2 });
    const first = await s.connect();
    assert.deepEqual(first.names, [7]);
    await s.scheduler.advance(5_000);
    assert.equal(first.closeCode, 4000);
    const second = await s.connect();
    assert.deepEqual(second.names, [7]);
    const third = await s.connect();
    assert.deepEqual(third.names, [10]);
    s.gateway.close();
  });
});

// --- commands --------------------------------------------------------------------------

Deno.test("FakeGateway answers op 8 with member chunks echoing the nonce", async () => {
  const s = setup({ guilds: 1, membersPerGuild: 2_500 });
  const { client } = await ready(s, {
    intents: 513 | GatewayIntent.GuildMembers,
  });
  const guildId = s.gateway.guildIds[0]!;
  client.send({
    op: 8,
    d: { guild_id: guildId, query: "", limit: 0, nonce: "n1" },
  });
  await s.settle();
  const chunks = client.dispatches("GUILD_MEMBERS_CHUNK");
  assert.deepEqual(
    chunks.map((p) => [p.d.chunk_index, p.d.chunk_count, p.d.members.length]),
    [
      [0, 3, 1000],
      [1, 3, 1000],
      [2, 3, 500],
    ],
  );
  assert.ok(
    chunks.every((p) => p.d.nonce === "n1" && p.d.guild_id === guildId),
  );
  assert.equal(chunks[0]!.d.members[0].user.id, s.gateway.botUserId);
  s.gateway.close();
});

Deno.test("FakeGateway rate-limits all-member requests per guild per 30 s", async () => {
  const s = setup({ guilds: 2, heartbeatInterval: 1_000_000 });
  const { client } = await ready(s, {
    intents: 513 | GatewayIntent.GuildMembers,
  });
  const [g1, g2] = s.gateway.guildIds as [string, string];
  const all = (guild_id: string, nonce?: string) =>
    client.send({
      op: 8,
      d: { guild_id, query: "", limit: 0, ...(nonce ? { nonce } : {}) },
    });
  all(g1);
  await s.scheduler.advance(10_000);
  all(g1, "again");
  all(g2);
  await s.settle();
  const limited = client.dispatches("RATE_LIMITED");
  assert.equal(limited.length, 1);
  assert.deepEqual(limited[0]!.d, {
    opcode: 8,
    retry_after: 20,
    meta: { guild_id: g1, nonce: "again" },
  });
  assert.equal(client.closed, undefined);
  assert.equal(client.dispatches("GUILD_MEMBERS_CHUNK").length, 2);
  await s.scheduler.advance(19_999.5);
  all(g1);
  await s.settle();
  assert.equal(client.dispatches("RATE_LIMITED")[1]!.d.retry_after, 0.0005);
  await s.scheduler.advance(0.5);
  all(g1);
  await s.settle();
  assert.equal(client.dispatches("GUILD_MEMBERS_CHUNK").length, 3);
  // Queries are not limited.
  client.send({ op: 8, d: { guild_id: g1, query: "mem", limit: 10 } });
  await s.settle();
  assert.equal(client.dispatches("GUILD_MEMBERS_CHUNK").length, 4);
  s.gateway.close();
});

Deno.test("FakeGateway does not answer an all-members op 8 without GUILD_MEMBERS", async () => {
  const s = setup({ guilds: 1, membersPerGuild: 50 });
  const { client, sessionId } = await ready(s, { intents: 513 });
  const guildId = s.gateway.guildIds[0]!;
  const before = client.payloads.length;
  const ignored = s.gateway.nextEvent((e) => e.type === "command-ignored");
  client.send({ op: 8, d: { guild_id: guildId, query: "", limit: 0 } });
  await s.settle();
  // Real Discord sends nothing back: no chunk, no RATE_LIMITED, no close.
  assert.equal(client.payloads.length, before);
  assert.equal(client.closed, undefined);
  assert.deepEqual(await ignored, {
    type: "command-ignored",
    at: s.scheduler.now(),
    connectionId: s.gateway.connections[0]!.id,
    sessionId,
    op: 8,
    reason: "missing-intent",
    intent: GatewayIntent.GuildMembers,
  });
  // It used no all-members slot, and queries and user_ids still work.
  client.send({ op: 8, d: { guild_id: guildId, query: "member1", limit: 5 } });
  client.send({
    op: 8,
    d: { guild_id: guildId, user_ids: [s.gateway.botUserId] },
  });
  await s.settle();
  assert.deepEqual(
    client.dispatches("GUILD_MEMBERS_CHUNK").map((p) => p.d.members.length),
    [5, 1],
  );
  assert.equal(
    s.gateway.log.filter((e) => e.type === "command-ignored").length,
    1,
  );
  s.gateway.close();
});

Deno.test("FakeGateway takes op 8 with an empty query and a limit as a member-list request", async () => {
  // Discord: "GUILD_MEMBERS intent is required to request the entire member
  // list—(query='', limit=0<=n)"; the fake took query "" with limit > 0 as a
  // prefix search: 100 members at most, no intent needed.
  for (const withIntent of [false, true]) {
    const s = setup({ guilds: 1, membersPerGuild: 300 });
    const { client } = await ready(s, {
      intents: 513 | (withIntent ? GatewayIntent.GuildMembers : 0),
    });
    const guildId = s.gateway.guildIds[0]!;
    const before = client.payloads.length;
    client.send({ op: 8, d: { guild_id: guildId, query: "", limit: 250 } });
    await s.settle();
    const ignored = s.gateway.log.filter((e) => e.type === "command-ignored");
    if (!withIntent) {
      assert.equal(client.payloads.length, before, "Discord sends nothing");
      assert.equal(ignored.length, 1);
      assert.equal(client.closed, undefined);
    } else {
      assert.equal(ignored.length, 0);
      // Up to `limit` members; only limit 0 (all of them) is rate limited.
      client.send({ op: 8, d: { guild_id: guildId, query: "", limit: 250 } });
      client.send({ op: 8, d: { guild_id: guildId, query: "", limit: 0 } });
      await s.settle();
      assert.deepEqual(
        client.dispatches("GUILD_MEMBERS_CHUNK").map((p) => p.d.members.length),
        [250, 250, 300],
      );
      assert.equal(client.dispatches("RATE_LIMITED").length, 0);
    }
    s.gateway.close();
  }
});

Deno.test("FakeGateway answers op 8 queries and user_ids", async () => {
  const s = setup({ guilds: 1, membersPerGuild: 15 });
  const { client } = await ready(s, {
    intents: 513 | GatewayIntent.GuildPresences,
  });
  const guildId = s.gateway.guildIds[0]!;
  client.send({ op: 8, d: { guild_id: guildId, query: "MEMBER1", limit: 3 } });
  await s.settle();
  const byQuery = client.last().d;
  assert.deepEqual(
    byQuery.members.map((m: { user: { username: string } }) => m.user.username),
    ["member1", "member10", "member11"],
  );
  assert.equal("nonce" in byQuery, false);
  const known = byQuery.members[0].user.id;
  client.send({
    op: 8,
    d: {
      guild_id: guildId,
      user_ids: [known, "5"],
      presences: true,
      nonce: "x".repeat(33),
    },
  });
  await s.settle();
  const byIds = client.last().d;
  assert.deepEqual(
    byIds.members.map((m: { user: { id: string } }) => m.user.id),
    [known],
  );
  assert.deepEqual(byIds.not_found, ["5"]);
  assert.equal(byIds.presences.length, 1);
  assert.equal("nonce" in byIds, false, "a nonce over 32 bytes is ignored");
  s.gateway.close();
});

Deno.test("FakeGateway answers op 31 with SOUNDBOARD_SOUNDS per guild and op 43 with CHANNEL_INFO", async () => {
  const s = setup({ guilds: 2 });
  const { client } = await ready(s);
  const [g1, g2] = s.gateway.guildIds as [string, string];
  client.send({ op: 31, d: { guild_ids: [g1, g2] } });
  client.send({
    op: 43,
    d: { guild_id: g1, fields: ["status", "voice_start_time"] },
  });
  await s.settle();
  assert.deepEqual(
    client.dispatches("SOUNDBOARD_SOUNDS").map((p) => p.d),
    [{ soundboard_sounds: [], guild_id: g1 }, {
      soundboard_sounds: [],
      guild_id: g2,
    }],
  );
  const info = client.dispatches("CHANNEL_INFO")[0]!.d;
  assert.equal(info.guild_id, g1);
  assert.deepEqual(Object.keys(info.channels[0]).sort(), [
    "id",
    "status",
    "voice_start_time",
  ]);
  s.gateway.close();
});

Deno.test("FakeGateway answers op 4 with voice events and accepts op 3", async () => {
  const s = setup({ guilds: 1 });
  const { client } = await ready(s, {
    intents: 1 | GatewayIntent.GuildVoiceStates,
  });
  const guildId = s.gateway.guildIds[0]!;
  client.send({
    op: 3,
    d: {
      since: null,
      activities: [{ name: "x", type: 0 }],
      status: "idle",
      afk: false,
    },
  });
  client.send({
    op: 4,
    d: {
      guild_id: guildId,
      // The fixtures' voice channel: only a voice channel gets an answer.
      channel_id: String(BigInt(guildId) + 2n),
      self_mute: true,
      self_deaf: false,
    },
  });
  await s.settle();
  assert.equal(client.closed, undefined);
  assert.deepEqual(client.dispatches().slice(-2).map((p) => p.t), [
    "VOICE_STATE_UPDATE",
    "VOICE_SERVER_UPDATE",
  ]);
  assert.equal(client.dispatches("VOICE_STATE_UPDATE")[0]!.d.self_mute, true);
  s.gateway.close();
});

// --- compression -------------------------------------------------------------------------

Deno.test("FakeGateway's zlib-stream frames share one context and end in 00 00 ff ff", async () => {
  const s = setup({ guilds: 2 });
  const client = await s.connect("v=10&encoding=json&compress=zlib-stream");
  client.identify();
  await s.settle();
  const frames = client.frames as Uint8Array[];
  assert.equal(frames.length, 4);
  assert.ok(frames.every((f) => f instanceof Uint8Array));
  assert.deepEqual([...frames[0]!.subarray(0, 2)], [0x78, 0x9c]);
  assert.ok(frames.slice(1).every((f) => !(f[0] === 0x78 && f[1] === 0x9c)));
  assert.ok(frames.every(endsWithSuffix));
  // Decode as a client does: one inflate context, fed message by message.
  const texts: string[] = [];
  let previous = 0;
  for (let i = 1; i <= frames.length; i++) {
    const out = zlib.inflateSync(concat(frames.slice(0, i)), {
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
    });
    texts.push(new TextDecoder().decode(out.subarray(previous)));
    previous = out.byteLength;
  }
  const decoded = texts.map((text) => JSON.parse(text));
  assert.deepEqual(decoded.map((p) => p.t ?? p.op), [
    10,
    "READY",
    "GUILD_CREATE",
    "GUILD_CREATE",
  ]);
  assert.deepEqual(decoded, s.gateway.connections[0]!.sent);
  s.gateway.close();
});

Deno.test("FakeGateway can split zlib-stream payloads across messages", async () => {
  const s = setup({ guilds: 1, zlibFrameParts: 3 });
  const client = await s.connect("v=10&encoding=json&compress=zlib-stream");
  client.identify();
  await s.settle();
  const frames = client.frames as Uint8Array[];
  // HELLO, READY and GUILD_CREATE, three messages each.
  assert.equal(frames.length, 9);
  const complete = frames.map(endsWithSuffix);
  assert.deepEqual(complete, [
    false,
    false,
    true,
    false,
    false,
    true,
    false,
    false,
    true,
  ]);
  const out = zlib.inflateSync(concat(frames), {
    finishFlush: zlib.constants.Z_SYNC_FLUSH,
  });
  const text = new TextDecoder().decode(out);
  assert.equal(
    text,
    s.gateway.connections[0]!.sent.map((p) => JSON.stringify(p)).join(""),
  );
  s.gateway.close();
});

Deno.test("FakeGateway's zstd-stream frames are flushed blocks of one frame", async () => {
  const s = setup({ guilds: 1 });
  const client = await s.connect("v=10&encoding=json&compress=zstd-stream");
  client.identify();
  client.heartbeat(2);
  await s.settle();
  const frames = client.frames as Uint8Array[];
  assert.equal(frames.length, 4);
  assert.deepEqual([...frames[0]!.subarray(0, 4)], [0x28, 0xb5, 0x2f, 0xfd]);
  assert.ok(frames.slice(1).every((f) => !(f[0] === 0x28 && f[1] === 0xb5)));
  let previous = 0;
  const decoded: Payload[] = [];
  for (let i = 1; i <= frames.length; i++) {
    const out = zlib.zstdDecompressSync(concat(frames.slice(0, i)));
    decoded.push(JSON.parse(new TextDecoder().decode(out.subarray(previous))));
    previous = out.byteLength;
  }
  assert.deepEqual(decoded.map((p) => p.t ?? p.op), [
    10,
    "READY",
    "GUILD_CREATE",
    11,
  ]);
  s.gateway.close();
});

Deno.test("FakeGateway compresses large payloads with compress:true in IDENTIFY", async () => {
  const s = setup({ guilds: 1 });
  const client = await s.connect();
  client.identify({ compress: true });
  client.heartbeat(1);
  await s.settle();
  assert.equal(typeof client.frames[0], "string", "HELLO precedes IDENTIFY");
  assert.ok(client.frames[1] instanceof Uint8Array);
  assert.ok(client.frames[2] instanceof Uint8Array);
  assert.equal(typeof client.frames[3], "string", "a small ACK is text");
  const readyPayload = JSON.parse(
    new TextDecoder().decode(zlib.inflateSync(client.frames[1] as Uint8Array)),
  );
  assert.equal(readyPayload.t, "READY");
  s.gateway.close();
});

Deno.test("The compressor fallbacks produce valid streams", async (t) => {
  const payloads = ['{"op":10}', "x".repeat(70_000), '{"op":11}'].map((text) =>
    new TextEncoder().encode(text)
  );
  await t.step("stored deflate blocks", () => {
    const compressor = createStreamCompressor("zlib-stream", { native: false });
    assert.equal(compressor.native, false);
    const frames = payloads.map((p) => compressor.compress(p));
    assert.deepEqual([...frames[0]!.subarray(0, 2)], [0x78, 0x9c]);
    assert.ok(frames.every(endsWithSuffix));
    const out = zlib.inflateSync(concat(frames), {
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
    });
    assert.deepEqual(
      out.byteLength,
      payloads.reduce((n, p) => n + p.byteLength, 0),
    );
    compressor.close();
    assert.throws(() => compressor.compress(payloads[0]!));
  });
  await t.step("raw zstd blocks", () => {
    const compressor = createStreamCompressor("zstd-stream", { native: false });
    const frames = payloads.map((p) => compressor.compress(p));
    assert.deepEqual([...frames[0]!.subarray(0, 4)], [0x28, 0xb5, 0x2f, 0xfd]);
    let previous = 0;
    for (let i = 1; i <= frames.length; i++) {
      const out = zlib.zstdDecompressSync(concat(frames.slice(0, i)));
      assert.equal(out.byteLength - previous, payloads[i - 1]!.byteLength);
      previous = out.byteLength;
    }
    compressor.close();
  });
  await t.step("native contexts report themselves", () => {
    for (const kind of ["zlib-stream", "zstd-stream"] as const) {
      const compressor = createStreamCompressor(kind);
      assert.equal(compressor.native, true);
      compressor.close();
    }
  });
  await t.step("splitting never ends a middle piece in the suffix", () => {
    const data = new Uint8Array([1, 0, 0, 0xff, 0xff, 2, 0, 0, 0xff, 0xff]);
    const parts = splitZlibPayload(data, 2);
    assert.deepEqual(concat(parts), data);
    assert.deepEqual(parts.map(endsWithSuffix), [false, true]);
  });
});

// --- lifecycle -----------------------------------------------------------------------

Deno.test("FakeGateway.close closes every socket, cancels every timer and refuses new ones", async () => {
  const s = setup({ guilds: 1 });
  const { client } = await ready(s);
  const other = await s.connect();
  other.socket.close(4000);
  s.gateway.reconnect();
  assert.ok(s.scheduler.pending > 0);
  s.gateway.close();
  assert.equal(s.scheduler.pending, 0);
  await s.settle();
  assert.equal(client.closeCode, 1001);
  const late = await s.connect();
  assert.equal(late.opened, false);
  assert.equal(late.closeCode, 1006);
  await assert.rejects(s.gateway.nextEvent(() => true));
});

Deno.test("FakeGateway.nextEvent resolves with the next matching entry", async () => {
  const s = setup();
  const waiting = s.gateway.nextEvent((e) => e.type === "identify");
  await ready(s);
  const event = await waiting;
  assert.equal(event.type, "identify");
  assert.equal(event.type === "identify" && event.outcome, "ready");
  s.gateway.close();
});

Deno.test("FakeGateway reports hooks and snapshots", async () => {
  const events: string[] = [];
  const frames: (number | null)[] = [];
  const s = setup({
    onEvent: (e) => events.push(e.type),
    onClientFrame: (_, frame) => frames.push(frame.op),
  });
  const { client } = await ready(s);
  client.heartbeat(1);
  client.socket.close(4000);
  await s.settle();
  assert.deepEqual(events, ["connect", "identify", "close"]);
  assert.deepEqual(frames, [2, 1]);
  const [conn] = s.gateway.allConnections;
  assert.equal(conn!.state, "closed");
  assert.equal(conn!.closedBy, "client");
  assert.equal(conn!.closeCode, 4000);
  assert.deepEqual(conn!.received.map((f) => f.op), [2, 1]);
  assert.equal((conn!.received[0]!.d as { token: string }).token, "fake-token");
  assert.equal(conn!.received[1]!.d, 1);
  assert.deepEqual(conn!.query, { v: "10", encoding: "json" });
  assert.equal(s.gateway.connections.length, 0);
  s.gateway.close();
});

Deno.test("FakeGateway calls onIdentify and onResume", async () => {
  const seen: string[] = [];
  const s = setup({
    onIdentify: (e) => seen.push(`identify:${e.outcome}`),
    onResume: (e) => seen.push(`resume:${e.outcome}:${e.kind}`),
  });
  const { client, sessionId } = await ready(s);
  client.socket.close(4000);
  await s.settle();
  const again = await s.connect(undefined, "resume");
  again.resume(sessionId, 1);
  await s.settle();
  assert.deepEqual(seen, ["identify:ready", "resume:resumed:resume"]);
  s.gateway.close();
});

Deno.test("FakeGateway.setUrls moves the in-process endpoints", async () => {
  const s = setup();
  s.gateway.setUrls("wss://a.example/gw", "wss://a.example/gw/resume");
  const old = new Client(s.gateway, "wss://gateway.discord.gg/?v=10");
  const moved = new Client(s.gateway, "wss://a.example/gw?v=10&encoding=json");
  await s.settle();
  moved.identify();
  await s.settle();
  assert.equal(old.opened, false);
  assert.equal(
    moved.dispatches("READY")[0]!.d.resume_gateway_url,
    "wss://a.example/gw/resume",
  );
  assert.throws(() => s.gateway.setUrls("wss://b", "wss://b/"), RangeError);
  s.gateway.close();
});

Deno.test("FakeGateway rejects bad options", async (t) => {
  const rows: [string, FakeGatewayOptions, ErrorConstructor][] = [
    ["same URLs", { url: "wss://a", resumeUrl: "wss://a/" }, RangeError],
    ["bad URL", { url: "not a url" }, TypeError],
    ["zero interval", { heartbeatInterval: 0 }, RangeError],
    ["negative tolerance", { heartbeatTolerance: -1 }, RangeError],
    ["zero concurrency", { maxConcurrency: 0 }, RangeError],
    ["no tokens", { tokens: [] }, RangeError],
    ["bad guild id", { guilds: ["abc"] }, TypeError],
    ["duplicate guild ids", { guilds: ["1", "1"] }, RangeError],
    ["bad timeout code", { heartbeatTimeoutCode: 1006 }, RangeError],
  ];
  for (const [name, options, error] of rows) {
    await t.step(name, () => {
      assert.throws(() => new FakeGateway(options), error);
    });
  }
  await t.step("std-style message", () => {
    assert.throws(
      () => new FakeGateway({ heartbeatInterval: 0 }),
      {
        message:
          "Cannot create FakeGateway as 'heartbeatInterval' must be a positive integer: current value 'heartbeatInterval=0'",
      },
    );
  });
});
