// RedisIdentifyQueue given no session start limit (a fleet set up with a
// `gatewayUrl` and a shard count, where GET /gateway/bot is not asked): it
// assumes Discord's default daily budget, as the in-memory queue does, and
// shares it through Redis. Without it every IDENTIFY was granted, and past
// 1,000 a day Discord resets the token.
import assert from "node:assert/strict";
import {
  closeRedis,
  connectRedis,
  RedisIdentifyQueue,
  type RedisIdentifyQueueOptions,
} from "../../redis/mod.ts";
import {
  type IdentifyFleet,
  identifyFleet,
  wipeFleetKeys,
} from "../_fakes/identify_fleet.ts";
import { testRedis } from "../_fakes/servers.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { runUntil } from "../_fakes/run_until.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { withLogRecords } from "../_fakes/log_records.ts";

const server = testRedis();
const DAY_MS = 24 * 60 * 60 * 1000;

/** The text of a log record, its properties filled in. */
function text(record: { message: readonly unknown[] }): string {
  return record.message.map(String).join("");
}

function fleet(
  processes: number,
  options: RedisIdentifyQueueOptions = {},
): Promise<IdentifyFleet> {
  // No pacing between grants: only the budget holds a shard back.
  return identifyFleet(server.url, processes, { intervalMs: 0, ...options });
}

/** Grant `count` shards one after the other (nothing waits at interval 0). */
async function spend(queue: RedisIdentifyQueue, count: number): Promise<void> {
  for (let shard = 0; shard < count; shard++) await queue.acquire(shard);
}

/** Another process of the bot starting on the fleet's prefix. */
async function restart(f: IdentifyFleet): Promise<{
  queue: RedisIdentifyQueue;
  close: () => Promise<void>;
}> {
  const redis = await connectRedis({ url: server.url });
  const queue = new RedisIdentifyQueue(redis, {
    prefix: f.prefix,
    clock: "scheduler",
    scheduler: f.scheduler,
    intervalMs: 0,
  });
  await f.settle();
  await redis.ping();
  return { queue, close: () => closeRedis(redis) };
}

