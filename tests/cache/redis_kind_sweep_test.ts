// A Redis cache written by a run that kept messages and members, read by a
// later run without them that resumes its sessions (no READY, no
// GUILD_CREATE): the store keeps only its resources up to date, so the
// earlier messages and members stayed, served as they were (a message
// edited or deleted since, a member gone) to its reads and to
// twilight-dispatch's consumers, and listed in the helper sets. The store's
// first batch now removes the keys of kinds the earlier run kept and it
// does not, and records what it keeps; stores of the same resources (a
// fleet) remove nothing of each other's.
import assert from "node:assert/strict";
import { type CacheResource, RedisCache } from "../../cache/mod.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";
import { user } from "./_event_sequences.ts";
import { FORGET_UNKEPT } from "../../cache/redis_scripts.ts";
import { recordingScans } from "./_recording_redis.ts";

const BOT = "1";

const READY = {
  v: 10,
  user: { ...user(BOT), bot: true },
  guilds: [{ id: "10", unavailable: true }],
  session_id: "s",
  resume_gateway_url: "wss://x",
  shard: [0, 1],
  application: { id: BOT, flags: 0 },
};

const member = (id: string) => ({
  user: user(id),
  roles: [],
  joined_at: "2020-01-01T00:00:00.000Z",
  deaf: false,
  mute: false,
});

const GUILD = {
  id: "10",
  name: "G",
  owner_id: "7",
  roles: [],
  channels: [{
    id: "20",
    type: 0,
    guild_id: "10",
    name: "general",
    position: 0,
    permission_overwrites: [],
  }],
  members: [member(BOT), member("7")],
  unavailable: false,
};

const message = (content: string) => ({
  id: "30",
  channel_id: "20",
  guild_id: "10",
  author: user("7"),
  content,
  timestamp: "2025-01-01T00:00:00.000Z",
  edited_timestamp: null,
  tts: false,
  mention_everyone: false,
  mentions: [],
  mention_roles: [],
  attachments: [],
  embeds: [],
  pinned: false,
  type: 0,
});

const ALL: CacheResource[] = ["guilds", "channels", "members", "messages"];

/** Run 1: a session of a store keeping `resources` (TTLs: expiry entries). */
async function firstRun(
  redis: RedisConnection,
  resources: CacheResource[] = ALL,
): Promise<void> {
  const cache = new RedisCache(redis, {
    resources,
    ttl: { members: 3600, messages: 3600 },
  });
  await cache.apply("READY", READY);
  await cache.apply("GUILD_CREATE", GUILD);
  await cache.apply("MESSAGE_CREATE", message("v1"));
  await cache.flush();
  if (resources.includes("messages")) {
    assert.equal((await cache.message("20", "30"))?.content, "v1");
  }
  if (resources.includes("members")) {
    assert.ok(await cache.member("10", "7"));
  }
}

/**
 * A test on a redis-server of its own: the shared test server's database
 * numbers are all taken (tests/ci/redis_databases_test.ts).
 */
function kindTest(
  name: string,
  fn: (redis: RedisConnection) => Promise<void>,
): Deno.TestDefinition {
  return {
    name,
    ignore: privateRedisIgnored,
    fn: () => withPrivateRedis((_, redis) => fn(redis)),
  };
}

/** Every key of the database, sorted. */
async function keys(redis: RedisConnection): Promise<string[]> {
  return (await redis.keys("*")).sort();
}

