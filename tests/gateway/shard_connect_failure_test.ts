// Connect attempts that fail before the socket opens, against hostile
// loopback servers: every attempt is a typed `error` event with its cause; an
// HTTP refusal's status and Retry-After are read and honoured; a denied
// network permission stops the shard (connect() rejects) with a message
// naming --allow-net. Real sockets, the shard's clock virtual: no sleeps.
import assert from "node:assert/strict";
import { GatewayError } from "../../gateway/errors.ts";
import {
  connectFailure,
  HandshakeError,
  parseRetryAfter,
} from "../../gateway/connect_failure.ts";
import { Shard } from "../../gateway/shard.ts";
import {
  createTcpWebSocketTransport,
  tcpWebSocketTransport,
} from "../../gateway/tcp_transport.ts";
import { type Transport, webSocketTransport } from "../../gateway/transport.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { TEST_CA } from "../_fakes/test_tls.ts";
import { within } from "../_fakes/watchdog.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A server answering every upgrade request with `answer` (an HTTP head). */
function refusingServer(answer: (key: string) => Promise<string> | string): {
  url: string;
  accepted: () => number;
  nextAccept: () => Promise<void>;
  close: () => Promise<void>;
} {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  let accepted = 0;
  let waiters: (() => void)[] = [];
  const conns = new Set<Deno.Conn>();
  const serving = (async () => {
    for await (const conn of listener) {
      accepted++;
      conns.add(conn);
      for (const waiter of waiters.splice(0)) waiter();
      (async () => {
        try {
          let head = "";
          const buffer = new Uint8Array(4096);
          while (!head.includes("\r\n\r\n")) {
            const n = await conn.read(buffer);
            if (n === null) return;
            head += decoder.decode(buffer.subarray(0, n));
          }
          const key = /sec-websocket-key: *(\S+)/i.exec(head)?.[1] ?? "";
          await conn.write(encoder.encode(await answer(key)));
          // Leave the connection to the client to drop.
          while (await conn.read(buffer) !== null) {
            // Discard.
          }
        } catch {
          // The client reset the connection.
        } finally {
          conns.delete(conn);
          try {
            conn.close();
          } catch {
            // Already closed.
          }
        }
      })();
    }
  })();
  return {
    url: `ws://127.0.0.1:${port}`,
    accepted: () => accepted,
    nextAccept: () => {
      const target = accepted + 1;
      return within(
        (async () => {
          while (accepted < target) {
            await new Promise<void>((resolve) => waiters.push(resolve));
          }
        })(),
        "a connection",
      );
    },
    async close(): Promise<void> {
      listener.close();
      await serving.catch(() => {});
      for (const conn of conns) {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      }
      waiters = [];
    },
  };
}

interface Setup {
  shard: Shard;
  scheduler: VirtualScheduler;
  errors: GatewayError[];
  nextError: () => Promise<GatewayError>;
}

function shardTo(url: string, transport: Transport): Setup {
  const scheduler = new VirtualScheduler();
  const shard = new Shard({
    token: "connect-failure-token",
    intents: GatewayIntent.Guilds,
    gatewayUrl: url,
    transport,
    scheduler,
    random: () => 0.5,
  });
  const errors: GatewayError[] = [];
  let waiters: (() => void)[] = [];
  shard.on("error", (error) => {
    errors.push(error);
    for (const waiter of waiters.splice(0)) waiter();
  });
  return {
    shard,
    scheduler,
    errors,
    nextError: () => {
      const target = errors.length + 1;
      return within(
        (async () => {
          while (errors.length < target) {
            await new Promise<void>((resolve) => waiters.push(resolve));
          }
          waiters = [];
          return errors[target - 1]!;
        })(),
        "an error event",
      );
    },
  };
}

async function acceptFor(key: string, wrong = false): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-1",
    encoder.encode(
      (wrong ? "x" : "") + key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
    ),
  );
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

const REFUSALS: {
  name: string;
  head: (key: string) => Promise<string> | string;
  status: number | undefined;
  retryAfter: number | undefined;
  message: RegExp;
}[] = [
  {
    name: "429 with Retry-After",
    head: () =>
      "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n",
    status: 429,
    retryAfter: 7000,
    message:
      /could not connect to 127\.0\.0\.1:\d+: .*'HTTP\/1\.1 429 Too Many Requests'/,
  },
  {
    name: "503 with Retry-After",
    head: () =>
      "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n",
    status: 503,
    retryAfter: 7000,
    message: /'HTTP\/1\.1 503 Service Unavailable'/,
  },
  {
    name: "301 with Location",
    head: () =>
      "HTTP/1.1 301 Moved Permanently\r\nLocation: wss://elsewhere.example/\r\nContent-Length: 0\r\n\r\n",
    status: 301,
    retryAfter: undefined,
    message:
      /301 Moved Permanently' \(Location: wss:\/\/elsewhere\.example\/\)/,
  },
  {
    name: "a bad Sec-WebSocket-Accept",
    head: async (key) =>
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      `Sec-WebSocket-Accept: ${await acceptFor(key, true)}\r\n\r\n`,
    status: undefined,
    retryAfter: undefined,
    message: /'Sec-WebSocket-Accept' does not match the key/,
  },
];

