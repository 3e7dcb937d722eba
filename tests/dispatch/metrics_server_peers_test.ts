// The metrics endpoint toward peers that hold connections: it listens on
// 0.0.0.0 by default, and under Deno.serve idle or trickling peers kept
// every connection (and file descriptor) they opened, until the service's
// own connects to Redis and RabbitMQ failed with EMFILE.
import assert from "node:assert/strict";
import {
  HEAD_TIMEOUT_MS,
  LINGER_MS,
  MAX_CONNECTIONS,
  MetricsServer,
} from "../../dispatch/metrics_server.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const routes = {
  "/metrics": () => new Response("up 1\n"),
  "/healthcheck": () =>
    Response.json({ status: "UNAVAILABLE" }, { status: 503 }),
  "/broken": (): Response => {
    throw new Error("route failed");
  },
};

const encoder = new TextEncoder();

function connect(server: MetricsServer): Promise<Deno.TcpConn> {
  return Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
}

/**
 * Send `text` on `conn` and read until the server closes: the answer, or
 * "closed" when the server had closed the connection without one.
 */
async function exchange(conn: Deno.Conn, text: string): Promise<string> {
  let answer = "";
  try {
    await conn.write(encoder.encode(text));
    const buffer = new Uint8Array(4096);
    for (;;) {
      const read = await conn.read(buffer);
      if (read === null) break;
      answer += new TextDecoder().decode(buffer.subarray(0, read));
    }
  } catch (error) {
    // The server closed first: our write met a reset.
    if (
      !(error instanceof Deno.errors.ConnectionReset ||
        error instanceof Deno.errors.BrokenPipe)
    ) throw error;
  } finally {
    conn.close();
  }
  return answer === "" ? "closed" : answer;
}

/**
 * A whole request on a new connection; its answer. (Requests that must
 * also end under Deno.serve, to see these tests fail there, say
 * `Connection: close`.)
 */
async function request(server: MetricsServer, text: string): Promise<string> {
  return exchange(await connect(server), text);
}

function statusLine(answer: string): string {
  return answer.split("\r\n")[0]!;
}

/**
 * Send `text` on `conn` and read the answer until the server closes its
 * side, keeping the connection open: the server lingers on it until the
 * peer closes, or LINGER_MS pass (the counts the tests assert stay put).
 */
async function answerOf(conn: Deno.Conn, text: string): Promise<string> {
  await conn.write(encoder.encode(text));
  const buffer = new Uint8Array(4096);
  let answer = "";
  for (;;) {
    const read = await conn.read(buffer);
    if (read === null) return answer;
    answer += new TextDecoder().decode(buffer.subarray(0, read));
  }
}

Deno.test("metrics endpoint: past MAX_CONNECTIONS a new connection closes the oldest one still waiting for its head (idle peers held every file descriptor)", async () => {
  const scheduler = new VirtualScheduler();
  const server = new MetricsServer({
    hostname: "127.0.0.1",
    port: 0,
    routes,
    scheduler,
  });
  const extra = 16;
  const idle: Deno.TcpConn[] = [];
  try {
    for (let i = 0; i < MAX_CONNECTIONS + extra; i++) {
      const conn = await connect(server);
      idle.push(conn);
      // Some send nothing, some part of a head.
      if (i % 2) await conn.write(encoder.encode("GET /metrics"));
    }
    // Connections are accepted in order: once this one is answered, every
    // idle one before it was taken in (and the cap applied).
    const last = await connect(server);
    idle.push(last);
    assert.equal(
      statusLine(
        await answerOf(
          last,
          "GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n",
        ),
      ),
      "HTTP/1.1 200 OK",
    );
    // The idle ones left, and the one answered, lingering.
    assert.equal(server.connections, MAX_CONNECTIONS);
    // The oldest `extra` were closed for the newer idle ones, one more for
    // the request; the others still wait for their head.
    const answers: string[] = [];
    for (const [i, conn] of idle.slice(0, -1).entries()) {
      answers.push(
        statusLine(
          await exchange(
            conn,
            `${
              i % 2 ? "" : "GET /metrics"
            } HTTP/1.1\r\nConnection: close\r\n\r\n`,
          ),
        ),
      );
    }
    assert.deepEqual(answers, [
      ...Array(extra + 1).fill("closed"),
      ...Array(MAX_CONNECTIONS - 1).fill("HTTP/1.1 200 OK"),
    ]);
    await scheduler.advance(LINGER_MS);
    assert.equal(server.connections, 0);
  } finally {
    for (const conn of idle) {
      try {
        conn.close();
      } catch {
        // Closed by exchange().
      }
    }
    await server.shutdown();
  }
});

