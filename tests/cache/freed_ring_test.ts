// The queue of recently freed keys the memory store drops late (users, and
// emptied DM channels): each key queued once, the oldest pushed out when
// full, and a key pushed out queued again when freed again.
import assert from "node:assert/strict";
import { FreedRing } from "../../cache/freed_ring.ts";

Deno.test("FreedRing pushes out the oldest key when full, and queues a key pushed out again when it is freed again", () => {
  const ring = new FreedRing(2);
  assert.equal(ring.add("a"), undefined);
  assert.equal(ring.add("b"), undefined);
  // Queued already: nothing pushed out, queued once.
  assert.equal(ring.add("a"), undefined);
  assert.equal(ring.size, 2);
  assert.equal(ring.add("c"), "a");
  // "a" left the queue: freed again, it is queued again (pushing out "b"),
  // and goes again in its turn, so its entry is not kept for good.
  assert.equal(ring.add("a"), "b");
  assert.equal(ring.add("d"), "c");
  assert.equal(ring.add("e"), "a");
  assert.equal(ring.size, 2);
});

Deno.test("FreedRing forgets every key when cleared", () => {
  const ring = new FreedRing(2);
  ring.add("a");
  ring.add("b");
  ring.clear();
  assert.equal(ring.size, 0);
  // Queued anew from an empty ring: nothing to push out until it fills.
  assert.equal(ring.add("a"), undefined);
  assert.equal(ring.add("b"), undefined);
  assert.equal(ring.add("c"), "a");
});
