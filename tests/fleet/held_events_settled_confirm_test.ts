// HeldEvents confirms a delivered event to a shared duplicate filter only
// once its async listeners settled: confirmed while one still ran, a
// process killed then had the other set's copy dropped as a second copy of
// an event nobody finished (the reviewer's reshard run lost 10 of them).
import assert from "node:assert/strict";
import type { DuplicateFilter } from "../../fleet/duplicate_filter.ts";
import { HeldEvents } from "../../fleet/held_events.ts";
import { FleetListeners } from "../../fleet/dispatch_listeners.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import type { FleetDispatch } from "../../fleet/mod.ts";
import { messageEvent as event } from "./_message_event.ts";

const idOf = (e: FleetDispatch) => (e.data as { id: string }).id;

/**
 * A shared filter in memory: `firstSeen` claims, `confirm` is recorded
 * (each call's keys) and confirms. Keys claimed elsewhere (`claimedElsewhere`)
 * answer `false` to `firstSeen` and stay unconfirmed.
 */
class ClaimingFilter implements DuplicateFilter {
  readonly claimed = new Set<string>();
  readonly confirmed = new Set<string>();
  readonly confirms: string[][] = [];
  key(identity: string): string {
    return JSON.parse(identity.split("\u0000")[1]!).id;
  }
  firstSeen(keys: readonly string[]): boolean[] {
    return keys.map((key) => {
      if (this.claimed.has(key)) return false;
      this.claimed.add(key);
      return true;
    });
  }
  seenAlready(keys: readonly string[]): boolean[] {
    return keys.map((key) => this.confirmed.has(key));
  }
  confirm(keys: readonly string[]): void {
    this.confirms.push([...keys]);
    for (const key of keys) this.confirmed.add(key);
  }
}

/** An async listener per event id, each settled (or failed) by the test. */
function asyncListener(): {
  running: Map<string, PromiseWithResolvers<void>>;
  listener: (e: FleetDispatch) => Promise<void>;
} {
  const running = new Map<string, PromiseWithResolvers<void>>();
  const listener = (e: FleetDispatch): Promise<void> => {
    const settle = Promise.withResolvers<void>();
    running.set(idOf(e), settle);
    return settle.promise;
  };
  return { running, listener };
}

Deno.test("HeldEvents: an event whose async listener is still running is not confirmed; once it settled, it is", async () => {
  const scheduler = new VirtualScheduler();
  const filter = new ClaimingFilter();
  const { running, listener } = asyncListener();
  const events = new HeldEvents(listener, filter, { scheduler });
  events.accept(event("a"));
  events.accept(event("b"));
  await scheduler.flushMicrotasks();
  assert.deepEqual([...running.keys()], ["a", "b"], "both delivered");
  assert.deepEqual(filter.confirms, [], "neither confirmed while running");
  assert.deepEqual([...filter.claimed], ["a", "b"], "both claimed");
  running.get("b")!.resolve();
  await scheduler.flushMicrotasks();
  assert.deepEqual(filter.confirms.flat(), ["b"]);
  running.get("a")!.resolve();
  await events.confirmed();
  await scheduler.flushMicrotasks();
  assert.deepEqual(filter.confirms.flat(), ["b", "a"]);
});

Deno.test("HeldEvents: a sync listener's event is confirmed at once, as before", () => {
  const filter = new ClaimingFilter();
  const delivered: string[] = [];
  const events = new HeldEvents((e) => void delivered.push(idOf(e)), filter);
  events.accept(event("a"));
  assert.deepEqual(delivered, ["a"]);
  assert.deepEqual(filter.confirms, [["a"]], "confirmed synchronously");
});

Deno.test("HeldEvents: a rejected listener promise counts as settled: said as a listener's error, and confirmed", async () => {
  await withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler();
    const filter = new ClaimingFilter();
    const { running, listener } = asyncListener();
    const events = new HeldEvents(listener, filter, { scheduler });
    events.accept(event("a"));
    await scheduler.flushMicrotasks();
    assert.deepEqual(filter.confirms, []);
    running.get("a")!.reject(new Error("bot bug"));
    await scheduler.flushMicrotasks();
    assert.deepEqual(filter.confirms, [["a"]]);
    assert.equal(
      records.filter((r) => r.level === "error").length,
      1,
      "the listener's error said once",
    );
  });
});

Deno.test("HeldEvents: the switch's held events are confirmed as their listeners settle, and a copy delivered after the claim grace too", async () => {
  const scheduler = new VirtualScheduler();
  const filter = new ClaimingFilter();
  const { running, listener } = asyncListener();
  const events = new HeldEvents(listener, filter, {
    scheduler,
    claimGraceMs: 1_000,
  });
  events.hold(event("h1", 4));
  events.hold(event("h2", 4));
  events.hold(event("dead", 4));
  // Claimed by a process that died before confirming.
  filter.claimed.add("dead");
  const released = events.release();
  await scheduler.flushMicrotasks();
  assert.deepEqual([...running.keys()], ["h1", "h2"]);
  assert.deepEqual(filter.confirms, [], "nothing confirmed while running");
  running.get("h2")!.resolve();
  await scheduler.flushMicrotasks();
  assert.deepEqual(filter.confirms.flat(), ["h2"]);
  await scheduler.advance(1_000);
  assert.equal(await released, 2);
  assert.deepEqual(
    [...running.keys()],
    ["h1", "h2", "dead"],
    "the dead claimer's copy delivered after the grace",
  );
  assert.deepEqual(filter.confirms.flat(), ["h2"], "its listener runs still");
  running.get("dead")!.resolve();
  running.get("h1")!.resolve();
  await scheduler.flushMicrotasks();
  assert.deepEqual(filter.confirms.flat().sort(), ["dead", "h1", "h2"]);
});

Deno.test("FleetListeners.deliver: undefined when every listener was sync; with an async one, a promise settled once it did (rejected or not)", async () => {
  const scheduler = new VirtualScheduler();
  const listeners = new FleetListeners();
  listeners.add(() => {});
  assert.equal(listeners.deliver(event("a")), undefined);
  const { running, listener } = asyncListener();
  listeners.add(listener);
  let settled = false;
  const settling = listeners.deliver(event("b"));
  assert.ok(settling instanceof Promise);
  void settling.then(() => settled = true);
  await scheduler.flushMicrotasks();
  assert.equal(settled, false, "its async listener runs still");
  await withLogRecords(async () => {
    running.get("b")!.reject(new Error("bot bug"));
    await scheduler.flushMicrotasks();
  });
  assert.equal(settled, true);
});
