// The server end of one loopback WebSocket connection, spoken by hand: the
// tests drive exactly what a client sees and when (a close frame with the
// TCP connection held open, a bad status line), which no real server lets
// them do. Every wait is on an event, under the watchdog.
import { within } from "../_fakes/watchdog.ts";
import { writeAll } from "../../base/write_all.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One frame the client sent, unmasked. */
export interface ClientFrame {
  opcode: number;
  payload: Uint8Array;
}

/** A gateway payload the client sent as a text frame. */
export interface ClientPayload {
  op: number;
  d: unknown;
}

/** The server end of one connection accepted from a `Deno.Listener`. */
export class RawWsPeer {
  readonly #conn: Deno.Conn;
  #buffer = new Uint8Array(0);

  private constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /**
   * Accept the next connection and answer its upgrade with `statusLine`
   * and the headers of a valid 101 (the right accept value included).
   */
  static async accept(
    listener: Deno.Listener,
    statusLine = "HTTP/1.1 101 Switching Protocols",
  ): Promise<RawWsPeer> {
    const peer = new RawWsPeer(await within(listener.accept(), "a connection"));
    let request: string;
    for (;;) {
      const text = decoder.decode(peer.#buffer);
      const end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        request = text.slice(0, end);
        peer.#buffer = peer.#buffer.slice(end + 4);
        break;
      }
      if (!await within(peer.#more(), "the upgrade request")) {
        throw new Error("EOF in the upgrade request");
      }
    }
    const key = /sec-websocket-key: *(\S+)/i.exec(request)![1]!;
    const digest = await crypto.subtle.digest(
      "SHA-1",
      encoder.encode(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
    );
    const accept = btoa(String.fromCharCode(...new Uint8Array(digest)));
    await peer.#write(encoder.encode(
      `${statusLine}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    ));
    return peer;
  }

  /** Send `payload` as JSON in a text frame. */
  sendJson(payload: unknown): Promise<void> {
    return this.#write(
      serverFrame(0x1, encoder.encode(JSON.stringify(payload))),
    );
  }

  /**
   * Send a close frame with `code` (and `reason`, bytes as given: they may
   * be invalid UTF-8), keeping the TCP connection open.
   */
  sendClose(code: number, reason = new Uint8Array(0)): Promise<void> {
    const payload = new Uint8Array(2 + reason.length);
    payload.set([code >>> 8, code & 0xff]);
    payload.set(reason, 2);
    return this.#write(serverFrame(0x8, payload));
  }

  /**
   * Write `bytes` as given, in one write: frames cut or joined where a test
   * wants them (see {@linkcode serverFrame}).
   */
  sendBytes(bytes: Uint8Array): Promise<void> {
    return this.#write(bytes);
  }

  /** The client's next frame (fails after the watchdog). */
  readFrame(): Promise<ClientFrame> {
    return within(this.#readFrame(), "a frame from the client");
  }

  /** The client's next gateway payload other than a heartbeat (op 1). */
  async readPayload(): Promise<ClientPayload> {
    for (;;) {
      const frame = await this.readFrame();
      if (frame.opcode !== 0x1) {
        throw new Error(`Expected a text frame, got opcode ${frame.opcode}`);
      }
      const payload = JSON.parse(decoder.decode(frame.payload));
      if (payload.op !== 1) return payload;
    }
  }

  /** End the TCP connection. */
  close(): void {
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
  }

  async #more(): Promise<boolean> {
    const chunk = new Uint8Array(16 * 1024);
    const n = await this.#conn.read(chunk);
    if (n === null) return false;
    const joined = new Uint8Array(this.#buffer.length + n);
    joined.set(this.#buffer);
    joined.set(chunk.subarray(0, n), this.#buffer.length);
    this.#buffer = joined;
    return true;
  }

  async #take(n: number): Promise<Uint8Array> {
    while (this.#buffer.length < n) {
      if (!await this.#more()) throw new Error("EOF");
    }
    const out = this.#buffer.slice(0, n);
    this.#buffer = this.#buffer.slice(n);
    return out;
  }

  async #readFrame(): Promise<ClientFrame> {
    const [b0, b1] = await this.#take(2);
    let length = b1! & 0x7f;
    if (length === 126) {
      const ext = await this.#take(2);
      length = (ext[0]! << 8) | ext[1]!;
    } else if (length === 127) {
      const ext = await this.#take(8);
      length = new DataView(ext.buffer).getUint32(4);
    }
    const mask = (b1! & 0x80) !== 0 ? await this.#take(4) : new Uint8Array(4);
    const payload = await this.#take(length);
    for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i & 3]!;
    return { opcode: b0! & 0x0f, payload };
  }

  #write(bytes: Uint8Array): Promise<void> {
    return writeAll(this.#conn, bytes);
  }
}

/** An unmasked, final server frame of fewer than 65536 bytes. */
export function serverFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const ext = payload.length < 126 ? 0 : 2;
  const out = new Uint8Array(2 + ext + payload.length);
  out[0] = 0x80 | opcode;
  if (ext === 0) out[1] = payload.length;
  else {
    out[1] = 126;
    out[2] = payload.length >>> 8;
    out[3] = payload.length & 0xff;
  }
  out.set(payload, 2 + ext);
  return out;
}
