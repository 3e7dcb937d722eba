// The keys of shard counts a fleet has left behind (switched away from) or
// given up (a cancelled reshard) are deleted a grace after it
// (retiredKeysGraceMs), and a switch to fewer shards forgets the sessions
// of the shards past the new count: a bot that reshards again and again
// keeps one count's keys, not one set per reshard. On a VirtualScheduler
// (the leases' clock) against the test Redis, through a valve (see
// fleet_run_guard_scene.ts).
import assert from "node:assert/strict";
import type { FleetShards } from "../../fleet/fleet_shards.ts";
import { retiredKeysGraceMs } from "../../fleet/fleet_generation.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { pollUntil } from "../_fakes/fleet_scene.ts";
import {
  type Scene,
  sceneTest,
  step,
  type Valve,
} from "./fleet_run_guard_scene.ts";

const TTL = 3_000;

/**
 * Step a second at a time (at most four minutes: a new shard whose IDENTIFY
 * met another's in its bucket three times in a row waits about a minute,
 * and two minutes ran out once) until `done()`.
 */
async function stepUntil(
  s: Scene,
  valve: Valve,
  what: string,
  done: () => boolean,
): Promise<void> {
  for (let i = 0; i < 240 && !done(); i++) await step(s, valve, 1_000);
  // The gateway's last IDENTIFYs, for a run that fails so.
  const identifies = s.gateway.log.map((e) =>
    e as { type: string; at: number; shard?: number[]; outcome?: string }
  ).filter((e) => e.type === "identify").slice(-8)
    .map((e) => `${e.at} ${e.shard} ${e.outcome}`);
  assert.ok(done(), `${what}; last IDENTIFYs: ${identifies.join(", ")}`);
}

/** Reshard `fleet` (its only process) to `count` and wait for the switch. */
async function reshardTo(
  s: Scene,
  valve: Valve,
  fleet: FleetShards,
  count: number,
): Promise<void> {
  await fleet.reshard(count);
  await stepUntil(
    s,
    valve,
    `switched to ${count}`,
    () =>
      fleet.shardCount === count && fleet.resharding === undefined &&
      fleet.shardIds.length === count,
  );
}

/** The fleet's keys of one shard count, by count (`<prefix>:<n>:...`). */
async function countKeys(s: Scene): Promise<Record<string, string[]>> {
  const fleet = `${s.prefix}:fleet:`;
  const byCount: Record<string, string[]> = {};
  for (const key of (await s.direct.keys(`${fleet}*`)).sort()) {
    const [count, rest] = key.slice(fleet.length).split(/:(.*)/);
    if (!/^\d+$/.test(count!)) continue;
    (byCount[count!] ??= []).push(rest!);
  }
  return byCount;
}

sceneTest(
  "FleetShards: after reshards 1 -> 2 -> 3 -> 4 -> 2 and a cancelled reshard to 5, only the running count's leases and members remain once retiredKeysGraceMs has passed, and the session store holds no shard past the count",
  async (s, valve) => {
    await captureStderr(async () => {
      const fleet = await s.member(valve, {
        shardCount: 1,
        leaseTtlMs: TTL,
        redisStore: true,
      });
      await fleet.start();
      await stepUntil(
        s,
        valve,
        "shard 0 runs",
        () => fleet.shardIds.length === 1,
      );
      for (const count of [2, 3, 4, 2]) await reshardTo(s, valve, fleet, count);
      // Resharded down: shards 2 and 3 (of 4) are not the fleet's.
      const stored = JSON.parse(
        await s.direct.get(`${s.prefix}:sessions`) ?? "{}",
      ) as Record<string, { shard_count: number }>;
      assert.deepEqual(Object.keys(stored).sort(), ["0", "1"]);
      assert.ok(Object.values(stored).every((x) => x.shard_count === 2));
      await fleet.reshard(5);
      await stepUntil(
        s,
        valve,
        "new shards of 5 running",
        () => (fleet.resharding?.shardIds.length ?? 0) === 5,
      );
      // Its sessions are saved in the set's own keys; then it is given up.
      const sessionsOf5 = `${s.prefix}:fleet:5:sessions`;
      for (let i = 0; i < 30 && !await s.direct.exists(sessionsOf5); i++) {
        await step(s, valve, 1_000);
      }
      assert.equal(await s.direct.exists(sessionsOf5), 1);
      assert.equal(await fleet.cancelReshard(5), true);
      await stepUntil(
        s,
        valve,
        "the reshard given up",
        () => fleet.resharding === undefined,
      );
      const before = await countKeys(s);
      assert.ok(Object.keys(before).length > 1, JSON.stringify(before));
      // The grace, and a tick to sweep.
      const grace = retiredKeysGraceMs(TTL);
      for (let ms = 0; ms <= grace + 2_000; ms += 1_000) {
        await step(s, valve, 1_000);
      }
      await pollUntil(
        "Redis answered",
        () => valve.answered === valve.sent.length,
      );
      assert.deepEqual(await countKeys(s), { 2: ["leases", "members"] });
      assert.equal(await s.direct.exists(`${s.prefix}:fleet:retired`), 0);
      assert.deepEqual(fleet.shardIds, [0, 1], "the fleet runs on");
    });
  },
);
