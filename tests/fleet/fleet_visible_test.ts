// What a fleet says on stderr with LogTape not configured, without Redis:
// a dispatch listener that throws (as a shard's does), and a watch of the
// recommended shard count that keeps failing (automatic resharding then
// never happens, and Discord's first sign is a 4011 close). Repeats stay in
// LogTape; the check that works after, once, on stderr too.
import assert from "node:assert/strict";
import { MemoryDuplicateFilter } from "../../fleet/duplicate_filter.ts";
import { HeldEvents } from "../../fleet/held_events.ts";
import {
  type RecommendedShards,
  watchRecommendedShards,
} from "../../fleet/watch_recommended.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { messageEvent } from "./_message_event.ts";

const HOUR = 3_600_000;

Deno.test("HeldEvents: a dispatch listener that throws is said on stderr without LogTape, and later events are still delivered", async () => {
  const delivered: string[] = [];
  const lines = await captureStderr(() => {
    const events = new HeldEvents((e) => {
      const id = (e.data as { id: string }).id;
      if (id === "bad") throw new TypeError("listener bug");
      delivered.push(id);
    }, new MemoryDuplicateFilter());
    events.accept(messageEvent("bad"));
    events.accept(messageEvent("good"));
  });
  assert.deepEqual(delivered, ["good"]);
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(
    lines[0]!,
    /^\[ERR\] .*A dispatch listener threw: .*listener bug/,
  );
});

/** A watch on a virtual clock whose fetch and reshard answer as told. */
function watch(answers: {
  fetch: () => Promise<RecommendedShards>;
  reshard?: () => Promise<unknown>;
}): { clock: VirtualScheduler; stop: () => void; reshards: () => number } {
  const clock = new VirtualScheduler();
  let reshards = 0;
  const stop = watchRecommendedShards(clock, { fetch: answers.fetch }, {
    shardCount: () => 2,
    busy: () => false,
    reshard: () => {
      reshards++;
      return answers.reshard?.() ?? Promise.resolve();
    },
  });
  return { clock, stop, reshards: () => reshards };
}

const recommends = (shards: number, remaining = 1000) =>
  Promise.resolve({ shards, session_start_limit: { remaining } });

Deno.test("watchRecommendedShards: a reshard that keeps failing is said on stderr the first time and when its reason changes (not its numbers), and the check that works after, once", async () => {
  let left = 30;
  let refusal = true;
  const w = watch({
    fetch: () => recommends(4, left--),
    reshard: () =>
      refusal
        ? Promise.reject(
          new Error(`4 session starts needed, only ${left} left today`),
        )
        : Promise.reject(new TypeError("Connection is closed.")),
  });
  const hours = async (n: number) => {
    for (let i = 0; i < n; i++) await w.clock.advance(HOUR);
  };
  try {
    const first = await captureStderr(() => hours(3));
    assert.equal(w.reshards(), 3);
    assert.equal(first.length, 1, first.join("\n"));
    assert.match(
      first[0]!,
      /^\[WRN\] disruption·fleet·reshard: Resharding to the recommended count failed .*only 29 left today/,
    );
    refusal = false;
    const changed = await captureStderr(() => hours(2));
    assert.equal(changed.length, 1, changed.join("\n"));
    assert.match(changed[0]!, /Connection is closed\./);
    let recommended = 4;
    const back = watch({
      fetch: () =>
        recommended === 4
          ? Promise.reject(new TypeError("fetch is not bound"))
          : recommends(recommended),
    });
    try {
      const lines = await captureStderr(async () => {
        await back.clock.advance(HOUR);
        await back.clock.advance(HOUR);
        recommended = 2;
        await back.clock.advance(HOUR);
        await back.clock.advance(HOUR);
      });
      assert.equal(lines.length, 2, lines.join("\n"));
      assert.match(lines[0]!, /failed .*fetch is not bound/);
      assert.match(
        lines[1]!,
        /^\[WRN\] .*Checking the recommended shard count works again$/,
      );
    } finally {
      back.stop();
    }
  } finally {
    w.stop();
  }
});

Deno.test("watchRecommendedShards: an answer that is not a usable count is said on stderr once in a row", async () => {
  const w = watch({ fetch: () => recommends(1e9) });
  try {
    const lines = await captureStderr(async () => {
      for (let i = 0; i < 3; i++) await w.clock.advance(HOUR);
    });
    assert.equal(w.reshards(), 0);
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(lines[0]!, /^\[WRN\] .*Ignoring a recommended shard count/);
  } finally {
    w.stop();
  }
});
