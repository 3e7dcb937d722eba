// After Redis loses the fleet's keys, the count a process writes back wins
// by its epoch (how many flips the fleet had made when the process learnt
// it): a process cut off through a reshard, or lagging behind its flip,
// loses to one that switched, however the syncs are ordered, and a
// running process's count is firm at once (a second loss within a seed's
// minute then let a process with an old option write its count for good).
// On a VirtualScheduler (leases on its clock) against the test Redis.
import assert from "node:assert/strict";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { deleteKeys } from "../_fakes/fleet_scene.ts";
import type { FleetShards } from "../../fleet/mod.ts";
import {
  established,
  isLeaseTick,
  runningIds,
  type Scene,
  stepAll,
  twoRunning,
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

/**
 * a reshards 2 to 4 while p is cut off from Redis (its commands failing at
 * once, or held: a stalled link, whose sync sent before p's guard fired
 * reaches Redis only after the loss, as ioredis sends again what was in
 * flight); with `fleetDown`, Redis then restarts with everyone cut off for
 * longer than a TTL. Redis comes back empty and p reaches it first: the
 * fleet must stay on 4, past a provisional seed's minute.
 */
async function cutOffThroughReshard(
  s: Scene,
  valves: Valve[],
  how: { stall: boolean; fleetDown: boolean },
): Promise<void> {
  await captureStderr(async () => {
    // p renews every 250 ms: its sync after the loss comes first.
    const [a, p] = await twoRunning(s, valves, { renewMs: 250 });
    if (how.stall) valves[1]!.hold = () => true;
    else valves[1]!.down = true; // p's guard stops its shards
    for (let i = 0; i < 6; i++) await stepAll(s, valves);
    await a.reshard(4, { sessionStartsLeft: 100 });
    for (let i = 0; i < 150 && a.shardIds.length < 4; i++) {
      await stepAll(s, valves);
    }
    assert.equal(a.shardCount, 4);
    assert.equal(p.shardCount, 2);
    if (how.fleetDown) {
      valves[0]!.down = true;
      for (let i = 0; i < 5; i++) await stepAll(s, valves);
    }
    await deleteKeys(s.direct, s.prefix); // Redis restarts empty...
    valves[0]!.down = false;
    valves[1]!.down = false;
    valves[1]!.open(); // ...and p reaches it first
    await staysOn(s, valves, a, 4, 70);
    assert.equal(p.shardCount, 4);
  });
}

/**
 * a and f run 2 shards and reshard through `counts`; then f freezes (its
 * valve holds every command), a closes and Redis loses its keys. Returns f.
 */
async function frozenThroughLoss(
  s: Scene,
  va: Valve,
  vf: Valve,
  counts: number[],
): Promise<FleetShards> {
  const [a, f] = await twoRunning(s, [va, vf]);
  for (const count of counts) {
    await a.reshard(count, { sessionStartsLeft: 100 });
    for (
      let i = 0;
      i < 150 && !(f.shardCount === count &&
        runningIds([a, f]).length === count);
      i++
    ) await stepAll(s, [va, vf]);
    assert.equal(f.shardCount, count);
  }
  vf.hold = () => true; // f frozen (SIGSTOP, a stalled link)
  for (let i = 0; i < 6; i++) await stepAll(s, [va, vf]);
  await a.close(); // the rest of the fleet restarts...
  await deleteKeys(s.direct, s.prefix); // ...as Redis loses its keys
  return f;
}

/** One process of an established fleet, running its 4 shards. */
async function runningFour(s: Scene, valve: Valve): Promise<FleetShards> {
  const a = await s.member(valve, { shardCount: 4 });
  await established(s, a);
  await a.start();
  for (let i = 0; i < 10 && a.shardIds.length < 4; i++) {
    await stepAll(s, [valve]);
  }
  assert.deepEqual(a.shardIds, [0, 1, 2, 3]);
  return a;
}

valvesTest(
  "FleetShards: a process cut off from Redis through a whole reshard, first to reach it after Redis lost its keys, does not take the fleet back to the count it left",
  2,
  (s, valves) =>
    cutOffThroughReshard(s, valves, { stall: false, fleetDown: false }),
);

valvesTest(
  "FleetShards: nor when its link stalled, and the sync it sent before its guard fired reaches the empty Redis",
  2,
  (s, valves) =>
    cutOffThroughReshard(s, valves, { stall: true, fleetDown: false }),
);

valvesTest(
  "FleetShards: nor when Redis restarted with the whole fleet cut off past a TTL (each unsure of its count, they put theirs back over each other for a minute, running both counts)",
  2,
  (s, valves) =>
    cutOffThroughReshard(s, valves, { stall: false, fleetDown: true }),
);

valvesTest(
  "FleetShards: a second loss within a minute of a first during a reshard does not let a process with an old option write its count",
  2,
  async (s, valves) => {
    await captureStderr(async () => {
      const a = await runningFour(s, valves[0]!);
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
      const a = await runningFour(s, valves[0]!);
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

valvesTest(
  "FleetShards: a process frozen through a loss, back with the count of a reshard from before it, does not undo a reshard made after it by processes started since (the epoch is the flip's time, not a count of flips started again with the keys)",
  3,
  async (s, valves) => {
    const [va, vf, vn] = valves as [Valve, Valve, Valve];
    await captureStderr(async () => {
      const f = await frozenThroughLoss(s, va, vf, [3, 4]);
      const n = await s.member(vn, { shardCount: 4 });
      await n.start();
      for (let i = 0; i < 75; i++) await stepAll(s, [vn, vf]); // seed holds
      await n.reshard(5, { sessionStartsLeft: 100 });
      // Bounded by steps (a new shard may wait a minute after three
      // refused IDENTIFYs); what it waited on is said if it fails.
      for (let i = 0; i < 240 && n.shardIds.length < 5; i++) {
        await stepAll(s, [vn, vf]);
      }
      const generation = await s.direct.hgetall(`${s.prefix}:fleet:generation`);
      const last = s.gateway.log.slice(-12).map((e) =>
        `${e.type}${"shard" in e ? `[${e.shard}]` : ""}`
      );
      assert.equal(
        n.shardCount,
        5,
        `${
          JSON.stringify(generation)
        } n=${n.shardIds} next=${n.resharding?.shardIds} ${last}`,
      );
      vf.open();
      await staysOn(s, [vn, vf], n, 5, 20);
      assert.equal(f.shardCount, 5);
    });
  },
);

valvesTest(
  "FleetShards: a newcomer's seed that held (no running process contradicted it) is not undone by a process frozen through the loss, back minutes later with the count of an older reshard",
  3,
  async (s, valves) => {
    const [va, vf, vn] = valves as [Valve, Valve, Valve];
    await captureStderr(async () => {
      const f = await frozenThroughLoss(s, va, vf, [3]);
      const n = await s.member(vn, { shardCount: 2 });
      await n.start();
      for (let i = 0; i < 180; i++) await stepAll(s, [vn, vf]);
      assert.deepEqual(n.shardIds, [0, 1]);
      vf.open();
      await staysOn(s, [vn, vf], n, 2, 15);
      assert.equal(f.shardCount, 2);
    });
  },
);

valvesTest(
  "FleetShards: a process of a long-TTL fleet cut off from Redis over a newcomer's seed minute, its shards still safe on its last renewal, puts its count back over the seed that held (the fleet's count was the newcomer's for good)",
  2,
  async (s, valves) => {
    const [va, vn] = valves as [Valve, Valve];
    await captureStderr(async () => {
      await s.direct.hset(`${s.prefix}:fleet:generation`, {
        count: "3",
        lease_ttl: "180000",
        epoch: "900000",
        epoch_stamped: "flip",
      });
      const a = await s.member(va, {
        shardCount: 3,
        leaseTtlMs: 180_000,
        renewMs: 60_000,
      });
      await a.start();
      for (let i = 0; i < 20 && a.shardIds.length < 3; i++) {
        await stepAll(s, [va]);
      }
      // Cut off right after a renewal: its shards are safe for 120 s.
      const ticks = () => va.sent.filter(isLeaseTick).length;
      const first = ticks();
      for (let i = 0; i < 130 && ticks() < first + 2; i++) {
        await stepAll(s, [va]);
      }
      va.hold = () => true;
      await deleteKeys(s.direct, s.prefix); // Redis loses its keys
      const n = await s.member(vn, { shardCount: 2 });
      await n.start();
      for (let i = 0; i < 75; i++) await stepAll(s, [vn]); // the seed holds
      assert.deepEqual(a.shardIds, [0, 1, 2]);
      va.open();
      await staysOn(s, [va, vn], a, 3, 10);
      assert.equal(n.shardCount, 3);
    });
  },
);