Deno.test(kindTest(
  "a resumed run without messages and members removes the earlier run's",
  async (redis) => {
    await firstRun(redis);
    const cache = new RedisCache(redis, { resources: ["guilds", "channels"] });
    await cache.apply("MESSAGE_UPDATE", {
      ...message("v2"),
      author: user("7"),
    });
    await cache.apply("GUILD_MEMBER_REMOVE", {
      guild_id: "10",
      user: user("7"),
    });
    await cache.flush();
    assert.equal(await cache.message("20", "30"), undefined);
    assert.deepEqual(await cache.channelMessages("20"), []);
    assert.equal(await cache.member("10", "7"), undefined);
    // The bot's own member is kept with guilds alone (as MemoryCache does).
    assert.equal((await cache.member("10", BOT))?.user?.id, BOT);
    assert.deepEqual(
      (await cache.all("member", "10")).map((m) =>
        (m.user as { id: string }).id
      ),
      [BOT],
    );
    const left = await keys(redis);
    assert.deepEqual(left.filter((key) => /^(message|member):/.test(key)), [
      `member:10:${BOT}`,
    ]);
    assert.equal(left.includes("channel_keys:20"), false);
    assert.equal(await redis.scard("message_keys"), 0);
    assert.deepEqual(await redis.smembers("member_keys"), [`member:10:${BOT}`]);
    assert.deepEqual(
      (await redis.smembers("guild_keys:10")).filter((key) =>
        /^(message|member):/.test(key)
      ),
      [`member:10:${BOT}`],
    );
    // The bot's member keeps its entry: it is kept.
    assert.deepEqual(Object.keys(await redis.hgetall("expiry_keys")), [
      `member:10:${BOT}`,
    ]);
    assert.equal(
      await redis.get("disruption_cache_resources"),
      JSON.stringify(["guilds", "channels"]),
    );
    // The guild and its channel stay, as kept.
    assert.ok(await cache.guild("10"));
    assert.ok(await cache.channel("20"));
    assert.equal(cache.stale, false);
  },
));

Deno.test(kindTest(
  "a run without channels removes them from every listing",
  async (redis) => {
    await firstRun(redis, ["guilds", "channels", "messages"]);
    const cache = new RedisCache(redis, { resources: ["guilds"] });
    await cache.apply("GUILD_UPDATE", { id: "10", name: "G2" });
    await cache.flush();
    assert.equal(await cache.channel("20"), undefined);
    const left = await keys(redis);
    assert.deepEqual(
      left.filter((key) => /^(message|channel)/.test(key)),
      [],
    );
    assert.deepEqual(await redis.smembers("guild_keys:10"), [
      `member:10:${BOT}`,
    ]);
    // Its marker alone (the set is whole), as a run without channels writes.
    assert.deepEqual(await redis.smembers("guild_kind_keys:10:channel"), [""]);
    assert.equal((await cache.guild("10") as { name: string }).name, "G2");
  },
));

Deno.test(kindTest(
  "a run without channels takes a channel nested deeper than Redis's cjson decodes (1,100 levels) out of its guild's listings too",
  async (redis) => {
    let deny: unknown = 1;
    for (let i = 0; i < 1_100; i++) deny = [deny];
    const first = new RedisCache(redis, {
      resources: ["guilds", "channels", "messages"],
    });
    await first.apply("READY", READY);
    await first.apply("GUILD_CREATE", {
      ...GUILD,
      channels: [...GUILD.channels, {
        id: "21",
        type: 0,
        name: "deep",
        permission_overwrites: [{ id: "1", type: 0, allow: "0", deny }],
      }],
    });
    await first.flush();
    assert.ok(await redis.sismember("guild_keys:10", "channel:21"));
    const cache = new RedisCache(redis, { resources: ["guilds"] });
    await cache.apply("GUILD_UPDATE", { id: "10", name: "G2" });
    await cache.flush();
    assert.deepEqual(
      (await keys(redis)).filter((key) => /^channel/.test(key)),
      [],
    );
    assert.deepEqual(await redis.smembers("guild_keys:10"), [
      `member:10:${BOT}`,
    ]);
    assert.deepEqual(await redis.smembers("guild_kind_keys:10:channel"), [""]);
    assert.equal(first.stale || cache.stale, false);
  },
));

