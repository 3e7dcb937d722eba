// The metrics endpoint toward peers that send a request and never read the
// answer: a /metrics body larger than the socket buffers (1.65 MB at 1,000
// shards) kept each such peer "answering" for the whole answer deadline,
// and 64 of them had every /healthcheck refused (an orchestrator's liveness
// probe failing restarts the service). The peers here are fakes whose
// receive window the test opens, so a write's progress is exact.
import assert from "node:assert/strict";
import {
  ANSWER_TIMEOUT_MS,
  type ListenFunction,
  MAX_CONNECTIONS,
  MetricsServer,
  SHUTDOWN_WAIT_MS,
  WRITE_STALL_MS,
} from "../../dispatch/metrics_server.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { linesSaying, withLogRecords } from "../_fakes/log_records.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Bigger than the window any test opens: the answer stays unfinished. */
const BIG = "x".repeat(256 * 1024);

/**
 * A peer that sends `request`, then nothing, and takes answer bytes only
 * while its receive window (`window`, opened by {@linkcode FakePeer.read})
 * allows: with none left, the server's write waits, as on a socket whose
 * buffers are full.
 */
class FakePeer {
  /** Bytes of the answer the peer took. */
  readonly received: number[] = [];
  closed = false;
  #request: Uint8Array | undefined;
  #window: number;
  #blocked: (() => void) | undefined;
  #ended = Promise.withResolvers<null>();

  constructor(request: string, window: number) {
    this.#request = encoder.encode(request);
    this.#window = window;
  }

  /** The answer so far, as text. */
  get answer(): string {
    return decoder.decode(new Uint8Array(this.received));
  }

  /** Whether the server waits on a write the peer takes nothing of. */
  get stalled(): boolean {
    return this.#blocked !== undefined;
  }

  /** The peer reads `bytes` more of the answer. */
  read(bytes: number): void {
    this.#window += bytes;
    const blocked = this.#blocked;
    this.#blocked = undefined;
    blocked?.();
  }

