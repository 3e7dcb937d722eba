import assert from "node:assert/strict";
import {
  type DuplicateFilter,
  HeldEvents,
  MemoryDuplicateFilter,
  whenComplete,
} from "../../fleet/held_events.ts";
import type { Shard } from "../../gateway/shard.ts";
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

Deno.test("MemoryDuplicateFilter: bounded by characters as well as by count; what it forgot is delivered again, never dropped", () => {
  const filter = new MemoryDuplicateFilter(50_000, 1_000);
  const big = (i: number): string => `${i}`.padEnd(300, "x");
  for (let i = 0; i < 10; i++) assert.equal(filter.firstSeen(big(i)), true);
  // 10 identities of 300 characters: only the last 3 fit in 1,000.
  assert.ok(filter.chars <= 1_000, String(filter.chars));
  assert.deepEqual(
    filter.seenAlready([big(0), big(6), big(7), big(8), big(9)]),
    [false, false, true, true, true],
  );
  assert.equal(filter.firstSeen(big(9)), false, "a remembered one is a copy");
  assert.equal(filter.firstSeen(big(0)), true, "a forgotten one goes through");
  // Longer than the whole budget: not remembered, so always delivered.
  const huge = "h".repeat(1_001);
  assert.equal(filter.firstSeen(huge), true);
  assert.equal(filter.firstSeen(huge), true);
  assert.ok(filter.chars <= 1_000);
  // The count limit still holds.
  const few = new MemoryDuplicateFilter(2);
  for (const id of ["a", "b", "c"]) few.firstSeen(id);
  assert.deepEqual(few.seenAlready(["a", "b", "c"]), [false, true, true]);
});

/**
 * The one thing whenComplete uses of a shard: its dispatch listener, with
 * the events it asked for.
 */
class DispatchSource {
  listener: ((event: { name: string; data: unknown }) => void) | undefined;
  events: readonly string[] = [];
  on(
    _type: "dispatch",
    listener: (event: { name: string; data: unknown }) => void,
    options: { events: readonly string[] },
  ): () => void {
    this.listener = listener;
    this.events = options.events;
    return () => this.listener = undefined;
  }
  emit(name: string, data: unknown): void {
    if (this.events.includes(name)) this.listener?.({ name, data });
  }
}

Deno.test("whenComplete: a guild down in an outage (GUILD_DELETE, unavailable) or left before its GUILD_CREATE does not keep the set from completing", async () => {
  const source = new DispatchSource();
  const { complete } = whenComplete(source as unknown as Shard);
  // Settled already or not: a resolved promise's callback is queued first.
  const completed = (): Promise<boolean> =>
    Promise.race([
      complete.then(() => true),
      Promise.resolve().then(() => false),
    ]);
  source.emit("READY", {
    guilds: [{ id: "1", unavailable: true }, { id: "2", unavailable: true }, {
      id: "3",
      unavailable: true,
    }],
  });
  source.emit("GUILD_CREATE", { id: "1" });
  source.emit("GUILD_DELETE", { id: "2", unavailable: true }); // an outage
  assert.equal(await completed(), false, "guild 3 not heard of yet");
  source.emit("GUILD_DELETE", { id: "3" }); // left before its GUILD_CREATE
  assert.equal(await completed(), true);
  assert.equal(source.listener, undefined, "stops listening once complete");
});

Deno.test("HeldEvents: with a filter in memory, held copies the running set delivered since are forgotten as the overlap goes on; the new set's own events are kept", async () => {
  const delivered: string[] = [];
  const events = new HeldEvents(
    (e) => delivered.push((e.data as { id: string }).id),
    new MemoryDuplicateFilter(),
  );
  // A long overlap: the new set gets each event a moment before the old
  // set delivers it; every 100th only the new set gets.
  const N = 20_000;
  let most = 0;
  for (let i = 0; i < N; i++) {
    events.hold(event(`e${i}`, 4));
    if (i % 100 !== 0) events.accept(event(`e${i}`));
    most = Math.max(most, events.heldCount);
  }
  assert.ok(most < 3_000, `at most ${most} held for ${N} events`);
  assert.equal(await events.release(), N / 100, "the new set's own events");
  assert.equal(delivered.length, N);
  assert.equal(new Set(delivered).size, N, "each once");
});

Deno.test("HeldEvents: past maxHeld the next set's events are delivered as they come — memory bounded, nothing lost, second copies still dropped", async () => {
  const delivered: string[] = [];
  const events = new HeldEvents(
    (e) => delivered.push((e.data as { id: string }).id),
    new MemoryDuplicateFilter(),
    10,
  );
  for (let i = 0; i < 25; i++) events.hold(event(`n${i}`, 4));
  assert.equal(events.heldCount, 10);
  await Promise.resolve();
  assert.deepEqual(
    delivered,
    Array.from({ length: 15 }, (_, i) => `n${i + 10}`),
  );
  // The running set's copy of one delivered early is a second copy.
  events.accept(event("n20"));
  assert.equal(await events.release(), 10);
  assert.equal(
    new Set(delivered).size,
    25,
    "every event once, none twice",
  );
  assert.equal(delivered.length, 25);
  assert.throws(() => new HeldEvents(() => {}, undefined, 0), RangeError);
});
