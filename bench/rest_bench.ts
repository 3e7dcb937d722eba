/**
 * The REST benchmark (`deno task bench:rest`): how much CPU the library's
 * `RestClient` spends per request compared with the least a client can
 * spend, whether its rate limiter's queue costs the same per request
 * however deep it is, and how much memory a waiting request and a bucket
 * take.
 *
 * A loopback HTTP server (`_rest_server.ts`, its own process, not measured)
 * answers like Discord: JSON bodies, the `X-RateLimit-*` headers on every
 * answer, a 429 past a bucket's limit (none is expected: each case checks
 * the server sent none, nor a 401). Every case runs in a fresh process of
 * its own (`_rest_client.ts`) and measures its own process CPU (user +
 * system, all threads):
 *
 * - (a) The same mix of requests (six in ten create a message in one of 16
 *   channels, two get a guild member, two answer an interaction with a
 *   message), 16 in flight at once, (floor) with the runtime's `fetch`
 *   and `JSON.parse`, and (RestClient) through the library's client, its
 *   global limit raised out of the way; the server's buckets are generous
 *   (1,000,000 a minute), so the limiter never waits. CPU per request = the
 *   median of the run's ten windows of a tenth of its requests, after a
 *   warm-up; ratio = RestClient / floor within a repetition, the median of
 *   those reported.
 * - (b) The client's rate limiter alone (`clientLimiter`, as `RestClient`
 *   builds it), each attempt answered at once in process with Discord's
 *   headers (no HTTP: a request's own cost would hide the queue's). The
 *   same number of jobs is queued at once in both cases, in lanes 1,000
 *   deep or in one lane as deep as all of them (each lane a channel of its
 *   own: its first job goes out alone, the bucket's `remaining` unknown,
 *   and its answer lets the others go, one dequeue each). CPU per job over
 *   the whole run; ratio = deep / shallow within a repetition, which stays
 *   near 1 when a dequeue costs the same at any depth (it measured 6–8 with
 *   the head taken out by a search, O(queue)).
 * - (c) Memory (a process of its own, `--expose-gc`, heap after a full GC):
 *   per request queued through `RestClient` behind one in flight, per
 *   request in flight each on a bucket of its own, and per bucket kept once
 *   answered (`fetch` held in process until released); and per job queued
 *   in the limiter alone, from (b).
 *
 * Cases alternate (in swapped order every other repetition) so drift
 * affects both sides alike. Where `taskset` works and there are at least
 * two CPUs, the server runs on CPU 0 and every case on CPU 1 (`--no-pin`
 * turns it off).
 *
 * Flags: `--quick` (1 repetition, 3,000 requests in (a), one round of (b),
 * 1,000 in (c); about 20 s), `--reps=N` (default 5), `--requests=N` ((a),
 * default 10,000), `--concurrency=N` (default 16), `--depths=SMALL,LARGE`
 * ((b), default 1000,64000: LARGE jobs queued at once in both),
 * `--queue-rounds=N` ((b)'s rounds of LARGE jobs, default 2), `--memory=N`
 * ((c)'s requests, default 4,000; 0 skips it), `--only=a,b,c`, `--no-pin`,
 * `--in-process` (server and cases in this process: for the smoke test,
 * not for measuring).
 *
 * Exits with 1 if a request failed, the server sent a 429 or 401, or a case
 * failed; a missed target is only reported.
 *
 * @module
 */
import { parseFlags } from "./_measure.ts";
import {
  denoCommand,
  machineTitle,
  pinningWorks,
  startAnnouncedServer,
} from "./_process.ts";
import { median, pad, ratioSpread, windowedCpu } from "./_summary.ts";
import { type RestServerStats, startRestServer } from "./_rest_server.ts";
import {
  type MemoryReadings,
  type RestCaseMode,
  type RestCaseOptions,
  type RestCaseResult,
  runRestCase,
} from "./_rest_client.ts";

/** What to run. */
export interface RestBenchOptions {
  /** Repetitions of every case of (a) and (b). */
  reps: number;
  /** (a): requests measured per case. */
  requests: number;
  /** (a): requests sent first, not measured. */
  warmup: number;
  /** (a): requests in flight at once. */
  concurrency: number;
  /** (b): the shallow and the deep lane; the deep one is all jobs queued. */
  depths: [number, number];
  /** (b): rounds of `depths[1]` jobs measured (one more warms up). */
  queueRounds: number;
  /** (c): requests held at once (0: skip). */
  memory: number;
  /** Which cases: `a`, `b`, `c`. */
  only: ReadonlySet<string>;
  /** Pin the server to CPU 0 and the cases to CPU 1. */
  pin: boolean;
  /** Run the server and the cases in this process (for the smoke test). */
  inProcess: boolean;
  /** Progress output. */
  log: (message: string) => void;
}

