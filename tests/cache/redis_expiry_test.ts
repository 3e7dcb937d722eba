import assert from "node:assert/strict";
import { RedisCache } from "../../cache/mod.ts";
import {
  expiryTime,
  MAX_TTL_MS,
  resolveTtl,
} from "../../cache/redis_expiry.ts";
import { redisStoreTest } from "./_redis_database.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

const user = {
  id: "5",
  username: "u",
  discriminator: "0",
  global_name: null,
  avatar: null,
};

Deno.test("RedisCache refuses a misspelt ttl key, which would expire nothing, and an array", () => {
  const redis = {} as ConstructorParameters<typeof RedisCache>[0];
  assert.throws(() => new RedisCache(redis, { ttl: { member: 60 } as never }), {
    name: "TypeError",
    message:
      "Cannot create cache as 'ttl.member' is not one of its options (did you mean 'ttl.members'?)",
  });
  assert.throws(
    () => new RedisCache(redis, { ttl: { members: 60, message: 5 } as never }),
    { name: "TypeError", message: /'ttl\.message'.*'ttl\.messages'/ },
  );
  assert.throws(
    () => new RedisCache(redis, { ttl: [] as never }),
    { name: "TypeError", message: /'ttl' must be an object/ },
  );
});

Deno.test("resolveTtl keeps what it checked, read through a getter or a prototype as well", () => {
  class Seconds {
    get members(): number {
      return 60;
    }
  }
  assert.deepEqual(resolveTtl(new Seconds()), { members: 60 });
  assert.deepEqual(resolveTtl(Object.create({ messages: 30 })), {
    messages: 30,
  });
  // Read once: what is kept is what was checked.
  let reads = 0;
  const shifty = {
    get members(): number {
      return ++reads === 1 ? 60 : -5;
    },
  };
  assert.deepEqual(resolveTtl(shifty), { members: 60 });
  // A misspelt key inherited is refused as an own one is.
  assert.throws(() => resolveTtl(Object.create({ member: 60 })), {
    name: "TypeError",
    message: /'ttl\.member' is not one of its options/,
  });
});

Deno.test(redisStoreTest(
  "RedisCache keeps the ttl it checked: the caller's object changed afterwards changes no expiry",
  1,
  async (redis) => {
    const clock = new VirtualScheduler();
    const ttl = { members: 60 };
    const cache = new RedisCache(redis, { ttl, scheduler: clock });
    // Past Date's range: read at each write, every write failed.
    ttl.members = 1e20;
    await cache.apply("GUILD_CREATE", guildWith(["5"]));
    await cache.flush();
    assert.equal(cache.stale, false);
    assert.equal(
      await redis.hget("expiry_keys", "member:1:5"),
      expiryTime(clock.now() + 60_000),
    );
  },
));

Deno.test(redisStoreTest(
  "RedisCache: members and messages expire (expiry_keys), leaving no key or set entry",
  1,
  async (redis) => {
    const clock = new VirtualScheduler();
    const cache = new RedisCache(redis, {
      ttl: { members: 60, messages: 30 },
      scheduler: clock,
    });
    await cache.apply("GUILD_CREATE", guildWith(["5"]));
    await cache.apply("MESSAGE_CREATE", message("3"));
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
      ["channel:2", "role:1:9"],
    );
    assert.equal(await redis.hlen("expiry_keys"), 0);
  },
));

