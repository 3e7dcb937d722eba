/**
 * A lighter {@linkcode Transport}: an RFC 6455 WebSocket client written on
 * `Deno.connect` (`ws://`) and `Deno.startTls` over it (`wss://`), and the
 * default transport on Deno. Each idle connection holds one pending read
 * into a small buffer and nothing else: about a third of the memory of the
 * runtime's `WebSocket`, which matters when a process keeps many shards
 * open. Busy connections read in large chunks, so it also spends less CPU
 * per message than the runtime's socket.
 *
 * Deno only; needs `--allow-net` for the gateway's host.
 *
 * Why one file of over 800 lines: one RFC 6455 client connection, whose
 * reads, frame parsing, writes and closing handshake share one buffer and
 * one state; the handshake check and the frame encoding beside it are
 * small.
 *
 * @module
 */
import {
  CLOSE_TIMEOUT_MS,
  type GatewaySocket,
  MAX_SEND_QUEUE_BYTES,
  type SocketListener,
  type Transport,
} from "./transport.ts";
import { sha1 } from "../base/sha1.ts";
import { HandshakeError, parseRetryAfter } from "./connect_failure.ts";
import { DEFAULT_USER_AGENT } from "../base/user_agent.ts";
import { decodeUtf8 } from "../base/utf8_decode.ts";
import { writeAll } from "../base/write_all.ts";
import { assertObjectOption, shownQuoted } from "../base/option_checks.ts";

/**
 * How long after `close()` a TCP connect still pending is aborted, in
 * milliseconds (see `TcpWebSocket.close`).
 */
const CONNECT_ABORT_DELAY = 1_000;
/**
 * Bytes an idle connection reads at a time (what its pending read holds);
 * frames that do not fit get a buffer of their own.
 */
const READ_SIZE = 2 * 1024;
/** The most a busy connection reads at a time. */
const MAX_READ_SIZE = 64 * 1024;
/** The largest message accepted; a larger one closes with 1009. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** The largest handshake response accepted. */
const MAX_HANDSHAKE_BYTES = 16 * 1024;
/** RFC 6455 §1.3. */
const ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

const encoder = new TextEncoder();
/** For a close reason that is not UTF-8: its code is still reported. */
const laxDecoder = new TextDecoder();

/** Random bytes for masks and keys, refilled when used up. */
const pool = new Uint8Array(1024);
let poolOffset = pool.length;

function randomBytes(n: number): Uint8Array {
  if (poolOffset + n > pool.length) {
    crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + n);
  poolOffset += n;
  return bytes;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** A frame from the client: masked, FIN set. */
function encodeFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 65536 ? 2 : 8;
  const header = 2 + lengthBytes + 4;
  const frame = new Uint8Array(header + length);
  frame[0] = 0x80 | opcode;
  if (lengthBytes === 0) {
    frame[1] = 0x80 | length;
  } else if (lengthBytes === 2) {
    frame[1] = 0x80 | 126;
    frame[2] = length >>> 8;
    frame[3] = length & 0xff;
  } else {
    frame[1] = 0x80 | 127;
    const view = new DataView(frame.buffer);
    view.setUint32(2, Math.floor(length / 2 ** 32));
    view.setUint32(6, length >>> 0);
  }
  const mask = randomBytes(4);
  const maskAt = header - 4;
  frame[maskAt] = mask[0]!;
  frame[maskAt + 1] = mask[1]!;
  frame[maskAt + 2] = mask[2]!;
  frame[maskAt + 3] = mask[3]!;
  for (let i = 0; i < length; i++) {
    frame[header + i] = payload[i]! ^ mask[i & 3]!;
  }
  return frame;
}

/** A close frame's payload: the code and at most 123 bytes of reason. */
function closePayload(code: number, reason: string): Uint8Array {
  if (!sendableCode(code)) return new Uint8Array(0);
  let text = encoder.encode(reason);
  if (text.length > 123) {
    // Cut at a character boundary so the peer can decode it.
    let end = 123;
    while (end > 0 && (text[end]! & 0xc0) === 0x80) end--;
    text = text.subarray(0, end);
  }
  const payload = new Uint8Array(2 + text.length);
  payload[0] = code >>> 8;
  payload[1] = code & 0xff;
  payload.set(text, 2);
  return payload;
}

/** Codes that may appear in a close frame (RFC 6455 §7.4). */
function sendableCode(code: number): boolean {
  return Number.isInteger(code) && code >= 1000 && code <= 4999 &&
    code !== 1004 && code !== 1005 && code !== 1006 && code !== 1015 &&
    (code >= 3000 || code <= 1014);
}

