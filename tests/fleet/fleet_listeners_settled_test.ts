// FleetListeners.settled (fleet/dispatch_listeners.ts, over
// fleet/_unsettled_listeners.ts): what a FleetShards process handing shards
// over waits for before it saves their sessions: every async listener of
// their sessions' events settled, or the bound passed on the scheduler.
import assert from "node:assert/strict";
import { FleetListeners } from "../../fleet/dispatch_listeners.ts";
import type { FleetDispatch } from "../../fleet/fleet_dispatch.ts";
import type { Shard } from "../../gateway/shard.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** A shard holding session `sessionId`, as far as asked. */
function shardIn(sessionId: string | undefined): Shard {
  return { id: 0, sessionId } as unknown as Shard;
}

/** A MESSAGE_CREATE numbered `sequence` of session `sessionId`. */
function event(sequence: number, sessionId: string): FleetDispatch {
  return {
    shardId: 0,
    shardCount: 1,
    sessionId,
    name: "MESSAGE_CREATE",
    sequence,
    data: {},
  };
}

/** What `promise` settled to within a few promise turns, or "pending". */
async function outcome<T>(promise: Promise<T>): Promise<T | "pending"> {
  let result: T | "pending" = "pending";
  void promise.then((value) => result = value);
  for (let i = 0; i < 20; i++) await Promise.resolve();
  return result;
}

Deno.test("FleetListeners.settled: true at once without pending listeners, for these sessions or none", async () => {
  const scheduler = new VirtualScheduler();
  const listeners = new FleetListeners();
  listeners.add(() => {});
  listeners.add((e) => e.sessionId === "b" ? new Promise(() => {}) : undefined);
  listeners.deliver(event(1, "a"));
  listeners.deliver(event(1, "b"));
  const shards = [shardIn("a"), shardIn(undefined)];
  assert.equal(await listeners.settled(shards, scheduler, 500), true);
  assert.equal(scheduler.pending, 0);
});

Deno.test("FleetListeners.settled: resolves true once the last pending listener of the sessions settles", async () => {
  const scheduler = new VirtualScheduler();
  const listeners = new FleetListeners();
  const release = new Map<string, () => void>();
  listeners.add((e) =>
    new Promise<void>((resolve) => release.set(`${e.sessionId}`, resolve))
  );
  listeners.deliver(event(1, "a"));
  listeners.deliver(event(1, "b"));
  const waiting = listeners.settled(
    [shardIn("a"), shardIn("b")],
    scheduler,
    500,
  );
  release.get("a")!();
  assert.equal(await outcome(waiting), "pending", "b still pending");
  release.get("b")!();
  assert.equal(await outcome(waiting), true);
  assert.equal(scheduler.pending, 0, "the bound's timer cleared");
  assert.equal(listeners.resumePoint(shardIn("b")), undefined);
});

Deno.test("FleetListeners.settled: false once the bound passed on the scheduler, a listener never settling", async () => {
  const scheduler = new VirtualScheduler();
  const listeners = new FleetListeners();
  listeners.add(() => new Promise(() => {}));
  listeners.deliver(event(7, "a"));
  const waiting = listeners.settled([shardIn("a")], scheduler, 500);
  await scheduler.advance(499);
  assert.equal(await outcome(waiting), "pending");
  await scheduler.advance(1);
  assert.equal(await outcome(waiting), false);
  assert.equal(listeners.resumePoint(shardIn("a")), 6, "still before it");
});

Deno.test("FleetListeners.settled: the first of two pending events of a session settling leaves the second pending", async () => {
  const scheduler = new VirtualScheduler();
  const listeners = new FleetListeners();
  const release: (() => void)[] = [];
  listeners.add(() => new Promise<void>((resolve) => release.push(resolve)));
  listeners.deliver(event(10, "a"));
  listeners.deliver(event(11, "a"));
  release[0]!();
  await outcome(Promise.resolve());
  assert.equal(listeners.resumePoint(shardIn("a")), 10, "before the second");
  const waiting = listeners.settled([shardIn("a")], scheduler, 500);
  await scheduler.advance(499);
  assert.equal(await outcome(waiting), "pending", "the second still pending");
  release[1]!();
  assert.equal(await outcome(waiting), true);
  assert.equal(listeners.resumePoint(shardIn("a")), undefined);
});

Deno.test("FleetListeners.settled: true at once once every pending listener of the session settled", async () => {
  const scheduler = new VirtualScheduler();
  const listeners = new FleetListeners();
  const release: (() => void)[] = [];
  listeners.add(() => new Promise<void>((resolve) => release.push(resolve)));
  listeners.deliver(event(3, "a"));
  listeners.deliver(event(4, "a"));
  // Out of order: the queue empties only when the first one settles.
  release[1]!();
  release[0]!();
  await outcome(Promise.resolve());
  const waiting = listeners.settled([shardIn("a")], scheduler, 500);
  assert.equal(await outcome(waiting), true, "not only after the bound");
  assert.equal(scheduler.pending, 0, "no bound's timer left");
});
