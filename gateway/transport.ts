/**
 * The socket seam: the shard talks to a {@linkcode GatewaySocket} made by a
 * {@linkcode Transport}, never to the runtime's `WebSocket` directly.
 * {@linkcode webSocketTransport} wraps `globalThis.WebSocket` (the default
 * outside Deno and behind a proxy; otherwise on Deno the default is the
 * leaner `tcpWebSocketTransport`, see `defaultTransport`); tests use
 * `FakeTransport` from `@disruption/disruption/testing`.
 *
 * @module
 */
import { getVisibleLogger } from "../base/visible_logger.ts";

const visible = getVisibleLogger(["disruption", "gateway", "transport"]);

/** What a socket reports back to its owner. */
export interface SocketListener {
  /** The connection is open and frames may be sent. */
  onOpen(): void;
  /** A frame arrived: text frames as `string`, binary ones as bytes. */
  onMessage(data: string | Uint8Array): void;
  /**
   * Bytes arrived and left a message unfinished (a frame cut by the read,
   * or a fragmented message in progress): a message larger than a slow
   * link carries in a heartbeat interval is on its way, and the connection
   * is not a zombie. A read of whole frames alone (an ACK, a ping) does
   * not count. The shard waits on this for 5 minutes at most.
   * Optional for transports: the runtime's `WebSocket` cannot tell, and
   * never calls it.
   */
  onBytes?(): void;
  /**
   * The peer's close frame arrived (`code` 1005 when it has none): the
   * connection is closing with that code, and nothing more is delivered on
   * it. `onClose` still follows once the connection is gone, which a
   * transport that waits for the peer to end TCP (RFC 6455 §7.1.1, as the
   * TCP transport does) reports up to 2 s later (`CLOSE_TIMEOUT_MS`):
   * the shard acts on the code now, as it would have taken the silence
   * meanwhile for a zombie and resumed, dropping the code (a fatal 4004
   * included). Optional for transports: the runtime's `WebSocket` reports
   * the close at once, and never calls it.
   */
  onCloseFrame?(code: number, reason: string): void;
  /**
   * The connection is gone. `code` is 1005 when the peer sent no code and
   * 1006 when the connection dropped without a close frame.
   */
  onClose(code: number, reason: string): void;
  /** A transport-level error; `onClose` follows. */
  onError(error: unknown): void;
  /**
   * Every frame `send()` took is written out:
   * {@linkcode GatewaySocket.bufferedAmount} is back to 0. The shard then
   * writes its next command at once instead of at its next check. Optional
   * for transports: the runtime's `WebSocket` has no such event, and never
   * calls it.
   */
  onDrain?(): void;
}

/** One WebSocket connection, as the shard sees it. */
export interface GatewaySocket {
  /**
   * Send a text frame. Never throws.
   *
   * @returns `false` when the frame was not taken because the connection is
   * closing or closed (a close frame came in or went out, and `onClose` has
   * not been called yet, or has): the shard then keeps the command queued
   * for the next connection instead of counting it as written. Anything
   * else (`true`, or nothing, as from a transport written before this was
   * reported) means the frame was taken.
   */
  send(data: string): boolean | void;
  /**
   * The bytes `send()` took that are not written out yet (what
   * `WebSocket.bufferedAmount` reports). Discord counts frames as they
   * arrive, the shard's limit of 120 a minute as they are written: a socket
   * that reports this gets one command at a time, counted once written, so
   * a burst held in it (an event loop blocked by a handler) cannot arrive
   * late in the same minute as the next. Optional: a socket without it gets
   * commands as the limit allows, each counted as it is handed over.
   */
  readonly bufferedAmount?: number;
  /** Close with a code and reason. Closing twice is harmless. */
  close(code: number, reason?: string): void;
}

/**
 * Opens a connection to `url` that reports to `listener`. The listener is
 * never called before the transport has returned the socket.
 */
