// RedisSessionStore's `localClock`: sessions dated on Redis's clock, so a
// restart on a machine whose clock is minutes off still resumes a session
// saved just before, and still refuses one too old. The machines' clocks are
// schedulers whose now() differs by minutes.
import assert from "node:assert/strict";
import { type RedisConnection, RedisSessionStore } from "../../redis/mod.ts";
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

const session = (savedAt: number): SavedSession => ({
  shardId: 0,
  shardCount: 1,
  sessionId: "skewed",
  sequence: 42,
  savedAt,
});

/** A machine whose clock is `skew` ms off Redis's. */
const machine = (skew: number) =>
  new VirtualScheduler({ start: Date.now() + skew });

Deno.test({
  name:
    "RedisSessionStore: a session saved on a clock 5 min behind resumes on one 5 min ahead, and back",
  ignore: server.ignore,
  fn: () =>
    withKeys(async (store, redis, key) => {
      const saver = machine(-FIVE_MINUTES);
      await store(saver).save([session(saver.now())]);
      // Stored on Redis's clock, in milliseconds since the epoch.
      const raw = JSON.parse((await redis.get(key))!)["0"].saved_at;
      assert.ok(Math.abs(raw - await redisNow(redis)) < 2_000, String(raw));
      // Redis's clock does not move with a virtual one: the session is as
      // old at the restart as on Redis's clock (the 5 s case is below).
      const loader = machine(FIVE_MINUTES);
      const loaded = (await store(loader).load(0))!;
      const age = loader.now() - loaded.savedAt;
      assert.ok(Math.abs(age) < 2_000, `age ${age}`);
      assert.ok(isSessionUsable(loaded, { shardCount: 1, now: loader.now() }));
      // Saved again by the machine ahead (the restarted shard's session),
      // it resumes on the one behind: no date "in the future".
      await store(loader).save([{ ...loaded, savedAt: loader.now() }]);
      const again = machine(-FIVE_MINUTES);
      const reloaded = (await store(again).load(0))!;
      assert.ok(isSessionUsable(reloaded, { shardCount: 1, now: again.now() }));
    }),
});

Deno.test({
  name:
    "RedisSessionStore: ages are Redis's: 5 s old resumes and 121 s old is refused, 5 min either side",
  ignore: server.ignore,
  fn: () =>
    withKeys(async (store, redis, key) => {
      for (const skew of [-FIVE_MINUTES, 0, FIVE_MINUTES]) {
        for (const [age, usable] of [[5_000, true], [121_000, false]]) {
          const savedAt = await redisNow(redis) - (age as number);
          await redis.set(
            key,
            JSON.stringify({
              "0": {
                session_id: "s",
                sequence: 1,
                shard_count: 1,
                saved_at: savedAt,
              },
            }),
          );
          const loader = machine(skew);
          const loaded = (await store(loader).load(0))!;
          assert.equal(
            isSessionUsable(loaded, { shardCount: 1, now: loader.now() }),
            usable,
            `skew ${skew}, age ${age}`,
          );
        }
      }
    }),
});

Deno.test({
  name:
    "RedisSessionStore: one clock round trip keeps savedAt exactly, 0 (no date) included",
  ignore: server.ignore,
  fn: () =>
    withKeys(async (store) => {
      const local = store(realScheduler);
      const now = Date.now();
      await local.save([session(now), {
        ...session(0),
        shardId: 1,
        shardCount: 2,
      }]);
      assert.equal((await local.load(0))?.savedAt, now);
      assert.equal((await local.load(1))?.savedAt, 0);
    }),
});

Deno.test({
  name:
    "RedisSessionStore: a session dated ahead of Redis's clock is said on stderr",
  ignore: server.ignore,
  fn: () =>
    withKeys(async (store, redis, key) => {
      const ahead = await redisNow(redis) + 144_000;
      await redis.set(
        key,
        JSON.stringify({
          "3": {
            session_id: "s",
            sequence: 1,
            shard_count: 4,
            saved_at: ahead,
          },
        }),
      );
      const lines = await captureStderr(async () => {
        assert.equal((await store(realScheduler).loadAll()).length, 1);
      });
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.match(
        lines[0]!,
        /\[WRN\].*ahead of Redis's clock.*: 3 \(144 s\)$/,
      );
    }),
});

Deno.test("RedisSessionStore: refuses a localClock without now()", () => {
  const redis = {} as RedisConnection;
  assert.throws(
    () => new RedisSessionStore(redis, { localClock: Date.now as never }),
    TypeError,
  );
  new RedisSessionStore(redis, { localClock: realScheduler });
});
