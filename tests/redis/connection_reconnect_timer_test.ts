// The bound on a reconnect's setup (connection_reconnect_setup_test.ts) is
// one timer per reconnect, every reconnect's, stopped by the server's first
// answer: left running, it would drop a healthy connection connectTimeout
// after each reconnect (its commands retried, its subscribers' messages
// lost), and a bound set at the first reconnect only let the second hang as
// before. The timers are seen on `realScheduler`, wrapped for the test:
// watching for a drop that does not come would take connectTimeout of real
// time.
import assert from "node:assert/strict";
import { closeRedis, connectRedis } from "../../redis/mod.ts";
import { realScheduler, type TimerId } from "../../base/scheduler.ts";
import { testRedis } from "../_fakes/servers.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { tcpCut } from "../_fakes/tcp_cut.ts";
import { within } from "../_fakes/watchdog.ts";

const server = testRedis();

/** A connectTimeout no other timer of the test uses. */
const CONNECT_TIMEOUT = 2_345;

Deno.test({
  name:
    "connectRedis: each reconnect's setup is bounded by a timer of its own, stopped once the server answers",
  ignore: server.ignore,
}, async () => {
  const relay = tcpCut(Number(new URL(server.url).port));
  const redis = await connectRedis({
    url: `redis://127.0.0.1:${relay.port}`,
    connectTimeout: CONNECT_TIMEOUT,
  });
  const { setTimeout, clearTimeout } = realScheduler;
  let set = 0;
  const running = new Set<TimerId>();
  realScheduler.setTimeout = (callback, delay) => {
    if (delay !== CONNECT_TIMEOUT) return setTimeout(callback, delay);
    set++;
    const id = setTimeout(() => {
      running.delete(id);
      callback();
    }, delay);
    running.add(id);
    return id;
  };
  realScheduler.clearTimeout = (id) => {
    running.delete(id);
    clearTimeout(id);
  };
  try {
    await captureStderr(async () => {
      for (let reconnect = 1; reconnect <= 2; reconnect++) {
        const lost = new Promise((resolve) => redis.once("close", resolve));
        relay.cut();
        await within(lost, `connection ${reconnect} to be lost`);
        const ready = new Promise((resolve) => redis.once("ready", resolve));
        relay.restore();
        await within(ready, `reconnect ${reconnect} to be ready`);
        assert.equal(set, reconnect, "a timer per reconnect");
        assert.equal(running.size, 0, "stopped by the server's answer");
        assert.equal(await redis.ping(), "PONG");
      }
    });
  } finally {
    realScheduler.setTimeout = setTimeout;
    realScheduler.clearTimeout = clearTimeout;
    for (const id of running) clearTimeout(id);
    await closeRedis(redis);
    await relay.close();
  }
});