/** One case as the benchmark runs it. */
export interface RestCaseKey {
  /** Its case letter. */
  group: "a" | "b";
  /** What runs. */
  mode: RestCaseMode;
  /** (b): jobs per lane. */
  depth?: number;
}

/** One run of one case. */
export type RestRun = RestCaseResult & {
  /** Its repetition. */
  rep: number;
  /** What the server answered it with besides successes. */
  server: Omit<RestServerStats, "requests">;
};

/** Everything a run produced. */
export interface RestBenchReport {
  /** The options it ran with (minus the callbacks). */
  options: Omit<RestBenchOptions, "log" | "only"> & { only: string[] };
  /** Every case run, in run order. */
  runs: RestRun[];
  /** (c), when run. */
  memory: MemoryReadings | undefined;
  /** Cases that failed outright. */
  failures: string[];
  /** Total wall time, ms. */
  wallMs: number;
}

/** The (b) target: deep / shallow CPU per job. */
export const QUEUE_TARGET = 1.5;

const CONFIG = new URL("../deno.json", import.meta.url);
const CASE_TIMEOUT_MS = 300_000;

function scriptPath(name: string): string {
  return new URL(name, import.meta.url).pathname;
}

interface Server {
  baseUrl: string;
  stats(): Promise<RestServerStats>;
  close(): Promise<void>;
}

async function startServer(options: RestBenchOptions): Promise<Server> {
  if (options.inProcess) {
    const server = startRestServer();
    return {
      baseUrl: server.baseUrl,
      stats: () => Promise.resolve(server.stats()),
      close: server.close,
    };
  }
  const child = denoCommand(
    [
      "run",
      "--quiet",
      `--config=${CONFIG.pathname}`,
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-env",
      scriptPath("_rest_server.ts"),
    ],
    options.pin ? 0 : undefined,
    { stdin: "piped", stdout: "piped", stderr: "inherit" },
  );
  const server = await startAnnouncedServer<{ baseUrl: string }>(
    child,
    "REST bench server",
  );
  const { baseUrl } = server.announced;
  const statsUrl = new URL("/stats", baseUrl);
  return {
    baseUrl,
    stats: async () => await (await fetch(statsUrl)).json(),
    close: server.stop,
  };
}

/** What one case process is told. */
function caseOptions(
  key: RestCaseKey,
  baseUrl: string,
  options: RestBenchOptions,
): RestCaseOptions {
  const [, deep] = options.depths;
  if (key.mode === "queue") {
    return {
      baseUrl,
      mode: "queue",
      requests: deep * options.queueRounds,
      warmup: deep,
      concurrency: 1,
      depth: key.depth!,
      queued: deep,
    };
  }
  return {
    baseUrl,
    mode: key.mode,
    requests: key.mode === "memory" ? options.memory : options.requests,
    warmup: options.warmup,
    concurrency: options.concurrency,
    depth: 1,
    queued: 1,
  };
}

async function runCase(
  key: RestCaseKey | { mode: "memory" },
  baseUrl: string,
  options: RestBenchOptions,
): Promise<RestCaseResult> {
  const given = caseOptions(key as RestCaseKey, baseUrl, options);
  if (options.inProcess) return await runRestCase(given);
  const output = await denoCommand(
    [
      "run",
      "--quiet",
      `--config=${CONFIG.pathname}`,
      "--allow-net=127.0.0.1",
      "--allow-env",
      "--allow-read",
      "--v8-flags=--expose-gc",
      scriptPath("_rest_client.ts"),
      `--base-url=${given.baseUrl}`,
      `--mode=${given.mode}`,
      `--requests=${given.requests}`,
      `--warmup=${given.warmup}`,
      `--concurrency=${given.concurrency}`,
      `--depth=${given.depth}`,
      `--queued=${given.queued}`,
    ],
    options.pin ? 1 : undefined,
    {
      stdout: "piped",
      stderr: "inherit",
      stdin: "null",
      signal: AbortSignal.timeout(CASE_TIMEOUT_MS),
    },
  ).output();
  const line = new TextDecoder().decode(output.stdout).trim().split("\n")
    .at(-1) ?? "";
  if (!output.success || !line.startsWith("{")) {
    throw new Error(
      `_rest_client.ts --mode=${given.mode} failed with exit code ${output.code}`,
    );
  }
  return JSON.parse(line) as RestCaseResult;
}

