// The metrics endpoint toward peers that hold connections: it listens on
// 0.0.0.0 by default, and under Deno.serve idle or trickling peers kept
// every connection (and file descriptor) they opened, until the service's
// own connects to Redis and RabbitMQ failed with EMFILE.
import assert from "node:assert/strict";
import {
  HEAD_TIMEOUT_MS,
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
    assert.equal(
      statusLine(
        await request(
          server,
          "GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n",
        ),
      ),
      "HTTP/1.1 200 OK",
    );
    assert.equal(server.connections, MAX_CONNECTIONS - 1);
    // The oldest `extra` were closed for the newer idle ones, one more for
    // the request; the others still wait for their head.
    const answers: string[] = [];
    for (const [i, conn] of idle.entries()) {
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
  try {
    await punctual.write(encoder.encode("GET /metrics HTTP/1.1\r\nHost: a"));
    // Accepted in order: after this answer, the three have their deadline.
    assert.equal(
      statusLine(
        await request(
          server,
          "GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n",
        ),
      ),
      "HTTP/1.1 200 OK",
    );
    assert.equal(server.connections, 2);
    // A byte every HEAD_TIMEOUT_MS / 10 does not move the deadline.
    for (const byte of "GET /metr") {
      await trickling.write(encoder.encode(byte));
      await scheduler.advance(HEAD_TIMEOUT_MS / 10);
    }
    await scheduler.advance(HEAD_TIMEOUT_MS / 10 - 1);
    // Within the time: answered.
    assert.equal(
      statusLine(await exchange(punctual, "\r\nConnection: close\r\n\r\n")),
      "HTTP/1.1 200 OK",
    );
    await scheduler.advance(1);
    assert.equal(server.connections, 0);
    assert.equal(
      await exchange(trickling, "ics HTTP/1.1\r\nConnection: close\r\n\r\n"),
      "closed",
    );
    // Shutting down waits for no head.
    const waiting = await connect(server);
    assert.equal(
      statusLine(
        await request(
          server,
          "GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n",
        ),
      ),
      "HTTP/1.1 200 OK",
    );
    assert.equal(server.connections, 1);
    await server.shutdown();
    assert.equal(server.connections, 0);
    assert.equal(
      await exchange(
        waiting,
        "GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n",
      ),
      "closed",
    );
    assert.equal(scheduler.pending, 0);
  } finally {
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

Deno.test("metrics endpoint: the answer's status, headers and body; 400 for a malformed head, 431 past 8 KiB, 405 with Allow, 404, 500 for a route that throws", async () => {
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
    assert.equal(server.connections, 0);
  } finally {
    await server.shutdown();
  }
});
