/**
 * The gateway benchmark (`deno task bench`): how much client CPU the
 * library spends per event compared with the least any JavaScript client
 * can spend (the floor), and how much memory idle shards take.
 *
 * A loopback server (`_server.ts`, its own process, not measured) sends a
 * realistic stream of ten dispatch types. Every client case runs in a fresh
 * process of its own (`_client_floor.ts`, `_client_shard.ts`,
 * `_client_idle.ts`) and measures itself: process CPU time (user + system,
 * all threads) from READY to the last event and in each tenth of the stream
 * (a run's CPU per event is the median of its ten windows, so a burst of
 * interference from another tenant of a shared machine moves one window,
 * not the run), wall time, peak RSS and peak heap. Cases alternate floor and library (in swapped order every other
 * repetition) so drift affects both alike; ratios are taken within a
 * repetition and the median over the repetitions is reported.
 *
 * Case (e), only when asked (`--only=e`, as `deno task bench:cache` does):
 * the cost of a full cache in the real Client. The same Client and
 * handler as (b) (all ten types handled, so both parse every event; the
 * Client's filter-before-parse skips nothing in either), once without a
 * cache and once with `cache: {}` (every resource, 100 messages per
 * channel, the stream's 40 guilds with their channels and roles applied
 * before the stream), alternating within a repetition; its ratio is to the
 * cacheless Client of the same repetition, not to the floor. A third
 * client of (e), "kept", runs the cache's pure core on every event and only
 * keeps the changes in an array (no store): the cost of keeping the
 * payloads at all. A fourth, "maps", keeps every event in the cheapest
 * whole cache there is (bench/_naive_cache.ts: the payloads as sent, in
 * Maps): the cost of keeping and indexing the payloads as they come,
 * before any of a cache's own work.
 *
 * The idle cases connect 1,000 shards per process (a Client on the default
 * transport, the same Client on the runtime's `WebSocket`, and bare
 * WebSockets for reference) and read memory twice: 2 s after the last
 * READY, and 45 s after it, once every shard has heartbeated and the
 * runtime has settled; the target is judged on the second. The idle
 * processes run side by side (started a few seconds apart), as they only
 * wait.
 *
 * Where `taskset` works and there are at least two CPUs, the server runs on
 * CPU 0 and each streaming client on CPU 1 (`--no-pin` turns it off):
 * unpinned, where the scheduler happens to place a client next to the
 * server changes its CPU per event by tens of percent from run to run.
 *
 * Flags: `--quick` (20,000 events, 1 repetition, 100 idle shards read at
 * 0.5 s and 1 s; the default is 500,000 events, 5 repetitions, 1,000 idle
 * shards), `--events=N`, `--reps=N`, `--idle-shards=N`, `--idle-settle=MS`
 * and `--idle-wait=MS` (when the two idle readings are taken),
 * `--want=EVENT_NAME` (the one type of case (c)), `--seed=N`,
 * `--floor-inflater=own|library`, `--client-events=auto|all` (the Client
 * `events` option of case (b)), `--transport=default|websocket|tcp` (the
 * library's socket in the streaming cases), `--only=a,b,c,d,e,idle` (a subset
 * of the cases; the default leaves out e), `--no-idle-websocket` (leave out the idle Client on the
 * runtime's `WebSocket`), `--no-pin` (no CPU pinning), `--profile=DIR`
 * (write a `--cpu-prof` profile of every client process to DIR),
 * `--json=FILE` (write the raw results; needs `--allow-write`),
 * `--in-process` (server and clients in this process: for debugging, not
 * for measuring).
 *
 * Exits with 1 if any event was lost, duplicated or reordered, or a client
 * failed; a missed target is only reported.
 *
 * @module
 */
