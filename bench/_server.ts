/**
 * The benchmark's gateway server: a minimal, protocol-correct WebSocket
 * server written on raw TCP, so that serving costs next to nothing and the
 * client alone is measured.
 *
 * - `/stream?compress=…`: HELLO, then on IDENTIFY, READY and the whole event
 *   stream. Every frame of every stream is built (and compressed) once at
 *   start-up: a compression context's output depends only on what went into
 *   it, and every connection gets the same frames in the same order, so one
 *   pre-compressed byte stream is valid for every connection. Sending is
 *   then a few large `write`s that TCP paces (backpressure for free).
 *   Heartbeats are not answered there (HELLO's interval is half an hour).
 * - `/idle?compress=…`: HELLO (41.25 s), READY on IDENTIFY, ACK on every
 *   heartbeat, compressed on the fly: for many idle shards.
 *
 * Run as a subprocess by `gateway_bench.ts` (it prints `{"port":…}` once
 * ready and exits when its stdin closes), or in process by the smoke test.
 *
 * @module
 */
import { createHash } from "node:crypto";
import {
  createStreamCompressor,
  type StreamCompressor,
} from "../testing/_compressor.ts";
import { parseFlags } from "./_measure.ts";
import {
  DEFAULT_SEED,
  EVENT_NAMES,
  eventFrame,
  type EventName,
  helloFrame,
  readyFrame,
  rng,
  schedule,
  type StreamSpec,
} from "./_stream.ts";

/** Transport compression of a connection. */
export type Compression = "none" | "zlib-stream" | "zstd-stream";

/** All three, in table order. */
export const COMPRESSIONS: readonly Compression[] = [
  "none",
  "zlib-stream",
  "zstd-stream",
];

/** HELLO's interval on stream connections: no heartbeat during a run. */
export const STREAM_HEARTBEAT_INTERVAL = 1_800_000;
/** HELLO's interval on idle connections (what Discord sends). */
export const IDLE_HEARTBEAT_INTERVAL = 41_250;

/** Options for {@linkcode startBenchServer}. */
export interface BenchServerOptions {
  /** The stream to serve on `/stream`. */
  spec: StreamSpec;
  /** The compressions to build the stream for. */
  compressions?: readonly Compression[];
  /** Receives progress messages while the streams are built. */
  onProgress?: (message: string) => void;
}

/** Sizes of the built stream. */
export interface StreamInfo {
  /** Events after READY. */
  events: number;
  /** Uncompressed JSON bytes of the events. */
  jsonBytes: number;
  /** Bytes on the wire per compression (payloads, without WebSocket headers). */
  wireBytes: Partial<Record<Compression, number>>;
  /** Uncompressed JSON bytes per event type name. */
  bytesByType: Record<string, number>;
  /** Events per type name. */
  countByType: Record<string, number>;
}

/** A running server. */
export interface BenchServer extends AsyncDisposable {
  /** The port on 127.0.0.1. */
  readonly port: number;
  /** `ws://127.0.0.1:<port>`. */
  readonly url: string;
  /** What `/stream` sends. */
  readonly info: StreamInfo;
  /** Stop listening and drop every connection. */
  close(): Promise<void>;
}

/** The frames of one compression, ready to write. */
interface BuiltStream {
  hello: Uint8Array;
  /** READY then every event, as WebSocket frames, in large chunks. */
  body: Uint8Array[];
}

const CHUNK = 4 * 1024 * 1024;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Appends bytes into a list of large chunks. */
class ChunkWriter {
  readonly chunks: Uint8Array[] = [];
  #current = new Uint8Array(CHUNK);
  #used = 0;