Deno.test("RedisCache refuses a ttl that is not a positive number of seconds up to 10 years (MAX_TTL_MS), naming it", () => {
  // The constructor touches no connection: a stand-in is enough.
  const redis = {} as ConstructorParameters<typeof RedisCache>[0];
  for (
    const [ttl, name] of [
      [{ members: 0 }, "ttl.members"],
      [{ members: -5 }, "ttl.members"],
      [{ messages: Number.NaN }, "ttl.messages"],
      [{ messages: Infinity }, "ttl.messages"],
      [{ messages: "60" }, "ttl.messages"],
      // Past Date's range every write's expiry time threw, and the cache
      // went stale; past the year 9999 no sweep could read it.
      [{ members: 1e13 }, "ttl.members"],
      [{ messages: MAX_TTL_MS / 1000 + 1 }, "ttl.messages"],
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
  new RedisCache(redis, { ttl: { members: MAX_TTL_MS / 1000 } });
  assert.equal(MAX_TTL_MS, 10 * 365.25 * 86_400_000);
  // The longest makes an expiry time both sweeps read until the year 9989.
  assert.match(
    expiryTime(Date.UTC(9989, 0, 1) + MAX_TTL_MS),
    /^"9\d{3}-\d\d-\d\dT[\d:.]+"$/,
  );
  assert.throws(() => new RedisCache(redis, { ttl: { members: 1e13 } }), {
    name: "RangeError",
    message:
      "Cannot create cache as 'ttl.members' must be a positive number of seconds up to 315576000 (10 years): current value '10000000000000'",
  });
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

/** Guild 1 with channel 2, role 9, and members of user ids `members`. */
function guildWith(members: string[]): Record<string, unknown> {
  return {
    id: "1",
    name: "g",
    channels: [{ id: "2", type: 0 }],
    roles: [{ id: "9", name: "r" }],
    members: members.map((id) => ({
      user: { ...user, id },
      roles: [],
      joined_at: null,
      deaf: false,
      mute: false,
      flags: 0,
    })),
  };
}

function message(id: string): Record<string, unknown> {
  return {
    id,
    channel_id: "2",
    guild_id: "1",
    author: user,
    content: "x",
    timestamp: "2024-01-01T00:00:00.000000+00:00",
  };
}

Deno.test(redisStoreTest(
  "RedisCache: a member or message written without a TTL for its kind loses the expiry_keys entry a run with one (or twilight-dispatch) left, so the sweep of the other kind leaves it",
  1,
  async (redis) => {
    const clock = new VirtualScheduler();
    const before = new RedisCache(redis, {
      ttl: { members: 60, messages: 60 },
      scheduler: clock,
    });
    await before.apply("GUILD_CREATE", guildWith(["5"]));
    await before.apply("MESSAGE_CREATE", message("3"));
    await before.flush();
    // twilight-dispatch records an expiry for every member it writes (the
    // clock starts at 1970-01-01T00:00:00).
    const chunk = Array.from({ length: 1_500 }, (_, i) => String(100 + i));
    await redis.hset(
      "expiry_keys",
      Object.fromEntries(
        chunk.map((id) => [`member:1:${id}`, '"1970-01-01T00:00:30"']),
      ),
    );
    // A run with a message TTL only (so it sweeps): the members it writes,
    // one by one and 1,500 in one event, keep no entry.
    const members = new RedisCache(redis, {
      ttl: { messages: 60 },
      scheduler: clock,
    });
    await members.apply("GUILD_MEMBER_UPDATE", {
      guild_id: "1",
      user,
      roles: [],
      nick: "still here",
    });
    await members.apply("GUILD_MEMBERS_CHUNK", {
      guild_id: "1",
      members: guildWith(chunk).members as unknown[],
      chunk_index: 0,
      chunk_count: 1,
    });
    await members.flush();
    assert.deepEqual(await redis.hkeys("expiry_keys"), ["message:2:3"]);
    await clock.advance(61_000);
    assert.equal(await members.sweepExpired(), 1);
    assert.ok(await redis.get("member:1:5"));
    assert.equal(await redis.scard("member_keys"), 1 + chunk.length);
    // And the other way round: a message written by a run with a member
    // TTL only, in a batch with a role's deletion between its writes.
    await before.apply("MESSAGE_CREATE", message("4"));
    await before.flush();
    const messages = new RedisCache(redis, {
      ttl: { members: 60 },
      scheduler: clock,
    });
    await messages.applyBatch([
      { event: "MESSAGE_UPDATE", data: { ...message("4"), content: "y" } },
      { event: "GUILD_ROLE_DELETE", data: { guild_id: "1", role_id: "9" } },
      { event: "MESSAGE_CREATE", data: message("6") },
    ]);
    await messages.flush();
    assert.deepEqual(await redis.hkeys("expiry_keys"), []);
    await clock.advance(61_000);
    assert.equal(await messages.sweepExpired(), 0);
    assert.ok(await redis.get("message:2:4"));
  },
));

Deno.test(redisStoreTest(
  "RedisCache: a message's time runs from its create or last update, as twilight-dispatch's does; a reaction keeps it, and starts one for a message without",
  1,
  async (redis) => {
    const clock = new VirtualScheduler();
    const cache = new RedisCache(redis, {
      ttl: { messages: 10 },
      scheduler: clock,
    });
    await cache.apply("GUILD_CREATE", guildWith([]));
    const reaction = (id: string): Record<string, unknown> => ({
      guild_id: "1",
      channel_id: "2",
      message_id: id,
      user_id: "5",
      emoji: { id: null, name: "x" },
    });
    await cache.apply("MESSAGE_CREATE", message("3"));
    await cache.apply("MESSAGE_CREATE", message("4"));
    await clock.advance(8_000);
    await cache.apply("MESSAGE_REACTION_ADD", reaction("3"));
    await cache.apply("MESSAGE_UPDATE", { ...message("4"), content: "y" });
    await clock.advance(3_000);
    assert.equal(await cache.sweepExpired(), 1);
    assert.equal(await redis.get("message:2:3"), null, "created at 0 s");
    // In one batch: the create's time stands, not the reaction's after it.
    await cache.applyBatch([
      { event: "MESSAGE_CREATE", data: message("5") },
      { event: "MESSAGE_REACTION_ADD", data: reaction("5") },
    ]);
    await clock.advance(2_000);
    await cache.apply("MESSAGE_REACTION_REMOVE", reaction("5"));
    await clock.advance(5_000);
    assert.equal(await cache.sweepExpired(), 1);
    assert.equal(await redis.get("message:2:4"), null, "updated at 8 s");
    await clock.advance(3_000);
    assert.equal(await cache.sweepExpired(), 1);
    assert.equal(await redis.get("message:2:5"), null, "created at 11 s");
    // A message written without a TTL gets its time from a reaction.
    await new RedisCache(redis).apply("MESSAGE_CREATE", message("7"));
    await cache.apply("MESSAGE_REACTION_ADD", reaction("7"));
    await cache.flush();
    assert.deepEqual(await redis.hkeys("expiry_keys"), ["message:2:7"]);
    await clock.advance(9_000);
    assert.equal(await cache.sweepExpired(), 0);
    await clock.advance(1_000);
    assert.equal(await cache.sweepExpired(), 1);
  },
));

Deno.test("RedisCache.sweepExpired runs one sweep at a time: calls while one is unanswered share it instead of piling up sweeps behind a frozen Redis", async () => {
  let scans = 0;
  let answer: (reply: [string, string[]]) => void = () => {};
  const redis = {
    status: "ready",
    hscan: () => {
      scans++;
      return new Promise((resolve) => answer = resolve);
    },
  } as unknown as ConstructorParameters<typeof RedisCache>[0];
  const cache = new RedisCache(redis);
  const sweeps = [1, 2, 3].map(() => cache.sweepExpired());
  assert.equal(scans, 1);
  answer(["0", []]);
  assert.deepEqual(await Promise.all(sweeps), [0, 0, 0]);
  const next = cache.sweepExpired();
  assert.equal(scans, 2, "a call after the sweep settled sweeps again");
  answer(["0", []]);
  assert.equal(await next, 0);
});

Deno.test(redisStoreTest(
  "RedisCache: a member written in January or February (twilight-dispatch's time, read by the sweep's own date arithmetic) expires exactly when its ttl is up",
  1,
  async (redis) => {
    // January and February count as months of the year before in that
    // arithmetic; the end of a leap February and a March around them.
    for (
      const start of [
        Date.UTC(2024, 0, 15, 12),
        Date.UTC(2024, 1, 10, 12),
        Date.UTC(2024, 1, 29, 23, 59, 30),
        Date.UTC(2023, 2, 1, 0, 0, 0, 500),
      ]
    ) {
      await redis.flushdb();
      const clock = new VirtualScheduler({ start });
      const cache = new RedisCache(redis, {
        ttl: { members: 60 },
        scheduler: clock,
      });
      await cache.apply("GUILD_CREATE", guildWith(["5"]));
      await cache.flush();
      const when = new Date(start).toISOString();
      await clock.advance(59_999);
      assert.equal(await cache.sweepExpired(), 0, `${when}: not yet due`);
      await clock.advance(1);
      assert.equal(await cache.sweepExpired(), 1, `${when}: due`);
      assert.equal(await redis.exists("member:1:5"), 0);
    }
  },
));

Deno.test(redisStoreTest(
  "RedisCache: a member's GUILD_MEMBER_UPDATE starts its time again (it lives ttl after its last write)",
  1,
  async (redis) => {
    const clock = new VirtualScheduler();
    const cache = new RedisCache(redis, {
      ttl: { members: 60 },
      scheduler: clock,
    });
    await cache.apply("GUILD_CREATE", guildWith(["5"]));
    await cache.flush();
    await clock.advance(50_000);
    await cache.apply("GUILD_MEMBER_UPDATE", {
      guild_id: "1",
      user,
      roles: ["9"],
      joined_at: null,
    });
    await cache.flush();
    // 70 s after its GUILD_CREATE, 20 s after its update: kept.
    await clock.advance(20_000);
    assert.equal(await cache.sweepExpired(), 0);
    assert.ok(await redis.get("member:1:5"));
    await clock.advance(40_000);
    assert.equal(await cache.sweepExpired(), 1);
    assert.equal(await redis.get("member:1:5"), null);
  },
));
