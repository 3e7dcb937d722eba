// The cache holds active threads only. Discord archives an inactive thread
// with a THREAD_UPDATE (thread_metadata.archived true) and never sends a
// THREAD_DELETE for it; its threads docs ("Active & Archived Threads"):
// archiving "exists to limit the working set of threads that need to be kept
// around", and "archived threads are not synced". Held, every thread a
// long session saw archived stayed, with its messages.
import assert from "node:assert/strict";
import {
  CACHE_RESOURCES,
  type CachedChannel,
  type CacheOptions,
  MemoryCache,
  type OldState,
  RedisCache,
  reduceDispatch,
} from "../../cache/mod.ts";
import { Client } from "../../handler/client.ts";
import type { Context } from "../../handler/context.ts";
import { Handler } from "../../handler/handler.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { GatewayIntent } from "../../types/intents.ts";
import type { GatewayEventMap } from "../../types/events.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import { user } from "./_event_sequences.ts";
import { redisStoreTest } from "./_redis_database.ts";

type V = Record<string, unknown>;

const OPTIONS: CacheOptions = {
  resources: [...CACHE_RESOURCES],
  messages: { perChannel: 50 },
};
const GUILD = {
  id: "1",
  name: "g",
  channels: [{ id: "2", type: 0, name: "general" }],
  threads: [],
  roles: [],
  members: [],
};

/** Thread `id` of channel 2 in guild 1, archived or not. */
function thread(id: string, archived = false): V {
  return {
    id,
    type: 11,
    guild_id: "1",
    parent_id: "2",
    name: `t${id}`,
    thread_metadata: {
      archived,
      auto_archive_duration: 60,
      archive_timestamp: "2024-01-01T00:00:00.000000+00:00",
      locked: false,
    },
  };
}

/** Message `id` in channel `channelId` of guild 1. */
function message(id: string, channelId: string): V {
  return {
    id,
    channel_id: channelId,
    guild_id: "1",
    author: user("5"),
    content: "x".repeat(200),
    timestamp: "2024-01-01T00:00:00.000000+00:00",
  };
}

/** A memory cache of guild 1 with thread 3, holding messages 10 and 11. */
function memoryWithThread(): MemoryCache {
  const cache = new MemoryCache(OPTIONS);
  cache.apply("GUILD_CREATE", GUILD);
  cache.apply("THREAD_CREATE", thread("3"));
  cache.apply("MESSAGE_CREATE", message("10", "3"));
  cache.apply("MESSAGE_CREATE", message("11", "3"));
  return cache;
}

Deno.test("MemoryCache: a THREAD_UPDATE archiving a held thread removes it and its messages, with the thread before as old; unarchived, it is back", () => {
  const cache = memoryWithThread();
  const before = cache.channel("3")!;
  assert.equal(before.last_message_id, "11");
  const { old } = cache.apply("THREAD_UPDATE", thread("3", true));
  assert.deepEqual(old, before);
  assert.equal(cache.channel("3"), undefined);
  assert.deepEqual(cache.channelMessages("3"), []);
  assert.deepEqual(cache.channels("1").map((c) => c.id), ["2"]);
  assert.equal(cache.sizes().message, 0);
  // An archived thread not held adds nothing (no change at all).
  const again = cache.apply("THREAD_UPDATE", thread("3", true));
  assert.deepEqual(again.changes, []);
  assert.equal(again.old, undefined);
  // Unarchived (a THREAD_UPDATE too): held again, its messages not.
  cache.apply("THREAD_UPDATE", thread("3", false));
  assert.equal(cache.channel("3")?.name, "t3");
  assert.deepEqual(cache.channelMessages("3"), []);
  cache.apply("MESSAGE_CREATE", message("12", "3"));
  assert.equal(cache.channelMessages("3").length, 1);
});

