import assert from "node:assert/strict";
import {
  allDelivered,
  type BenchOptions,
  formatReport,
  optionsFromArgs,
  runBench,
  summarize,
} from "../../bench/gateway_bench.ts";
import { startBenchServer } from "../../bench/_server.ts";
import { runFloor } from "../../bench/_client_floor.ts";
import { runShard } from "../../bench/_client_shard.ts";
import { NaiveCache } from "../../bench/_naive_cache.ts";
import { ArenaCache } from "../../bench/_arena_cache.ts";
import {
  EVENT_NAMES,
  lastSequence,
  schedule,
  type StreamSpec,
} from "../../bench/_stream.ts";

const EVENTS = 3000;

function smokeOptions(): BenchOptions {
  return {
    ...optionsFromArgs(["--quick"], () => {}),
    events: EVENTS,
    idleShards: 20,
    idleSettleMs: 0,
    idleWaitMs: 0,
    inProcess: true,
  };
}

Deno.test("gateway bench --quick runs 20,000 events once with 100 idle shards", () => {
  const options = optionsFromArgs(["--quick"], () => {});
  assert.equal(options.events, 20_000);
  assert.equal(options.reps, 1);
  assert.equal(options.idleShards, 100);
  assert.equal(options.want, "INTERACTION_CREATE");
  assert.deepEqual([...options.only].sort(), ["a", "b", "c", "d", "idle"]);
  const full = optionsFromArgs([], () => {});
  assert.equal(full.events, 500_000);
  assert.equal(full.reps, 5);
  assert.equal(full.idleShards, 1000);
  assert.equal(full.idleSettleMs, 2000);
  assert.equal(full.idleWaitMs, 45_000);
  assert.equal(full.transport, "default");
  assert.throws(
    () => optionsFromArgs(["--transport=carrier-pigeon"], () => {}),
    RangeError,
  );
  assert.throws(
    () => optionsFromArgs(["--want=READY"], () => {}),
    RangeError,
  );
});

Deno.test("gateway bench stream mixes ten event types and ends with the wanted one", () => {
  const spec: StreamSpec = { events: EVENTS, seed: 7, last: "GUILD_CREATE" };
  const types = schedule(spec);
  assert.equal(types.length, lastSequence(spec) + 1);
  const seen = new Set<number>();
  for (let s = 2; s < types.length - 1; s++) seen.add(types[s]!);
  // GUILD_CREATE is rare (0.05 %); the other nine appear in 3,000 events.
  assert.ok(seen.size >= 9, `only ${seen.size} types`);
  assert.equal(EVENT_NAMES[types.at(-1)!], "GUILD_CREATE");
  assert.deepEqual(schedule(spec), types, "the schedule is deterministic");
});

