// RedisIdentifyQueue showed an outage on stderr ("cannot reach Redis",
// "has not answered for 10000 ms") but not its end: the wait seemed to last
// for ever. The recovery is now shown where the outage was, once, and
// never without one.
import assert from "node:assert/strict";
import { type RedisConnection, RedisIdentifyQueue } from "../../redis/mod.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { runUntilSettled } from "../_fakes/run_until.ts";

/** A grant, as the attempt script replies (epoch "e", nothing lost). */
const GRANT = [1, 0, 0, 0, "e", 0];

/** A connection whose first `failures` scripts fail to reach Redis. */
function failingFirst(failures: number): RedisConnection {
  let sent = 0;
  return {
    ping: () => Promise.resolve("PONG"),
    eval: () =>
      sent++ < failures
        ? Promise.reject(new Error("Connection is closed."))
        : Promise.resolve(GRANT),
  } as unknown as RedisConnection;
}

Deno.test("RedisIdentifyQueue: the end of an outage it showed is shown once; no outage, no line", async () => {
  for (const failures of [3, 0]) {
    const scheduler = new VirtualScheduler();
    const queue = new RedisIdentifyQueue(failingFirst(failures), {
      clock: "scheduler",
      scheduler,
    });
    const lines = await captureStderr(async () => {
      await runUntilSettled(scheduler, queue.acquire(0));
      await runUntilSettled(scheduler, queue.acquire(1));
    });
    assert.deepEqual(
      lines,
      failures === 0 ? [] : [
        "[WRN] disruption·redis·identify_queue: Identify queue cannot reach Redis; no shard identifies until it is back: Connection is closed.",
        "[INF] disruption·redis·identify_queue: Identify queue reaches Redis again",
      ],
    );
  }
});
