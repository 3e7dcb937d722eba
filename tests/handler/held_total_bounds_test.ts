// HeldTotal, the held text of all of one Client's shards, at its bounds:
// what counts as a huge event's overshoot, and where the overshoot makes
// every shard pause.
import assert from "node:assert/strict";
import {
  HeldTotal,
  HUGE_HELD_CHARS,
  MAX_CLIENT_HELD_CHARS,
  MAX_CLIENT_OVERSHOOT_CHARS,
  SPARED_HELD_CHARS,
} from "../../handler/held_total.ts";

/** A member that counts the checks it is asked for. */
function member(): { checks: number; check(): void } {
  return {
    checks: 0,
    check() {
      this.checks++;
    },
  };
}

Deno.test("HeldTotal counts as overshoot only events over HUGE_HELD_CHARS, and removing them gives it all back", () => {
  const total = new HeldTotal();
  const shard = member();
  total.join(shard);
  total.add(100, shard);
  total.add(HUGE_HELD_CHARS, shard);
  assert.equal(total.past, 0, "small events and one of exactly the size");
  total.add(HUGE_HELD_CHARS + 1, shard);
  assert.equal(total.past, HUGE_HELD_CHARS + 1);
  total.remove(HUGE_HELD_CHARS + 1, shard);
  total.remove(HUGE_HELD_CHARS, shard);
  total.remove(100, shard);
  assert.equal(total.past, 0);
  assert.equal(total.chars, 0);
});

Deno.test("HeldTotal pauses every shard only past MAX_CLIENT_OVERSHOOT_CHARS of huge events, not at it", () => {
  const total = new HeldTotal();
  const a = member();
  const b = member();
  total.join(a);
  total.join(b);
  // Huge events of exactly the overshoot bound, and one small event that
  // takes the total past the Client-wide bound.
  total.add(MAX_CLIENT_OVERSHOOT_CHARS, a);
  total.add(1, a);
  assert.equal(total.past, MAX_CLIENT_OVERSHOOT_CHARS);
  assert.ok(total.chars > MAX_CLIENT_HELD_CHARS);
  assert.equal(total.pauses(0, false), false, "a shard holding nothing");
  assert.equal(total.pauses(SPARED_HELD_CHARS + 1, false), true);
  total.add(HUGE_HELD_CHARS + 1, a);
  assert.equal(total.pauses(0, false), true, "past it: every shard");
});
