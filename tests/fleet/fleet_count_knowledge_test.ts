// After Redis loses the fleet's keys, a process writes back the count it
// runs as the fleet's (firm) only when it knows that count is still the
// fleet's: not when Redis did not answer it for a TTL (it may have missed a
// reshard), and not while the count it runs is only provisional (a second
// loss then let a process with an old option write its count for good).
// On a VirtualScheduler (leases on its clock) against the test Redis.
import assert from "node:assert/strict";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { deleteKeys } from "../_fakes/fleet_scene.ts";
import type { FleetShards } from "../../fleet/mod.ts";
import {
  established,
  runningIds,
  type Scene,
  stepAll,
  type Valve,
  valvesTest,
} from "./fleet_run_guard_scene.ts";

/**
 * Step every valve for `steps` steps of `ms`, asserting that `fleet` stays
 * on `count` and Redis ends on it, and that no shard of another count was
 * identified meanwhile.
 */
async function staysOn(
  s: Scene,
  valves: Valve[],
  fleet: FleetShards,
  count: number,
  steps: number,
  ms?: number,
): Promise<void> {
  const before = s.gateway.log.length;
  for (let i = 0; i < steps; i++) {
    await stepAll(s, valves, ms);
    assert.equal(fleet.shardCount, count, `went back at step ${i}`);
  }
  assert.equal(
    await s.direct.hget(`${s.prefix}:fleet:generation`, "count"),
    String(count),
  );
  const since = s.gateway.log.slice(before);
  assert.deepEqual(
    since.filter((e) => e.type === "identify" && e.shard?.[1] !== count),
    [],
    "a shard of another count identified",
  );
}

valvesTest(
  "FleetShards: a process cut off from Redis through a whole reshard, first to reach it after Redis lost its keys, does not take the fleet back to the count it left",
  2,
  async (s, valves) => {
    await captureStderr(async () => {
      const a = await s.member(valves[0]!, { shardCount: 2 });
      // p renews every 250 ms: its sync after the loss comes first.
      const p = await s.member(valves[1]!, { shardCount: 2, renewMs: 250 });
      await established(s, a);
      await a.start();
      await p.start();
      for (let i = 0; i < 10 && runningIds([a, p]).length < 2; i++) {
        await stepAll(s, valves);
      }
      assert.deepEqual(runningIds([a, p]), [0, 1]);
      valves[1]!.down = true; // p's guard stops its shards
      for (let i = 0; i < 6; i++) await stepAll(s, valves);
      await a.reshard(4, { sessionStartsLeft: 100 });
      for (let i = 0; i < 150 && a.shardIds.length < 4; i++) {
        await stepAll(s, valves);
      }
      assert.equal(a.shardCount, 4);
      assert.equal(p.shardCount, 2);
      await deleteKeys(s.direct, s.prefix); // Redis restarts empty...
      valves[1]!.down = false; // ...and p reaches it first
      await staysOn(s, valves, a, 4, 16, 250);
      assert.equal(p.shardCount, 4);
    });
  },
);

valvesTest(
  "FleetShards: a second loss while the count put back after a first is provisional (a reshard was running at the first) does not let a process with an old option write its count",
  2,
  async (s, valves) => {
    await captureStderr(async () => {
      const a = await s.member(valves[0]!, { shardCount: 4 });
      await established(s, a);
      await a.start();
      for (let i = 0; i < 10 && a.shardIds.length < 4; i++) {
        await stepAll(s, [valves[0]!]);
      }
      assert.deepEqual(a.shardIds, [0, 1, 2, 3]);
      await a.reshard(8, { sessionStartsLeft: 100 });
      await stepAll(s, [valves[0]!]);
      assert.equal(a.resharding?.shardCount, 8);
      await deleteKeys(s.direct, s.prefix); // the reshard is lost...
      for (let i = 0; i < 10; i++) await stepAll(s, [valves[0]!]);
      assert.equal(a.shardCount, 4);
      await deleteKeys(s.direct, s.prefix); // ...and Redis again, 10 s on
      const old = await s.member(valves[1]!, { shardCount: 2 });
      await old.start();
      await staysOn(s, valves, a, 4, 8, 500);
      assert.equal(old.shardCount, 4);
    });
  },
);

valvesTest(
  "FleetShards: a newcomer seeding the fleet's own count after a loss makes it firm as soon as a running process syncs, so a second loss does not let a process with an old option write its count",
  3,
  async (s, valves) => {
    await captureStderr(async () => {
      const a = await s.member(valves[0]!, { shardCount: 4 });
      await established(s, a);
      await a.start();
      for (let i = 0; i < 10 && a.shardIds.length < 4; i++) {
        await stepAll(s, [valves[0]!]);
      }
      assert.deepEqual(a.shardIds, [0, 1, 2, 3]);
      await deleteKeys(s.direct, s.prefix);
      const same = await s.member(valves[1]!, { shardCount: 4 });
      await same.start(); // seeds 4 before a syncs
      await stepAll(s, valves.slice(0, 2));
      assert.equal(
        await s.direct.hget(`${s.prefix}:fleet:generation`, "seeded"),
        null,
      );
      for (let i = 0; i < 20; i++) await stepAll(s, valves.slice(0, 2));
      await deleteKeys(s.direct, s.prefix); // 20 s on, Redis again
      const old = await s.member(valves[2]!, { shardCount: 2 });
      await old.start();
      await staysOn(s, valves, a, 4, 6, 500);
      assert.equal(old.shardCount, 4);
    });
  },
);
