// A ReshardingShards reshard whose day's session starts, enough when it
// began, run out before every new shard has identified (old shards that
// lost their sessions identified meanwhile): it ends with a ReshardError
// instead of waiting for the budget's reset, up to a day.
import assert from "node:assert/strict";
import { ReshardError } from "../../fleet/mod.ts";
import { reshardScene } from "./_reshard_scene.ts";

Deno.test("ReshardingShards: a new shard that would wait for the session start budget's reset ends the reshard with a ReshardError; the new set is closed and the old one runs on", async () => {
  await using t = reshardScene({
    count: 4,
    guilds: 32,
    maxConcurrency: 4,
    // 4 for the first set, 8 for the new one: exactly enough.
    sessionStartLimit: {
      total: 1000,
      remaining: 12,
      reset_after: 86_400_000,
      max_concurrency: 4,
    },
  });
  assert.equal(
    (await t.settle(t.shards.start(), 60_000, false))?.status,
    "fulfilled",
  );
  await t.stream(6_000);
  assert.equal(t.queue.remaining, 8);
  const resharding = t.shards.reshard(8);
  resharding.catch(() => {}); // settled below
  await t.scheduler.advance(20);
  // Old shards 1 and 2 lose their sessions: identifying again, they spend
  // two of the starts the new set counted on.
  for (const c of t.gateway.connections) {
    if (c.shard?.[1] === 4 && (c.shard[0] === 1 || c.shard[0] === 2)) {
      t.gateway.invalidateSession(false, { connectionId: c.id });
    }
  }
  const outcome = await t.settle(resharding, 60_000);
  assert.equal(outcome?.status, "rejected", "still waiting after a minute");
  const reason = (outcome as PromiseRejectedResult).reason;
  assert.ok(reason instanceof ReshardError, String(reason));
  assert.match(
    reason.message,
    /^Cannot reshard to 8 shards: new shard \d would wait for the session start budget's reset/,
  );
  await t.run(1_000);
  assert.equal(t.shards.shardCount, 4);
  assert.deepEqual(
    t.gateway.connections.filter((c) => c.shard?.[1] === 8),
    [],
    "the new set is closed",
  );
  assert.deepEqual(
    t.gateway.connections.map((c) => c.shard?.join("/")).sort(),
    ["0/4", "1/4", "2/4", "3/4"],
    "the old set runs on",
  );
  assert.equal(t.queue.pending, 0, "no identify left waiting for the reset");
});