  push(bytes: Uint8Array): void {
    let offset = 0;
    while (offset < bytes.length) {
      if (this.#used === this.#current.length) this.#flush();
      const n = Math.min(
        bytes.length - offset,
        this.#current.length - this.#used,
      );
      this.#current.set(bytes.subarray(offset, offset + n), this.#used);
      this.#used += n;
      offset += n;
    }
  }

  finish(): Uint8Array[] {
    if (this.#used > 0) this.#flush();
    return this.chunks;
  }

  #flush(): void {
    this.chunks.push(this.#current.subarray(0, this.#used));
    this.#current = new Uint8Array(CHUNK);
    this.#used = 0;
  }
}

/**
 * One unmasked server-to-client WebSocket frame.
 *
 * @param opcode Text (1), binary (2), close (8)...
 * @param payload The payload.
 * @returns Header and payload.
 */
export function wsFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const out = new Uint8Array(head + n);
  out[0] = 0x80 | opcode;
  if (n < 126) {
    out[1] = n;
  } else if (n < 65536) {
    out[1] = 126;
    out[2] = n >> 8;
    out[3] = n & 0xff;
  } else {
    out[1] = 127;
    new DataView(out.buffer).setBigUint64(2, BigInt(n));
  }
  out.set(payload, head);
  return out;
}

function build(
  spec: StreamSpec,
  compressions: readonly Compression[],
  onProgress: (message: string) => void,
): { streams: Map<Compression, BuiltStream>; info: StreamInfo } {
  const types = schedule(spec);
  const random = rng(spec.seed ^ 0x5bd1e995);
  const builders = compressions.map((compression) => ({
    compression,
    compressor: compression === "none"
      ? undefined
      : createStreamCompressor(compression),
    hello: new Uint8Array(0) as Uint8Array,
    writer: new ChunkWriter(),
    wire: 0,
  }));
  const info: StreamInfo = {
    events: spec.events,
    jsonBytes: 0,
    wireBytes: {},
    bytesByType: {},
    countByType: {},
  };
  const add = (
    builder: typeof builders[number],
    json: Uint8Array,
    hello: boolean,
  ): void => {
    const payload = builder.compressor
      ? builder.compressor.compress(json)
      : json;
    const frame = wsFrame(builder.compressor ? OP_BINARY : OP_TEXT, payload);
    if (hello) builder.hello = frame;
    else {
      builder.writer.push(frame);
      builder.wire += payload.length;
    }
  };
  const hello = encoder.encode(helloFrame(STREAM_HEARTBEAT_INTERVAL));
  const ready = encoder.encode(
    readyFrame("bench-session", "ws://127.0.0.1/stream", undefined),
  );
  for (const builder of builders) {
    add(builder, hello, true);
    add(builder, ready, false);
  }
  const step = Math.max(1, Math.floor(spec.events / 10));
  for (let s = 2; s < types.length; s++) {
    const type = types[s]!;
    const json = encoder.encode(eventFrame(random, s, type));
    const name = EVENT_NAMES[type]!;
    info.jsonBytes += json.length;
    info.bytesByType[name] = (info.bytesByType[name] ?? 0) + json.length;
    info.countByType[name] = (info.countByType[name] ?? 0) + 1;
    for (const builder of builders) add(builder, json, false);
    if ((s - 1) % step === 0) {
      onProgress(
        `built ${s - 1}/${spec.events} events (${compressions.join(", ")})`,
      );
    }
  }
  const streams = new Map<Compression, BuiltStream>();
  for (const builder of builders) {
    builder.compressor?.close();
    info.wireBytes[builder.compression] = builder.wire;
    streams.set(builder.compression, {
      hello: builder.hello,
      body: builder.writer.finish(),
    });
  }
  return { streams, info };
}

/**
 * Build the streams and listen on a free port of 127.0.0.1.
 *
 * @param options The stream and the compressions to serve.
 * @returns The running server.
 */
export function startBenchServer(options: BenchServerOptions): BenchServer {
  const compressions = options.compressions ?? COMPRESSIONS;
  const { streams, info } = build(
    options.spec,
    compressions,
    options.onProgress ?? (() => {}),
  );
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const conns = new Set<Deno.Conn>();
  const tasks = new Set<Promise<void>>();
  let sessions = 0;

  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        conns.add(conn);
        const task = serve(conn, {
          streams,
          port,
          nextSession: () => `idle-session-${++sessions}`,
        }).finally(() => {
          conns.delete(conn);
          tasks.delete(task);
        });
        tasks.add(task);
      }
    } catch {
      // The listener was closed.
    }
  })();

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      try {
        listener.close();
      } catch {
        // Already closed.
      }
      await accepting;
      for (const conn of conns) closeConn(conn);
      while (tasks.size > 0) await Promise.all(tasks);
    })();
    return closing;
  };
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    info,
    close,
    [Symbol.asyncDispose]: close,
  };
}

