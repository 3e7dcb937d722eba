// startedFor and keepsNext (shard_sets.ts) on their own: which reshard a
// new set was started for, and whether it stays at a sync (the reshard it
// was started for still running, or lost with Redis's keys and the hold
// after the loss not over).
import assert from "node:assert/strict";
import {
  keepsNext,
  type ShardSet,
  startedFor,
  type SyncedReshard,
} from "../../fleet/shard_sets.ts";

/** A new set of `count` started for reshard request `reshardId`. */
function newSet(count: number, reshardId?: string): ShardSet {
  return { count, reshardId } as unknown as ShardSet;
}

function synced(over: Partial<SyncedReshard>): SyncedReshard {
  return { reshardId: undefined, lostNext: undefined, takeFrom: 0, ...over };
}

Deno.test("startedFor: a new set is the reshard's only for the same count and the same request", () => {
  assert.equal(startedFor(newSet(4, "r1"), 4, "r1"), true);
  // Given up and asked again: another request, its barrier empty.
  assert.equal(startedFor(newSet(4, "r1"), 4, "r2"), false);
  assert.equal(startedFor(newSet(4, "r1"), 8, "r1"), false);
  assert.equal(startedFor(newSet(4, "r1"), undefined, undefined), false);
});

Deno.test("keepsNext: a new set stays while its reshard runs, and goes once another reshard was asked, even after a loss", () => {
  const set = newSet(4, "r1");
  assert.equal(keepsNext(set, 4, synced({ reshardId: "r1" }), 0), true);
  const lost = synced({ reshardId: "r2", lostNext: 4, takeFrom: 10_000 });
  assert.equal(keepsNext(set, 4, lost, 0), false);
  assert.equal(keepsNext(set, 8, lost, 0), false);
  assert.equal(set.keptUntil, undefined);
});

Deno.test("keepsNext: a new set whose reshard Redis lost with its keys stays until the hold after the loss is over, and no longer", () => {
  const set = newSet(4, "r1");
  const lost = synced({ lostNext: 4, takeFrom: 10_000 });
  assert.equal(keepsNext(set, undefined, lost, 0), true);
  // Later syncs no longer see the loss: the hold still ends the same.
  const later = synced({});
  assert.equal(keepsNext(set, undefined, later, 9_999), true);
  assert.equal(keepsNext(set, undefined, later, 10_000), false);
  // Another count's reshard lost: not this set's.
  const other = newSet(6, "r1");
  assert.equal(keepsNext(other, undefined, lost, 0), false);
  // No reshard and no loss: the set goes.
  assert.equal(keepsNext(newSet(4, "r1"), undefined, later, 0), false);
});