Deno.test("reduceDispatch keeping messages but not channels: an archived thread's messages go (whether it was held cannot be told), an active one's stay", () => {
  // The stores keep channels with messages; the core alone may be asked not to.
  const config = { resources: new Set(["messages"] as const) };
  const lookup = { get: () => undefined, ids: () => [] };
  const { changes } = reduceDispatch(
    lookup,
    "THREAD_UPDATE",
    thread("3", true),
    config,
  );
  assert.deepEqual(changes, [{ op: "remove_channel", scope: "1", id: "3" }]);
  // An active one's messages stay: its parent is unknown, not missing.
  assert.deepEqual(
    reduceDispatch(lookup, "THREAD_UPDATE", thread("3", false), config).changes,
    [],
  );
  // With channels kept, one not held adds nothing, not even a removal.
  const withChannels = {
    resources: new Set(["channels", "messages"] as const),
  };
  assert.deepEqual(
    reduceDispatch(lookup, "THREAD_UPDATE", thread("3", true), withChannels)
      .changes,
    [],
  );
});

Deno.test("MemoryCache: no event puts an archived thread in the cache (THREAD_CREATE, CHANNEL_CREATE/UPDATE, GUILD_CREATE's threads, THREAD_LIST_SYNC)", () => {
  const cache = new MemoryCache(OPTIONS);
  cache.apply("GUILD_CREATE", {
    ...GUILD,
    threads: [thread("3"), thread("4", true)],
  });
  assert.deepEqual(cache.channels("1").map((c) => c.id).sort(), ["2", "3"]);
  assert.deepEqual(cache.apply("THREAD_CREATE", thread("5", true)).changes, []);
  cache.apply("CHANNEL_CREATE", thread("6", true));
  assert.equal(cache.channel("6"), undefined);
  // A CHANNEL_UPDATE archiving a held thread removes it as THREAD_UPDATE does.
  cache.apply("MESSAGE_CREATE", message("10", "3"));
  const { old } = cache.apply("CHANNEL_UPDATE", thread("3", true));
  assert.equal((old as V).id, "3");
  assert.equal(cache.channel("3"), undefined);
  assert.deepEqual(cache.channelMessages("3"), []);
  // A sync listing one archived: not added, and a held one goes, even of
  // a channel the sync does not name.
  cache.apply("THREAD_CREATE", thread("7"));
  const sync = cache.apply("THREAD_LIST_SYNC", {
    guild_id: "1",
    channel_ids: ["9"],
    threads: [thread("7", true), thread("8", true)],
    members: [],
  });
  assert.deepEqual((sync.old as V[]).map((t) => t.id), ["7"]);
  assert.deepEqual(cache.channels("1").map((c) => c.id), ["2"]);
  // A THREAD_UPDATE naming a held channel that is no thread as an archived
  // thread is not applied (Discord never makes a channel a thread).
  cache.apply("THREAD_UPDATE", { ...thread("2", true), parent_id: undefined });
  assert.equal(cache.channel("2")?.name, "general");
});

Deno.test("MemoryCache: threads created, talked in and archived one after another leave the cache's size flat", () => {
  const cache = new MemoryCache({
    resources: ["guilds", "channels", "messages"],
  });
  cache.apply("GUILD_CREATE", GUILD);
  let id = 1_000_000n;
  const cycle = (): void => {
    const threadId = String(id++);
    cache.apply("THREAD_CREATE", thread(threadId));
    for (let m = 0; m < 20; m++) {
      cache.apply("MESSAGE_CREATE", message(String(id++), threadId));
    }
    assert.equal(cache.sizes().message, 20);
    cache.apply("THREAD_UPDATE", thread(threadId, true));
  };
  for (let i = 0; i < 100; i++) cycle();
  const after100 = cache.sizes();
  for (let i = 0; i < 900; i++) cycle();
  assert.deepEqual(cache.sizes(), after100);
  assert.equal(cache.sizes().channel, 1);
  assert.equal(cache.sizes().message, 0);
});

/** A Redis store holding guild 1 with thread 3 and its messages 10, 11. */
async function redisWithThread(redis: RedisConnection): Promise<RedisCache> {
  const store = new RedisCache(redis, OPTIONS);
  await store.apply("GUILD_CREATE", GUILD);
  await store.apply("THREAD_CREATE", thread("3"));
  await store.apply("MESSAGE_CREATE", message("10", "3"));
  await store.apply("MESSAGE_CREATE", message("11", "3"));
  await store.flush();
  return store;
}

