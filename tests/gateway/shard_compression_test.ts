// A Shard with transport compression (zlib-stream, zstd-stream) against the
// fake gateway: in-process on a virtual clock, and once per codec over
// loopback on the default WebSocket transport.
import assert from "node:assert/strict";
import type { GatewayError } from "../../gateway/errors.ts";
import type { TransportCompression } from "../../gateway/inflater.ts";
import { Shard, type ShardDispatch } from "../../gateway/shard.ts";
import { type Transport, webSocketTransport } from "../../gateway/transport.ts";
import {
  FakeGateway,
  type FakeGatewayOptions,
} from "../../testing/fake_gateway.ts";
import { serveFakeGateway } from "../../testing/fake_gateway_server.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { mulberry32 } from "../_fakes/prng.ts";
import { within } from "../_fakes/watchdog.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { deflateBlocks, zstdBlocks } from "../_fakes/bombs.ts";
import { recordDispatches } from "../_fakes/dispatch_recorder.ts";
import { dispatch, readyHarness } from "../_fakes/shard_harness.ts";
import {
  contentsOf,
  numberedContents,
  postNumberedMessages,
} from "../_fakes/numbered_messages.ts";

type Codec = Exclude<TransportCompression, "none">;
const CODECS: readonly Codec[] = ["zlib-stream", "zstd-stream"];
const TOKEN = "compression-token";
const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;
const FOUR_MIB = 4 * 1024 * 1024;
/**
 * Bytes that cannot continue either stream at a payload boundary: for zlib
 * the first block header has the reserved type 3 (and the message ends with
 * the sync-flush suffix, so it is decoded at once); for zstd the block header
 * has the reserved type 3 too.
 */
const GARBAGE: Record<Codec, Uint8Array> = {
  "zlib-stream": new Uint8Array([
    0xde,
    0xad,
    0xbe,
    0xef,
    0x00,
    0x00,
    0xff,
    0xff,
  ]),
  "zstd-stream": new Uint8Array([0x06, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef]),
};

/** A custom dispatch of at least `bytes` bytes of JSON that compresses poorly. */
function bigPayload(bytes: number): { members: unknown[] } {
  const random = mulberry32(4);
  const word = (length: number): string => {
    let s = "";
    for (let i = 0; i < length; i++) {
      s += String.fromCharCode(0x21 + Math.floor(random() * 90));
    }
    return s.replaceAll('"', "'").replaceAll("\\", "/");
  };
  const members: unknown[] = [];
  let size = 0;
  while (size < bytes) {
    const member = {
      user: {
        id: String(10n ** 17n + BigInt(members.length)),
        username: word(24),
      },
      nick: word(16),
      roles: [word(18), word(18)],
    };
    size += JSON.stringify(member).length + 1;
    members.push(member);
  }
  return { members };
}

/** Wraps a transport to count the text and binary messages the shard gets. */
function countingTransport(
  inner: Transport,
): { transport: Transport; binary: number; text: number } {
  const counts = {
    binary: 0,
    text: 0,
    transport: ((url, listener) =>
      inner(url, {
        ...listener,
        onMessage: (data) => {
          if (typeof data === "string") counts.text++;
          else counts.binary++;
          listener.onMessage(data);
        },
      })) as Transport,
  };
  return counts;
}

interface InProcess {
  scheduler: VirtualScheduler;
  gateway: FakeGateway;
  shard: Shard;
  counts: { binary: number; text: number };
  dispatches: ShardDispatch[];
  errors: GatewayError[];
  post(from: number, to: number): void;
  contents(): string[];
  /** Run due timers and microtasks until `done()` holds (bounded). */
  until(done: () => boolean, what: string): Promise<void>;
  teardown(): Promise<void>;
}

function inProcess(
  codec: Codec,
  options: Omit<FakeGatewayOptions, "scheduler" | "tokens"> = {},
  maxInflatedBytes?: number,
): InProcess {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({
    scheduler,
    tokens: [TOKEN],
    guilds: 1,
    ...options,
  });
  const counts = countingTransport(gateway.transport);
  const shard = new Shard({
    token: TOKEN,
    intents: INTENTS,
    gatewayUrl: gateway.url,
    compress: codec,
    transport: counts.transport,
    scheduler,
    random: () => 0.5,
    ...(maxInflatedBytes === undefined ? {} : { maxInflatedBytes }),
  });
  const dispatches: ShardDispatch[] = [];
  const errors: GatewayError[] = [];
  shard.on("dispatch", (event) => dispatches.push(event));
  shard.on("error", (error) => errors.push(error));
  return {
    scheduler,
    gateway,
    shard,
    counts,
    dispatches,
    errors,
    post: (from: number, to: number): void =>
      postNumberedMessages(gateway, from, to),
    contents: () => contentsOf(dispatches),
    async until(done, what): Promise<void> {
      // Steps of 100 ms: drops soon after RESUMED back off by seconds.
      for (let i = 0; i < 100 && !done(); i++) await scheduler.advance(100);
      assert.ok(done(), `expected ${what}`);
    },
    async teardown(): Promise<void> {
      await shard.close();
      gateway.close();
      await scheduler.flushMicrotasks();
      assert.equal(scheduler.pending, 0, "no timer left behind");
    },
  };
}

