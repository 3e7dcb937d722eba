// The duplicate filter a ReshardOverlap begins, against Redis: an event's
// claim by a process that dies before delivering it stands a lease TTL less
// a renewal, on the leases' clock, so the event's other copy is delivered
// once the dead process's shards can be taken over, and not before.
import assert from "node:assert/strict";
import type { DuplicateFilter } from "../../fleet/duplicate_filter.ts";
import { HeldEvents } from "../../fleet/held_events.ts";
import { LeaseTimes } from "../../fleet/lease_times.ts";
import { ReshardOverlap } from "../../fleet/reshard_overlap.ts";
import { closeRedis, connectRedis } from "../../redis/connection.ts";
import { deleteKeys } from "../_fakes/fleet_scene.ts";
import { testRedis } from "../_fakes/servers.ts";

const server = testRedis();
const TTL = 15_000;
const RENEW = 5_000;

Deno.test({
  name:
    "ReshardOverlap: a claim of an event never delivered stands the lease TTL less a renewal on the leases' clock; the other copy is first seen then",
  ignore: server.ignore,
  fn: async () => {
    const redis = await connectRedis({ url: server.url });
    const prefix = `disruption:test:overlap-claims:${crypto.randomUUID()}`;
    let now = 1_000_000;
    const events = new HeldEvents(() => {});
    try {
      const overlap = new ReshardOverlap({
        redis,
        prefix,
        times: new LeaseTimes(TTL, RENEW),
        events,
        record: { flippedAt: undefined } as never,
        leaseNow: () => now,
      });
      overlap.begin(4, 0);
      const filter = events.filter as DuplicateFilter;
      const key = await filter.key('MESSAGE_CREATE {"id":"1"}');
      // Claimed by a process that then dies: never confirmed.
      assert.deepEqual(await filter.firstSeen([key]), [true]);
      now += TTL - RENEW - 1;
      assert.deepEqual(await filter.firstSeen([key]), [false]);
      now += 1;
      assert.deepEqual(await filter.firstSeen([key]), [true]);
      overlap.end(now);
    } finally {
      await deleteKeys(redis, prefix);
      await closeRedis(redis);
    }
  },
});