import {
  type Compression,
  COMPRESSIONS,
  startBenchServer,
  type StreamInfo,
} from "./_server.ts";
import type { CaseResult } from "./_measure.ts";
import { CPU_WINDOWS, parseFlags } from "./_measure.ts";
import { runFloor } from "./_client_floor.ts";
import {
  denoCommand,
  machineTitle,
  pinningWorks,
  startAnnouncedServer,
} from "./_process.ts";
import { median, pad, ratioSpread, windowedCpu } from "./_summary.ts";
import { type BenchTransport, runShard } from "./_client_shard.ts";
import { type IdleResult, runIdle } from "./_client_idle.ts";
import {
  DEFAULT_SEED,
  EVENT_NAMES,
  type EventName,
  type StreamSpec,
} from "./_stream.ts";

/** What to run. */
export interface BenchOptions {
  /** Events per stream. */
  events: number;
  /** Repetitions of every streaming case. */
  reps: number;
  /** Idle shards (0: skip). */
  idleShards: number;
  /** The one type of case (c). */
  want: EventName;
  /** Seed of the stream. */
  seed: number;
  /** Run the server and clients in this process (for the smoke test). */
  inProcess: boolean;
  /** The floor's inflater. */
  floorInflater: "own" | "library";
  /** The Client `events` option of case (b). */
  clientEvents: "auto" | "all";
  /** Which cases: `a`, `b`, `c`, `d`, `e`, `idle`. */
  only: ReadonlySet<string>;
  /** Milliseconds after the last READY of the first idle reading. */
  idleSettleMs: number;
  /** Milliseconds after the last READY of the judged idle reading. */
  idleWaitMs: number;
  /**
   * Also measure idle Client shards on the runtime's `WebSocket` (an extra
   * row per compression; on unless `--no-idle-websocket`).
   */
  idleWebSocket?: boolean;
  /** The library's socket in the streaming cases. */
  transport: BenchTransport;
  /** Pin the server and the streaming clients to separate CPUs. */
  pin: boolean;
  /** Directory for CPU profiles of the client processes. */
  profileDir?: string;
  /** Progress output. */
  log: (message: string) => void;
}

/** The library clients whose handler takes all ten event types. */
const HANDLES_ALL_TYPES: ReadonlySet<string> = new Set([
  "all",
  "cached",
  "kept",
  "maps",
]);

/** The clients of case (e), each compared with the cacheless Client. */
const CACHE_CASE: ReadonlySet<string> = new Set(["cached", "kept", "maps"]);

/** One streaming case: a client kind over one compression. */
export interface CaseKey {
  /** `floor`, `all` (b, d, e), `one` (c), `cached`, `kept` or `maps` (e). */
  client: CaseResult["client"];
  /** Transport compression. */
  compress: Compression;
}

/** Everything a run produced. */
export interface BenchReport {
  /** The options it ran with (minus the callbacks). */
  options: Omit<BenchOptions, "log" | "only"> & { only: string[] };
  /** The stream. */
  stream: StreamInfo;
  /** Every client run, in run order, with its repetition. */
  runs: (CaseResult & { rep: number })[];
  /** Idle shard readings, per compression. */
  idle: IdleResult[];
  /** Client processes that failed outright. */
  failures: string[];
  /** Total wall time, ms. */
  wallMs: number;
}

const here = new URL(".", import.meta.url);
const CONFIG = new URL("../deno.json", import.meta.url);

/** How long one client process may run. */
const CLIENT_TIMEOUT_MS = 300_000;

/** The V8 flag that makes `gc()` available to the idle client. */
const V8_FLAGS = "--v8-flags=--expose-gc";

function scriptPath(name: string): string {
  return new URL(name, here).pathname;
}

/** CPU for the server process (none: unpinned). */
function serverCpu(options: BenchOptions): number | undefined {
  return options.pin ? 0 : undefined;
}

/** CPU for a streaming client process (none: unpinned). */
function clientCpu(options: BenchOptions): number | undefined {
  return options.pin ? 1 : undefined;
}