/** Why the connection was failed: the code sent and reported. */
class ProtocolError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.name = "ProtocolError";
    this.code = code;
  }
}

type State = "connecting" | "open" | "closing" | "closed";

/** What {@linkcode TcpWebSocket.#nextFrame} did. */
const FrameStep = {
  /** The buffer holds no complete frame yet. */
  NeedMore: 0,
  /** A frame was handled (or the connection failed). */
  Handled: 1,
  /** The next frame is larger than the buffer. */
  Large: 2,
} as const;
type FrameStep = typeof FrameStep[keyof typeof FrameStep];

class TcpWebSocket implements GatewaySocket {
  readonly #url: string;
  readonly #listener: SocketListener;
  readonly #caCerts: readonly string[] | undefined;
  #state: State = "connecting";
  #conn: Deno.Conn | undefined;
  #buffer = new Uint8Array(READ_SIZE);
  #start = 0;
  #end = 0;
  /** The header of a frame too large for the buffer, until it is read. */
  #large:
    | { opcode: number; fin: boolean; header: number; length: number }
    | undefined;
  /** The last read filled all the space it was given: more is waiting. */
  #lastReadFull = false;
  /** The last read got less than the idle read size: the stream is quiet. */
  #lastReadSmall = true;
  /** Opcode of the fragmented message in progress, 0 when none. */
  #fragmentOpcode = 0;
  /**
   * The fragmented message so far, in one buffer that doubles as it fills
   * (`#fragmentBytes` of it used). One buffer, not a list of fragments: a
   * peer sending millions of empty or 1-byte continuation frames would
   * otherwise cost an object each, 100 times what it sent.
   */
  #fragments = new Uint8Array(0);
  #fragmentBytes = 0;
  /** Frames waiting to be written, in order, and their total size. */
  #queue: Uint8Array[] = [];
  #queuedBytes = 0;
  /** The size of the frame being written, 0 when none. */
  #writingBytes = 0;
  /**
   * The payload of the latest ping not answered yet: a pong answers only
   * the most recent ping (RFC 6455 §5.5.3), so a ping flood costs one pong
   * in the queue, not one per ping.
   */
  #pongPayload: Uint8Array | undefined;
  /** The write loop, while it runs. */
  #writing: Promise<void> | undefined;
  #deadline: ReturnType<typeof setTimeout> | undefined;
  /** The code (and reason) of the server's close frame, once received. */
  #received: { code: number; reason: string } | undefined;
  /** Set when the connection was failed: reported instead of 1006. */
  #failure: ProtocolError | undefined;
  /**
   * Cancels the TCP connect: `close()` while connecting aborts it after
   * {@linkcode CONNECT_ABORT_DELAY} (and so the shard's connect timeout
   * does). Left running, a connect to a host
   * that never answers lives on until the OS gives up (about two minutes),
   * keeping the process alive after `close()`.
   */
  readonly #connecting = new AbortController();

