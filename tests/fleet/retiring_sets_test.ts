// RetiringSets (retiring_sets.ts) on its own: the `drained` callback after
// close() aborted a drain, and an old set of a count the process runs again
// (resharded back while it drained), whose leases are the live set's.
import assert from "node:assert/strict";
import { longestInterval, RetiringSets } from "../../fleet/retiring_sets.ts";
import type { ShardSet } from "../../fleet/shard_sets.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { StoppingShard } from "./_stopping_shard.ts";

/**
 * An old set of `count` with leases `ids` (carried, or run by `running`),
 * and its releases (whether each also left the members).
 */
function oldSet(
  count: number,
  ids: number[],
  running: StoppingShard[] = [],
): { set: ShardSet; released: number[][]; left: boolean[] } {
  const released: number[][] = [];
  const left: boolean[] = [];
  const set = {
    count,
    leases: {
      release: (shards: readonly number[], leave = false) => {
        released.push([...shards]);
        left.push(leave);
        return Promise.resolve();
      },
    },
    shards: new Map(running.map((shard) => [shard.id, shard])),
    watchers: new Map(),
    carried: [...ids],
  } as unknown as ShardSet;
  return { set, released, left };
}

Deno.test("RetiringSets: a drain aborted by close() is still said done (else the reshard's duplicate filter stayed on for good)", async () => {
  const scheduler = new VirtualScheduler();
  const retiring = new RetiringSets(scheduler, () => false);
  const { set, released } = oldSet(2, [0, 1]);
  const ends: number[] = [];
  retiring.retire(set, 4, scheduler.now(), (now) => void ends.push(now));
  await retiring.close();
  assert.deepEqual(ends, [scheduler.now()]);
  assert.deepEqual(released, [[0, 1]]);
  assert.equal(retiring.busy, false);
});

Deno.test("RetiringSets: an old set of a count the process runs again releases no lease (the live set's, of the same hash and owner)", async () => {
  const scheduler = new VirtualScheduler();
  let live = [4];
  const retiring = new RetiringSets(
    scheduler,
    (count) => live.includes(count),
  );
  const back = oldSet(2, [0, 1]);
  const ends: number[] = [];
  retiring.retire(back.set, 4, scheduler.now(), (now) => void ends.push(now));
  // Resharded back to 2 before the old set of 2 is done.
  live = [4, 2];
  await retiring.close();
  assert.deepEqual(back.released, []);
  assert.equal(ends.length, 1);
  // Another count's old set still releases its leases.
  live = [2];
  const gone = oldSet(4, [3]);
  retiring.retire(gone.set, 2, scheduler.now());
  await retiring.close();
  assert.deepEqual(gone.released, [[3]]);
});

Deno.test("RetiringSets: a set retired with no drain closes its shards at once, out of the set, its watchers stopped, and releases its leases leaving the members", async () => {
  const scheduler = new VirtualScheduler();
  const retiring = new RetiringSets(scheduler, () => false);
  // Ready, its ACK never seen: a drain would wait for it.
  const shard = new StoppingShard(1);
  const { set, released, left } = oldSet(2, [0], [shard]);
  let watching = true;
  set.watchers.set(1, () => watching = false);
  retiring.retire(set, 4, scheduler.now());
  assert.equal(set.shards.size, 0);
  assert.equal(set.watchers.size, 0);
  assert.equal(watching, false);
  await scheduler.flushMicrotasks();
  assert.equal(shard.status, "closed");
  assert.deepEqual(released, [[1, 0]]);
  assert.deepEqual(left, [true]);
  assert.equal(retiring.busy, false);
});

Deno.test("RetiringSets: close() ends a drain still waiting for an old shard's ACK at once, without waiting for the clock", async () => {
  const scheduler = new VirtualScheduler();
  const retiring = new RetiringSets(scheduler, () => false);
  const shard = new StoppingShard(0);
  const { set, released } = oldSet(2, [], [shard]);
  const ends: number[] = [];
  retiring.retire(set, 4, scheduler.now(), (now) => void ends.push(now));
  await scheduler.flushMicrotasks();
  assert.equal(shard.status, "ready", "drained before its ACK");
  assert.equal(retiring.busy, true);
  let closed = false;
  void retiring.close().then(() => closed = true);
  await scheduler.flushMicrotasks();
  assert.equal(closed, true);
  assert.equal(shard.status, "closed");
  assert.deepEqual(released, [[0]]);
  assert.deepEqual(ends, [scheduler.now()]);
});

Deno.test("longestInterval: the longest heartbeat interval known among a set's shards, none when none is known", () => {
  const shards = [41_250, undefined, 45_000, 5_000].map((interval, id) => {
    const shard = new StoppingShard(id);
    shard.heartbeatInterval = interval;
    return shard;
  });
  assert.equal(longestInterval(oldSet(4, [], shards).set), 45_000);
  assert.equal(longestInterval(oldSet(4, [], [shards[1]!]).set), undefined);
  assert.equal(longestInterval(oldSet(4, []).set), undefined);
});
