// RedisIdentifyQueue after Redis lost its keys (a restart without
// persistence, a failover, FLUSHALL), on the virtual clock: a process whose
// shards only waited behind another's grants writes back the budget as of
// its latest attempt, and every bucket is held an interval from the loss,
// whichever process granted in it before.
import assert from "node:assert/strict";
import type { RedisIdentifyQueueOptions } from "../../redis/mod.ts";
import { TRY_SCRIPT } from "../../redis/_identify_scripts.ts";
import {
  askInOrder as ask,
  type IdentifyFleet,
  identifyFleet,
  wipeFleetKeys as wipe,
} from "../_fakes/identify_fleet.ts";
import { testRedis } from "../_fakes/servers.ts";
import { runUntil } from "../_fakes/run_until.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const server = testRedis();

function fleet(
  processes: number,
  options: RedisIdentifyQueueOptions = {},
): Promise<IdentifyFleet> {
  return identifyFleet(server.url, processes, options);
}

const LIMIT = {
  total: 1000,
  remaining: 3,
  reset_after: 3_600_000,
  max_concurrency: 1,
};

Deno.test({
  name:
    "RedisIdentifyQueue: after a loss, a process whose shards only waited writes back the budget of its latest attempt, not of its latest grant: 3 session starts, 3 IDENTIFYs",
  ignore: server.ignore,
  fn: async () => {
    const f = await fleet(2);
    try {
      await f.queues[0]!.updateSessionStartLimit(LIMIT);
      await f.queues[1]!.updateSessionStartLimit(LIMIT);
      const grants: [number, number][] = [];
      let all: Promise<void>[] = [];
      const stop = new AbortController();
      await captureStderr(async () => {
        // Process 0's shards first, process 1's queued behind them.
        all = await ask(f, [[0, 0], [0, 1], [0, 2]], grants);
        const waiting = [3, 4].map((shard) =>
          f.queues[1]!.acquire(shard, stop.signal).then(
            () => void grants.push([shard, f.scheduler.now()]),
            () => {},
          )
        );
        await f.settle();
        await runUntil(f.scheduler, () => grants.length === 3, {
          settle: f.settle,
        });
        // Every waiter of process 1 asks again within livenessMs / 2 (told
        // to wait for shard 2's interval, to 15,000, not for the budget).
        await f.scheduler.advance(2600);
        await f.settle();
        await wipe(f);
        // Until a minute has passed, or (as before) both shards identified.
        await runUntil(
          f.scheduler,
          () => f.scheduler.now() >= 60_000 || f.queues[1]!.pending === 0,
          { settle: f.settle },
        );
        stop.abort();
        await Promise.all(waiting);
      });
      await Promise.all(all);
      // Before: process 1 wrote back "3 left" (Discord's figure, all it
      // had learnt) and identified twice more: 5 on a budget of 3.
      assert.deepEqual(grants, [[0, 0], [1, 5000], [2, 10_000]]);
      assert.equal((await f.queues[0]!.budget())?.remaining, 0);
    } finally {
      await f.close();
    }
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue: after a loss, no bucket grants within the interval of a grant made before it, though the process that finds the loss made none",
  ignore: server.ignore,
  fn: async (t) => {
    for (
      const [what, limit] of [
        ["no budget", undefined],
        ["a budget", { ...LIMIT, remaining: 500 }],
      ] as const
    ) {
      await t.step(what, async () => {
        const f = await fleet(2);
        try {
          if (limit) {
            await f.queues[0]!.updateSessionStartLimit(limit);
            await f.queues[1]!.updateSessionStartLimit(limit);
          }
          const grants: [number, number][] = [];
          let all: Promise<void>[] = [];
          const lines = await captureStderr(async () => {
            // Process 0 identifies shard 0; process 1's shard 1 waits in
            // the same bucket, then Redis loses everything at 1000.
            all = await ask(f, [[0, 0], [1, 1]], grants);
            await f.scheduler.advance(1000);
            await f.settle();
            await wipe(f);
            await runUntil(f.scheduler, () => grants.length === 2, {
              settle: f.settle,
            });
          });
          await Promise.all(all);
          // Before: granted at its next attempt, 2500, 2.5 s after shard 0.
          // Now that attempt finds the loss, and every bucket is held an
          // interval from it.
          assert.deepEqual(grants, [[0, 0], [1, 7500]]);
          assert.equal(
            lines.filter((line) => /Redis lost its keys/.test(line)).length,
            1,
            lines.join("\n"),
          );
        } finally {
          await f.close();
        }
      });
    }
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue: the own-grant hint of an attempt raises only a bucket time Redis lost: one held up on the way (a frozen Redis) does not hold a stored bucket past its interval",
  ignore: server.ignore,
  fn: async () => {
    const f = await fleet(1);
    try {
      const redis = f.connections[0]!;
      const key = (name: string) => `${f.prefix}:${name}`;
      // Granted at 0 (free at 5000); the attempt was sent at 1000, saying
      // "my grant frees the bucket in 4000 ms", and ran at 4000.
      await redis.set(key("next:0"), "5000");
      const reply = await redis.eval(
        TRY_SCRIPT,
        10,
        ...[
          "queue:0",
          "deadlines:0",
          "next:0",
          "budget",
          "tickets",
          "next:last",
          "next:floor",
          "layout",
          "granted:w",
          "epoch",
        ].map(key),
        ...["w", "4000", "5000", "5000", "86400000", "60000", "0", "1"],
        ...["4000", "4000", "0", "e1", ""],
      ) as unknown[];
      // Before: the bucket was held until 8000, an interval after 3000.
      assert.deepEqual(reply.slice(0, 2), [0, 1000]);
      assert.equal(await redis.get(key("next:0")), "5000");
    } finally {
      await f.close();
    }
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue: a loss is said once per process that finds it, not once per request waiting when it happened",
  ignore: server.ignore,
  fn: async () => {
    const f = await fleet(3, { maxConcurrency: 2, pollMs: 500 });
    try {
      const limit = { ...LIMIT, remaining: 1000, max_concurrency: 2 };
      for (const queue of f.queues) await queue.updateSessionStartLimit(limit);
      const grants: [number, number][] = [];
      let all: Promise<void>[] = [];
      const shards = Array.from({ length: 24 }, (_, shard) => shard);
      const lines = await captureStderr(async () => {
        // Two buckets, 24 shards across three processes waiting, then
        // Redis loses everything. (Against a real clock, where many
        // requests of one process are in flight with the old epoch, the
        // loss was said 20 times for 3 processes; the virtual clock here
        // sends fewer at once, so this guards the rule more than it
        // reproduces the flood.)
        all = await ask(
          f,
          shards.map((shard) => [shard % 3, shard]),
          grants,
        );
        await f.scheduler.advance(7000);
        await f.settle();
        await wipe(f);
        await runUntil(f.scheduler, () => grants.length === 24, {
          settle: f.settle,
          limit: 100_000,
        });
      });
      await Promise.all(all);
      const said = lines.filter((line) => /Redis lost its keys/.test(line));
      assert.ok(
        said.length >= 1 && said.length <= 3,
        `said ${said.length} times:\n${said.join("\n")}`,
      );
    } finally {
      await f.close();
    }
  },
});
