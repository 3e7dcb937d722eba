// watchRedisRestarts on a fake connection whose events the test emits and
// whose INFO names the run id the test chooses: the dispatch service marks
// its cache stale once per reconnect to another server process, or when
// which server it is cannot be known.
import assert from "node:assert/strict";
import { watchRedisRestarts } from "../../dispatch/redis_restarts.ts";
import { trackServerSession } from "../../redis/server_session.ts";
import { fakeConnection } from "../_fakes/info_connection.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

interface Watched {
  /** How many times the watch said the server was replaced. */
  counted: { replaced: number };
  /** A drop and a reconnect, and INFO's answer compared. */
  reconnect(): Promise<void>;
}

/** A tracked connection (as connectRedis makes it), watched. */
function watched(runs: (string | Error)[]): Watched {
  const redis = fakeConnection(runs);
  trackServerSession(redis);
  const counted = { replaced: 0 };
  watchRedisRestarts(redis, () => counted.replaced++);
  const reconnect = async (): Promise<void> => {
    redis.emit("close");
    redis.emit("ready");
    // INFO's answer (already settled on the fake) and the comparison after
    // it run as microtasks: flushing them sees them done.
    await new VirtualScheduler().flushMicrotasks();
  };
  return { counted, reconnect };
}

Deno.test("watchRedisRestarts: a restart is said once; a later drop to the same new server is not", async () => {
  const { counted, reconnect } = watched(["aaa111", "bbb222", "bbb222"]);
  await reconnect();
  assert.equal(counted.replaced, 1);
  await reconnect();
  assert.equal(counted.replaced, 1, "bbb222 again: nothing lost");
});

Deno.test("watchRedisRestarts: a reconnect is taken for another server when neither run id is known (INFO refused)", async () => {
  const { counted, reconnect } = watched([
    new Error("NOPERM"),
    new Error("NOPERM"),
  ]);
  await reconnect();
  assert.equal(counted.replaced, 1);
});

Deno.test("watchRedisRestarts: a connection not made by connectRedis is not followed", () => {
  const redis = fakeConnection(["aaa111", "bbb222"]);
  let replaced = 0;
  watchRedisRestarts(redis, () => replaced++);
  redis.emit("close");
  redis.emit("ready");
  assert.equal(replaced, 0);
  assert.equal(redis.listenerCount("ready"), 0);
});
