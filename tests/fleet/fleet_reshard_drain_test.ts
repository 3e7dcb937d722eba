// The old set of a fleet reshard after the switch (see retiring_sets.ts):
// each old shard closes once it read what Discord sent it before the switch
// (a reconnecting one after its RESUME's replay), in the background of the
// tick, so the tick's lease renewal never waits on a socket.
import assert from "node:assert/strict";
import { membersTest, T0 } from "./_fleet_reshard_members.ts";

membersTest(
  "FleetShards: an old shard reconnecting at the switch RESUMEs, and its replay is delivered before it closes",
  {
    count: 2,
    members: 2,
    leaseTtlMs: 15_000,
    renewMs: [5_000],
    heartbeatInterval: 41_250,
  },
  async (s) => {
    await s.start();
    await s.run(2_000);
    await s.members[0]!.fleet.reshard(4, { sessionStartsLeft: 100 });
    await s.run(6_000);
    // Old shard 0 is cut off (its resume URL unreachable) from before its
    // new shard identifies until after the switch.
    const owner = s.members.find((m) => m.fleet.shardIds.includes(0))!;
    owner.outage.add("resume");
    assert.equal(s.gateway.dropConnection({ shardId: 0 }), 1);
    await s.until(
      "both switched",
      () => s.members.every((m) => m.fleet.shardCount === 4),
    );
    await s.run(1_000);
    owner.outage.delete("resume");
    await s.run(10_000);
    const resumed = s.gateway.log.filter((e) => e.type === "resume");
    assert.equal(resumed.length, 1, "the old shard resumed its session");
    assert.deepEqual(s.tally(), { lost: [], twice: [] });
  },
);

membersTest(
  "FleetShards: frames an old shard had not read at the switch are delivered before it closes",
  {
    count: 2,
    members: 2,
    leaseTtlMs: 3_000,
    renewMs: [1_000],
    heartbeatInterval: 41_250,
    fastClose: true,
  },
  async (s) => {
    await s.start();
    await s.run(2_000);
    // A reads its old shards' frames 1.9 s late: at its switch, frames of
    // events sent before the new shards identified are still unread.
    s.members[0]!.lag.set(2, 1_900);
    await s.members[0]!.fleet.reshard(4, { sessionStartsLeft: 100 });
    await s.until(
      "both switched",
      () => s.members.every((m) => m.fleet.shardCount === 4),
    );
    await s.run(7_900);
    s.members[0]!.lag.set(2, 0);
    await s.run(2_000, false);
    assert.deepEqual(s.tally(), { lost: [], twice: [] });
  },
);

membersTest(
  "FleetShards: the switch's tick renews the leases without waiting for the old shards to close",
  {
    count: 2,
    members: 2,
    leaseTtlMs: 15_000,
    renewMs: [5_000],
  },
  async (s) => {
    await s.start();
    await s.run(2_000);
    // A's old sockets answer 5 s late, their closes too.
    const a = s.members[0]!;
    a.lag.set(2, 5_000);
    await a.fleet.reshard(4, { sessionStartsLeft: 100 });
    await s.until("A switched", () => a.fleet.shardCount === 4);
    const switchedAt = s.scheduler.now() - T0;
    await s.run(20_000);
    // The lease guard stopped no new shard: none had to RESUME.
    const resumed = s.gateway.log.filter((e) => e.type === "resume");
    assert.deepEqual(resumed, [], `switched at ${switchedAt}`);
    assert.equal(s.activeOf(4), 4);
    assert.deepEqual(s.tally(), { lost: [], twice: [] });
  },
);
