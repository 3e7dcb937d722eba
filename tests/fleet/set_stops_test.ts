// closeSetShards (set_stops.ts) on its own, with fake shards and a fake
// barrier: shards stopped out of their set, a reshard's new shards
// unmarked from its barrier first (Redis waited for a while, not when the
// lease guard fired late), then closed as asked.
import assert from "node:assert/strict";
import type { FleetGeneration } from "../../fleet/fleet_generation.ts";
import { closeSetShards, type SetStop } from "../../fleet/set_stops.ts";
import type { ShardSet } from "../../fleet/shard_sets.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { StoppingShard } from "./_stopping_shard.ts";

/** A set of 4 running `ids`, its watchers, and what its shards saw. */
function scene(ids: number[], answered = true): {
  set: ShardSet;
  seen: string[];
  watched: Set<number>;
  scheduler: VirtualScheduler;
  how: (over: Partial<SetStop>) => SetStop;
} {
  const seen: string[] = [];
  const shards = ids.map((id) => {
    const shard = new StoppingShard(id);
    shard.close = (options?: { resumable?: boolean }) => {
      seen.push(`close ${id} resumable=${options?.resumable}`);
      return Promise.resolve();
    };
    return shard;
  });
  const watched = new Set(ids);
  const set = {
    count: 4,
    shards: new Map(shards.map((s) => [s.id, s])),
    watchers: new Map(ids.map((id) => [id, () => watched.delete(id)])),
  } as unknown as ShardSet;
  const record = {
    markReady: (count: number, id: number, ready: boolean) => {
      seen.push(`mark ${count}/${id} ${ready}`);
      return answered ? Promise.resolve(false) : new Promise(() => {});
    },
  } as unknown as FleetGeneration;
  const scheduler = new VirtualScheduler();
  const how = (over: Partial<SetStop>): SetStop => ({
    record,
    scheduler,
    isNext: true,
    unmarkMs: 1_000,
    resumable: true,
    late: false,
    ...over,
  });
  return { set, seen, watched, scheduler, how };
}

Deno.test("closeSetShards: a new set's shards leave the set, are unmarked from the barrier, then closed as asked; the others stay", async () => {
  const s = scene([0, 1, 2]);
  const closed = await closeSetShards(
    s.set,
    [2, 0],
    s.how({ resumable: false }),
  );
  assert.deepEqual(closed.map((shard) => shard.id), [2, 0]);
  assert.deepEqual([...s.set.shards.keys()], [1]);
  assert.deepEqual([...s.set.watchers.keys()], [1]);
  assert.deepEqual([...s.watched], [1]);
  assert.deepEqual(s.seen, [
    "mark 4/2 false",
    "mark 4/0 false",
    "close 2 resumable=false",
    "close 0 resumable=false",
  ]);
});

Deno.test("closeSetShards: a running set's shards are closed resumable with no barrier mark", async () => {
  const s = scene([0, 1]);
  await closeSetShards(s.set, [1], s.how({ isNext: false }));
  assert.deepEqual(s.seen, ["close 1 resumable=true"]);
});

Deno.test("closeSetShards: Redis not answering the unmark is waited for unmarkMs, and not at all when the lease guard fired late", async () => {
  const s = scene([0], false);
  let done = false;
  void closeSetShards(s.set, [0], s.how({})).then(() => done = true);
  await s.scheduler.advance(999);
  assert.equal(done, false);
  assert.deepEqual(s.seen, ["mark 4/0 false"]);
  await s.scheduler.advance(1);
  assert.equal(done, true);
  assert.deepEqual(s.seen, ["mark 4/0 false", "close 0 resumable=true"]);
  const late = scene([3], false);
  let lateDone = false;
  void closeSetShards(late.set, [3], late.how({ late: true })).then(() =>
    lateDone = true
  );
  await late.scheduler.flushMicrotasks();
  assert.equal(lateDone, true);
  assert.deepEqual(late.seen, ["mark 4/3 false", "close 3 resumable=true"]);
});
