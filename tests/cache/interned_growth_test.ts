// The memory store interns ids and role lists; nothing tells it when one
// is no longer used, so a gateway naming new ids in every event must not
// grow the interned values without bound. Measured in a child process with
// a full collection before each reading (--expose-gc).
import assert from "node:assert/strict";
import { heapGrowthOf } from "../_fakes/heap_growth.ts";

const CHILD = new URL("./_interned_growth_child.ts", import.meta.url);

Deno.test("MemoryCache: 600,000 updates naming 1,200,000 new role ids leave the heap where it was (interned values are bounded)", async () => {
  const growth = await heapGrowthOf(CHILD);
  // Unbounded, the interned ids of two rounds took 120 MB; bounded,
  // the interner holds at most 65,536 of them at any time (2 MB measured).
  assert.ok(growth < 15, `the heap grew by ${growth} MB`);
});

Deno.test("MemoryCache: 6,000 updates naming role ids of 20 KB that are no snowflakes leave the heap where it was (they are never interned)", async () => {
  // Interned, they took 120 MB (the interner's bound counts values, not
  // bytes); kept as sent, only the current member's hold any.
  const growth = await heapGrowthOf(CHILD, "big");
  assert.ok(growth < 15, `the heap grew by ${growth} MB`);
});

Deno.test("MemoryCache: 300,000 guilds joined and left, each with a member holding one of its roles, leave the heap where it was (a left guild's role counts go with it)", async () => {
  // Kept after GUILD_DELETE, the per-guild role counts of the two measured rounds took 64 MB.
  const growth = await heapGrowthOf(CHILD, "guilds");
  assert.ok(growth < 15, `the heap grew by ${growth} MB`);
});
