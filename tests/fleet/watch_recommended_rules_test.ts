// watchRecommendedShards (watch_recommended.ts) on its own, on a virtual
// clock: when it asks, which recommendations it acts on (and with which
// budget), which it ignores as unusable, and that stop() means stop.
import assert from "node:assert/strict";
import {
  type RecommendedShards,
  watchRecommendedShards,
} from "../../fleet/watch_recommended.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

/** The documented default interval: an hour. */
const HOUR = 3_600_000;

/** A watch of a target running `count` shards; its asks and reshards. */
function watch(count: number, answer: () => Promise<RecommendedShards>): {
  clock: VirtualScheduler;
  stop: () => void;
  asked: number[];
  reshards: [number, number][];
} {
  const clock = new VirtualScheduler();
  const asked: number[] = [];
  const reshards: [number, number][] = [];
  const stop = watchRecommendedShards(clock, {
    fetch: () => {
      asked.push(clock.now());
      return answer();
    },
  }, {
    shardCount: () => count,
    busy: () => false,
    reshard: (to, left) => {
      reshards.push([to, left]);
      return Promise.resolve();
    },
  });
  return { clock, stop, asked, reshards };
}

const recommends = (shards: unknown, remaining: unknown = 1000) => () =>
  Promise.resolve(
    { shards, session_start_limit: { remaining } } as RecommendedShards,
  );

Deno.test("watchRecommendedShards: asks every hour by default and reshards only up, to the count recommended with the budget given", async () => {
  for (
    const [count, shards, remaining, expected] of [
      [4, 5, 7, [[5, 7]]],
      [4, 4, 7, []],
      [4, 3, 7, []],
      [1, 65_536, 70_000, [[65_536, 70_000]]],
      [2, 3, 0, [[3, 0]]], // the target refuses a budget too small itself
    ] as [number, number, number, [number, number][]][]
  ) {
    const w = watch(count, recommends(shards, remaining));
    await w.clock.advance(HOUR - 1);
    assert.deepEqual(w.asked, []);
    await w.clock.advance(1);
    assert.deepEqual(w.asked, [HOUR]);
    assert.deepEqual(w.reshards, expected, `${count} -> ${shards}`);
    w.stop();
  }
});

Deno.test("watchRecommendedShards: a recommendation of 1 shard when running 1 is not an unusable answer; 0 shards, or a budget that is not an integer >= 0, is ignored and said", async () => {
  const lines = await captureStderr(async () => {
    const one = watch(1, recommends(1));
    await one.clock.advance(HOUR);
    assert.deepEqual(one.reshards, []);
    one.stop();
  });
  assert.deepEqual(lines, []);
  for (
    const [shards, remaining] of [[0, 10], [4, NaN], [4, "9"], [4, -1]]
  ) {
    const said = await captureStderr(async () => {
      const w = watch(2, recommends(shards, remaining));
      await w.clock.advance(HOUR);
      assert.deepEqual(w.reshards, [], `${shards}, ${remaining}`);
      w.stop();
    });
    assert.equal(said.length, 1, `${shards}, ${remaining}: ${said}`);
    assert.match(said[0]!, /Ignoring a recommended shard count/);
  }
});

Deno.test("watchRecommendedShards: stopped while Discord's answer is on its way, it neither reshards nor asks again", async () => {
  const answer = Promise.withResolvers<RecommendedShards>();
  const w = watch(2, () => answer.promise);
  await w.clock.advance(HOUR);
  assert.equal(w.asked.length, 1);
  w.stop();
  answer.resolve({ shards: 8, session_start_limit: { remaining: 100 } });
  await w.clock.advance(3 * HOUR);
  assert.deepEqual(w.reshards, []);
  assert.equal(w.asked.length, 1);
  assert.equal(w.clock.pending, 0);
});
