// The Redis store against a Redis out of memory (`maxmemory` reached with
// `noeviction`), which refuses the commands that would grow it and takes the
// others. A change's writes (a value's SET, the SADDs listing it) went as
// separate commands of a pipeline: Redis took some and refused the rest,
// leaving values no index lists, which the rebuild and a GUILD_DELETE then
// missed, while the cache said it was fresh. Each chunk of writes is now one
// transaction, which Redis takes or refuses whole.
import assert from "node:assert/strict";
import { MemoryCache, RedisCache } from "../../cache/mod.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";
import { assertSameStores } from "./_same_stores.ts";
import { guildMessage } from "./_guild_message.ts";

const OPTIONS = { messages: { perChannel: 50 } };

const GUILD_ID = "1000";

const user = (id: string) => ({ id, username: `u${id}` });

const member = (id: string) => ({
  user: user(id),
  roles: [],
  joined_at: "2024-01-01T00:00:00.000000+00:00",
  deaf: false,
  mute: false,
});

const GUILD = {
  id: GUILD_ID,
  name: "g",
  roles: [],
  emojis: [],
  channels: [{ id: "2000", type: 0, name: "c" }],
  members: ["1", "2", "3", "4"].map(member),
  presences: [],
  voice_states: [],
};

const READY = {
  v: 10,
  user: user("9"),
  guilds: [{ id: GUILD_ID, unavailable: true }],
  session_id: "s",
  resume_gateway_url: "wss://gateway.invalid",
  shard: [0, 1],
  application: { id: "9", flags: 0 },
};

/** A message of 20 KB in `channelId`. */
const message = (channelId: string, id: number) =>
  guildMessage(
    String(1_100_000_000_000_000_000n + BigInt(id)),
    channelId,
    GUILD_ID,
    { content: "x".repeat(20_000), author: user("7") },
  );

/** The server's count of an error it replied, from INFO errorstats. */
async function errorCount(
  admin: RedisConnection,
  code: string,
): Promise<number> {
  const stats = await admin.info("errorstats");
  return Number(
    new RegExp(`errorstat_${code}:count=(\\d+)`).exec(stats)?.[1] ?? 0,
  );
}

/** The server's used_memory, from INFO memory. */
async function usedMemory(admin: RedisConnection): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await admin.info("memory"))![1]);
}

/** Windows of an out-of-memory Redis, each over a flood. */
const WINDOWS = 4;

/** Floods a window may take at most before Redis refuses one. */
const MAX_FLOODS = 20;

Deno.test({
  name:
    "RedisCache: writes refused by a Redis out of memory leave no value unlisted nor an index naming a gone key; a rebuild then holds what the memory store holds, and a GUILD_DELETE leaves none of the guild",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      const cache = new RedisCache(redis, OPTIONS);
      const memory = new MemoryCache(OPTIONS);
      const both = (event: string, data: unknown) => {
        memory.apply(event, structuredClone(data));
        return cache.apply(event, structuredClone(data));
      };
      await both("READY", READY);
      await both("GUILD_CREATE", GUILD);
      await cache.flush();
      await assertSameStores(redis, memory, "before");
      await admin.config("SET", "maxmemory-policy", "noeviction");

      let id = 0;
      await captureStderr(async () => {
        // Several windows, each a limit a little above what Redis holds,
        // then floods until Redis refuses writes (a transaction passes the
        // limit whole; the one after it is refused).
        for (let window = 0; window < WINDOWS; window++) {
          const channelId = String(3000 + window);
          await both("CHANNEL_CREATE", {
            id: channelId,
            guild_id: GUILD_ID,
            type: 0,
            name: "c",
          });
          await cache.flush();
          const refusedBefore = await errorCount(admin, "OOM");
          const limit = await usedMemory(admin) + 300_000 * (window + 1);
          await admin.config("SET", "maxmemory", String(limit));
          for (
            let flood = 0;
            flood < MAX_FLOODS &&
            await errorCount(admin, "OOM") === refusedBefore;
            flood++
          ) {
            // Not awaited one by one: they go as batches, as the gateway's.
            const applied: Promise<unknown>[] = [];
            for (let i = 0; i < 30; i++) {
              id++;
              applied.push(both("MESSAGE_CREATE", message(channelId, id)));
              applied.push(
                both("GUILD_MEMBER_ADD", {
                  ...member(String(100 + id)),
                  guild_id: GUILD_ID,
                }),
              );
            }
            await Promise.all(applied);
            await cache.flush();
          }
          assert.ok(
            await errorCount(admin, "OOM") > refusedBefore,
            `window ${window}: Redis refused writes`,
          );
          await admin.config("SET", "maxmemory", "0");
        }
      });
      assert.equal(cache.stale, true, "the refused writes made it stale");

      // The rebuild: a new session's READY, then its GUILD_CREATE.
      await both("READY", { ...READY, session_id: "t" });
      await both("GUILD_CREATE", GUILD);
      await cache.flush();
      assert.equal(cache.stale, false);
      await assertSameStores(redis, memory, "after the rebuild");

      await both("GUILD_DELETE", { id: GUILD_ID });
      await cache.flush();
      await assertSameStores(redis, memory, "after GUILD_DELETE");
      const left = (await redis.keys("*")).filter((key) =>
        key.includes(GUILD_ID) || /^(member|message|channel):/.test(key)
      );
      assert.deepEqual(left, [], "no key of the guild is left");
    }),
});
