// ShardHolds and a presence set aside (found by mutation testing): a shard
// whose only command left is one set aside is still busy, so the slot that
// command takes is given back when it is taken aside, and none leaks.
import assert from "node:assert/strict";
import { ShardHolds, SLOT_RESERVE } from "../../dispatch/shard_holds.ts";

Deno.test("ShardHolds: 100 presences handed over (one runs, the next set aside, the first finishes, the next taken aside) leave no slot taken", () => {
  const holds = new ShardHolds<number>(100);
  for (let round = 0; round < 100; round++) {
    holds.started(0);
    holds.setAside(0);
    holds.finished(0);
    assert.equal(holds.taken(0), 1, `round ${round}: the one set aside`);
    holds.takenAside(0);
  }
  assert.equal(holds.total, 0);
  assert.equal(holds.taken(0), 0);
  // Shard 0 is no longer busy: another has the whole budget again.
  holds.started(1);
  assert.ok(holds.mayTake(1));
  assert.equal(holds.budget(1), 100 - SLOT_RESERVE);
});
