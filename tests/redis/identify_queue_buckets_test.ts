// RedisIdentifyQueue's buckets to the millisecond: a bucket grants again an
// interval after its latest grant, not a millisecond sooner; and when
// `max_concurrency` changes while shards wait, a waiter moves to the bucket
// of the new layout (`shardId % max_concurrency`) at its next attempt, so
// two shards that now share Discord's bucket identify an interval apart. On
// the virtual clock (see identify_fleet.ts), where a round trip takes no
// time.
import assert from "node:assert/strict";
import { askInOrder as ask, identifyFleet } from "../_fakes/identify_fleet.ts";
import { runUntil } from "../_fakes/run_until.ts";
import { testRedis } from "../_fakes/servers.ts";

const server = testRedis();

const LIMIT = {
  total: 1000,
  remaining: 1000,
  reset_after: 3_600_000,
  max_concurrency: 2,
};

Deno.test({
  name:
    "RedisIdentifyQueue: a shard waiting when max_concurrency drops moves to its new bucket: it identifies an interval apart from a shard of that bucket",
  ignore: server.ignore,
  fn: async () => {
    const f = await identifyFleet(server.url, 1, { maxConcurrency: 2 });
    try {
      const queue = f.queues[0]!;
      await queue.updateSessionStartLimit(LIMIT);
      const grants: [number, number][] = [];
      // Shards 0 and 1 take buckets 0 and 1; shard 3 waits in bucket 1.
      const all = await ask(f, [[0, 0], [0, 1], [0, 3]], grants);
      assert.deepEqual(grants.map(([shard]) => shard), [0, 1]);
      // One bucket from now on: shards 3 and 4 share Discord's.
      await queue.updateSessionStartLimit({ ...LIMIT, max_concurrency: 1 });
      all.push(...await ask(f, [[0, 4]], grants));
      await runUntil(f.scheduler, () => grants.length === 4, {
        settle: f.settle,
      });
      await Promise.all(all);
      const at = new Map(grants);
      const apart = Math.abs(at.get(3)! - at.get(4)!);
      assert.ok(apart >= 5_000, `shards 3 and 4 identified ${apart} ms apart`);
    } finally {
      await f.close();
    }
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue: a bucket does not grant a millisecond before an interval after its latest grant",
  ignore: server.ignore,
  fn: async () => {
    const f = await identifyFleet(server.url, 1);
    try {
      await f.queues[0]!.updateSessionStartLimit({
        ...LIMIT,
        max_concurrency: 1,
      });
      const grants: [number, number][] = [];
      const all = await ask(f, [[0, 0]], grants);
      await f.scheduler.advance(4_999);
      all.push(...await ask(f, [[0, 1]], grants));
      await runUntil(f.scheduler, () => grants.length === 2, {
        settle: f.settle,
      });
      await Promise.all(all);
      assert.deepEqual(grants[0], [0, 0]);
      // Asked at 4,999 ms, told to wait; asked again MIN_POLL_MS later.
      const at = grants[1]![1];
      assert.ok(at >= 5_000 && at <= 5_010, `shard 1 granted at ${at} ms`);
    } finally {
      await f.close();
    }
  },
});
