// A ReshardingShards reshard runs until its old set is closed: while the
// old set drains after the switch (it still hands on late copies, checked
// against the reshard's duplicate filter), another reshard is refused and
// watchRecommended waits. Every message once, by ID.
import assert from "node:assert/strict";
import { ReshardError } from "../../fleet/mod.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { reshardScene, startFirstSet, switchedTo } from "./_reshard_scene.ts";

Deno.test("ReshardingShards: a second reshard() during the first one's drain is refused with a ReshardError, and no message is delivered twice", async () => {
  await using t = reshardScene({ count: 2, heartbeatInterval: 5_000 });
  await startFirstSet(t);
  await t.stream(6_000);
  // The old set's late copies come in after the switch.
  t.lag.set(2, 300);
  const first = t.shards.reshard(4);
  first.catch(() => {}); // settled below
  await switchedTo(t, 4);
  await t.stream(100);
  const second = await t.settle(t.shards.reshard(8), 60_000);
  assert.equal(second?.status, "rejected");
  const reason = (second as PromiseRejectedResult).reason;
  assert.ok(reason instanceof ReshardError, String(reason));
  assert.match(
    reason.message,
    /^Cannot reshard to 8 shards while the reshard to 4 is closing its old set of 2/,
  );
  assert.equal((await t.settle(first))?.status, "fulfilled");
  await t.stream(1_000);
  await t.run(5_000);
  const { lost, twice } = t.tally();
  assert.deepEqual(twice, []);
  assert.deepEqual(lost, []);
  assert.equal(t.shards.shardCount, 4);
  // Once the old set is closed, a reshard may start again.
  const third = await t.settle(t.shards.reshard(8));
  assert.equal(third?.status, "fulfilled", String(third));
  await t.stream(1_000);
  await t.run(10_000);
  assert.deepEqual(t.tally(), { lost: [], twice: [] });
});

Deno.test("ReshardingShards.watchRecommended waits while the last reshard's old set drains", () =>
  withLogRecords(async (records) => {
    // Discord's interval: the wait for an ACK is two of them and 10 s.
    await using t = reshardScene({ count: 1, heartbeatInterval: 41_250 });
    await startFirstSet(t);
    await t.stream(6_000);
    // The old shard's heartbeats go unanswered: its drain lasts the whole
    // wait for an ACK (92.5 s), past the watch's first check (60 s).
    t.gateway.setAcks(false);
    const first = t.shards.reshard(2);
    first.catch(() => {}); // settled below
    await switchedTo(t, 2);
    let asked = 0;
    const stop = t.shards.watchRecommended({
      intervalMs: 60_000,
      fetch: () => {
        asked++;
        return Promise.resolve({
          shards: 4,
          session_start_limit: { remaining: 1000 },
        });
      },
    });
    try {
      await t.stream(61_000);
      assert.equal(asked, 1);
      assert.equal(
        t.shards.shardCount,
        2,
        "no reshard while the old set drains",
      );
      assert.equal(
        t.gateway.sessions.filter((s) => s.shard?.[1] === 4).length,
        0,
      );
      assert.equal((await t.settle(first))?.status, "fulfilled");
      // The next check, once the old set is closed, reshards.
      await switchedTo(t, 4);
      assert.equal(asked, 2);
    } finally {
      stop();
    }
    // It waited: no reshard was asked for and refused meanwhile.
    assert.deepEqual(
      records.filter((r) =>
        String(r.rawMessage).startsWith("Resharding to the recommended")
      ).map((r) => r.message.join("")),
      [],
    );
    // The drain ended at its cap, said once.
    assert.deepEqual(
      records.map((r) => r.rawMessage).filter((m) =>
        String(m).startsWith("Old shard")
      ).length,
      1,
    );
  }));
