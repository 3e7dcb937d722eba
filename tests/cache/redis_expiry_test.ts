import assert from "node:assert/strict";
import { RedisCache } from "../../cache/mod.ts";
import { redisStoreTest } from "./_redis_database.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const user = {
  id: "5",
  username: "u",
  discriminator: "0",
  global_name: null,
  avatar: null,
};

Deno.test(redisStoreTest(
  "RedisCache: members and messages expire (expiry_keys), leaving no key or set entry",
  1,
  async (redis) => {
    const clock = new VirtualScheduler();
    const cache = new RedisCache(redis, {
      ttl: { members: 60, messages: 30 },
      scheduler: clock,
    });
    await cache.apply("GUILD_CREATE", {
      id: "1",
      name: "g",
      channels: [{ id: "2", type: 0 }],
      roles: [{ id: "1", name: "@everyone" }],
      members: [{
        user,
        roles: [],
        joined_at: null,
        deaf: false,
        mute: false,
        flags: 0,
      }],
    });
    await cache.apply("MESSAGE_CREATE", {
      id: "3",
      channel_id: "2",
      guild_id: "1",
      author: user,
      content: "x",
      timestamp: "2024-01-01T00:00:00.000000+00:00",
    });
    await cache.flush();
    assert.deepEqual(
      (await redis.hkeys("expiry_keys")).sort(),
      ["member:1:5", "message:2:3"],
    );
    await clock.advance(29_000);
    assert.equal(await cache.sweepExpired(), 0);
    await clock.advance(2_000);
    assert.equal(await cache.sweepExpired(), 1);
    assert.equal(await redis.get("message:2:3"), null);
    assert.deepEqual(await redis.smembers("channel_keys:2"), []);
    assert.deepEqual(await redis.smembers("message_keys"), []);
    assert.ok(await redis.get("member:1:5"));
    await clock.advance(30_000);
    assert.equal(await cache.sweepExpired(), 1);
    assert.equal(await redis.get("member:1:5"), null);
    assert.deepEqual(await redis.smembers("member_keys"), []);
    assert.deepEqual(
      (await redis.smembers("guild_keys:1")).sort(),
      ["channel:2", "role:1:1"],
    );
    assert.equal(await redis.hlen("expiry_keys"), 0);
  },
));

Deno.test("RedisCache refuses a ttl that is not a positive number of seconds, naming it", () => {
  // The constructor touches no connection: a stand-in is enough.
  const redis = {} as ConstructorParameters<typeof RedisCache>[0];
  for (
    const [ttl, name] of [
      [{ members: 0 }, "ttl.members"],
      [{ members: -5 }, "ttl.members"],
      [{ messages: Number.NaN }, "ttl.messages"],
      [{ messages: Infinity }, "ttl.messages"],
      [{ messages: "60" }, "ttl.messages"],
    ] as const
  ) {
    assert.throws(
      () => new RedisCache(redis, { ttl: ttl as never }),
      (error: unknown) =>
        error instanceof RangeError && error.message.includes(`'${name}'`),
      JSON.stringify(ttl),
    );
  }
  assert.throws(() => new RedisCache(redis, { ttl: 60 as never }), TypeError);
  new RedisCache(redis, { ttl: { members: 0.5, messages: 86_400 } });
});

Deno.test(redisStoreTest(
  "RedisCache: a message the trim drops at once (older than every one of a full channel) leaves no expiry_keys entry",
  1,
  async (redis) => {
    const cache = new RedisCache(redis, {
      messages: { perChannel: 2 },
      ttl: { messages: 60 },
      scheduler: new VirtualScheduler(),
    });
    await cache.apply("GUILD_CREATE", {
      id: "1",
      name: "g",
      channels: [{ id: "2", type: 0 }],
      roles: [],
      members: [],
    });
    const message = (id: string) => ({
      id,
      channel_id: "2",
      guild_id: "1",
      author: user,
      content: "x",
      timestamp: "2024-01-01T00:00:00+00:00",
    });
    await cache.apply("MESSAGE_CREATE", message("100"));
    await cache.apply("MESSAGE_CREATE", message("101"));
    // Edits of older messages not held: each kept, then trimmed at once.
    await cache.apply("MESSAGE_UPDATE", message("10"));
    await cache.apply("MESSAGE_UPDATE", message("11"));
    await cache.flush();
    assert.deepEqual((await redis.smembers("message_keys")).sort(), [
      "message:2:100",
      "message:2:101",
    ]);
    assert.deepEqual((await redis.hkeys("expiry_keys")).sort(), [
      "message:2:100",
      "message:2:101",
    ]);
  },
));
