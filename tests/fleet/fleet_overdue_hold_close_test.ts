// What b5e60a0 left open, found by its regression read: a close() while
// events are held saved the sessions past them (the hold was discarded
// before the saves), so the taker resumed past them and nobody delivered
// them; a reshard this process began and gave up counted as switched to,
// so a later reshard to that count, missed, ran without the duplicate
// filter; and a late joiner's filter was decided on its own clock before
// it knew Redis's, minutes off on some machines.
import assert from "node:assert/strict";
import { overdueAfterMs } from "../../fleet/_overdue_hold.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { overlap } from "./_reshard_overlap.ts";
import { pollUntil } from "../_fakes/fleet_scene.ts";
import {
  activeSessions,
  deliveredMessages,
  isLeaseTick,
  oneEach,
  postInEveryGuild,
  stepAll,
  valvesTest,
} from "./fleet_run_guard_scene.ts";

valvesTest(
  "FleetShards: close() while events are held saves the sessions before them, so the taker delivers them",
  2,
  async (s, valves) => {
    const [a, b] = await oneEach(s, valves);
    const [byA, byB] = [deliveredMessages([a]), deliveredMessages([b])];
    let held: string[] = [];
    await captureStderr(async () => {
      let last = s.scheduler.now();
      let fail = false;
      valves[0]!.hold = (command) => {
        if (!fail && isLeaseTick(command)) last = s.scheduler.now();
        return false;
      };
      await stepAll(s, valves);
      // a's renewals refused at once, Redis answering all else: overdue.
      fail = true;
      valves[0]!.rewrite = (command, answer) => {
        if (isLeaseTick(command)) throw new Error("ERR renewal refused");
        return answer;
      };
      while (s.scheduler.now() - last <= overdueAfterMs(1_000)) {
        await stepAll(s, valves, 100);
      }
      held = postInEveryGuild(s, "held");
      await pollUntil("b's event", () => held.some((id) => byB.includes(id)));
      for (let i = 0; i < 3; i++) await stepAll(s, valves, 20);
      valves[0]!.rewrite = undefined;
      await a.close();
      for (
        let i = 0;
        i < 20 && !(b.shardIds.length === 2 && activeSessions(s) === 2);
        i++
      ) await stepAll(s, valves);
      for (let i = 0; i < 5; i++) await stepAll(s, valves);
    });
    const got = [...byA, ...byB];
    assert.deepEqual(held.filter((id) => !got.includes(id)), [], "lost");
  },
);

valvesTest(
  "FleetShards: close() whose wait for Redis runs out while events are held still saves before them",
  2,
  async (s, valves) => {
    const timings = { leaseTtlMs: 15_000, renewMs: 1_000 };
    const [a, b] = await oneEach(s, valves, timings, 40);
    const [byA, byB] = [deliveredMessages([a]), deliveredMessages([b])];
    let held: string[] = [];
    await captureStderr(async () => {
      let last = s.scheduler.now();
      let fail = false;
      // a's renewals hang (in flight through close()'s whole wait).
      valves[0]!.hold = (command) => {
        if (!isLeaseTick(command)) return false;
        if (!fail) last = s.scheduler.now();
        return fail;
      };
      await stepAll(s, valves);
      fail = true;
      while (s.scheduler.now() - last <= overdueAfterMs(1_000) + 200) {
        await s.scheduler.advance(100);
        await valves[1]!.idle();
      }
      held = postInEveryGuild(s, "held");
      await pollUntil("b's event", () => held.some((id) => byB.includes(id)));
      for (let i = 0; i < 3; i++) {
        await s.scheduler.advance(20);
        await valves[1]!.idle();
      }
      let closed = false;
      const closing = a.close().then(() => closed = true);
      for (let i = 0; i < 200 && !closed; i++) {
        await s.scheduler.advance(100);
        await valves[1]!.idle();
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      await closing;
      valves[0]!.open();
      for (
        let i = 0;
        i < 30 && !(b.shardIds.length === 2 && activeSessions(s) === 2);
        i++
      ) await stepAll(s, [valves[1]!]);
      for (let i = 0; i < 5; i++) await stepAll(s, [valves[1]!]);
    });
    const got = [...byA, ...byB];
    assert.deepEqual(held.filter((id) => !got.includes(id)), [], "lost");
  },
);

valvesTest(
  "FleetShards: events held from a session Discord then ends are delivered, as no one can resume it",
  2,
  async (s, valves) => {
    const timings = { leaseTtlMs: 15_000, renewMs: 1_000 };
    const [a, b] = await oneEach(s, valves, timings, 40);
    const aShard = a.shardIds[0]!;
    const [byA, byB] = [deliveredMessages([a]), deliveredMessages([b])];
    let held: string[] = [];
    await captureStderr(async () => {
      let last = s.scheduler.now();
      let fail = false;
      valves[0]!.hold = (command) => {
        if (!fail && isLeaseTick(command)) last = s.scheduler.now();
        return false;
      };
      await stepAll(s, valves);
      fail = true;
      valves[0]!.rewrite = (command, answer) => {
        if (isLeaseTick(command)) throw new Error("ERR renewal refused");
        return answer;
      };
      while (s.scheduler.now() - last <= overdueAfterMs(1_000) + 200) {
        await stepAll(s, valves, 100);
      }
      held = postInEveryGuild(s, "held");
      for (let i = 0; i < 3; i++) await stepAll(s, valves, 20);
      // a's session ends (op 9, not resumable): its held event's session
      // is gone, and the guard stops a's shard for b.
      s.gateway.invalidateSession(false, { shardId: aShard } as never);
      for (let i = 0; i < 60; i++) await stepAll(s, valves, 100);
      for (let i = 0; i < 200 && a.shardIds.length > 0; i++) {
        await stepAll(s, valves, 500);
      }
      await a.close();
      for (
        let i = 0;
        i < 60 && !(b.shardIds.length === 2 && activeSessions(s) === 2);
        i++
      ) await stepAll(s, [valves[1]!], 500);
      for (let i = 0; i < 10; i++) await stepAll(s, [valves[1]!], 500);
    });
    const got = [...byA, ...byB];
    assert.deepEqual(held.filter((id) => !got.includes(id)), [], "lost");
  },
);

Deno.test("ReshardOverlap.took: a count whose reshard this process began and gave up is not taken for one it switched to", () => {
  const fleetNow = 5_000_000;
  const { overlap: gaveUp, events } = overlap(fleetNow - 2_000);
  gaveUp.begin(4, 0); // a reshard to 4, given up
  gaveUp.end(60_000);
  gaveUp.tick(false, 3_660_000); // its grace over: no filter
  events.filter = undefined;
  // A later reshard to 4, missed: taken up 2 s after its flip.
  gaveUp.took(4, fleetNow, 7_260_000);
  assert.ok(events.filter !== undefined, "no duplicate filter");
  // One switched to: its own filter runs already, none is added.
  const { overlap: switched, events: own } = overlap(fleetNow - 2_000);
  switched.begin(4, 0);
  const begun = own.filter;
  switched.end(1_000, 4);
  switched.took(4, fleetNow, 1_000);
  assert.equal(own.filter, begun);
});

Deno.test("ReshardOverlap.took decides nothing until the fleet's clock is known", () => {
  const { overlap: late, events } = overlap(5_000_000 - 2_000);
  // This machine's clock, ten minutes ahead: the flip looked 10 min old.
  late.took(4, undefined, 0);
  assert.equal(events.filter, undefined);
  late.took(4, 5_000_000, 0); // Redis's time, learned: 2 s after the flip
  assert.ok(events.filter !== undefined, "no duplicate filter");
});
