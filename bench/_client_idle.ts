/**
 * Many idle shards in one process: a real {@linkcode Client} running
 * `shards` shards against the server's `/idle` endpoint (HELLO 41.25 s,
 * READY, heartbeat ACKs), all identifying at once through an identify queue
 * with `max_concurrency` = `shards`. Memory is read twice: `settleMs` after
 * every shard is ready (the connect burst just over), and `idleMs` after it
 * (every shard has heartbeated and the runtime has settled: what a bot's
 * shards cost for the rest of their lives).
 *
 * @module
 */
import { Client, type Context, Handler } from "../handler/mod.ts";
import { MemoryIdentifyQueue } from "../gateway/identify_queue.ts";
import type { GatewaySocket, Transport } from "../gateway/transport.ts";
import { BENCH_TRANSPORTS, type BenchTransport } from "./_client_shard.ts";
import type { GatewayEventMap } from "../types/mod.ts";
import {
  collectGarbage,
  type MemoryReading,
  parseFlags,
  readIdleMemory,
} from "./_measure.ts";
import { BENCH_INTENTS } from "./_stream.ts";

/** Options for {@linkcode runIdle}. */
export interface IdleOptions {
  /** The server, `ws://127.0.0.1:<port>`. */
  url: string;
  /** Transport compression. */
  compress: "none" | "zlib-stream" | "zstd-stream";
  /** How many shards. */
  shards: number;
  /**
   * `library`: a Client with `shards` shards; `floor`: `shards` bare
   * WebSockets that do the handshake by hand (HELLO, IDENTIFY, READY) and
   * keep a minimal inflater each, for reference.
   *
   * @default {"library"}
   */
  mode?: "library" | "floor";
  /**
   * The library's socket (library mode only).
   *
   * @default {"default"}
   */
  transport?: BenchTransport;
  /**
   * When to take the first reading, in ms after every shard is ready.
   *
   * @default {2000}
   */
  settleMs?: number;
  /**
   * When to take the idle reading, in ms after every shard is ready (at
   * least `settleMs`).
   *
   * @default {45000}
   */
  idleMs?: number;
}

/** Memory of the idle shards. */
export interface IdleResult {
  /** Library or floor. */
  mode: "library" | "floor";
  /** Transport compression. */
  compress: string;
  /** The library's socket (library mode). */
  transport?: BenchTransport;
  /** Shards started. */
  shards: number;
  /** Shards that reached `ready`. */
  ready: number;
  /** Milliseconds until every shard was ready. */
  readyMs: number;
  /** Whether `--expose-gc` was available (memory read after a full GC). */
  collected: boolean;
  /** RSS before the client was created, bytes. */
  baselineRss: number;
  /** Heap used before the client was created, bytes. */
  baselineHeap: number;
  /** `settleMs` after every shard was ready. */
  connected: MemoryReading;
  /** `idleMs` after every shard was ready: the judged reading. */
  idle: MemoryReading;
}

/** A bot that handles messages and interactions, sitting idle. */
class IdleBot extends Handler {
  messages = 0;
  override onMessageCreate(
    _data: GatewayEventMap["MESSAGE_CREATE"],
    _ctx: Context,
  ): void {
    this.messages++;
  }
  override onInteractionCreate(
    _data: GatewayEventMap["INTERACTION_CREATE"],
    _ctx: Context,
  ): void {
    this.messages++;
  }
}

/**
 * Start `shards` shards, wait until they are ready and idle, read memory,
 * and stop them.
 *
 * @param options Server, compression and shard count.
 * @returns The memory readings.
 */
export async function runIdle(options: IdleOptions): Promise<IdleResult> {
  if (options.mode === "floor") {
    const { runIdleFloor } = await import("./_client_idle_floor.ts");
    return await runIdleFloor(options);
  }
  const { shards, compress } = options;
  collectGarbage();
  const baseline = Deno.memoryUsage();
  const open = new Set<Promise<void>>();
  const transport: Transport = (url, listener): GatewaySocket => {
    let closed!: () => void;
    const done = new Promise<void>((resolve) => closed = resolve);
    open.add(done);
    return BENCH_TRANSPORTS[options.transport ?? "default"](url, {
      ...listener,
      onClose: (code, reason) => {
        closed();
        open.delete(done);
        listener.onClose(code, reason);
      },
    });
  };
  const client = new Client({
    token: "bench-token",
    intents: BENCH_INTENTS,
    gatewayUrl: `${options.url}/idle`,
    shards,
    compress,
    transport,
    identifyQueue: new MemoryIdentifyQueue({ maxConcurrency: shards }),
  });
  const started = performance.now();
  try {
    await client.start(new IdleBot());
    const readyAt = performance.now();
    const { connected, idle } = await readIdleMemory(readyAt, options);
    const ready = client.shards!.info().filter((shard) =>
      shard.status === "ready"
    ).length;
    return {
      mode: "library",
      compress,
      transport: options.transport ?? "default",
      shards,
      ready,
      readyMs: readyAt - started,
      collected: typeof (globalThis as { gc?: unknown }).gc === "function",
      baselineRss: baseline.rss,
      baselineHeap: baseline.heapUsed,
      connected,
      idle,
    };
  } finally {
    await client.stop();
    while (open.size > 0) await Promise.all(open);
  }
}

if (import.meta.main) {
  const flags = parseFlags(Deno.args);
  const result = await runIdle({
    url: flags.get("url")!,
    compress: (flags.get("compress") ?? "none") as IdleOptions["compress"],
    shards: Number(flags.get("shards") ?? 1000),
    settleMs: Number(flags.get("settle") ?? 2000),
    idleMs: Number(flags.get("idle") ?? 45_000),
    mode: (flags.get("mode") ?? "library") as "library" | "floor",
    transport: (flags.get("transport") ?? "default") as BenchTransport,
  });
  // deno-lint-ignore no-console
  console.log(JSON.stringify(result));
  Deno.exit(0);
}
