import assert from "node:assert/strict";
import {
  allAnswered,
  formatReport,
  optionsFromArgs,
  QUEUE_TARGET,
  type RestBenchOptions,
  runBench,
  summarize,
} from "../../bench/rest_bench.ts";
import { BENCH_TOKEN, startRestServer } from "../../bench/_rest_server.ts";
import { MIX_CHANNELS, mixedRequest } from "../../bench/_rest_client.ts";

function smokeOptions(): RestBenchOptions {
  return {
    ...optionsFromArgs(["--quick"], () => {}),
    requests: 200,
    warmup: 50,
    depths: [100, 2000],
    memory: 200,
    inProcess: true,
  };
}

Deno.test("rest bench --quick runs one repetition of every case, smaller", () => {
  const quick = optionsFromArgs(["--quick"], () => {});
  assert.equal(quick.reps, 1);
  assert.equal(quick.requests, 3000);
  assert.equal(quick.queueRounds, 1);
  assert.equal(quick.memory, 1000);
  assert.deepEqual(quick.depths, [1000, 64_000]);
  assert.deepEqual([...quick.only].sort(), ["a", "b", "c"]);
  const full = optionsFromArgs([], () => {});
  assert.equal(full.reps, 5);
  assert.equal(full.requests, 10_000);
  assert.equal(full.warmup, 2000);
  assert.equal(full.concurrency, 16);
  assert.equal(full.queueRounds, 2);
  assert.equal(full.memory, 4000);
  assert.equal(full.pin, true);
  assert.throws(
    () => optionsFromArgs(["--depths=1000,1500"], () => {}),
    /multiple of the shallow one/,
  );
  assert.throws(() => optionsFromArgs(["--reps=0"], () => {}), RangeError);
});

Deno.test("rest bench mix: six messages over the channels, two members, two callbacks in every ten", () => {
  const kinds = Array.from({ length: 10 }, (_, i) => mixedRequest(i).kind);
  assert.deepEqual(kinds, [
    ...Array(6).fill("message"),
    "member",
    "member",
    "callback",
    "callback",
  ]);
  const channels = new Set(
    Array.from({ length: 100 }, (_, i) => mixedRequest(i))
      .filter((request) => request.kind === "message")
      .map((request) => request.path),
  );
  assert.equal(channels.size, MIX_CHANNELS);
  const callback = mixedRequest(8);
  assert.equal(callback.bot, false);
  assert.match(callback.path, /^\/interactions\/\d+\/[\w-]+\/callback$/);
});

Deno.test("rest bench server answers 429 past a bucket's limit and 401 without the token, and counts them", async () => {
  await using server = startRestServer({ limit: 2, windowMs: 60_000 });
  const send = (authorization?: string): Promise<Response> =>
    fetch(`${server.baseUrl}/channels/1/messages`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(authorization ? { authorization } : {}),
      },
      body: JSON.stringify({ content: "hi" }),
    });
  const first = await send(`Bot ${BENCH_TOKEN}`);
  assert.equal(first.status, 200);
  assert.equal(first.headers.get("x-ratelimit-limit"), "2");
  assert.equal(first.headers.get("x-ratelimit-remaining"), "1");
  assert.equal(first.headers.get("x-ratelimit-bucket"), "messages");
  assert.ok(Number(first.headers.get("x-ratelimit-reset-after")) > 59);
  assert.equal((await first.json()).channel_id, "1");
  await (await send(`Bot ${BENCH_TOKEN}`)).body?.cancel();
  const third = await send(`Bot ${BENCH_TOKEN}`);
  assert.equal(third.status, 429);
  assert.ok((await third.json()).retry_after > 59);
  const anonymous = await send();
  assert.equal(anonymous.status, 401);
  await anonymous.body?.cancel();
  assert.deepEqual(server.stats(), {
    requests: 4,
    tooMany: 1,
    unauthorized: 1,
    notFound: 0,
  });
});

Deno.test("rest bench runs every case in process, compares each with its baseline and prints the table", async () => {
  const report = await runBench(smokeOptions());
  assert.deepEqual(report.failures, []);
  assert.deepEqual(
    report.runs.map((run) => `${run.mode} ${run.depth ?? ""}`),
    ["floor ", "library ", "queue 100", "queue 2000"],
  );
  for (const run of report.runs) {
    assert.equal(run.errors, 0, `${run.mode}: ${run.firstError}`);
    assert.deepEqual(run.server, { tooMany: 0, unauthorized: 0, notFound: 0 });
    assert.ok(run.cpuUs > 0 && run.wallMs > 0);
  }
  const [floor, library] = report.runs;
  assert.equal(floor!.requests, 200);
  assert.equal(floor!.windowCpuUs.length, 10);
  assert.equal(library!.windowCpuUs.length, 10);
  const memory = report.memory!;
  assert.equal(memory.count, 200);
  assert.ok(Number.isFinite(memory.perQueuedRequest));
  assert.ok(allAnswered(report));

  const rows = summarize(report);
  assert.deepEqual(rows.map((row) => row.name), [
    "(a) floor: fetch + JSON.parse",
    "(a) RestClient",
    "(b) limiter, lanes 100 deep",
    "(b) limiter, lanes 2,000 deep",
  ]);
  assert.deepEqual(
    rows.map((row) => row.ratio === undefined),
    [true, false, true, false],
  );
  assert.deepEqual(rows.map((row) => row.target), [
    undefined,
    undefined,
    undefined,
    QUEUE_TARGET,
  ]);
  const table = formatReport(report);
  for (
    const text of [
      "CPU µs/req",
      "ratio = RestClient / floor",
      "2,000-deep / 100-deep",
      "(c) Heap after a full GC",
      "Every request answered",
    ]
  ) {
    assert.ok(table.includes(text), `the table lacks ${JSON.stringify(text)}`);
  }

  report.runs[1]!.server.tooMany = 1;
  assert.equal(allAnswered(report), false);
  assert.match(formatReport(report), /REQUESTS FAILED/);
});
