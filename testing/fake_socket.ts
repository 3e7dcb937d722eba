/**
 * An in-memory {@linkcode GatewaySocket} and the {@linkcode Transport} that
 * makes them: the client side of every offline test.
 *
 * @module
 */
import type {
  GatewaySocket,
  SocketListener,
  Transport,
} from "../gateway/transport.ts";
import type { GatewayPayload } from "../types/gateway_payloads.ts";
import { checkOptionKeys } from "../base/option_keys.ts";
import {
  assertBooleanOption,
  assertFunctionOption,
} from "../base/option_checks.ts";

/** Where a {@linkcode FakeSocket} is in its life. */
export type FakeSocketState = "connecting" | "open" | "closed";

/**
 * One faked connection. The test (or a fake server) plays the server: it
 * opens the socket, pushes frames with {@linkcode FakeSocket.receive} and
 * closes it; everything the client sends is recorded in
 * {@linkcode FakeSocket.sent}.
 *
 * @example Play the server by hand
 * ```ts
 * import { FakeTransport } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const transport = new FakeTransport({ autoOpen: false });
 * const frames: string[] = [];
 * const socket = transport.connect("wss://fake", {
 *   onOpen: () => socket.send('{"op":1,"d":null}'),
 *   onMessage: (data) => frames.push(String(data)),
 *   onClose: () => {},
 *   onError: () => {},
 * });
 * transport.last!.open();
 * transport.last!.receive({ op: 11, d: null });
 * assert.deepEqual(transport.last!.sentPayloads(), [{ op: 1, d: null }]);
 * assert.deepEqual(frames, ['{"op":11,"d":null}']);
 * ```
 */
export class FakeSocket implements GatewaySocket {
  /** The URL the client asked for. */
  readonly url: string;
  /** Every text frame the client sent, in order. */
  readonly sent: string[] = [];
  /** Frames the client tried to send while the socket was not open. */
  sentWhileClosed = 0;
  /** The code the client closed with, if the client closed. */
  clientCloseCode: number | undefined;
  /** The reason the client closed with, if the client closed. */
  clientCloseReason: string | undefined;
  /** Called with each frame the client sends (for fake servers). */
  onSend: ((data: string) => void) | undefined;
  /** Called when the client closes (for fake servers). */
  onClientClose: ((code: number, reason: string) => void) | undefined;
  #state: FakeSocketState = "connecting";
  #listener: SocketListener;

  /**
   * Create a socket in the `connecting` state.
   *
   * @param url The URL the client asked for.
   * @param listener The client's listener.
   */
  constructor(url: string, listener: SocketListener) {
    this.url = url;
    this.#listener = listener;
  }

  /** Where the socket is in its life. */
  get state(): FakeSocketState {
    return this.#state;
  }

  /** The query parameters of {@linkcode FakeSocket.url}. */
  get query(): URLSearchParams {
    return new URL(this.url).searchParams;
  }

  /** Client side: send a text frame (recorded; ignored unless open). */
  send(data: string): void {
    if (this.#state !== "open") {
      this.sentWhileClosed++;
      return;
    }
    this.sent.push(data);
    this.onSend?.(data);
  }

  /** Client side: close the connection. */
  close(code: number, reason = ""): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.clientCloseCode = code;
    this.clientCloseReason = reason;
    this.onClientClose?.(code, reason);
    // A real socket reports its own close back to the owner.
    queueMicrotask(() => this.#listener.onClose(code, reason));
  }

  /** Server side: complete the handshake. */
  open(): void {
    if (this.#state !== "connecting") return;
    this.#state = "open";
    this.#listener.onOpen();
  }

  /**
   * Server side: deliver a frame. Objects are sent as JSON text; strings and
   * bytes are delivered as they are (so tests can send corrupt frames).
   */
  receive(frame: GatewayPayload | string | Uint8Array): void {
    if (this.#state !== "open") return;
    this.#listener.onMessage(
      typeof frame === "string" || frame instanceof Uint8Array
        ? frame
        : JSON.stringify(frame),
    );
  }

  /**
   * Server side: bytes of a large frame arrived without completing it (what
   * a transport reports through `SocketListener.onBytes`).
   */
  receiveBytes(): void {
    if (this.#state !== "open") return;
    this.#listener.onBytes?.();
  }

  /** Server side: close with a close frame carrying `code`. */
  serverClose(code: number, reason = ""): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#listener.onClose(code, reason);
  }

  /** Server side: drop the TCP connection without a close frame (1006). */
  drop(): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#listener.onError(new Error("connection reset"));
    this.#listener.onClose(1006, "");
  }

  /** Server side: fail the connection attempt before it opens. */
  refuse(): void {
    this.drop();
  }

  /** The frames the client sent, parsed as JSON. */
  sentPayloads(): GatewayPayload[] {
    return this.sent.map((frame) => JSON.parse(frame));
  }
}

/** Options for {@linkcode FakeTransport}. */
export interface FakeTransportOptions {
  /**
   * Open each socket on the next microtask, as a reachable server would.
   *
   * @default {true}
   */
  autoOpen?: boolean;
  /** Called with every new socket, before it opens. */
  onConnect?: (socket: FakeSocket) => void;
}

/**
 * Makes {@linkcode FakeSocket}s and keeps them, so a test can reach the
 * current connection as {@linkcode FakeTransport.last}.
 *
 * @example Usage
 * ```ts
 * import { FakeTransport } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const transport = new FakeTransport();
 * assert.equal(transport.sockets.length, 0);
 * ```
 */
export class FakeTransport {
  /** Every socket made, oldest first. */
  readonly sockets: FakeSocket[] = [];
  /** The {@linkcode Transport} function to hand to a shard. */
  readonly connect: Transport;

  /**
   * Create a transport.
   *
   * @param options Opening behaviour and a connect hook.
   * @throws {TypeError} When `options` is not an object, has a key that is
   *   not one of its options, or a value of the wrong type.
   */
  constructor(options: FakeTransportOptions = {}) {
    // `null` failed on its first read, a misspelt key went unnoticed.
    checkOptionKeys("create FakeTransport", "", options, [
      "autoOpen",
      "onConnect",
    ]);
    assertBooleanOption("create FakeTransport", "autoOpen", options.autoOpen);
    assertFunctionOption("FakeTransport", "onConnect", options.onConnect);
    const autoOpen = options.autoOpen ?? true;
    this.connect = (url, listener) => {
      const socket = new FakeSocket(url, listener);
      this.sockets.push(socket);
      options.onConnect?.(socket);
      if (autoOpen) queueMicrotask(() => socket.open());
      return socket;
    };
  }

  /** The newest socket. */
  get last(): FakeSocket | undefined {
    return this.sockets.at(-1);
  }

  /** How many sockets are not closed. */
  get openCount(): number {
    return this.sockets.filter((socket) => socket.state !== "closed").length;
  }
}
