// Every jump in the sequence counts in sequenceSkips, the smallest too: a
// sequence 2 followed by 4 means event 3 never arrived.
import assert from "node:assert/strict";
import { dispatch, readyHarness } from "../_fakes/shard_harness.ts";

Deno.test("Shard counts a jump over exactly one event as a sequence skip", async () => {
  const h = await readyHarness();
  dispatch(h.socket(), 2);
  assert.equal(h.shard.sequenceSkips, 0);
  dispatch(h.socket(), 4);
  assert.equal(h.shard.sequenceSkips, 1);
  assert.deepEqual(h.dispatches.map((event) => event.sequence), [1, 2, 4]);
  await h.shard.close();
});
