// RedisIdentifyQueue's session start budget past its reset: refilled once,
// with a new window, and spent from there; and when it goes from Redis
// after its reset but within the day it is kept past it, that is a loss (a
// restart without persistence, a key deleted), not the expiry meant for a
// budget unused a day, so it is written back with the warning
// identify_queue_test.ts pins for a loss within the window. On the virtual
// clock (see identify_fleet.ts).
import assert from "node:assert/strict";
import { askInOrder as ask, identifyFleet } from "../_fakes/identify_fleet.ts";
import { runUntil } from "../_fakes/run_until.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { testRedis } from "../_fakes/servers.ts";

const server = testRedis();

Deno.test({
  name:
    "RedisIdentifyQueue: a budget gone an hour after its reset (within the day it is kept) was lost: stored again refilled, with the warning",
  ignore: server.ignore,
  fn: async () => {
    const f = await identifyFleet(server.url, 1);
    try {
      const queue = f.queues[0]!;
      await queue.updateSessionStartLimit({
        total: 1000,
        remaining: 10,
        reset_after: 1000,
        max_concurrency: 1,
      });
      const grants: [number, number][] = [];
      const lines = await captureStderr(async () => {
        await Promise.all(await ask(f, [[0, 0]], grants));
        await f.scheduler.advance(1000 + 3_600_000);
        await f.connections[0]!.del(`${f.prefix}:budget`);
        const rest = await ask(f, [[0, 1]], grants);
        await runUntil(f.scheduler, () => grants.length === 2, {
          settle: f.settle,
        });
        await Promise.all(rest);
      });
      const gone = lines.filter((line) => /gone from Redis/.test(line));
      assert.equal(gone.length, 1, lines.join("\n"));
      assert.equal((await queue.budget())?.remaining, 999);
    } finally {
      await f.close();
    }
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue: a budget past its reset is refilled once, with a new day's window: the grants after it spend it",
  ignore: server.ignore,
  fn: async () => {
    const f = await identifyFleet(server.url, 1);
    try {
      const queue = f.queues[0]!;
      await queue.updateSessionStartLimit({
        total: 1000,
        remaining: 0,
        reset_after: 1000,
        max_concurrency: 1,
      });
      await f.scheduler.advance(1000);
      const grants: [number, number][] = [];
      await captureStderr(async () => {
        const all = await ask(f, [[0, 0], [0, 1]], grants);
        await runUntil(f.scheduler, () => grants.length === 2, {
          settle: f.settle,
        });
        await Promise.all(all);
      });
      const budget = await queue.budget();
      assert.equal(budget?.remaining, 998);
      assert.equal(budget?.resetAt, grants[0]![1] + 24 * 3_600_000);
    } finally {
      await f.close();
    }
  },
});
