// StatusLog: batched posts, and a bounded backlog while REST is stalled.
import assert from "node:assert/strict";
import { StatusLog } from "../../dispatch/status_log.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

function stalledRest(scheduler: VirtualScheduler): {
  rest: RestClient;
  posted: string[];
  release: () => void;
} {
  const posted: string[] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => open = resolve);
  const rest = new RestClient({
    token: "t",
    baseUrl: "http://127.0.0.1:1/api/v10",
    scheduler,
    fetch: async (_input, init) => {
      await gate;
      // A post the client gave up on (its 15 s timeout) never arrived.
      init?.signal?.throwIfAborted();
      posted.push(JSON.parse(String(init?.body)).content);
      return Response.json({ id: "1", channel_id: "9", content: "" });
    },
  });
  return { rest, posted, release: open };
}

Deno.test("StatusLog: lines of one interval go in one post", async () => {
  const scheduler = new VirtualScheduler();
  const { rest, posted, release } = stalledRest(scheduler);
  release();
  const log = new StatusLog(rest, "9", scheduler, 5_000);
  for (let i = 0; i < 50; i++) log.add(`Shard ${i} ready`);
  await scheduler.advance(5_000);
  await log.flush();
  assert.equal(posted.length, 1);
  assert.equal(posted[0]!.split("\n").length, 50);
});

Deno.test("StatusLog: while REST is stalled the backlog stays bounded; the drop is said once it moves", async () => {
  const scheduler = new VirtualScheduler();
  const { rest, posted, release } = stalledRest(scheduler);
  const log = new StatusLog(rest, "9", scheduler, 5_000);
  // An hour of flapping shards, 100 long lines every interval.
  for (let interval = 0; interval < 720; interval++) {
    for (let i = 0; i < 100; i++) {
      log.add(`Shard ${i} disconnected ${"x".repeat(80)}`);
    }
    await scheduler.advance(5_000);
    assert.ok(log.waiting <= 20, `${log.waiting} messages waiting`);
  }
  release();
  // One message per interval: the backlog goes out over the next minutes.
  const flushed = log.flush();
  while (log.waiting > 0) await scheduler.advance(5_000);
  await flushed;
  assert.ok(posted.length <= 21, `${posted.length} posts`);
  // The first post was on its way when REST stalled; the next says what
  // was dropped.
  assert.match(posted[1]!, /^\(\d+ earlier status line\(s\) dropped/);
  assert.match(posted.at(-1)!, /Shard 99 disconnected/);
});

Deno.test("StatusLog: close() waits at most its bound for a stalled REST, aborts the post and drops the rest", async () => {
  const scheduler = new VirtualScheduler();
  const signals: AbortSignal[] = [];
  const rest = new RestClient({
    token: "t",
    baseUrl: "http://127.0.0.1:1/api/v10",
    scheduler,
    // Discord never answers (until the request is aborted).
    fetch: (_input, init) => {
      const signal = init!.signal!;
      signals.push(signal);
      return new Promise((_, reject) =>
        signal.addEventListener("abort", () => reject(signal.reason))
      );
    },
  });
  const log = new StatusLog(rest, "9", scheduler, 5_000);
  for (let i = 0; i < 30; i++) log.add(`Shard ${i} closed ${"x".repeat(100)}`);
  let closed = false;
  const closing = log.close(3_000).then(() => closed = true);
  await scheduler.advance(2_999);
  assert.equal(closed, false);
  await scheduler.advance(1);
  await closing;
  assert.equal(log.waiting, 0);
  assert.equal(signals.length, 1, "one post was on its way");
  assert.ok(signals[0]!.aborted, "and it is aborted");
  // Closed: no line is taken, and nothing is posted any more.
  log.add("Shard 0 ready");
  await scheduler.advance(60_000);
  assert.equal(signals.length, 1);
});

Deno.test("StatusLog: close() posts what is gathered when REST answers in time", async () => {
  const scheduler = new VirtualScheduler();
  const { rest, posted, release } = stalledRest(scheduler);
  release();
  const log = new StatusLog(rest, "9", scheduler, 5_000);
  log.add("Shard 0 closed");
  await log.close(3_000);
  assert.deepEqual(posted, ["Shard 0 closed"]);
});

Deno.test("StatusLog: posts ping no one, whatever a guild's name holds (allowed_mentions parse [])", async () => {
  const scheduler = new VirtualScheduler();
  const bodies: Record<string, unknown>[] = [];
  const rest = new RestClient({
    token: "t",
    baseUrl: "http://127.0.0.1:1/api/v10",
    scheduler,
    fetch: (_input, init) => {
      bodies.push(JSON.parse(String(init?.body)));
      return Promise.resolve(
        Response.json({ id: "1", channel_id: "9", content: "" }),
      );
    },
  });
  const log = new StatusLog(rest, "9", scheduler, 5_000);
  log.add("Joined guild @everyone free nitro <@&555000555000555000> (7)");
  await log.flush();
  assert.equal(bodies.length, 1);
  assert.deepEqual(bodies[0]!.allowed_mentions, { parse: [] });
  assert.match(String(bodies[0]!.content), /@everyone/);
});
