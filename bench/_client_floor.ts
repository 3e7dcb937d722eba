/**
 * The floor: the least a JavaScript client can do with the stream. A bare
 * native `WebSocket` that inflates (when compressed) and `JSON.parse`s every
 * frame, answers HELLO with IDENTIFY, and checks every event the same way
 * the library client's handler does.
 *
 * The inflater is written here rather than borrowed from the library: it
 * drives the same native `node:zlib` handle synchronously
 * (`_handle.writeSync`, one context per connection), which is the cheapest
 * way to run a streaming codec from JavaScript in Deno (the public
 * `node:zlib` streams and `DecompressionStream` are asynchronous, one
 * promise or callback per chunk), but with nothing else around it: no error
 * bookkeeping, no closed-state checks. So whatever the library's
 * `createInflater` costs above the codec itself shows up in the ratio
 * instead of cancelling out. (`--floor-inflater=library` runs the floor on
 * `createInflater` instead, for comparison.)
 *
 * @module
 */
import * as zlib from "node:zlib";
import { createInflater } from "../gateway/inflater.ts";
import {
  type CaseResult,
  Meter,
  parseFlags,
  peakRss,
  SAMPLE_MASK,
} from "./_measure.ts";
import {
  DEFAULT_SEED,
  EVENT_NAMES,
  type EventName,
  KEY_CHECKS,
  KEY_SAMPLE_MASK,
  lastSequence,
  READY_SEQUENCE,
  schedule,
  snowflakes,
  type StreamSpec,
} from "./_stream.ts";

/** Options for {@linkcode runFloor}. */
export interface FloorOptions {
  /** The server, `ws://127.0.0.1:<port>`. */
  url: string;
  /** Transport compression. */
  compress: "none" | "zlib-stream" | "zstd-stream";
  /** The stream the server sends. */
  spec: StreamSpec;
  /**
   * `own`: the minimal inflater below; `library`: `createInflater`.
   *
   * @default {"own"}
   */
  inflater?: "own" | "library";
}

interface NativeHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOffset: number,
    inLength: number,
    output: Uint8Array,
    outOffset: number,
    outLength: number,
  ): void;
}

/**
 * Output space shared by every floor inflater of the process: decoding is
 * synchronous and the text is copied out, so one buffer serves them all.
 */
let sharedOutput = new Uint8Array(64 * 1024);

/**
 * The minimal streaming inflater: one native context per connection, one
 * output buffer per process.
 *
 * @param compress The connection's compression.
 * @returns `push` (one WebSocket message in, the payload text or `null`
 * out) and `close`.
 */
export function floorInflater(
  compress: "zlib-stream" | "zstd-stream",
): { push(chunk: Uint8Array): string | null; close(): void } {
  const stream =
    (compress === "zlib-stream"
      ? zlib.createInflate()
      : (zlib as unknown as { createZstdDecompress(): unknown })
        .createZstdDecompress()) as {
        _handle: NativeHandle;
        _writeState: Uint32Array;
        close(): void;
      };
  const handle = stream._handle;
  const state = stream._writeState;
  const flush = compress === "zlib-stream"
    ? zlib.constants.Z_SYNC_FLUSH
    : zlib.constants.ZSTD_e_flush;
  let pending: Uint8Array | undefined;
  return {
    push(chunk: Uint8Array): string | null {
      let input = chunk;
      if (compress === "zlib-stream") {
        const n = chunk.length;
        const complete = n >= 4 && chunk[n - 1] === 0xff &&
          chunk[n - 2] === 0xff && chunk[n - 3] === 0 && chunk[n - 4] === 0;
        if (pending !== undefined || !complete) {
          const joined = new Uint8Array((pending?.length ?? 0) + n);
          if (pending) joined.set(pending);
          joined.set(chunk, pending?.length ?? 0);
          if (!complete) {
            pending = joined;
            return null;
          }
          pending = undefined;
          input = joined;
        }
      }
      let output = sharedOutput;
      let produced = 0;
      let inOffset = 0;
      let inLength = input.length;
      for (;;) {
        const outLength = output.length - produced;
        handle.writeSync(
          flush,
          input,
          inOffset,
          inLength,
          output,
          produced,
          outLength,
        );
        const availOut = state[0]!;
        const availIn = state[1]!;
        produced += outLength - availOut;
        inOffset += inLength - availIn;
        inLength = availIn;
        if (availOut !== 0) break;
        const grown = new Uint8Array(output.length * 2);
        grown.set(output.subarray(0, produced));
        sharedOutput = output = grown;
      }
      return produced === 0
        ? null
        : decoder.decode(output.subarray(0, produced));
    },
    close(): void {
      stream.close();
    },
  };
}