Deno.test("gateway bench delivers every event in order in every case and prints the table", async () => {
  const report = await runBench(smokeOptions());
  assert.deepEqual(report.failures, []);
  assert.equal(report.runs.length, 7);
  for (const run of report.runs) {
    assert.equal(
      run.errors,
      0,
      `${run.client} ${run.compress}: ${run.firstError}`,
    );
    assert.ok(run.complete, `${run.client} ${run.compress} did not finish`);
    assert.equal(run.delivered, run.expected);
    assert.ok(run.cpuUs > 0 && run.wallMs > 0);
    // Ten windows of 300 events; the last one ends exactly at the last event
    // only in the floor and "all" clients, which see every sequence.
    assert.ok(
      run.windowCpuUs.length >= 9 && run.windowCpuUs.length <= 10,
      `${run.client} ${run.compress}: ${run.windowCpuUs.length} windows`,
    );
    assert.ok(run.windowCpuUs.every((us) => us >= 0));
  }
  const wanted = report.stream.countByType["INTERACTION_CREATE"]!;
  const one = report.runs.find((run) => run.client === "one")!;
  assert.equal(one.expected, wanted);
  assert.ok(wanted > 0 && wanted < EVENTS / 10);
  assert.equal(
    Object.values(report.stream.countByType).reduce((a, b) => a + b, 0),
    EVENTS,
  );
  // Bare WebSocket, Client (default transport), Client on the runtime's
  // WebSocket, per codec; each read twice.
  assert.equal(report.idle.length, 6);
  assert.deepEqual(
    report.idle.map((idle) => `${idle.mode} ${idle.transport ?? "-"}`).sort(),
    [
      "floor -",
      "floor -",
      "library default",
      "library default",
      "library websocket",
      "library websocket",
    ],
  );
  for (const idle of report.idle) {
    assert.equal(idle.ready, 20, `${idle.mode} ${idle.compress}`);
    for (const reading of [idle.connected, idle.idle]) {
      assert.ok(reading.rss > 0 && reading.heapUsed > 0);
    }
    assert.ok(idle.idle.atMs >= idle.connected.atMs);
  }
  assert.ok(allDelivered(report));

  const rows = summarize(report);
  assert.deepEqual(
    rows.map((row) => `${row.client} ${row.compress}`),
    [
      "floor none",
      "all none",
      "one none",
      "floor zlib-stream",
      "all zlib-stream",
      "floor zstd-stream",
      "all zstd-stream",
    ],
  );
  for (const row of rows) {
    if (row.client === "floor") assert.equal(row.ratio, undefined);
    else assert.ok(row.ratio! > 0, `${row.name} has no ratio`);
  }
  assert.deepEqual(rows.map((row) => row.target), [
    undefined,
    1.05,
    0.5,
    undefined,
    1.1,
    undefined,
    1.1,
  ]);

  const table = formatReport(report);
  for (
    const text of [
      "CPU µs/event",
      "(a) floor",
      "(b) Client, all",
      "(c) Client, one",
      "(d) Client, all",
      "zstd-stream",
      "20 × Client shard (default transport)",
      "20 × Client shard (runtime WebSocket)",
      "20 × bare WebSocket",
      "≤ 1.05",
      "≤ 0.50",
      "≤ 1.10",
      "Every event delivered once and in order",
    ]
  ) {
    assert.ok(table.includes(text), `the table lacks ${JSON.stringify(text)}`);
  }
  assert.match(table, /\(b\) Client, all\s+none\s+[\d,]+\s+\d+\.\d\d/);
});

Deno.test("gateway bench clients report a stream that is not the expected one", async (t) => {
  const served: StreamSpec = {
    events: 500,
    seed: 1,
    last: "INTERACTION_CREATE",
  };
  const expected: StreamSpec = { ...served, seed: 2 };
  await using server = startBenchServer({
    spec: served,
    compressions: ["none"],
  });
  await t.step("floor", async () => {
    const result = await runFloor({
      url: server.url,
      compress: "none",
      spec: expected,
    });
    assert.ok(result.errors > 0);
    assert.match(result.firstError!, /expected|wrong payload/);
  });
  await t.step("Client", async () => {
    const result = await runShard({
      url: server.url,
      compress: "none",
      spec: expected,
      mode: "all",
    });
    assert.ok(result.errors > 0);
    assert.match(result.firstError!, /expected|wrong payload/);
  });
  await t.step("a report with a loss fails", async () => {
    const report = await runBench({
      ...smokeOptions(),
      events: 200,
      only: new Set(["a"]),
    });
    assert.ok(allDelivered(report));
    report.runs[0]!.delivered--;
    assert.equal(allDelivered(report), false);
    assert.match(formatReport(report), /EVENTS WERE LOST/);
  });
});