async function runProcess(
  script: string,
  args: string[],
  options: BenchOptions,
  label: string,
  cpu: number | undefined,
): Promise<unknown> {
  const flags = [
    "run",
    "--quiet",
    `--config=${CONFIG.pathname}`,
    "--allow-net=127.0.0.1",
    "--allow-env",
    "--allow-read",
    V8_FLAGS,
  ];
  if (options.profileDir) {
    flags.push(
      "--cpu-prof",
      `--cpu-prof-dir=${options.profileDir}`,
      `--cpu-prof-name=${label}.cpuprofile`,
      "--cpu-prof-interval=100",
    );
  }
  const output = await denoCommand(
    [...flags, scriptPath(script), ...args],
    cpu,
    {
      stdout: "piped",
      stderr: "inherit",
      stdin: "null",
      // A client that hangs (an event that never arrives) is killed.
      signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    },
  ).output();
  const text = new TextDecoder().decode(output.stdout).trim();
  const line = text.split("\n").at(-1) ?? "";
  if (!output.success || !line.startsWith("{")) {
    throw new Error(
      `${script} ${args.join(" ")} failed with exit code ${output.code}`,
    );
  }
  return JSON.parse(line);
}

interface Server {
  url: string;
  info: StreamInfo;
  close(): Promise<void>;
}

async function startServer(
  spec: StreamSpec,
  compressions: readonly Compression[],
  options: BenchOptions,
): Promise<Server> {
  if (options.inProcess) {
    const server = startBenchServer({ spec, compressions });
    return { url: server.url, info: server.info, close: server.close };
  }
  const child = denoCommand(
    [
      "run",
      "--quiet",
      `--config=${CONFIG.pathname}`,
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-env",
      scriptPath("_server.ts"),
      `--events=${spec.events}`,
      `--seed=${spec.seed}`,
      `--last=${spec.last}`,
      `--compressions=${compressions.join(",")}`,
    ],
    serverCpu(options),
    { stdin: "piped", stdout: "piped", stderr: "inherit" },
  );
  const server = await startAnnouncedServer<{ port: number; info: StreamInfo }>(
    child,
    "bench server",
  );
  const { port, info } = server.announced;
  return { url: `ws://127.0.0.1:${port}`, info, close: server.stop };
}

async function runCase(
  key: CaseKey,
  url: string,
  spec: StreamSpec,
  options: BenchOptions,
  label: string,
): Promise<CaseResult> {
  if (options.inProcess) {
    return key.client === "floor"
      ? await runFloor({
        url,
        compress: key.compress,
        spec,
        inflater: options.floorInflater,
      })
      : await runShard({
        url,
        compress: key.compress,
        spec,
        mode: key.client,
        want: options.want,
        events: HANDLES_ALL_TYPES.has(key.client)
          ? options.clientEvents
          : "auto",
        transport: options.transport,
      });
  }
  const args = [
    `--url=${url}`,
    `--compress=${key.compress}`,
    `--events=${spec.events}`,
    `--seed=${spec.seed}`,
    `--last=${spec.last}`,
  ];
  if (key.client === "floor") {
    args.push(`--floor-inflater=${options.floorInflater}`);
    return await runProcess(
      "_client_floor.ts",
      args,
      options,
      label,
      clientCpu(options),
    ) as CaseResult;
  }
  args.push(
    `--mode=${key.client}`,
    `--want=${options.want}`,
    `--transport=${options.transport}`,
  );
  if (HANDLES_ALL_TYPES.has(key.client)) {
    args.push(`--client-events=${options.clientEvents}`);
  }
  return await runProcess(
    "_client_shard.ts",
    args,
    options,
    label,
    clientCpu(options),
  ) as CaseResult;
}

/** The streaming cases of one repetition, floor and library paired. */
function casePairs(options: BenchOptions): CaseKey[][] {
  const pairs: CaseKey[][] = [];
  const none: CaseKey[] = [];
  if (options.only.has("a")) none.push({ client: "floor", compress: "none" });
  if (options.only.has("b")) none.push({ client: "all", compress: "none" });
  if (options.only.has("c")) none.push({ client: "one", compress: "none" });
  if (options.only.has("e")) {
    // The cacheless Client of (b) is (e)'s baseline: run it once.
    if (!options.only.has("b")) none.push({ client: "all", compress: "none" });
    none.push({ client: "cached", compress: "none" });
    none.push({ client: "kept", compress: "none" });
    none.push({ client: "maps", compress: "none" });
  }
  if (none.length > 0) pairs.push(none);
  if (options.only.has("d")) {
    for (const compress of COMPRESSIONS.slice(1)) {
      pairs.push([{ client: "floor", compress }, { client: "all", compress }]);
    }
  }
  return pairs;
}