Deno.test(kindTest(
  "the sweep of unkept channels forgets a value cjson cannot decode from at most 10 of the guilds its text names (a hostile value named 45,000: forgetting each held Redis 0.9 s)",
  async (redis) => {
    let nested = '"x"';
    for (let i = 0; i < 1_100; i++) nested = `[${nested}]`;
    const guilds = Array.from({ length: 50 }, (_, i) => String(100 + i));
    const value = `{"id":"21",${
      guilds.map((id, i) => `"f${i}":{"guild_id":"${id}"},`).join("")
    }"deep":${nested}}`;
    await redis.set("channel:21", value);
    await redis.sadd("channel_keys", "channel:21");
    for (const id of guilds) await redis.sadd(`guild_keys:${id}`, "channel:21");
    await redis.eval(FORGET_UNKEPT, 1, "channel:21", "channel", "");
    let still = 0;
    for (const id of guilds) {
      still += await redis.sismember(`guild_keys:${id}`, "channel:21");
    }
    assert.equal(still, 40);
    assert.equal(await redis.exists("channel:21"), 0);
  },
));

Deno.test(kindTest(
  "stores of the same resources remove nothing of each other's",
  async (redis) => {
    const resources: CacheResource[] = ["guilds", "channels", "messages"];
    await firstRun(redis, resources);
    // As a narrower run left it after its sweep: the record theirs, no
    // store looks for keys of the kinds it does not keep (this one written
    // by hand).
    await redis.set("disruption_cache_resources", JSON.stringify(resources));
    await redis.set("presence:10:7", "{}");
    await redis.sadd("presence_keys", "presence:10:7");
    const other = new RedisCache(redis, { resources });
    await other.apply("MESSAGE_UPDATE", message("v2"));
    await other.flush();
    assert.equal((await other.message("20", "30"))?.content, "v2");
    assert.equal(await redis.exists("presence:10:7"), 1);
    const third = new RedisCache(redis, { resources: [...resources] });
    await third.apply("MESSAGE_DELETE", { id: "30", channel_id: "20" });
    await third.flush();
    assert.equal(await third.message("20", "30"), undefined);
    assert.ok(await third.channel("20"));
  },
));

Deno.test(kindTest(
  "a database of an older version (no record) loses the kinds not kept",
  async (redis) => {
    await firstRun(redis);
    await redis.del("disruption_cache_resources");
    const cache = new RedisCache(redis, {
      resources: ["guilds", "channels", "members"],
    });
    await cache.apply("GUILD_UPDATE", { id: "10", name: "G2" });
    await cache.flush();
    assert.equal(await redis.scard("message_keys"), 0);
    assert.equal(await redis.exists("message:20:30"), 0);
    assert.equal(await cache.message("20", "30"), undefined);
    // Kept: members, untouched.
    assert.ok(await cache.member("10", "7"));
    assert.equal(await redis.scard("member_keys"), 2);
    assert.equal(
      await redis.get("disruption_cache_resources"),
      JSON.stringify(["guilds", "channels", "members"]),
    );
  },
));

Deno.test(kindTest(
  "reads of a kind not kept find nothing before the first batch",
  async (redis) => {
    await firstRun(redis);
    const cache = new RedisCache(redis, { resources: ["guilds", "channels"] });
    assert.equal(await cache.message("20", "30"), undefined);
    assert.deepEqual(await cache.channelMessages("20"), []);
    assert.deepEqual(await cache.all("message", "20"), []);
    assert.equal(await cache.member("10", "7"), undefined);
    assert.ok(await cache.member("10", BOT));
  },
));

Deno.test(kindTest(
  "a run keeping every resource removes the record: a later narrower run still sweeps",
  async (redis) => {
    await firstRun(redis);
    const first = new RedisCache(redis, { resources: ["guilds", "channels"] });
    await first.apply("GUILD_UPDATE", { id: "10", name: "G2" });
    await first.flush();
    assert.ok(await redis.exists("disruption_cache_resources"));
    // Every resource (the default): messages are written again.
    const every = new RedisCache(redis);
    await every.apply("MESSAGE_CREATE", message("v1"));
    await every.flush();
    assert.equal(await redis.exists("disruption_cache_resources"), 0);
    assert.equal((await every.message("20", "30"))?.content, "v1");
    const narrow = new RedisCache(redis, {
      resources: ["guilds", "channels"],
    });
    await narrow.apply("MESSAGE_DELETE", { id: "30", channel_id: "20" });
    await narrow.flush();
    assert.equal(await redis.exists("message:20:30"), 0);
    assert.equal(await redis.scard("message_keys"), 0);
  },
));