Deno.test({
  name:
    "RedisIdentifyQueue without a session start limit: 1,000 grants a day, then the shards wait for the reset, with the warning a given limit shows",
  ignore: server.ignore,
  fn: async () => {
    // A waiter renews its place every 30 s: 2,880 attempts in the day.
    const f = await fleet(1, { pollMs: 30_000, livenessMs: 60_000 });
    try {
      const queue = f.queues[0]!;
      await spend(queue, 1000);
      assert.deepEqual(await queue.budget(), {
        total: 1000,
        remaining: 0,
        resetAt: DAY_MS,
      });
      let grantedAt: number | undefined;
      const lines = await captureStderr(async () => {
        const late = queue.acquire(1000).then(() => {
          grantedAt = f.scheduler.now();
        });
        await runUntil(
          f.scheduler,
          () => f.scheduler.now() >= DAY_MS - 60_000,
          {
            settle: f.settle,
          },
        );
        assert.equal(grantedAt, undefined, "granted past the budget");
        await runUntil(f.scheduler, () => grantedAt !== undefined, {
          settle: f.settle,
        });
        await late;
      });
      assert.ok(grantedAt! >= DAY_MS, `granted at ${grantedAt}`);
      assert.ok(
        lines.some((line) => /Session start limit exhausted/.test(line)),
        lines.join("\n"),
      );
    } finally {
      await f.close();
    }
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue without a session start limit: another process (or a restart) on the prefix keeps the stored budget, assumed or real, never refilling it",
  ignore: server.ignore,
  fn: async () => {
    const f = await fleet(1);
    try {
      await spend(f.queues[0]!, 3);
      await f.scheduler.advance(60_000);
      const second = await restart(f);
      try {
        assert.deepEqual(await second.queue.budget(), {
          total: 1000,
          remaining: 997,
          resetAt: DAY_MS,
        });
        await second.queue.acquire(7);
        assert.equal((await f.queues[0]!.budget())?.remaining, 996);
      } finally {
        await second.close();
      }
      // A real budget another process stored is not replaced either.
      await f.queues[0]!.updateSessionStartLimit({
        total: 5000,
        remaining: 4000,
        reset_after: 3_600_000,
        max_concurrency: 1,
      });
      const third = await restart(f);
      try {
        assert.deepEqual(await third.queue.budget(), {
          total: 5000,
          remaining: 4000,
          resetAt: 60_000 + 3_600_000,
        });
      } finally {
        await third.close();
      }
    } finally {
      await f.close();
    }
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue without a session start limit: a real limit handed later replaces the assumed budget, even a higher count",
  ignore: server.ignore,
  fn: async () => {
    const f = await fleet(2);
    try {
      await spend(f.queues[0]!, 2);
      assert.equal((await f.queues[1]!.budget())?.remaining, 998);
      // GET /gateway/bot answered in the other process.
      await f.queues[1]!.updateSessionStartLimit({
        total: 2000,
        remaining: 1500,
        reset_after: 3_600_000,
        max_concurrency: 1,
      });
      assert.deepEqual(await f.queues[0]!.budget(), {
        total: 2000,
        remaining: 1500,
        resetAt: 3_600_000,
      });
      await spend(f.queues[0]!, 1);
      // Real from now on: a later limit only lowers it within its window.
      await f.queues[1]!.updateSessionStartLimit({
        total: 2000,
        remaining: 1800,
        reset_after: 3_600_000,
        max_concurrency: 1,
      });
      assert.equal((await f.queues[0]!.budget())?.remaining, 1499);
    } finally {
      await f.close();
    }
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue without a session start limit: when Redis loses the assumed budget, it is written again from what the process knew",
  ignore: server.ignore,
  fn: async () => {
    const f = await fleet(1);
    try {
      const queue = f.queues[0]!;
      await spend(queue, 5);
      await wipeFleetKeys(f);
      const lines = await captureStderr(async () => {
        let granted = false;
        const next = queue.acquire(5).then(() => granted = true);
        await runUntil(f.scheduler, () => granted, { settle: f.settle });
        await next;
      });
      assert.deepEqual(await queue.budget(), {
        total: 1000,
        remaining: 994,
        resetAt: DAY_MS,
      });
      assert.ok(
        lines.some((line) => /gone from Redis/.test(line)),
        lines.join("\n"),
      );
    } finally {
      await f.close();
    }
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue without a session start limit: none is assumed with a max_concurrency over 1 (large bot sharding's budget is larger)",
  ignore: server.ignore,
  fn: async () => {
    const f = await fleet(1, { maxConcurrency: 16 });
    try {
      await spend(f.queues[0]!, 2);
      assert.equal(await f.queues[0]!.budget(), undefined);
    } finally {
      await f.close();
    }
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue without a session start limit: says at info level, once a process, the budget it assumes or the one it keeps",
  ignore: server.ignore,
  fn: () =>
    withLogRecords(async (records) => {
      const f = await fleet(1);
      try {
        await spend(f.queues[0]!, 2);
        const second = await restart(f);
        try {
          await spend(second.queue, 2);
        } finally {
          await second.close();
        }
        const said = records.filter((record) =>
          /No session start limit is known/.test(text(record))
        ).map((record) => [record.level, text(record)]);
        assert.equal(said.length, 2, JSON.stringify(said));
        assert.deepEqual(said.map(([level]) => level), ["info", "info"]);
        assert.match(said[0]![1]!, /assumes Discord's default: 1000 /);
        assert.match(said[1]![1]!, /keeps to the budget stored .*998 of 1000/);
      } finally {
        await f.close();
      }
    }, "debug"),
});

Deno.test({
  name:
    "RedisIdentifyQueue without a session start limit: the assumed budget resets a day from when it was stored, not a day from the clock's zero",
  ignore: server.ignore,
  fn: async () => {
    const start = 3 * 3_600_000;
    const f = await fleet(1, { scheduler: new VirtualScheduler({ start }) });
    try {
      const queue = f.queues[0]!;
      await spend(queue, 1);
      assert.deepEqual(await queue.budget(), {
        total: 1000,
        remaining: 999,
        resetAt: start + DAY_MS,
      });
    } finally {
      await f.close();
    }
  },
});
