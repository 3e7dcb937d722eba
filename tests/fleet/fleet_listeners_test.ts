// FleetListeners (fleet/dispatch_listeners.ts): where a FleetShards
// process's session saves must stay for the events whose async listeners
// have not settled: before the first of them, in delivery order, whatever
// order they settle in; nothing kept for sync listeners.
import assert from "node:assert/strict";
import { FleetListeners } from "../../fleet/dispatch_listeners.ts";
import { UnsettledListeners } from "../../fleet/_unsettled_listeners.ts";
import type { FleetDispatch } from "../../fleet/fleet_dispatch.ts";
import type { Shard } from "../../gateway/shard.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

/** A shard of shard id 0 holding session `sessionId`, as far as asked. */
function shardIn(sessionId: string | undefined): Shard {
  return { id: 0, sessionId } as unknown as Shard;
}

/** Event `name` numbered `sequence` of shard 0's session `sessionId`. */
function event(
  sequence: number,
  name = "MESSAGE_CREATE",
  sessionId = "s1",
): FleetDispatch {
  return {
    shardId: 0,
    shardCount: 1,
    sessionId,
    name,
    sequence,
    data: {},
  };
}

/** Let promise callbacks run. */
async function settleTurns(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

Deno.test("FleetListeners: sync listeners keep no resume point", () => {
  const listeners = new FleetListeners();
  const got: number[] = [];
  listeners.add((e) => void got.push(e.sequence));
  listeners.deliver(event(5));
  assert.deepEqual(got, [5]);
  assert.equal(listeners.resumePoint(shardIn("s1")), undefined);
});

Deno.test("FleetListeners: the point stays before the first unsettled event, whatever order they settle in", async () => {
  const listeners = new FleetListeners();
  const release = new Map<number, () => void>();
  listeners.add(() => {}); // sync beside the async one
  listeners.add((e) =>
    new Promise<void>((resolve) => release.set(e.sequence, resolve))
  );
  listeners.deliver(event(5));
  listeners.deliver(event(6));
  const shard = shardIn("s1");
  assert.equal(listeners.resumePoint(shard), 4);
  assert.equal(listeners.resumePoint(shardIn("s2")), undefined, "other");
  assert.equal(listeners.resumePoint(shardIn(undefined)), undefined);
  release.get(6)!();
  await settleTurns();
  assert.equal(listeners.resumePoint(shard), 4, "5 still pending");
  release.get(5)!();
  await settleTurns();
  assert.equal(listeners.resumePoint(shard), undefined, "all settled");
});

Deno.test("FleetListeners: a pending READY keeps its own sequence; a rejection settles (logged)", async () => {
  const listeners = new FleetListeners();
  let fail = (_: Error): void => {};
  listeners.add(() => new Promise((_, reject) => fail = reject));
  listeners.deliver(event(1, "READY"));
  assert.equal(listeners.resumePoint(shardIn("s1")), 1);
  const stderr = await captureStderr(async () => {
    fail(new Error("bug"));
    await settleTurns();
  });
  assert.match(stderr.join("\n"), /A fleet dispatch listener threw/);
  assert.equal(listeners.resumePoint(shardIn("s1")), undefined);
});

Deno.test("UnsettledListeners: one promise that never settles keeps the point, and the settled events behind it do not pile up", async () => {
  const unsettled = new UnsettledListeners();
  unsettled.track(event(1), new Promise(() => {})); // never settles
  for (let sequence = 2; sequence <= 20_000; sequence++) {
    unsettled.track(event(sequence), Promise.resolve());
  }
  await settleTurns();
  assert.equal(unsettled.resumePoint(shardIn("s1")), 0);
  // 19,999 settled events behind the pending one: kept at most twice the
  // pending ones past 1,024, not one each.
  assert.ok(unsettled.held("s1") <= 1_024, `held ${unsettled.held("s1")}`);
});

Deno.test("FleetListeners: with two async listeners, one rejecting, the event still settles and frees the resume point", async () => {
  const listeners = new FleetListeners();
  await captureStderr(async () => {
    listeners.add(() => Promise.reject(new Error("bug")));
    listeners.add(() => Promise.resolve());
    await listeners.deliver(event(5));
    await settleTurns();
  });
  assert.equal(listeners.resumePoint(shardIn("s1")), undefined);
});

Deno.test("FleetListeners: a listener returning a value that is no promise counts as sync", () => {
  const listeners = new FleetListeners();
  listeners.add(() => 42);
  assert.equal(listeners.deliver(event(5)), undefined);
});
