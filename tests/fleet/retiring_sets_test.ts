// RetiringSets (retiring_sets.ts) on its own: the `drained` callback after
// close() aborted a drain, and an old set of a count the process runs again
// (resharded back while it drained), whose leases are the live set's.
import assert from "node:assert/strict";
import { RetiringSets } from "../../fleet/retiring_sets.ts";
import type { ShardSet } from "../../fleet/shard_sets.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** An old set of `count` with leases `ids` (no shard running), and its releases. */
function oldSet(
  count: number,
  ids: number[],
): { set: ShardSet; released: number[][] } {
  const released: number[][] = [];
  const set = {
    count,
    leases: {
      release: (shards: readonly number[]) => {
        released.push([...shards]);
        return Promise.resolve();
      },
    },
    shards: new Map(),
    watchers: new Map(),
    carried: [...ids],
  } as unknown as ShardSet;
  return { set, released };
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
