// RedisIdentifyQueue at scale, against a real Redis on the virtual clock:
// what one attempt costs Redis does not grow with the number of waiters, a
// waiter asks again only when it could be granted or must renew its place,
// and what other processes leave in the queue (hundreds of dead waiters,
// deadlines far ahead, entries without a deadline) cannot block it.
import assert from "node:assert/strict";
import {
  askInOrder,
  type IdentifyFleet,
  identifyFleet,
} from "../_fakes/identify_fleet.ts";
import { countingScripts, type ScriptRun } from "../_fakes/counted_scripts.ts";
import { runUntil } from "../_fakes/run_until.ts";
import { testRedis } from "../_fakes/servers.ts";

const server = testRedis();

/** A fleet whose processes note each script run in `runs`. */
function countedFleet(
  processes: number,
  runs: ScriptRun[],
  options: Parameters<typeof identifyFleet>[2] = {},
): Promise<IdentifyFleet> {
  return identifyFleet(
    server.url,
    processes,
    options,
    (redis) => countingScripts(redis, runs),
  );
}

/**
 * The most commands one attempt issued while `waiting` waiters (each of one
 * process, all alive) queued behind a shard that holds the bucket.
 */
async function commandsPerAttempt(waiting: number): Promise<number> {
  const runs: ScriptRun[] = [];
  const f = await countedFleet(1, runs);
  const stop = new AbortController();
  const waiters: Promise<void>[] = [];
  try {
    await f.queues[0]!.acquire(0); // t=0: the bucket is busy until 5000
    for (let shard = 1; shard <= waiting; shard++) {
      waiters.push(f.queues[0]!.acquire(shard, stop.signal).catch(() => {}));
    }
    await f.settle();
    // The joins are done; now a round of attempts with everyone queued.
    runs.length = 0;
    await runUntil(f.scheduler, () => runs.length >= waiting, {
      settle: f.settle,
    });
    assert.equal(f.queues[0]!.pending, waiting); // nobody granted
    return Math.max(...runs.map((run) => run.calls));
  } finally {
    stop.abort();
    await Promise.all(waiters);
    await f.close();
  }
}

Deno.test({
  name:
    "RedisIdentifyQueue: an attempt issues as many Redis commands with 400 waiters as with 5",
  ignore: server.ignore,
  fn: async () => {
    // Walking the queue with an HGET a waiter ahead issued about 410
    // commands an attempt for the last of 400 waiters, so a polling round
    // cost O(W²): 500 waiters kept Redis 94 % busy.
    const few = await commandsPerAttempt(5);
    const many = await commandsPerAttempt(400);
    assert.equal(many, few);
  },
});

/**
 * Shards `0..shards-1` asked for in order by one process (pollMs 500,
 * livenessMs 5000), after `before`; when each was granted, and how many
 * attempts were made after they all joined.
 */
async function attemptsUntilGranted(
  shards: number,
  before: (f: IdentifyFleet) => Promise<void> = async () => {},
): Promise<{ grants: [number, number][]; attempts: number }> {
  const runs: ScriptRun[] = [];
  const f = await countedFleet(1, runs);
  try {
    await before(f);
    const grants: [number, number][] = [];
    const requests = Array.from(
      { length: shards },
      (_, shard): [number, number] => [0, shard],
    );
    const all = await askInOrder(f, requests, grants);
    runs.length = 0; // each has joined
    await runUntil(f.scheduler, () => grants.length === shards, {
      settle: f.settle,
    });
    await Promise.all(all);
    return { grants, attempts: runs.length };
  } finally {
    await f.close();
  }
}

