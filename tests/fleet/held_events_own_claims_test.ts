// At a switch, a held copy this process claimed itself, whose confirm waits
// on an async listener still running, is a second copy: it was taken for
// another process's unconfirmed claim, kept for the claim grace and
// delivered again (the reviewer's run: a 3 s listener, "a" delivered twice).
// Another process's unconfirmed claim is still kept for the grace.
import assert from "node:assert/strict";
import type { DuplicateFilter } from "../../fleet/duplicate_filter.ts";
import { HeldEvents } from "../../fleet/held_events.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import type { FleetDispatch } from "../../fleet/mod.ts";
import { messageEvent as event } from "./_message_event.ts";

const idOf = (e: FleetDispatch) => (e.data as { id: string }).id;

/**
 * A shared filter in memory: `firstSeen` claims, `confirm` confirms, and
 * `seenAlready` answers whether confirmed.
 */
class ClaimingFilter implements DuplicateFilter {
  readonly claimed = new Set<string>();
  readonly confirmed = new Set<string>();
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
    for (const key of keys) this.confirmed.add(key);
  }
}

/** Records each delivery; each listener runs `ms` of the scheduler's time. */
function slowListener(scheduler: VirtualScheduler, ms: number): {
  delivered: string[];
  listener: (e: FleetDispatch) => Promise<void>;
} {
  const delivered: string[] = [];
  const listener = (e: FleetDispatch): Promise<void> => {
    delivered.push(idOf(e));
    return new Promise((resolve) => scheduler.setTimeout(resolve, ms));
  };
  return { delivered, listener };
}

Deno.test("HeldEvents: a held copy of an event whose listener still runs here past the claim grace is dropped at the switch, delivered once", async () => {
  const scheduler = new VirtualScheduler();
  const filter = new ClaimingFilter();
  const { delivered, listener } = slowListener(scheduler, 3_000);
  const events = new HeldEvents(listener, filter, {
    scheduler,
    claimGraceMs: 2_000,
  });
  events.hold(event("a", 4));
  events.accept(event("a"));
  await scheduler.flushMicrotasks();
  await scheduler.advance(100);
  const released = events.release();
  await scheduler.flushMicrotasks();
  assert.equal(await released, 0);
  await scheduler.advance(2_500);
  await events.rechecked();
  await scheduler.advance(5_000);
  await events.confirmed();
  assert.deepEqual(delivered, ["a"], "delivered once");
  assert.equal(events.duplicates, 1, "the held copy counted as a second copy");
  assert.ok(filter.confirmed.has("a"), "confirmed once its listener settled");
});

Deno.test("HeldEvents: once its listener settled and it is confirmed, a later held copy is dropped as confirmed", async () => {
  const scheduler = new VirtualScheduler();
  const filter = new ClaimingFilter();
  const { delivered, listener } = slowListener(scheduler, 3_000);
  const events = new HeldEvents(listener, filter, { scheduler });
  events.accept(event("a"));
  await scheduler.advance(3_000);
  await events.confirmed();
  events.hold(event("a", 4));
  assert.equal(await events.release(), 0);
  await events.rechecked();
  assert.deepEqual(delivered, ["a"]);
  assert.equal(events.duplicates, 1);
});

Deno.test("HeldEvents: another process's unconfirmed claim is still kept for the grace, then delivered", async () => {
  const scheduler = new VirtualScheduler();
  const filter = new ClaimingFilter();
  const { delivered, listener } = slowListener(scheduler, 3_000);
  const events = new HeldEvents(listener, filter, {
    scheduler,
    claimGraceMs: 2_000,
  });
  // This process's own "a" runs still; "b" is claimed by another process.
  events.accept(event("a"));
  filter.claimed.add("b");
  events.hold(event("b", 4));
  const released = events.release();
  await scheduler.flushMicrotasks();
  assert.deepEqual(delivered, ["a"], "b kept for the grace");
  await scheduler.advance(1_999);
  assert.deepEqual(delivered, ["a"]);
  await scheduler.advance(1);
  assert.equal(await released, 0);
  await events.rechecked();
  assert.deepEqual(delivered, ["a", "b"], "its claimer taken for dead");
});

Deno.test("HeldEvents: an own claim whose confirm failed is no longer taken for this process's: its held copy is kept for the grace and delivered", async () => {
  const scheduler = new VirtualScheduler();
  const filter = new ClaimingFilter();
  filter.confirm = () => {
    throw new Error("store down");
  };
  const { delivered, listener } = slowListener(scheduler, 1_000);
  const events = new HeldEvents(listener, filter, {
    scheduler,
    claimGraceMs: 2_000,
  });
  events.accept(event("a"));
  await withLogRecords(async () => {
    await scheduler.advance(1_000);
    await events.confirmed();
  });
  events.hold(event("a", 4));
  const released = events.release();
  await scheduler.flushMicrotasks();
  assert.deepEqual(delivered, ["a"], "kept for the grace");
  await scheduler.advance(2_000);
  assert.equal(await released, 0);
  await events.rechecked();
  assert.deepEqual(delivered, ["a", "a"], "not known confirmed: delivered");
});
