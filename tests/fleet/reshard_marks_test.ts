// markShard (reshard_marks.ts) and watchNewShard (new_shard_watch.ts) on
// their own, with fakes: a reshard's new shard marked complete (its session
// saved first) or withdrawn, a flip acted on at once, a Redis failure
// reported for the retry, and no mark once the set is no longer the new
// set or runs another shard.
import assert from "node:assert/strict";
import type { FleetGeneration } from "../../fleet/fleet_generation.ts";
import { markShard, type ShardMarks } from "../../fleet/reshard_marks.ts";
import { watchNewShard } from "../../fleet/new_shard_watch.ts";
import type { ShardSet } from "../../fleet/shard_sets.ts";
import type { Shard } from "../../gateway/shard.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { StoppingShard } from "./_stopping_shard.ts";

/** What a process does as it marks, in order; `flips` answers the marks. */
function marking(
  answer: () => Promise<boolean>,
): { did: string[]; marks: ShardMarks } {
  const did: string[] = [];
  const marks: ShardMarks = {
    record: {
      markReady: (
        count: number,
        id: number,
        ready: boolean,
        now?: number,
        lost?: boolean,
      ) => {
        did.push(`mark ${count}/${id} ${ready} at ${now} lost=${lost}`);
        return answer();
      },
    } as unknown as FleetGeneration,
    leaseNow: () => 5_000,
    save: (_set, shards) => {
      did.push(`save ${shards.map((s) => s.id)}`);
      return Promise.resolve();
    },
    flipped: () => {
      did.push("flipped");
      return Promise.resolve();
    },
  };
  return { did, marks };
}

const set = {
  count: 4,
  shards: new Map(),
  watchers: new Map(),
} as unknown as ShardSet;
const shard = { id: 2 } as Shard;

Deno.test("markShard: a complete new shard's session is saved before it is marked ready; a mark that flips the set switches at once", async () => {
  const noFlip = marking(() => Promise.resolve(false));
  assert.equal(await markShard(noFlip.marks, set, shard, true), true);
  assert.deepEqual(noFlip.did, [
    "save 2",
    "mark 4/2 true at 5000 lost=undefined",
  ]);
  const flip = marking(() => Promise.resolve(true));
  assert.equal(await markShard(flip.marks, set, shard, true), true);
  assert.deepEqual(flip.did, [
    "save 2",
    "mark 4/2 true at 5000 lost=undefined",
    "flipped",
  ]);
});

Deno.test("markShard: a new shard whose session ended is withdrawn as lost, without a save", async () => {
  const m = marking(() => Promise.resolve(false));
  assert.equal(await markShard(m.marks, set, shard, false), true);
  assert.deepEqual(m.did, ["mark 4/2 false at 5000 lost=true"]);
});

Deno.test("markShard: a mark Redis was not told of answers false, to be sent again", async () => {
  for (const ready of [true, false]) {
    const m = marking(() => Promise.reject(new Error("Redis is away")));
    assert.equal(await markShard(m.marks, set, shard, ready), false);
  }
});

/** A new shard with no session yet, whose READY or RESUMED the test emits. */
function completingShard(id: number): {
  shard: Shard;
  fake: StoppingShard;
  ready: () => void;
  resumed: () => void;
} {
  const fake = new StoppingShard(id);
  fake.sessionId = undefined;
  return {
    shard: fake as unknown as Shard,
    fake,
    ready: () => {
      fake.sessionId = "s";
      fake.emit("dispatch", { name: "READY", data: { guilds: [] } });
    },
    resumed: () => fake.emit("dispatch", { name: "RESUMED", data: {} }),
  };
}

Deno.test("watchNewShard: a new set's shard is marked once complete, under the set's watchers; not once the set is no longer the new set or runs another shard", async () => {
  const scheduler = new VirtualScheduler();
  const m = marking(() => Promise.resolve(false));
  const newSet = {
    count: 4,
    shards: new Map(),
    watchers: new Map(),
  } as unknown as ShardSet;
  let isNext = true;
  const a = completingShard(1);
  newSet.shards.set(1, a.shard);
  watchNewShard(m.marks, scheduler, () => isNext, newSet, a.shard, false);
  assert.equal(newSet.watchers.size, 1);
  a.ready();
  await scheduler.flushMicrotasks();
  assert.deepEqual(m.did, ["save 1", "mark 4/1 true at 5000 lost=undefined"]);
  // Stopping the watch drops its listeners.
  newSet.watchers.get(1)!();
  assert.equal(a.fake.listening(), 0);
  // Replaced in the set by another shard of that id: no mark.
  const b = completingShard(1);
  watchNewShard(m.marks, scheduler, () => isNext, newSet, b.shard, false);
  b.ready();
  await scheduler.flushMicrotasks();
  assert.equal(m.did.length, 2, m.did.join("\n"));
  // No longer the new set: no mark.
  const c = completingShard(3);
  newSet.shards.set(3, c.shard);
  isNext = false;
  watchNewShard(m.marks, scheduler, () => isNext, newSet, c.shard, false);
  c.ready();
  await scheduler.advance(10_000);
  assert.equal(m.did.length, 2, m.did.join("\n"));
});

Deno.test("watchNewShard: a shard resuming a session that was complete is marked on RESUMED", async () => {
  const scheduler = new VirtualScheduler();
  const m = marking(() => Promise.resolve(false));
  const newSet = {
    count: 4,
    shards: new Map(),
    watchers: new Map(),
  } as unknown as ShardSet;
  const a = completingShard(0);
  newSet.shards.set(0, a.shard);
  watchNewShard(m.marks, scheduler, () => true, newSet, a.shard, true);
  a.resumed();
  await scheduler.flushMicrotasks();
  assert.deepEqual(m.did, ["save 0", "mark 4/0 true at 5000 lost=undefined"]);
});