function closeConn(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    offset += await conn.write(bytes.subarray(offset));
  }
}

/** Reads from a connection into a growing buffer. */
class Reader {
  #conn: Deno.Conn;
  buffer = new Uint8Array(16 * 1024);
  start = 0;
  end = 0;

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /** Read more bytes; `false` at the end of the stream. */
  async more(): Promise<boolean> {
    if (this.start > 0) {
      this.buffer.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    if (this.end === this.buffer.length) {
      const grown = new Uint8Array(this.buffer.length * 2);
      grown.set(this.buffer.subarray(0, this.end));
      this.buffer = grown;
    }
    let n: number | null;
    try {
      n = await this.#conn.read(this.buffer.subarray(this.end));
    } catch {
      return false;
    }
    if (n === null) return false;
    this.end += n;
    return true;
  }
}

interface Request {
  path: string;
  compress: Compression;
  key: string;
}

async function readRequest(reader: Reader): Promise<Request | undefined> {
  for (;;) {
    const text = decoder.decode(
      reader.buffer.subarray(reader.start, reader.end),
    );
    const headEnd = text.indexOf("\r\n\r\n");
    if (headEnd >= 0) {
      reader.start += encoder.encode(text.slice(0, headEnd + 4)).length;
      const [requestLine, ...headerLines] = text.slice(0, headEnd).split(
        "\r\n",
      );
      const target = new URL(requestLine!.split(" ")[1] ?? "/", "http://x");
      const headers = new Map<string, string>();
      for (const line of headerLines) {
        const colon = line.indexOf(":");
        headers.set(
          line.slice(0, colon).trim().toLowerCase(),
          line.slice(colon + 1).trim(),
        );
      }
      const compress =
        (target.searchParams.get("compress") ?? "none") as Compression;
      return {
        path: target.pathname.replace(/\/+$/, "") || "/",
        compress,
        key: headers.get("sec-websocket-key") ?? "",
      };
    }
    if (!await reader.more()) return undefined;
  }
}

interface ClientFrame {
  opcode: number;
  payload: Uint8Array;
}

/** The next complete client frame (unmasked), or undefined at the end. */
async function readFrame(reader: Reader): Promise<ClientFrame | undefined> {
  for (;;) {
    const frame = parseFrame(reader);
    if (frame) return frame;
    if (!await reader.more()) return undefined;
  }
}

function parseFrame(reader: Reader): ClientFrame | undefined {
  const b = reader.buffer;
  let i = reader.start;
  const available = reader.end - i;
  if (available < 2) return undefined;
  const opcode = b[i]! & 0x0f;
  const masked = (b[i + 1]! & 0x80) !== 0;
  let length = b[i + 1]! & 0x7f;
  let head = 2;
  if (length === 126) {
    if (available < 4) return undefined;
    length = (b[i + 2]! << 8) | b[i + 3]!;
    head = 4;
  } else if (length === 127) {
    if (available < 10) return undefined;
    length = Number(
      new DataView(b.buffer, b.byteOffset + i + 2, 8).getBigUint64(0),
    );
    head = 10;
  }
  const maskAt = i + head;
  if (masked) head += 4;
  if (available < head + length) return undefined;
  i += head;
  const payload = b.slice(i, i + length);
  if (masked) {
    for (let k = 0; k < length; k++) payload[k]! ^= b[maskAt + (k & 3)]!;
  }
  reader.start = i + length;
  // Fragmented client frames never happen here (commands are small).
  return { opcode, payload };
}

interface ServeContext {
  streams: Map<Compression, BuiltStream>;
  port: number;
  nextSession: () => string;
}

async function serve(conn: Deno.Conn, context: ServeContext): Promise<void> {
  try {
    await serveWebSocket(conn, context);
  } catch {
    // A connection that breaks mid-way just ends.
  } finally {
    closeConn(conn);
  }
}

async function serveWebSocket(
  conn: Deno.Conn,
  context: ServeContext,
): Promise<void> {
  const reader = new Reader(conn);
  const request = await readRequest(reader);
  if (!request) return;
  const stream = request.path === "/stream"
    ? context.streams.get(request.compress)
    : undefined;
  const known = request.path === "/idle" ||
    (request.path === "/stream" && stream !== undefined);
  if (!known || !request.key) {
    await writeAll(
      conn,
      encoder.encode(
        "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
      ),
    );
    return;
  }
  const accept = createHash("sha1").update(request.key + GUID).digest(
    "base64",
  );
  await writeAll(
    conn,
    encoder.encode(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n" +
        `Connection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    ),
  );
  // Writes are chained so frames never interleave.
  let writing: Promise<void> = Promise.resolve();
  let broken = false;
  const write = (bytes: Uint8Array | Uint8Array[]): Promise<void> => {
    writing = writing.then(async () => {
      if (broken) return;
      try {
        for (const chunk of Array.isArray(bytes) ? bytes : [bytes]) {
          await writeAll(conn, chunk);
        }
      } catch {
        broken = true;
      }
    });
    return writing;
  };
  let compressor: StreamCompressor | undefined;
  const sendIdle = (json: string): void => {
    const bytes = encoder.encode(json);
    if (compressor) write(wsFrame(OP_BINARY, compressor.compress(bytes)));
    else write(wsFrame(OP_TEXT, bytes));
  };
  try {
    if (stream) {
      write(stream.hello);
    } else {
      if (request.compress !== "none") {
        compressor = createStreamCompressor(request.compress);
      }
      sendIdle(helloFrame(IDLE_HEARTBEAT_INTERVAL));
    }
    let identified = false;
    for (;;) {
      const frame = await readFrame(reader);
      if (!frame) break;
      if (frame.opcode === OP_CLOSE) {
        // Echo the close (after whatever is being written) and hang up.
        await write(wsFrame(OP_CLOSE, frame.payload.subarray(0, 2)));
        break;
      }
      if (frame.opcode === OP_PING) {
        write(wsFrame(OP_PONG, frame.payload));
        continue;
      }
      if (frame.opcode !== OP_TEXT) continue;
      let command: { op?: number; d?: { shard?: [number, number] } };
      try {
        command = JSON.parse(decoder.decode(frame.payload));
      } catch {
        continue;
      }
      if (command.op === 2 && !identified) {
        identified = true;
        if (stream) write(stream.body);
        else {
          sendIdle(
            readyFrame(
              context.nextSession(),
              `ws://127.0.0.1:${context.port}/idle`,
              command.d?.shard,
            ),
          );
        }
      } else if (command.op === 1 && !stream) {
        sendIdle('{"t":null,"s":null,"op":11,"d":null}');
      }
    }
  } finally {
    broken = true;
    compressor?.close();
  }
}

if (import.meta.main) {
  const args = parseFlags(Deno.args);
  const spec: StreamSpec = {
    events: Number(args.get("events") ?? 500_000),
    seed: Number(args.get("seed") ?? DEFAULT_SEED),
    last: (args.get("last") ?? "INTERACTION_CREATE") as EventName,
  };
  const compressions = (args.get("compressions")?.split(",") ??
    COMPRESSIONS) as Compression[];
  const server = startBenchServer({
    spec,
    compressions,
    // deno-lint-ignore no-console
    onProgress: (message) => console.error(`[server] ${message}`),
  });
  // deno-lint-ignore no-console
  console.log(JSON.stringify({ port: server.port, info: server.info }));
  // Exit when the parent goes away (stdin closes).
  const buffer = new Uint8Array(64);
  while (await Deno.stdin.read(buffer) !== null) {
    // Ignore input.
  }
  await server.close();
  Deno.exit(0);
}
