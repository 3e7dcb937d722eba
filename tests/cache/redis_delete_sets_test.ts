// A deleted entity leaves no entry in the Redis store's helper keys: a
// member's or message's `expiry_keys` entry (a sweep would find a key that
// is gone) and an indexed kind's `guild_kind_keys:G:kind` entry (reads of
// the guild's emojis would look up a key that is gone). Mutation testing
// found both writes untested.
import assert from "node:assert/strict";
import { MemoryCache, RedisCache } from "../../cache/mod.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import { user } from "./_event_sequences.ts";
import { guildMessage } from "./_guild_message.ts";
import { BEFORE, OPTIONS, ready } from "./_dm_session_fixtures.ts";
import { assertSameStores } from "./_same_stores.ts";
import { wrapping } from "./_recording_redis.ts";
import { CHUNK } from "../../cache/redis_chunks.ts";
import {
  REMOVE_CHANNEL,
  REMOVE_GUILD,
  REMOVE_GUILD_ITEMS,
} from "../../cache/redis_scripts.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";

const member = (id: string) => ({
  user: user(id),
  roles: [],
  joined_at: "2024-01-01T00:00:00.000000+00:00",
  deaf: false,
  mute: false,
  flags: 0,
});

/**
 * A test on a redis-server of its own: the shared test server's database
 * numbers are all taken (tests/ci/redis_databases_test.ts).
 */
function privateTest(
  name: string,
  fn: (redis: RedisConnection) => Promise<void>,
): Deno.TestDefinition {
  return {
    name,
    ignore: privateRedisIgnored,
    fn: () => withPrivateRedis((_, redis) => fn(redis)),
  };
}

Deno.test(privateTest(
  "RedisCache: a member, a message and an emoji deleted leave no expiry_keys or guild_kind_keys entry",
  async (redis) => {
    const cache = new RedisCache(redis, {
      ttl: { members: 3600, messages: 3600 },
    });
    await cache.apply("GUILD_CREATE", {
      id: "10",
      name: "g",
      member_count: 2,
      channels: [{ id: "20", type: 0, name: "c" }],
      roles: [],
      emojis: [{ id: "50", name: "a" }, { id: "51", name: "b" }],
      members: [member("7"), member("8")],
    });
    await cache.apply("MESSAGE_CREATE", guildMessage("30", "20", "10"));
    await cache.apply("MESSAGE_CREATE", guildMessage("31", "20", "10"));
    await cache.flush();
    assert.deepEqual((await redis.hkeys("expiry_keys")).sort(), [
      "member:10:7",
      "member:10:8",
      "message:20:30",
      "message:20:31",
    ]);
    assert.deepEqual(
      (await redis.smembers("guild_kind_keys:10:emoji")).sort(),
      [
        "",
        "emoji:10:50",
        "emoji:10:51",
      ],
    );
    await cache.apply("GUILD_MEMBER_REMOVE", {
      guild_id: "10",
      user: user("7"),
    });
    await cache.apply("MESSAGE_DELETE", {
      id: "30",
      channel_id: "20",
      guild_id: "10",
    });
    await cache.apply("GUILD_EMOJIS_UPDATE", {
      guild_id: "10",
      emojis: [{ id: "51", name: "b" }],
    });
    await cache.flush();
    assert.deepEqual((await redis.hkeys("expiry_keys")).sort(), [
      "member:10:8",
      "message:20:31",
    ]);
    assert.deepEqual(
      (await redis.smembers("guild_kind_keys:10:emoji")).sort(),
      [
        "",
        "emoji:10:51",
      ],
    );
    assert.deepEqual(
      (await cache.all("emoji", "10")).map((emoji) => emoji.id),
      ["51"],
    );
  },
));

Deno.test(privateTest(
  "RedisCache: a held DM channel whose last message is deleted stays in the index of what no guild holds, and shard 0's next new session drops it as the memory store does",
  async (redis) => {
    const store = new RedisCache(redis, OPTIONS);
    const memory = new MemoryCache(OPTIONS);
    const apply = async (events: [string, object][]) => {
      for (const [event, data] of events) {
        await store.apply(event, structuredClone(data));
        memory.apply(event, structuredClone(data));
      }
      await store.flush();
    };
    // Held DM channel 60's only message deleted: its set of messages is
    // gone, its channel key is not.
    await apply([
      ...BEFORE,
      ["MESSAGE_DELETE", { id: "301", channel_id: "60" }],
    ]);
    assert.equal(await redis.exists("channel_keys:60"), 0);
    assert.equal(
      await redis.sismember("disruption_cache_unguilded", "channel:60"),
      1,
    );
    await apply([["READY", ready([0, 1])]]);
    assert.equal(await redis.exists("channel:60"), 0);
    assert.equal(await store.channel("60"), undefined);
    await assertSameStores(redis, memory, "after the new session");
    assert.equal(store.stale, false);
  },
));

/**
 * `redis`, on which another process runs `write` right before the first
 * `script` is sent, alone (EVAL) or in a MULTI: a write landing between
 * two steps of a chunked removal.
 */
function racing(
  redis: RedisConnection,
  script: string,
  write: () => Promise<unknown>,
): RedisConnection {
  let raced = false;
  const race = async (sent: unknown[]) => {
    if (raced || !sent.includes(script)) return;
    raced = true;
    await write();
  };
  return wrapping(redis, {
    eval: (original) => async (...args) => {
      await race(args);
      return original(...args);
    },
    multi: (original) => (...args) => {
      const commands = args[0] as unknown[][];
      return {
        exec: async () => {
          await race(commands.map((command) => command[1]));
          return (original(...args) as { exec(): Promise<unknown> }).exec();
        },
      };
    },
  });
}