/** The pairs of one repetition: each measured against the other. */
function casePairs(options: RestBenchOptions): RestCaseKey[][] {
  const pairs: RestCaseKey[][] = [];
  if (options.only.has("a")) {
    pairs.push([{ group: "a", mode: "floor" }, {
      group: "a",
      mode: "library",
    }]);
  }
  if (options.only.has("b")) {
    pairs.push(options.depths.map((depth) => ({
      group: "b" as const,
      mode: "queue" as const,
      depth,
    })));
  }
  return pairs;
}

/**
 * Run the benchmark.
 *
 * @param options What to run.
 * @returns Every measurement.
 */
export async function runBench(
  options: RestBenchOptions,
): Promise<RestBenchReport> {
  const started = performance.now();
  const report: RestBenchReport = {
    options: {
      ...options,
      only: [...options.only],
    } as RestBenchReport["options"],
    runs: [],
    memory: undefined,
    failures: [],
    wallMs: 0,
  };
  delete (report.options as { log?: unknown }).log;
  const server = await startServer(options);
  try {
    for (let rep = 0; rep < options.reps; rep++) {
      for (const pair of casePairs(options)) {
        // Swap the order every other repetition so drift hits both sides.
        for (const key of rep % 2 === 0 ? pair : [...pair].reverse()) {
          const label = `${caseName(key)} rep ${rep + 1}`;
          try {
            const before = await server.stats();
            const result = await runCase(key, server.baseUrl, options);
            const after = await server.stats();
            const run: RestRun = {
              ...result,
              rep,
              server: {
                tooMany: after.tooMany - before.tooMany,
                unauthorized: after.unauthorized - before.unauthorized,
                notFound: after.notFound - before.notFound,
              },
            };
            report.runs.push(run);
            options.log(
              `rep ${rep + 1}/${options.reps} ${caseName(key)}: ${
                cpuPerRequest(run).toFixed(2)
              } µs/request, ${run.errors} failed${
                run.firstError ? ` (${run.firstError})` : ""
              }`,
            );
          } catch (error) {
            report.failures.push(`${label}: ${(error as Error).message}`);
            options.log(`${label} failed: ${(error as Error).message}`);
          }
        }
      }
    }
    if (options.only.has("c") && options.memory > 0) {
      try {
        const result = await runCase(
          { mode: "memory" },
          server.baseUrl,
          options,
        );
        report.memory = result.memory;
        if (result.errors > 0) {
          report.failures.push(`(c) memory: ${result.firstError}`);
        }
        options.log(`(c) memory: ${JSON.stringify(result.memory)}`);
      } catch (error) {
        report.failures.push(`(c) memory: ${(error as Error).message}`);
      }
    }
  } finally {
    await server.close();
  }
  report.wallMs = performance.now() - started;
  return report;
}

// ------------------------------------------------------------------- report

function caseName(key: RestCaseKey): string {
  return key.mode === "floor"
    ? "(a) floor: fetch + JSON.parse"
    : key.mode === "library"
    ? "(a) RestClient"
    : `(b) limiter, lanes ${key.depth!.toLocaleString("en-US")} deep`;
}

/**
 * A run's CPU µs per request: the median of its windows, or the whole
 * run's average when it has fewer than three ((b) has none).
 *
 * @param run One run.
 * @returns µs per request.
 */
export function cpuPerRequest(run: RestCaseResult): number {
  return windowedCpu(run, run.requests);
}

/** Summary of one case over the repetitions. */
export interface RestCaseSummary extends RestCaseKey {
  /** The row's label. */
  name: string;
  /** Runs measured. */
  reps: number;
  /** Median requests (jobs) per second, wall time. */
  perSecond: number;
  /** Median CPU µs per request (job). */
  cpuUs: number;
  /** Median peak heap, bytes. */
  peakHeap: number;
  /** (b): median heap per queued job, bytes. */
  heapPerQueued: number | undefined;
  /** Median of the per-repetition ratios to the row's baseline. */
  ratio: number | undefined;
  /** Smallest and largest of those ratios. */
  ratioRange: [number, number] | undefined;
  /** The target ratio, if any. */
  target: number | undefined;
  /** Requests failed, 429s and 401s the server sent, over every run. */
  errors: number;
}

/**
 * Medians and ratios per case: the RestClient's to the floor, the deep
 * lane's to the shallow one.
 *
 * @param report A run's report.
 * @returns One summary per case, in table order.
 */