Deno.test("metrics endpoint: a peer has HEAD_TIMEOUT_MS from connecting to send its whole head, however it trickles; shutdown closes the ones still waiting at once", async () => {
  const scheduler = new VirtualScheduler();
  const server = new MetricsServer({
    hostname: "127.0.0.1",
    port: 0,
    routes,
    scheduler,
  });
  const punctual = await connect(server);
  const trickling = await connect(server);
  const answered = await connect(server);
  try {
    await punctual.write(encoder.encode("GET /metrics HTTP/1.1\r\nHost: a"));
    // Accepted in order: after this answer, the three have their deadline.
    assert.equal(
      statusLine(
        await answerOf(
          answered,
          "GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n",
        ),
      ),
      "HTTP/1.1 200 OK",
    );
    // The answered one lingers (until LINGER_MS, before the head's deadline).
    assert.equal(server.connections, 3);
    // A byte every HEAD_TIMEOUT_MS / 10 does not move the deadline.
    for (const byte of "GET /metr") {
      await trickling.write(encoder.encode(byte));
      await scheduler.advance(HEAD_TIMEOUT_MS / 10);
    }
    await scheduler.advance(HEAD_TIMEOUT_MS / 10 - 1);
    // Within the time: answered (and lingering).
    assert.equal(
      statusLine(await answerOf(punctual, "\r\nConnection: close\r\n\r\n")),
      "HTTP/1.1 200 OK",
    );
    await scheduler.advance(1);
    assert.equal(server.connections, 1);
    assert.equal(
      await exchange(trickling, "ics HTTP/1.1\r\nConnection: close\r\n\r\n"),
      "closed",
    );
    await scheduler.advance(LINGER_MS);
    assert.equal(server.connections, 0);
    // Shutting down waits for no head, nor a lingering peer.
    const waiting = await connect(server);
    const answered2 = await connect(server);
    assert.equal(
      statusLine(
        await answerOf(
          answered2,
          "GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n",
        ),
      ),
      "HTTP/1.1 200 OK",
    );
    assert.equal(server.connections, 2);
    await server.shutdown();
    assert.equal(server.connections, 0);
    assert.equal(
      await exchange(
        waiting,
        "GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n",
      ),
      "closed",
    );
    answered2.close();
    assert.equal(scheduler.pending, 0);
  } finally {
    punctual.close();
    answered.close();
    await server.shutdown();
  }
});

Deno.test("metrics endpoint: a flood of slowloris peers leaves a real request answered and the connections capped", async () => {
  const scheduler = new VirtualScheduler();
  const server = new MetricsServer({
    hostname: "127.0.0.1",
    port: 0,
    routes,
    scheduler,
  });
  const flood: Deno.TcpConn[] = [];
  try {
    for (let i = 0; i < 300; i++) {
      const conn = await connect(server);
      flood.push(conn);
      await conn.write(encoder.encode("GET /metrics HTTP/1.1\r\nX-A: "));
    }
    const response = await fetch(
      `http://127.0.0.1:${server.addr.port}/metrics`,
    );
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "up 1\n");
    assert.ok(server.connections <= MAX_CONNECTIONS, `${server.connections}`);
  } finally {
    for (const conn of flood) conn.close();
    await server.shutdown();
  }
});

