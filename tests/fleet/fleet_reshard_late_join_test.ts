// A process that takes up a shard count it did not switch to (started
// right after the flip, or frozen or cut off through the reshard's
// request) filters duplicates as the switching members do while their old
// sets may still drain: without it, it neither recorded nor checked its
// events in the fleet's filter, and those old sets delivered again what
// its new shards had (171 duplicates in a reviewer's run of real
// processes). See reshard_overlap.ts (ReshardOverlap.took).
import assert from "node:assert/strict";
import { membersTest } from "./_fleet_reshard_members.ts";

membersTest(
  "FleetShards: a process started right after a flip delivers nothing the others' draining old shards deliver too",
  {
    count: 2,
    members: 3,
    leaseTtlMs: 15_000,
    renewMs: [1_000],
    heartbeatInterval: 41_250,
  },
  async (s) => {
    const [a, b, late] = s.members;
    await a!.fleet.start();
    await b!.fleet.start();
    await s.until("2 shards run", () => s.activeOf(2) === 2, 60_000, false);
    await s.run(2_000);
    await a!.fleet.reshard(6, { sessionStartsLeft: 100 });
    await s.until(
      "both switched",
      () => a!.fleet.shardCount === 6 && b!.fleet.shardCount === 6,
    );
    await late!.fleet.start(); // with the old count, 2, as its option
    assert.equal(late!.fleet.shardCount, 6);
    await s.until("it runs new shards", () => late!.fleet.shardIds.length > 0);
    await s.run(10_000);
    await s.run(3_000, false);
    assert.deepEqual(s.tally(), { lost: [], twice: [] });
  },
);
