// A double fault: one process cut off from Redis (its lease guard stops its
// shard, whose newest session only its memory holds) while Redis loses its
// keys. Once the hold after the loss ends, the other process takes that
// shard and finds no session: it must wait (IDENTIFY_AFTER_LOSS_MS) rather
// than identify, and RESUME it once the cut-off process is back and has
// written its session to the store; with nobody to write one back it
// identifies when the wait is over. On a VirtualScheduler (leases on its
// clock) against the test Redis, through valves (see
// fleet_run_guard_scene.ts).
import assert from "node:assert/strict";
import type { FleetShards } from "../../fleet/fleet_shards.ts";
import { IDENTIFY_AFTER_LOSS_MS } from "../../fleet/identify_after_loss.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { deleteKeys, pollUntil } from "../_fakes/fleet_scene.ts";
import {
  activeSessions,
  assertResumedAll,
  deliveredMessages,
  oneEach,
  postInEveryGuild,
  type Scene,
  stepAll,
  type Valve,
  valvesTest,
} from "./fleet_run_guard_scene.ts";

/**
 * Cut `a` off Redis until its guard stops its shard, post an event in
 * every guild, then delete the fleet's keys (Redis lost them) and step
 * past the hold after the loss, `a` still cut off.
 */
async function cutOffThenLoss(
  s: Scene,
  valves: Valve[],
  a: FleetShards,
  posted: string[],
): Promise<number> {
  posted.push(...postInEveryGuild(s, "before"));
  await stepAll(s, valves); // a renewal saves the sessions
  const downAt = s.scheduler.now();
  valves[0]!.down = true;
  for (let i = 0; i < 5 && a.shardIds.length > 0; i++) {
    await stepAll(s, valves);
  }
  assert.deepEqual(a.shardIds, []);
  await pollUntil("a's session closed", () => activeSessions(s) === 1);
  posted.push(...postInEveryGuild(s, "during"));
  await deleteKeys(s.direct, s.prefix);
  // The hold after the loss is a lease TTL (3 s): well past it.
  for (let t = 0; t < 10_000; t += 1_000) await stepAll(s, valves);
  return downAt;
}

valvesTest(
  "FleetShards: cut off while Redis loses its keys, a process's shard is not identified by the taker, and is RESUMEd once its session is written back",
  2,
  async (s, valves) => {
    const [a, b] = await oneEach(s, valves);
    const got = deliveredMessages([a, b]);
    const posted: string[] = [];
    const lines = await captureStderr(async () => {
      const downAt = await cutOffThenLoss(s, valves, a, posted);
      const since = () => s.gateway.log.filter((e) => e.at >= downAt);
      assert.deepEqual(
        since().filter((e) => e.type === "identify").map((e) => e.type),
        [],
        "the taker identified a shard whose session a cut-off process kept",
      );
      assert.equal(activeSessions(s), 1);
      valves[0]!.down = false; // a reaches Redis again
      const done = () =>
        a.shardIds.length + b.shardIds.length === 2 &&
        activeSessions(s) === 2 && posted.every((id) => got.includes(id));
      for (let i = 0; i < 10 && !done(); i++) await stepAll(s, valves);
      await pollUntil("both shards back, every event delivered", done);
      assertResumedAll(s, downAt, 1, got, posted, "loss");
    });
    assert.match(
      lines.join("\n"),
      /Redis lost the fleet's keys: shards \[ 0 \] have no saved session|Redis lost the fleet's keys: shards \[ 1 \] have no saved session/,
    );
  },
);

valvesTest(
  "FleetShards: after a loss, a shard whose session never comes back identifies once the wait is over",
  2,
  async (s, valves) => {
    const [a, b] = await oneEach(s, valves);
    const posted: string[] = [];
    await captureStderr(async () => {
      const downAt = await cutOffThenLoss(s, valves, a, posted);
      const identified = () =>
        s.gateway.log.filter((e) => e.at >= downAt && e.type === "identify");
      assert.deepEqual(identified(), []);
      // a stays cut off: the wait ends a minute after the loss.
      const until = s.scheduler.now() + IDENTIFY_AFTER_LOSS_MS;
      while (s.scheduler.now() < until && b.shardIds.length < 2) {
        await stepAll(s, valves);
      }
      await pollUntil("b runs both shards", () => b.shardIds.length === 2);
      await pollUntil("the shard identified", () => identified().length === 1);
      assert.ok(
        identified()[0]!.at >= downAt + IDENTIFY_AFTER_LOSS_MS - 10_000,
        "identified before the wait was over",
      );
    });
  },
);
