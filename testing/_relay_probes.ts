/**
 * How the loopback relay learns that the bot has read every frame sent so
 * far (`FakeGateway.delivered`): the server side sends a marker message
 * after those frames; the relay, where it passes, writes a WebSocket ping
 * in its place; the bot's WebSocket answers with a pong only once it has
 * read, and handed to its listener, every frame before the ping (frames
 * are read in order), and the relay sees that pong on its way back.
 *
 * Why a ping and not the gateway's op 1 (heartbeat request): a client
 * answers op 1 at most once per heartbeat interval (this kit's `Shard`
 * does), so a second wait within 41 s would never end; and a ping adds no
 * gateway frame to what a test counts. The pong goes on to the server
 * side, which ignores an unasked one (RFC 6455 §5.5.3).
 *
 * Internal to the test kit.
 *
 * @module
 */
import { headerSize, payloadLength } from "./_client_frame_boundary.ts";

/** A marker's payload: the relay's random tag, then the probe's number. */
const TAG_BYTES = 16;
const MARKER_BYTES = TAG_BYTES + 4;
const OP_BINARY = 0x2;
const OP_PING = 0x9;
const OP_PONG = 0xa;
const END_OF_HEADERS = [13, 10, 13, 10];

/** One relayed connection's probes, in both directions. */
export class RelayProbes {
  readonly #tag = crypto.getRandomValues(new Uint8Array(TAG_BYTES));
  #next = 1;
  /** Probe number → its resolver, oldest first. */
  readonly #waiting = new Map<number, () => void>();
  /**
   * The probes whose ping went to the bot, not yet answered: only a pong
   * carrying one of them answers (a client may send a pong of its own).
   */
  readonly #pinged = new Set<number>();
  /** Server to bot: the HTTP response, then frames (unless not a 101). */
  #phase: "http" | "frames" | "passthrough" = "http";
  #http: number[] = [];
  readonly #toBot = new FrameReader();
  /** A frame held back until it is known whether it is a marker. */
  #held: number[] | undefined;
  readonly #fromBot = new FrameReader();
  #pong: number[] | undefined;
  #ended = false;

