// StatusLog's close() at the edges mutation testing found unpinned: a
// message waiting for its turn goes out at once, nothing is posted after a
// close that went through, and a post aborted by a close that timed out is
// no "posting failed" warning (the close says what was dropped).
import assert from "node:assert/strict";
import { StatusLog } from "../../dispatch/status_log.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { recordingRest } from "./_recording_rest.ts";

Deno.test("StatusLog: close() cuts short a message's wait for its turn and posts it at once", async () => {
  const scheduler = new VirtualScheduler();
  const { rest, posts } = recordingRest(scheduler);
  const log = new StatusLog(rest, "9", scheduler, 5_000);
  log.add("Shard 0 ready");
  await scheduler.advance(5_000);
  log.add("Shard 0 closed");
  void log.flush(); // waits for its turn, 5 s after the first post
  await scheduler.advance(1_000);
  await log.close(100);
  assert.deepEqual(posts, ["Shard 0 ready", "Shard 0 closed"]);
});

Deno.test("StatusLog: after close() a line added is not posted", async () => {
  const scheduler = new VirtualScheduler();
  const { rest, posts } = recordingRest(scheduler);
  const log = new StatusLog(rest, "9", scheduler, 5_000);
  log.add("Shard 0 ready");
  await log.close(1_000);
  log.add("late");
  await scheduler.advance(60_000);
  assert.deepEqual(posts, ["Shard 0 ready"]);
});

Deno.test("StatusLog: a post aborted by a close that timed out is not logged as a failed post", async () => {
  await withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler();
    const rest = new RestClient({
      token: "t",
      baseUrl: "http://127.0.0.1:1/api/v10",
      scheduler,
      // Discord never answers (until the request is aborted).
      fetch: (_input, init) => {
        const signal = init!.signal!;
        return new Promise((_, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason))
        );
      },
    });
    const log = new StatusLog(rest, "9", scheduler, 5_000);
    log.add("Shard 0 closed");
    const closing = log.close(1_000);
    await scheduler.advance(1_000);
    await closing;
    await log.flush();
    const warnings = records
      .filter((r) => r.level === "warning")
      .map((r) => r.message.join(""));
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0]!, /did not take the last posts within 1000 ms/);
  }, "debug");
});
