// The dispatch service's labelled counters expose every known label value
// at 0 from the start. A series born at its first increment (the first
// fatal close, failed command or guild left) has no earlier sample, so
// Prometheus's increase() and rate() see no increase and an alert on them
// never fires; initialising the known values is Prometheus's own advice.
import assert from "node:assert/strict";
import { DispatchMetrics } from "../../dispatch/metrics.ts";
import { STAGE_EVENTS } from "../../dispatch/_shard_status_sets.ts";

/** Each sample of `text` whose name is `name`, by its labels, with its value. */
async function series(
  metrics: DispatchMetrics,
  name: string,
): Promise<Map<string, number>> {
  const text = await metrics.registry.metrics();
  const found = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = /^([a-z_]+)(\{[^}]*\}) (\S+)$/.exec(line);
    if (match?.[1] === name) found.set(match[2]!, Number(match[3]));
  }
  return found;
}

/** `values` as the samples of a one-label counter, all at `value`. */
function all(
  label: string,
  values: readonly string[],
  value = 0,
): Map<string, number> {
  return new Map(values.map((v) => [`{${label}="${v}"}`, value]));
}

// twilight-dispatch's names, as the README lists them: written out here,
// not imported, so a value dropped from the source fails the test.
const SHARD_EVENTS = [
  "Connecting",
  "Connected",
  "Identifying",
  "Resuming",
  "Reconnecting",
  "Ready",
  "Resumed",
  "Disconnected",
  "Closed",
];
const GUILD_EVENTS = ["Join", "Leave"];
const RESULTS = [
  "done",
  "retried",
  "elsewhere",
  "malformed",
  "failed",
  "dropped",
];

Deno.test("DispatchMetrics: gateway_shard_events, gateway_guild_events and dispatch_commands have every known label value at 0 before anything is counted", async () => {
  const metrics = new DispatchMetrics();
  assert.deepEqual(
    await series(metrics, "gateway_shard_events"),
    all("type", SHARD_EVENTS),
  );
  assert.deepEqual(
    await series(metrics, "gateway_guild_events"),
    all("type", GUILD_EVENTS),
  );
  assert.deepEqual(
    await series(metrics, "dispatch_commands"),
    all("result", RESULTS),
  );
});

Deno.test("DispatchMetrics: the first fatal close, failed command and guild left rise from a 0 already exposed, and no other series appears", async () => {
  const metrics = new DispatchMetrics();
  metrics.shardEvents.inc({ type: "Closed" });
  metrics.commands.inc({ result: "failed" });
  metrics.guildEvents.inc({ type: "Leave" });
  const shardEvents = all("type", SHARD_EVENTS);
  shardEvents.set('{type="Closed"}', 1);
  assert.deepEqual(await series(metrics, "gateway_shard_events"), shardEvents);
  const commands = all("result", RESULTS);
  commands.set('{result="failed"}', 1);
  assert.deepEqual(await series(metrics, "dispatch_commands"), commands);
  assert.deepEqual(
    await series(metrics, "gateway_guild_events"),
    new Map([['{type="Join"}', 0], ['{type="Leave"}', 1]]),
  );
});

Deno.test("DispatchMetrics: every stage the service counts in gateway_shard_events is one of its known types", async () => {
  const known = await series(new DispatchMetrics(), "gateway_shard_events");
  for (const type of Object.values(STAGE_EVENTS)) {
    assert.ok(known.has(`{type="${type}"}`), type);
  }
});
