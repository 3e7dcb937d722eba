// RedisSessionStore's `localClock` on a clock that is not Redis's to the
// millisecond, or that steps: dates come back exactly as saved (the shift
// between the clocks is whole seconds, or the milliseconds between two
// replies moved them), a session without a date (0) stays without one both
// ways, each reply learns the shift again (a clock stepped by NTP between
// two saves or before a load dated sessions minutes off: a session refused
// at the restart, an IDENTIFY), and the warning of dates ahead of Redis's
// clock comes for those over 5 s ahead, and only for them.
import assert from "node:assert/strict";
import type { RedisConnection } from "../../redis/mod.ts";
import {
  isSessionUsable,
  type SavedSession,
} from "../../gateway/session_store.ts";
import { realScheduler } from "../../base/scheduler.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { testRedis } from "../_fakes/servers.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { redisNow, withClockedStores } from "./_session_store.ts";

const server = testRedis();
const FIVE_MINUTES = 5 * 60_000;

/** Run `fn` on fresh keys; `store(clock)` makes a store on them. */
const withKeys = (
  fn: Parameters<typeof withClockedStores>[1],
): Promise<void> => withClockedStores(server.url, fn);

/** Ask Redis's clock until it is `ms` past where it was (no sleep). */
async function redisPasses(redis: RedisConnection, ms: number): Promise<void> {
  const from = await redisNow(redis);
  while (await redisNow(redis) < from + ms) { /* ask again */ }
}

const session = (shardId: number, savedAt: number): SavedSession => ({
  shardId,
  shardCount: 2,
  sessionId: `session-${shardId}`,
  sequence: 42,
  savedAt,
});

/** The stored `saved_at` of each shard's entry. */
async function storedDates(
  redis: RedisConnection,
  key: string,
): Promise<Record<string, unknown>> {
  const stored = JSON.parse((await redis.get(key))!);
  return Object.fromEntries(
    Object.entries(stored).map(([shard, entry]) => [
      shard,
      (entry as { saved_at?: unknown }).saved_at,
    ]),
  );
}

Deno.test({
  name:
    "RedisSessionStore: on a clock minutes and milliseconds off Redis's, a date comes back exactly, 0 (no date) stays 0 stored and loaded, and nothing is said",
  ignore: server.ignore,
  fn: () =>
    withKeys(async (store, redis, key) => {
      // Frozen: every reply finds the two clocks further apart by the
      // milliseconds since.
      const clock = new VirtualScheduler({
        start: await redisNow(redis) - FIVE_MINUTES,
      });
      const dated = clock.now() - 1_234;
      await store(clock).save([session(0, dated), session(1, 0)]);
      const stored = await storedDates(redis, key);
      assert.equal(stored["1"], 0);
      assert.equal(stored["0"], dated + FIVE_MINUTES);
      await redisPasses(redis, 2);
      const said = await captureStderr(async () => {
        const loaded = await store(clock).loadAll();
        assert.deepEqual(loaded.map((s) => s.savedAt), [dated, 0]);
      });
      assert.deepEqual(said, []);
    }),
});

Deno.test({
  name:
    "RedisSessionStore: a save learns the shift again from its reply: the next save, after the clock stepped, is dated on Redis's clock",
  ignore: server.ignore,
  fn: () =>
    withKeys(async (store, redis, key) => {
      const behind = await redisNow(redis) - FIVE_MINUTES;
      // 5 min behind at the first reading (the TIME before the first save),
      // then stepped to 5 min ahead.
      let readings = 0;
      const clock = {
        now: () => readings++ === 0 ? behind : behind + 2 * FIVE_MINUTES,
      };
      const saver = store(clock);
      await saver.save([session(0, behind)]);
      await saver.save([session(1, clock.now())]);
      const now = await redisNow(redis);
      const stored = await storedDates(redis, key);
      for (const shard of ["0", "1"]) {
        const date = stored[shard] as number;
        assert.ok(Math.abs(date - now) < 2_000, `${shard}: ${date - now} ms`);
      }
    }),
});

Deno.test({
  name:
    "RedisSessionStore: a load learns the shift again: after the clock stepped, a session just saved is as old on the new clock",
  ignore: server.ignore,
  fn: () =>
    withKeys(async (store, redis) => {
      let now = await redisNow(redis) - FIVE_MINUTES;
      const clock = { now: () => now };
      const keeper = store(clock);
      await keeper.save([session(0, now)]);
      now += 2 * FIVE_MINUTES;
      const loaded = (await keeper.load(0))!;
      assert.ok(Math.abs(now - loaded.savedAt) < 2_000, `${loaded.savedAt}`);
      assert.ok(isSessionUsable(loaded, { shardCount: 2, now }));
    }),
});

Deno.test({
  name:
    "RedisSessionStore: a date 10 s ahead of Redis's clock is said, one 1 s ahead is not",
  ignore: server.ignore,
  fn: () =>
    withKeys(async (store, redis, key) => {
      const now = await redisNow(redis);
      const entry = (savedAt: number) => ({
        session_id: "s",
        sequence: 1,
        shard_count: 4,
        saved_at: savedAt,
      });
      await redis.set(
        key,
        JSON.stringify({ "1": entry(now + 1_000), "2": entry(now + 10_000) }),
      );
      const lines = await captureStderr(async () => {
        assert.equal((await store(realScheduler).loadAll()).length, 2);
      });
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.match(lines[0]!, /ahead of Redis's clock.*: 2 \(10 s\)$/);
    }),
});