Deno.test({
  name:
    "RedisIdentifyQueue: a waiter asks again when its bucket frees or its place needs renewing, not every pollMs",
  ignore: server.ignore,
  fn: async () => {
    const { grants, attempts } = await attemptsUntilGranted(4);
    assert.deepEqual(grants, [[0, 0], [1, 5000], [2, 10000], [3, 15000]]);
    // Three waiters over 15 s: 6 waiter-intervals of 5 s. Each waiter
    // renews at 2.5 s and asks again when the bucket frees, so about two
    // attempts a waiter-interval; asking every 500 ms made 10.
    assert.ok(attempts <= 2 * 6, `${attempts} attempts`);
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue: while the daily budget is spent, waiters ask again only to renew their place",
  ignore: server.ignore,
  fn: async () => {
    const { grants, attempts } = await attemptsUntilGranted(3, async (f) => {
      await f.queues[0]!.updateSessionStartLimit({
        total: 1000,
        remaining: 0,
        reset_after: 60_000,
        max_concurrency: 1,
      });
    });
    assert.deepEqual(grants, [[0, 60_000], [1, 65_000], [2, 70_000]]);
    // One attempt per 2.5 s of each waiter's wait (60, 65 and 70 s):
    // asking every 500 ms made 5 times as many.
    const waited = 60_000 + 65_000 + 70_000;
    assert.ok(attempts <= waited / 2500, `${attempts} attempts`);
  },
});

/** When shard 0, asked for by the fleet's first process, is granted. */
async function grantTime(f: IdentifyFleet): Promise<number> {
  const grants: [number, number][] = [];
  const all = await askInOrder(f, [[0, 0]], grants);
  await runUntil(f.scheduler, () => grants.length === 1, { settle: f.settle });
  await Promise.all(all);
  return grants[0]![1];
}

/**
 * Shard 0 asked for by a process (pollMs 500, livenessMs 3000) behind
 * waiters another process queued first, each with its deadline or none;
 * when it was granted, and how many entries the queue and the deadlines
 * still hold.
 */
async function grantBehind(
  others: [waiter: string, deadline?: number][],
): Promise<{ at: number; queued: number; deadlines: number }> {
  const f = await identifyFleet(server.url, 1, { livenessMs: 3000 });
  try {
    const redis = f.connections[0]!;
    const queue = `${f.prefix}:queue:0`;
    const deadlines = `${f.prefix}:deadlines:0`;
    for (const [ticket, [waiter, deadline]] of others.entries()) {
      await redis.zadd(queue, ticket + 1, waiter);
      if (deadline !== undefined) await redis.zadd(deadlines, deadline, waiter);
    }
    await redis.set(`${f.prefix}:tickets`, others.length);
    return {
      at: await grantTime(f),
      queued: await redis.zcard(queue),
      deadlines: await redis.zcard(deadlines),
    };
  } finally {
    await f.close();
  }
}

Deno.test({
  name:
    "RedisIdentifyQueue: a deadline far ahead or none at all, written by another process, does not block the bucket",
  ignore: server.ignore,
  fn: async () => {
    // A deadline in the year 33658 (a clock far ahead, or a bug), and an
    // entry with no deadline at all: both dropped at the first attempt.
    const granted = await grantBehind([["far-ahead", 1e15], ["no-deadline"]]);
    assert.deepEqual(granted, { at: 0, queued: 0, deadlines: 0 });
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue: a deadline up to a minute ahead is honoured until it passes",
  ignore: server.ignore,
  fn: async () => {
    // A process with livenessMs 30 s that died at t=0: alive until 30,000
    // inclusive, seen gone at the next poll.
    const granted = await grantBehind([["slow", 30_000]]);
    assert.deepEqual(granted, { at: 30_500, queued: 0, deadlines: 0 });
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue: two processes: 201 waiters of the one that died drop out after livenessMs, a bounded batch an attempt, and the other's keep their order",
  ignore: server.ignore,
  fn: async () => {
    const runs: ScriptRun[] = [];
    const f = await countedFleet(2, runs, { pollMs: 500, livenessMs: 3000 });
    const stop = new AbortController();
    const dead: Promise<void>[] = [];
    try {
      const grants: [number, number][] = [];
      const first = await askInOrder(f, [[0, 0]], grants);
      // Process 1 queues 200 shards, then process 0 one, then process 1
      // one more, then process 0 another; then process 1 loses Redis.
      for (let shard = 1; shard <= 200; shard++) {
        dead.push(f.queues[1]!.acquire(shard, stop.signal).catch(() => {}));
      }
      await f.settle();
      const second = await askInOrder(f, [[0, 1001]], grants);
      dead.push(f.queues[1]!.acquire(201, stop.signal).catch(() => {}));
      await f.settle();
      const third = await askInOrder(f, [[0, 202]], grants);
      f.connections[1]!.disconnect();
      await runUntil(f.scheduler, () => grants.length === 3, {
        settle: f.settle,
      });
      await Promise.all([...first, ...second, ...third]);
      // The dead waiters' deadlines were 3000; the bucket frees at 5000.
      assert.deepEqual(grants, [[0, 0], [1001, 5000], [202, 10_000]]);
      const redis = f.connections[0]!;
      assert.equal(await redis.zcard(`${f.prefix}:queue:0`), 0);
      assert.equal(await redis.zcard(`${f.prefix}:deadlines:0`), 0);
      // Dropping 201 waiters took no attempt past a constant number of
      // commands (each drops at most 100, in two ZREMs; the rest, a fixed
      // number, check the keys' types and numbers, look for the waiter's
      // own grant (a lost reply's) and the epoch, and read the bucket's
      // time, the floor, the layout and the assumed daily budget).
      assert.ok(
        runs.every((run) => run.calls <= 38),
        `${Math.max(...runs.map((run) => run.calls))} commands`,
      );
    } finally {
      stop.abort();
      await Promise.all(dead);
      await f.close();
    }
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue: a next free time or a budget reset far ahead, written by another program, holds the bucket one interval and 5 s or one day at most",
  ignore: server.ignore,
  fn: async () => {
    const f = await identifyFleet(server.url, 1, { livenessMs: 3000 });
    try {
      const redis = f.connections[0]!;
      await redis.set(`${f.prefix}:next:0`, 1e15);
      // An interval, plus the most a grantee's round trip adds to one.
      assert.equal(await grantTime(f), 5000 + 5000);
      // A spent budget whose reset lies in the year 33658: brought to one
      // day from the next attempt (Discord's window is a day at most).
      await redis.hset(`${f.prefix}:budget`, {
        total: 1000,
        remaining: 0,
        reset_at: 1e15,
      });
      const stop = new AbortController();
      const waiting = f.queues[0]!.acquire(1, stop.signal).catch(() => {});
      await f.settle();
      const now = f.scheduler.now();
      assert.equal(
        Number(await redis.hget(`${f.prefix}:budget`, "reset_at")),
        now + 86_400_000,
      );
      stop.abort();
      await waiting;
    } finally {
      await f.close();
    }
  },
});
