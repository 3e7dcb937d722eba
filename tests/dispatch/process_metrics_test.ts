// The dispatch service's process metrics, as twilight-dispatch serves them
// (the prometheus crate's process collector): none were served. Where Deno
// may read /proc/self (--allow-all) all of them; elsewhere (deno task
// dispatch's --allow-read) those that need no /proc, and none reading 0.
import assert from "node:assert/strict";
import process from "node:process";
import { Registry } from "prom-client";
import { DispatchMetrics } from "../../dispatch/metrics.ts";
import {
  procReadable,
  registerProcessMetrics,
} from "../../dispatch/process_metrics.ts";

/** Each sample's value by name; asserts every line is valid text format. */
function samples(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (
      line === "" || line.startsWith("# HELP ") || line.startsWith("# TYPE ")
    ) {
      continue;
    }
    const match =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (-?\d+(\.\d+)?(e[+-]?\d+)?)$/
        .exec(line);
    assert.ok(match, `a valid sample line: ${JSON.stringify(line)}`);
    values.set(match[1]! + (match[2] ?? ""), Number(match[3]));
  }
  return values;
}

const ALWAYS = [
  "process_cpu_seconds_total",
  "process_start_time_seconds",
  "process_resident_memory_bytes",
];
const WITH_PROC = [
  "process_virtual_memory_bytes",
  "process_open_fds",
  "process_max_fds",
  "process_threads",
];

Deno.test("dispatch metrics: the process metrics twilight-dispatch serves are on the service's registry, valid, with real values", async () => {
  const metrics = new DispatchMetrics();
  const values = samples(await metrics.registry.metrics());
  for (const name of [...ALWAYS, ...(procReadable() ? WITH_PROC : [])]) {
    assert.ok(values.has(name), `${name} is served`);
  }
  assert.ok(values.get("process_resident_memory_bytes")! > 1_000_000);
  const start = values.get("process_start_time_seconds")!;
  const now = Date.now() / 1000;
  assert.ok(start <= now + 1 && start > now - 3_600, "this process's start");
  // The service's own are still there.
  assert.ok(values.has("dispatch_published"));
});

Deno.test("dispatch metrics: without /proc/self (Deno's --allow-read), no process metric that would read 0 is served", async () => {
  const registry = new Registry();
  registerProcessMetrics(registry, { proc: false });
  const values = samples(await registry.metrics());
  assert.deepEqual(
    [...values.keys()].filter((name) => ALWAYS.includes(name)).sort(),
    [...ALWAYS].sort(),
  );
  for (const name of WITH_PROC) assert.ok(!values.has(name), name);
  assert.ok(values.get("process_resident_memory_bytes")! > 1_000_000);
  // The resident set, not the JavaScript heap (which is part of it).
  assert.ok(
    values.get("process_resident_memory_bytes")! >
      Deno.memoryUsage().heapTotal,
  );
});

Deno.test("dispatch metrics: with /proc/self readable (--allow-all), open and maximum fds, threads and virtual memory are served, none 0", async () => {
  // In a child with every permission: Deno reads /proc/self only then.
  const { code, stdout, stderr } = await new Deno.Command("deno", {
    args: [
      "run",
      "--allow-all",
      "--no-check",
      "--config",
      new URL("../../deno.json", import.meta.url).pathname,
      new URL("./_process_metrics_child.ts", import.meta.url).pathname,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  assert.equal(code, 0, text.decode(stderr));
  const values = samples(text.decode(stdout).trimEnd() + "\n");
  for (const name of [...ALWAYS, ...WITH_PROC]) {
    assert.ok(values.get(name)! > 0, `${name}: ${values.get(name)}`);
  }
});

Deno.test("dispatch metrics: process_cpu_seconds_total counts from the process's start, as twilight-dispatch's does, not from the registration", async () => {
  const before = process.cpuUsage();
  const registry = new Registry();
  registerProcessMetrics(registry, { proc: false });
  const values = samples(await registry.metrics());
  // This test process has used CPU loading its modules: it is counted.
  const used = (before.user + before.system) / 1e6;
  assert.ok(used > 0.01, `the process used ${used} s so far`);
  assert.ok(
    values.get("process_cpu_seconds_total")! >= used,
    `${values.get("process_cpu_seconds_total")} >= ${used}`,
  );
  const user = values.get("process_cpu_user_seconds_total")!;
  const system = values.get("process_cpu_system_seconds_total")!;
  assert.ok(user >= before.user / 1e6);
  assert.ok(system >= before.system / 1e6);
  // In seconds, user and system making up the total.
  assert.ok(
    Math.abs(user + system - values.get("process_cpu_seconds_total")!) <
      1e-3,
    `${user} + ${system}`,
  );
});
