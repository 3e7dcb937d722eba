// Several processes of one bot, each running its own shards, share one
// RedisIdentifyQueue against the fake gateway's max_concurrency check on
// loopback (tests/_fakes/fleet_run.ts says how time is kept and measured).
import assert from "node:assert/strict";
import { INTERVAL_MS, runFleet } from "../_fakes/fleet_run.ts";
import { testRedis } from "../_fakes/servers.ts";

const server = testRedis();

Deno.test({
  name:
    "RedisIdentifyQueue fleet: 16 shards over 4 processes, max_concurrency 1: 0 violations, one IDENTIFY per window",
  ignore: server.ignore,
  fn: async () => {
    const run = await runFleet({
      processes: 4,
      shards: 16,
      maxConcurrency: 1,
      shared: true,
      redisUrl: server.url,
    });
    assert.equal(run.violations, 0, run.identifies);
    assert.equal(run.sessionStarts, 16);
    // 15 gaps of one window each, no slower than a window plus polling.
    assert.ok(run.startupMs >= 15 * 5_000, `start-up ${run.startupMs} ms`);
    assert.ok(
      run.startupMs < 15 * (INTERVAL_MS + 1_000),
      `start-up ${run.startupMs} ms`,
    );
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue fleet: 16 shards over 4 processes, max_concurrency 16: 0 violations, all within one window",
  ignore: server.ignore,
  fn: async () => {
    const run = await runFleet({
      processes: 4,
      shards: 16,
      maxConcurrency: 16,
      shared: true,
      redisUrl: server.url,
    });
    assert.equal(run.violations, 0, run.identifies);
    assert.equal(run.sessionStarts, 16);
    assert.ok(run.startupMs < 5_000, `start-up ${run.startupMs} ms`);
  },
});

Deno.test({
  name:
    "fleet control: 4 processes each with its own MemoryIdentifyQueue collide in the max_concurrency window",
  ignore: server.ignore,
  fn: async () => {
    const run = await runFleet({
      processes: 4,
      shards: 8,
      maxConcurrency: 1,
      shared: false,
    });
    // Each process identifies its first shard at once: three of four are
    // refused (and retried until they get through).
    assert.ok(run.violations >= 3, `violations: ${run.violations}`);
    assert.equal(run.sessionStarts, 8);
  },
});