/**
 * Message 99 of channel 20 (its key and listings, as a store writes them),
 * written by another process: between the removal of the channel's
 * messages and that of the channel.
 */
const racingMessage = (redis: RedisConnection) => () =>
  redis.multi([
    ["set", "message:20:99", JSON.stringify({ id: "99" })],
    ["sadd", "channel_keys:20", "message:20:99"],
    ["sadd", "message_keys", "message:20:99"],
  ]).exec();

const GUILD_WITH_CHANNEL = {
  id: "10",
  name: "g",
  channels: [{ id: "20", type: 0, name: "c" }],
  roles: [],
  emojis: [],
  members: [],
};

for (
  const [what, script, removal] of [
    ["CHANNEL_DELETE", REMOVE_CHANNEL, {
      id: "20",
      type: 0,
      guild_id: "10",
    }],
    ["GUILD_DELETE", REMOVE_GUILD_ITEMS, { id: "10" }],
  ] as const
) {
  Deno.test(privateTest(
    `RedisCache: a ${what} removes a message another process wrote in the channel after its messages were removed, with the channel's set`,
    async (redis) => {
      const cache = new RedisCache(
        racing(redis, script, racingMessage(redis)),
      );
      await cache.apply("GUILD_CREATE", structuredClone(GUILD_WITH_CHANNEL));
      await cache.apply("MESSAGE_CREATE", guildMessage("30", "20", "10"));
      await cache.flush();
      await cache.apply(what, structuredClone(removal));
      await cache.flush();
      assert.equal(await redis.exists("message:20:99"), 0);
      assert.equal(await redis.exists("channel_keys:20"), 0);
      assert.deepEqual(await redis.smembers("message_keys"), []);
      assert.equal(await redis.exists("channel:20"), 0);
      assert.equal(cache.stale, false);
    },
  ));
}

Deno.test(privateTest(
  "RedisCache: a GUILD_DELETE removes a thread another process wrote in the guild after its channels were removed (listed in the guild's channel kind set alone)",
  async (redis) => {
    const thread = {
      id: "21",
      type: 11,
      guild_id: "10",
      parent_id: "20",
      name: "t",
    };
    const cache = new RedisCache(
      racing(redis, REMOVE_GUILD, () =>
        redis.multi([
          ["set", "channel:21", JSON.stringify(thread)],
          ["sadd", "guild_kind_keys:10:channel", "channel:21"],
        ]).exec()),
    );
    await cache.apply("GUILD_CREATE", structuredClone(GUILD_WITH_CHANNEL));
    await cache.flush();
    await cache.apply("GUILD_DELETE", { id: "10" });
    await cache.flush();
    assert.deepEqual(await redis.keys("*10*"), []);
    assert.equal(await redis.exists("channel:21"), 0);
    assert.equal(cache.stale, false);
  },
));

Deno.test(privateTest(
  "RedisCache: a GUILD_DELETE of a guild of 2,500 members removes them a chunk of about CHUNK keys a script, leaving the guild's last script no key but the guild's own",
  async (redis) => {
    const removals: { script: string; keys: number; reply: unknown }[] = [];
    const cache = new RedisCache(wrapping(redis, {
      eval: (evaluate) => async (script, keys, ...rest) => {
        const reply = await evaluate(script, keys, ...rest);
        if (script === REMOVE_GUILD || script === REMOVE_GUILD_ITEMS) {
          removals.push({ script, keys: Number(keys), reply });
        }
        return reply;
      },
    }));
    await cache.apply("GUILD_CREATE", {
      ...structuredClone(GUILD_WITH_CHANNEL),
      members: Array.from({ length: 2_500 }, (_, i) => member(String(i + 1))),
    });
    await cache.flush();
    removals.length = 0;
    await cache.apply("GUILD_DELETE", { id: "10" });
    await cache.flush();
    assert.deepEqual(await redis.keys("*10*"), []);
    assert.equal(await redis.scard("member_keys"), 0);
    const items = removals.filter(({ script }) =>
      script === REMOVE_GUILD_ITEMS
    );
    // SSCAN's COUNT is a hint: a chunk may hold a few more than CHUNK.
    assert.ok(
      items.every(({ keys }) => keys < 2 * CHUNK) && items.length >= 3,
      `${items.map(({ keys }) => keys)}`,
    );
    assert.ok(items.reduce((sum, { keys }) => sum + keys, 0) >= 2_500);
    const last = removals.filter(({ script }) => script === REMOVE_GUILD);
    // At most the channel kind set's whole marker (COMPLETE), no key.
    assert.equal(last.length, 1);
    assert.ok(Number(last[0]!.reply) <= 1, `${last[0]!.reply}`);
  },
));

Deno.test(privateTest(
  "RedisCache: a DM channel removed (CHANNEL_DELETE) with its messages leaves the index of what no guild holds at once, not at shard 0's next new session",
  async (redis) => {
    const store = new RedisCache(redis, OPTIONS);
    for (const [event, data] of BEFORE) {
      await store.apply(event, structuredClone(data));
    }
    await store.apply("CHANNEL_DELETE", { id: "60", type: 1, recipients: [] });
    await store.flush();
    assert.equal(await redis.exists("channel:60", "channel_keys:60"), 0);
    assert.deepEqual(
      (await redis.smembers("disruption_cache_unguilded")).sort(),
      ["", "channel:50"],
    );
  },
));