function count(dispatches: ShardDispatch[], name: string): number {
  return dispatches.filter((event) => event.name === name).length;
}

for (const codec of CODECS) {
  Deno.test(`Shard with ${codec} decodes READY and dispatches from binary frames`, async () => {
    const s = inProcess(codec);
    try {
      const ready = s.shard.connect();
      await s.scheduler.advance(0);
      await ready;
      assert.equal(s.shard.status, "ready");
      assert.equal(s.gateway.connections[0]!.compress, codec);
      assert.ok(s.gateway.connections[0]!.url.includes(`compress=${codec}`));
      s.post(1, 5);
      await s.until(() => s.contents().length === 5, "five messages");
      assert.deepEqual(
        s.dispatches.map((e) => e.name),
        ["READY", "GUILD_CREATE", ...Array(5).fill("MESSAGE_CREATE")],
      );
      assert.deepEqual(s.contents(), numberedContents(1, 5));
      // HELLO, READY, GUILD_CREATE and five dispatches: one binary message each.
      assert.equal(s.counts.binary, 8);
      assert.equal(s.counts.text, 0);
      assert.deepEqual(s.errors, []);
    } finally {
      await s.teardown();
    }
  });

  Deno.test(`Shard with ${codec} receives a 4 MiB dispatch intact`, async () => {
    const s = inProcess(codec);
    try {
      const ready = s.shard.connect();
      await s.scheduler.advance(0);
      await ready;
      const big = bigPayload(FOUR_MIB);
      const json = JSON.stringify(big);
      assert.ok(json.length >= FOUR_MIB, `payload is ${json.length} bytes`);
      s.gateway.dispatch("DISRUPTION_BIG_EVENT", big, { shardId: 0 });
      s.post(1, 1);
      await s.until(() => s.contents().length === 1, "the message after it");
      const received = s.dispatches.find((e) =>
        e.name === "DISRUPTION_BIG_EVENT"
      );
      assert.ok(received, "the big event arrived");
      assert.equal(JSON.stringify(received.data), json);
      assert.deepEqual(s.errors, []);
    } finally {
      await s.teardown();
    }
  });

  Deno.test(`Shard with ${codec} gets a fresh decompression context on every connection`, async () => {
    const s = inProcess(codec);
    try {
      const ready = s.shard.connect();
      await s.scheduler.advance(0);
      await ready;
      s.post(1, 3);
      await s.until(() => s.contents().length === 3, "three messages");
      for (let round = 1; round <= 3; round++) {
        assert.equal(s.gateway.dropConnection(), 1);
        s.post(3 * round + 1, 3 * round + 3);
        await s.until(
          () => count(s.dispatches, "RESUMED") === round,
          `RESUMED #${round}`,
        );
        await s.until(
          () => s.contents().length === 3 * round + 3,
          "the replay",
        );
      }
      // A reused context would fail on the new stream's header.
      assert.deepEqual(s.errors, []);
      assert.deepEqual(s.contents(), numberedContents(1, 12));
      assert.equal(s.gateway.counters.resumed, 3);
      assert.equal(s.gateway.counters.identifies, 1);
      assert.ok(
        s.gateway.allConnections.every((conn) => conn.compress === codec),
        "every connection asked for compression",
      );
    } finally {
      await s.teardown();
    }
  });

  Deno.test(`Shard with ${codec} resumes after a corrupted frame without losing events`, async () => {
    const s = inProcess(codec);
    try {
      const ready = s.shard.connect();
      await s.scheduler.advance(0);
      await ready;
      s.post(1, 5);
      await s.until(() => s.contents().length === 5, "five messages");
      assert.equal(s.gateway.sendRaw(GARBAGE[codec]), 1);
      // These follow the garbage on the same socket; the shard stops reading
      // it at the garbage, so they must come back by replay.
      s.post(6, 10);
      await s.until(() => count(s.dispatches, "RESUMED") === 1, "RESUMED");
      await s.until(() => s.contents().length === 10, "the replay");
      assert.equal(s.errors.length, 1);
      assert.equal(s.errors[0]!.kind, "decode");
      assert.deepEqual(s.contents(), numberedContents(1, 10));
      const resume = s.gateway.log.find((e) => e.type === "resume");
      assert.ok(resume?.type === "resume");
      assert.equal(resume.outcome, "resumed");
      assert.equal(resume.kind, "resume");
      assert.equal(resume.replayed, 5);
      assert.equal(s.gateway.allConnections[0]!.closeCode, 4000);
      assert.equal(s.gateway.counters.identifies, 1);
    } finally {
      await s.teardown();
    }
  });
}