/** The idle rows: per compression, the floor and the Client (twice). */
function idleRows(options: BenchOptions): {
  compress: "none" | "zlib-stream";
  mode: "floor" | "library";
  transport: BenchTransport;
}[] {
  const rows: ReturnType<typeof idleRows> = [];
  for (const compress of ["none", "zlib-stream"] as const) {
    rows.push({ compress, mode: "floor", transport: "websocket" });
    rows.push({ compress, mode: "library", transport: "default" });
    if (options.idleWebSocket) {
      rows.push({ compress, mode: "library", transport: "websocket" });
    }
  }
  return rows;
}

/** Milliseconds between the starts of two idle processes. */
const IDLE_STAGGER_MS = 3_000;

/**
 * Run the idle rows side by side against one server: each in its own
 * process, started {@linkcode IDLE_STAGGER_MS} apart so that no two connect
 * at once, all then waiting out the idle time together.
 */
async function runIdleCases(
  spec: StreamSpec,
  options: BenchOptions,
  failures: string[],
): Promise<IdleResult[]> {
  const idleServer = await startServer(
    { ...spec, events: 1 },
    ["none"],
    options,
  );
  try {
    const rows = idleRows(options);
    const results = await Promise.all(rows.map(async (row, index) => {
      const { compress, mode, transport } = row;
      const label = `idle-${mode}-${compress}-${transport}`;
      if (!options.inProcess) {
        await new Promise((resolve) =>
          setTimeout(resolve, index * IDLE_STAGGER_MS)
        );
      }
      try {
        const idleOptions = {
          url: idleServer.url,
          compress,
          mode,
          transport,
          shards: options.idleShards,
          settleMs: options.idleSettleMs,
          idleMs: options.idleWaitMs,
        };
        const result = options.inProcess
          ? await runIdle(idleOptions)
          : await runProcess(
            mode === "floor" ? "_client_idle_floor.ts" : "_client_idle.ts",
            [
              `--url=${idleServer.url}`,
              `--compress=${compress}`,
              `--mode=${mode}`,
              `--transport=${transport}`,
              `--shards=${options.idleShards}`,
              `--settle=${options.idleSettleMs}`,
              `--idle=${options.idleWaitMs}`,
            ],
            options,
            label,
            undefined,
          ) as IdleResult;
        options.log(
          `${options.idleShards} idle shards (${
            idleLabel(result)
          }), ${compress}: ${
            mb(result.connected.rss)
          } MB RSS at ${result.connected.atMs} ms, ${
            mb(result.idle.rss)
          } MB at ${result.idle.atMs} ms, ${result.ready} ready`,
        );
        return result;
      } catch (error) {
        failures.push(`${label}: ${(error as Error).message}`);
        options.log(`${label} failed: ${(error as Error).message}`);
        return undefined;
      }
    }));
    return results.filter((result) => result !== undefined);
  } finally {
    await idleServer.close();
  }
}

