// Redis loses the fleet's keys after the fleet resharded, and a process that
// starts then (its `shardCount` option the count before the reshard) is the
// first to find no count: it must not move the running fleet back to its
// option. The count live processes run wins over the one a newcomer seeds.
// On a VirtualScheduler (leases on its clock) against the test Redis.
import assert from "node:assert/strict";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { deleteKeys } from "../_fakes/fleet_scene.ts";
import {
  isSync,
  runningIds,
  type Scene,
  stepAll,
  twoRunning,
  type Valve,
  valvesTest,
} from "./fleet_run_guard_scene.ts";

valvesTest(
  "FleetShards: a process started after Redis lost its keys does not undo the fleet's reshard by seeding its older shardCount",
  2,
  async (s, valves) => {
    await captureStderr(async () => {
      const a = await s.member(valves[0]!, { shardCount: 2 });
      await a.start();
      // A first start takes shards a lease TTL (3 s) after it.
      for (let i = 0; i < 5 && a.shardIds.length < 2; i++) {
        await stepAll(s, valves);
      }
      assert.deepEqual(a.shardIds, [0, 1]);
      // The fleet moves to 4 shards (the option stays 2 everywhere).
      // Bounded by steps, not by one count of them: the new set's
      // IDENTIFYs and readiness take a varying number of renewals.
      await a.reshard(4, { sessionStartsLeft: 100 });
      for (let i = 0; i < 60 && a.shardCount !== 4; i++) {
        await stepAll(s, valves);
      }
      assert.equal(a.shardCount, 4);
      for (let i = 0; i < 10 && a.shardIds.length !== 4; i++) {
        await stepAll(s, valves);
      }
      assert.deepEqual(a.shardIds, [0, 1, 2, 3]);
      const before = s.gateway.log.length;
      // Redis restarts empty; a process configured with the old count
      // starts before the running one renews, and renews more often: its
      // second tick comes before the running process's next. Taking
      // shards then, it ran the old count's shards 0 and 1 (its seed still
      // stood) beside the running ones, until that process put its count
      // back: nobody takes a shard for a TTL after a count written afresh.
      await deleteKeys(s.direct, s.prefix);
      const b = await s.member(valves[1]!, { shardCount: 2, renewMs: 250 });
      await b.start();
      for (let i = 0; i < 8; i++) {
        await stepAll(s, valves);
        assert.equal(a.shardCount, 4, `a moved back at step ${i}`);
        const ids = runningIds([a, b]);
        assert.equal(
          new Set(ids).size,
          ids.length,
          `run twice: ${ids} at ${i}`,
        );
      }
      assert.equal(b.shardCount, 4);
      assert.deepEqual(runningIds([a, b]), [0, 1, 2, 3]);
      assert.equal(
        await s.direct.hget(`${s.prefix}:fleet:generation`, "count"),
        "4",
      );
      // No shard of the old count was started again.
      const since = s.gateway.log.slice(before);
      assert.deepEqual(
        since.filter((e) => e.type === "identify" && e.shard?.[1] === 2),
        [],
      );
    });
  },
);

/**
 * Two processes reshard from 2 to 4; b's reads lag past the flip, so a
 * switches alone; then Redis restarts empty (with `newcomer`, a process
 * configured with 1 shard starts first and seeds its count): the fleet
 * must end at 4 without a shard of the old count identified again.
 */
async function lossAfterFlip(
  s: Scene,
  valves: Valve[],
  newcomer: boolean,
  fleetDown = false,
): Promise<void> {
  const generation = `${s.prefix}:fleet:generation`;
  await captureStderr(async () => {
    // b renews every 250 ms: its read after the loss comes first.
    const [a, b] = await twoRunning(s, valves, { renewMs: 250 });
    await a.reshard(4, { sessionStartsLeft: 100 });
    // From the flip on, b reads the count as before it (a process whose
    // read came just before the flip: the epoch before the flip's too), so
    // a switches alone.
    valves[1]!.rewrite = (command, answer) => {
      if (!isSync(command)) return answer;
      const [count, , ...rest] = answer as number[];
      const epoch = rest.pop()!;
      return count === 4 ? [2, 4, ...rest, epoch - 1] : answer;
    };
    for (let i = 0; i < 60 && a.shardCount !== 4; i++) {
      await stepAll(s, valves);
    }
    assert.equal(a.shardCount, 4);
    assert.equal(b.shardCount, 2);
    if (fleetDown) {
      // Redis restarts with every process cut off past a TTL.
      for (const valve of valves) valve.down = true;
      for (let i = 0; i < 5; i++) await stepAll(s, valves);
      for (const valve of valves) valve.down = false;
    }
    await deleteKeys(s.direct, s.prefix); // Redis restarts empty
    valves[1]!.rewrite = undefined;
    const before = s.gateway.log.length;
    if (newcomer) {
      await (await s.member(valves[2]!, { shardCount: 1 })).start();
      assert.equal(await s.direct.hget(generation, "count"), "1");
    }
    for (let i = 0; i < 40; i++) {
      await stepAll(s, valves, 250);
      assert.equal(a.shardCount, 4, `a went back at step ${i}`);
    }
    assert.equal(b.shardCount, 4);
    assert.equal(await s.direct.hget(generation, "count"), "4");
    const since = s.gateway.log.slice(before);
    assert.deepEqual(
      since.filter((e) => e.type === "identify" && e.shard?.[1] !== 4),
      [],
      "a shard of another count identified",
    );
  });
}

valvesTest(
  "FleetShards: Redis losing its keys right after a reshard's flip, before every process switched, does not take the switched fleet back (the one still on the old count knows an older epoch of it)",
  3,
  (s, valves) => lossAfterFlip(s, valves, false),
);

valvesTest(
  "FleetShards: nor when a newcomer seeds its own count first (the one still on the old count puts it back over the seed, and the switched one its count of a later epoch over that)",
  3,
  (s, valves) => lossAfterFlip(s, valves, true),
);

valvesTest(
  "FleetShards: nor when Redis restarted with every process cut off past a TTL (neither sure of its count, they put theirs back over each other for a minute, running both counts)",
  3,
  (s, valves) => lossAfterFlip(s, valves, false, true),
);
