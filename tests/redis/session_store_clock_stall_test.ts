// RedisSessionStore's `localClock` when Redis is slow to answer: the dates
// moved by the time a command waited in Redis (a stall of 6 s stored a save
// 6 s late and moved a load 3 s early), and under an ACL without TIME the
// save refused with an unnamed script error. The stall is a VirtualScheduler
// (the machine's clock, agreeing with Redis's) moved 6 s on between the
// moment a call is made and the moment Redis runs its command, as a busy
// Redis (CLIENT PAUSE, a long script) holds it: nothing waits for real.
import assert from "node:assert/strict";
import {
  closeRedis,
  connectRedis,
  type RedisConnection,
  RedisSessionStore,
} from "../../redis/mod.ts";
import type { SavedSession } from "../../gateway/session_store.ts";
import { realScheduler } from "../../base/scheduler.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { testRedis } from "../_fakes/servers.ts";

const server = testRedis();
const STALL_MS = 6_000;

/** The commands the store sends. */
const COMMANDS = new Set(["eval", "mget", "time", "type", "get"]);

/**
 * `redis` whose next command, once `stall()` is called, runs after the
 * clock moved `STALL_MS` on (the commands sent with it wait too).
 */
function stalling(
  redis: RedisConnection,
  clock: VirtualScheduler,
): { redis: RedisConnection; stall(): void } {
  let armed = false;
  let stalled: Promise<void> | undefined;
  const proxy = new Proxy(redis, {
    get(target, name): unknown {
      const value = Reflect.get(target, name);
      if (typeof value !== "function") return value;
      if (typeof name !== "string" || !COMMANDS.has(name)) {
        return value.bind(target);
      }
      return (...args: unknown[]) => {
        if (armed) {
          armed = false;
          stalled = clock.advance(STALL_MS);
        }
        const run = () => value.apply(target, args);
        const wait = stalled;
        stalled = undefined;
        return wait === undefined ? run() : wait.then(run);
      };
    },
  });
  return { redis: proxy, stall: () => armed = true };
}

/** Redis's clock, in milliseconds. */
async function redisNow(redis: RedisConnection): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

const session = (savedAt: number): SavedSession => ({
  shardId: 0,
  shardCount: 1,
  sessionId: "stalled",
  sequence: 7,
  savedAt,
});

/**
 * Run `fn` with a store on fresh keys whose clock agrees with Redis's at
 * the end of a stall begun now.
 */
async function withStalledStore(
  fn: (
    store: RedisSessionStore,
    stall: () => void,
    clock: VirtualScheduler,
    admin: RedisConnection,
    key: string,
  ) => Promise<void>,
): Promise<void> {
  const admin = await connectRedis({ url: server.url });
  const id = crypto.randomUUID();
  const keys = {
    key: `disruption:test:sessions:${id}`,
    shardCountKey: `disruption:test:shards:${id}`,
  };
  try {
    const clock = new VirtualScheduler({
      start: await redisNow(admin) - STALL_MS,
    });
    const { redis, stall } = stalling(admin, clock);
    const store = new RedisSessionStore(redis, { ...keys, localClock: clock });
    await fn(store, stall, clock, admin, keys.key);
  } finally {
    await admin.del(keys.key, keys.shardCountKey);
    await closeRedis(admin);
  }
}

Deno.test({
  name:
    "RedisSessionStore: a save Redis holds 6 s stores the date given (on a clock agreeing with Redis's)",
  ignore: server.ignore,
  fn: () =>
    withStalledStore(async (store, stall, clock, admin, key) => {
      const given = clock.now();
      stall();
      await store.save([session(given)]);
      const stored = JSON.parse((await admin.get(key))!)["0"].saved_at;
      assert.ok(
        Math.abs(stored - given) < 1_000,
        `stored ${stored - given} ms from the date given`,
      );
      // A later save, stalled too, goes by what the last reply taught.
      const later = clock.now();
      stall();
      await store.save([session(later)]);
      const again = JSON.parse((await admin.get(key))!)["0"].saved_at;
      assert.ok(
        Math.abs(again - later) < 1_000,
        `stored ${again - later} ms from the date given`,
      );
    }),
});

Deno.test({
  name:
    "RedisSessionStore: a load Redis holds 6 s moves no date (on a clock agreeing with Redis's)",
  ignore: server.ignore,
  fn: () =>
    withStalledStore(async (store, stall, clock, admin, key) => {
      // Redis's clock and the machine's agree at the end of the stall.
      const savedAt = clock.now() + STALL_MS - 10_000;
      await admin.set(
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
      stall();
      const loaded = (await store.load(0))!;
      assert.ok(
        Math.abs(loaded.savedAt - savedAt) < 1_000,
        `moved ${loaded.savedAt - savedAt} ms`,
      );
    }),
});

Deno.test({
  name:
    "RedisSessionStore: under an ACL without TIME, a save and a load with localClock refuse naming +time",
  ignore: server.ignore,
  fn: async () => {
    const user = `ss-notime-${crypto.randomUUID()}`;
    const admin = await connectRedis({ url: server.url });
    await admin.call(
      "ACL",
      "SETUSER",
      user,
      "reset",
      "on",
      ">pw",
      "~*",
      "+@all",
      "-time",
    );
    const url = new URL(server.url);
    url.username = user;
    url.password = "pw";
    const id = crypto.randomUUID();
    const keys = {
      key: `disruption:test:sessions:${id}`,
      shardCountKey: `disruption:test:shards:${id}`,
    };
    const redis = await connectRedis({ url: url.href });
    try {
      const store = new RedisSessionStore(redis, {
        ...keys,
        localClock: realScheduler,
      });
      await assert.rejects(
        () => store.save([session(Date.now())]),
        /\+time/,
      );
      await assert.rejects(() => store.load(0), /\+time/);
      // Without the option nothing needs TIME.
      const plain = new RedisSessionStore(redis, keys);
      await plain.save([session(Date.now())]);
      assert.equal((await plain.load(0))?.sessionId, "stalled");
    } finally {
      await closeRedis(redis);
      await admin.del(keys.key, keys.shardCountKey);
      await admin.call("ACL", "DELUSER", user);
      await closeRedis(admin);
    }
  },
});
