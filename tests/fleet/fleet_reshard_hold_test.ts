// How long a reshard's duplicate filter and an old set's leases outlive
// the switch (see reshard_overlap.ts and retiring_sets.ts): the filter
// while any member's old set may still drain, dropped after a close()
// during a drain too, and an old set's leases kept when the fleet reshards
// back to its count while it drains.
import assert from "node:assert/strict";
import type { RedisConnection } from "../../redis/connection.ts";
import { membersTest } from "./_fleet_reshard_members.ts";

/** Entries in the duplicate filter's keys under `key`. */
async function filterEntries(
  redis: RedisConnection,
  key: string,
): Promise<number> {
  let entries = 0;
  for (const k of await redis.keys(`${key}*`)) {
    const type = await redis.type(k);
    if (type === "set") entries += await redis.scard(k);
    if (type === "hash") entries += await redis.hlen(k);
    if (type === "zset") entries += await redis.zcard(k);
  }
  return entries;
}

membersTest(
  "FleetShards: a member's filter outlives its own drain while another member's old set still drains: no event delivered twice",
  {
    count: 2,
    members: 2,
    leaseTtlMs: 3_000,
    renewMs: [1_000],
    heartbeatInterval: 41_250,
  },
  async (s) => {
    await s.start();
    await s.run(500);
    await s.members[0]!.fleet.reshard(4, { sessionStartsLeft: 100 });
    await s.until(
      "both switched",
      () => s.members.every((m) => m.fleet.shardCount === 4),
    );
    // The members' old shards prove they read everything up to a heartbeat
    // interval apart: the first done dropped its filter 2 TTLs later, and
    // the other's old set delivered the new sets' events as unseen.
    for (let t = 0; t < 150_000 && s.activeOf(2) > 0; t += 500) {
      await s.run(500);
    }
    await s.run(10_000);
    await s.run(3_000, false);
    assert.equal(s.activeOf(2), 0);
    assert.deepEqual(s.tally(), { lost: [], twice: [] });
  },
);

membersTest(
  "FleetShards: close() during an old set's drain, then start(): the duplicate filter is dropped once the reshard is over",
  {
    count: 2,
    members: 1,
    leaseTtlMs: 3_000,
    renewMs: [1_000],
    // Discord's: an old shard's barrier passes at its first heartbeat ACK
    // after the switch, so a short interval could end the drain before
    // close() comes.
    heartbeatInterval: 41_250,
  },
  async (s) => {
    const m = s.members[0]!;
    await s.start();
    await s.run(2_000);
    await m.fleet.reshard(4, { sessionStartsLeft: 100 });
    await s.until("switched", () => m.fleet.shardCount === 4);
    await s.run(500);
    assert.ok(s.activeOf(2) > 0, "the old set drains");
    let closed = false;
    const closing = m.fleet.close().finally(() => closed = true);
    while (!closed) await s.run(50, false, 50);
    await closing;
    await m.fleet.start();
    // Well past the filter's hold (overlapHoldMs: ~190 s here).
    await s.run(240_000, true, 100);
    const key = `${s.prefix}:fleet:seen:`;
    const before = await filterEntries(m.redis, key);
    await s.run(10_000, true, 100);
    const after = await filterEntries(m.redis, key);
    assert.ok(after <= before, `filter entries ${before} -> ${after}`);
    assert.deepEqual(s.tally(), { lost: [], twice: [] });
  },
);

membersTest(
  "FleetShards: resharding back to the count still drained (2 → 4 → 2) keeps the live set's leases and membership",
  {
    count: 2,
    members: 2,
    leaseTtlMs: 3_000,
    renewMs: [1_000],
    heartbeatInterval: 41_250,
  },
  async (s) => {
    await s.start();
    await s.run(2_000);
    await s.members[0]!.fleet.reshard(4, { sessionStartsLeft: 100 });
    await s.until(
      "switched to 4",
      () => s.members.every((m) => m.fleet.shardCount === 4),
    );
    await s.run(200);
    await s.members[1]!.fleet.reshard(2, { sessionStartsLeft: 100 });
    await s.until(
      "switched back to 2",
      () => s.members.every((m) => m.fleet.shardCount === 2),
      120_000,
    );
    const identifies = () =>
      s.gateway.log.filter((e) => e.type === "identify").length;
    // Past every old set's drain (its barrier's deadline) and a few TTLs.
    await s.run(120_000, true, 100);
    const started = identifies();
    await s.run(20_000, true, 100);
    // A release of the live set's leases had its shards taken over, again
    // and again: new sessions, events lost or delivered twice.
    assert.equal(identifies(), started, "no shard started again");
    const held = s.members.flatMap((m) => m.fleet.shardIds).sort();
    assert.deepEqual(held, [0, 1]);
    const members = await s.members[0]!.redis.hlen(
      `${s.prefix}:fleet:2:members`,
    );
    assert.equal(members, 2, "both members of count 2");
    await s.run(3_000, false);
    assert.deepEqual(s.tally(), { lost: [], twice: [] });
  },
);
