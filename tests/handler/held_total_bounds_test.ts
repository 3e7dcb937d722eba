// HeldTotal, the held text of all of one Client's shards, at its bounds:
// what counts as a huge event's overshoot, where the overshoot makes
// every shard pause, and what it says of each, once an episode.
import assert from "node:assert/strict";
import {
  HeldTotal,
  HUGE_HELD_CHARS,
  MAX_CLIENT_HELD_CHARS,
  MAX_CLIENT_OVERSHOOT_CHARS,
  SPARED_HELD_CHARS,
} from "../../handler/held_total.ts";
import { messagesOf, withLogRecords } from "../_fakes/log_records.ts";

/** A member that counts the checks it is asked for. */
function member(): { checks: number; check(): void } {
  return {
    checks: 0,
    check(): void {
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

Deno.test("HeldTotal says the Client-wide bound passed without a word of huge events, and huge events past the overshoot once until the total is back under the resume point", async () => {
  await withLogRecords((records): Promise<void> => {
    const total = new HeldTotal();
    const a = member();
    const b = member();
    total.join(a);
    total.join(b);
    const behind = () => messagesOf(records, /of events behind together/);
    const huge = () => messagesOf(records, /^Huge events/);
    // Events of exactly HUGE_HELD_CHARS: held, none of them huge.
    let small = 0;
    while (total.chars <= MAX_CLIENT_HELD_CHARS) {
      total.add(HUGE_HELD_CHARS, a);
      small++;
    }
    assert.equal(behind(), 1);
    assert.equal(huge(), 0, "no huge event held");
    // Under the bound and past it again, in the same episode: not said
    // again.
    total.remove(HUGE_HELD_CHARS, a);
    total.add(HUGE_HELD_CHARS, a);
    assert.equal(behind(), 1);
    let many = 0;
    while (total.past <= MAX_CLIENT_OVERSHOOT_CHARS) {
      total.add(HUGE_HELD_CHARS + 1, a);
      many++;
    }
    assert.equal(huge(), 1);
    // Under the overshoot and past it again, in the same episode: not said
    // again.
    total.remove(HUGE_HELD_CHARS + 1, a);
    total.add(HUGE_HELD_CHARS + 1, a);
    assert.equal(huge(), 1);
    assert.equal(behind(), 1);
    // Back under the resume point: a new episode is said again.
    for (let i = 0; i < many; i++) total.remove(HUGE_HELD_CHARS + 1, a);
    for (let i = 0; i < small; i++) total.remove(HUGE_HELD_CHARS, a);
    assert.equal(total.chars, 0);
    for (let i = 0; i < many; i++) total.add(HUGE_HELD_CHARS + 1, a);
    assert.equal(huge(), 2);
    assert.equal(behind(), 2, "the bound passed again, in the new episode");
    return Promise.resolve();
  });
});

Deno.test("HeldTotal says a Client of two shards still over the bound once an episode, and a Client of one not at all", async () => {
  await withLogRecords((records): Promise<void> => {
    const still = () => messagesOf(records, /still .* MiB of events behind/);
    const alone = new HeldTotal();
    alone.join(member());
    alone.stillOver(60_000);
    assert.equal(still(), 0, "one shard says its own pause");
    const total = new HeldTotal();
    const a = member();
    total.join(a);
    total.join(member());
    total.add(MAX_CLIENT_HELD_CHARS + 1, a);
    total.stillOver(60_000);
    total.stillOver(120_000);
    assert.equal(still(), 1);
    assert.equal(
      messagesOf(records, /still 64 MiB of events behind after 60 s paused/),
      1,
    );
    total.remove(MAX_CLIENT_HELD_CHARS + 1, a);
    total.add(MAX_CLIENT_HELD_CHARS + 1, a);
    total.stillOver(60_000);
    assert.equal(still(), 2, "a new episode");
    return Promise.resolve();
  });
});

Deno.test("HeldTotal asks the other shards to check when the total comes back to exactly the bound, and the huge events to exactly the overshoot bound", () => {
  const total = new HeldTotal();
  const a = member();
  const b = member();
  total.join(a);
  total.join(b);
  total.add(MAX_CLIENT_HELD_CHARS, a);
  total.add(1, a);
  assert.equal(b.checks, 1, "crossed");
  assert.equal(a.checks, 0, "not the shard that added");
  total.remove(1, a);
  assert.equal(total.chars, MAX_CLIENT_HELD_CHARS);
  assert.equal(b.checks, 2, "back at the bound: no longer over it");
  total.remove(MAX_CLIENT_HELD_CHARS, a);
  // The huge events' own bound, with the total staying past the other.
  total.add(HUGE_HELD_CHARS, a);
  total.add(HUGE_HELD_CHARS, a);
  total.add(MAX_CLIENT_OVERSHOOT_CHARS, a);
  total.add(HUGE_HELD_CHARS + 1, a);
  const before = b.checks;
  total.remove(HUGE_HELD_CHARS + 1, a);
  assert.equal(total.past, MAX_CLIENT_OVERSHOOT_CHARS);
  assert.ok(total.chars > MAX_CLIENT_HELD_CHARS);
  assert.equal(b.checks, before + 1, "back at the overshoot bound");
});