/**
 * Run the benchmark.
 *
 * @param options What to run.
 * @returns Every measurement.
 */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const started = performance.now();
  const spec: StreamSpec = {
    events: options.events,
    seed: options.seed,
    last: options.want,
  };
  const pairs = casePairs(options);
  const compressions = COMPRESSIONS.filter((compression) =>
    pairs.some((pair) => pair.some((key) => key.compress === compression))
  );
  options.log(
    `building ${spec.events} events for ${
      compressions.join(", ") || "no"
    } streams`,
  );
  const server = await startServer(
    spec,
    compressions.length > 0 ? compressions : ["none"],
    options,
  );
  const report: BenchReport = {
    options: { ...options, only: [...options.only] } as BenchReport["options"],
    stream: server.info,
    runs: [],
    idle: [],
    failures: [],
    wallMs: 0,
  };
  delete (report.options as { log?: unknown }).log;
  try {
    for (let rep = 0; rep < options.reps; rep++) {
      for (const pair of pairs) {
        // Swap the order every other repetition so drift hits both sides.
        const ordered = rep % 2 === 0 ? pair : [...pair].reverse();
        for (const key of ordered) {
          const label = `${key.client}-${key.compress}-rep${rep + 1}`;
          try {
            const result = await runCase(key, server.url, spec, options, label);
            report.runs.push({ ...result, rep });
            options.log(
              `rep ${rep + 1}/${options.reps} ${
                caseName(key)
              } ${key.compress}: ${
                cpuPerEvent(result).toFixed(2)
              } µs/event (whole run ${
                (result.cpuUs / Math.max(1, result.events)).toFixed(2)
              }), ${result.delivered}/${result.expected} delivered${
                result.errors
                  ? `, ${result.errors} errors (${result.firstError})`
                  : ""
              }`,
            );
          } catch (error) {
            report.failures.push(`${label}: ${(error as Error).message}`);
            options.log(`${label} failed: ${(error as Error).message}`);
          }
        }
      }
    }
  } finally {
    await server.close();
  }
  if (options.idleShards > 0 && options.only.has("idle")) {
    report.idle = await runIdleCases(spec, options, report.failures);
  }
  report.wallMs = performance.now() - started;
  return report;
}

// ------------------------------------------------------------------- report

function caseName(key: CaseKey): string {
  return key.client === "floor"
    ? "(a) floor"
    : key.client === "all"
    ? key.compress === "none" ? "(b) Client, all" : "(d) Client, all"
    : key.client === "cached"
    ? "(e) Client+full cache"
    : key.client === "kept"
    ? "(e) Client+kept, no store"
    : key.client === "maps"
    ? "(e) Client+naive maps"
    : "(c) Client, one";
}

/**
 * A run's CPU µs per event: the median of its windows (a tenth of the
 * stream each), or the whole run's average when it has fewer than three.
 *
 * @param run One client run.
 * @returns µs per event.
 */
