// RedisIdentifyQueue's `epoch` key (how a process tells Redis lost its keys)
// is kept without expiry: expiring a day after the latest attempt, it was
// gone after a quiet day, and the next IDENTIFY of a process that had a
// reply before said "Redis lost its keys" and held every bucket an
// interval. (A day cannot pass in a test: what is checked is that the key
// has no expiry left, as written and as kept from an earlier version.)
import assert from "node:assert/strict";
import { identifyFleet } from "../_fakes/identify_fleet.ts";
import { testRedis } from "../_fakes/servers.ts";

const server = testRedis();

Deno.test({
  name:
    "RedisIdentifyQueue: the epoch key has no expiry, written by an attempt or kept from an earlier version's (which expired a day after the latest attempt)",
  ignore: server.ignore,
  fn: async () => {
    const f = await identifyFleet(server.url, 1);
    try {
      const redis = f.connections[0]!;
      const epoch = `${f.prefix}:epoch`;
      await f.queues[0]!.acquire(0);
      assert.notEqual(await redis.get(epoch), null, "written");
      // -1: no expiry (-2 would be no key).
      assert.equal(await redis.pttl(epoch), -1);
      // As an earlier version left it.
      await redis.pexpire(epoch, 86_400_000);
      await f.scheduler.advance(5_000);
      await f.queues[0]!.acquire(1);
      assert.equal(await redis.pttl(epoch), -1);
    } finally {
      await f.close();
    }
  },
});
