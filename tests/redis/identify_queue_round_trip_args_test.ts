// The round trip RedisIdentifyQueue tells its attempt script (the last
// argument: a grant holds its bucket that much longer, its way back being at
// most a round trip; see redis/_identify_round_trips.ts). A connection whose
// replies take a set time on the virtual clock shows what each attempt
// sends: the first one waits for a PING's round trip (one PING for the
// process, another only after one failed to reach Redis), each attempt's
// own reply is measured (a link that slowed after the PING held grants only
// by the PING's time), a fraction of a millisecond is rounded up, and a
// waiter aborted during the PING sends no attempt.
import assert from "node:assert/strict";
import type { RedisConnection } from "../../redis/connection.ts";
import { RedisIdentifyQueue } from "../../redis/identify_queue.ts";
import { TRY_SCRIPT } from "../../redis/_identify_scripts.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { runUntilSettled } from "../_fakes/run_until.ts";

/** A grant, as the attempt script replies (epoch "e", nothing lost). */
const GRANT = [1, 0, 0, 0, "e", 0];
/** Not granted: the bucket is free in 1,000 ms, no waiter ahead. */
const WAIT = [0, 1_000, 0, 0, "e", 0];

/** One answer of the fake connection: after `ms`, `reply` or a failure. */
interface Answer {
  ms: number;
  reply?: unknown;
  error?: Error;
}

/** What the fake connection was sent. */
interface Sent {
  pings: number;
  /** The MULTI transactions (a waiter leaving the queue), each answered. */
  multis: number;
  /** The round trip argument of each attempt script, in order. */
  roundTrips: string[];
}

/**
 * A connection answering its PINGs and attempt scripts in turn from
 * `pings` and `attempts` (the last one repeated), each after its `ms` on
 * `clock`.
 */
function timedRedis(
  clock: VirtualScheduler,
  pings: Answer[],
  attempts: Answer[],
): { redis: RedisConnection; sent: Sent } {
  const sent: Sent = { pings: 0, multis: 0, roundTrips: [] };
  const answer = (next: Answer): Promise<unknown> =>
    new Promise((resolve, reject) =>
      clock.setTimeout(
        () => next.error ? reject(next.error) : resolve(next.reply),
        next.ms,
      )
    );
  const redis = {
    ping: () => answer(pings[Math.min(sent.pings++, pings.length - 1)]!),
    eval: (script: unknown, ...args: unknown[]) => {
      assert.equal(script, TRY_SCRIPT, "only attempts are sent");
      const n = sent.roundTrips.push(String(args.at(-1)));
      return answer(attempts[Math.min(n - 1, attempts.length - 1)]!);
    },
    multi: () => {
      sent.multis++;
      const transaction = {
        zrem: () => transaction,
        exec: () => Promise.resolve([]),
      };
      return transaction;
    },
  } as unknown as RedisConnection;
  return { redis, sent };
}

/** A queue on `redis` with no budget to store (max_concurrency 2). */
function queueOn(
  redis: RedisConnection,
  scheduler: VirtualScheduler,
): RedisIdentifyQueue {
  return new RedisIdentifyQueue(redis, {
    clock: "scheduler",
    scheduler,
    maxConcurrency: 2,
  });
}

Deno.test("RedisIdentifyQueue: each attempt tells the script the longest recent round trip, its own replies measured, after one PING", async () => {
  const scheduler = new VirtualScheduler();
  // The PING comes back in 10 ms; then the link slows: the first attempt's
  // reply (not granted) takes 400 ms.
  const { redis, sent } = timedRedis(scheduler, [{ ms: 10, reply: "PONG" }], [
    { ms: 400, reply: WAIT },
    { ms: 50, reply: GRANT },
  ]);
  const queue = queueOn(redis, scheduler);
  await runUntilSettled(scheduler, queue.acquire(0));
  assert.deepEqual(sent.roundTrips, ["10", "400"]);
  // A second shard of the process: no PING more, the 400 ms still counts.
  await runUntilSettled(scheduler, queue.acquire(2));
  assert.deepEqual(sent.roundTrips, ["10", "400", "400"]);
  assert.equal(sent.pings, 1);
});

Deno.test("RedisIdentifyQueue: a round trip with a fraction of a millisecond is told rounded up", async () => {
  const scheduler = new VirtualScheduler();
  const { redis, sent } = timedRedis(
    scheduler,
    [{ ms: 40.25, reply: "PONG" }],
    [{ ms: 1, reply: GRANT }],
  );
  await runUntilSettled(scheduler, queueOn(redis, scheduler).acquire(0));
  assert.deepEqual(sent.roundTrips, ["41"]);
});

Deno.test("RedisIdentifyQueue: a first PING that fails to reach Redis sends no attempt; the next poll PINGs again and the attempt counts that round trip", async () => {
  const scheduler = new VirtualScheduler();
  const { redis, sent } = timedRedis(scheduler, [
    { ms: 5, error: new Error("Connection is closed.") },
    { ms: 30, reply: "PONG" },
  ], [{ ms: 30, reply: GRANT }]);
  const queue = queueOn(redis, scheduler);
  const stop = new AbortController();
  const lines = await captureStderr(async () => {
    try {
      await runUntilSettled(scheduler, queue.acquire(0, stop.signal), {
        limit: 20,
      });
    } finally {
      stop.abort();
    }
  });
  assert.equal(sent.pings, 2);
  assert.deepEqual(sent.roundTrips, ["30"]);
  assert.deepEqual(lines, [
    "[WRN] disruption·redis·identify_queue: Identify queue cannot reach Redis; no shard identifies until it is back: Connection is closed.",
    "[INF] disruption·redis·identify_queue: Identify queue reaches Redis again",
  ]);
});

Deno.test("RedisIdentifyQueue: shards that start waiting together share the first PING", async () => {
  const scheduler = new VirtualScheduler();
  const { redis, sent } = timedRedis(
    scheduler,
    [{ ms: 20, reply: "PONG" }],
    [{ ms: 5, reply: GRANT }],
  );
  const queue = queueOn(redis, scheduler);
  await runUntilSettled(
    scheduler,
    Promise.all([queue.acquire(0), queue.acquire(1), queue.acquire(2)]),
  );
  assert.equal(sent.pings, 1);
  assert.deepEqual(sent.roundTrips, ["20", "20", "20"]);
});

Deno.test("RedisIdentifyQueue: a waiter aborted during its first PING sends no attempt (a grant then would spend a slot and a session start)", async () => {
  const scheduler = new VirtualScheduler();
  const { redis, sent } = timedRedis(
    scheduler,
    [{ ms: 100, reply: "PONG" }],
    [{ ms: 5, reply: GRANT }],
  );
  const queue = queueOn(redis, scheduler);
  const stop = new AbortController();
  const waiting = queue.acquire(0, stop.signal);
  const rejected = assert.rejects(waiting, { name: "AbortError" });
  await scheduler.advance(50);
  stop.abort();
  await rejected;
  await scheduler.advance(1_000);
  assert.equal(sent.pings, 1);
  assert.deepEqual(sent.roundTrips, []);
  assert.equal(sent.multis, 1, "left the shared queue");
  assert.equal(queue.pending, 0);
});
