import assert from "node:assert/strict";
import {
  LINGER_BYTES,
  type ListenFunction,
  MetricsServer,
  SHUTDOWN_WAIT_MS,
} from "../../dispatch/metrics_server.ts";
import { realScheduler } from "../../base/scheduler.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const routes = {
  "/metrics": () => new Response("up 1\n"),
  "/healthcheck": () => Response.json({ status: "OK" }),
};

/** One raw HTTP/1.1 request; the status line of the answer. */
async function rawStatus(port: number, head: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(head));
    const buffer = new Uint8Array(4096);
    const read = await conn.read(buffer);
    return new TextDecoder().decode(buffer.subarray(0, read ?? 0)).split(
      "\r\n",
    )[0]!;
  } finally {
    conn.close();
  }
}

Deno.test("metrics endpoint: GET of its paths, 405 for other methods, 404 elsewhere, 400 for a Host no URL takes", async () => {
  const server = new MetricsServer({
    hostname: "127.0.0.1",
    port: 0,
    routes,
    scheduler: realScheduler,
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    const metrics = await fetch(`${base}/metrics`);
    assert.equal(metrics.status, 200);
    assert.equal(await metrics.text(), "up 1\n");
    const health = await fetch(`${base}/healthcheck`, { method: "HEAD" });
    assert.equal(health.status, 200);
    await health.body?.cancel();
    for (const method of ["POST", "DELETE", "PUT"]) {
      const response = await fetch(`${base}/metrics`, { method });
      assert.equal(response.status, 405, method);
      assert.equal(response.headers.get("allow"), "GET, HEAD");
      await response.body?.cancel();
    }
    // Object's own members are no routes.
    for (const path of ["/nope", "/constructor", "/__proto__", "/toString"]) {
      const response = await fetch(`${base}${path}`);
      assert.equal(response.status, 404, path);
      await response.body?.cancel();
    }
    for (const host of ["[::1", "a b", "a@b:99999"]) {
      assert.match(
        await rawStatus(
          server.addr.port,
          `GET /metrics HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
        ),
        /^HTTP\/1\.1 (400)/,
        host,
      );
    }
  } finally {
    await server.shutdown();
  }
});

/** A stand-in for Deno.listen whose listeners fail (or fail to start) on demand. */
class FakeListen {
  readonly calls: number[] = [];
  readonly listeners: {
    fail(error: Error): void;
    closed: number;
  }[] = [];
  /** Make the next call throw this. */
  throwNext: Error | undefined;

  readonly listen: ListenFunction = (options) => {
    this.calls.push(options.port!);
    if (this.throwNext) {
      const error = this.throwNext;
      this.throwNext = undefined;
      throw error;
    }
    let fail!: (error: Error) => void;
    // accept() fails once, when told to (or when closed).
    const failed = new Promise<never>((_, reject) => fail = reject);
    const entry = { fail, closed: 0 };
    this.listeners.push(entry);
    return {
      addr: { transport: "tcp", hostname: "127.0.0.1", port: 4321 },
      accept: () => failed,
      close: () => {
        entry.closed++;
        fail(new Deno.errors.BadResource("closed"));
      },
    } as unknown as Deno.Listener<Deno.Conn, Deno.NetAddr>;
  };
}

Deno.test("metrics endpoint: when accepting fails (out of file descriptors) it listens again on its port, backing off, instead of ending the process", async () => {
  const scheduler = new VirtualScheduler();
  const fake = new FakeListen();
  const server = new MetricsServer({
    hostname: "127.0.0.1",
    port: 0,
    routes,
    scheduler,
    listen: fake.listen,
  });
  assert.deepEqual(fake.calls, [0]);
  // Accepting fails (Deno.serve's `finished` rejected then: unobserved,
  // that rejection ended the service).
  fake.listeners[0]!.fail(new Error("Too many open files (os error 24)"));
  await scheduler.advance(0);
  await scheduler.advance(999);
  assert.deepEqual(fake.calls, [0], "not at once");
  // Still out of descriptors: listening fails too; the wait doubles.
  fake.throwNext = new Error("Too many open files (os error 24)");
  await scheduler.advance(1);
  assert.deepEqual(fake.calls, [0, 4321], "the port it got first");
  await scheduler.advance(1999);
  assert.equal(fake.calls.length, 2);
  await scheduler.advance(1);
  assert.deepEqual(fake.calls, [0, 4321, 4321]);
  assert.equal(fake.listeners.length, 2, "listening again");
  assert.equal(fake.listeners[0]!.closed, 1, "the failed listener closed");
  // A later failure starts from the shortest wait again.
  fake.listeners[1]!.fail(new Error("Too many open files (os error 24)"));
  await scheduler.advance(1000);
  assert.equal(fake.calls.length, 4);
  // Shut down: the server it has ends and no retry is left.
  fake.listeners[2]!.fail(new Error("again"));
  await scheduler.advance(0);
  await server.shutdown();
  await scheduler.advance(60_000);
  assert.equal(fake.calls.length, 4, "no listen after shutdown");
  assert.equal(scheduler.pending, 0);
});

Deno.test("metrics endpoint: shutdown() waits at most SHUTDOWN_WAIT_MS for a request still open (a peer that sent part of a body held the exit after SIGTERM for ever)", async () => {
  const scheduler = new VirtualScheduler();
  let called!: () => void;
  const routeCalled = new Promise<void>((resolve) => called = resolve);
  const server = new MetricsServer({
    hostname: "127.0.0.1",
    port: 0,
    routes: {
      // An answer that never comes.
      "/metrics": () => {
        called();
        return new Promise<Response>(() => {});
      },
    },
    scheduler,
  });
  const conn = await Deno.connect({
    hostname: "127.0.0.1",
    port: server.addr.port,
  });
  try {
    await conn.write(new TextEncoder().encode("GET /metrics HTTP/1.1\r\n\r\n"));
    await routeCalled;
    let done = false;
    const stopping = server.shutdown().then(() => done = true);
    await scheduler.advance(SHUTDOWN_WAIT_MS - 1);
    assert.equal(done, false, "it waits a while for the request");
    await scheduler.advance(1);
    await stopping;
    assert.equal(server.connections, 0);
    assert.equal(await conn.read(new Uint8Array(64)), null, "closed");
    assert.equal(scheduler.pending, 0);
  } finally {
    conn.close();
  }
});

/**
 * A connection whose peer the test plays (what it sends, when it closes),
 * and a listen that hands it out once.
 */
/** The peer's side of {@linkcode fakePeer}'s connection. */
interface FakePeer {
  /** Settles when the server closed its writing side. */
  closeWritten: Promise<void>;
  /** Settles when the server closed the connection. */
  closed: Promise<void>;
  readonly isClosed: boolean;
  /** Send bytes, or end (null). */
  send(chunk: string | Uint8Array | null): void;
}

function fakePeer(): { peer: FakePeer; listen: ListenFunction } {
  const chunks: (Uint8Array | null)[] = [];
  let wake: (() => void) | undefined;
  let fail: ((error: Error) => void) | undefined;
  let isClosed = false;
  let closeWritten!: () => void;
  let closed!: () => void;
  const peer: FakePeer = {
    closeWritten: new Promise<void>((resolve) => closeWritten = resolve),
    closed: new Promise<void>((resolve) => closed = resolve),
    get isClosed() {
      return isClosed;
    },
    send(chunk: string | Uint8Array | null): void {
      chunks.push(
        typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk,
      );
      wake?.();
    },
  };
  const conn = {
    async read(buffer: Uint8Array): Promise<number | null> {
      while (chunks.length === 0) {
        if (isClosed) throw new Deno.errors.BadResource("closed");
        await new Promise<void>((resolve, reject) => {
          wake = resolve;
          fail = reject;
        });
      }
      const chunk = chunks.shift()!;
      if (chunk === null) return null;
      buffer.set(chunk);
      return chunk.length;
    },
    write: (bytes: Uint8Array) => Promise.resolve(bytes.length),
    closeWrite: () => {
      closeWritten();
      return Promise.resolve();
    },
    close: () => {
      isClosed = true;
      closed();
      fail?.(new Deno.errors.BadResource("closed"));
    },
  } as unknown as Deno.Conn;
  let accepted = false;
  let stop!: (error: Error) => void;
  const stopped = new Promise<never>((_, reject) => stop = reject);
  const listen: ListenFunction = () =>
    ({
      addr: { transport: "tcp", hostname: "127.0.0.1", port: 4321 },
      accept: () => {
        if (accepted) return stopped;
        accepted = true;
        return Promise.resolve(conn);
      },
      close: () => stop(new Deno.errors.BadResource("closed")),
    }) as unknown as Deno.Listener<Deno.Conn, Deno.NetAddr>;
  return { peer, listen };
}

Deno.test("metrics endpoint: after its answer a connection closes its writing side and reads what the peer still sends until the peer closes, or LINGER_BYTES (closing with bytes unread reset it and cut the answer)", async () => {
  for (const ending of ["peer closes", "too many bytes"]) {
    const scheduler = new VirtualScheduler();
    const { peer, listen } = fakePeer();
    const server = new MetricsServer({
      hostname: "127.0.0.1",
      port: 0,
      routes,
      scheduler,
      listen,
    });
    try {
      peer.send("GET /metrics HTTP/1.1\r\n\r\n");
      await peer.closeWritten;
      assert.equal(server.connections, 1, ending);
      // A pipelined request, and more: read and thrown away.
      const chunk = new Uint8Array(4096);
      for (let sent = 0; sent < LINGER_BYTES - chunk.length; sent += 4096) {
        peer.send(chunk);
      }
      await scheduler.flushMicrotasks();
      assert.equal(peer.isClosed, false, ending);
      peer.send(ending === "peer closes" ? null : chunk);
      await peer.closed;
      assert.equal(server.connections, 0, ending);
      assert.equal(scheduler.pending, 0, ending);
    } finally {
      await server.shutdown();
    }
  }
});