const decoder = new TextDecoder();

const IDENTIFY = JSON.stringify({
  op: 2,
  d: {
    token: "bench-token",
    intents: 3276799,
    properties: { os: "linux", browser: "floor", device: "floor" },
  },
});

/**
 * Receive the whole stream once on a bare WebSocket.
 *
 * @param options Server, compression and stream.
 * @returns What was received and what it cost.
 */
export function runFloor(options: FloorOptions): Promise<CaseResult> {
  const { spec, compress } = options;
  const types = schedule(spec);
  const keys = snowflakes(spec);
  const last = lastSequence(spec);
  const meter = new Meter(options.spec.events);
  const inflater = compress === "none"
    ? undefined
    : options.inflater === "library"
    ? createInflater(compress)
    : floorInflater(compress);
  const result: CaseResult = {
    client: "floor",
    compress,
    events: spec.events,
    expected: spec.events,
    delivered: 0,
    errors: 0,
    complete: false,
    cpuUs: 0,
    windowCpuUs: [],
    wallMs: 0,
    peakRss: 0,
    peakHeap: 0,
  };
  let previous = READY_SEQUENCE;
  const fail = (message: string): void => {
    result.errors++;
    result.firstError ??= message;
  };
  const query = compress === "none" ? "" : `&compress=${compress}`;
  const ws = new WebSocket(`${options.url}/stream?v=10&encoding=json${query}`);
  ws.binaryType = "arraybuffer";
  return new Promise((resolve) => {
    ws.onmessage = (event: MessageEvent) => {
      const data = event.data;
      let text: string | null;
      if (typeof data === "string") text = data;
      else {
        text = inflater!.push(new Uint8Array(data as ArrayBuffer));
        if (text === null) return;
      }
      const frame = JSON.parse(text);
      if (frame.op !== 0) {
        if (frame.op === 10) ws.send(IDENTIFY);
        return;
      }
      const s = frame.s;
      if (s === READY_SEQUENCE) {
        meter.start(s);
        return;
      }
      const type = types[s]!;
      if (!(s > previous)) fail(`sequence ${s} after ${previous}`);
      else if (frame.t !== EVENT_NAMES[type]) {
        fail(`sequence ${s} is ${frame.t}, expected ${EVENT_NAMES[type]}`);
      } else if (
        (s & KEY_SAMPLE_MASK) === 0 &&
        !KEY_CHECKS[type]!(frame.d, s, keys[s >>> 3])
      ) {
        fail(`sequence ${s} carries the wrong payload`);
      } else result.delivered++;
      previous = s;
      if ((s & SAMPLE_MASK) === 0) meter.sample();
      if (s >= meter.nextLap) meter.lap(s);
      if (s === last) {
        meter.stop();
        result.complete = true;
        ws.close(1000);
      }
    };
    ws.onerror = () => {};
    ws.onclose = () => {
      if (!result.complete) {
        fail(`the connection closed after sequence ${previous}`);
        if (meter.running) meter.stop();
      }
      inflater?.close();
      result.cpuUs = meter.cpuUs;
      result.windowCpuUs = meter.windows;
      result.wallMs = meter.wallMs;
      result.peakHeap = meter.peakHeap;
      result.peakRss = peakRss();
      resolve(result);
    };
  });
}

if (import.meta.main) {
  const flags = parseFlags(Deno.args);
  const result = await runFloor({
    url: flags.get("url")!,
    compress: (flags.get("compress") ?? "none") as FloorOptions["compress"],
    spec: {
      events: Number(flags.get("events")),
      seed: Number(flags.get("seed") ?? DEFAULT_SEED),
      last: (flags.get("last") ?? "INTERACTION_CREATE") as EventName,
    },
    inflater: (flags.get("floor-inflater") ?? "own") as "own" | "library",
  });
  // deno-lint-ignore no-console
  console.log(JSON.stringify(result));
  Deno.exit(0);
}