/** One message continuing the connection's stream that inflates to 1 GiB. */
const BOMB: Record<Codec, () => Uint8Array> = {
  "zlib-stream": () => deflateBlocks(1024),
  "zstd-stream": () => zstdBlocks(1024 ** 3),
};

for (const codec of CODECS) {
  Deno.test(`Shard with ${codec} treats a decompression bomb as a decode error and resumes`, async () => {
    const s = inProcess(codec, {}, 16 * 1024 * 1024);
    try {
      const ready = s.shard.connect();
      await s.scheduler.advance(0);
      await ready;
      s.post(1, 3);
      await s.until(() => s.contents().length === 3, "three messages");
      const before = Deno.memoryUsage().rss;
      assert.equal(s.gateway.sendRaw(BOMB[codec]()), 1);
      s.post(4, 6);
      await s.until(() => count(s.dispatches, "RESUMED") === 1, "RESUMED");
      await s.until(() => s.contents().length === 6, "the replay");
      const grown = Deno.memoryUsage().rss - before;
      assert.ok(grown < 512 * 1024 * 1024, `RSS grew ${grown} bytes`);
      assert.equal(s.errors.length, 1);
      assert.equal(s.errors[0]!.kind, "decode");
      assert.match(
        String((s.errors[0]!.cause as Error).message),
        /inflates to more than 16777216 bytes/,
      );
      assert.deepEqual(s.contents(), numberedContents(1, 6));
      assert.equal(s.shard.status, "ready");
    } finally {
      await s.teardown();
    }
  });
}

Deno.test("Shard with zstd-stream and a maxInflatedBytes under the stream's window says so on stderr once; 2 MiB takes a standard stream", async () => {
  // The fake gateway compresses as standard zstd does at its default level
  // (a 2 MiB window): 1,000,000 bytes caps the window at 1 MiB, so every
  // connection failed before HELLO, and nothing reached stderr.
  const small = inProcess("zstd-stream", {}, 1_000_000);
  let connecting: Promise<unknown> | undefined;
  try {
    const lines = await captureStderr(async () => {
      connecting = small.shard.connect().catch((error) => error);
      await small.until(() => small.errors.length >= 3, "three attempts");
    });
    assert.deepEqual(
      [...new Set(small.errors.map((error) => error.kind))],
      ["decode"],
    );
    assert.equal(small.shard.status, "reconnecting");
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(
      lines[0]!,
      /could not decode; reconnecting: .*window is larger than the 1000000 bytes maxInflatedBytes allows/,
    );
  } finally {
    await small.teardown();
  }
  await connecting;
  // The smallest value the option's documentation advises.
  const enough = inProcess("zstd-stream", {}, 2 * 1024 * 1024);
  try {
    const ready = enough.shard.connect();
    await enough.scheduler.advance(0);
    await ready;
    assert.deepEqual(enough.errors, []);
  } finally {
    await enough.teardown();
  }
});

Deno.test("Shard refuses a maxInflatedBytes that is not a positive integer", () => {
  assert.throws(
    () =>
      new Shard({
        token: TOKEN,
        intents: INTENTS,
        gatewayUrl: "ws://127.0.0.1:1",
        maxInflatedBytes: -5,
      }),
    /'maxInflatedBytes' as it must be a positive integer/,
  );
});

Deno.test("Shard with zlib-stream reassembles payloads split across several WebSocket messages", async () => {
  const s = inProcess("zlib-stream", { zlibFrameParts: 3 });
  try {
    const ready = s.shard.connect();
    await s.scheduler.advance(0);
    await ready;
    s.post(1, 4);
    await s.until(() => s.contents().length === 4, "four messages");
    // HELLO, READY, GUILD_CREATE and four dispatches, three messages each.
    assert.equal(s.counts.binary, 7 * 3);
    assert.deepEqual(s.contents(), numberedContents(1, 4));
    const big = bigPayload(FOUR_MIB);
    s.gateway.dispatch("DISRUPTION_BIG_EVENT", big, { shardId: 0 });
    s.post(5, 5);
    await s.until(() => s.contents().length === 5, "the message after it");
    assert.equal(
      JSON.stringify(
        s.dispatches.find((e) => e.name === "DISRUPTION_BIG_EVENT")?.data,
      ),
      JSON.stringify(big),
    );
    // A split frame across a reconnect: the new connection starts clean.
    assert.equal(s.gateway.dropConnection(), 1);
    s.post(6, 8);
    await s.until(() => count(s.dispatches, "RESUMED") === 1, "RESUMED");
    await s.until(() => s.contents().length === 8, "the replay");
    assert.deepEqual(s.contents(), numberedContents(1, 8));
    assert.deepEqual(s.errors, []);
  } finally {
    await s.teardown();
  }
});

