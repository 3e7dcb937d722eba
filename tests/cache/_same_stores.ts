// The memory store and the Redis store hold the same entities, and Redis's
// helper sets name exactly its keys: each `*_keys` entry names a key that
// exists, each value is listed in its kind's set, and each guild's kind
// sets hold its keys of that kind, as `guild_keys:G` does, and its threads,
// which `guild_keys:G` and `channel_keys` do not list (twilight-dispatch's
// consumers build a channel of each: see cache/redis_listing.ts). A stored
// guild carries twilight-dispatch's emptied lists, which the memory store's
// guild has not (see cache/redis_guild_value.ts).
import assert from "node:assert/strict";
import { type CacheKind, type MemoryCache, redisKey } from "../../cache/mod.ts";
import { COMPLETE } from "../../cache/redis_scripts.ts";
import { EPOCH_KEY } from "../../cache/redis_epoch.ts";
import { UNGUILDED_KEY } from "../../cache/redis_unguilded.ts";
import { GUILD_LISTS, guildAsRead } from "../../cache/redis_guild_value.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import { memoryValue } from "./_memory_view.ts";

/** Whether a stored value is a thread (announcement, public or private). */
function isThreadValue(value: unknown): boolean {
  const type = (value as { type?: unknown }).type;
  return type === 10 || type === 11 || type === 12;
}

/**
 * Assert that `redis` holds what `memory` holds, with helper sets naming
 * exactly its keys; `where` starts each message.
 */
export async function assertSameStores(
  redis: RedisConnection,
  memory: MemoryCache,
  where: string,
): Promise<void> {
  // The store's epoch marker is no entity (see redis_epoch.ts).
  const keys = await cacheKeys(redis);
  const valueKeys = keys.filter((key) => !key.includes("_keys"));
  const texts = valueKeys.length > 0 ? await redis.mget(valueKeys) : [];
  const counts = new Map<string, number>();
  // Each thread's key, by its guild.
  const threads = new Map<string, Set<string>>();
  valueKeys.forEach((key, i) => {
    const kind = key.split(":")[0]!;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    // Said short first: the values may be long (a message's 20 KB).
    const held = memoryValue(memory, key);
    assert.notEqual(held, undefined, `${where}: ${key} held by Redis only`);
    let stored = JSON.parse(texts[i]!);
    if (kind === "guild") {
      // READY's unavailable guild (its id alone) is stored as it is.
      const stub = stored.unavailable === true && stored.name === undefined;
      for (const list of stub ? [] : GUILD_LISTS) {
        assert.deepStrictEqual(stored[list], [], `${where}: ${key} ${list}`);
      }
      stored = guildAsRead(stored);
    }
    if (kind === "channel" && isThreadValue(stored)) {
      const guildId = String(stored.guild_id);
      threads.set(guildId, (threads.get(guildId) ?? new Set()).add(key));
    }
    assert.deepStrictEqual(held, stored, `${where}: ${key}`);
  });
  for (const [kind, size] of Object.entries(memory.sizes())) {
    if (kind === "user") continue; // users live inside members in Redis
    assert.equal(counts.get(kind) ?? 0, size, `${where}: ${kind} count`);
  }
  const existing = new Set(valueKeys);
  const listed = new Set<string>();
  for (const set of keys.filter((key) => key.includes("_keys"))) {
    const entries = set === "expiry_keys"
      ? await redis.hkeys(set)
      : await redis.smembers(set);
    for (const key of entries) {
      if (key === COMPLETE) continue; // a kind set's "whole" marker
      assert.ok(existing.has(key), `${where}: ${set} names ${key}, gone`);
      if (set === `${key.split(":")[0]}_keys`) listed.add(key);
    }
  }
  for (const set of keys.filter((key) => key.startsWith("guild_kind_keys:"))) {
    const [, guildId, kind] = set.split(":") as [string, string, CacheKind];
    const prefix = redisKey(kind, guildId, "");
    assert.deepEqual(
      (await redis.smembers(set)).filter((key) => key !== COMPLETE).sort(),
      [
        ...(await redis.smembers(`guild_keys:${guildId}`))
          .filter((key) => key.startsWith(prefix)),
        ...(kind === "channel" ? threads.get(guildId) ?? [] : []),
      ].sort(),
      `${where}: ${set}`,
    );
  }
  const allThreads = new Set([...threads.values()].flatMap((set) => [...set]));
  for (const [guildId, keys] of threads) {
    for (const key of keys) {
      assert.ok(
        !(await redis.sismember(`guild_keys:${guildId}`, key)),
        `${where}: thread ${key} in guild_keys:${guildId}`,
      );
      assert.ok(
        await redis.sismember(`guild_kind_keys:${guildId}:channel`, key),
        `${where}: thread ${key} not in guild_kind_keys:${guildId}:channel`,
      );
    }
  }
  for (const key of valueKeys) {
    if (key === "bot_user") continue;
    if (allThreads.has(key)) {
      assert.ok(!listed.has(key), `${where}: thread ${key} in channel_keys`);
      continue;
    }
    assert.ok(listed.has(key), `${where}: ${key} not in its kind's set`);
    const [kind, scope] = key.split(":");
    if (kind === "message") {
      assert.ok(
        await redis.sismember(`channel_keys:${scope}`, key),
        `${where}: ${key} not in channel_keys:${scope}`,
      );
    } else if (kind !== "guild" && kind !== "channel") {
      assert.ok(
        await redis.sismember(`guild_keys:${scope}`, key),
        `${where}: ${key} not in guild_keys:${scope}`,
      );
    }
  }
  // Once whole, the index of what no guild holds lists every channel
  // without a guild and the channel of every message of one no guild holds
  // (see redis_unguilded.ts): shard 0's next READY drops through it.
  if (await redis.sismember(UNGUILDED_KEY, COMPLETE)) {
    const text = new Map(valueKeys.map((key, i) => [key, texts[i]]));
    const guilded = (channelKey: string): boolean => {
      const value = JSON.parse(text.get(channelKey) ?? "null");
      return typeof value?.guild_id === "string";
    };
    for (const key of valueKeys) {
      const [kind, scope] = key.split(":");
      const channel = kind === "message" ? `channel:${scope}` : key;
      if (kind !== "message" && kind !== "channel" || guilded(channel)) {
        continue;
      }
      assert.ok(
        await redis.sismember(UNGUILDED_KEY, channel),
        `${where}: ${key}'s channel not in ${UNGUILDED_KEY}`,
      );
    }
  }
}

/**
 * Every key of the cache's database but its epoch marker (written by the
 * store's first read, whatever it holds) and its index of what no guild
 * holds (checked apart, see assertSameStores): the keys of what it caches.
 */
export async function cacheKeys(redis: RedisConnection): Promise<string[]> {
  return (await redis.keys("*")).filter((key) =>
    key !== EPOCH_KEY && key !== UNGUILDED_KEY
  );
}
