// ReshardOverlap's rules on their own: how long a fleet reshard's duplicate
// filter is held (two lease TTLs, the resume wait and the ACK wait of the
// longest heartbeat interval, after this process left the reshard or its
// last old set drained), when a process that missed the switch takes it
// up, and what a reshard begun while a filter runs checks against.
import assert from "node:assert/strict";
import { ChainedDuplicateFilter } from "../../fleet/chained_duplicate_filter.ts";
import { overlapHoldMs } from "../../fleet/reshard_overlap.ts";
import {
  ackWaitMs,
  DISCORD_HEARTBEAT_MS,
  RESUME_WAIT_MS,
} from "../../fleet/shard_read_barrier.ts";
import { overlap, OVERLAP_TTL_MS } from "./_reshard_overlap.ts";

Deno.test("overlapHoldMs outlasts every member's switch (two lease TTLs) and its old shards' longest drain (the resume wait and the ACK wait of the longest interval, Discord's at least)", () => {
  const drain = (interval: number) => RESUME_WAIT_MS + ackWaitMs(interval);
  assert.equal(
    overlapHoldMs(OVERLAP_TTL_MS),
    2 * OVERLAP_TTL_MS + drain(DISCORD_HEARTBEAT_MS),
  );
  assert.equal(
    overlapHoldMs(OVERLAP_TTL_MS, 5_000),
    overlapHoldMs(OVERLAP_TTL_MS),
  );
  assert.equal(
    overlapHoldMs(OVERLAP_TTL_MS, 120_000),
    2 * OVERLAP_TTL_MS + drain(120_000),
  );
});

Deno.test("ReshardOverlap: the filter stays overlapHoldMs after this process left the reshard, then is dropped", () => {
  const { overlap: o, events } = overlap(0);
  o.begin(4, 0);
  const filter = events.filter;
  assert.ok(filter !== undefined);
  o.end(1_000, 4);
  const hold = overlapHoldMs(OVERLAP_TTL_MS);
  o.tick(false, 1_000 + hold - 1);
  assert.equal(events.filter, filter);
  o.tick(false, 1_000 + hold);
  assert.equal(events.filter, undefined);
});

Deno.test("ReshardOverlap: an old set still draining keeps the filter; it stays overlapHoldMs (of the longest interval drained) after the last drain ends, ended once however often it is said", () => {
  const { overlap: o, events } = overlap(0);
  o.begin(4, 0);
  const filter = events.filter;
  const slow = o.draining(120_000);
  const quick = o.draining(5_000);
  o.end(1_000, 4);
  const hold = overlapHoldMs(OVERLAP_TTL_MS, 120_000);
  quick(2_000);
  o.tick(false, 1_000 + hold + 10_000);
  assert.equal(events.filter, filter, "dropped while a set drains");
  slow(50_000);
  slow(50_000); // said twice: still one drain
  o.tick(false, 50_000 + hold - 1);
  assert.equal(events.filter, filter, "dropped before the hold");
  o.tick(false, 50_000 + hold);
  assert.equal(events.filter, undefined);
});

Deno.test("ReshardOverlap: a reshard begun while the last one's filter runs checks against both; once that one's hold is over, only its own", () => {
  const { overlap: o, events } = overlap(0);
  o.begin(4, 0);
  o.end(1_000, 4);
  o.begin(8, 2_000);
  assert.ok(
    events.filter instanceof ChainedDuplicateFilter,
    String(events.filter),
  );
  const chained = events.filter;
  o.tick(true, 1_000 + overlapHoldMs(OVERLAP_TTL_MS));
  assert.ok(events.filter !== undefined, "the running reshard's filter");
  assert.ok(events.filter !== chained, "the previous filter still checked");
  assert.ok(!(events.filter instanceof ChainedDuplicateFilter));
});

Deno.test("ReshardOverlap.took: a count taken up within overlapHoldMs of its flip is filtered until that long after the flip; one taken up later, or taken again, begins nothing", () => {
  const fleetNow = 5_000_000;
  const hold = overlapHoldMs(OVERLAP_TTL_MS);
  // Taken up 10 s after the flip, at 100 s on this process's clock.
  const { overlap: late, events } = overlap(fleetNow - 10_000);
  late.took(4, fleetNow, 100_000);
  const filter = events.filter;
  assert.ok(filter !== undefined, "no duplicate filter");
  late.took(4, fleetNow + 1_000, 101_000); // the next tick: the same
  assert.equal(events.filter, filter, "a second filter on the same key");
  late.tick(false, 90_000 + hold - 1);
  assert.equal(events.filter, filter);
  late.tick(false, 90_000 + hold);
  assert.equal(events.filter, undefined, "held past the flip's hold");
  // Taken up a whole hold after the flip: nothing can be a copy any more.
  const { overlap: later, events: none } = overlap(fleetNow - hold);
  later.took(4, fleetNow, 100_000);
  assert.equal(none.filter, undefined);
});

Deno.test("ReshardOverlap.took: a count whose reshard this process runs keeps that reshard's filter (a second one on the same key took each event's own claim for a copy's)", () => {
  const fleetNow = 5_000_000;
  const { overlap: o, events } = overlap(fleetNow - 2_000);
  o.begin(4, 0);
  const own = events.filter;
  o.took(4, fleetNow, 1_000);
  assert.equal(events.filter, own);
});

Deno.test("ReshardOverlap.took: a count this process switched to stays its own after a later reshard it dropped: taken up, it begins no second filter", () => {
  const fleetNow = 5_000_000;
  const { overlap: o, events } = overlap(fleetNow - 2_000);
  o.begin(4, 0);
  o.end(1_000, 4); // switched to 4
  o.begin(8, 2_000);
  o.end(3_000); // the reshard to 8 given up
  const filter = events.filter;
  o.took(4, fleetNow, 4_000);
  assert.equal(events.filter, filter);
});

Deno.test("ReshardOverlap.took: a flip read as still to come (the fleet's clock behind it) is held from now, not from past now", () => {
  const fleetNow = 5_000_000;
  const hold = overlapHoldMs(OVERLAP_TTL_MS);
  const { overlap: o, events } = overlap(fleetNow + 5_000);
  o.took(4, fleetNow, 100_000);
  assert.ok(events.filter !== undefined, "no duplicate filter");
  o.tick(false, 100_000 + hold);
  assert.equal(events.filter, undefined, "held past its hold");
});
