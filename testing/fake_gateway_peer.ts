/**
 * The seam between a {@linkcode FakeGateway} and whatever carries its bytes
 * (the in-process transport, the loopback server, or your own): the
 * carrier's end of a connection and the two calls a carrier makes.
 *
 * Kept apart from `fake_gateway.ts` so the loopback server depends on this
 * seam, not on the fake it serves (which in turn loads the server).
 *
 * @module
 */

/** Which of the gateway's URLs a connection came in on. */
export type FakeGatewayUrlKind = "main" | "resume";

/**
 * The server's end of one connection, supplied by whoever carries the bytes
 * (the in-process transport, the loopback server, or your own).
 */
export interface FakeGatewayPeer {
  /** Send a frame: strings as text frames, bytes as binary frames. */
  send(frame: string | Uint8Array): void;
  /** Close with a close frame. */
  close(code: number, reason: string): void;
  /** Drop the connection without a close frame. */
  drop(): void;
  /**
   * Resolve once the client has read every frame sent before the call
   * (its listener was handed each), or once the connection has ended:
   * what {@linkcode FakeGateway.delivered} waits for. The in-process
   * transport knows it from the order it hands frames over in; the
   * loopback server asks the client's WebSocket with a ping, which it
   * answers (pong) only after reading the frames before it. A carrier
   * without it cannot tell, and `delivered()` rejects on its connections.
   *
   * @returns A promise that resolves when the frames sent so far were read.
   */
  delivered?(): Promise<void>;
}

/** What {@linkcode FakeGateway.acceptConnection} hands back to the carrier. */
export interface FakeGatewayPeerHandle {
  /** The new connection's ID. */
  readonly connectionId: number;
  /** Report a frame from the client. */
  receive(frame: string | Uint8Array): void;
  /**
   * Report that the client closed (its code; 1005 when it sent none) or that
   * the connection dropped (1006).
   */
  clientClose(code: number, reason: string): void;
}

/** Options for {@linkcode FakeGateway.acceptConnection}. */
export interface FakeAcceptOptions {
  /** Whether the carrier received it on its main or resume URL. */
  kind: FakeGatewayUrlKind;
  /** The URL to put in READY's `resume_gateway_url`. */
  resumeUrl: string;
}

/**
 * What a carrier needs from the gateway it serves; {@linkcode FakeGateway}
 * is one.
 */
export interface FakeGatewayCarrier {
  /**
   * Set the URLs the gateway hands out (see {@linkcode FakeGateway.setUrls}).
   *
   * @param url The main URL.
   * @param resumeUrl The resume URL.
   */
  setUrls(url: string, resumeUrl: string): void;
  /**
   * Start a connection (see {@linkcode FakeGateway.acceptConnection}).
   *
   * @param url The URL the client opened.
   * @param peer The carrier's end of the connection.
   * @param options Which URL it came in on, and the resume URL for READY.
   * @returns The handle to report client frames on, or `undefined` when the
   *   gateway refused the connection.
   */
  acceptConnection(
    url: string,
    peer: FakeGatewayPeer,
    options?: FakeAcceptOptions,
  ): FakeGatewayPeerHandle | undefined;
}
