// StatusLog: one message per interval at most, and the note on dropped
// lines fits in the message it heads without cutting a line.
import assert from "node:assert/strict";
import { StatusLog } from "../../dispatch/status_log.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** A REST client whose posts are recorded with the virtual time they left. */
function recordingRest(scheduler: VirtualScheduler, gate?: Promise<void>): {
  rest: RestClient;
  posts: { at: number; content: string }[];
} {
  const posts: { at: number; content: string }[] = [];
  const rest = new RestClient({
    token: "t",
    baseUrl: "http://127.0.0.1:1/api/v10",
    scheduler,
    fetch: async (_input, init) => {
      const at = scheduler.now();
      await gate;
      posts.push({ at, content: JSON.parse(String(init?.body)).content });
      return Response.json({ id: "1", channel_id: "9", content: "" });
    },
  });
  return { rest, posts };
}

Deno.test("StatusLog: a burst that fills several messages is posted one message per interval", async () => {
  const scheduler = new VirtualScheduler();
  const { rest, posts } = recordingRest(scheduler);
  const log = new StatusLog(rest, "9", scheduler, 5_000);
  // A mass reconnect: 400 lines, about five messages.
  for (let i = 0; i < 200; i++) {
    log.add(`Shard ${1000 + i} disconnected`);
    log.add(`Shard ${1000 + i} resumed`);
  }
  for (let t = 0; t < 60_000; t += 1_000) await scheduler.advance(1_000);
  assert.ok(posts.length >= 4, `${posts.length} posts`);
  const lines = posts.flatMap((post) => post.content.split("\n"));
  assert.equal(lines.length, 400, "every line posted once");
  for (let i = 1; i < posts.length; i++) {
    assert.ok(
      posts[i]!.at - posts[i - 1]!.at >= 5_000,
      `post ${i} at ${posts[i]!.at}, ${posts[i - 1]!.at} before`,
    );
  }
  // A line after the burst waits its turn too.
  const last = posts.at(-1)!.at;
  log.add("Shard 0 ready");
  await scheduler.advance(60_000);
  assert.equal(posts.at(-1)!.content, "Shard 0 ready");
  assert.ok(posts.at(-1)!.at - last >= 5_000);
});

Deno.test("StatusLog: the note on dropped lines heads a full message without cutting its last line", async () => {
  const scheduler = new VirtualScheduler();
  let open!: () => void;
  const gate = new Promise<void>((resolve) => open = resolve);
  const { rest, posts } = recordingRest(scheduler, gate);
  const log = new StatusLog(rest, "9", scheduler, 10);
  let n = 0;
  const line = (): string =>
    `Joined guild ${"G".repeat(64)} (${1000000000000000000n + BigInt(n++)})`;
  // The first post stalls; the backlog overflows and lines are dropped.
  log.add(line());
  await scheduler.advance(10);
  for (let round = 0; round < 30; round++) {
    for (let i = 0; i < 24; i++) log.add(line());
    await scheduler.advance(20);
  }
  open();
  const flushed = log.flush();
  while (log.waiting > 0) await scheduler.advance(10);
  await flushed;
  const noted = posts.find((post) => post.content.startsWith("("));
  assert.ok(noted, "a note was posted");
  assert.ok(noted.content.length <= 2000, `${noted.content.length} long`);
  const lines = posts.flatMap((post) => post.content.split("\n"));
  for (const posted of lines.filter((l) => !l.startsWith("("))) {
    assert.match(posted, /^Joined guild G{64} \(1\d{18}\)$/);
  }
  const dropped = Number(/^\((\d+) earlier/.exec(noted.content)![1]);
  assert.equal(lines.length - 1 + dropped, n, "every line posted or counted");
});

Deno.test("StatusLog: close() posts what is left at once, without waiting for the next turn", async () => {
  const scheduler = new VirtualScheduler();
  const { rest, posts } = recordingRest(scheduler);
  const log = new StatusLog(rest, "9", scheduler, 5_000);
  log.add("Shard 0 ready");
  await scheduler.advance(5_000);
  assert.equal(posts.length, 1);
  for (let i = 0; i < 300; i++) log.add(`Shard ${i} closed ${"x".repeat(20)}`);
  await log.close(3_000);
  assert.equal(
    posts.flatMap((post) => post.content.split("\n")).length,
    301,
  );
});
