// What RedisIdentifyQueue says when its script fails: an error reply is Redis
// answering and refusing (a replica, full memory, a password asked, a dataset
// loading), to be fixed there; only a connection failure is Redis away.
import assert from "node:assert/strict";
import { ReplyError } from "ioredis";
import { type RedisConnection, RedisIdentifyQueue } from "../../redis/mod.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

/**
 * A ready connection whose every script fails with `error` (a PING, the
 * queue's first measure of a round trip, is answered: a replica or a full
 * Redis answers it).
 */
function failing(error: Error): RedisConnection {
  return {
    ping: () => Promise.resolve("PONG"),
    eval: () => Promise.reject(error),
    multi: () => {
      const chain = { zrem: () => chain, exec: () => Promise.resolve([]) };
      return chain;
    },
  } as unknown as RedisConnection;
}

Deno.test("RedisIdentifyQueue: any error reply of Redis is logged as Redis refusing the script, with its message; only a connection failure as Redis unreachable", async () => {
  const cases: [Error, RegExp][] = [
    [
      new ReplyError("READONLY You can't write against a read only replica."),
      /Redis refused the identify queue's script: READONLY You can't write/,
    ],
    [
      new ReplyError(
        "OOM command not allowed when used memory > 'maxmemory'.",
      ),
      /Redis refused the identify queue's script: OOM command not allowed/,
    ],
    [
      new ReplyError("NOAUTH Authentication required."),
      /Redis refused the identify queue's script: NOAUTH/,
    ],
    [
      new ReplyError("LOADING Redis is loading the dataset in memory"),
      /Redis refused the identify queue's script: LOADING/,
    ],
    [
      new ReplyError(
        "WRONGTYPE Operation against a key holding the wrong kind of value",
      ),
      /Redis refused the identify queue's script: WRONGTYPE/,
    ],
    [
      new Error("Connection is closed."),
      /Identify queue cannot reach Redis; no shard identifies until it is back: Connection is closed/,
    ],
  ];
  for (const [error, said] of cases) {
    const scheduler = new VirtualScheduler();
    const queue = new RedisIdentifyQueue(failing(error), {
      clock: "scheduler",
      scheduler,
    });
    const stop = new AbortController();
    let waiting: Promise<void> | undefined;
    const lines = await captureStderr(async () => {
      waiting = queue.acquire(0, stop.signal);
      await scheduler.advance(1_000);
    });
    stop.abort(new Error("shard closed"));
    await assert.rejects(waiting!, /shard closed/);
    // Said once, however many attempts failed.
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(lines[0]!, said);
    assert.equal(scheduler.pending, 0);
  }
});
