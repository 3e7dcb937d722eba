// A shard's slot notes each dispatch whose handler calls have not finished,
// so that the session saves stay before the first (a crash replays it) and
// a stop that drops calls resumes before them. Over a shard reduced to what
// the notes read (its ID, clock and session), driven call by call.
import assert from "node:assert/strict";
import { HeldTotal } from "../../handler/held_total.ts";
import { ShardSlot } from "../../handler/shard_slot.ts";
import type { Shard } from "../../gateway/shard.ts";
import type { RestClient } from "../../rest/rest_client.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { heapGrowthOf } from "../_fakes/heap_growth.ts";

const CHILD = new URL("./_slot_unfinished_growth_child.ts", import.meta.url);

/** A slot over a stub shard, and its events' calls gated one by one. */
interface GatedSlot {
  shard: { sessionId: string | undefined };
  slot: ShardSlot;
  /** A dispatch whose one handler call waits for `release`. */
  event: (sequence: number, name?: string) => void;
  /** Let the oldest waiting call finish. */
  release: () => Promise<void>;
}

/** A slot whose handler calls each wait until the test releases them. */
function gatedSlot(): GatedSlot {
  const scheduler = new VirtualScheduler();
  const shard = { id: 0, scheduler, sessionId: "session-a" };
  const slot = new ShardSlot(
    shard as unknown as Shard,
    undefined as unknown as RestClient,
    new AbortController().signal,
    new HeldTotal(),
  );
  const gates: (() => void)[] = [];
  return {
    shard,
    slot,
    event: (sequence, name = "MESSAGE_CREATE") => {
      slot.push(name, () => new Promise<void>((r) => gates.push(r)));
      slot.queued(sequence, name);
    },
    release: async () => {
      gates.shift()!();
      await scheduler.flushMicrotasks();
    },
  };
}

Deno.test("ShardSlot.resumePoint: a new session's events queued behind a call of the session before resume from the new session's READY", async () => {
  const { shard, slot, event, release } = gatedSlot();
  event(100); // runs, and never finishes before the new session
  event(101);
  assert.equal(slot.resumePoint(), 99);
  shard.sessionId = "session-b";
  // Session A's sequences mean nothing in B: no point before B's first.
  assert.equal(slot.resumePoint(), undefined, "none of B's noted yet");
  event(1, "READY");
  event(5);
  // The old session's notes can never come again: its READY is where a
  // crash must resume, not nowhere (which let the saves pass its events).
  assert.equal(slot.resumePoint(), 1);
  await release();
  await release();
  assert.equal(slot.resumePoint(), 1, "READY's call still waits");
  await release();
  assert.equal(slot.resumePoint(), 4, "READY finished: before 5");
  await release();
  assert.equal(slot.resumePoint(), undefined, "all finished");
});

Deno.test("ShardSlot: 200,000 events queued behind a handler that is always busy leave no note of those finished (the heap stays where it was)", async () => {
  const growth = await heapGrowthOf(CHILD);
  // Noted until the runner went idle, or a save asked: 13 MB for these.
  assert.ok(growth < 3, `the heap grew by ${growth} MB`);
});

Deno.test("ShardSlot.abandon drops the calls not started and resumes before the first of them: a RESUMED's own sequence, named as not replayed", () => {
  const { slot, event } = gatedSlot();
  event(5); // runs on after the stop: its event is not sent again
  event(6, "RESUMED");
  event(7);
  event(8);
  assert.deepEqual(slot.abandon(), {
    dropped: 3,
    resumeFrom: 6,
    notReplayed: "RESUMED",
  });
  assert.deepEqual(slot.abandon(), {
    dropped: 0,
    resumeFrom: undefined,
    notReplayed: undefined,
  });
});

Deno.test("ShardSlot.abandon gives no resume point when the shard holds no session, or another one than the dropped calls'", () => {
  for (const now of [undefined, "session-b"]) {
    const { shard, slot, event } = gatedSlot();
    event(5);
    event(6);
    shard.sessionId = now;
    assert.deepEqual(slot.abandon(), {
      dropped: 1,
      resumeFrom: undefined,
      notReplayed: undefined,
    }, `the shard's session: ${now}`);
  }
});
