// RedisIdentifyQueue against a real Redis, on the virtual clock: each queue
// instance (with its own connection) stands for one process of the bot, and
// the Lua script decides on the scheduler's time, so pacing, FIFO order, the
// shared budget and cancellation are checked at exact virtual times.
import assert from "node:assert/strict";
import {
  closeRedis,
  connectRedis,
  type RedisConnection,
  RedisIdentifyQueue,
  type RedisIdentifyQueueOptions,
} from "../../redis/mod.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import {
  askInOrder as ask,
  type IdentifyFleet,
  identifyFleet,
  wipeFleetKeys,
} from "../_fakes/identify_fleet.ts";
import { testRedis } from "../_fakes/servers.ts";
import { type TcpCut, tcpCut } from "../_fakes/tcp_cut.ts";
import { runUntil } from "../_fakes/run_until.ts";
import { within } from "../_fakes/watchdog.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const server = testRedis();

function fleet(
  processes: number,
  options: RedisIdentifyQueueOptions = {},
): Promise<IdentifyFleet> {
  return identifyFleet(server.url, processes, options);
}

Deno.test({
  name:
    "RedisIdentifyQueue: one bucket, two processes: one grant per 5 s, in request order",
  ignore: server.ignore,
  fn: async () => {
    const f = await fleet(2);
    try {
      const grants: [number, number][] = [];
      const all = await ask(f, [[0, 0], [1, 1], [0, 2], [1, 3]], grants);
      await runUntil(f.scheduler, () => grants.length === 4, {
        settle: f.settle,
      });
      await Promise.all(all);
      assert.deepEqual(grants, [[0, 0], [1, 5000], [2, 10000], [3, 15000]]);
      assert.equal(f.scheduler.pending, 0);
    } finally {
      await f.close();
    }
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue: max_concurrency 2: buckets pace separately, FIFO inside each",
  ignore: server.ignore,
  fn: async () => {
    const f = await fleet(3, { maxConcurrency: 2 });
    try {
      const grants: [number, number][] = [];
      // Bucket 0: 4 (p2), 0 (p0), 2 (p1). Bucket 1: 1 (p1), 3 (p0).
      const all = await ask(
        f,
        [[2, 4], [1, 1], [0, 0], [0, 3], [1, 2]],
        grants,
      );
      await runUntil(f.scheduler, () => grants.length === 5, {
        settle: f.settle,
      });
      await Promise.all(all);
      assert.deepEqual(grants, [
        [4, 0],
        [1, 0],
        [0, 5000],
        [3, 5000],
        [2, 10000],
      ]);
    } finally {
      await f.close();
    }
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue: the daily budget is shared: the third start waits for the reset",
  ignore: server.ignore,
  fn: async () => {
    const f = await fleet(2, { intervalMs: 1000 });
    try {
      await f.queues[0]!.updateSessionStartLimit({
        total: 5,
        remaining: 2,
        reset_after: 60_000,
        max_concurrency: 1,
      });
      const grants: [number, number][] = [];
      const all = await ask(f, [[0, 0], [1, 1], [1, 2]], grants);
      await runUntil(f.scheduler, () => grants.length === 3, {
        settle: f.settle,
      });
      await Promise.all(all);
      assert.deepEqual(grants, [[0, 0], [1, 1000], [2, 60_000]]);
      const budget = await f.queues[1]!.budget();
      assert.equal(budget?.total, 5);
      assert.equal(budget?.remaining, 4); // refilled to 5 at the reset, one used
    } finally {
      await f.close();
    }
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue: a stale session_start_limit never raises the shared count within its window",
  ignore: server.ignore,
  fn: async () => {
    const f = await fleet(2);
    try {
      const limit = {
        total: 1000,
        remaining: 10,
        reset_after: 60_000,
        max_concurrency: 1,
      };
      await f.queues[0]!.updateSessionStartLimit(limit);
      const granted = f.queues[0]!.acquire(0);
      await runUntil(f.scheduler, () => f.queues[0]!.pending === 0, {
        settle: f.settle,
      });
      await granted;
      assert.equal((await f.queues[0]!.budget())?.remaining, 9);
      // Process 1 fetched /gateway/bot before process 0 identified.
      await f.queues[1]!.updateSessionStartLimit(limit);
      assert.equal((await f.queues[1]!.budget())?.remaining, 9);
      // After the window Discord's figure wins.
      await f.scheduler.advance(60_000);
      await f.queues[1]!.updateSessionStartLimit({ ...limit, remaining: 1000 });
      assert.equal((await f.queues[1]!.budget())?.remaining, 1000);
      await assert.rejects(
        f.queues[1]!.updateSessionStartLimit({ ...limit, remaining: -1 }),
        RangeError,
      );
    } finally {
      await f.close();
    }
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue: an aborted wait leaves the shared queue at once and the next shard moves up",
  ignore: server.ignore,
  fn: async () => {
    const f = await fleet(2, { pollMs: 200 });
    try {
      const grants: [number, number][] = [];
      const abort = new AbortController();
      const first = await ask(f, [[0, 0]], grants);
      const aborted = f.queues[0]!.acquire(1, abort.signal);
      const abortedResult = aborted.then(() => "granted", (e) => e);
      await f.settle();
      const rest = await ask(f, [[1, 2]], grants);
      abort.abort(new Error("shard closed"));
      await f.settle();
      const zcard = await f.connections[0]!.zcard(`${f.prefix}:queue:0`);
      assert.equal(zcard, 1); // only shard 2 waits
      await runUntil(f.scheduler, () => grants.length === 2, {
        settle: f.settle,
      });
      await Promise.all([...first, ...rest]);
      assert.deepEqual(grants, [[0, 0], [2, 5000]]);
      const reason = await abortedResult;
      assert.ok(reason instanceof Error && reason.message === "shard closed");
      assert.equal(f.queues[0]!.pending, 0);
      assert.equal(f.scheduler.pending, 0);
      // An already aborted signal never reaches Redis.
      await assert.rejects(
        f.queues[1]!.acquire(5, AbortSignal.abort(new Error("gone"))),
        /gone/,
      );
    } finally {
      await f.close();
    }
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue: a dead process's waiter drops out after livenessMs instead of blocking its bucket",
  ignore: server.ignore,
  fn: async () => {
    const f = await fleet(3, { pollMs: 500, livenessMs: 3000 });
    try {
      const grants: [number, number][] = [];
      const stop = new AbortController();
      const first = await ask(f, [[0, 0]], grants);
      // Process 2 queues shard 1 and then loses Redis for good.
      const dead = f.queues[2]!.acquire(1, stop.signal).catch(() => {});
      await f.settle();
      const rest = await ask(f, [[1, 2]], grants);
      f.connections[2]!.disconnect();
      await runUntil(f.scheduler, () => grants.length === 2, {
        settle: f.settle,
      });
      await Promise.all([...first, ...rest]);
      // Shard 1's ticket was last renewed at t=0, so it is gone at 3000; the
      // bucket was busy until 5000 anyway.
      assert.deepEqual(grants, [[0, 0], [2, 5000]]);
      stop.abort();
      await dead;
    } finally {
      await f.close();
    }
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue: a dead waiter at the head delays its bucket by at most livenessMs",
  ignore: server.ignore,
  fn: async () => {
    const f = await fleet(2, { pollMs: 500, livenessMs: 3000 });
    try {
      const grants: [number, number][] = [];
      const first = await ask(f, [[0, 0]], grants);
      await runUntil(f.scheduler, () => grants.length === 1, {
        settle: f.settle,
      });
      await f.scheduler.advance(4000); // t=4000: the bucket frees at 5000
      const stop = new AbortController();
      const dead = f.queues[1]!.acquire(1, stop.signal).catch(() => {});
      await f.settle();
      const rest = await ask(f, [[0, 2]], grants);
      f.connections[1]!.disconnect();
      await runUntil(f.scheduler, () => grants.length === 2, {
        settle: f.settle,
      });
      await Promise.all([...first, ...rest]);
      const at = grants[1]![1];
      // Last renewed at 4000 → expired after 7000, seen at the next poll.
      assert.ok(at > 7000 && at <= 7500, `granted at ${at}`);
      stop.abort();
      await dead;
    } finally {
      await f.close();
    }
  },
});

Deno.test({
  name: "RedisIdentifyQueue: bad options and shard ids are typed errors",
  ignore: server.ignore,
  fn: async () => {
    const f = await fleet(1);
    try {
      const redis = f.connections[0]!;
      assert.throws(
        () => new RedisIdentifyQueue(redis, { maxConcurrency: 0 }),
        RangeError,
      );
      assert.throws(
        () => new RedisIdentifyQueue(redis, { pollMs: 100, livenessMs: 50 }),
        RangeError,
      );
      // A dead process's waiters may block a bucket a minute at most.
      assert.throws(
        () => new RedisIdentifyQueue(redis, { livenessMs: 60_001 }),
        RangeError,
      );
      assert.throws(
        () => new RedisIdentifyQueue(redis, { prefix: "" }),
        TypeError,
      );
      // Redis refused the script's expiry of 1e17 ms: every attempt failed.
      assert.throws(
        () => new RedisIdentifyQueue(redis, { intervalMs: 1e17 }),
        /'intervalMs' must be at most 2147483647: current value 'intervalMs=100000000000000000'/,
      );
      // A limit given to the constructor is checked there: the update it
      // starts rejected, unseen, and the queue ran with no shared budget.
      const limit = {
        total: 1000,
        remaining: 1000,
        reset_after: 0,
        max_concurrency: 1,
      };
      for (
        const [field, value] of [
          ["max_concurrency", 0],
          ["remaining", -1],
          ["total", 1.5],
          ["reset_after", Number.NaN],
        ] as const
      ) {
        assert.throws(
          () =>
            new RedisIdentifyQueue(redis, {
              sessionStartLimit: { ...limit, [field]: value },
            }),
          new RegExp(`'${field}'`),
        );
      }
      await assert.rejects(f.queues[0]!.acquire(-1), RangeError);
      await assert.rejects(f.queues[0]!.acquire(1.5), RangeError);
    } finally {
      await f.close();
    }
  },
});

/**
 * A queue on the virtual clock whose connection goes through a TCP relay a
 * test can cut; `run` gets them, then the queue's keys and connections go.
 */
async function withRelayedQueue(
  options: RedisIdentifyQueueOptions,
  run: (scene: {
    relay: TcpCut;
    scheduler: VirtualScheduler;
    queue: RedisIdentifyQueue;
    /** The queue's key `name`, read past the relay. */
    read: (name: string) => Promise<string | null>;
  }) => Promise<void>,
): Promise<void> {
  const relay = tcpCut(Number(new URL(server.url).port));
  const scheduler = new VirtualScheduler();
  const redis = await connectRedis({
    url: `redis://127.0.0.1:${relay.port}`,
  });
  const prefix = `disruption:test:identify:${crypto.randomUUID()}`;
  const queue = new RedisIdentifyQueue(redis, {
    prefix,
    clock: "scheduler",
    scheduler,
    pollMs: 500,
    ...options,
  });
  const direct = await connectRedis({ url: server.url });
  try {
    await run({
      relay,
      scheduler,
      queue,
      read: (name) => direct.get(`${prefix}:${name}`),
    });
  } finally {
    const keys = await direct.keys(`${prefix}:*`);
    if (keys.length > 0) await direct.del(...keys);
    await closeRedis(direct);
    await closeRedis(redis);
    await relay.close();
  }
}

Deno.test({
  name:
    "RedisIdentifyQueue: while Redis is unreachable nothing is granted; once it is back the wait ends",
  ignore: server.ignore,
  fn: () =>
    withRelayedQueue({}, async ({ relay, scheduler, queue }) => {
      let granted = false;
      await queue.acquire(0); // t=0: bucket busy until 5000
      const waiting = queue.acquire(1).then(() => granted = true);
      relay.cut();
      // Past the bucket's next free time, Redis still unreachable: every
      // attempt fails (ioredis holds and retries them) and none grants.
      for (let i = 0; i < 12 && !granted; i++) {
        await scheduler.advance(500);
        await new Promise((r) => setTimeout(r, 0));
      }
      assert.equal(granted, false);
      assert.ok(scheduler.now() > 5000);
      relay.restore();
      await within(
        (async () => {
          while (!granted) {
            await scheduler.advance(500);
            await new Promise((r) => setTimeout(r, 20));
          }
        })(),
        "the grant after Redis came back",
      );
      await waiting;
    }),
});

Deno.test({
  name:
    "RedisIdentifyQueue: a grant whose reply is lost (the connection dropped after Redis ran it) is handed again when the command is sent again, spending one session start and one interval, not two",
  ignore: server.ignore,
  fn: () =>
    withRelayedQueue({
      sessionStartLimit: {
        total: 1000,
        remaining: 1000,
        reset_after: 3_600_000,
        max_concurrency: 1,
      },
    }, async ({ relay, scheduler, queue, read }) => {
      const grants: number[] = [];
      const grantedAt = async (): Promise<void> => {
        const shard = grants.length;
        const waiting = queue.acquire(shard).then(() =>
          grants.push(scheduler.now())
        );
        // The clock at most 5 times real time: the queue times its round
        // trips on it, and a grant holds its bucket that much longer (at
        // 25 times, a 30 ms PING through a slow relay held it 1,750 ms
        // longer, past the bound below).
        await within(
          (async () => {
            while (grants.length === shard) {
              await scheduler.advance(50);
              await new Promise((r) => setTimeout(r, 10));
            }
          })(),
          `the grant of shard ${shard}`,
        );
        await waiting;
      };
      // The granting reply (an array whose first element is 1) is lost.
      relay.cutAtReply(/^\*[46]\r\n:1\r\n/);
      await grantedAt();
      assert.equal((await queue.budget())?.remaining, 999, "one start spent");
      // The bucket is held one interval from the grant handed again, not
      // two. Read from Redis, not from the grants' times: while a command
      // is on its way the test's clock runs on (50 ms a 10 ms turn), so
      // under load a grant is seen later than Redis made it (at 250 ms a
      // turn, 500 and 6500 were seen, CI's bound of 5,500 apart missed).
      const freeAt = Number(await read("next:0"));
      assert.ok(
        freeAt - grants[0]! <= 5_000 + 500,
        `free at ${freeAt}, granted at ${grants[0]}`,
      );
      await grantedAt();
      assert.equal((await queue.budget())?.remaining, 998);
      assert.ok(
        grants[1]! >= freeAt,
        `granted at ${grants}, free at ${freeAt}`,
      );
    }),
});

Deno.test({
  name:
    "RedisIdentifyQueue: keys it cannot read (a partial budget, wrong types, a ticket counter that is no number) are dropped with a warning, not a queue stalled for good",
  ignore: server.ignore,
  fn: async () => {
    const cases: [
      string,
      (
        prefix: string,
        redis: IdentifyFleet["connections"][0],
      ) => Promise<unknown>,
    ][] = [
      [
        "a budget with only `remaining`",
        (p, r) => r.hset(`${p}:budget`, "remaining", "5"),
      ],
      [
        "a budget whose reset is no number",
        (p, r) =>
          r.hset(`${p}:budget`, {
            total: "10",
            remaining: "5",
            reset_at: "soon",
          }),
      ],
      // Lua's tonumber reads these: NaN is never <= 0, so every IDENTIFY
      // was granted and the day's budget ignored.
      ...["nan", "inf", "-inf", "1e400"].map((value): typeof cases[0] => [
        `a budget whose remaining is ${value}`,
        (p, r) =>
          r.hset(`${p}:budget`, {
            total: "1000",
            remaining: value,
            reset_at: "99999999999999",
          }),
      ]),
      ["a budget that is a string", (p, r) => r.set(`${p}:budget`, "x")],
      [
        "a bucket time that is a hash",
        (p, r) => r.hset(`${p}:next:0`, "a", "1"),
      ],
      [
        "a ticket counter that is no integer",
        (p, r) => r.set(`${p}:tickets`, "1.5"),
      ],
      ["a queue that is a string", (p, r) => r.set(`${p}:queue:0`, "x")],
    ];
    for (const [what, spoil] of cases) {
      const f = await fleet(1);
      try {
        // Spoiled from nothing: the queue stored its assumed budget, and
        // setting one field of it leaves a budget it can read.
        await f.connections[0]!.del(`${f.prefix}:budget`);
        await spoil(f.prefix, f.connections[0]!);
        if (what.startsWith("a budget whose")) {
          // Read as it is, its NaN passed the fleet's "enough session
          // starts left?" check before a reshard.
          assert.equal(await f.queues[0]!.budget(), undefined, what);
        }
        const lines = await captureStderr(async () => {
          const grants: [number, number][] = [];
          const all = await ask(f, [[0, 0]], grants);
          await runUntil(f.scheduler, () => grants.length === 1, {
            settle: f.settle,
          });
          await Promise.all(all);
          // A dropped budget is written again first (the queue's assumed
          // one), and the shard asked again 10 ms later.
          assert.equal(grants.length, 1, what);
          assert.ok(grants[0]![1] <= 10, `${what}: at ${grants[0]![1]}`);
        });
        assert.ok(
          lines.some((line) => /held values it cannot read/.test(line)),
          `${what}: ${lines.join("\n")}`,
        );
      } finally {
        await f.close();
      }
    }
  },
});

const EXHAUSTED = {
  total: 1000,
  remaining: 0,
  reset_after: 60_000,
  max_concurrency: 1,
};

Deno.test({
  name:
    "RedisIdentifyQueue: when Redis loses the budget (a restart without persistence, a failover, a key deleted), a shard waiting for its reset still waits for it: the budget is written again from what the process knew, with a warning",
  ignore: server.ignore,
  fn: async () => {
    const f = await fleet(1);
    try {
      const queue = f.queues[0]!;
      await queue.updateSessionStartLimit(EXHAUSTED);
      const grants: [number, number][] = [];
      let all: Promise<void>[] = [];
      const lines = await captureStderr(async () => {
        all = await ask(f, [[0, 0]], grants);
        await f.scheduler.advance(1000);
        await f.settle();
        // Everything under the prefix is gone, as after a restart.
        await wipeFleetKeys(f);
        await runUntil(f.scheduler, () => f.scheduler.now() >= 30_000, {
          settle: f.settle,
        });
        assert.deepEqual(grants, []);
        assert.deepEqual(await queue.budget(), {
          total: 1000,
          remaining: 0,
          resetAt: 60_000,
        });
        await runUntil(f.scheduler, () => grants.length === 1, {
          settle: f.settle,
        });
      });
      await Promise.all(all);
      const at = grants[0]![1];
      // At the reset, seen at the next renewal of the waiter's place.
      assert.ok(at >= 60_000 && at <= 62_500, `granted at ${at}`);
      const gone = lines.filter((line) => /gone from Redis/.test(line));
      assert.equal(gone.length, 1, lines.join("\n"));
      assert.match(gone[0]!, /0 of 1000 left, reset in 5\d{4} ms/);
    } finally {
      await f.close();
    }
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue: after Redis lost its keys, the budget comes back less the grants since, and a bucket granted by this process is not granted again within the interval",
  ignore: server.ignore,
  fn: async (t) => {
    await t.step("lost within the window: said, and counted on", async () => {
      const f = await fleet(1);
      try {
        const queue = f.queues[0]!;
        await queue.updateSessionStartLimit({ ...EXHAUSTED, remaining: 10 });
        const grants: [number, number][] = [];
        const lines = await captureStderr(async () => {
          const first = await ask(f, [[0, 0]], grants);
          await Promise.all(first);
          await f.scheduler.advance(1000);
          await wipeFleetKeys(f);
          const rest = await ask(f, [[0, 1]], grants);
          await runUntil(f.scheduler, () => grants.length === 2, {
            settle: f.settle,
          });
          await Promise.all(rest);
        });
        // Shard 1 shares shard 0's bucket: not at once, and not before
        // every bucket has been held an interval from the loss (at 1000).
        assert.deepEqual(grants, [[0, 0], [1, 6000]]);
        assert.equal((await queue.budget())?.remaining, 8);
        assert.equal(
          lines.filter((line) => /gone from Redis/.test(line)).length,
          1,
          lines.join("\n"),
        );
      } finally {
        await f.close();
      }
    });
    await t.step(
      "gone a day after its reset: it expired as meant, stored again refilled and quietly",
      async () => {
        const f = await fleet(1);
        try {
          const queue = f.queues[0]!;
          await queue.updateSessionStartLimit({
            ...EXHAUSTED,
            remaining: 10,
            reset_after: 1000,
          });
          const grants: [number, number][] = [];
          const lines = await captureStderr(async () => {
            await Promise.all(await ask(f, [[0, 0]], grants));
            await f.scheduler.advance(1000 + 24 * 3_600_000);
            // Its expiry runs on Redis's clock, not the test's: deleted.
            await f.connections[0]!.del(`${f.prefix}:budget`);
            const rest = await ask(f, [[0, 1]], grants);
            await runUntil(f.scheduler, () => grants.length === 2, {
              settle: f.settle,
            });
            await Promise.all(rest);
          });
          assert.deepEqual(lines, []);
          assert.equal((await queue.budget())?.remaining, 999);
        } finally {
          await f.close();
        }
      },
    );
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue: a raised max_concurrency lets no new bucket grant within the interval of the last grant (shards 1 and 17 share Discord's bucket at 16)",
  ignore: server.ignore,
  fn: async (t) => {
    const limit16 = {
      total: 1000,
      remaining: 1000,
      reset_after: 3_600_000,
      max_concurrency: 16,
    };
    await t.step(
      "raised after a grant: the new buckets wait for it",
      async () => {
        const f = await fleet(1);
        try {
          const grants: [number, number][] = [];
          await Promise.all(await ask(f, [[0, 1]], grants));
          await f.queues[0]!.updateSessionStartLimit(limit16);
          const rest = await ask(f, [[0, 17], [0, 2]], grants);
          await runUntil(f.scheduler, () => grants.length === 3, {
            settle: f.settle,
          });
          await Promise.all(rest);
          assert.deepEqual(grants, [[1, 0], [17, 5000], [2, 5000]]);
          // The floor holds once: the new buckets pace apart after it.
          const later = await ask(f, [[0, 3], [0, 33]], grants);
          await runUntil(f.scheduler, () => grants.length === 5, {
            settle: f.settle,
          });
          await Promise.all(later);
          assert.deepEqual(grants.slice(3), [[3, 5000], [33, 10_000]]);
        } finally {
          await f.close();
        }
      },
    );
    await t.step(
      "a process that joins on the fleet's layout holds nothing",
      async () => {
        const f = await fleet(2);
        try {
          // Process 0 runs at 16; process 1 starts at the default 1 and
          // then learns 16 from Discord: no change for the fleet.
          await f.queues[0]!.updateSessionStartLimit(limit16);
          const grants: [number, number][] = [];
          await Promise.all(await ask(f, [[0, 1]], grants));
          await f.queues[1]!.updateSessionStartLimit(limit16);
          await Promise.all(await ask(f, [[1, 2]], grants));
          assert.deepEqual(grants, [[1, 0], [2, 0]]);
        } finally {
          await f.close();
        }
      },
    );
  },
});

Deno.test("RedisIdentifyQueue: a Redis that does not answer at all (frozen) is said once after 10 s; waiters keep waiting, and still give up when aborted", async (t) => {
  // A connection to a server that accepts commands and never answers them
  // (SIGSTOP): nothing fails, nothing returns.
  const frozen = {
    ping: () => new Promise(() => {}),
    eval: () => new Promise(() => {}),
    multi: () => {
      const chain = { zrem: () => chain, exec: () => new Promise(() => {}) };
      return chain;
    },
  } as unknown as RedisConnection;
  for (
    const [what, options] of [
      ["an attempt unanswered", {}],
      ["the budget's store unanswered", { sessionStartLimit: EXHAUSTED }],
    ] as const
  ) {
    await t.step(what, async () => {
      const scheduler = new VirtualScheduler();
      const queue = new RedisIdentifyQueue(frozen, {
        clock: "scheduler",
        scheduler,
        ...options,
      });
      const stop = new AbortController();
      const waiting: Promise<void>[] = [];
      const quiet = await captureStderr(async () => {
        waiting.push(queue.acquire(0, stop.signal));
        waiting.push(queue.acquire(1, stop.signal));
        await scheduler.advance(9_999);
      });
      assert.deepEqual(quiet, []);
      const lines = await captureStderr(() => scheduler.advance(60_001));
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.match(lines[0]!, /Redis has not answered for 10000 ms/);
      assert.equal(queue.pending, 2);
      stop.abort(new Error("shard closed"));
      for (const wait of waiting) {
        await assert.rejects(wait, /shard closed/);
      }
      assert.equal(queue.pending, 0);
      assert.equal(scheduler.pending, 0);
    });
  }
});

Deno.test({
  name:
    "RedisIdentifyQueue: a fraction of a millisecond (in a stored reset, the clock or the options) still grants, and spends one session start a grant",
  ignore: server.ignore,
  fn: async (t) => {
    const limit = { ...EXHAUSTED, remaining: 1000, reset_after: 3_600_000 };
    // PEXPIRE refuses "3600000.5": it failed after the count was written,
    // so every attempt spent a session start and granted none.
    await t.step("a reset_at written by another program", async () => {
      const f = await fleet(1);
      try {
        const queue = f.queues[0]!;
        await queue.updateSessionStartLimit(limit);
        const budget = `${f.prefix}:budget`;
        await f.connections[0]!.hset(budget, "reset_at", "3600000.5");
        const granted = queue.acquire(0);
        await runUntil(f.scheduler, () => queue.pending === 0, {
          settle: f.settle,
          limit: 50,
        });
        await granted;
        assert.equal(f.scheduler.now(), 0);
        assert.equal((await queue.budget())?.remaining, 999);
        await queue.updateSessionStartLimit(limit);
      } finally {
        await f.close();
      }
    });
    await t.step("the clock, the interval and the liveness", async () => {
      const scheduler = new VirtualScheduler({ start: 1_765_000_000_000.37 });
      const f = await fleet(1, {
        scheduler,
        intervalMs: 2500.5,
        livenessMs: 3000.25,
      });
      try {
        const queue = f.queues[0]!;
        const start = scheduler.now();
        await queue.updateSessionStartLimit(limit);
        const grants: number[] = [];
        const all = [0, 1].map((shard) =>
          queue.acquire(shard).then(() => grants.push(scheduler.now() - start))
        );
        await runUntil(scheduler, () => grants.length === 2, {
          settle: f.settle,
          limit: 50,
        });
        await Promise.all(all);
        // Waits reach the queue in whole milliseconds, rounded up.
        const [first, second] = grants as [number, number];
        assert.ok(
          first === 0 && second >= 2500.5 && second < 2501.5,
          `${grants}`,
        );
        assert.equal((await queue.budget())?.remaining, 998);
      } finally {
        await f.close();
      }
    });
  },
});

Deno.test({
  name:
    "RedisIdentifyQueue: after Redis lost its keys, a process grants no bucket of its own twice within the interval, whoever wrote the budget back",
  ignore: server.ignore,
  fn: async (t) => {
    await t.step("another process wrote the budget back", async () => {
      const f = await fleet(2, { maxConcurrency: 2 });
      try {
        const limit = { ...EXHAUSTED, remaining: 500, max_concurrency: 2 };
        await f.queues[0]!.updateSessionStartLimit(limit);
        await f.queues[1]!.updateSessionStartLimit(limit);
        const grants: [number, number][] = [];
        let all: Promise<void>[] = [];
        const lines = await captureStderr(async () => {
          all = await ask(f, [[1, 1]], grants); // process 1, bucket 1
          await f.scheduler.advance(1000);
          await wipeFleetKeys(f); // a restart without persistence
          // Process 0 finds the budget gone first and writes it back
          // with its own grants: it knows none of process 1's.
          all.push(...await ask(f, [[0, 0]], grants));
          await runUntil(f.scheduler, () => grants.length === 2, {
            settle: f.settle,
          });
          all.push(...await ask(f, [[1, 3]], grants)); // bucket 1 again
          await runUntil(f.scheduler, () => grants.length === 3, {
            settle: f.settle,
          });
        });
        await Promise.all(all);
        // Process 0 asks again 10 ms after writing the budget back (it had
        // no reply before the loss: it cannot tell it from a first start).
        // Process 1 finds the loss and holds every bucket an interval from
        // it (its own grant alone held bucket 1 until 5000).
        assert.deepEqual(grants, [[1, 0], [0, 1010], [3, 6000]]);
        assert.equal(
          lines.filter((line) => /gone from Redis/.test(line)).length,
          1,
          lines.join("\n"),
        );
      } finally {
        await f.close();
      }
    });
    await t.step("no budget to find gone", async () => {
      const f = await fleet(1);
      try {
        const grants: [number, number][] = [];
        const all = await ask(f, [[0, 0]], grants);
        await f.scheduler.advance(1000);
        await wipeFleetKeys(f);
        all.push(...await ask(f, [[0, 1]], grants));
        const redis = f.connections[0]!;
        assert.equal(await redis.get(`${f.prefix}:next:0`), "5000");
        assert.equal(await redis.get(`${f.prefix}:next:last`), "5000");
        await runUntil(f.scheduler, () => grants.length === 2, {
          settle: f.settle,
        });
        await Promise.all(all);
        // Held an interval from the loss at 1000, not only from the grant.
        assert.deepEqual(grants, [[0, 0], [1, 6000]]);
      } finally {
        await f.close();
      }
    });
    await t.step("the old layout's floor", async () => {
      const f = await fleet(1);
      try {
        const grants: [number, number][] = [];
        const all = await ask(f, [[0, 1]], grants);
        await f.queues[0]!.updateSessionStartLimit({
          ...EXHAUSTED,
          remaining: 500,
          max_concurrency: 16,
        });
        await f.scheduler.advance(1000);
        // The budget survives, so nobody finds it gone; the floor and the
        // layout it would have been set from do not.
        await wipeFleetKeys(f, `${f.prefix}:budget`);
        // Shards 1 and 17 share Discord's bucket at 16.
        all.push(...await ask(f, [[0, 17]], grants));
        await runUntil(f.scheduler, () => grants.length === 2, {
          settle: f.settle,
        });
        await Promise.all(all);
        // The floor the loss sets (1000 + 5000) covers the old layout's.
        assert.deepEqual(grants, [[1, 0], [17, 6000]]);
      } finally {
        await f.close();
      }
    });
  },
});
