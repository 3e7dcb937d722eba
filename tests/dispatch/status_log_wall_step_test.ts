// StatusLog spaces its posts by elapsed time: a wall clock set back (NTP, a
// resumed VM) must not hold the next post for the size of the step.
import assert from "node:assert/strict";
import { StatusLog } from "../../dispatch/status_log.ts";
import { RestClient } from "../../rest/rest_client.ts";
import type { Scheduler } from "../../base/scheduler.ts";
import type { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { steppedClock } from "../_fakes/stepped_clock.ts";

/** A REST client whose posts are recorded with the virtual time they left. */
function recordingRest(
  scheduler: VirtualScheduler,
  clock: Scheduler,
): { rest: RestClient; posts: { at: number; content: string }[] } {
  const posts: { at: number; content: string }[] = [];
  const rest = new RestClient({
    token: "t",
    baseUrl: "http://127.0.0.1:1/api/v10",
    scheduler: clock,
    fetch: (_input, init) => {
      const content = JSON.parse(String(init?.body)).content;
      posts.push({ at: scheduler.now(), content });
      return Promise.resolve(
        Response.json({ id: "1", channel_id: "9", content: "" }),
      );
    },
  });
  return { rest, posts };
}

Deno.test("StatusLog: a wall clock set back 1 h between posts holds the next one an interval at most", async () => {
  const { scheduler, clock, step } = steppedClock();
  const start = scheduler.now();
  const { rest, posts } = recordingRest(scheduler, clock);
  const log = new StatusLog(rest, "9", clock, 1_000);
  log.add("Shard 0 ready");
  await scheduler.advance(1_500);
  assert.deepEqual(posts.map((post) => post.at - start), [1_000]);
  step(-3_600_000);
  log.add("Shard 1 ready");
  log.add("Shard 2 disconnected");
  await scheduler.advance(3_000);
  assert.equal(posts.length, 2, "posted within 3 s, not an hour");
  assert.equal(posts[1]!.content, "Shard 1 ready\nShard 2 disconnected");
  assert.equal(log.waiting, 0);
});

Deno.test("StatusLog: a wall clock set back 1 h while a message waits its turn posts it on time", async () => {
  const { scheduler, clock, step } = steppedClock();
  const start = scheduler.now();
  const { rest, posts } = recordingRest(scheduler, clock);
  const log = new StatusLog(rest, "9", clock, 5_000);
  // Two messages' worth: the second waits 5 s after the first.
  for (let i = 0; i < 40; i++) log.add(`${i} ${"x".repeat(90)}`);
  await scheduler.advance(6_000);
  assert.equal(posts.length, 1);
  step(-3_600_000);
  await scheduler.advance(4_000);
  assert.deepEqual(posts.map((post) => post.at - start), [5_000, 10_000]);
  assert.equal(log.waiting, 0);
});