Deno.test("metrics endpoint: the answer's status, headers and body; empty lines before the request line ignored; 400 for a malformed head, 431 past 8 KiB, 405 with Allow, 404, 500 for a route that throws", async () => {
  const scheduler = new VirtualScheduler();
  const server = new MetricsServer({
    hostname: "127.0.0.1",
    port: 0,
    routes,
    scheduler,
  });
  try {
    assert.equal(
      await request(server, "GET /metrics?x=1 HTTP/1.1\r\nHost: a:1\r\n\r\n"),
      "HTTP/1.1 200 OK\r\ncontent-type: text/plain;charset=UTF-8\r\n" +
        "content-length: 5\r\nconnection: close\r\n\r\nup 1\n",
    );
    // HEAD: the length GET would have, no body.
    assert.equal(
      await request(server, "HEAD /metrics HTTP/1.1\r\n\r\n"),
      "HTTP/1.1 200 OK\r\ncontent-type: text/plain;charset=UTF-8\r\n" +
        "content-length: 5\r\nconnection: close\r\n\r\n",
    );
    // A route's status and body as they are.
    assert.equal(
      await request(server, "GET /healthcheck HTTP/1.0\n\n"),
      "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n" +
        'content-length: 24\r\nconnection: close\r\n\r\n{"status":"UNAVAILABLE"}',
    );
    const cases: [string, string][] = [
      ["GET http://a/metrics HTTP/1.1\r\n\r\n", "200 OK"],
      ["GET /metrics HTTP/1.1\r\nX-Empty:\r\nX-B:  b \r\n\r\n", "200 OK"],
      // RFC 9112 §2.2: empty lines before the request line are ignored
      // (Deno.serve did), up to MAX_LEADING_EMPTY_LINES.
      ["\r\nGET /metrics HTTP/1.1\r\n\r\n", "200 OK"],
      ["\r\n\r\nGET /metrics HTTP/1.1\r\n\r\n", "200 OK"],
      ["\n\r\n\n\r\nGET /metrics HTTP/1.1\r\nHost: a\r\n\r\n", "200 OK"],
      ["\r\n".repeat(5) + "GET /metrics HTTP/1.1\r\n\r\n", "400 Bad Request"],
      ["GARBAGE\r\n\r\n", "400 Bad Request"],
      ["GET /metrics HTTP/2.0\r\n\r\n", "400 Bad Request"],
      ["GET  /metrics HTTP/1.1\r\n\r\n", "400 Bad Request"],
      ["GET /metrics HTTP/1.1\r\nno colon\r\n\r\n", "400 Bad Request"],
      ["GET /metrics HTTP/1.1\r\nX-A: a\r\n folded\r\n\r\n", "400 Bad Request"],
      ["GET /metrics HTTP/1.1\r\nX-A: a\rb\r\n\r\n", "400 Bad Request"],
      [
        "GET /metrics HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "400 Bad Request",
      ],
      ["GET metrics HTTP/1.1\r\n\r\n", "400 Bad Request"],
      ["GET ftp://a/metrics HTTP/1.1\r\n\r\n", "400 Bad Request"],
      [
        `GET /metrics HTTP/1.1\r\nX-A: ${"a".repeat(9000)}\r\n\r\n`,
        "431 Request Header Fields Too Large",
      ],
      ["get /metrics HTTP/1.1\r\n\r\n", "405 Method Not Allowed"],
      ["OPTIONS * HTTP/1.1\r\n\r\n", "405 Method Not Allowed"],
      ["//metrics", "404 Not Found"],
      ["/metrics/", "404 Not Found"],
      ["/hasOwnProperty", "404 Not Found"],
      ["/broken", "500 Internal Server Error"],
    ];
    for (const [head, status] of cases) {
      const text = head.startsWith("/") ? `GET ${head} HTTP/1.1\r\n\r\n` : head;
      const answer = await request(server, text);
      assert.equal(statusLine(answer), `HTTP/1.1 ${status}`, head.slice(0, 60));
      if (status.startsWith("405")) {
        assert.match(answer, /\r\nallow: GET, HEAD\r\n/);
      }
    }
    // The answered ones linger until their peer closes, LINGER_MS at most.
    await scheduler.advance(LINGER_MS);
    assert.equal(server.connections, 0);
  } finally {
    await server.shutdown();
  }
});

