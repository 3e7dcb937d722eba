import assert from "node:assert/strict";
import {
  type DuplicateFilter,
  eventIdentity,
  MemoryDuplicateFilter,
} from "../../fleet/duplicate_filter.ts";
import { HeldEvents, PRUNE_LIMIT } from "../../fleet/held_events.ts";
import {
  MARK_RETRY_MS,
  watchCompletion,
  watchMarks,
} from "../../fleet/shard_completion.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { Gen } from "../_fakes/prng.ts";
import type { Shard } from "../../gateway/shard.ts";
import type { FleetDispatch } from "../../fleet/mod.ts";
import { messageEvent } from "./_message_event.ts";

const event = messageEvent;
const ids = (events: FleetDispatch[]) =>
  events.map((e) => (e.data as { id: string }).id);

/** A filter answering later, in the reverse order of the questions. */
class SlowFilter implements DuplicateFilter {
  readonly inner = new MemoryDuplicateFilter();
  readonly #waiting: (() => void)[] = [];
  key(identity: string): string {
    return identity;
  }
  firstSeen(identities: readonly string[]): Promise<boolean[]> {
    const answer = this.inner.firstSeen(identities);
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
    key: (identity) => identity,
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

/**
 * What watchCompletion uses of a shard: its dispatch listener, with the
 * events it asked for, its state listener and its session.
 */
class DispatchSource {
  listener: ((event: { name: string; data: unknown }) => void) | undefined;
  stateListener: ((change: { current: string }) => void) | undefined;
  events: readonly string[] = [];
  sessionId: string | undefined;
  on(
    type: "dispatch" | "state",
    listener: (event: never) => void,
    options: { events?: readonly string[] } = {},
  ): () => void {
    if (type === "state") {
      this.stateListener = listener as typeof this.stateListener;
      return () => this.stateListener = undefined;
    }
    this.listener = listener as typeof this.listener;
    this.events = options.events ?? [];
    return () => this.listener = undefined;
  }
  emit(name: string, data: unknown): void {
    if (name === "READY") this.sessionId = (data as { id: string }).id;
    if (this.events.includes(name)) this.listener?.({ name, data });
  }
  /** A status change; with `forget`, the session forgotten first. */
  state(current: string, forget = false): void {
    if (forget) this.sessionId = undefined;
    this.stateListener?.({ current });
  }
}

/** Watch `source`, recording what is reported. */
function watched(source: DispatchSource, resuming = false): {
  seen: string[];
  stop: () => void;
} {
  const seen: string[] = [];
  const stop = watchCompletion(source as unknown as Shard, resuming, {
    complete: () => seen.push("complete"),
    lost: () => seen.push("lost"),
  });
  return { seen, stop };
}

Deno.test("watchCompletion: a guild down in an outage (GUILD_DELETE, unavailable) or left before its GUILD_CREATE does not keep the set from completing", () => {
  const source = new DispatchSource();
  const { seen, stop } = watched(source);
  source.emit("READY", {
    id: "a",
    guilds: [{ id: "1", unavailable: true }, { id: "2", unavailable: true }, {
      id: "3",
      unavailable: true,
    }],
  });
  source.emit("GUILD_CREATE", { id: "1" });
  source.emit("GUILD_DELETE", { id: "2", unavailable: true }); // an outage
  assert.deepEqual(seen, [], "guild 3 not heard of yet");
  source.emit("GUILD_DELETE", { id: "3" }); // left before its GUILD_CREATE
  assert.deepEqual(seen, ["complete"]);
  stop();
  assert.equal(source.listener, undefined, "stops listening when stopped");
  assert.equal(source.stateListener, undefined);
});

Deno.test("watchCompletion: a complete shard whose session ends (forgotten, or an IDENTIFY) is lost, and complete again once its new session is; a RESUME that succeeds keeps it complete", () => {
  const source = new DispatchSource();
  const { seen } = watched(source);
  source.emit("READY", { id: "a", guilds: [{ id: "1" }] });
  source.emit("GUILD_CREATE", { id: "1" });
  assert.deepEqual(seen, ["complete"]);
  // A connection lost and resumed: the same session throughout.
  for (const state of ["reconnecting", "connecting", "resuming", "ready"]) {
    source.state(state);
  }
  source.emit("RESUMED", {});
  assert.deepEqual(seen, ["complete"], "a RESUME keeps it complete");
  // Op 9 d:false (or 4007, 4009): the session forgotten, then an IDENTIFY.
  source.state("reconnecting", true);
  assert.deepEqual(seen, ["complete", "lost"]);
  source.state("identifying", true);
  assert.deepEqual(seen, ["complete", "lost"], "lost once");
  source.emit("READY", { id: "b", guilds: [{ id: "1" }, { id: "2" }] });
  source.emit("GUILD_CREATE", { id: "1" });
  assert.deepEqual(seen, ["complete", "lost"], "guild 2 not heard of yet");
  source.emit("GUILD_CREATE", { id: "2" });
  assert.deepEqual(seen, ["complete", "lost", "complete"]);
  // A RESUME refused: it identifies (its session still set at that point).
  source.state("identifying");
  assert.deepEqual(seen, ["complete", "lost", "complete", "lost"]);
});

Deno.test("watchCompletion: resuming a complete session, RESUMED completes it; refused, the new session counts from its READY, and a later RESUMED of it does not complete it early", () => {
  const source = new DispatchSource();
  source.sessionId = "a";
  const { seen } = watched(source, true);
  source.state("resuming");
  source.emit("RESUMED", {});
  assert.deepEqual(seen, ["complete"]);
  const other = new DispatchSource();
  other.sessionId = "a";
  const refused = watched(other, true);
  other.state("identifying");
  other.emit("READY", { id: "b", guilds: [{ id: "1" }] });
  other.state("reconnecting"); // dropped before its GUILD_CREATE
  other.state("resuming");
  other.emit("RESUMED", {});
  assert.deepEqual(refused.seen, [], "guild 1 not heard of yet");
  other.emit("GUILD_CREATE", { id: "1" });
  assert.deepEqual(refused.seen, ["complete"]);
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
    { maxHeld: 10 },
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
  assert.throws(
    () => new HeldEvents(() => {}, undefined, { maxHeld: 0 }),
    RangeError,
  );
});

/**
 * A filter that remembers keys in memory and counts the work asked of it:
 * how many identities it keyed, and how many keys each question named.
 */
class CountingFilter implements DuplicateFilter {
  readonly #seen = new Set<string>();
  keyed = 0;
  readonly asked: string[][] = [];
  key(identity: string): string {
    this.keyed++;
    return `k:${identity}`;
  }
  firstSeen(keys: readonly string[]): boolean[] {
    return keys.map((key) =>
      this.#seen.has(key) ? false : (this.#seen.add(key), true)
    );
  }
  seenAlready(keys: readonly string[]): boolean[] {
    this.asked.push([...keys]);
    return keys.map((key) => this.#seen.has(key));
  }
}

Deno.test("HeldEvents: each held event is keyed once, when held; a prune keys nothing and asks about at most PRUNE_LIMIT, going round every held event in turn", async () => {
  const filter = new CountingFilter();
  const events = new HeldEvents(() => {}, filter);
  const held = 2 * PRUNE_LIMIT + PRUNE_LIMIT / 2;
  for (let i = 0; i < held; i++) events.hold(event(`n${i}`, 4));
  const whenHeld = filter.keyed;
  // The running set delivers every fifth of them meanwhile.
  for (let i = 0; i < held; i += 5) events.accept(event(`n${i}`));
  const keyedBefore = filter.keyed;
  let pruned = 0;
  for (let tick = 0; tick < 3; tick++) pruned += await events.prune();
  // The third finishes the round and starts the next with what is left.
  assert.deepEqual(filter.asked.map((keys) => keys.length), [
    PRUNE_LIMIT,
    PRUNE_LIMIT,
    PRUNE_LIMIT,
  ]);
  assert.equal(filter.keyed, keyedBefore, "no prune keys (hashes) again");
  assert.equal(whenHeld, held, "each was keyed once, when held");
  const asked = filter.asked.flat();
  assert.equal(new Set(asked).size, held, "three prunes asked about each");
  assert.equal(pruned, held / 5);
  assert.equal(events.heldCount, held - held / 5);
  assert.equal(await events.release(), held - held / 5);
  assert.equal(filter.keyed, keyedBefore, "the switch uses the kept keys");
});

Deno.test("HeldEvents: bounded by the characters held as well as by count: what does not fit is delivered as it comes, said once, every event still delivered once", async () => {
  await withLogRecords(async (records) => {
    const delivered: string[] = [];
    const maxHeldChars = 5_000;
    const events = new HeldEvents(
      (e) => delivered.push((e.data as { id: string }).id),
      new MemoryDuplicateFilter(),
      { maxHeldChars },
    );
    const gen = new Gen(11);
    const sized = (id: string, shardCount: number): FleetDispatch => ({
      ...event(id, shardCount),
      data: { id, pad: "p".repeat(id.length * 7 % 600) },
    });
    let most = 0;
    const sent: string[] = [];
    for (let i = 0; i < 400; i++) {
      const id = `e${i}-${gen.int(1_000)}`;
      sent.push(id);
      const route = gen.int(3);
      if (route === 1) events.accept(sized(id, 2)); // the old set first
      events.hold(sized(id, 4));
      if (route === 2) events.accept(sized(id, 2)); // the new set first
      most = Math.max(most, events.heldChars);
    }
    assert.ok(most <= maxHeldChars, `${most} characters held`);
    assert.ok(most > maxHeldChars / 2, "the bound was reached");
    assert.ok(events.deliveredEarly > 0);
    // One event larger than the whole bound is never held.
    const huge = {
      ...event("huge", 4),
      data: { id: "huge", pad: "h".repeat(maxHeldChars) },
    };
    const heldBefore = events.heldCount;
    events.hold(huge);
    assert.equal(events.heldCount, heldBefore);
    assert.equal(delivered.at(-1), "huge", "delivered at once");
    sent.push("huge");
    await events.release();
    assert.equal(events.heldChars, 0);
    assert.equal(delivered.length, sent.length, "none lost, none twice");
    assert.deepEqual(new Set(delivered), new Set(sent));
    const warnings = records.filter((r) =>
      r.category.join(".") === "disruption.fleet.reshard"
    );
    assert.equal(warnings.length, 1, "said once per reshard");
    assert.equal(warnings[0]!.properties.maxChars, maxHeldChars);
    assert.equal(
      eventIdentity(huge).length > maxHeldChars,
      true,
      "the identity is what counts",
    );
  });
  assert.throws(
    () => new HeldEvents(() => {}, undefined, { maxHeldChars: 0 }),
    RangeError,
  );
});

Deno.test("HeldEvents: an event that fills the characters bound exactly is held; the next one is delivered as it comes", () => {
  const delivered: FleetDispatch[] = [];
  const size = eventIdentity(event("a", 4)).length;
  const events = new HeldEvents((e) => delivered.push(e), undefined, {
    maxHeldChars: 2 * size,
  });
  events.hold(event("a", 4));
  events.hold(event("b", 4));
  assert.equal(events.heldCount, 2);
  assert.equal(events.heldChars, 2 * size);
  assert.equal(events.deliveredEarly, 0);
  events.hold(event("c", 4));
  assert.equal(events.heldCount, 2);
  assert.equal(events.deliveredEarly, 1);
  assert.deepEqual(ids(delivered), ["c"]);
});

Deno.test("HeldEvents: a prune gives back the characters of the copies it forgets", async () => {
  const filter = new MemoryDuplicateFilter();
  const events = new HeldEvents(() => {}, filter);
  events.hold(event("a", 4));
  events.hold(event("b", 4));
  const both = events.heldChars;
  events.accept(event("a", 2)); // the old set delivers a first
  assert.equal(await events.prune(), 1);
  assert.equal(events.heldCount, 1);
  assert.equal(events.heldChars, both - eventIdentity(event("a", 4)).length);
});

Deno.test("HeldEvents: events past the bound are said once a reshard, and again at the next one", async () => {
  await withLogRecords(async (records) => {
    const events = new HeldEvents(() => {}, undefined, { maxHeld: 1 });
    const said = (): number =>
      records.filter((r) => r.category.join(".") === "disruption.fleet.reshard")
        .length;
    for (const id of ["a", "b", "c"]) events.hold(event(id, 4));
    assert.equal(said(), 1);
    await events.release();
    for (const id of ["d", "e"]) events.hold(event(id, 4));
    assert.equal(said(), 2);
    events.discard();
  });
});

Deno.test("HeldEvents.fromSet: an event of a set switched away from is delivered unless a copy was (it may exist nowhere else), and dropped without a filter", () => {
  const shard = { sessionId: "old" } as unknown as Shard;
  const [old, current] = [{ count: 2 }, { count: 4 }];
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
  // The new set delivered "a"; "b" reached only the old shard, before the
  // switch, and is handed on after it.
  events.accept({ ...event("a", 4), sessionId: "new" });
  events.fromSet(old, current, undefined, shard, dispatch("a"));
  events.fromSet(old, current, undefined, shard, dispatch("b"));
  assert.deepEqual(ids(delivered), ["a", "b"]);
  // Without a filter nothing tells a copy: the retired set's events go.
  const unfiltered: FleetDispatch[] = [];
  const plain = new HeldEvents((e) => unfiltered.push(e));
  plain.fromSet(old, current, undefined, shard, dispatch("c"));
  assert.deepEqual(unfiltered, []);
});

Deno.test("watchMarks: a mark Redis was not told of (a withdrawal of a lost shard, say) is sent again until it is, unless the shard's state changed; nothing is left after stop", async () => {
  const scheduler = new VirtualScheduler();
  const source = new DispatchSource();
  const sent: string[] = [];
  let failing = 0;
  const stop = watchMarks(
    source as unknown as Shard,
    false,
    scheduler,
    (ready) => {
      sent.push(ready ? "ready" : "withdraw");
      return Promise.resolve(failing-- <= 0);
    },
  );
  source.emit("READY", { id: "a", guilds: [] });
  await scheduler.flushMicrotasks();
  assert.deepEqual(sent, ["ready"]);
  failing = 2; // Redis away for the withdrawal and its first retry
  source.state("identifying", true); // op 9 d:false: its session is gone
  await scheduler.flushMicrotasks();
  assert.deepEqual(sent, ["ready", "withdraw"]);
  await scheduler.advance(MARK_RETRY_MS);
  assert.deepEqual(sent, ["ready", "withdraw", "withdraw"]);
  await scheduler.advance(MARK_RETRY_MS);
  assert.deepEqual(sent, ["ready", "withdraw", "withdraw", "withdraw"]);
  await scheduler.advance(10 * MARK_RETRY_MS);
  assert.equal(sent.length, 4, "told at last: no more retries");
  // A failed mark that is still the shard's state is sent again too.
  failing = 1;
  source.emit("READY", { id: "b", guilds: [] });
  await scheduler.flushMicrotasks();
  assert.deepEqual(sent.slice(4), ["ready"]);
  await scheduler.advance(MARK_RETRY_MS);
  assert.deepEqual(sent.slice(4), ["ready", "ready"]);
  failing = 1;
  source.state("identifying", true);
  await scheduler.flushMicrotasks();
  stop();
  await scheduler.advance(10 * MARK_RETRY_MS);
  assert.deepEqual(sent.slice(6), ["withdraw"], "stopped: not again");
  assert.equal(scheduler.pending, 0);
});

Deno.test("watchMarks: a failed mark's retry is not sent once the shard's state changed back, nor once stopped, and stop leaves no timer", async () => {
  const scheduler = new VirtualScheduler();
  const source = new DispatchSource();
  const sent: string[] = [];
  let failing = 0;
  const stop = watchMarks(
    source as unknown as Shard,
    false,
    scheduler,
    (ready) => {
      sent.push(ready ? "ready" : "withdraw");
      return Promise.resolve(failing-- <= 0);
    },
  );
  source.emit("READY", { id: "a", guilds: [] });
  await scheduler.flushMicrotasks();
  failing = 1; // the withdrawal fails: a retry is due
  source.state("identifying", true);
  await scheduler.flushMicrotasks();
  // Complete again before the retry: the retry must not withdraw it.
  source.emit("READY", { id: "b", guilds: [] });
  await scheduler.flushMicrotasks();
  assert.deepEqual(sent, ["ready", "withdraw", "ready"]);
  await scheduler.advance(10 * MARK_RETRY_MS);
  assert.deepEqual(sent, ["ready", "withdraw", "ready"]);
  // A failed mark with its retry due: stop clears the timer at once.
  failing = 1;
  source.state("identifying", true);
  await scheduler.flushMicrotasks();
  assert.equal(scheduler.pending, 1);
  stop();
  assert.equal(scheduler.pending, 0);
  // Stopped while a mark is on its way, which then fails: not sent again.
  const stopMidway = watchMarks(
    source as unknown as Shard,
    false,
    scheduler,
    (ready) => {
      sent.push(ready ? "ready" : "withdraw");
      stopMidway();
      return Promise.resolve(false);
    },
  );
  source.emit("READY", { id: "c", guilds: [] });
  await scheduler.advance(10 * MARK_RETRY_MS);
  assert.deepEqual(sent.slice(4), ["ready"]);
  assert.equal(scheduler.pending, 0);
});
