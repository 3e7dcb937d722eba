// A request given up (its signal aborted) leaves the identify queue at
// once, not when it reaches the head of its bucket: while the day's session
// starts are spent, the head waits for the reset (up to 24 h) and every
// reconnect of another shard of its bucket asked again. Measured in a child
// process with a full collection before each reading (--expose-gc).
import assert from "node:assert/strict";
import { heapGrowthOf } from "../_fakes/heap_growth.ts";

const CHILD = new URL(
  "./_identify_abort_growth_child.ts",
  import.meta.url,
);

Deno.test("MemoryIdentifyQueue: 50,000 requests given up behind a head waiting for the budget's reset leave the heap where it was", async () => {
  const growth = await heapGrowthOf(CHILD);
  // Kept queued until they reached the head: 56 MB for these.
  assert.ok(growth < 3, `the heap grew by ${growth} MB`);
});
