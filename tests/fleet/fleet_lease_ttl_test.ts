// Processes of one fleet configured with different `leaseTtlMs` (a rolling
// config change, a typo in one deployment): a lease expiring further ahead
// than twice a reader's TTL looked like a ghost to it, and a membership too,
// so a process with the shorter TTL took the other's running shards, or
// dropped the other's membership and kept every shard. The fleet's TTL lives in Redis: the first
// process stores it, and one whose option differs runs with it, saying so.
// On a VirtualScheduler (leases on its clock) against the test Redis.
import assert from "node:assert/strict";
import type { FleetShards } from "../../fleet/fleet_shards.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { pollUntil } from "../_fakes/fleet_scene.ts";
import {
  type Scene,
  scene,
  server,
  stepAll,
  Valve,
} from "./fleet_run_guard_scene.ts";

/** Sessions the fake gateway has connected now, by shard id. */
function activeShards(s: Scene): number[] {
  return s.gateway.sessions.filter((x) => x.state === "active")
    .map((x) => x.shard?.[0] ?? -1).sort((a, b) => a - b);
}

/**
 * `first` runs both shards alone, then `second` joins: for 20 s, no shard
 * is held by both or connected twice, and they end with one each.
 */
async function joinWithoutTakingOver(
  first: { leaseTtlMs: number; renewMs: number },
  second: { leaseTtlMs: number; renewMs: number },
): Promise<string[]> {
  const s = await scene();
  const valves = [new Valve(), new Valve()];
  try {
    return await captureStderr(async () => {
      const a = await s.member(valves[0]!, first);
      await a.start();
      // A fleet's first start takes shards a lease TTL after it (up to 9 s).
      for (let i = 0; i < 12 && a.shardIds.length < 2; i++) {
        await stepAll(s, valves);
      }
      assert.deepEqual(a.shardIds, [0, 1]);
      await pollUntil(
        "both shards connected",
        () => activeShards(s).length === 2,
      );
      const b: FleetShards = await s.member(valves[1]!, second);
      await b.start();
      // 20 s at least, then until the share settles (a hand-over's timing
      // varies with Redis's answers): never held or connected twice.
      const balanced = () => a.shardIds.length === 1 && b.shardIds.length === 1;
      for (let i = 0; i < 20 || (i < 40 && !balanced()); i++) {
        await stepAll(s, valves);
        const ids = [...a.shardIds, ...b.shardIds];
        assert.equal(new Set(ids).size, ids.length, `held twice: ${ids}`);
        const active = activeShards(s);
        assert.equal(
          new Set(active).size,
          active.length,
          `connected twice at ${i} s: ${active}`,
        );
      }
      assert.equal(a.shardIds.length, 1);
      assert.equal(b.shardIds.length, 1);
    });
  } finally {
    await s.teardown();
  }
}

Deno.test({
  name:
    "FleetShards: a process with a shorter leaseTtlMs does not take the running shards of one with a longer TTL",
  ignore: server.ignore,
  fn: async () => {
    const lines = await joinWithoutTakingOver(
      { leaseTtlMs: 9_000, renewMs: 1_000 },
      { leaseTtlMs: 3_000, renewMs: 1_000 },
    );
    assert.ok(
      lines.some((l) => /leaseTtlMs.*3000.*9000/.test(l)),
      lines.join("\n"),
    );
  },
});

Deno.test({
  name:
    "FleetShards: a process with a longer leaseTtlMs gets its share from one with a shorter TTL (its membership looked like a ghost to it, so it got none)",
  ignore: server.ignore,
  fn: async () => {
    const lines = await joinWithoutTakingOver(
      { leaseTtlMs: 3_000, renewMs: 1_000 },
      { leaseTtlMs: 9_000, renewMs: 1_000 },
    );
    assert.ok(
      lines.some((l) => /leaseTtlMs.*9000.*3000/.test(l)),
      lines.join("\n"),
    );
  },
});