export function summarize(report: RestBenchReport): RestCaseSummary[] {
  const keys: RestCaseKey[] = [];
  for (const run of report.runs) {
    const key: RestCaseKey = run.mode === "queue"
      ? { group: "b", mode: "queue", depth: run.depth! }
      : { group: "a", mode: run.mode };
    if (!keys.some((k) => k.mode === key.mode && k.depth === key.depth)) {
      keys.push(key);
    }
  }
  const order = (key: RestCaseKey): number =>
    key.mode === "floor" ? 0 : key.mode === "library" ? 1 : 2 + key.depth!;
  keys.sort((a, b) => order(a) - order(b));
  const [shallow, deep] = report.options.depths;
  const same = (run: RestRun, key: RestCaseKey): boolean =>
    run.mode === key.mode &&
    (key.depth === undefined || run.depth === key.depth);
  return keys.map((key) => {
    const runs = report.runs.filter((run) => same(run, key));
    const base: RestCaseKey | undefined = key.mode === "library"
      ? { group: "a", mode: "floor" }
      : key.mode === "queue" && key.depth === deep && deep !== shallow
      ? { group: "b", mode: "queue", depth: shallow }
      : undefined;
    const ratios: number[] = [];
    if (base) {
      for (const run of runs) {
        const other = report.runs.find((o) =>
          same(o, base) && o.rep === run.rep
        );
        if (other && other.cpuUs > 0) {
          ratios.push(cpuPerRequest(run) / cpuPerRequest(other));
        }
      }
    }
    const heaps = runs.flatMap((run) =>
      run.heapPerQueued === undefined ? [] : [run.heapPerQueued]
    );
    return {
      ...key,
      name: caseName(key),
      reps: runs.length,
      perSecond: median(runs.map((run) => run.requests / (run.wallMs / 1000))),
      cpuUs: median(runs.map(cpuPerRequest)),
      peakHeap: median(runs.map((run) => run.peakHeap)),
      heapPerQueued: heaps.length > 0 ? median(heaps) : undefined,
      ...ratioSpread(ratios),
      target: key.mode === "queue" && base ? QUEUE_TARGET : undefined,
      errors: runs.reduce(
        (n, run) =>
          n + run.errors + run.server.tooMany + run.server.unauthorized +
          run.server.notFound,
        0,
      ),
    };
  });
}

/**
 * Whether every request succeeded and no case failed.
 *
 * @param report A run's report.
 * @returns `true` when nothing failed and the server refused nothing.
 */
export function allAnswered(report: RestBenchReport): boolean {
  return report.failures.length === 0 &&
    summarize(report).every((row) => row.errors === 0);
}

function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/**
 * The printed report: what each case compares, the table, the memory.
 *
 * @param report A run's report.
 * @returns Text to print.
 */
export function formatReport(report: RestBenchReport): string {
  const o = report.options;
  const [shallow, deep] = o.depths;
  const lines: string[] = [];
  lines.push(
    `Repetitions: ${o.reps}, alternating; medians over them; ratio = median of the per-repetition ratios. CPU pinning: ${
      o.pin && !o.inProcess && pinningWorks()
        ? "server on CPU 0, cases on CPU 1"
        : "off"
    }.`,
  );
  if (o.only.includes("a")) {
    lines.push(
      `(a) ${count(o.requests)} requests per case after ${
        count(o.warmup)
      } not measured, ${o.concurrency} in flight, to the loopback server (6 in 10 create a message in one of 16 channels, 2 get a guild member, 2 answer an interaction): the floor sends them with fetch and JSON.parses each answer; RestClient sends them through the library's client (global limit raised; the server's buckets never run out). CPU µs/request = median of ten windows; ratio = RestClient / floor.`,
    );
  }
  if (o.only.includes("b")) {
    lines.push(
      `(b) The client's rate limiter alone, attempts answered at once in process (Discord's headers, no HTTP): ${
        count(deep)
      } jobs queued at once, in lanes ${count(shallow)} deep or in one lane ${
        count(deep)
      } deep, ${o.queueRounds} round(s) measured after one not; CPU µs per job over the run; ratio = ${
        count(deep)
      }-deep / ${
        count(shallow)
      }-deep: near 1 when a dequeue costs the same at any depth.`,
    );
  }
  lines.push("");
  const header = [
    pad("case", 34),
    pad("per s", 10, true),
    pad("CPU µs/req", 11, true),
    pad("peak heap MB", 13, true),
    pad("heap B/queued", 14, true),
    pad("ratio", 7, true),
    pad("(range)", 11, true),
    pad("target", 7, true),
    pad("result", 7, true),
    pad("failed", 7, true),
  ].join("  ");
  lines.push(header, "-".repeat(header.length));
  for (const row of summarize(report)) {
    const pass = row.ratio === undefined || row.target === undefined
      ? "-"
      : row.ratio <= row.target
      ? "pass"
      : "FAIL";
    lines.push([
      pad(row.name, 34),
      pad(count(row.perSecond), 10, true),
      pad(row.cpuUs.toFixed(2), 11, true),
      pad((row.peakHeap / 1024 / 1024).toFixed(1), 13, true),
      pad(
        row.heapPerQueued === undefined ? "-" : count(row.heapPerQueued),
        14,
        true,
      ),
      pad(row.ratio === undefined ? "-" : row.ratio.toFixed(3), 7, true),
      pad(
        row.ratioRange === undefined
          ? ""
          : `${row.ratioRange[0].toFixed(2)}–${row.ratioRange[1].toFixed(2)}`,
        11,
        true,
      ),
      pad(
        row.target === undefined ? "-" : `≤ ${row.target.toFixed(2)}`,
        7,
        true,
      ),
      pad(pass, 7, true),
      pad(String(row.errors), 7, true),
    ].join("  "));
  }
  if (report.memory) {
    const m = report.memory;
    lines.push(
      "",
      `(c) Heap after a full GC, RestClient with fetch held in process (${
        count(m.count)
      } requests): ${
        count(m.perQueuedRequest)
      } B per request queued in one channel behind the one in flight; ${
        count(m.perBucketInFlight)
      } B per request in flight on a bucket of its own (one per channel); ${
        count(m.perBucketKept)
      } B per bucket kept once answered.`,
    );
  }
  lines.push("");
  for (const failure of report.failures) lines.push(`FAILED: ${failure}`);
  lines.push(
    allAnswered(report)
      ? `Every request answered, no 429 or 401 from the server. Total time ${
        (report.wallMs / 1000).toFixed(0)
      } s.`
      : "REQUESTS FAILED, or the server answered 429/401 (column failed): see above.",
  );
  return lines.join("\n");
}