for (const codec of CODECS) {
  Deno.test(`Shard with ${codec} over loopback: real binary frames, 4 MiB, a drop and a corrupted frame`, async () => {
    const gateway = new FakeGateway({
      tokens: [TOKEN],
      guilds: 1,
      zlibFrameParts: codec === "zlib-stream" ? 3 : 1,
    });
    const server = await serveFakeGateway(gateway);
    const counts = countingTransport(webSocketTransport);
    const shard = new Shard({
      token: TOKEN,
      intents: INTENTS,
      gatewayUrl: server.url,
      compress: codec,
      transport: counts.transport,
      random: () => 0.5,
    });
    const { dispatches, errors, until } = recordDispatches(shard);
    const post = (from: number, to: number): void =>
      postNumberedMessages(gateway, from, to);
    try {
      await within(shard.connect(), "READY");
      post(1, 3);
      await until(() => contentsOf(dispatches).length === 3, "m1-m3");
      assert.equal(counts.text, 0, "compressed frames are binary");
      assert.ok(counts.binary >= 6, `got ${counts.binary} binary messages`);

      const big = bigPayload(FOUR_MIB);
      gateway.dispatch("DISRUPTION_BIG_EVENT", big, { shardId: 0 });
      post(4, 4);
      await until(() => contentsOf(dispatches).length === 4, "m4");
      assert.equal(
        JSON.stringify(
          dispatches.find((e) => e.name === "DISRUPTION_BIG_EVENT")?.data,
        ),
        JSON.stringify(big),
      );

      assert.equal(gateway.dropConnection(), 1);
      post(5, 7);
      await until(() => count(dispatches, "RESUMED") === 1, "RESUMED");
      await until(() => contentsOf(dispatches).length === 7, "m5-m7");

      assert.equal(gateway.sendRaw(GARBAGE[codec]), 1);
      post(8, 10);
      await until(() => count(dispatches, "RESUMED") === 2, "RESUMED #2");
      await until(() => contentsOf(dispatches).length === 10, "m8-m10");

      assert.deepEqual(contentsOf(dispatches), numberedContents(1, 10));
      assert.deepEqual(errors.map((error) => error.kind), ["decode"]);
      const resumes = gateway.log.filter((e) => e.type === "resume");
      assert.deepEqual(
        resumes.map((e) => e.type === "resume" && [e.kind, e.outcome]),
        [["resume", "resumed"], ["resume", "resumed"]],
      );
      assert.equal(gateway.counters.identifies, 1);
    } finally {
      await shard.close();
      gateway.close();
      await server.close();
    }
  });
}

Deno.test("Shard with zlib-stream refuses a text frame inside a compressed message (read, it overtook that message's event) and resumes from before both", async () => {
  const zlib = await import("node:zlib");
  const h = await readyHarness({ compress: "zlib-stream" });
  const message = zlib.deflateSync(
    JSON.stringify({ op: 0, s: 2, t: "MESSAGE_CREATE", d: { id: "2" } }),
    { finishFlush: zlib.constants.Z_SYNC_FLUSH },
  );
  const half = Math.floor(message.length / 2);
  h.socket().receive(new Uint8Array(message.subarray(0, half)));
  dispatch(h.socket(), 3); // a plain text frame, mid-message
  await h.settle();
  assert.deepEqual(h.errors.map((e) => e.kind), ["decode"]);
  assert.deepEqual(h.dispatches.map((e) => e.sequence), [1]);
  assert.equal(h.shard.sequence, 1, "resumes from before both");
  await h.shard.close();
});

for (const codec of CODECS) {
  Deno.test(`Shard with ${codec}: compressed messages that finish no payload (${codec === "zlib-stream" ? "empty messages" : "skippable frames"}) count as a frame on its way, not as heard: a peer that sends only those is a zombie after 5 minutes`, async () => {
    const h = await readyHarness({ compress: codec });
    const nothing = codec === "zlib-stream"
      ? new Uint8Array(0)
      // A zstd skippable frame with no content: magic 0x184D2A50, size 0.
      : new Uint8Array([0x50, 0x2a, 0x4d, 0x18, 0, 0, 0, 0]);
    // Never an ACK, never a payload: every 10 s a message that finishes none.
    for (let t = 0; t < 360_000 && h.transport.sockets.length === 1;) {
      h.socket().receive(nothing);
      await h.scheduler.advance(10_000);
      t += 10_000;
    }
    assert.equal(h.transport.sockets.length, 2, "reconnected to RESUME");
    assert.deepEqual(h.errors.map((e) => e.kind), []);
    await h.shard.close();
  });
}
