/**
 * Many idle shards in one process: a real {@linkcode Client} running
 * `shards` shards against the server's `/idle` endpoint (HELLO 41.25 s,
 * READY, heartbeat ACKs), all identifying at once through an identify queue
 * with `max_concurrency` = `shards`. Memory is read once every shard is
 * ready and has sat idle for `settleMs`.
 *
 * @module
 */
import { Client, type Context, Handler } from "../handler/mod.ts";
import { MemoryIdentifyQueue } from "../gateway/identify_queue.ts";
import {
  type GatewaySocket,
  type Transport,
  webSocketTransport,
} from "../gateway/transport.ts";
import { tcpWebSocketTransport } from "../gateway/tcp_transport.ts";
import type { GatewayEventMap } from "../types/mod.ts";
import { collectGarbage, parseFlags } from "./_measure.ts";
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
   * The library's socket: the runtime's `WebSocket` or
   * `tcpWebSocketTransport` (library mode only).
   *
   * @default {"websocket"}
   */
  transport?: "websocket" | "tcp";
  /**
   * How long to wait after every shard is ready before reading memory.
   *
   * @default {2000}
   */
  settleMs?: number;
}

/** Memory of the idle shards. */
export interface IdleResult {
  /** Library or floor. */
  mode: "library" | "floor";
  /** Transport compression. */
  compress: string;
  /** The library's socket, when not the runtime's `WebSocket`. */
  transport?: "tcp";
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
  /** RSS with every shard ready and idle, bytes. */
  rss: number;
  /** `heapUsed` then, bytes. */
  heapUsed: number;
  /** `heapTotal` then, bytes. */
  heapTotal: number;
  /** `external` then (ArrayBuffers and native objects V8 knows of), bytes. */
  external: number;
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
    const base = options.transport === "tcp"
      ? tcpWebSocketTransport
      : webSocketTransport;
    return base(url, {
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
    const readyMs = performance.now() - started;
    const settle = options.settleMs ?? 2000;
    if (settle > 0) await new Promise((resolve) => setTimeout(resolve, settle));
    collectGarbage();
    const memory = Deno.memoryUsage();
    const ready = client.shards!.info().filter((shard) =>
      shard.status === "ready"
    ).length;
    return {
      mode: "library",
      compress,
      ...(options.transport === "tcp" ? { transport: "tcp" as const } : {}),
      shards,
      ready,
      readyMs,
      collected: typeof (globalThis as { gc?: unknown }).gc === "function",
      baselineRss: baseline.rss,
      baselineHeap: baseline.heapUsed,
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      external: memory.external,
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
    mode: (flags.get("mode") ?? "library") as "library" | "floor",
    transport: (flags.get("transport") ?? "websocket") as "websocket" | "tcp",
  });
  // deno-lint-ignore no-console
  console.log(JSON.stringify(result));
  Deno.exit(0);
}
