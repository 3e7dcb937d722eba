// A switch keeps a held copy another process claimed and never confirmed
// (its claimer may have died) and asks the filter about it again: at once,
// and after the claim grace. A discard (close(), a reshard given up) or the
// next release while one of those questions waited on Redis lost the copy:
// the reset delivered only the copies waiting for the grace timer, and the
// answer, coming in a later round, was dropped. And a question that fails
// delivers the copy at once rather than keeping it for the grace.
import assert from "node:assert/strict";
import type { DuplicateFilter } from "../../fleet/duplicate_filter.ts";
import { HeldEvents } from "../../fleet/held_events.ts";
import type { FleetDispatch } from "../../fleet/mod.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { messageEvent as event } from "./_message_event.ts";

const idOf = (e: FleetDispatch) => (e.data as { id: string }).id;

/**
 * A shared filter in memory keyed by the message's id: `firstSeen` claims,
 * `confirm` confirms (once `confirmGate`, when set, is resolved),
 * `seenAlready` answers whether confirmed, once `gate` (when set) is
 * resolved, or throws while `down`.
 */
class GatedFilter implements DuplicateFilter {
  readonly claimed = new Set<string>();
  readonly confirmed = new Set<string>();
  gate: PromiseWithResolvers<void> | undefined;
  down = false;
  asked = 0;
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
  async seenAlready(keys: readonly string[]): Promise<boolean[]> {
    this.asked++;
    if (this.down) throw new Error("connection lost");
    await this.gate?.promise;
    return keys.map((key) => this.confirmed.has(key));
  }
  async confirm(keys: readonly string[]): Promise<void> {
    await this.confirmGate?.promise;
    for (const key of keys) this.confirmed.add(key);
  }
  /** Holds confirms back while set. */
  confirmGate: PromiseWithResolvers<void> | undefined;
}

const resets = {
  discard: (events: HeldEvents) => events.discard(),
  "the next release": (events: HeldEvents) => void events.release(),
};

for (const phase of ["first", "post-grace"] as const) {
  for (const [name, reset] of Object.entries(resets)) {
    Deno.test(`HeldEvents: ${name} while the ${phase} recheck of a copy claimed elsewhere waits on the filter delivers the copy once, confirmed; one confirmed meanwhile is still dropped`, async () => {
      const scheduler = new VirtualScheduler();
      const filter = new GatedFilter();
      const delivered: string[] = [];
      const events = new HeldEvents(
        (e) => void delivered.push(idOf(e)),
        filter,
        {
          scheduler,
          claimGraceMs: 1_000,
        },
      );
      // Claimed by other processes: x's claimer died, z's confirms it.
      filter.claimed.add("x");
      filter.claimed.add("z");
      for (const id of ["x", "y", "z"]) events.hold(event(id, 4));
      if (phase === "first") filter.gate = Promise.withResolvers();
      const released = events.release();
      await scheduler.flushMicrotasks();
      if (phase === "post-grace") {
        filter.gate = Promise.withResolvers();
        await scheduler.advance(1_000);
        await scheduler.flushMicrotasks();
      }
      assert.equal(filter.asked, phase === "first" ? 1 : 2, "asking");
      assert.deepEqual(delivered, ["y"], "x and z wait on their recheck");
      reset(events);
      filter.confirm(["z"]);
      filter.gate!.resolve();
      await released;
      await events.rechecked();
      await scheduler.advance(10_000);
      await events.rechecked();
      await events.confirmed();
      assert.deepEqual(delivered, ["y", "x"], "x once, z dropped");
      assert.ok(filter.confirmed.has("x"), "x confirmed once delivered");
      assert.equal(scheduler.pending, 0, "no grace timer left");
    });
  }
}

Deno.test("HeldEvents: a recheck of a copy claimed elsewhere that cannot ask the filter delivers it at once, confirmed, and once", async () => {
  await withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler();
    const filter = new GatedFilter();
    const delivered: string[] = [];
    const events = new HeldEvents((e) => void delivered.push(idOf(e)), filter, {
      scheduler,
      claimGraceMs: 1_000,
    });
    filter.claimed.add("x"); // another process, dead before confirming
    events.hold(event("x", 4));
    events.hold(event("y", 4));
    filter.down = true;
    assert.equal(await events.release(), 1, "y; x was claimed");
    assert.deepEqual(delivered, ["y", "x"], "x delivered without a grace");
    assert.equal(scheduler.pending, 0, "no grace timer");
    await events.confirmed();
    assert.ok(filter.confirmed.has("x"), "x confirmed");
    await scheduler.advance(10_000);
    await events.rechecked();
    assert.deepEqual(delivered, ["y", "x"], "once");
    assert.equal(filter.asked, 1);
    assert.ok(
      records.some((r) => /claimed by another/.test(r.message.join(""))),
    );
  });
});

Deno.test("HeldEvents: discard while the first recheck waits on this process's own confirm in flight drops the held copy of the event it delivered itself", async () => {
  const scheduler = new VirtualScheduler();
  const filter = new GatedFilter();
  const delivered: string[] = [];
  const events = new HeldEvents((e) => void delivered.push(idOf(e)), filter, {
    scheduler,
    claimGraceMs: 1_000,
  });
  filter.confirmGate = Promise.withResolvers();
  events.accept(event("a")); // delivered here, its confirm in flight
  events.hold(event("a", 4));
  const released = events.release();
  await scheduler.flushMicrotasks();
  events.discard();
  filter.confirmGate.resolve();
  await released;
  await events.rechecked();
  await scheduler.advance(10_000);
  await events.confirmed();
  assert.deepEqual(delivered, ["a"], "once");
  assert.equal(events.duplicates, 1, "the held copy was a second copy");
});
