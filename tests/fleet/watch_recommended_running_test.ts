// Any number of processes may watch the recommended shard count: one whose
// check lands while another's reshard to the same count runs is refused
// with a ReshardError, and that is the watch's goal reached, not a failure.
import assert from "node:assert/strict";
import { ReshardError } from "../../fleet/reshard_error.ts";
import { watchRecommendedShards } from "../../fleet/watch_recommended.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const HOUR = 3_600_000;

/** A watch recommending 4 shards (running 2) whose reshard does `reshard`. */
function watch(reshard: () => Promise<unknown>): {
  clock: VirtualScheduler;
  stop: () => void;
} {
  const clock = new VirtualScheduler();
  const stop = watchRecommendedShards(clock, {
    fetch: () =>
      Promise.resolve({ shards: 4, session_start_limit: { remaining: 1000 } }),
  }, { shardCount: () => 2, busy: () => false, reshard });
  return { clock, stop };
}

const running = (to: number, what = "the fleet to 4") =>
  Promise.reject(
    new ReshardError(
      `Cannot reshard ${what} shards while a reshard to ${to} is running`,
      { runningTo: to },
    ),
  );

Deno.test("watchRecommendedShards: another process's reshard to the recommended count already running is said nowhere on stderr", async () => {
  const w = watch(() => running(4));
  try {
    const lines = await captureStderr(async () => {
      for (let i = 0; i < 3; i++) await w.clock.advance(HOUR);
    });
    assert.deepEqual(lines, []);
  } finally {
    w.stop();
  }
});

Deno.test("watchRecommendedShards: a reshard to the recommended count already running ends a failing streak, as a check that works does", async () => {
  let answer: () => Promise<unknown> = () =>
    Promise.reject(new TypeError("Connection is closed."));
  const w = watch(() => answer());
  try {
    const lines = await captureStderr(async () => {
      await w.clock.advance(HOUR);
      // The single-process wording too.
      answer = () => running(4, "to 4");
      await w.clock.advance(HOUR);
      await w.clock.advance(HOUR);
      answer = () => Promise.reject(new TypeError("Connection is closed."));
      await w.clock.advance(HOUR);
    });
    assert.equal(lines.length, 3, lines.join("\n"));
    assert.match(lines[0]!, /failed .*Connection is closed\./);
    assert.match(
      lines[1]!,
      /Checking the recommended shard count works again$/,
    );
    // Not a repeat of the first failure: the streak was over.
    assert.match(lines[2]!, /failed .*Connection is closed\./);
  } finally {
    w.stop();
  }
});

Deno.test("watchRecommendedShards: a reshard to another count already running is still a failure", async () => {
  const w = watch(() => running(3));
  try {
    const lines = await captureStderr(() => w.clock.advance(HOUR));
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(
      lines[0]!,
      /^\[WRN\] .*failed .*while a reshard to 3 is running/,
    );
  } finally {
    w.stop();
  }
});
