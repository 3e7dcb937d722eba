// HeldEvents with a filter that claims (DuplicateFilter.confirm): what it
// delivered is confirmed after delivery, in batches, delivery never waiting
// on a confirm; second copies are not confirmed; a failed confirm is logged
// and the next batch still goes; a prune forgets only confirmed copies.
import assert from "node:assert/strict";
import type { DuplicateFilter } from "../../fleet/duplicate_filter.ts";
import { HeldEvents } from "../../fleet/held_events.ts";
import type { FleetDispatch } from "../../fleet/mod.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { messageEvent } from "./_message_event.ts";

const event = messageEvent;
const ids = (events: FleetDispatch[]) =>
  events.map((e) => (e.data as { id: string }).id);
/** The event id in a key (the identity: name, NUL, payload JSON). */
const idOf = (key: string): string =>
  (JSON.parse(key.split("\u0000")[1]!) as { id: string }).id;

/**
 * Claims in memory, as the Redis filter does (no expiry here); its
 * confirms wait for `answer()` (or fail, with `fail()`).
 */
class ClaimingFilter implements DuplicateFilter {
  readonly claimed = new Set<string>();
  readonly confirmedKeys = new Set<string>();
  readonly batches: string[][] = [];
  readonly #waiting: PromiseWithResolvers<void>[] = [];
  key(identity: string): string {
    return identity;
  }
  firstSeen(keys: readonly string[]): boolean[] {
    return keys.map((k) => {
      if (this.claimed.has(k) || this.confirmedKeys.has(k)) return false;
      this.claimed.add(k);
      return true;
    });
  }
  seenAlready(keys: readonly string[]): boolean[] {
    return keys.map((k) => this.confirmedKeys.has(k));
  }
  confirm(keys: readonly string[]): Promise<void> {
    this.batches.push([...keys]);
    const waiting = Promise.withResolvers<void>();
    this.#waiting.push(waiting);
    return waiting.promise.then(() => {
      for (const k of keys) {
        this.claimed.delete(k);
        this.confirmedKeys.add(k);
      }
    });
  }
  answer(): void {
    this.#waiting.shift()?.resolve();
  }
  fail(): void {
    this.#waiting.shift()?.reject(new Error("connection lost"));
  }
}

Deno.test("HeldEvents with a claiming filter: delivered events are confirmed after delivery, in batches while one is in flight; second copies are not", async () => {
  const filter = new ClaimingFilter();
  const delivered: FleetDispatch[] = [];
  const events = new HeldEvents((e) => delivered.push(e), filter);
  const a = event("a");
  events.accept(a);
  // Delivered at once, its confirm in flight (unanswered).
  assert.deepEqual(ids(delivered), ["a"]);
  assert.deepEqual(filter.batches, [[`MESSAGE_CREATE\u0000{"id":"a"}`]]);
  events.accept(event("b"));
  events.accept(event("a", 4)); // a second copy: dropped, not confirmed
  events.accept(event("c"));
  assert.deepEqual(ids(delivered), ["a", "b", "c"]);
  assert.equal(filter.batches.length, 1, "one confirm in flight at a time");
  filter.answer();
  await Promise.resolve();
  await Promise.resolve();
  assert.deepEqual(
    filter.batches.slice(1).map((b) => b.map(idOf)),
    [["b", "c"]],
    "what came meanwhile, in one batch",
  );
  filter.answer();
  await events.confirmed();
  assert.equal(filter.confirmedKeys.size, 3);
  assert.equal(events.duplicates, 1);
});

Deno.test("HeldEvents with a claiming filter: a prune keeps a copy only claimed (its claimer may die), forgets a confirmed one; the switch confirms what it delivers and keeps a claimed copy for the grace", async () => {
  const filter = new ClaimingFilter();
  const delivered: FleetDispatch[] = [];
  const scheduler = new VirtualScheduler();
  const events = new HeldEvents((e) => delivered.push(e), filter, {
    scheduler,
    claimGraceMs: 2_000,
  });
  filter.firstSeen([`MESSAGE_CREATE\u0000{"id":"x"}`]); // another process
  events.hold(event("x", 4));
  events.hold(event("y", 4));
  events.accept(event("y"));
  assert.equal(await events.prune(), 0, "x claimed, y's confirm in flight");
  filter.answer();
  await events.confirmed();
  assert.equal(await events.prune(), 1, "y confirmed: forgotten");
  assert.equal(events.heldCount, 1);
  events.hold(event("z", 4));
  assert.equal(await events.release(), 1, "x is kept while claimed; z");
  assert.deepEqual(ids(delivered), ["y", "z"]);
  assert.deepEqual(filter.batches.at(-1)?.map(idOf), ["z"]);
  filter.answer();
  await scheduler.advance(2_000);
  await events.rechecked();
  assert.deepEqual(
    ids(delivered),
    ["y", "z", "x"],
    "its claimer never confirmed",
  );
  assert.deepEqual(filter.batches.at(-1)?.map(idOf), ["x"]);
});

Deno.test("HeldEvents with a claiming filter: discard() ends the grace of a claimed copy by delivering it; a recheck that fails delivers", async () => {
  await withLogRecords(async (records) => {
    const filter = new ClaimingFilter();
    const delivered: FleetDispatch[] = [];
    const scheduler = new VirtualScheduler();
    const events = new HeldEvents((e) => delivered.push(e), filter, {
      scheduler,
    });
    filter.firstSeen([`MESSAGE_CREATE\u0000{"id":"x"}`]); // another process
    events.hold(event("x", 4));
    assert.equal(await events.release(), 0);
    assert.equal(scheduler.pending, 1, "the grace");
    // Leaving (close) or giving up a later reshard: nothing would decide
    // the copy later, so it is delivered now (a possible second copy).
    events.discard();
    assert.equal(scheduler.pending, 0, "no timer left");
    await events.rechecked();
    assert.deepEqual(ids(delivered), ["x"]);
    filter.answer(); // its confirm
    await events.confirmed();
    assert.ok(filter.confirmedKeys.has(`MESSAGE_CREATE\u0000{"id":"x"}`));
    await scheduler.advance(10_000);
    assert.deepEqual(ids(delivered), ["x"], "once");
    // Redis down at the recheck: delivered rather than lost.
    filter.firstSeen([`MESSAGE_CREATE\u0000{"id":"w"}`]);
    filter.seenAlready = () => {
      throw new Error("connection lost");
    };
    events.hold(event("w", 4));
    assert.equal(await events.release(), 0);
    assert.deepEqual(ids(delivered), ["x", "w"]);
    assert.equal(scheduler.pending, 0);
    assert.ok(
      records.some((r) => /claimed by another/.test(r.message.join(""))),
    );
  });
});

Deno.test("HeldEvents with a claiming filter: a confirm that fails is logged and costs nothing else; the next batch goes", async () => {
  await withLogRecords(async (records) => {
    const filter = new ClaimingFilter();
    const delivered: FleetDispatch[] = [];
    const events = new HeldEvents((e) => delivered.push(e), filter);
    events.accept(event("a"));
    events.accept(event("b"));
    filter.fail();
    await Promise.resolve();
    await Promise.resolve();
    filter.answer();
    await events.confirmed();
    assert.deepEqual(ids(delivered), ["a", "b"]);
    assert.deepEqual([...filter.confirmedKeys].map(idOf), [
      "b",
    ]);
    const warnings = records.filter((r) =>
      r.category.join(".") === "disruption.fleet.reshard"
    );
    assert.equal(warnings.length, 1);
    assert.match(String(warnings[0]!.message.join("")), /confirm/);
  });
});