export type Transport = (
  url: string,
  listener: SocketListener,
) => GatewaySocket;

/**
 * The most bytes a transport lets wait to be written before it gives the
 * connection up. The gateway sends little (4 KiB commands, 120 a minute),
 * so a backlog this long means the peer stopped reading: the connection is
 * reported closed (1006) instead of the backlog growing without bound.
 */
export const MAX_SEND_QUEUE_BYTES: number = 4 * 1024 * 1024;

/**
 * How long a transport waits for the peer to complete the close handshake
 * (answer the close frame, or end the connection) before it reports the
 * connection closed with 1006 and stops using it, in milliseconds: a peer
 * that never answers would otherwise keep the connection, and the shard's
 * state for it, for good.
 */
export const CLOSE_TIMEOUT_MS: number = 2_000;

/**
 * Whether the warning that an abandoned native socket keeps the process
 * alive was given: once per process, as the first abandoned socket already
 * explains why the process outlives `stop()`, and a gateway that never
 * answers would otherwise repeat it on every reconnect.
 */
let abandonWarned = false;

/** `WebSocket.OPEN`, spelled out so the module loads where `WebSocket` is absent. */
const OPEN = 1;

/**
 * The close code of a framing error the runtime's socket reported only as
 * an error and a close without a code (Deno's words, from its WebSocket
 * library): as the TCP transport reports them, so the shard says them
 * instead of resuming in silence as after a dropped connection.
 */
const FRAMING_ERRORS: readonly [RegExp, number][] = [
  [/^Invalid UTF-8/, 1007],
  [/^Frame too large/, 1009],
  [
    /^(Reserved bits are not zero|Invalid value|Invalid continuation frame|Invalid fragment|Control frame must not be fragmented|Ping frame too large|Invalid close frame|Invalid close code)/,
    1002,
  ],
];

/** The close code for an error the socket reported, if it is a framing error. */
function framingErrorCode(message: string | undefined): number | undefined {
  if (message === undefined) return undefined;
  return FRAMING_ERRORS.find(([pattern]) => pattern.test(message))?.[1];
}

/**
 * The runtime's native `WebSocket` as a transport (Deno, Bun, Node 22+ and
 * browsers all have one): the default outside Deno. Binary frames arrive as
 * `Uint8Array`.
 *
 * A close the peer has not completed 2 s after `close()` (it never answers
 * the close frame, or a connect never completes) is reported as 1006 and
 * the socket is no longer listened to. The runtime's `WebSocket` has no way
 * to cut its TCP connection, so that connection itself stays open until the
 * peer ends it, and keeps the process alive after `Client.stop()` has
 * returned: the first time this happens a warning says so on stderr
 * (category `disruption·gateway·transport`). The TCP transport, the
 * default on Deno without a proxy variable, cuts the connection instead.
 *
 * A framing error the runtime reports only as an error and a close without
 * a code (reserved bits, invalid UTF-8, a frame too large) is closed with
 * the TCP transport's code for it (1002, 1007, 1009), not as a dropped
 * connection.
 *
 * What the runtime does not guard, this cannot (it sees whole messages
 * only): Deno 2.9's `WebSocket` bounds a frame but not a message
 * fragmented over many frames, and opens a connection whose
 * `Sec-WebSocket-Accept` is wrong or missing. The TCP transport refuses
 * both.
 *
 * @param url The `wss://` URL to open.
 * @param listener Receives the socket's events.
 * @returns The connection.
 *
 * @example Usage
 * ```ts
 * import { webSocketTransport, type Transport } from "@disruption/disruption/gateway";
 *
 * // The runtime's own socket; pass any Transport to run over anything else.
 * const transport: Transport = webSocketTransport;
 * ```
 */