/**
 * Options from command-line flags.
 *
 * @param args The arguments.
 * @param log Progress output.
 * @returns The options.
 * @throws {RangeError} For a count that is not a positive integer, or
 *   depths whose deep one is not a multiple of the shallow one.
 */
export function optionsFromArgs(
  args: readonly string[],
  log: (message: string) => void,
): RestBenchOptions {
  const flags = parseFlags(args);
  const quick = flags.has("quick");
  const requests = Number(flags.get("requests") ?? (quick ? 3000 : 10_000));
  const depths = (flags.get("depths") ?? "1000,64000").split(",").map(Number);
  const options: RestBenchOptions = {
    reps: Number(flags.get("reps") ?? (quick ? 1 : 5)),
    requests,
    warmup: Number(flags.get("warmup") ?? Math.min(2000, requests)),
    concurrency: Number(flags.get("concurrency") ?? 16),
    depths: [depths[0]!, depths[1] ?? depths[0]!],
    queueRounds: Number(flags.get("queue-rounds") ?? (quick ? 1 : 2)),
    memory: Number(flags.get("memory") ?? (quick ? 1000 : 4000)),
    only: new Set(
      (flags.get("only") ?? "a,b,c").split(",").map((s) => s.trim()),
    ),
    pin: !flags.has("no-pin"),
    inProcess: flags.has("in-process"),
    log,
  };
  for (
    const [name, value] of [
      ["reps", options.reps],
      ["requests", options.requests],
      ["concurrency", options.concurrency],
      ["depths", options.depths[0]],
      ["depths", options.depths[1]],
      ["queue-rounds", options.queueRounds],
    ] as const
  ) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(
        `Cannot run benchmark as '${name}' must be positive integers: current value '${value}'`,
      );
    }
  }
  if (!Number.isInteger(options.memory) || options.memory < 0) {
    throw new RangeError(
      `Cannot run benchmark as 'memory' must be a non-negative integer: current value '${options.memory}'`,
    );
  }
  if (options.depths[1] % options.depths[0] !== 0) {
    throw new RangeError(
      `Cannot run benchmark as the deep lane of 'depths' must be a multiple of the shallow one: current value '${
        options.depths.join(",")
      }'`,
    );
  }
  return options;
}

if (import.meta.main) {
  // deno-lint-ignore no-console
  const log = (message: string): void => console.error(message);
  const report = await runBench(optionsFromArgs(Deno.args, log));
  // deno-lint-ignore no-console
  console.log(`\n${machineTitle("REST")}\n`);
  // deno-lint-ignore no-console
  console.log(formatReport(report));
  Deno.exit(allAnswered(report) ? 0 : 1);
}
