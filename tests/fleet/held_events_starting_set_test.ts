// HeldEvents.fromSet for the set being started (found as a surviving
// mutant: held_events_test.ts's fromSet scene covers only a set switched
// away from): its events are held for the switch, not delivered as they
// come, while the running set's are delivered.
import assert from "node:assert/strict";
import { MemoryDuplicateFilter } from "../../fleet/duplicate_filter.ts";
import { HeldEvents } from "../../fleet/held_events.ts";
import type { FleetDispatch } from "../../fleet/mod.ts";
import type { Shard } from "../../gateway/shard.ts";
import { messageEvent } from "./_message_event.ts";

Deno.test("HeldEvents.fromSet: an event of the set being started is held until the switch; the running set's is delivered", async () => {
  const shard = { sessionId: "new" } as unknown as Shard;
  const [running, starting] = [{ count: 2 }, { count: 4 }];
  const delivered: FleetDispatch[] = [];
  const events = new HeldEvents(
    (e) => delivered.push(e),
    new MemoryDuplicateFilter(),
  );
  const dispatch = (id: string) => ({
    shardId: 0,
    name: "MESSAGE_CREATE",
    sequence: 1,
    data: { id },
  });
  events.fromSet(starting, running, starting, shard, dispatch("a"));
  assert.equal(delivered.length, 0, "held, not delivered");
  assert.equal(events.heldCount, 1);
  events.fromSet(running, running, starting, shard, dispatch("b"));
  assert.deepEqual(delivered.map((e) => e.data), [{ id: "b" }]);
  assert.equal(await events.release(), 1, "a delivered at the switch");
  assert.deepEqual(delivered.map((e) => [e.data, e.shardCount]), [
    [{ id: "b" }, 2],
    [{ id: "a" }, 4],
  ]);
});

Deno.test("HeldEvents.fromSet: without a duplicate filter the running set's event is delivered and the starting set's held", async () => {
  const shard = { sessionId: "s" } as unknown as Shard;
  const [running, starting] = [{ count: 2 }, { count: 4 }];
  const delivered: FleetDispatch[] = [];
  const events = new HeldEvents((e) => delivered.push(e));
  events.fromSet(running, running, starting, shard, messageEvent("a"));
  events.fromSet(starting, running, starting, shard, messageEvent("b"));
  assert.deepEqual(delivered.map((e) => e.data), [{ id: "a" }]);
  assert.equal(events.heldCount, 1);
  assert.equal(await events.release(), 1);
  assert.deepEqual(delivered.map((e) => e.data), [{ id: "a" }, { id: "b" }]);
});
