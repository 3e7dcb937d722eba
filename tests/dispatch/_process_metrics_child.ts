// Prints the process metrics of a registry with /proc/self readable: run
// with --allow-all by process_metrics_test.ts, as the test task's own
// permissions cannot read /proc/self (Deno asks for all of them).
import { Registry } from "prom-client";
import { registerProcessMetrics } from "../../dispatch/process_metrics.ts";

const registry = new Registry();
registerProcessMetrics(registry, { proc: true });
await Deno.stdout.write(new TextEncoder().encode(await registry.metrics()));
