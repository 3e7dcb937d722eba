// A Redis that stops answering (SIGSTOP, a stalled network: its connection
// stays open and no command fails) is noticed by time, not only by the
// volume of what waits: before, the store's calls waited for ever and the
// cache said nothing, `stale` false and `onStale` never called.
import assert from "node:assert/strict";
import { RedisCache } from "../../cache/mod.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import { SILENT_REDIS_MS } from "../../redis/silent_redis.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { hungConnection, lateConnection } from "./_hung_connections.ts";

/**
 * A RedisCache on `redis` and a virtual clock, its stale reports kept:
 * what each test here watches.
 */
function watchedCache(redis: RedisConnection): {
  clock: VirtualScheduler;
  stale: unknown[];
  cache: RedisCache;
} {
  const clock = new VirtualScheduler();
  const stale: unknown[] = [];
  const cache = new RedisCache(redis, {
    scheduler: clock,
    onStale: (error) => stale.push(error),
  });
  return { clock, stale, cache };
}

Deno.test("RedisCache: a Redis that has not answered for SILENT_REDIS_MS marks the cache stale, said once, onStale called once", async () => {
  const { clock, stale, cache } = watchedCache(hungConnection());
  const settled: string[] = [];
  const lines = await captureStderr(async () => {
    void cache.apply("GUILD_UPDATE", { id: "1", name: "H" })
      .then(() => settled.push("apply"));
    void cache.apply("GUILD_UPDATE", { id: "1", name: "I" })
      .then(() => settled.push("apply"));
    await clock.advance(SILENT_REDIS_MS - 1);
    assert.equal(cache.stale, false, "within the bound");
    await clock.advance(1);
    // Still silent: said once for the outage, not again.
    await clock.advance(5 * SILENT_REDIS_MS);
  });
  assert.equal(cache.stale, true);
  assert.equal(stale.length, 1);
  assert.match(
    String(stale[0]),
    new RegExp(`Redis has not answered for ${SILENT_REDIS_MS} ms`),
  );
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0]!, /has not answered.*stale/);
  assert.deepEqual(settled, [], "the calls still wait for Redis");
  assert.equal(clock.pending, 0, "no timer left once said");
});

Deno.test("RedisCache: a Redis that answers late but within SILENT_REDIS_MS marks nothing, and leaves no timer", async () => {
  const { redis, answer } = lateConnection();
  const { clock, stale, cache } = watchedCache(redis);
  const lines = await captureStderr(async () => {
    const applied = cache.apply("CHANNEL_CREATE", {
      id: "2",
      type: 1,
      recipients: [],
    });
    await clock.advance(SILENT_REDIS_MS - 1);
    answer();
    const update = await applied;
    assert.notEqual(update.changes.length, 0);
    await cache.flush();
    await clock.advance(5 * SILENT_REDIS_MS);
  });
  assert.deepEqual(stale, []);
  assert.equal(cache.stale, false);
  assert.deepEqual(lines, []);
  assert.equal(clock.pending, 0);
});

/**
 * A RedisCache on a connection that answers nothing, whose socket's
 * `bytesRead` the test moves, on a virtual clock; its stale reports kept.
 */
function cacheOnCountedSocket(): {
  clock: VirtualScheduler;
  stale: unknown[];
  socket: { bytesRead: number };
  cache: RedisCache;
} {
  const socket = { bytesRead: 0 };
  const redis = Object.assign(hungConnection(), { stream: socket });
  return { ...watchedCache(redis), socket };
}

Deno.test("RedisCache: bytes still coming from Redis (a big transaction's QUEUED replies over a slow link) are no silence; once they stop, it is", async () => {
  const { clock, stale, socket, cache } = cacheOnCountedSocket();
  const lines = await captureStderr(async () => {
    void cache.apply("GUILD_UPDATE", { id: "1", name: "H" });
    for (let second = 0; second < 60; second++) {
      socket.bytesRead += 5; // "+QUEUED\r\n", a little at a time
      await clock.advance(1_000);
    }
    assert.equal(cache.stale, false, "a slow answer is an answer");
    await clock.advance(2 * SILENT_REDIS_MS);
  });
  assert.equal(stale.length, 1, lines.join("\n"));
  assert.equal(cache.stale, true);
});

Deno.test("RedisCache: an answer read just after the bound (a process paused past it read its socket late) marks nothing", async () => {
  const { redis, answer } = lateConnection();
  const { clock, stale, cache } = watchedCache(redis);
  const lines = await captureStderr(async () => {
    const applied = cache.apply("CHANNEL_CREATE", {
      id: "2",
      type: 1,
      recipients: [],
    });
    // The timer runs first after a pause; the answer waiting is read next.
    await clock.advance(SILENT_REDIS_MS);
    answer();
    await applied;
    await cache.flush();
    await clock.advance(5 * SILENT_REDIS_MS);
  });
  assert.deepEqual(stale, [], lines.join("\n"));
  assert.equal(cache.stale, false);
  assert.equal(clock.pending, 0);
});

Deno.test("RedisCache: bytes read within the grace second after the bound (a paused process reading its socket late) mark nothing", async () => {
  const { clock, stale, socket, cache } = cacheOnCountedSocket();
  const lines = await captureStderr(async () => {
    void cache.apply("GUILD_UPDATE", { id: "1", name: "H" });
    await clock.advance(SILENT_REDIS_MS); // the bound passes, nothing read
    socket.bytesRead += 5; // read just after: the process was paused
    await clock.advance(1_000); // the grace second ends
  });
  assert.deepEqual(stale, [], lines.join("\n"));
  assert.equal(cache.stale, false);
});