  readonly conn = {
    read: (buffer: Uint8Array): Promise<number | null> => {
      const request = this.#request;
      if (request === undefined) return this.#ended.promise;
      this.#request = undefined;
      buffer.set(request);
      return Promise.resolve(request.length);
    },
    write: async (bytes: Uint8Array): Promise<number> => {
      while (this.#window === 0) {
        if (this.closed) throw new Deno.errors.BadResource("closed");
        await new Promise<void>((resolve) => this.#blocked = resolve);
      }
      if (this.closed) throw new Deno.errors.BadResource("closed");
      const taken = Math.min(this.#window, bytes.length);
      this.#window -= taken;
      this.received.push(...bytes.subarray(0, taken));
      return taken;
    },
    closeWrite: (): Promise<void> => Promise.resolve(),
    close: (): void => {
      if (this.closed) throw new Deno.errors.BadResource("closed");
      this.closed = true;
      this.#ended.resolve(null);
      const blocked = this.#blocked;
      this.#blocked = undefined;
      blocked?.();
    },
  } as unknown as Deno.Conn;
}

/** A stand-in for Deno.listen whose listener accepts the peers given it. */
class FakeListen {
  #waiting: ((conn: Deno.Conn) => void) | undefined;
  readonly #queue: Deno.Conn[] = [];

  readonly listen: ListenFunction = () =>
    ({
      addr: { transport: "tcp", hostname: "127.0.0.1", port: 4321 },
      accept: (): Promise<Deno.Conn> => {
        const conn = this.#queue.shift();
        if (conn) return Promise.resolve(conn);
        return new Promise((resolve) => this.#waiting = resolve);
      },
      // The accept loop stays waiting: the test ends with no connection
      // coming.
      close: () => {},
    }) as unknown as Deno.Listener<Deno.Conn, Deno.NetAddr>;

  /** A peer connects. */
  connect(peer: FakePeer): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting) waiting(peer.conn);
    else this.#queue.push(peer.conn);
  }
}

function metricsRequest(path: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`;
}

async function stop(
  server: MetricsServer,
  scheduler: VirtualScheduler,
): Promise<void> {
  const stopping = server.shutdown();
  await scheduler.advance(SHUTDOWN_WAIT_MS);
  await stopping;
}

Deno.test("metrics endpoint: a peer that stops reading its answer is closed WRITE_STALL_MS after the last byte it took, not after ANSWER_TIMEOUT_MS; one still reading is not", async () => {
  const scheduler = new VirtualScheduler();
  const fake = new FakeListen();
  const server = new MetricsServer({
    hostname: "127.0.0.1",
    port: 0,
    routes: { "/metrics": () => new Response(BIG) },
    scheduler,
    listen: fake.listen,
  });
  try {
    const peer = new FakePeer(metricsRequest("/metrics"), 1000);
    fake.connect(peer);
    await scheduler.flushMicrotasks();
    assert.equal(peer.received.length, 1000);
    assert.equal(peer.stalled, true);
    // It reads a little now and then: the answer goes on (within
    // ANSWER_TIMEOUT_MS, which bounds the whole answer still).
    for (let i = 0; i < 3; i++) {
      await scheduler.advance(WRITE_STALL_MS - 1);
      assert.equal(peer.closed, false, `read ${i}`);
      peer.read(100);
      await scheduler.flushMicrotasks();
    }
    assert.equal(peer.received.length, 1300);
    assert.equal(server.connections, 1);
    // Then no more: closed once WRITE_STALL_MS pass without a byte taken.
    await scheduler.advance(WRITE_STALL_MS - 1);
    assert.equal(peer.closed, false);
    await scheduler.advance(1);
    assert.equal(peer.closed, true);
    assert.ok(scheduler.now() < ANSWER_TIMEOUT_MS);
    assert.equal(server.connections, 0);
    assert.equal(scheduler.pending, 0);
  } finally {
    await stop(server, scheduler);
  }
});

Deno.test("metrics endpoint: with every connection held by a peer not reading its answer, a health check is answered and the peer stalled longest is closed for it", async () => {
  const scheduler = new VirtualScheduler();
  const fake = new FakeListen();
  const server = new MetricsServer({
    hostname: "127.0.0.1",
    port: 0,
    routes: {
      "/metrics": () => new Response(BIG),
      "/healthcheck": () => Response.json({ status: "OK" }),
    },
    scheduler,
    listen: fake.listen,
  });
  try {
    const readers: FakePeer[] = [];
    for (let i = 0; i < MAX_CONNECTIONS; i++) {
      const peer = new FakePeer(metricsRequest("/metrics"), 0);
      readers.push(peer);
      fake.connect(peer);
      await scheduler.flushMicrotasks();
      // Each one's write waits from a later time than the one before.
      await scheduler.advance(1);
    }
    assert.equal(server.connections, MAX_CONNECTIONS);
    // Writes waiting under a second may be a scrape still reading: none is
    // cut, and the probe is refused.
    const early = new FakePeer(metricsRequest("/healthcheck"), 1 << 20);
    fake.connect(early);
    await scheduler.flushMicrotasks();
    assert.ok(early.closed && early.answer === "");
    assert.ok(readers.every((peer) => !peer.closed));
    await scheduler.advance(1_000);
    // The oldest one takes a few bytes: its next write waits the least.
    readers[0]!.read(10);
    await scheduler.flushMicrotasks();
    assert.ok(readers.every((peer) => peer.stalled));
    for (let i = 0; i < 3; i++) {
      const probe = new FakePeer(metricsRequest("/healthcheck"), 1 << 20);
      fake.connect(probe);
      await scheduler.flushMicrotasks();
      assert.match(probe.answer, /^HTTP\/1\.1 200 OK\r\n/, `probe ${i}`);
      assert.match(probe.answer, /\r\n\r\n\{"status":"OK"\}$/);
    }
    // The writer stalled longest made room for the first; the next ones
    // closed the probe answered before them, lingering.
    assert.deepEqual(
      readers.map((peer) => peer.closed),
      [false, true, ...Array(MAX_CONNECTIONS - 2).fill(false)],
    );
    assert.equal(server.connections, MAX_CONNECTIONS);
  } finally {
    await stop(server, scheduler);
  }
});

Deno.test("metrics endpoint: connections refused because every one open is being answered are logged once a streak, not once each", async () => {
  await withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler();
    const fake = new FakeListen();
    // Each /metrics asks Redis, which does not answer until told to: no
    // write to cut.
    let redis = Promise.withResolvers<void>();
    const server = new MetricsServer({
      hostname: "127.0.0.1",
      port: 0,
      routes: {
        "/metrics": async () => {
          await redis.promise;
          return new Response("up 1\n");
        },
      },
      scheduler,
      listen: fake.listen,
    });
    const refusals = (): string[] =>
      linesSaying(records, "refusing new connections");
    /** MAX_CONNECTIONS peers whose /metrics waits on Redis, then 3 more. */
    const fill = async (): Promise<FakePeer[]> => {
      const busy: FakePeer[] = [];
      for (let i = 0; i < MAX_CONNECTIONS; i++) {
        const peer = new FakePeer(metricsRequest("/metrics"), 1 << 20);
        busy.push(peer);
        fake.connect(peer);
      }
      await scheduler.flushMicrotasks();
      assert.equal(server.connections, MAX_CONNECTIONS);
      const refused = Array.from(
        { length: 3 },
        () => new FakePeer(metricsRequest("/metrics"), 1 << 20),
      );
      for (const peer of refused) fake.connect(peer);
      await scheduler.flushMicrotasks();
      assert.ok(refused.every((peer) => peer.closed && peer.answer === ""));
      return busy;
    };
    try {
      const busy = await fill();
      assert.equal(refusals().length, 1, refusals().join("\n"));
      assert.match(refusals()[0]!, /\b64\b/);
      // Answered: the streak ends with the next connection taken in.
      redis.resolve();
      await scheduler.flushMicrotasks();
      assert.ok(busy.every((peer) => peer.answer.startsWith("HTTP/1.1 200")));
      const admitted = new FakePeer("GET", 0);
      fake.connect(admitted);
      await scheduler.flushMicrotasks();
      assert.equal(admitted.closed, false);
      assert.equal(refusals().length, 1);
      // A new streak is told again.
      redis = Promise.withResolvers<void>();
      await fill();
      assert.equal(admitted.closed, true);
      assert.equal(refusals().length, 2, refusals().join("\n"));
      redis.resolve();
    } finally {
      await stop(server, scheduler);
    }
  });
});