Deno.test("metrics endpoint: an answer reaches a peer that sent more after its head, whole (closing with those bytes unread reset the connection and cut a large /metrics)", async () => {
  const scheduler = new VirtualScheduler();
  const size = 4 * 1024 * 1024;
  let entered!: () => void;
  const routeEntered = new Promise<void>((resolve) => entered = resolve);
  let release!: () => void;
  const released = new Promise<void>((resolve) => release = resolve);
  const server = new MetricsServer({
    hostname: "127.0.0.1",
    port: 0,
    routes: {
      "/metrics": async () => {
        entered();
        await released;
        return new Response("x".repeat(size));
      },
    },
    scheduler,
  });
  const conn = await connect(server);
  try {
    await conn.write(encoder.encode("GET /metrics HTTP/1.1\r\n\r\n"));
    // The head was read: the next request stays unread in the kernel.
    await routeEntered;
    await conn.write(encoder.encode("GET /metrics HTTP/1.1\r\n\r\n"));
    release();
    const buffer = new Uint8Array(64 * 1024);
    let received = 0;
    let reset = false;
    try {
      for (;;) {
        const read = await conn.read(buffer);
        if (read === null) break;
        received += read;
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.ConnectionReset)) throw error;
      reset = true;
    }
    assert.equal(reset, false, `reset after ${received} bytes`);
    assert.ok(received > size, `${received} bytes`);
    // It lingers, reading what the peer sends, until LINGER_MS pass.
    assert.equal(server.connections, 1);
    await scheduler.advance(LINGER_MS - 1);
    assert.equal(server.connections, 1);
    await scheduler.advance(1);
    assert.equal(server.connections, 0);
    assert.equal(scheduler.pending, 0);
  } finally {
    conn.close();
    await server.shutdown();
  }
});

Deno.test("metrics endpoint: connections lingering after their answer count toward MAX_CONNECTIONS and are closed first past it; shutdown closes them at once", async () => {
  const scheduler = new VirtualScheduler();
  const server = new MetricsServer({
    hostname: "127.0.0.1",
    port: 0,
    routes,
    scheduler,
  });
  const open: Deno.TcpConn[] = [];
  try {
    const answered = await connect(server);
    open.push(answered);
    assert.equal(
      statusLine(await answerOf(answered, "GET /metrics HTTP/1.1\r\n\r\n")),
      "HTTP/1.1 200 OK",
    );
    assert.equal(server.connections, 1, "lingering");
    const idle: Deno.TcpConn[] = [];
    for (let i = 0; i < MAX_CONNECTIONS - 1; i++) {
      idle.push(await connect(server));
    }
    open.push(...idle);
    // The 65th: the lingering one is closed for it, not the oldest idle.
    const last = await connect(server);
    open.push(last);
    assert.equal(
      statusLine(await answerOf(last, "GET /metrics HTTP/1.1\r\n\r\n")),
      "HTTP/1.1 200 OK",
    );
    assert.equal(server.connections, MAX_CONNECTIONS);
    const answers: string[] = [];
    for (const conn of idle) {
      answers.push(
        statusLine(await answerOf(conn, "GET /metrics HTTP/1.1\r\n\r\n")),
      );
    }
    assert.deepEqual(
      answers,
      Array(MAX_CONNECTIONS - 1).fill("HTTP/1.1 200 OK"),
    );
    assert.equal(server.connections, MAX_CONNECTIONS, "all lingering");
    let stopped = false;
    const stopping = server.shutdown().then(() => stopped = true);
    await scheduler.flushMicrotasks();
    assert.equal(stopped, true, "no wait for lingering connections");
    await stopping;
    assert.equal(server.connections, 0);
    assert.equal(scheduler.pending, 0);
  } finally {
    for (const conn of open) conn.close();
    await server.shutdown();
  }
});