  constructor(
    url: string,
    listener: SocketListener,
    caCerts: readonly string[] | undefined,
  ) {
    this.#url = url;
    this.#listener = listener;
    this.#caCerts = caCerts;
    // Start on a later turn: the listener is never called before return.
    queueMicrotask(() => void this.#run());
  }

  /**
   * Bytes taken by {@linkcode TcpWebSocket.send} (and close frames) not
   * written yet, the frame being written included: the shard writes its
   * next command once this is 0 (see `GatewaySocket.bufferedAmount`).
   */
  get bufferedAmount(): number {
    return this.#queuedBytes + this.#writingBytes;
  }

  send(data: string): boolean {
    // "closing" included: the server's close frame is in (or ours went
    // out), and onClose waits for the TCP connection to end. No #conn: a
    // failed write dropped it, and the read loop has yet to report that.
    if (this.#state !== "open" || !this.#conn) return false;
    this.#write(encodeFrame(OP_TEXT, encoder.encode(data)));
    // A write that overflowed the queue gave the connection up unqueued.
    return this.#state === "open";
  }

  close(code: number, reason = ""): void {
    if (this.#state === "closing" || this.#state === "closed") return;
    if (this.#state === "connecting") {
      // Nothing to shake hands with: cut it, a connect still pending
      // included; the run loop reports 1006.
      this.#state = "closed";
      // Only a connect still pending a while later is aborted: an abort in
      // the turn the connect completes makes Deno.connect reject and drop
      // the connection it made, open for good (a close() from a Deno.serve
      // handler leaked one each time, and a timer of 0 ms still raced it
      // under load). A connect that completes meanwhile is closed by #run,
      // which sees "closed", and the late abort then does nothing; one to a
      // host that never answers is cut after CONNECT_ABORT_DELAY, not two
      // minutes. AbortSignal.timeout: the pending connect keeps the process
      // alive until then, the signal itself neither does nor counts as a
      // test's leaked timer once the connect is done.
      AbortSignal.timeout(CONNECT_ABORT_DELAY).addEventListener(
        "abort",
        () =>
          this.#connecting.abort(
            new Error("The socket was closed while connecting"),
          ),
        { once: true },
      );
      this.#closeConn();
      return;
    }
    this.#state = "closing";
    this.#write(encodeFrame(OP_CLOSE, closePayload(code, reason)));
    this.#startDeadline();
  }

  async #run(): Promise<void> {
    let error: unknown;
    try {
      await this.#connect();
      await this.#readFrames();
    } catch (caught) {
      error = caught;
    }
    this.#state = "closed";
    // A failed connection sends its close frame first (bounded by the
    // deadline, which cuts the connection if the write hangs).
    if (this.#failure) await this.#writing;
    if (this.#deadline !== undefined) {
      clearTimeout(this.#deadline);
      this.#deadline = undefined;
    }
    this.#closeConn();
    await this.#writing;
    this.#buffer = new Uint8Array(0);
    this.#fragments = new Uint8Array(0);
    const failure = this.#failure;
    const received = this.#received;
    if (failure) {
      // What the read loop threw after the failure is its consequence.
      this.#call(() => this.#listener.onError(failure));
      // A close frame's code, once in, is the one said (as onCloseFrame
      // said it): the failure came after it, or from its reason alone.
      const code = received?.code ?? failure.code;
      const reason = received?.reason ?? failure.message;
      this.#call(() => this.#listener.onClose(code, reason));
    } else if (received) {
      this.#call(() => this.#listener.onClose(received.code, received.reason));
    } else {
      if (error !== undefined) this.#call(() => this.#listener.onError(error));
      this.#call(() => this.#listener.onClose(1006, ""));
    }
  }

  async #connect(): Promise<void> {
    const url = new URL(this.#url);
    const secure = url.protocol === "wss:" || url.protocol === "https:";
    if (!secure && url.protocol !== "ws:" && url.protocol !== "http:") {
      throw new TypeError(
        `Cannot open a WebSocket as the URL's scheme must be 'ws:' or 'wss:': current value '${url.protocol}'`,
      );
    }
    const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const port = url.port ? Number(url.port) : secure ? 443 : 80;
    const key = base64(randomBytes(16));
    // TCP first, then TLS over it: Deno.connectTls takes no signal, so its
    // TCP connect could not be cancelled. (The TLS handshake itself, which
    // runs on the first read or write, cannot be: a peer that never
    // answers it keeps the connection until it hangs up, a Deno bug.)
    const tcp = await Deno.connect({
      hostname,
      port,
      signal: this.#connecting.signal,
    });
    let conn: Deno.Conn = tcp;
    if (secure) {
      try {
        conn = await Deno.startTls(
          tcp,
          this.#caCerts
            ? { hostname, caCerts: [...this.#caCerts] }
            : { hostname },
        );
      } catch (error) {
        // startTls may have taken the socket already (a bad caCerts entry
        // fails after it): its close error would hide the real one.
        try {
          tcp.close();
        } catch {
          // Closed with the TLS attempt.
        }
        throw error;
      }
    }
    if (this.#state !== "connecting") {
      conn.close();
      throw new Error("The socket was closed while connecting");
    }
    this.#conn = conn;
    const request = `GET ${url.pathname || "/"}${url.search} HTTP/1.1\r\n` +
      `Host: ${url.host}\r\n` +
      "Upgrade: websocket\r\n" +
      "Connection: Upgrade\r\n" +
      `Sec-WebSocket-Key: ${key}\r\n` +
      "Sec-WebSocket-Version: 13\r\n" +
      // Discord asks bots to name themselves in every HTTP request.
      `User-Agent: ${DEFAULT_USER_AGENT}\r\n\r\n`;
    await writeAll(conn, encoder.encode(request));
    const head = await this.#readHead();
    const expected = base64(sha1(encoder.encode(key + ACCEPT_GUID)));
    checkHandshake(head, expected);
    if (this.#state !== "connecting") {
      throw new Error("The socket was closed while connecting");
    }
    this.#state = "open";
    this.#call(() => this.#listener.onOpen());
  }

  /** Read up to the blank line that ends the response head; keep the rest. */
  async #readHead(): Promise<string> {
    let scanned = 0;
    for (;;) {
      const buffer = this.#buffer;
      for (let i = Math.max(scanned, 3); i < this.#end; i++) {
        if (
          buffer[i] === 10 && buffer[i - 1] === 13 && buffer[i - 2] === 10 &&
          buffer[i - 3] === 13
        ) {
          this.#start = i + 1;
          return new TextDecoder().decode(buffer.subarray(0, i - 3));
        }
      }
      scanned = this.#end;
      if (this.#end === buffer.length) {
        if (buffer.length >= MAX_HANDSHAKE_BYTES) {
          throw new Error("The handshake response is too large");
        }
        const grown = new Uint8Array(buffer.length * 2);
        grown.set(buffer);
        this.#buffer = grown;
      }
      const n = await this.#read(this.#buffer.subarray(this.#end));
      if (n === null) {
        throw new Error("The connection closed during the handshake");
      }
      this.#end += n;
    }
  }

  async #readFrames(): Promise<void> {
    if (this.#buffer.length > READ_SIZE) {
      // A large handshake response grew the buffer: shrink it back, to no
      // less than the frames that came with the head (a fixed READ_SIZE
      // threw a RangeError past it, and the shard reconnected for ever).
      const small = new Uint8Array(
        Math.max(READ_SIZE, this.#end - this.#start),
      );
      small.set(this.#buffer.subarray(this.#start, this.#end));
      this.#end -= this.#start;
      this.#start = 0;
      this.#buffer = small;
    }
    for (;;) {
      // Frames already in the buffer are handled without an await each.
      let step: FrameStep;
      while ((step = this.#nextFrame()) === FrameStep.Handled) {
        if (this.#state === "closed") return;
      }
      // What was read left a message unfinished (a frame's start, or some
      // of a fragmented message's fragments): it is on its way.
      if (this.#end > this.#start || this.#fragmentOpcode !== 0) {
        this.#bytesArrived();
      }
      if (step === FrameStep.Large) {
        await this.#readLargeFrame();
        if (this.#state === "closed") return;
      } else if (!await this.#fill()) return;
    }
  }

  /** Read from the connection; `null` on EOF or once it was closed. */
  #read(into: Uint8Array): Promise<number | null> {
    const conn = this.#conn;
    return conn ? conn.read(into) : Promise.resolve(null);
  }

  /**
   * Read more bytes into the buffer; `false` on EOF.
   *
   * The read size follows the traffic: a read that filled its space means
   * the socket has more waiting, so the next one is twice as large (up to
   * 64 KiB: one read op per dozens of events on a busy stream instead of
   * one per event); a read that returned less than the idle size means the
   * stream went quiet, so the buffer goes back to 2 KiB, which is all an
   * idle connection's pending read holds.
   */
  async #fill(): Promise<boolean> {
    let buffer = this.#buffer;
    const pending = this.#end - this.#start;
    let size = buffer.length;
    if (this.#lastReadFull) {
      if (size < MAX_READ_SIZE) size *= 2;
    } else if (
      this.#lastReadSmall && size > READ_SIZE && pending <= READ_SIZE / 2
    ) {
      size = READ_SIZE;
    }
    if (size !== buffer.length) {
      const resized = new Uint8Array(size);
      resized.set(buffer.subarray(this.#start, this.#end));
      this.#buffer = buffer = resized;
      this.#start = 0;
      this.#end = pending;
    } else if (pending === 0) {
      this.#start = this.#end = 0;
    } else if (this.#start > 0) {
      buffer.copyWithin(0, this.#start, this.#end);
      this.#end = pending;
      this.#start = 0;
    }
    const space = buffer.length - this.#end;
    const n = await this.#read(buffer.subarray(this.#end));
    if (n === null) return false;
    this.#end += n;
    this.#lastReadFull = n === space;
    this.#lastReadSmall = n < READ_SIZE;
    return true;
  }

  /**
   * Handle the next complete frame in the buffer. Says when more bytes are
   * needed first, or when the frame is larger than the buffer (its header
   * is then in {@linkcode TcpWebSocket.#large}).
   */
  #nextFrame(): FrameStep {
    const buffer = this.#buffer;
    const available = this.#end - this.#start;
    if (available < 2) return FrameStep.NeedMore;
    const at = this.#start;
    const b0 = buffer[at]!;
    const b1 = buffer[at + 1]!;
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    let length = b1 & 0x7f;
    let header = 2;
    if (length === 126) {
      header = 4;
      if (available < header) return FrameStep.NeedMore;
      length = (buffer[at + 2]! << 8) | buffer[at + 3]!;
    } else if (length === 127) {
      header = 10;
      if (available < header) return FrameStep.NeedMore;
      const view = new DataView(buffer.buffer, buffer.byteOffset + at + 2, 8);
      const high = view.getUint32(0);
      if (high >= 0x80000000) {
        this.#fail(1002, "Frame length has the most significant bit set");
        return FrameStep.Handled;
      }
      length = high * 2 ** 32 + view.getUint32(4);
    }
    if ((b0 & 0x70) !== 0) {
      this.#fail(1002, "Reserved bits set without an extension");
      return FrameStep.Handled;
    }
    if ((b1 & 0x80) !== 0) {
      this.#fail(1002, "The server masked a frame");
      return FrameStep.Handled;
    }
    const control = opcode >= 0x8;
    if (
      control
        ? opcode > OP_PONG
        : opcode !== OP_CONTINUATION && opcode !== OP_TEXT &&
          opcode !== OP_BINARY
    ) {
      this.#fail(1002, `Unknown opcode ${opcode}`);
      return FrameStep.Handled;
    }
    if (control && (!fin || length > 125)) {
      // A close frame too long still names its code in its first two bytes,
      // reported as a bad reason's is: dropped, a fatal 4004 passed for a
      // decode failure and the shard identified again for ever.
      const closing = opcode === OP_CLOSE && fin && length >= 2;
      if (closing && available < header + 2) return FrameStep.NeedMore;
      const code = closing
        ? (buffer[at + header]! << 8) | buffer[at + header + 1]!
        : 0;
      const said = closing && sendableCode(code) && this.#state === "open" &&
        !this.#received && !this.#failure;
      if (said) this.#received = { code, reason: "" };
      this.#fail(1002, "A control frame is fragmented or too long");
      const listener = this.#listener;
      if (said && listener.onCloseFrame) {
        this.#call(() => listener.onCloseFrame!(code, ""));
      }
      return FrameStep.Handled;
    }
    if (!control && this.#fragmentBytes + length > MAX_MESSAGE_BYTES) {
      this.#fail(1009, "Message too big");
      return FrameStep.Handled;
    }
    if (header + length <= available) {
      this.#start = at + header + length;
      this.#frame(
        opcode,
        fin,
        buffer.subarray(at + header, at + header + length),
        false,
      );
      return FrameStep.Handled;
    }
    if (header + length <= buffer.length) return FrameStep.NeedMore;
    // Larger than the read buffer: read it into a buffer of its own.
    this.#large = { opcode, fin, header, length };
    return FrameStep.Large;
  }

  /**
   * Read the frame {@linkcode TcpWebSocket.#nextFrame} found too large for
   * the buffer straight into a buffer of its own, handle it, and drop it.
   */
  async #readLargeFrame(): Promise<void> {
    const { opcode, fin, header, length } = this.#large!;
    this.#large = undefined;
    const payload = new Uint8Array(length);
    const from = this.#start + header;
    payload.set(this.#buffer.subarray(from, this.#end));
    let filled = this.#end - from;
    this.#start = this.#end = 0;
    while (filled < length) {
      const n = await this.#read(payload.subarray(filled));
      if (n === null) throw new Error("The connection closed inside a frame");
      filled += n;
      if (filled < length) this.#bytesArrived();
    }
    this.#frame(opcode, fin, payload, true);
  }

  /**
   * Tell the listener that bytes of an unfinished message arrived (see
   * `SocketListener.onBytes`), at most once per read; no closure per read,
   * unlike `#call`.
   */
  #bytesArrived(): void {
    const listener = this.#listener;
    if (this.#state !== "open" || listener.onBytes === undefined) return;
    try {
      listener.onBytes();
    } catch (error) {
      reportError(error);
    }
  }

  /** One frame; `owned` when `payload` is not a view of the read buffer. */
  #frame(
    opcode: number,
    fin: boolean,
    payload: Uint8Array,
    owned: boolean,
  ): void {
    switch (opcode) {
      case OP_TEXT:
      case OP_BINARY:
        if (this.#fragmentOpcode !== 0) {
          this.#fail(1002, "A new message started inside a fragmented one");
          return;
        }
        if (fin) {
          this.#deliver(opcode, payload, owned);
        } else {
          this.#fragmentOpcode = opcode;
          this.#fragmentBytes = 0;
          this.#appendFragment(payload);
        }
        return;
      case OP_CONTINUATION: {
        if (this.#fragmentOpcode === 0) {
          this.#fail(1002, "A continuation frame without a message");
          return;
        }
        this.#appendFragment(payload);
        if (!fin) return;
        // Exactly the message: a view of the larger buffer (4 KiB at least)
        // would keep all of it alive for whoever holds the message.
        const whole = this.#fragmentBytes === this.#fragments.length
          ? this.#fragments
          : this.#fragments.slice(0, this.#fragmentBytes);
        const messageOpcode = this.#fragmentOpcode;
        this.#fragmentOpcode = 0;
        this.#fragments = new Uint8Array(0);
        this.#fragmentBytes = 0;
        this.#deliver(messageOpcode, whole, true);
        return;
      }
      case OP_PING:
        if (this.#state === "open" && this.#conn) {
          this.#pongPayload = payload.slice();
          this.#flush();
        }
        return;
      case OP_PONG:
        return;
      case OP_CLOSE:
        this.#onCloseFrame(payload);
        return;
    }
  }

  /** Copy a fragment's payload to the end of the message so far. */
  #appendFragment(payload: Uint8Array): void {
    const needed = this.#fragmentBytes + payload.length;
    if (needed > this.#fragments.length) {
      // Doubling keeps copies O(size); the cap checked per frame bounds it.
      const grown = new Uint8Array(
        Math.min(
          Math.max(needed, this.#fragments.length * 2, 4096),
          MAX_MESSAGE_BYTES,
        ),
      );
      grown.set(this.#fragments.subarray(0, this.#fragmentBytes));
      this.#fragments = grown;
    }
    this.#fragments.set(payload, this.#fragmentBytes);
    this.#fragmentBytes = needed;
  }

  #deliver(opcode: number, payload: Uint8Array, owned: boolean): void {
    // As with the WHATWG WebSocket, nothing is delivered once closing.
    if (this.#state !== "open") return;
    if (opcode === OP_BINARY) {
      const data = owned ? payload : payload.slice();
      this.#call(() => this.#listener.onMessage(data));
      return;
    }
    let text: string;
    try {
      text = decodeUtf8(payload);
    } catch {
      this.#fail(1007, "A text message is not valid UTF-8");
      return;
    }
    this.#call(() => this.#listener.onMessage(text));
  }

  #onCloseFrame(payload: Uint8Array): void {
    if (this.#received || this.#failure) return;
    let code = 1005;
    let reason = "";
    if (payload.length === 1) {
      this.#fail(1002, "A close frame with a one-byte payload");
      return;
    }
    let badReason = false;
    if (payload.length >= 2) {
      code = (payload[0]! << 8) | payload[1]!;
      if (!sendableCode(code)) {
        this.#fail(1002, `Close code ${code} may not be sent`);
        return;
      }
      try {
        reason = decodeUtf8(payload.subarray(2));
      } catch {
        // RFC 6455 §8.1 has us fail the connection (1007), but the code is
        // whole and is what the shard acts on: dropped, a fatal 4004 passed
        // for a decode failure and the shard identified again for ever.
        // (The runtime's WebSocket reports 1007 alone: not fixable there.)
        reason = laxDecoder.decode(payload.subarray(2));
        badReason = true;
      }
    }
    const answering = this.#state === "open";
    this.#received = { code, reason };
    if (badReason) this.#fail(1007, "A close reason is not valid UTF-8");
    else if (answering) {
      // Echo the code; the server then ends the TCP connection.
      this.#state = "closing";
      this.#write(
        encodeFrame(
          OP_CLOSE,
          code === 1005 ? new Uint8Array(0) : closePayload(code, ""),
        ),
      );
      this.#startDeadline();
    }
    if (!answering) return; // the answer to our own close
    // Said now: onClose waits for the server to end TCP (up to
    // CLOSE_TIMEOUT_MS), and a listener that heard nothing meanwhile took
    // the connection for a zombie and lost the code.
    const listener = this.#listener;
    if (listener.onCloseFrame) {
      this.#call(() => listener.onCloseFrame!(code, reason));
    }
  }

  /** Fail the connection: send a close frame with `code` and drop the TCP. */
  #fail(code: number, reason: string): void {
    if (this.#failure) return;
    this.#failure = new ProtocolError(code, reason);
    if (this.#state === "open") {
      this.#write(encodeFrame(OP_CLOSE, closePayload(code, reason)));
    }
    // The run loop sends the close frame out, then drops the connection.
    this.#state = "closed";
    this.#startDeadline();
  }

  /** Queue a frame; a peer that lets the queue pass its bound is cut off. */
  #write(frame: Uint8Array): void {
    if (!this.#conn) return; // dead: nothing is queued any more
    this.#queuedBytes += frame.length;
    if (this.#queuedBytes > MAX_SEND_QUEUE_BYTES) {
      // No close frame can get through a queue the peer does not read.
      this.#failure ??= new ProtocolError(
        1006,
        `More than ${MAX_SEND_QUEUE_BYTES} bytes wait to be written: the peer stopped reading`,
      );
      this.#state = "closed";
      this.#closeConn();
      return;
    }
    this.#queue.push(frame);
    this.#flush();
  }

  /** Start the write loop unless it runs. */
  #flush(): void {
    if (this.#writing === undefined) this.#writing = this.#writeLoop();
  }

  /**
   * Write queued frames one at a time, a pending pong first; once all are
   * written, say so (`SocketListener.onDrain`).
   */
  async #writeLoop(): Promise<void> {
    let drained = false;
    try {
      for (;;) {
        const conn = this.#conn;
        if (!conn) return;
        let frame: Uint8Array;
        if (this.#pongPayload !== undefined) {
          frame = encodeFrame(OP_PONG, this.#pongPayload);
          this.#pongPayload = undefined;
        } else {
          const next = this.#queue.shift();
          if (next === undefined) {
            drained = true;
            return;
          }
          this.#queuedBytes -= next.length;
          frame = next;
        }
        this.#writingBytes = frame.length;
        await writeAll(conn, frame);
        this.#writingBytes = 0;
      }
    } catch {
      // A broken connection: the read loop sees it and reports the close.
      this.#closeConn();
    } finally {
      this.#writing = undefined;
      this.#writingBytes = 0;
      // Once the loop is marked done: a frame the listener sends from here
      // starts a new one instead of waiting in the queue for good.
      if (drained && this.#state === "open") {
        this.#call(() => this.#listener.onDrain?.());
      }
    }
  }

  /**
   * Cut the TCP connection if the close handshake is not over within
   * {@linkcode CLOSE_TIMEOUT_MS}: the read loop then reports the close.
   */
  #startDeadline(): void {
    if (this.#deadline !== undefined) return;
    this.#deadline = setTimeout(() => {
      this.#deadline = undefined;
      this.#closeConn();
    }, CLOSE_TIMEOUT_MS);
  }

  /** Drop the TCP connection and everything still waiting to be written. */
  #closeConn(): void {
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#writingBytes = 0;
    this.#pongPayload = undefined;
    const conn = this.#conn;
    if (!conn) return;
    this.#conn = undefined;
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  }

  /** Call the listener; what it throws is reported, never kills the loop. */
  #call(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      reportError(error);
    }
  }
}

/**
 * Check a handshake response head against the expected accept value.
 *
 * @throws {HandshakeError} With the status (and `Retry-After`) when the
 * server answered anything but a valid 101.
 */
function checkHandshake(head: string, accept: string): void {
  const lines = head.split("\r\n");
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    headers.set(
      line.slice(0, colon).trim().toLowerCase(),
      line.slice(colon + 1).trim(),
    );
  }
  // The code is three digits and ends there: "HTTP/1.1 1010" is no 101.
  const status = /^HTTP\/1\.1 (\d{3})(?: |$)/.exec(lines[0] ?? "");
  if (!status || status[1] !== "101") {
    const location = headers.get("location");
    throw new HandshakeError(
      `Cannot open a WebSocket as the server answered '${
        (lines[0] ?? "").slice(0, 200)
      }'${
        location === undefined ? "" : ` (Location: ${location.slice(0, 200)})`
      }`,
      {
        status: status ? Number(status[1]) : undefined,
        retryAfter: parseRetryAfter(headers.get("retry-after"), Date.now()),
      },
    );
  }
  if (headers.get("upgrade")?.toLowerCase() !== "websocket") {
    throw new HandshakeError(
      "Cannot open a WebSocket as the response lacks 'Upgrade: websocket'",
    );
  }
  if (
    !(headers.get("connection") ?? "").toLowerCase().split(/\s*,\s*/)
      .includes("upgrade")
  ) {
    throw new HandshakeError(
      "Cannot open a WebSocket as the response lacks 'Connection: Upgrade'",
    );
  }
  if (headers.get("sec-websocket-accept") !== accept) {
    throw new HandshakeError(
      "Cannot open a WebSocket as 'Sec-WebSocket-Accept' does not match the key",
    );
  }
  if (headers.has("sec-websocket-extensions")) {
    throw new HandshakeError(
      "Cannot open a WebSocket as the server chose an extension that was not offered",
    );
  }
  // No subprotocol is requested, so the server may name none (RFC 6455
  // §4.1: the client must fail the connection).
  if (headers.has("sec-websocket-protocol")) {
    throw new HandshakeError(
      "Cannot open a WebSocket as the server chose a subprotocol that was not requested",
    );
  }
}