export function cpuPerEvent(run: CaseResult): number {
  return windowedCpu(run, run.events);
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

/** Summary of one case over the repetitions. */
export interface CaseSummary extends CaseKey {
  /** The row's label. */
  name: string;
  /** Repetitions measured. */
  reps: number;
  /** Median events per second (stream events / wall time). */
  eventsPerSecond: number;
  /** Median over the repetitions of each run's median-window CPU µs per event. */
  cpuPerEventUs: number;
  /** Median peak RSS, bytes. */
  peakRss: number;
  /** Median peak heap, bytes. */
  peakHeap: number;
  /** Median of the per-repetition ratios to the floor's CPU per event. */
  ratio: number | undefined;
  /** Smallest and largest per-repetition ratio. */
  ratioRange: [number, number] | undefined;
  /** The target ratio, if any. */
  target: number | undefined;
  /** Events lost, duplicated, reordered or wrong, over all repetitions. */
  errors: number;
  /** Runs that did not deliver exactly the expected events. */
  incomplete: number;
}

/**
 * Medians and ratios per case.
 *
 * @param report A run's report.
 * @returns One summary per case, in table order.
 */
export function summarize(report: BenchReport): CaseSummary[] {
  const keys: CaseKey[] = [];
  for (const run of report.runs) {
    if (
      !keys.some((key) =>
        key.client === run.client && key.compress === run.compress
      )
    ) keys.push({ client: run.client, compress: run.compress as Compression });
  }
  const order = (key: CaseKey): number =>
    COMPRESSIONS.indexOf(key.compress) * 6 +
    ["floor", "all", "one", "cached", "kept", "maps"].indexOf(key.client);
  keys.sort((a, b) => order(a) - order(b));
  const perEvent = cpuPerEvent;
  return keys.map((key) => {
    const runs = report.runs.filter((run) =>
      run.client === key.client && run.compress === key.compress
    );
    const ratios: number[] = [];
    // (e) against the cacheless Client, the others against the floor.
    const baseline = CACHE_CASE.has(key.client) ? "all" : "floor";
    if (key.client !== "floor") {
      for (const run of runs) {
        const base = report.runs.find((other) =>
          other.client === baseline && other.compress === key.compress &&
          other.rep === run.rep
        );
        if (base && base.cpuUs > 0) {
          ratios.push(perEvent(run) / perEvent(base));
        }
      }
    }
    const target = key.client === "floor" || key.client === "kept" ||
        key.client === "maps"
      ? undefined
      : key.client === "cached"
      ? 1.5
      : key.client === "one"
      ? 0.5
      : key.compress === "none"
      ? 1.05
      : 1.1;
    return {
      ...key,
      name: caseName(key),
      reps: runs.length,
      eventsPerSecond: median(
        runs.map((run) => run.events / (run.wallMs / 1000)),
      ),
      cpuPerEventUs: median(runs.map(perEvent)),
      peakRss: median(runs.map((run) => run.peakRss)),
      peakHeap: median(runs.map((run) => run.peakHeap)),
      ...ratioSpread(ratios),
      target,
      errors: runs.reduce((n, run) => n + run.errors, 0),
      incomplete: runs.filter((run) =>
        !run.complete || run.delivered !== run.expected
      ).length,
    };
  });
}

/** How an idle row's client connects. */
function idleLabel(idle: IdleResult): string {
  if (idle.mode === "floor") return "bare WebSocket";
  return idle.transport === "websocket"
    ? "Client shard (runtime WebSocket)"
    : `Client shard (${idle.transport ?? "default"} transport)`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** The MB target of an idle row, if it is judged. */
function idleTarget(idle: IdleResult): number | undefined {
  // The targets are for 1,000 shards of a Client as configured by default;
  // other rows are shown for reference.
  return idle.mode === "library" && idle.shards === 1000 &&
      (idle.transport ?? "default") === "default"
    ? IDLE_TARGETS[idle.compress]
    : undefined;
}

/** Idle targets: MB of RSS per compression. */
const IDLE_TARGETS: Record<string, number> = {
  "none": 100,
  "zlib-stream": 200,
};

/**
 * Whether every event arrived exactly once, in order, in every run.
 *
 * @param report A run's report.
 * @returns `true` when nothing was lost or reordered and no client failed.
 */
export function allDelivered(report: BenchReport): boolean {
  return report.failures.length === 0 &&
    report.runs.every((run) =>
      run.errors === 0 && run.complete && run.delivered === run.expected
    ) &&
    report.idle.every((idle) => idle.ready === idle.shards);
}

/**
 * The printed report: the stream, the table with targets and pass/fail,
 * and the idle shards.
 *
 * @param report A run's report.
 * @returns Text to print.
 */
export function formatReport(report: BenchReport): string {
  const lines: string[] = [];
  const stream = report.stream;
  const o = report.options;
  lines.push(
    `Stream: ${stream.events} events after READY, ${
      mb(stream.jsonBytes)
    } MB of JSON (${(stream.jsonBytes / stream.events).toFixed(0)} B/event); ` +
      `on the wire: ${
        Object.entries(stream.wireBytes).map(([k, v]) => `${k} ${mb(v!)} MB`)
          .join(", ")
      }`,
  );
  lines.push(
    "Mix: " + EVENT_NAMES.filter((name) => stream.countByType[name]).map((
      name,
    ) =>
      `${name} ${
        (100 * (stream.countByType[name] ?? 0) / stream.events).toFixed(1)
      }% (${
        ((stream.bytesByType[name] ?? 0) / (stream.countByType[name] ?? 1))
          .toFixed(0)
      } B)`
    ).join(", "),
  );
  lines.push(
    `Repetitions: ${o.reps} (medians; CPU µs/event of a run = its median over ${CPU_WINDOWS} windows of a tenth of the stream; ratio = median of per-repetition ratios to the floor of the same compression; (e)'s to (b), the same Client without a cache). ` +
      `(c) wants ${o.want} only. Floor inflater: ${o.floorInflater}. (b)/(d) Client events: ${o.clientEvents}. ` +
      `Library socket: ${o.transport}${
        o.transport === "default" ? " (tcpWebSocketTransport on Deno)" : ""
      }; the floor uses the runtime's WebSocket. CPU pinning: ${
        o.pin && pinningWorks() ? "server on CPU 0, clients on CPU 1" : "off"
      }.`,
  );
  lines.push("");
  const header = [
    pad("case", 22),
    pad("compress", 12),
    pad("events/s", 10, true),
    pad("CPU µs/event", 13, true),
    pad("peak RSS MB", 12, true),
    pad("peak heap MB", 13, true),
    pad("ratio", 7, true),
    pad("(range)", 13, true),
    pad("target", 8, true),
    pad("result", 7, true),
    pad("lost/reordered", 15, true),
  ].join("  ");
  lines.push(header);
  lines.push("-".repeat(header.length));
  for (const row of summarize(report)) {
    const pass = row.ratio === undefined || row.target === undefined
      ? "-"
      : row.ratio <= row.target
      ? "pass"
      : "FAIL";
    lines.push(
      [
        pad(row.name, 22),
        pad(row.compress, 12),
        pad(Math.round(row.eventsPerSecond).toLocaleString("en-US"), 10, true),
        pad(row.cpuPerEventUs.toFixed(2), 13, true),
        pad(mb(row.peakRss), 12, true),
        pad(mb(row.peakHeap), 13, true),
        pad(row.ratio === undefined ? "-" : row.ratio.toFixed(3), 7, true),
        pad(
          row.ratioRange === undefined
            ? ""
            : `${row.ratioRange[0].toFixed(2)}–${row.ratioRange[1].toFixed(2)}`,
          13,
          true,
        ),
        pad(
          row.target === undefined ? "-" : `≤ ${row.target.toFixed(2)}`,
          8,
          true,
        ),
        pad(pass, 7, true),
        pad(
          row.errors === 0 && row.incomplete === 0
            ? "0"
            : `${row.errors} (${row.incomplete} runs)`,
          15,
          true,
        ),
      ].join("  "),
    );
  }
  if (report.idle.length > 0) {
    lines.push("");
    const rowLabel = (idle: IdleResult): string =>
      `${idle.shards.toLocaleString("en-US")} × ${idleLabel(idle)}`;
    const labelWidth = Math.max(
      22,
      ...report.idle.map((i) => rowLabel(i).length),
    );
    const first = report.idle[0]!;
    const idleHeader = [
      pad("idle shards", labelWidth),
      pad("compress", 12),
      pad("ready", 6, true),
      pad("ready in s", 11, true),
      pad(`RSS MB @${seconds(first.connected.atMs)}`, 12, true),
      pad(`RSS MB @${seconds(first.idle.atMs)}`, 12, true),
      pad("heap MB", 8, true),
      pad("external MB", 12, true),
      pad("KB/shard", 9, true),
      pad("target", 10, true),
      pad("result", 7, true),
    ].join("  ");
    lines.push(idleHeader);
    lines.push("-".repeat(idleHeader.length));
    for (const idle of report.idle) {
      const target = idleTarget(idle);
      lines.push(
        [
          pad(rowLabel(idle), labelWidth),
          pad(idle.compress, 12),
          pad(String(idle.ready), 6, true),
          pad((idle.readyMs / 1000).toFixed(2), 11, true),
          pad(mb(idle.connected.rss), 12, true),
          pad(mb(idle.idle.rss), 12, true),
          pad(mb(idle.idle.heapUsed), 8, true),
          pad(mb(idle.idle.external), 12, true),
          pad(
            ((idle.idle.rss - idle.baselineRss) / 1024 / idle.shards).toFixed(
              1,
            ),
            9,
            true,
          ),
          pad(target === undefined ? "-" : `≤ ${target} MB`, 10, true),
          pad(
            target === undefined
              ? "-"
              : idle.idle.rss / 1024 / 1024 <= target
              ? "pass"
              : "FAIL",
            7,
            true,
          ),
        ].join("  "),
      );
    }
    lines.push(
      `(RSS of each client process${
        report.idle.every((idle) => idle.collected) ? " after a full GC" : ""
      }, ${
        seconds(first.connected.atMs)
      } after the last READY (the connect burst just over) and ${
        seconds(first.idle.atMs)
      } after it (the idle reading; at the default 45 s every shard has heartbeated and the runtime has given the burst's memory back): targets are judged on the idle reading. ` +
        `KB/shard = (idle RSS - RSS before connecting) / shards, RSS before connecting ${
          report.idle.map((idle) => mb(idle.baselineRss)).join(" / ")
        } MB. Bare WebSocket rows: the handshake by hand, a minimal inflater each, for reference. Targets apply to 1,000 Client shards on the default transport.)`,
    );
  }
  lines.push("");
  for (const failure of report.failures) lines.push(`FAILED: ${failure}`);
  lines.push(
    allDelivered(report)
      ? `Every event delivered once and in order in every run. Total time ${
        (report.wallMs / 1000).toFixed(0)
      } s.`
      : "EVENTS WERE LOST, DUPLICATED OR REORDERED (or a client failed): see above.",
  );
  return lines.join("\n");
}

/**
 * Options from command-line flags.
 *
 * @param args The arguments.
 * @param log Progress output.
 * @returns The options.
 */
export function optionsFromArgs(
  args: readonly string[],
  log: (message: string) => void,
): BenchOptions {
  const flags = parseFlags(args);
  const quick = flags.has("quick");
  const options: BenchOptions = {
    events: Number(flags.get("events") ?? (quick ? 20_000 : 500_000)),
    reps: Number(flags.get("reps") ?? (quick ? 1 : 5)),
    idleShards: Number(flags.get("idle-shards") ?? (quick ? 100 : 1000)),
    want: (flags.get("want") ?? "INTERACTION_CREATE") as EventName,
    seed: Number(flags.get("seed") ?? DEFAULT_SEED),
    inProcess: flags.has("in-process"),
    floorInflater: (flags.get("floor-inflater") ?? "own") as "own" | "library",
    clientEvents: (flags.get("client-events") ?? "auto") as "auto" | "all",
    only: new Set(
      (flags.get("only") ?? "a,b,c,d,idle").split(",").map((s) => s.trim()),
    ),
    idleSettleMs: Number(flags.get("idle-settle") ?? (quick ? 500 : 2000)),
    idleWaitMs: Number(flags.get("idle-wait") ?? (quick ? 1000 : 45_000)),
    idleWebSocket: !flags.has("no-idle-websocket"),
    transport: (flags.get("transport") ?? "default") as BenchTransport,
    pin: !flags.has("no-pin"),
    log,
  };
  if (!["default", "websocket", "tcp"].includes(options.transport)) {
    throw new RangeError(
      `Cannot run benchmark as 'transport' must be default, websocket or tcp: current value '${options.transport}'`,
    );
  }
  const profile = flags.get("profile");
  if (profile) options.profileDir = profile;
  if (!(EVENT_NAMES as readonly string[]).includes(options.want)) {
    throw new RangeError(
      `Cannot run benchmark as 'want' must be one of the stream's types (${
        EVENT_NAMES.join(", ")
      }): current value '${options.want}'`,
    );
  }
  for (
    const [name, value] of [
      ["events", options.events],
      ["reps", options.reps],
    ] as const
  ) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(
        `Cannot run benchmark as '${name}' must be a positive integer: current value '${value}'`,
      );
    }
  }
  return options;
}

if (import.meta.main) {
  // deno-lint-ignore no-console
  const log = (message: string): void => console.error(message);
  const options = optionsFromArgs(Deno.args, log);
  const report = await runBench(options);
  const json = parseFlags(Deno.args).get("json");
  if (json) {
    try {
      await Deno.writeTextFile(json, JSON.stringify(report, null, 2));
    } catch (error) {
      log(`could not write ${json} (needs --allow-write): ${error}`);
    }
  }
  // deno-lint-ignore no-console
  console.log(`\n${machineTitle("gateway")}\n`);
  // deno-lint-ignore no-console
  console.log(formatReport(report));
  Deno.exit(allDelivered(report) ? 0 : 1);
}
