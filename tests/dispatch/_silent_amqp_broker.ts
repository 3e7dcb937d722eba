// A broker stand-in on 127.0.0.1 that completes the AMQP 0-9-1 handshake,
// proposing heartbeat 0 (RabbitMQ's `heartbeat = 0`), and then never
// answers anything again: no heartbeat ends such a connection, so only the
// client's own deadlines do. A port of the reviewer's fake_amqp.py.

const METHOD = 1;
const FRAME_END = 0xce;

/** A method frame on channel 0: class, method, then `args`. */
function method(classId: number, methodId: number, args: number[]): Uint8Array {
  const size = 4 + args.length;
  return new Uint8Array([
    METHOD,
    0,
    0,
    ...[24, 16, 8, 0].map((shift) => (size >>> shift) & 0xff),
    classId >> 8,
    classId & 0xff,
    methodId >> 8,
    methodId & 0xff,
    ...args,
    FRAME_END,
  ]);
}

/** An AMQP long string: its length in four bytes, then its bytes. */
function longString(text: string): number[] {
  const bytes = new TextEncoder().encode(text);
  return [0, 0, 0, bytes.length, ...bytes];
}

/** connection.start: version 0-9, no server properties, PLAIN, en_US. */
const START = method(10, 10, [
  0,
  9,
  0,
  0,
  0,
  0,
  ...longString("PLAIN"),
  ...longString("en_US"),
]);
/** connection.tune: 2047 channels, frame max 131,072, heartbeat 0. */
const TUNE = method(10, 30, [0x07, 0xff, 0, 2, 0, 0, 0, 0]);
/** connection.open-ok. */
const OPEN_OK = method(10, 41, [0]);

/** The broker: one listener; each connection goes silent once opened. */
export class SilentAmqpBroker {
  readonly #listener: Deno.TcpListener;
  readonly #conns = new Set<Deno.Conn>();
  readonly #serving = new Set<Promise<void>>();
  readonly #accepting: Promise<void>;
  #silent = Promise.withResolvers<void>();
  #ended = Promise.withResolvers<void>();

  constructor() {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.#accepting = this.#accept();
  }

  /** `amqp://` URL to give the publisher. */
  get url(): string {
    return `amqp://guest:guest@127.0.0.1:${this.#listener.addr.port}`;
  }

  /**
   * Resolves once a client, its connection open, sent a frame the broker
   * left unanswered (the set-up after the connect is under way).
   */
  get ignoring(): Promise<void> {
    return this.#silent.promise;
  }

  /** Resolves once a client's connection ended (it closed or dropped it). */
  get ended(): Promise<void> {
    return this.#ended.promise;
  }

  /** Close the listener and every connection; resolves once all ended. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.#listener.close();
    await this.#accepting;
    for (const conn of this.#conns) {
      try {
        conn.close();
      } catch {
        // Closed already.
      }
    }
    await Promise.all(this.#serving);
  }

  async #accept(): Promise<void> {
    try {
      for await (const conn of this.#listener) {
        this.#conns.add(conn);
        const serving = this.#serve(conn).catch(() => {}).finally(() => {
          this.#conns.delete(conn);
          this.#serving.delete(serving);
          this.#ended.resolve();
        });
        this.#serving.add(serving);
      }
    } catch {
      // The listener was closed.
    }
  }

  async #serve(conn: Deno.Conn): Promise<void> {
    let buffered = new Uint8Array(0);
    let greeted = false;
    let opened = false;
    const chunk = new Uint8Array(65_536);
    while (true) {
      const n = await conn.read(chunk);
      if (n === null) return;
      const joined = new Uint8Array(buffered.length + n);
      joined.set(buffered);
      joined.set(chunk.subarray(0, n), buffered.length);
      buffered = joined;
      if (!greeted) {
        if (buffered.length < 8) continue; // "AMQP" 0 0 9 1
        buffered = buffered.slice(8);
        greeted = true;
        await conn.write(START);
      }
      while (buffered.length >= 8) {
        const view = new DataView(buffered.buffer, buffered.byteOffset);
        const size = view.getUint32(3);
        if (buffered.length < size + 8) break;
        const payload = buffered.subarray(7, 7 + size);
        const type = buffered[0];
        buffered = buffered.slice(size + 8);
        if (type !== METHOD) continue;
        if (opened) {
          this.#silent.resolve();
          continue;
        }
        const id = (payload[0]! << 8 | payload[1]!) * 1000 +
          (payload[2]! << 8 | payload[3]!);
        if (id === 10_011) await conn.write(TUNE); // start-ok
        if (id === 10_040) { // connection.open
          opened = true;
          await conn.write(OPEN_OK);
        }
      }
    }
  }
}