/** Every key and every helper set's members naming thread 3. */
async function keysOfThread3(redis: RedisConnection): Promise<string[]> {
  const named: string[] = [];
  for (const key of await redis.keys("*")) {
    if (/(^|:)3(:|$)/.test(key)) named.push(key);
    if (key.endsWith("_keys") || key.includes("_keys:")) {
      if (await redis.type(key) !== "set") continue;
      for (const member of await redis.smembers(key)) {
        if (/^(channel|message):3(:|$)/.test(member)) {
          named.push(`${key} ${member}`);
        }
      }
    }
  }
  return named.sort();
}

Deno.test(redisStoreTest(
  "RedisCache: a THREAD_UPDATE archiving a held thread removes its key, its messages' keys and every helper set's entry, with the thread before as old; unarchived, it is back",
  8,
  async (redis) => {
    const store = await redisWithThread(redis);
    assert.notDeepEqual(await keysOfThread3(redis), []);
    const before = await store.channel("3");
    assert.equal(before?.last_message_id, "11");
    const { old } = await store.apply("THREAD_UPDATE", thread("3", true));
    assert.deepEqual(old, before);
    await store.flush();
    assert.deepEqual(await keysOfThread3(redis), []);
    assert.equal(await store.channel("3"), undefined);
    // An archived thread not held adds nothing.
    const again = await store.apply("THREAD_UPDATE", thread("3", true));
    assert.deepEqual(again.changes, []);
    await store.apply("THREAD_UPDATE", thread("3", false));
    await store.flush();
    assert.equal((await store.channel("3"))?.name, "t3");
    assert.deepEqual(await store.channelMessages("3"), []);
    // Listed where the store finds a guild's threads; not in guild_keys:1,
    // which twilight-dispatch's consumers read as channels only.
    assert.ok(
      await redis.sismember("guild_kind_keys:1:channel", "channel:3"),
      "back in its guild's channel kind set",
    );
    assert.ok(!(await redis.sismember("guild_keys:1", "channel:3")));
  },
));

Deno.test(redisStoreTest(
  "RedisCache: threads created, talked in and archived one after another leave the database's keys flat",
  8,
  async (redis) => {
    const store = new RedisCache(redis, {
      resources: ["guilds", "channels", "messages"],
    });
    await store.apply("GUILD_CREATE", GUILD);
    let id = 1_000_000n;
    const cycles = async (count: number): Promise<number> => {
      for (let i = 0; i < count; i++) {
        const threadId = String(id++);
        const batch = [{ event: "THREAD_CREATE", data: thread(threadId) }];
        for (let m = 0; m < 20; m++) {
          batch.push({
            event: "MESSAGE_CREATE",
            data: message(String(id++), threadId),
          });
        }
        batch.push({ event: "THREAD_UPDATE", data: thread(threadId, true) });
        await store.applyBatch(batch);
      }
      await store.flush();
      return (await redis.keys("*")).length + await redis.scard("guild_keys:1");
    };
    const after10 = await cycles(10);
    assert.equal(await cycles(90), after10);
    assert.deepEqual(
      (await redis.keys("message:*")).length + (await redis.keys("channel:*"))
        .length,
      1,
      "the parent channel alone",
    );
  },
));

Deno.test("Client: onThreadUpdate of an archive gets the thread as it was as ctx.old, and the cache no longer holds it", async () => {
  await using discord = await FakeDiscord.start();
  const olds: unknown[] = [];
  class Bot extends Handler {
    override onThreadUpdate(
      _data: GatewayEventMap["THREAD_UPDATE"],
      ctx: Context<OldState<"THREAD_UPDATE">>,
    ): void {
      // Its declared type: the thread as cached, or none.
      const old: CachedChannel | undefined = ctx.old;
      olds.push(old);
    }
  }
  await using client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds,
    ...discord.clientOptions,
    cache: { resources: ["guilds", "channels"] },
  });
  await client.start(new Bot());
  await client.idle();
  const inGuild = (archived: boolean): V => ({
    ...thread("900", archived),
    guild_id: discord.guildId,
    parent_id: discord.channelId,
  });
  const options = { guildId: discord.guildId };
  discord.gateway.dispatch("THREAD_CREATE", inGuild(false), options);
  await client.idle();
  const held = client.cache.channel("900");
  assert.equal(held?.name, "t900");
  discord.gateway.dispatch("THREAD_UPDATE", inGuild(true), options);
  await client.idle();
  assert.deepEqual(olds, [held]);
  assert.equal(client.cache.channel("900"), undefined);
});