Deno.test("gateway bench case (e) runs the full cache and both references, each against the cacheless Client", async () => {
  const report = await runBench({
    ...smokeOptions(),
    only: new Set(["e"]),
  });
  assert.deepEqual(report.failures, []);
  assert.deepEqual(
    report.runs.map((run) => run.client).sort(),
    ["all", "cached", "kept", "maps"],
  );
  for (const run of report.runs) {
    assert.equal(run.errors, 0, `${run.client}: ${run.firstError}`);
    assert.equal(run.delivered, run.expected);
  }
  const rows = summarize(report);
  assert.deepEqual(rows.map((row) => row.client), [
    "all",
    "cached",
    "kept",
    "maps",
  ]);
  for (const row of rows.slice(1)) {
    assert.ok(row.ratio! > 0, `${row.client} has a ratio to the Client`);
  }
  assert.equal(rows[1]!.target, 1.5);
  assert.equal(rows[2]!.target, undefined);
  assert.equal(rows[3]!.target, undefined);
  assert.match(formatReport(report), /Client\+naive maps/);
});

/** A reaction on message 50 of channel 7, as both reference caches get it. */
const REACTION = {
  channel_id: "7",
  message_id: "50",
  emoji: { id: null, name: "👍" },
};

Deno.test("the naive cache keeps 100 messages per channel, oldest out, and counts reactions in place", () => {
  const cache = new NaiveCache();
  for (let i = 1; i <= 101; i++) {
    cache.apply("MESSAGE_CREATE", { id: String(i), channel_id: "7" });
  }
  const messages = cache.messages.get("7")!;
  assert.equal(messages.size, 100);
  assert.equal(messages.has("1"), false);
  cache.apply("MESSAGE_REACTION_ADD", REACTION);
  cache.apply("MESSAGE_REACTION_ADD", REACTION);
  assert.deepEqual(messages.get("50").reactions, [
    { emoji: { id: null, name: "👍" }, count: 2 },
  ]);
  cache.apply("MESSAGE_DELETE", { id: "50", channel_id: "7" });
  assert.equal(messages.has("50"), false);
});

Deno.test("the off-heap floor keeps entities as bytes, hands back the previous state parsed from them, and refuses to overrun its block", () => {
  const cache = new ArenaCache(64 * 1024);
  const frame = (t: string, d: unknown): [string, unknown, string] => [
    t,
    d,
    JSON.stringify({ t, s: 2, op: 0, d }),
  ];
  cache.apply("GUILD_CREATE", {
    id: "1",
    channels: [{ id: "7", name: "général" }],
    members: [{ user: { id: "2" }, nick: "a" }],
  });
  assert.deepEqual(cache.read(cache.channels.get("7")!), {
    id: "7",
    name: "général",
  });
  const update = { guild_id: "1", user: { id: "2" }, nick: "b" };
  assert.deepEqual(
    cache.apply(...frame("GUILD_MEMBER_UPDATE", update)),
    { user: { id: "2" }, nick: "a" },
  );
  assert.deepEqual(cache.read(cache.members.get("1")!.get("2")!), update);
  for (let i = 1; i <= 101; i++) {
    const message = { id: String(i), channel_id: "7", content: "✓" };
    assert.equal(cache.apply(...frame("MESSAGE_CREATE", message)), undefined);
  }
  const messages = cache.messages.get("7")!;
  assert.equal(messages.size, 100);
  assert.equal(messages.has("1"), false);
  cache.apply(...frame("MESSAGE_REACTION_ADD", REACTION));
  const old = cache.apply(...frame("MESSAGE_REACTION_ADD", REACTION));
  assert.deepEqual(old.reactions, [
    { emoji: { id: null, name: "👍" }, count: 1 },
  ]);
  assert.deepEqual(
    cache.apply(...frame("MESSAGE_DELETE", { id: "50", channel_id: "7" })),
    {
      id: "50",
      channel_id: "7",
      content: "✓",
      reactions: [{ emoji: { id: null, name: "👍" }, count: 2 }],
    },
  );
  assert.equal(messages.has("50"), false);
  assert.throws(
    () =>
      cache.apply(
        ...frame("MESSAGE_CREATE", {
          id: "200",
          channel_id: "7",
          content: "x".repeat(32 * 1024),
        }),
      ),
    RangeError,
  );
  assert.equal(messages.has("200"), false);
});
