// Expiry decided on Redis's clock, which every process sharing the cache
// agrees on: each stamped its entries with its own wall clock and swept with
// its own, so the process whose clock was furthest ahead removed everyone's
// members and messages (a 600 s member gone 0.3 s after its write, swept by
// a machine 15 min ahead), and one behind wrote entries already expired.
// Each machine's clock is `Date.now` here (the stores are given no
// scheduler, as the dispatch service's is not), moved for the time of one
// process's calls.
import assert from "node:assert/strict";
import { RedisCache } from "../../cache/mod.ts";
import { expiryTime } from "../../cache/redis_expiry.ts";
import {
  closeRedis,
  connectRedis,
  type RedisConnection,
} from "../../redis/mod.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { realScheduler } from "../../base/scheduler.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { testRedis } from "../_fakes/servers.ts";
import { withPrivateRedis } from "./_private_redis_store.ts";

const server = testRedis();

/** 15 minutes: how far the machines' clocks are apart. */
const SKEW = 15 * 60_000;

/** The member's TTL, in seconds. */
const TTL = 600;

const GUILD = {
  id: "1",
  name: "g",
  channels: [{ id: "2", type: 0, name: "c" }],
  roles: [{ id: "1", name: "@everyone" }],
  members: [{
    user: { id: "5", username: "u" },
    roles: [],
    joined_at: "2024-01-01T00:00:00.000000+00:00",
    deaf: false,
    mute: false,
    flags: 0,
  }],
};

/** Run `fn` on a machine whose clock is `skew` ms off. */
async function skewed<T>(skew: number, fn: () => Promise<T>): Promise<T> {
  const wall = Date.now;
  Date.now = () => wall() + skew;
  try {
    return await fn();
  } finally {
    Date.now = wall;
  }
}

/** Redis's clock, in ms since the epoch. */
async function redisNow(redis: RedisConnection): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/** The time `expiry_keys` holds for `key`, in ms since the epoch. */
async function expiresAt(redis: RedisConnection, key: string): Promise<number> {
  const text = await redis.hget("expiry_keys", key);
  assert.ok(text !== null, `${key} has no expiry entry`);
  return Date.parse(`${(JSON.parse(text) as string).slice(0, 23)}Z`);
}

/** Assert `at` is `expected`, within what a round trip and rounding make. */
function near(at: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(at - expected) <= 2_000,
    `${what}: ${new Date(at).toISOString()}, expected about ${
      new Date(expected).toISOString()
    }`,
  );
}

for (const writerSkew of [0, -SKEW, SKEW]) {
  Deno.test({
    name: `RedisCache: a member written by a machine ${
      writerSkew / 60_000
    } min off lives its ttl on Redis's clock, kept by the sweep of a machine 15 min ahead or behind`,
    ignore: server.ignore,
    fn: () =>
      withPrivateRedis(async (_, redis, admin) => {
        const writer = new RedisCache(redis, { ttl: { members: TTL } });
        const sweeper = new RedisCache(admin, { ttl: { members: TTL } });
        const before = await redisNow(admin);
        await skewed(writerSkew, async () => {
          await writer.apply("GUILD_CREATE", GUILD);
          await writer.flush();
        });
        const after = await redisNow(admin);
        assert.equal(writer.stale, false);
        const at = await expiresAt(admin, "member:1:5");
        assert.ok(
          at >= before + TTL * 1000 - 1_000 && at <= after + TTL * 1000 + 1_000,
          `expires ${new Date(at).toISOString()}, written between ${
            new Date(before).toISOString()
          } and ${new Date(after).toISOString()} on Redis's clock`,
        );
        for (const sweeperSkew of [SKEW, -SKEW, 0]) {
          await skewed(sweeperSkew, async () => {
            assert.equal(await sweeper.sweepExpired(), 0);
          });
          assert.ok(await admin.get("member:1:5"), "the member is kept");
        }
      }),
  });
}

Deno.test({
  name:
    "RedisCache: an entry due on Redis's clock is removed by the sweep of a machine 15 min behind",
  ignore: server.ignore,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      const cache = new RedisCache(redis, { ttl: { members: TTL } });
      await cache.apply("GUILD_CREATE", GUILD);
      await cache.flush();
      await admin.hset(
        "expiry_keys",
        "member:1:5",
        expiryTime(await redisNow(admin) - 1_000),
      );
      await skewed(-SKEW, async () => {
        assert.equal(await cache.sweepExpired(), 1);
      });
      assert.equal(await admin.get("member:1:5"), null);
      assert.equal(await admin.hlen("expiry_keys"), 0);
    }),
});

Deno.test({
  name:
    "RedisCache: given realScheduler by name, the store still stamps its writes on Redis's clock, not this machine's 15 min off",
  ignore: server.ignore,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      const cache = new RedisCache(redis, {
        ttl: { members: TTL },
        scheduler: realScheduler,
      });
      await skewed(SKEW, async () => {
        await cache.apply("GUILD_CREATE", GUILD);
        await cache.flush();
      });
      near(
        await expiresAt(admin, "member:1:5"),
        await redisNow(admin) + TTL * 1000,
        "the member's expiry",
      );
    }),
});

Deno.test({
  name:
    "RedisCache: a later write on a clock stepped 15 min ahead still stamps Redis's time (the offset is read again)",
  ignore: server.ignore,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      const cache = new RedisCache(redis, { ttl: { members: TTL } });
      await cache.apply("GUILD_CREATE", GUILD);
      await cache.flush();
      // The machine's clock steps (NTP) between two batches.
      await skewed(SKEW, async () => {
        await cache.apply("GUILD_MEMBER_UPDATE", {
          guild_id: "1",
          ...GUILD.members[0],
        });
        await cache.flush();
      });
      near(
        await expiresAt(admin, "member:1:5"),
        await redisNow(admin) + TTL * 1000,
        "the member's expiry",
      );
    }),
});

Deno.test({
  name:
    "RedisCache: a Redis user whose ACL refuses TIME is said once on stderr, naming +time (the expiry falls back to this machine's clock); a store without a ttl, or on a given scheduler, reads no TIME and says nothing",
  ignore: server.ignore,
  fn: () =>
    withPrivateRedis(async (redisServer, _, admin) => {
      await admin.call(
        "ACL",
        "SETUSER",
        "notime",
        "on",
        ">pw",
        "~*",
        "+@all",
        "-time",
      );
      const url = new URL(redisServer.url);
      url.username = "notime";
      url.password = "pw";
      const redis = await connectRedis({ url: url.href });
      try {
        const cache = new RedisCache(redis, { ttl: { members: TTL } });
        const said = await captureStderr(async () => {
          for (let i = 0; i < 3; i++) {
            await cache.apply("GUILD_CREATE", GUILD);
            await cache.flush();
          }
        });
        const lines = said.filter((line) => line.includes("+time"));
        assert.equal(lines.length, 1, said.join("\n"));
        assert.match(lines[0]!, /expiry/);
        assert.equal(cache.stale, false);
        // Without a ttl, or on a given scheduler's clock, no TIME is read:
        // nothing is refused, and nothing said.
        const virtual = new VirtualScheduler();
        for (
          const options of [{}, { ttl: { members: TTL }, scheduler: virtual }]
        ) {
          const other = new RedisCache(redis, options);
          const quiet = await captureStderr(async () => {
            await other.apply("GUILD_CREATE", GUILD);
            await other.flush();
          });
          assert.deepEqual(quiet.filter((line) => line.includes("+time")), []);
          assert.equal(other.stale, false);
        }
      } finally {
        await closeRedis(redis);
      }
    }),
});
