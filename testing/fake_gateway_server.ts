/**
 * Serve a {@linkcode FakeGateway} on a real WebSocket on 127.0.0.1, for
 * clients that bring their own socket (or to test a transport end to end).
 *
 * Deno only: it uses `Deno.serve`, `Deno.upgradeWebSocket`, `Deno.listen`
 * (`Deno.listenTls` for `wss://`) and `Deno.connect`, and needs
 * `--allow-net=127.0.0.1`.
 *
 * @module
 */
import type {
  FakeGatewayCarrier,
  FakeGatewayPeer,
  FakeGatewayUrlKind,
} from "./fake_gateway_peer.ts";
import { ClientFrameBoundary } from "./_client_frame_boundary.ts";
import { RelayProbes } from "./_relay_probes.ts";
import { writeAll } from "../base/write_all.ts";

/** Options for {@linkcode serveFakeGateway}. */
export interface FakeGatewayServerOptions {
  /**
   * The port on 127.0.0.1; 0 picks a free one.
   *
   * @default {0}
   */
  port?: number;
  /**
   * Serve `wss://` instead of `ws://`: a PEM certificate chain and its
   * private key. The URLs then read `wss://127.0.0.1:<port>/`, so the
   * certificate must name the IP address 127.0.0.1, and clients must trust
   * its issuer (`createTcpWebSocketTransport({ caCerts })`, or Deno's
   * `--cert`).
   */
  tls?: { cert: string; key: string };
}

/** A running loopback server; close it when done. */
export interface FakeGatewayServer extends AsyncDisposable {
  /** The main URL, `ws://127.0.0.1:<port>/` (`wss://` with `tls`). */
  readonly url: string;
  /**
   * The resume URL, `ws://127.0.0.1:<port>/resume` (`wss://` with `tls`):
   * what READY advertises as
   * `resume_gateway_url` on connections made through this server.
   */
  readonly resumeUrl: string;
  /** The port it listens on. */
  readonly port: number;
  /**
   * Stop listening and drop every connection still open (call
   * {@linkcode FakeGateway.close} first for close frames). Resolves once
   * every socket and task is gone.
   */
  close(): Promise<void>;
}

/** One relayed connection: the bot's side (outer) and the server's (inner). */
interface Pair {
  outer: Deno.Conn;
  inner: Deno.Conn;
  closed: boolean;
  /** The server side's WebSocket is upgraded and not closed yet. */
  upgraded: boolean;
  /** The relay cut the link: the gateway is told 1006, whatever follows. */
  cut: boolean;
  /** Client frames written to the server side so far. */
  boundary: ClientFrameBoundary;
  /** Writes to the server side, in order. */
  toServer: Promise<void>;
  /** What the bot has read, for `FakeGateway.delivered`. */
  probes: RelayProbes;
}

function closeConn(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}

/**
 * Listen on 127.0.0.1 and carry every WebSocket connection to `gateway`:
 * `/` is the main URL and `/resume` the resume URL (READY's
 * `resume_gateway_url`), so tests can tell which one a client used. Any
 * other path gets 404; a connection the gateway refuses gets 503.
 *
 * A thin TCP relay sits in front of `Deno.serve`, so the fake can also drop
 * a connection without a close frame ({@linkcode FakeGateway.dropConnection}),
 * which the WebSocket API alone cannot do.
 *
 * @param gateway The fake to serve. It keeps its clock, options and state,
 * and its {@linkcode FakeGateway.url} / {@linkcode FakeGateway.resumeUrl}
 * become this server's (its in-process transport answers on those too).
 * @param options The port, and TLS for `wss://`.
 * @returns The running server.
 *
 * @example Connect a real WebSocket
 * ```ts
 * import {
 *   FakeGateway,
 *   serveFakeGateway,
 *   VirtualScheduler,
 * } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const gateway = new FakeGateway({ scheduler: new VirtualScheduler() });
 * const server = await serveFakeGateway(gateway);
 * const ws = new WebSocket(`${server.url}?v=10&encoding=json`);
 * const hello = await new Promise<{ op: number }>((resolve) => {
 *   ws.onmessage = (event) => resolve(JSON.parse(event.data));
 * });
 * assert.equal(hello.op, 10);
 * const closed = new Promise((resolve) => ws.onclose = resolve);
 * ws.close(4000);
 * await closed;
 * gateway.close();
 * await server.close();
 * ```
 */
