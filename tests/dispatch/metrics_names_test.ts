// The names, types and labels of the dispatch service's own metrics, as
// dashboards and alerts read them (twilight-dispatch's names, counters
// without a `_total` suffix, plus the service's `dispatch_*`). Only the
// end-to-end tests, which need RabbitMQ, read most of them otherwise: a
// renamed metric or label passed every test that runs without a server.
// The process metrics are process_metrics_test.ts's.
import assert from "node:assert/strict";
import { DispatchMetrics } from "../../dispatch/metrics.ts";

// Written out, not imported: a name changed in the source fails the test.
const SERVICE_METRICS: Readonly<Record<string, string>> = {
  gateway_events: "counter",
  gateway_shard_events: "counter",
  gateway_guild_events: "counter",
  gateway_shards: "gauge",
  gateway_statuses: "gauge",
  gateway_latencies: "gauge",
  state_guilds: "gauge",
  state_channels: "gauge",
  state_messages: "gauge",
  state_members: "gauge",
  state_presences: "gauge",
  state_roles: "gauge",
  state_emojis: "gauge",
  state_voices: "gauge",
  dispatch_publish_latency_seconds: "histogram",
  dispatch_published: "counter",
  dispatch_buffered_events: "gauge",
  dispatch_buffered_bytes: "gauge",
  dispatch_paused_shards: "gauge",
  dispatch_broker_connected: "gauge",
  dispatch_broker_blocked: "gauge",
  dispatch_commands_consuming: "gauge",
  dispatch_redis_connected: "gauge",
  dispatch_sessions_saved: "gauge",
  dispatch_cache_stale: "gauge",
  dispatch_default_queue_messages: "gauge",
  dispatch_default_queue_consumers: "gauge",
  dispatch_resumes: "counter",
  dispatch_identifies: "counter",
  dispatch_commands: "counter",
  dispatch_unroutable_events: "counter",
  dispatch_oversized_events: "counter",
  dispatch_nacked_events: "counter",
  dispatch_returned_events: "counter",
  dispatch_sessions_lost: "counter",
};

/** The `# TYPE` lines of `text`, as name to type. */
function types(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (match) found.set(match[1]!, match[2]!);
  }
  return found;
}

/** The samples of `text` named `name`: each label set (sorted) and value. */
function samples(text: string, name: string): [string, number][] {
  const found: [string, number][] = [];
  for (const line of text.split("\n")) {
    const match = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const labels = (match[2] ?? "").split(",").filter((l) => l !== "").sort();
    found.push([labels.join(","), Number(match[3])]);
  }
  return found;
}

Deno.test("DispatchMetrics: every metric of the service is exposed under its dashboard name and type", async () => {
  const text = await new DispatchMetrics().registry.metrics();
  const service = new Map(
    [...types(text)].filter(([name]) => !name.startsWith("process_")),
  );
  assert.deepEqual(service, new Map(Object.entries(SERVICE_METRICS)));
});

Deno.test("DispatchMetrics: gateway_events is labelled by type and shard, gateway_statuses by type, gateway_latencies by shard", async () => {
  const metrics = new DispatchMetrics();
  metrics.events.inc({ type: "MESSAGE_CREATE", shard: "3" });
  metrics.statuses.set({ type: "Ready" }, 2);
  metrics.latencies.set({ shard: "3" }, 41);
  const text = await metrics.registry.metrics();
  assert.deepEqual(samples(text, "gateway_events"), [
    ['shard="3",type="MESSAGE_CREATE"', 1],
  ]);
  assert.deepEqual(samples(text, "gateway_statuses"), [['type="Ready"', 2]]);
  assert.deepEqual(samples(text, "gateway_latencies"), [['shard="3"', 41]]);
});

Deno.test("DispatchMetrics: dispatch_publish_latency_seconds has its buckets from 0.5 ms to 10 s", async () => {
  const metrics = new DispatchMetrics();
  metrics.publishLatency.observe(0.003);
  const buckets = samples(
    await metrics.registry.metrics(),
    "dispatch_publish_latency_seconds_bucket",
  );
  assert.deepEqual(buckets, [
    ['le="0.0005"', 0],
    ['le="0.001"', 0],
    ['le="0.0025"', 0],
    ['le="0.005"', 1],
    ['le="0.01"', 1],
    ['le="0.025"', 1],
    ['le="0.1"', 1],
    ['le="1"', 1],
    ['le="10"', 1],
    ['le="+Inf"', 1],
  ]);
});
