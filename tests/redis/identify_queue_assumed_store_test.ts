// The assumed budget as Redis stores it (redis/_assumed_budget.ts): written
// only where no budget is, with an expiry and marked `assumed`; a budget
// found is taken with the reset stored; bucket free times written back are
// raised, never lowered. And after Redis lost it, a queue writes it back
// still marked assumed, so that a real limit handed later replaces it.
import assert from "node:assert/strict";
import { closeRedis, connectRedis } from "../../redis/mod.ts";
import type { RedisConnection } from "../../redis/connection.ts";
import {
  type AssumedBudget,
  storeAssumed,
} from "../../redis/_assumed_budget.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { identifyFleet, wipeFleetKeys } from "../_fakes/identify_fleet.ts";
import { runUntil } from "../_fakes/run_until.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { testRedis } from "../_fakes/servers.ts";

const server = testRedis();
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Run `body` with a connection, a virtual clock at `now` and a unique key
 * prefix, deleting the prefix's keys after.
 */
async function withStore(
  now: number,
  body: (
    redis: RedisConnection,
    scheduler: VirtualScheduler,
    prefix: string,
  ) => Promise<void>,
): Promise<void> {
  const redis = await connectRedis({ url: server.url });
  const scheduler = new VirtualScheduler();
  await scheduler.advance(now);
  const prefix = `disruption:test:assumed:${crypto.randomUUID()}`;
  try {
    await body(redis, scheduler, prefix);
  } finally {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await closeRedis(redis);
  }
}

/** {@linkcode storeAssumed} on the virtual clock, saying nothing. */
function store(
  redis: RedisConnection,
  scheduler: VirtualScheduler,
  key: string,
  raise: [string, number][] = [],
): Promise<AssumedBudget> {
  return storeAssumed({
    redis,
    key,
    raise,
    nowArg: String(scheduler.now()),
    scheduler,
    say: false,
  }, { total: 1000, remaining: 1000, resetAt: scheduler.now() + DAY_MS });
}

Deno.test({
  name:
    "storeAssumed: where no budget is (a key of another type), stores the assumed one, marked assumed, expiring a day past its reset",
  ignore: server.ignore,
  fn: () =>
    withStore(0, async (redis, scheduler, prefix) => {
      const key = `${prefix}:budget`;
      await redis.set(key, "not a budget");
      assert.deepEqual(await store(redis, scheduler, key), {
        total: 1000,
        remaining: 1000,
        resetAt: DAY_MS,
        assumed: true,
      });
      assert.deepEqual(await redis.hgetall(key), {
        total: "1000",
        remaining: "1000",
        reset_at: String(DAY_MS),
        assumed: "1",
      });
      const ttl = await redis.pttl(key);
      assert.ok(ttl > DAY_MS && ttl <= 2 * DAY_MS, `PTTL ${ttl}`);
    }),
});

Deno.test({
  name:
    "storeAssumed: a stored hash without a reset is no budget: the assumed one replaces it",
  ignore: server.ignore,
  fn: () =>
    withStore(0, async (redis, scheduler, prefix) => {
      const key = `${prefix}:budget`;
      await redis.hset(key, "total", "1000", "remaining", "3");
      const stored = await store(redis, scheduler, key);
      assert.equal(stored.remaining, 1000);
      assert.equal(await redis.hget(key, "reset_at"), String(DAY_MS));
    }),
});

Deno.test({
  name:
    "storeAssumed: a budget stored by another process is kept, and taken with the reset stored, not this process's own",
  ignore: server.ignore,
  fn: () =>
    withStore(1_000_000, async (redis, scheduler, prefix) => {
      const key = `${prefix}:budget`;
      await redis.hset(
        key,
        ..."total 1000 remaining 400 reset_at 7200000".split(" "),
      );
      assert.deepEqual(await store(redis, scheduler, key), {
        total: 1000,
        remaining: 400,
        resetAt: 7_200_000,
        assumed: true,
      });
      assert.equal(await redis.hget(key, "assumed"), null);
    }),
});

Deno.test({
  name:
    "storeAssumed: a bucket's stored next free time earlier than this process's grant is raised, a later one never lowered",
  ignore: server.ignore,
  fn: () =>
    withStore(10_000, async (redis, scheduler, prefix) => {
      const [earlier, later, none] = [0, 1, 2].map((n) =>
        `${prefix}:next:${n}`
      );
      await redis.set(earlier!, "1000");
      await redis.set(later!, "900000");
      await store(redis, scheduler, `${prefix}:budget`, [
        [earlier!, 5000],
        [later!, 5000],
        [none!, 5000],
      ]);
      assert.deepEqual(await redis.mget(earlier!, later!, none!), [
        "15000",
        "900000",
        "15000",
      ]);
    }),
});

Deno.test({
  name:
    "RedisIdentifyQueue without a session start limit: the budget written back after each loss is still assumed, so a real limit replaces it",
  ignore: server.ignore,
  fn: async () => {
    const f = await identifyFleet(server.url, 1, { intervalMs: 0 });
    try {
      const queue = f.queues[0]!;
      const redis = f.connections[0]!;
      let shard = 0;
      const grant = async (): Promise<void> => {
        let granted = false;
        const next = queue.acquire(shard++).then(() => granted = true);
        await runUntil(f.scheduler, () => granted, { settle: f.settle });
        await next;
      };
      for (let i = 0; i < 3; i++) await grant();
      // Lost twice: the second write-back is made from the numbers the
      // first one's grants brought back.
      await captureStderr(async () => {
        for (let loss = 0; loss < 2; loss++) {
          await wipeFleetKeys(f);
          await grant();
          assert.equal(
            await redis.hget(`${f.prefix}:budget`, "assumed"),
            "1",
            `after loss ${loss + 1}`,
          );
        }
      });
      await queue.updateSessionStartLimit({
        total: 2000,
        remaining: 1500,
        reset_after: 3_600_000,
        max_concurrency: 1,
      });
      assert.deepEqual(await queue.budget(), {
        total: 2000,
        remaining: 1500,
        resetAt: f.scheduler.now() + 3_600_000,
      });
    } finally {
      await f.close();
    }
  },
});
