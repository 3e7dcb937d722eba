// A lane emptied (its jobs sent or aborted) must leave nothing behind: a
// bot writes to ever more channels, one lane each, and a lane kept among
// its route's lanes (`#routeLanes`) kept its bucket too until the route's
// bucket hash next changed, which it may never do. Measured in a child
// process with a full collection before each reading (--expose-gc).
import assert from "node:assert/strict";
import { heapGrowthOf } from "../_fakes/heap_growth.ts";

const CHILD = new URL("./_lane_growth_child.ts", import.meta.url);

Deno.test("RateLimiter: 40,000 channels written to once, a second request to each aborted, leave the heap where it was", async () => {
  const growth = await heapGrowthOf(CHILD);
  // With each emptied lane kept among its route's lanes: 35 MB.
  assert.ok(growth < 6, `the heap grew by ${growth} MB`);
});