export function serveFakeGateway(
  gateway: FakeGatewayCarrier,
  options: FakeGatewayServerOptions = {},
): Promise<FakeGatewayServer> {
  try {
    return Promise.resolve(startServer(gateway, options));
  } catch (error) {
    return Promise.reject(error);
  }
}

function startServer(
  gateway: FakeGatewayCarrier,
  options: FakeGatewayServerOptions,
): FakeGatewayServer {
  const requested = options.port ?? 0;
  if (!Number.isInteger(requested) || requested < 0 || requested > 65535) {
    throw new RangeError(
      `Cannot serve the fake gateway as 'port' must be an integer from 0 to 65535: current value 'port=${requested}'`,
    );
  }
  // TLS, when asked for, ends at the relay: the inner server stays plain.
  const listener: Deno.Listener = options.tls
    ? Deno.listenTls({
      hostname: "127.0.0.1",
      port: requested,
      cert: options.tls.cert,
      key: options.tls.key,
    })
    : Deno.listen({ hostname: "127.0.0.1", port: requested });
  const port = (listener.addr as Deno.NetAddr).port;
  const scheme = options.tls ? "wss" : "ws";
  const url = `${scheme}://127.0.0.1:${port}/`;
  const resumeUrl = `${scheme}://127.0.0.1:${port}/resume`;
  gateway.setUrls(url, resumeUrl);

  /** Relay pairs by the relay's local port (the inner server's remote port). */
  const pairs = new Map<number, Pair>();
  const tasks = new Set<Promise<void>>();
  const socketsClosed = new Set<Promise<void>>();
  let closing: Promise<void> | undefined;

  /**
   * Cut the link: the bot's side sees a drop (no close frame). The server
   * side, when its WebSocket is still open, gets the frame in flight
   * finished and a close frame first (see `_client_frame_boundary.ts`: an
   * upgraded Deno.serve socket cut without one keeps the process alive
   * ~15 s).
   */
  const closePair = (pair: Pair): void => {
    if (pair.closed) return;
    pair.closed = true;
    pair.probes.end();
    closeConn(pair.outer);
    if (!pair.upgraded || pair.boundary.sentClose) {
      closeConn(pair.inner);
      return;
    }
    pair.cut = true;
    const farewell = pair.toServer.then(async () => {
      const bytes = pair.boundary.closing();
      if (bytes) await writeAll(pair.inner, bytes);
    }).catch(() => {}).finally(() => closeConn(pair.inner));
    track(farewell);
  };

  const track = (task: Promise<void>): void => {
    tasks.add(task);
    task.finally(() => tasks.delete(task));
  };

  const inner = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request, info) => {
      const pair = pairs.get(info.remoteAddr.port);
      const target = new URL(request.url);
      const path = target.pathname.replace(/\/+$/, "") || "/";
      const kind: FakeGatewayUrlKind | undefined = path === "/"
        ? "main"
        : path === "/resume"
        ? "resume"
        : undefined;
      if (!kind) return new Response("Not found", { status: 404 });
      if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
        return new Response("Upgrade required", { status: 426 });
      }

      // Set once upgraded; the peer's actions wait for it to open.
      const ws: { socket?: WebSocket } = {};
      let open = false;
      const pending: (() => void)[] = [];
      const whenOpen = (action: () => void): void => {
        if (open) action();
        else pending.push(action);
      };
      const peer: FakeGatewayPeer = {
        send: (frame) =>
          whenOpen(() => {
            try {
              ws.socket?.send(frame);
            } catch {
              // The socket is closing; the frame is lost, as on a real one.
            }
          }),
        close: (code, reason) =>
          whenOpen(() => {
            try {
              ws.socket?.close(code, reason);
            } catch {
              // A code or reason the runtime will not send: drop instead.
              if (pair) closePair(pair);
            }
          }),
        drop: () => {
          if (pair) closePair(pair);
        },
        // A marker after the frames sent so far, which the relay turns
        // into a ping (see `_relay_probes.ts`).
        delivered: () => {
          if (!pair) return Promise.resolve();
          const { marker, read } = pair.probes.probe();
          whenOpen(() => {
            try {
              ws.socket?.send(marker);
            } catch {
              // The socket is closing: the link's end settles the probe.
            }
          });
          return read;
        },
      };
      const publicUrl =
        `${scheme}://127.0.0.1:${port}${target.pathname}${target.search}`;
      const handle = gateway.acceptConnection(publicUrl, peer, {
        kind,
        resumeUrl,
      });
      if (!handle) return new Response("Unavailable", { status: 503 });

      let upgraded: { socket: WebSocket; response: Response };
      try {
        // No WebSocket pings of Deno's own: their default 30 s timeout
        // closed a bot blocked that long with 1001, which the engine takes
        // as the bot's close and ends the session. Liveness is the
        // heartbeat's, as on Discord: a missed one closes 4000, resumable.
        upgraded = Deno.upgradeWebSocket(request, { idleTimeout: 0 });
      } catch {
        handle.clientClose(1006, "");
        return new Response("Bad upgrade", { status: 400 });
      }
      const socket = upgraded.socket;
      ws.socket = socket;
      socket.binaryType = "arraybuffer";
      let resolveClosed!: () => void;
      const closed = new Promise<void>((resolve) => resolveClosed = resolve);
      socketsClosed.add(closed);
      closed.then(() => socketsClosed.delete(closed));
      if (pair) pair.upgraded = true;
      socket.onopen = () => {
        open = true;
        for (const action of pending.splice(0)) action();
      };
      socket.onmessage = (event: MessageEvent) => {
        if (pair?.cut) return; // the relay's filler, never sent by the bot
        const data = event.data;
        handle.receive(
          typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer),
        );
      };
      socket.onerror = () => {};
      socket.onclose = (event: CloseEvent) => {
        if (pair) pair.upgraded = false;
        if (pair?.cut) handle.clientClose(1006, "");
        else handle.clientClose(event.code, event.reason);
        resolveClosed();
      };
      return upgraded.response;
    },
  );

  /** The bot's bytes to the server side, frame boundaries tracked. */
  const pumpToServer = async (pair: Pair): Promise<void> => {
    const buffer = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await pair.outer.read(buffer);
        if (n === null || pair.closed) break;
        const chunk = buffer.slice(0, n);
        const upgraded = pair.upgraded;
        pair.toServer = pair.toServer.then(async () => {
          await writeAll(pair.inner, chunk);
          // Bytes before the upgrade are the HTTP request, not frames.
          if (upgraded) {
            pair.boundary.feed(chunk);
            pair.probes.fromBot(chunk);
          }
        });
        await pair.toServer;
      }
    } catch {
      // Closed under us: that is how a relay ends.
    }
    closePair(pair);
  };

  /** The server's bytes to the bot. */
  const pumpToClient = async (pair: Pair): Promise<void> => {
    const buffer = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await pair.inner.read(buffer);
        if (n === null) break;
        const bytes = pair.probes.toBot(buffer.subarray(0, n));
        if (bytes.length > 0) await writeAll(pair.outer, bytes);
      }
    } catch {
      // Closed under us: that is how a relay ends.
    }
    closePair(pair);
  };

  const accepting = (async () => {
    try {
      for await (const outer of listener) {
        let innerConn: Deno.Conn;
        try {
          innerConn = await Deno.connect({
            hostname: "127.0.0.1",
            port: inner.addr.port,
          });
        } catch {
          outer.close();
          continue;
        }
        const pair: Pair = {
          outer,
          inner: innerConn,
          closed: false,
          upgraded: false,
          cut: false,
          boundary: new ClientFrameBoundary(),
          toServer: Promise.resolve(),
          probes: new RelayProbes(),
        };
        if (closing) {
          closePair(pair);
          continue;
        }
        const key = (innerConn.localAddr as Deno.NetAddr).port;
        pairs.set(key, pair);
        track(
          Promise.all([
            pumpToServer(pair),
            pumpToClient(pair),
          ]).then(() => {
            pairs.delete(key);
          }),
        );
      }
    } catch {
      // The listener was closed.
    }
  })();

  const close = (): Promise<void> => {
    closing ??= (async () => {
      try {
        listener.close();
      } catch {
        // Already closed.
      }
      await accepting;
      for (const pair of pairs.values()) closePair(pair);
      while (tasks.size > 0) await Promise.all(tasks);
      while (socketsClosed.size > 0) await Promise.all(socketsClosed);
      await inner.shutdown();
    })();
    return closing;
  };

  return {
    url,
    resumeUrl,
    port,
    close,
    [Symbol.asyncDispose]: close,
  };
}
