/**
 * Where the client-to-server WebSocket byte stream stands between frames,
 * so the loopback relay can end a dropped connection with a close frame
 * on a frame boundary.
 *
 * Why: when a connection upgraded by `Deno.serve` loses its TCP link
 * without a close frame, Deno 2.9 keeps the process alive about 15 s after
 * everything is closed (a bare `Deno.serve` + `Deno.upgradeWebSocket` and
 * an aborted client reproduce it). A close frame from the client side
 * closes it at once, so the relay, after cutting the bot's side, finishes
 * the frame in flight and writes a close frame to the server side.
 *
 * Internal to the test kit.
 *
 * @module
 */

/** The longest frame the relay will pad out before giving up (bytes). */
const MAX_FILLER = 1 << 20;

/** Tracks client frames (always masked, RFC 6455 §5.2) as bytes pass. */
export class ClientFrameBoundary {
  #header = new Uint8Array(14);
  #headerLength = 0;
  #payloadLeft = 0;
  #sentClose = false;

  /** Whether the client has sent a close frame (its own close handshake). */
  get sentClose(): boolean {
    return this.#sentClose;
  }

  /**
   * Account for bytes written towards the server.
   *
   * @param bytes The bytes, in order.
   */
  feed(bytes: Uint8Array): void {
    let i = 0;
    while (i < bytes.length) {
      if (this.#payloadLeft > 0) {
        const take = Math.min(this.#payloadLeft, bytes.length - i);
        this.#payloadLeft -= take;
        i += take;
        continue;
      }
      this.#header[this.#headerLength++] = bytes[i++]!;
      const size = headerSize(this.#header, this.#headerLength);
      if (size !== undefined && this.#headerLength === size) {
        if ((this.#header[0]! & 0x0f) === 0x8) this.#sentClose = true;
        this.#payloadLeft = payloadLength(this.#header);
        this.#headerLength = 0;
      }
    }
  }

  /**
   * The bytes that end the frame in flight (zeros), then a masked close
   * frame with code 1000; `undefined` when the frame in flight is too long
   * to pad.
   *
   * @returns What to write to the server side before closing it.
   */
  closing(): Uint8Array | undefined {
    const filler: number[] = [];
    while (this.#headerLength > 0 || this.#payloadLeft > 0) {
      if (this.#payloadLeft > MAX_FILLER - filler.length) return undefined;
      if (this.#payloadLeft > 0) {
        filler.push(...new Uint8Array(this.#payloadLeft));
        this.#payloadLeft = 0;
        continue;
      }
      // Mid-header: zeros complete it (a zero length adds no payload).
      filler.push(0);
      this.feed(new Uint8Array(1));
    }
    // FIN + close, masked with a zero key, payload: status code 1000.
    return Uint8Array.from([...filler, 0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8]);
  }
}

/**
 * A WebSocket frame's full header size, once enough of it is known.
 *
 * @param header The header bytes read so far (and perhaps more).
 * @param length How many of them are read.
 * @returns The size, or `undefined` before its first two bytes.
 */
export function headerSize(
  header: ArrayLike<number>,
  length: number,
): number | undefined {
  if (length < 2) return undefined;
  const length7 = header[1]! & 0x7f;
  const extended = length7 === 126 ? 2 : length7 === 127 ? 8 : 0;
  const masked = (header[1]! & 0x80) !== 0 ? 4 : 0;
  return 2 + extended + masked;
}

/**
 * A WebSocket frame's payload length, from its header (the 7-bit length,
 * or the 16- or 64-bit one after it).
 *
 * @param header The frame's header bytes, whole.
 * @returns The payload's length in bytes.
 */
export function payloadLength(header: ArrayLike<number>): number {
  const length7 = header[1]! & 0x7f;
  if (length7 < 126) return length7;
  if (length7 === 126) return (header[2]! << 8) | header[3]!;
  let length = 0;
  for (let i = 2; i < 10; i++) length = length * 256 + header[i]!;
  return length;
}
