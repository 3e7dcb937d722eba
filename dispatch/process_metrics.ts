/**
 * The process's own metrics, as twilight-dispatch serves them (the Rust
 * prometheus crate's process collector): `process_cpu_seconds_total`,
 * `process_start_time_seconds`, `process_resident_memory_bytes`, and where
 * the process may read `/proc/self`, `process_virtual_memory_bytes`,
 * `process_open_fds`, `process_max_fds` and `process_threads`.
 *
 * prom-client's collectors of these are taken one by one, not through
 * `collectDefaultMetrics`: that also starts an event loop monitor and a GC
 * observer, which run for the process's life (a service closed keeps them),
 * and whose `nodejs_eventloop_lag_*` are garbage under Deno (`Nan`, a
 * minimum of 9.2e9 s).
 *
 * @module
 */
import process from "node:process";
import { type Counter, Gauge, type Registry } from "prom-client";
// Not in prom-client's index: its default metrics, each on its own.
import cpuTotal from "prom-client/lib/metrics/processCpuTotal.js";
import startTime from "prom-client/lib/metrics/processStartTime.js";
import osMemory from "prom-client/lib/metrics/osMemoryHeap.js";
import openFds from "prom-client/lib/metrics/processOpenFileDescriptors.js";
import maxFds from "prom-client/lib/metrics/processMaxFileDescriptors.js";

/** How each of prom-client's default metrics is registered. */
type Collector = (registry: Registry, config: Record<string, never>) => void;

/** Options of {@linkcode registerProcessMetrics}. */
export interface ProcessMetricsOptions {
  /**
   * Whether `/proc/self` can be read (tests force either answer).
   *
   * @default {procReadable()}
   */
  proc?: boolean;
}

/**
 * Register the process metrics on `registry`. They cost a scrape three
 * reads of `/proc` files (in-kernel data, never blocking), about 0.1 ms.
 *
 * Deno reads `/proc/self` only with `--allow-all`: `deno task dispatch`
 * (`--allow-read`, where a read fails) and the Dockerfile serve the CPU
 * time, the start time and the resident memory (from `Deno.memoryUsage`),
 * and no metric that would read 0.
 *
 * @param registry Where to register them.
 * @param options Seams.
 */
export function registerProcessMetrics(
  registry: Registry,
  options: ProcessMetricsOptions = {},
): void {
  const collectors: Collector[] = [cpuTotal, startTime];
  const proc = options.proc ?? procReadable();
  if (proc) collectors.push(osMemory, openFds, maxFds);
  for (const collector of collectors) collector(registry, {});
  countCpuSoFar(registry);
  if (proc) {
    new Gauge({
      name: "process_threads",
      help: "Number of OS threads in the process.",
      registers: [registry],
      collect(): void {
        const threads = /^Threads:\s*(\d+)/m.exec(readStatus() ?? "")?.[1];
        if (threads !== undefined) this.set(Number(threads));
      },
    });
  } else {
    // prom-client's reads /proc/self/status on Linux, and would say 0.
    new Gauge({
      name: "process_resident_memory_bytes",
      help: "Resident memory size in bytes.",
      registers: [registry],
      collect(): void {
        this.set(Deno.memoryUsage().rss);
      },
    });
  }
}

/**
 * Whether this process can read `/proc/self`: a Linux procfs, and Deno's
 * permission (`--allow-all` only). Asked before reading: without a read
 * permission, a read would prompt on a terminal, holding the start.
 */
export function procReadable(): boolean {
  const path = "/proc/self/status";
  if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") {
    return false;
  }
  return readStatus() !== undefined;
}

/** `/proc/self/status`, or undefined when it cannot be read. */
function readStatus(): string | undefined {
  try {
    return Deno.readTextFileSync("/proc/self/status");
  } catch {
    return undefined;
  }
}

/**
 * Add the CPU time the process used before the counters were registered:
 * prom-client's count only what follows their registration, where
 * twilight-dispatch's (and Prometheus' convention) count from the
 * process's start; the service registers them once its modules are loaded
 * and its options read.
 */
function countCpuSoFar(registry: Registry): void {
  const used = process.cpuUsage();
  const add = (name: string, seconds: number): void => {
    (registry.getSingleMetric(name) as Counter | undefined)?.inc(seconds);
  };
  add("process_cpu_user_seconds_total", used.user / 1e6);
  add("process_cpu_system_seconds_total", used.system / 1e6);
  add("process_cpu_seconds_total", (used.user + used.system) / 1e6);
}