/** Options for {@linkcode createTcpWebSocketTransport}. */
export interface TcpWebSocketTransportOptions {
  /**
   * PEM certificates to trust for `wss://` besides the runtime's root store
   * (which `--cert` and `DENO_CERT` already extend): a private CA in front
   * of a gateway proxy, or a test server's certificate.
   */
  caCerts?: readonly string[];
}

/**
 * A {@linkcode Transport} that speaks WebSocket itself over a TCP (`ws://`)
 * or TLS (`wss://`) connection from `Deno.connect` (and `Deno.startTls`),
 * instead of the runtime's `WebSocket`. `close()` while connecting cuts a
 * TCP connect still pending a second later (a host that never answers: the
 * close is reported then; a connect that completes meanwhile is closed as
 * it completes); a TLS handshake a peer never answers cannot be cancelled
 * (a Deno limit): its socket stays open until the peer hangs up. It is the
 * default on Deno (see
 * {@linkcode defaultTransport}). An idle connection costs a pending read
 * into a 2 KiB buffer; a busy one reads up to 64 KiB at a time, and frames
 * larger than that get a buffer of their own for as long as they take to
 * arrive. Messages up to 64 MiB are accepted (larger ones
 * close with 1009); binary frames arrive as `Uint8Array`. A close frame
 * from the server is answered and reported at once through
 * `onCloseFrame`; `onClose` follows when the server ends the TCP
 * connection (or cuts it 2 s later). No extensions are
 * offered (the gateway compresses in the payload, not per message) and no
 * subprotocol is requested: a server that names either is refused.
 *
 * Deno only: it needs `--allow-net` for the gateway's host.
 *
 * @param url The `wss://` (or `ws://`) URL to open.
 * @param listener Receives the socket's events.
 * @returns The connection.
 *
 * @example Usage
 * ```ts
 * import { tcpWebSocketTransport, type Transport } from "@disruption/disruption/gateway";
 *
 * // Pass it as a Shard's or Client's `transport` option.
 * const transport: Transport = tcpWebSocketTransport;
 * ```
 */