export function webSocketTransport(
  url: string,
  listener: SocketListener,
): GatewaySocket {
  let ws: WebSocket;
  try {
    ws = new WebSocket(url);
  } catch (error) {
    // A malformed URL throws synchronously; report it the way a failed
    // connection is reported so the shard's reconnect path handles it.
    queueMicrotask(() => {
      listener.onError(error);
      listener.onClose(1006, "could not open socket");
    });
    return { send: () => false, close: () => {} };
  }
  /** The close was reported: nothing more is (or is sent). */
  let closed = false;
  /** Cuts a close handshake the peer does not complete in time. */
  let deadline: ReturnType<typeof setTimeout> | undefined;
  /**
   * Report the close (after `error`, if any), once, and stop listening to
   * the socket: a socket the peer keeps open keeps its handlers, and
   * through them the listener.
   */
  const finish = (code: number, reason: string, error?: Error): void => {
    if (closed) return;
    closed = true;
    if (deadline !== undefined) {
      clearTimeout(deadline);
      deadline = undefined;
    }
    ws.onopen =
      ws.onmessage =
      ws.onerror =
      ws.onclose =
        null;
    if (error !== undefined) listener.onError(error);
    listener.onClose(code, reason);
  };
  const close = (code?: number, reason?: string): void => {
    try {
      ws.close(code, reason);
    } catch {
      // A code or reason the runtime refuses: close without them.
      try {
        ws.close();
      } catch {
        // Nothing more to do: the deadline below still reports the close.
      }
    }
    if (closed || deadline !== undefined) return;
    deadline = setTimeout(() => {
      deadline = undefined;
      finish(1006, "the close handshake timed out");
      if (abandonWarned) return;
      abandonWarned = true;
      // Otherwise a process that outlives stop() looks like a library bug,
      // with nothing pointing at the socket or at the transport that avoids it.
      visible.warn(
        "The gateway did not answer the WebSocket close (or complete the connection) within {ms} ms; " +
          "the runtime's WebSocket keeps its connection open until the peer ends it, which keeps the process alive: " +
          "on Deno, the default TCP transport (used when no HTTPS_PROXY, HTTP_PROXY or ALL_PROXY is set) does not",
        { ms: CLOSE_TIMEOUT_MS },
      );
    }, CLOSE_TIMEOUT_MS);
  };
  ws.binaryType = "arraybuffer";
  ws.onopen = () => listener.onOpen();
  ws.onmessage = (event: MessageEvent) => {
    const data = event.data;
    listener.onMessage(
      typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer),
    );
  };
  /** The message of the last error reported, for the close after it. */
  let lastError: string | undefined;
  ws.onerror = (event: Event) => {
    lastError = (event as ErrorEvent).message;
    listener.onError((event as ErrorEvent).error ?? event);
  };
  ws.onclose = (event: CloseEvent) => {
    // Deno reports 0 for a connection dropped without a close frame; the
    // WebSocket spec's name for that is 1006. A framing error before it
    // gets its own code.
    if (event.code === 0 || event.code === 1006) {
      const code = framingErrorCode(lastError);
      finish(code ?? 1006, code === undefined ? event.reason : lastError!);
      return;
    }
    finish(event.code, event.reason);
  };
  return {
    get bufferedAmount(): number {
      return closed ? 0 : ws.bufferedAmount;
    },
    send(data: string): boolean {
      // CLOSING included: the close event (and the shard's onClose) may
      // come a round trip or CLOSE_TIMEOUT_MS after the close frame.
      if (closed || ws.readyState !== OPEN) return false;
      if (ws.bufferedAmount + data.length > MAX_SEND_QUEUE_BYTES) {
        // The runtime would keep buffering; report the connection dead and
        // stop using it.
        finish(
          1006,
          "the peer stopped reading",
          new Error(
            `More than ${MAX_SEND_QUEUE_BYTES} bytes wait to be sent: the peer stopped reading`,
          ),
        );
        close();
        return false;
      }
      ws.send(data);
      return true;
    },
    close(code: number, reason?: string): void {
      close(code, reason);
    },
  };
}