for (const refusal of REFUSALS) {
  Deno.test(`Shard reports each connect attempt refused with ${refusal.name} as a typed error and retries`, async () => {
    const server = refusingServer(refusal.head);
    const s = shardTo(server.url, tcpWebSocketTransport);
    const connecting = s.shard.connect().catch((error) => error);
    try {
      await s.scheduler.advance(0);
      const first = await s.nextError();
      assert.ok(first instanceof GatewayError);
      assert.equal(first.kind, "connect_failed");
      assert.equal(first.shardId, 0);
      assert.equal(first.status, refusal.status);
      assert.equal(first.retryAfter, refusal.retryAfter);
      assert.ok(first.cause instanceof HandshakeError);
      assert.match(first.message, refusal.message);
      assert.equal(s.shard.status, "reconnecting");
      // The next attempt waits for Retry-After when the server sent one
      // (over the 1 s backoff), and then every attempt reports again.
      const wait = s.scheduler.nextDue!;
      assert.equal(wait, refusal.retryAfter ?? wait);
      assert.ok(wait >= 1000, `next attempt at ${wait}`);
      const second = server.nextAccept();
      await s.scheduler.advance(wait);
      await second;
      const again = await s.nextError();
      assert.equal(again.kind, "connect_failed");
      assert.equal(again.status, refusal.status);
      assert.equal(server.accepted(), 2);
    } finally {
      await s.shard.close();
      await server.close();
    }
    const ended = await connecting;
    assert.ok(ended instanceof GatewayError);
    assert.equal(ended.kind, "shard_closed");
  });
}

Deno.test("Shard waits at most 10 minutes for a Retry-After, however long the server asks", async () => {
  let attempts = 0;
  // Every upgrade refused with 429 and Retry-After: one hour.
  const refusing: Transport = (_url, listener) => {
    attempts++;
    queueMicrotask(() => {
      listener.onError(
        new HandshakeError("answered 429", {
          status: 429,
          retryAfter: 3_600_000,
        }),
      );
      listener.onClose(1006, "");
    });
    return { send: () => {}, close: () => {} };
  };
  const s = shardTo("wss://gateway.test", refusing);
  const connecting = s.shard.connect().catch((error) => error);
  await s.scheduler.advance(0);
  assert.equal(s.errors[0]?.retryAfter, 3_600_000);
  // Said on stderr a minute in (the outage); the wait goes on.
  await captureStderr(() => s.scheduler.advance(599_999));
  assert.equal(attempts, 1);
  await s.scheduler.advance(1);
  assert.equal(attempts, 2);
  await s.shard.close();
  await connecting;
});

Deno.test("Shard on the runtime's WebSocket reports a 429 upgrade as connect_failed with the status", async () => {
  const server = refusingServer(() =>
    "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n"
  );
  const s = shardTo(server.url, webSocketTransport);
  const connecting = s.shard.connect().catch((error) => error);
  try {
    await s.scheduler.advance(0);
    const error = await s.nextError();
    assert.equal(error.kind, "connect_failed");
    assert.equal(error.status, 429);
  } finally {
    await s.shard.close();
    await server.close();
  }
  await connecting;
});

const DENIED_HOST = "127.0.0.2:9";
const denied =
  Deno.permissions.querySync({ name: "net", host: DENIED_HOST }).state !==
    "granted";

for (
  const [name, transport] of [
    ["the TCP transport", tcpWebSocketTransport],
    ["the runtime's WebSocket", webSocketTransport],
  ] as const
) {
  Deno.test({
    name:
      `Shard stops with permission_denied naming --allow-net when ${name} may not connect`,
    ignore: !denied,
    fn: async () => {
      const s = shardTo(`ws://${DENIED_HOST}`, transport);
      let error: unknown;
      // On stderr too: a fleet's start() does not wait for its shards.
      const lines = await captureStderr(async () => {
        const connecting = s.shard.connect();
        await s.scheduler.advance(0);
        error = await within(
          connecting.then(() => undefined, (error) => error),
          "connect() to settle",
        );
      });
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.match(
        lines[0]!,
        /^\[ERR\] disruption·gateway·shard: Shard 0 stopped: .*--allow-net/,
      );
      assert.ok(error instanceof GatewayError, String(error));
      assert.equal(error.kind, "permission_denied");
      assert.match(
        error.message,
        /Shard 0 cannot connect to 127\.0\.0\.2:9 as the runtime denies network access: run Deno with --allow-net \(or --allow-net=127\.0\.0\.2:9\)/,
      );
      assert.ok(error.cause instanceof Deno.errors.NotCapable);
      assert.deepEqual(s.errors.map((e) => e.kind), ["permission_denied"]);
      assert.equal(s.shard.status, "closed");
      assert.equal(s.scheduler.pending, 0, "no retry is scheduled");
      await s.shard.close();
    },
  });
}

