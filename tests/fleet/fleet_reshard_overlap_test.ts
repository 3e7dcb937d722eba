// Members of a fleet whose renewal periods differ, a reshard asked right
// after another's flip, and a session start budget that runs out during a
// reshard (see reshard_overlap.ts, chained_duplicate_filter.ts and
// reshard_budget_watch.ts).
import assert from "node:assert/strict";
import { membersTest } from "./_fleet_reshard_members.ts";

membersTest(
  "FleetShards: no new shard is taken before a slower-renewing member filters duplicates",
  {
    count: 2,
    members: 2,
    leaseTtlMs: 15_000,
    renewMs: [1_000, 5_000],
    heartbeatInterval: 41_250,
  },
  async (s) => {
    await s.start();
    await s.run(2_000);
    await s.members[0]!.fleet.reshard(4, { sessionStartsLeft: 100 });
    await s.until(
      "both switched",
      () => s.members.every((m) => m.fleet.shardCount === 4),
    );
    await s.run(5_000);
    assert.deepEqual(s.tally(), { lost: [], twice: [] });
  },
);

membersTest(
  "FleetShards: a reshard asked right after a flip still drops the copies of a member not switched yet",
  {
    count: 2,
    members: 2,
    leaseTtlMs: 15_000,
    renewMs: [1_000, 5_000],
    heartbeatInterval: 41_250,
  },
  async (s) => {
    await s.start();
    await s.run(2_000);
    await s.members[0]!.fleet.reshard(4, { sessionStartsLeft: 100 });
    await s.until(
      "one switched",
      () => s.members.some((m) => m.fleet.shardCount === 4),
    );
    const first = s.members.find((m) => m.fleet.shardCount === 4)!;
    await first.fleet.reshard(8, { sessionStartsLeft: 100 });
    await s.until(
      "all on 8",
      () =>
        s.members.every((m) =>
          m.fleet.shardCount === 8 && m.fleet.resharding === undefined
        ),
      200_000,
    );
    await s.run(10_000);
    await s.run(3_000, false);
    assert.deepEqual(s.tally(), { lost: [], twice: [] });
  },
);

membersTest(
  "FleetShards: a reshard whose new shard would wait for the session start budget's reset is given up",
  {
    count: 2,
    members: 2,
    leaseTtlMs: 15_000,
    renewMs: [5_000],
    heartbeatInterval: 41_250,
    limit: {
      total: 1_000,
      remaining: 6,
      reset_after: 86_400_000,
      max_concurrency: 16,
    },
  },
  async (s) => {
    await s.start();
    await s.run(2_000);
    await s.members[0]!.fleet.reshard(4); // the queue's budget: 4 of 4 left
    // An old shard's session ends: it identifies again, with a start the
    // reshard counted on.
    assert.equal(s.gateway.invalidateSession(false, { shardId: 1 }), 1);
    await s.run(30_000);
    for (const m of s.members) {
      assert.equal(m.fleet.resharding, undefined, m.name);
      assert.equal(m.fleet.shardCount, 2, m.name);
    }
    assert.equal(s.activeOf(4), 0);
  },
);
