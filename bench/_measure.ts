/**
 * What a benchmark client measures about itself, and how it reports it.
 *
 * @module
 */

/** The result of one client run over one stream. */
export interface CaseResult {
  /** Which client ran. */
  client: "floor" | "all" | "one" | "cached" | "kept" | "maps";
  /** Transport compression. */
  compress: string;
  /** Events the stream had (after READY). */
  events: number;
  /** Events the client was meant to see (all, or the wanted type). */
  expected: number;
  /** Events the client saw and accepted (in order, right payload). */
  delivered: number;
  /** Events that arrived out of order, twice, with the wrong type or payload. */
  errors: number;
  /** The first problem, if any. */
  firstError?: string;
  /** Whether the client saw the last sequence number. */
  complete: boolean;
  /** Process CPU time (user + system, every thread) from READY to the last event, µs. */
  cpuUs: number;
  /**
   * CPU µs per event in each of the run's windows of
   * {@linkcode Meter.windowEvents} events (the last, partial one left out).
   */
  windowCpuUs: number[];
  /** Wall time from READY to the last event, ms. */
  wallMs: number;
  /** Peak RSS of the whole process life (getrusage), bytes. */
  peakRss: number;
  /** Largest sampled `heapUsed` between READY and the last event, bytes. */
  peakHeap: number;
}

/** Windows a run's CPU time is split into. */
export const CPU_WINDOWS = 10;

/**
 * CPU time and memory of one measurement window (READY to the last event),
 * with the CPU time also taken per {@linkcode CPU_WINDOWS}th of the stream:
 * the median window is what the benchmark compares, so that a second of
 * interference from another tenant of a shared machine moves one window of
 * one run rather than the whole run.
 */
export class Meter {
  #cpu = 0;
  #wall = 0;
  #running = false;
  #lapCpu = 0;
  #lapSequence = 0;
  /** Events per window. */
  readonly windowEvents: number;
  /** The sequence at which the current window ends. */
  nextLap = Number.POSITIVE_INFINITY;
  /** CPU µs per event of each finished window. */
  readonly windows: number[] = [];
  /** CPU time of the window, µs. */
  cpuUs = 0;
  /** Wall time of the window, ms. */
  wallMs = 0;
  /** Largest `heapUsed` sampled, bytes. */
  peakHeap = 0;

  /**
   * @param events Events in the stream after READY.
   */
  constructor(events: number) {
    this.windowEvents = Math.max(1, Math.floor(events / CPU_WINDOWS));
  }

  /**
   * Start the window.
   *
   * @param sequence READY's sequence number.
   */
  start(sequence: number): void {
    this.sample();
    this.#running = true;
    this.#wall = performance.now();
    const cpu = cpuUsage();
    this.#cpu = this.#lapCpu = cpu.user + cpu.system;
    this.#lapSequence = sequence;
    this.nextLap = sequence + this.windowEvents;
  }

  /**
   * Close the current CPU window at `sequence` (call when an event at or
   * past {@linkcode Meter.nextLap} arrives).
   *
   * @param sequence The event's sequence number.
   */
  lap(sequence: number): void {
    const cpu = cpuUsage();
    const now = cpu.user + cpu.system;
    this.windows.push((now - this.#lapCpu) / (sequence - this.#lapSequence));
    this.#lapCpu = now;
    this.#lapSequence = sequence;
    this.nextLap = sequence + this.windowEvents;
  }

  /** Whether the window is open. */
  get running(): boolean {
    return this.#running;
  }

  /** Record the heap now. */
  sample(): void {
    const heap = Deno.memoryUsage().heapUsed;
    if (heap > this.peakHeap) this.peakHeap = heap;
  }

  /** End the window. */
  stop(): void {
    const cpu = cpuUsage();
    this.cpuUs = cpu.user + cpu.system - this.#cpu;
    this.wallMs = performance.now() - this.#wall;
    this.#running = false;
    this.sample();
  }
}

/**
 * Process CPU time. Through the `process` global rather than an import of
 * `node:process`, so a client that never measures CPU (the idle-shard cases)
 * does not load Deno's Node compatibility layer and skew its RSS.
 */
function cpuUsage(): { user: number; system: number } {
  return (globalThis as unknown as {
    process: { cpuUsage(): { user: number; system: number } };
  }).process.cpuUsage();
}

/** Heap samples are taken every this many events (same in every client). */
export const SAMPLE_MASK = 4095;

/**
 * Peak resident set size of this process so far, in bytes.
 *
 * @returns `ru_maxrss` in bytes.
 */
export function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** Run the collector if the process was started with `--expose-gc`. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc === "function") {
    gc();
    gc();
  }
}

/**
 * Read `--name=value` flags.
 *
 * @param args The command-line arguments.
 * @returns Flag values by name (`"true"` for a bare flag).
 */
export function parseFlags(args: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const arg of args) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (match) out.set(match[1]!, match[2] ?? "true");
  }
  return out;
}

/** One memory reading. */
export interface MemoryReading {
  /** Milliseconds after every shard was ready. */
  atMs: number;
  /** Resident set size, bytes. */
  rss: number;
  /** `heapUsed`, bytes. */
  heapUsed: number;
  /** `heapTotal`, bytes. */
  heapTotal: number;
  /** `external` (ArrayBuffers and native objects V8 knows of), bytes. */
  external: number;
}

/**
 * Wait until `atMs` after `readyAt`, collect garbage and read memory.
 *
 * @param readyAt `performance.now()` when every shard was ready.
 * @param atMs How long after that.
 * @returns The reading.
 */
export async function readMemoryAt(
  readyAt: number,
  atMs: number,
): Promise<MemoryReading> {
  const wait = readyAt + atMs - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  collectGarbage();
  const memory = Deno.memoryUsage();
  return {
    atMs: Math.round(performance.now() - readyAt),
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
  };
}

/**
 * The two idle readings: `settleMs` (default 2 s) and `idleMs` (default
 * 45 s, at least `settleMs`) after `readyAt`.
 *
 * @param readyAt `performance.now()` when every shard was ready.
 * @param options When to read.
 * @returns Both readings.
 */
export async function readIdleMemory(
  readyAt: number,
  options: { settleMs?: number; idleMs?: number },
): Promise<{ connected: MemoryReading; idle: MemoryReading }> {
  const settleMs = options.settleMs ?? 2000;
  const connected = await readMemoryAt(readyAt, settleMs);
  const idle = await readMemoryAt(
    readyAt,
    Math.max(settleMs, options.idleMs ?? 45_000),
  );
  return { connected, idle };
}