Deno.test("parseRetryAfter reads seconds and HTTP dates", () => {
  const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
  assert.equal(parseRetryAfter("7", now), 7000);
  assert.equal(parseRetryAfter("0.5", now), 500);
  assert.equal(parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now), 30_000);
  assert.equal(parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now), 0);
  assert.equal(parseRetryAfter("-3", now), undefined);
  assert.equal(parseRetryAfter("soon", now), undefined);
  assert.equal(parseRetryAfter(undefined, now), undefined);
  // "0" is at once; a part of a millisecond waits the whole one; an empty
  // or blank header says nothing (not "0").
  assert.equal(parseRetryAfter("0", now), 0);
  assert.equal(parseRetryAfter("0.0001", now), 1);
  assert.equal(parseRetryAfter("", now), undefined);
  assert.equal(parseRetryAfter("  ", now), undefined);
  assert.equal(parseRetryAfter(null, now), undefined);
});

Deno.test("connectFailure reads the status of a runtime's refused upgrade, its message with a colon or without", () => {
  for (
    const message of [
      "Invalid status code: 429 Too Many Requests",
      "Invalid status code 429",
    ]
  ) {
    const error = connectFailure(new Error(message), 3, "wss://gateway.test");
    assert.equal(error.kind, "connect_failed");
    assert.equal(error.status, 429, message);
  }
});

Deno.test("Shard shows a failed connect before its first session on stderr, with no logging configured", async () => {
  // Nothing listens on the port: every attempt is refused. Before this was
  // visible, a bot whose network, proxy or gatewayUrl was wrong waited in
  // start() forever and printed nothing.
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (closed.addr as Deno.NetAddr).port;
  closed.close();
  const s = shardTo(`ws://127.0.0.1:${port}`, tcpWebSocketTransport);
  let connecting: Promise<unknown> | undefined;
  const lines = await captureStderr(async () => {
    connecting = s.shard.connect().catch((error) => error);
    await s.scheduler.advance(0);
    const first = await s.nextError();
    assert.equal(first.kind, "connect_failed");
  });
  await s.shard.close();
  assert.ok((await connecting) instanceof GatewayError);
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(
    lines[0]!,
    new RegExp(`could not connect to 127\\.0\\.0\\.1:${port}.*trying again`),
  );
});

/**
 * A host that never answers a connect (a blackholed route, a firewall that
 * drops SYNs), on loopback: a listener that never accepts, its accept queue
 * filled, so the kernel drops every further SYN and a connect waits until
 * the OS gives up (about two minutes). A probe connect that has not
 * completed after 300 ms tells the queue is full.
 */
async function blackhole(): Promise<{ port: number; close(): void }> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const queued: Deno.Conn[] = [];
  const close = () => {
    for (const conn of queued) conn.close();
    listener.close();
  };
  try {
    for (;;) {
      if (queued.length > 65_536) throw new Error("The queue never filled");
      const probe = new AbortController();
      const timer = setTimeout(() => probe.abort(), 300);
      try {
        queued.push(
          await Deno.connect({
            hostname: "127.0.0.1",
            port,
            signal: probe.signal,
          }),
        );
      } catch (error) {
        if (!probe.signal.aborted) throw error;
        return { port, close };
      } finally {
        clearTimeout(timer);
      }
    }
  } catch (error) {
    close();
    throw error;
  }
}

/** A transport whose sockets say when `Deno.connect` was called and closed. */
function watchedTcpTransport(base: Transport): {
  transport: Transport;
  closes: Promise<number>[];
} {
  const closes: Promise<number>[] = [];
  const transport: Transport = (url, listener) => {
    const closed = Promise.withResolvers<number>();
    closes.push(closed.promise);
    return base(url, {
      ...listener,
      onClose: (code, reason) => {
        closed.resolve(code);
        listener.onClose(code, reason);
      },
    });
  };
  return { transport, closes };
}

