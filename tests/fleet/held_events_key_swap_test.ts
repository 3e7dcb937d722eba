// A held event is keyed once, for the filter set when it was held. A
// reshard that begins while the previous one's filter is still needed
// swaps in a ChainedDuplicateFilter: the switch must key the held copy for
// that filter, not ask it by the old filter's key (which it cannot read:
// the check fails, and the copy the running set delivered went out twice).
import assert from "node:assert/strict";
import { ChainedDuplicateFilter } from "../../fleet/chained_duplicate_filter.ts";
import { MemoryDuplicateFilter } from "../../fleet/duplicate_filter.ts";
import { HeldEvents } from "../../fleet/held_events.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { messageEvent as event } from "./_message_event.ts";

Deno.test("HeldEvents: a copy held under one filter, delivered by the running set, then the filter chained with a new one: the switch drops the held copy, delivered once", async () => {
  await withLogRecords(async (records) => {
    const earlier = new MemoryDuplicateFilter();
    const delivered: string[] = [];
    const events = new HeldEvents(
      (e) => void delivered.push((e.data as { id: string }).id),
      earlier,
    );
    events.hold(event("x", 4)); // keyed for `earlier`
    events.accept(event("x")); // the running set's copy, claimed in it
    events.filter = new ChainedDuplicateFilter(
      earlier,
      new MemoryDuplicateFilter(),
    );
    assert.equal(await events.release(), 0);
    assert.deepEqual(delivered, ["x"], "once");
    assert.equal(events.duplicates, 1, "the held copy was a second copy");
    assert.deepEqual(records, [], "the check did not fail");
  });
});