Deno.test(kindTest(
  "a narrower run on a database holding none of the kinds it drops writes no record",
  async (redis) => {
    const cache = new RedisCache(redis, { resources: ["guilds", "channels"] });
    await cache.apply("READY", READY);
    await cache.apply("GUILD_CREATE", GUILD);
    await cache.flush();
    assert.equal(await redis.exists("disruption_cache_resources"), 0);
    assert.ok(await cache.member("10", BOT));
  },
));

const dm = (id: string) => ({ id, type: 1, recipients: [user("7")] });

Deno.test(kindTest(
  "a run without messages (the dispatch service's default) keeps the index of what no guild holds whole at each start: shard 0's next new session drops the DMs through it, scanning no channel",
  async (redis) => {
    const resources: CacheResource[] = ["guilds", "channels"];
    const first = new RedisCache(redis, { resources });
    await first.apply("READY", READY);
    await first.apply("GUILD_CREATE", GUILD);
    await first.apply("CHANNEL_CREATE", dm("60"));
    await first.flush();
    // Each start sweeps again (it removed nothing, so wrote no record).
    for (const id of ["61", "62"]) {
      const next = new RedisCache(redis, { resources });
      await next.apply("CHANNEL_CREATE", dm(id));
      await next.flush();
      assert.equal(
        await redis.sismember("disruption_cache_unguilded", ""),
        1,
        `the start writing DM ${id} kept the index's marker`,
      );
    }
    const scanned: string[] = [];
    const last = new RedisCache(recordingScans(redis, scanned), { resources });
    await last.apply("CHANNEL_CREATE", dm("63"));
    await last.flush();
    scanned.length = 0;
    await last.apply("READY", READY);
    await last.flush();
    assert.deepEqual(
      scanned.filter((key) => key === "channel_keys" || key === "message_keys"),
      [],
      "no whole scan",
    );
    for (const id of ["60", "61", "62", "63"]) {
      assert.equal(await last.channel(id), undefined, `DM ${id}`);
      assert.equal(await redis.exists(`channel:${id}`), 0, `DM ${id}'s key`);
    }
    assert.ok(await last.channel("20"));
    assert.deepEqual(await redis.smembers("disruption_cache_unguilded"), [""]);
    assert.equal(last.stale, false);
  },
));

Deno.test(kindTest(
  "a run without channels takes the index of what no guild holds with them (their removal leaves no message listed nowhere): a later run keeping them drops through a whole index again",
  async (redis) => {
    await firstRun(redis);
    const every = new RedisCache(redis);
    await every.apply("CHANNEL_CREATE", dm("60"));
    await every.apply("MESSAGE_CREATE", {
      ...message("dm"),
      id: "31",
      channel_id: "60",
      guild_id: undefined,
    });
    await every.flush();
    const narrow = new RedisCache(redis, { resources: ["guilds"] });
    await narrow.apply("GUILD_UPDATE", { id: "10", name: "G2" });
    await narrow.flush();
    const left = await keys(redis);
    assert.deepEqual(left.filter((key) => /^(message|channel)/.test(key)), []);
    assert.equal(await redis.exists("disruption_cache_unguilded"), 0);
    const wide = new RedisCache(redis);
    await wide.apply("READY", READY);
    await wide.apply("CHANNEL_CREATE", dm("61"));
    await wide.flush();
    assert.deepEqual(
      (await redis.smembers("disruption_cache_unguilded")).sort(),
      ["", "channel:61"],
    );
    // Its next start has nothing to sweep: the index stays whole.
    const next = new RedisCache(redis);
    await next.apply("GUILD_UPDATE", { id: "10", name: "G3" });
    await next.apply("READY", READY);
    await next.flush();
    assert.deepEqual(await redis.smembers("disruption_cache_unguilded"), [""]);
    assert.equal(await redis.exists("channel:61"), 0);
    assert.equal(narrow.stale || wide.stale || next.stale, false);
  },
));
