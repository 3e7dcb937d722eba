// This process delivers an event under a reshard's chained duplicate filter
// and its async listener runs on; the overlap hold ends mid-reshard, so the
// switch asks the new reshard's own filter alone (reshard_overlap.ts sets
// `events.filter` to it). The held copy's key there must still be known as
// this process's pending claim, or it is taken for another process's and
// delivered a second time after the claim grace.
import assert from "node:assert/strict";
import { ChainedDuplicateFilter } from "../../fleet/chained_duplicate_filter.ts";
import type { DuplicateFilter } from "../../fleet/duplicate_filter.ts";
import type { FleetDispatch } from "../../fleet/fleet_dispatch.ts";
import { HeldEvents } from "../../fleet/held_events.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { messageEvent } from "./_message_event.ts";

/** A shared filter that claims and confirms by the message's id. */
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

for (const swapped of [false, true]) {
  Deno.test(
    `HeldEvents: an own claim made under a chained filter, still waiting on its listener, is known at the switch with the filter ${
      swapped ? "changed to the new reshard's own" : "kept"
    }: the event is delivered once`,
    async () => {
      const scheduler = new VirtualScheduler();
      const earlier = new ClaimingFilter();
      const own = new ClaimingFilter();
      const delivered: string[] = [];
      const listener = (event: FleetDispatch): Promise<void> => {
        delivered.push((event.data as { id: string }).id);
        return new Promise((resolve) => scheduler.setTimeout(resolve, 3_000));
      };
      const events = new HeldEvents(
        listener,
        new ChainedDuplicateFilter(earlier, own),
        { scheduler, claimGraceMs: 2_000 },
      );
      events.accept(messageEvent("a"));
      await scheduler.flushMicrotasks();
      if (swapped) events.filter = own;
      events.hold(messageEvent("a", 4));
      await scheduler.flushMicrotasks();
      const released = events.release();
      await scheduler.flushMicrotasks();
      await released;
      // Past the claim grace, with the listener still running.
      await scheduler.advance(2_500);
      await events.rechecked();
      await scheduler.advance(5_000);
      await events.confirmed();
      assert.deepEqual(delivered, ["a"]);
    },
  );
}