for (const scheme of ["ws", "wss"] as const) {
  const base = scheme === "wss"
    ? createTcpWebSocketTransport({ caCerts: [TEST_CA] })
    : tcpWebSocketTransport;

  Deno.test(`tcpWebSocketTransport close() cancels a ${scheme}:// connect to a host that never answers`, async () => {
    // The connect went on after close() (Deno.connect had no signal): the
    // close was reported only when the OS gave up, two minutes later, and
    // the pending connect kept the process alive that long.
    const hole = await blackhole();
    const deno = Deno as unknown as { connect: typeof Deno.connect };
    const connect = deno.connect;
    const dialled = Promise.withResolvers<void>();
    deno.connect = ((options: Deno.ConnectOptions) => {
      dialled.resolve();
      return connect(options);
    }) as typeof Deno.connect;
    try {
      const { transport, closes } = watchedTcpTransport(base);
      const socket = transport(`${scheme}://127.0.0.1:${hole.port}/`, {
        onOpen: () => assert.fail("a blackhole never opens"),
        onMessage: () => {},
        onError: () => {},
        onClose: () => {},
      });
      await within(dialled.promise, "the connect to start");
      socket.close(1000);
      assert.equal(
        await within(closes[0]!, "the close, at once", 2_000),
        1006,
      );
    } finally {
      deno.connect = connect;
      hole.close();
    }
  });

  Deno.test(`Shard's connect timeouts and close() leave no ${scheme}:// connect pending to a host that never answers`, async () => {
    // Each 10 s connect timeout of an outage left its connect behind, and
    // close() resolved (after timeouts.close) with them still pending.
    const hole = await blackhole();
    const { transport, closes } = watchedTcpTransport(base);
    const s = shardTo(`${scheme}://127.0.0.1:${hole.port}`, transport);
    const connecting = s.shard.connect().catch((error) => error);
    try {
      for (let attempt = 1; attempt <= 3; attempt++) {
        while (closes.length < attempt) await s.scheduler.advance(1_000);
        await s.scheduler.advance(10_000); // timeouts.connect
        assert.equal(
          await within(closes[attempt - 1]!, `attempt ${attempt}'s close`),
          1006,
        );
      }
      assert.deepEqual(
        [...new Set(s.errors.map((error) => error.kind))],
        ["timeout"],
      );
      while (closes.length < 4) await s.scheduler.advance(1_000);
      // No virtual time passes: close() resolves once the socket reports
      // its close, not at timeouts.close.
      await within(s.shard.close(), "close() while connecting", 2_000);
      assert.equal(await within(closes[3]!, "the last close"), 1006);
      assert.equal(s.scheduler.pending, 0, "no timer left");
    } finally {
      await s.shard.close();
      hole.close();
    }
    assert.ok((await connecting) instanceof GatewayError);
  });
}

Deno.test("tcpWebSocketTransport close() in the turn its connect completes leaves no socket open", async () => {
  // Aborted in that turn, Deno.connect rejected and dropped the connection
  // it had made, open for good: a close() from a Deno.serve handler (an
  // admin "restart" endpoint) leaked one socket each time. A subprocess,
  // so that sockets of tests running in parallel do not count.
  const fixture = new URL(
    "../_fakes/connect_abort_race_fixture.ts",
    import.meta.url,
  );
  const { code, stdout, stderr } = await new Deno.Command("deno", {
    args: [
      "run",
      "--no-check",
      // Reading /proc/self/fd's links needs every permission.
      "--allow-all",
      fixture.pathname,
    ],
    env: {
      NO_COLOR: "1",
      FORCE_COLOR: "", // Deno lets FORCE_COLOR (set on some CI boxes) beat NO_COLOR
      NO_PROXY: "127.0.0.1,localhost",
      no_proxy: "127.0.0.1,localhost",
    },
  }).output();
  assert.equal(code, 0, decoder.decode(stderr));
  assert.deepEqual(JSON.parse(decoder.decode(stdout)), { left: 0 });
});

Deno.test("Shard over wss:// with a malformed caCerts entry reports the certificate error, not the socket's", async () => {
  // Deno.startTls takes the TCP socket before it parses caCerts: closing
  // that socket again threw "Bad resource ID", which hid the real error.
  const gateway = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of gateway) held.push(conn);
  })();
  const s = shardTo(
    `wss://localhost:${gateway.addr.port}`,
    // A CA bundle with a typo, as a user might paste it.
    createTcpWebSocketTransport({
      caCerts: [TEST_CA.replace(/\n(.{10})/, "\n!$1")],
    }),
  );
  const connecting = s.shard.connect().catch((error) => error);
  try {
    const failed = s.nextError();
    // The first attempt's timers start; the failure itself is real I/O.
    await s.scheduler.advance(0);
    const error = await failed;
    assert.equal(error.kind, "connect_failed");
    assert.doesNotMatch(String(error.cause), /Bad resource/);
    assert.match(String(error.cause), /pem|certificate/i);
  } finally {
    await s.shard.close();
    await connecting;
    for (const conn of held) conn.close();
    gateway.close();
    await accepting.catch(() => {});
  }
});