export function tcpWebSocketTransport(
  url: string,
  listener: SocketListener,
): GatewaySocket {
  return new TcpWebSocket(url, listener, undefined);
}

/**
 * A {@linkcode tcpWebSocketTransport} with options, such as extra
 * certificates to trust for `wss://`.
 *
 * @param options What to trust.
 * @returns The transport.
 * @throws {TypeError} When `options` is not an object or `caCerts` is not
 * an array of strings.
 *
 * @example Trusting a private CA
 * ```ts
 * import { createTcpWebSocketTransport } from "@disruption/disruption/gateway";
 *
 * const ca = "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n";
 * const transport = createTcpWebSocketTransport({ caCerts: [ca] });
 * ```
 */
export function createTcpWebSocketTransport(
  options: TcpWebSocketTransportOptions = {},
): Transport {
  // null read as "Cannot read properties of null", naming no option.
  assertObjectOption("transport", "options", options);
  const given: unknown = options.caCerts;
  const why =
    "Cannot create transport as 'caCerts' must be an array of PEM strings";
  // A falsy one (0, "", null) was read as "not set", another failed with
  // "options.caCerts is not iterable".
  if (given !== undefined && !Array.isArray(given)) {
    throw new TypeError(
      `${why}: current value 'caCerts=${shownQuoted(given)}'`,
    );
  }
  // findIndex, not every: every skips a hole, which reached startTls.
  const bad = given?.findIndex((cert) => typeof cert !== "string") ?? -1;
  if (bad >= 0) {
    const cert: unknown = given![bad];
    // A certificate read with Deno.readFile: say how to pass its text.
    const bytes = cert instanceof ArrayBuffer || ArrayBuffer.isView(cert)
      ? " (pass the PEM text: new TextDecoder().decode(bytes), or Deno.readTextFile)"
      : "";
    throw new TypeError(
      `${why}: current value 'caCerts[${bad}]=${shownQuoted(cert)}'${bytes}`,
    );
  }
  const caCerts = given === undefined ? undefined : [...given];
  return (url, listener) => new TcpWebSocket(url, listener, caCerts);
}
