import assert from "node:assert/strict";
import {
  ALLOWED_IMPORTS,
  importCycles,
  layerViolations,
  timerViolations,
} from "../../.ci/check_layers.ts";

Deno.test("layer check: imports that point down pass", () => {
  assert.deepEqual(
    layerViolations([
      { from: "gateway/shard.ts", to: "base/scheduler.ts" },
      { from: "rest/rest_client.ts", to: "base/user_agent.ts" },
      { from: "handler/client.ts", to: "gateway/shard.ts" },
      { from: "handler/client.ts", to: "rest/rest_client.ts" },
      { from: "mod.ts", to: "handler/mod.ts" },
      { from: "testing/fake_rest.ts", to: "rest/routes.ts" },
      { from: "gateway/shard.ts", to: "gateway/shard_state.ts" },
    ]),
    [],
  );
});

Deno.test("layer check: an import that climbs fails, naming both ends", () => {
  const problems = layerViolations([
    { from: "gateway/tcp_transport.ts", to: "rest/user_agent.ts" },
    { from: "base/scheduler.ts", to: "gateway/shard.ts" },
  ]);
  assert.equal(problems.length, 2);
  assert.match(problems[0]!, /^gateway\/tcp_transport\.ts imports rest\//);
  assert.match(problems[1]!, /^base\/scheduler\.ts imports gateway\//);
});

Deno.test("layer check: the library never imports the fakes or tests", () => {
  const problems = layerViolations([
    { from: "handler/client.ts", to: "testing/virtual_scheduler.ts" },
    { from: "mod.ts", to: "testing/mod.ts" },
    { from: "gateway/shard.ts", to: "tests/_fakes/prng.ts" },
  ]);
  assert.equal(problems.length, 3);
  for (const problem of problems) {
    assert.match(problem, /the library never imports (testing|tests)\//);
  }
});

Deno.test("layer check: a folder missing from the table fails until placed", () => {
  const problems = layerViolations([
    { from: "voice/connection.ts", to: "gateway/shard.ts" },
  ]);
  assert.deepEqual(problems, [
    "voice/ is not in ALLOWED_IMPORTS (.ci/check_layers.ts): add it with the folders it may import",
  ]);
});

Deno.test("layer check: cache/, redis/, interactions/, dispatch/ and fleet/ sit where ARCHITECTURE.md puts them", () => {
  const may = (from: string, to: string): boolean =>
    layerViolations([{ from: `${from}/x.ts`, to: `${to}/y.ts` }]).length ===
      0;
  assert.ok(may("cache", "redis"));
  assert.ok(!may("redis", "cache"));
  assert.ok(may("interactions", "rest"));
  assert.ok(!may("handler", "interactions"));
  assert.ok(may("dispatch", "cache"));
  assert.ok(!may("gateway", "redis"));
  assert.ok(!may("cache", "dispatch"));
  for (const folder of Object.keys(ALLOWED_IMPORTS)) {
    assert.ok(may("testing", folder), folder);
  }
});

Deno.test("layer check: import cycles are found, wire shapes excepted", () => {
  assert.deepEqual(
    importCycles([
      { from: "gateway/shard.ts", to: "gateway/member_request.ts" },
      { from: "gateway/member_request.ts", to: "gateway/shard.ts" },
      { from: "gateway/shard.ts", to: "base/scheduler.ts" },
      { from: "types/objects/message.ts", to: "types/objects/interaction.ts" },
      { from: "types/objects/interaction.ts", to: "types/objects/message.ts" },
    ]),
    [["gateway/member_request.ts", "gateway/shard.ts"]],
  );
});

Deno.test("timer check: the runtime's timers and clock only in the allowed files", () => {
  const problems = timerViolations([
    { path: "gateway/a.ts", text: "const id = setTimeout(() => {}, 10);" },
    { path: "rest/b.ts", text: "  const now = Date.now();" },
    { path: "cache/c.ts", text: "setInterval(sweep, 1000);" },
    {
      path: "gateway/fine.ts",
      text: [
        "this.#scheduler.setTimeout(tick, 5);",
        "scheduler.setTimeout(tick, 5);",
        "let timer: ReturnType<typeof setTimeout>;",
        " * realScheduler.setTimeout(() => {}, 1000);",
        "// setTimeout(x) in a comment",
        " * setTimeout(x) in a doc comment",
      ].join("\n"),
    },
    { path: "base/scheduler.ts", text: "setTimeout(callback, delay)" },
    { path: "testing/x.ts", text: "setTimeout(callback, 0)" },
  ]);
  assert.equal(problems.length, 3, problems.join("\n"));
  assert.match(problems[0]!, /^gateway\/a\.ts:1 calls setTimeout/);
  assert.match(problems[1]!, /^rest\/b\.ts:1 calls Date\.now/);
  assert.match(problems[2]!, /^cache\/c\.ts:1 calls setInterval/);
});

Deno.test("ARCHITECTURE.md's layer table says what the check enforces", async () => {
  const text = await Deno.readTextFile(
    new URL("../../ARCHITECTURE.md", import.meta.url),
  );
  const rows = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    const folder = /^`([a-z]+)\/`$|^`(mod)\.ts`$/.exec(cells[1] ?? "");
    if (!folder || cells[2] === "anything") continue;
    const imports = [...(cells[2] ?? "").matchAll(/`([a-z]+)\/`/g)].map((
      m,
    ) => m[1]!);
    rows.set(folder[1] ?? ".", imports);
  }
  assert.deepEqual(
    [...rows.keys()].sort(),
    Object.keys(ALLOWED_IMPORTS).sort(),
  );
  for (const [folder, imports] of rows) {
    assert.deepEqual(
      [...imports].sort(),
      [...ALLOWED_IMPORTS[folder]!].sort(),
      folder,
    );
  }
});

Deno.test("layer check: a reported cycle is a real path of imports", () => {
  // Three modules in one group where b and c do not import each other: the
  // report used to list the group as if it were a path (a -> b -> c -> a).
  const edges = [
    { from: "gateway/a.ts", to: "gateway/b.ts" },
    { from: "gateway/b.ts", to: "gateway/a.ts" },
    { from: "gateway/a.ts", to: "gateway/c.ts" },
    { from: "gateway/c.ts", to: "gateway/a.ts" },
  ];
  const cycles = importCycles(edges);
  assert.equal(cycles.length, 1);
  const cycle = cycles[0]!;
  assert.ok(cycle.length >= 2);
  cycle.forEach((from, i) => {
    const to = cycle[(i + 1) % cycle.length]!;
    assert.ok(
      edges.some((edge) => edge.from === from && edge.to === to),
      `${from} does not import ${to}: ${cycle.join(" -> ")}`,
    );
  });
});
