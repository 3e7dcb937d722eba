/**
 * The idle floor: `shards` bare native WebSockets that do the handshake by
 * hand (HELLO, IDENTIFY with the shard, READY) and keep one minimal
 * inflater each when compressed. It imports nothing from the library (and,
 * uncompressed, nothing from `node:`), so its RSS is what the runtime
 * itself needs for that many idle gateway connections.
 *
 * @module
 */
import type { IdleOptions, IdleResult } from "./_client_idle.ts";
import { BENCH_INTENTS } from "./_stream.ts";
import { collectGarbage, readIdleMemory } from "./_measure.ts";

/**
 * Open `shards` bare sockets, wait until each has READY and has idled,
 * read memory, and close them.
 *
 * @param options Server, compression and count.
 * @returns The memory readings.
 */
export async function runIdleFloor(options: IdleOptions): Promise<IdleResult> {
  const { shards, compress } = options;
  type Push = (chunk: Uint8Array) => string | null;
  let makeInflater:
    | ((kind: "zlib-stream" | "zstd-stream") => {
      push: Push;
      close(): void;
    })
    | undefined;
  if (compress !== "none") {
    makeInflater = (await import("./_client_floor.ts")).floorInflater;
  }
  collectGarbage();
  const baseline = Deno.memoryUsage();
  const query = compress === "none" ? "" : `&compress=${compress}`;
  const sockets: WebSocket[] = [];
  const closed: Promise<void>[] = [];
  const started = performance.now();
  let ready = 0;
  let allReady!: () => void;
  const readyPromise = new Promise<void>((resolve) => allReady = resolve);
  for (let id = 0; id < shards; id++) {
    const ws = new WebSocket(`${options.url}/idle?v=10&encoding=json${query}`);
    ws.binaryType = "arraybuffer";
    const inflater = compress === "none" ? undefined : makeInflater!(compress);
    ws.onmessage = (event: MessageEvent) => {
      const data = event.data;
      const text = typeof data === "string"
        ? data
        : inflater!.push(new Uint8Array(data as ArrayBuffer));
      if (text === null) return;
      const frame = JSON.parse(text);
      if (frame.op === 10) {
        ws.send(JSON.stringify({
          op: 2,
          d: {
            token: "bench-token",
            intents: BENCH_INTENTS,
            properties: { os: "linux", browser: "floor", device: "floor" },
            shard: [id, shards],
          },
        }));
      } else if (frame.op === 0 && frame.t === "READY") {
        if (++ready === shards) allReady();
      }
    };
    ws.onerror = () => {};
    closed.push(
      new Promise((resolve) =>
        ws.onclose = () => {
          inflater?.close();
          // A socket that closes before READY ends the wait; the count shows it.
          if (ready < shards) allReady();
          resolve();
        }
      ),
    );
    sockets.push(ws);
  }
  try {
    await readyPromise;
    const readyAt = performance.now();
    const { connected, idle } = await readIdleMemory(readyAt, options);
    return {
      mode: "floor",
      compress,
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
    for (const ws of sockets) ws.close(1000);
    await Promise.all(closed);
  }
}

if (import.meta.main) {
  const flags = new Map<string, string>();
  for (const arg of Deno.args) {
    const match = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (match) flags.set(match[1]!, match[2]!);
  }
  const result = await runIdleFloor({
    url: flags.get("url")!,
    compress: (flags.get("compress") ?? "none") as IdleOptions["compress"],
    shards: Number(flags.get("shards") ?? 1000),
    settleMs: Number(flags.get("settle") ?? 2000),
    idleMs: Number(flags.get("idle") ?? 45_000),
  });
  // deno-lint-ignore no-console
  console.log(JSON.stringify(result));
  Deno.exit(0);
}
