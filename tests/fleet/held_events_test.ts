import assert from "node:assert/strict";
import {
  type DuplicateFilter,
  HeldEvents,
  MemoryDuplicateFilter,
} from "../../fleet/held_events.ts";
import type { FleetDispatch } from "../../fleet/mod.ts";

const event = (id: string, shardCount = 2): FleetDispatch => ({
  shardId: 0,
  shardCount,
  sessionId: `s${shardCount}`,
  name: "MESSAGE_CREATE",
  sequence: 1,
  data: { id },
});
const ids = (events: FleetDispatch[]) =>
  events.map((e) => (e.data as { id: string }).id);

/** A filter answering later, in the reverse order of the questions. */
class SlowFilter implements DuplicateFilter {
  readonly inner = new MemoryDuplicateFilter();
  readonly #waiting: (() => void)[] = [];
  firstSeen(identity: string): Promise<boolean> {
    const answer = this.inner.firstSeen(identity);
    return new Promise((resolve) => this.#waiting.push(() => resolve(answer)));
  }
  seenAlready(identities: readonly string[]): Promise<boolean[]> {
    return Promise.resolve(this.inner.seenAlready(identities));
  }
  answerAll(): void {
    for (const answer of this.#waiting.splice(0).reverse()) answer();
  }
}

Deno.test("HeldEvents: the running set delivers, the next set is held and released at the switch without second copies", async () => {
  const delivered: FleetDispatch[] = [];
  const events = new HeldEvents(
    (e) => delivered.push(e),
    new MemoryDuplicateFilter(),
  );
  events.accept(event("a"));
  events.hold(event("a", 4)); // the old set delivered it: not kept
  events.hold(event("b", 4)); // the new set got it first
  events.accept(event("c"));
  assert.deepEqual(ids(delivered), ["a", "c"]);
  assert.equal(events.heldCount, 1);
  events.accept(event("b")); // the old set's copy arrives: delivered now
  assert.equal(await events.release(), 0, "b's held copy is the second");
  events.accept(event("d", 4));
  assert.deepEqual(ids(delivered), ["a", "c", "b", "d"]);
  assert.equal(events.duplicates, 2);
});

Deno.test("HeldEvents: an asynchronous filter keeps the delivery order and prune forgets what the running set delivered", async () => {
  const delivered: string[] = [];
  const filter = new SlowFilter();
  const events = new HeldEvents(
    (e) => delivered.push((e.data as { id: string }).id),
    filter,
  );
  events.hold(event("x", 4));
  events.hold(event("y", 4));
  events.accept(event("a"));
  events.accept(event("x"));
  events.accept(event("a")); // a second copy
  filter.answerAll(); // answered in reverse
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(delivered, ["a", "x"]);
  assert.equal(await events.prune(), 1, "x was delivered by the running set");
  assert.equal(events.heldCount, 1);
  const released = events.release();
  filter.answerAll();
  assert.equal(await released, 1);
  assert.deepEqual(delivered, ["a", "x", "y"]);
  assert.equal(events.duplicates, 2);
});

Deno.test("HeldEvents: a listener that throws and a filter that fails never lose the event", async () => {
  const delivered: string[] = [];
  const events = new HeldEvents((e) => {
    const id = (e.data as { id: string }).id;
    delivered.push(id);
    if (id === "boom") throw new Error("handler bug");
  }, {
    firstSeen: () => Promise.reject(new Error("Redis is away")),
    seenAlready: () => Promise.reject(new Error("Redis is away")),
  });
  events.accept(event("boom"));
  events.accept(event("after"));
  events.hold(event("held", 4));
  await assert.rejects(events.prune(), /Redis is away/);
  assert.equal(await events.release(), 1);
  assert.deepEqual(delivered, ["boom", "after", "held"]);
});
