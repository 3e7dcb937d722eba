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

Deno.test("ShardHolds: with the default prefetch a lone busy shard holds 90 and 16 busy shards 5 each, as documented", () => {
  const lone = new ShardHolds<number>();
  lone.started(0);
  assert.equal(lone.budget(0), 90);
  const many = new ShardHolds<number>();
  for (let shard = 0; shard < 16; shard++) many.started(shard);
  assert.equal(many.budget(0), 5);
});

Deno.test("ShardHolds: a shard stops at its share of the budget, and every shard at the slots less the reserve, whatever its share", () => {
  const holds = new ShardHolds<number>(100);
  holds.started(1);
  // Two busy shards: 45 each.
  for (let i = 0; i < 45; i++) {
    assert.ok(holds.mayTake(0), `the ${i}th`);
    holds.hold(0, i);
  }
  assert.equal(holds.mayTake(0), false, "its share taken");
  // Alone again, shard 0 takes up to 89; shard 1's first fills the 90.
  holds.finished(1);
  for (let i = 45; i < 89; i++) holds.hold(0, i);
  holds.started(1);
  assert.equal(holds.total, 90);
  assert.equal(holds.mayTake(1), false, "under its share, but no slot left");
});

Deno.test("ShardHolds: a shard's held commands go before a new one; a finish or take-aside of nothing changes nothing; a shard emptied by next() is no longer busy", () => {
  const holds = new ShardHolds<number>(100);
  for (let i = 0; i < 10; i++) holds.started(0);
  holds.hold(0, 10);
  holds.finished(0);
  assert.equal(holds.runsNow(0), false, "the held one first");
  assert.equal(holds.next(0), 10);
  assert.ok(holds.runsNow(0));
  const idle = new ShardHolds<number>(100);
  idle.hold(2, 1);
  idle.finished(2);
  idle.takenAside(2);
  assert.equal(idle.taken(2), 1);
  assert.equal(idle.total, 1);
  assert.equal(idle.next(2, true), 1);
  idle.started(3);
  assert.equal(idle.budget(3), 100 - SLOT_RESERVE, "shard 2 holds none");
});