  /**
   * Start a probe.
   *
   * @returns The marker for the server side to send (a binary message),
   *   and a promise that resolves once the bot answered its ping, or the
   *   link ended.
   */
  probe(): { marker: Uint8Array; read: Promise<void> } {
    const number = this.#next++;
    const marker = new Uint8Array(MARKER_BYTES);
    marker.set(this.#tag);
    new DataView(marker.buffer).setUint32(TAG_BYTES, number);
    const read = new Promise<void>((resolve) => {
      if (this.#ended) resolve();
      else this.#waiting.set(number, resolve);
    });
    return { marker, read };
  }

  /**
   * The server's bytes on their way to the bot, markers turned into pings.
   *
   * @param bytes The bytes read from the server side (not kept).
   * @returns What to write to the bot now.
   */
  toBot(bytes: Uint8Array): Uint8Array {
    const parts: Uint8Array[] = [];
    let i = 0;
    if (this.#phase === "http") {
      while (i < bytes.length && this.#phase === "http") {
        this.#http.push(bytes[i++]!);
        if (!endsWith(this.#http, END_OF_HEADERS)) continue;
        const status = String.fromCharCode(...this.#http.slice(0, 12));
        this.#phase = status === "HTTP/1.1 101" ? "frames" : "passthrough";
        this.#http = [];
      }
      parts.push(bytes.slice(0, i));
    }
    if (this.#phase === "passthrough") parts.push(bytes.slice(i));
    const reader = this.#toBot;
    while (this.#phase === "frames" && i < bytes.length) {
      if (reader.left > 0) {
        const take = Math.min(reader.left, bytes.length - i);
        const span = bytes.subarray(i, i + take);
        reader.left -= take;
        i += take;
        if (!this.#held) parts.push(span.slice());
        else {
          this.#held.push(...span);
          if (reader.left === 0) parts.push(this.#release());
        }
        continue;
      }
      if (!reader.push(bytes[i++]!)) continue;
      // Only a frame that could be a marker waits (20 bytes at most).
      if (this.#isCandidate()) this.#held = [...reader.header];
      else parts.push(Uint8Array.from(reader.header));
    }
    return join(parts);
  }

  /**
   * The bot's bytes on their way to the server (passed on unchanged):
   * a pong answering a probe's ping settles it and every earlier one (a
   * client may answer only the latest of several pings); another pong
   * settles nothing.
   *
   * @param bytes Frame bytes from the bot (after its HTTP request).
   */
  fromBot(bytes: Uint8Array): void {
    const reader = this.#fromBot;
    let i = 0;
    while (i < bytes.length) {
      if (reader.left > 0) {
        const take = Math.min(reader.left, bytes.length - i);
        if (this.#pong) {
          const mask = reader.header.slice(-4);
          for (let k = 0; k < take; k++) {
            this.#pong.push(bytes[i + k]! ^ mask[this.#pong.length % 4]!);
          }
        }
        reader.left -= take;
        i += take;
        if (reader.left === 0 && this.#pong) this.#answered(this.#pong);
        continue;
      }
      if (!reader.push(bytes[i++]!)) continue;
      const pong = (reader.header[0]! & 0x0f) === OP_PONG && reader.left === 4;
      this.#pong = pong ? [] : undefined;
    }
  }

  /** The link ended: no pong will come; every probe settles. */
  end(): void {
    this.#ended = true;
    for (const resolve of this.#waiting.values()) resolve();
    this.#waiting.clear();
    this.#pinged.clear();
  }

  /** A frame the server sends that could be a marker: binary, its size. */
  #isCandidate(): boolean {
    const first = this.#toBot.header[0]!;
    return (first & 0x80) !== 0 && (first & 0x0f) === OP_BINARY &&
      this.#toBot.left === MARKER_BYTES;
  }

  /** The held frame is whole: a ping if it is a marker, else as it was. */
  #release(): Uint8Array {
    const held = this.#held!;
    this.#held = undefined;
    const payload = held.slice(held.length - MARKER_BYTES);
    if (!this.#tag.every((byte, index) => payload[index] === byte)) {
      return Uint8Array.from(held);
    }
    const number = payload.slice(TAG_BYTES);
    this.#pinged.add(
      new DataView(Uint8Array.from(number).buffer).getUint32(0),
    );
    return Uint8Array.from([0x80 | OP_PING, 4, ...number]);
  }

  #answered(payload: number[]): void {
    this.#pong = undefined;
    const number = new DataView(Uint8Array.from(payload).buffer).getUint32(0);
    // An unsolicited pong (RFC 6455 allows them) proves nothing was read.
    if (!this.#pinged.has(number)) return;
    for (const [waiting, resolve] of this.#waiting) {
      if (waiting > number) break;
      this.#waiting.delete(waiting);
      this.#pinged.delete(waiting);
      resolve();
    }
  }
}

/**
 * Where a WebSocket byte stream stands: the header being read, or how many
 * payload bytes of the current frame are still to pass (`left`).
 */
class FrameReader {
  /** The current frame's header (complete once `push` said so). */
  header: number[] = [];
  /** Payload bytes of the current frame still to pass. */
  left = 0;
  #complete = false;

  /**
   * Take one header byte.
   *
   * @returns Whether the header is complete (`left` is then its payload
   *   length).
   */
  push(byte: number): boolean {
    if (this.#complete) {
      this.header = [];
      this.#complete = false;
    }
    const header = this.header;
    header.push(byte);
    const size = headerSize(header, header.length);
    if (size === undefined || header.length < size) return false;
    this.#complete = true;
    this.left = payloadLength(header);
    return true;
  }
}

function endsWith(bytes: number[], tail: number[]): boolean {
  if (bytes.length < tail.length) return false;
  const start = bytes.length - tail.length;
  return tail.every((byte, index) => bytes[start + index] === byte);
}

function join(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
