// The Redis store against twilight-dispatch's layout (chamburr/twilight-dispatch
// 0.4.6: src/constants.rs for the key names, src/cache.rs `set_all`/`del_all`
// for which set holds which key, `expire_all`/`run_jobs` for `expiry_keys`),
// so that its existing consumers read what this store writes, and its
// expiry job and this store's sweep each handle the other's entries.
import assert from "node:assert/strict";
import { MemoryCache, RedisCache } from "../../cache/mod.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { redisStoreTest } from "./_redis_database.ts";
import { mulberry32 } from "../_fakes/prng.ts";
import { compareSnowflakes, snowflakeTime } from "../../cache/options.ts";
import { TRIM_MESSAGES } from "../../cache/redis_scripts.ts";
import { ROLE_REMOVAL_CHUNK } from "../../cache/redis_role_removal.ts";
import { countingScripts, type ScriptRun } from "../_fakes/counted_scripts.ts";

const DATABASE = 12;

const ada = {
  id: "5",
  username: "ada",
  discriminator: "0",
  global_name: null,
  avatar: null,
};
const bot = { ...ada, id: "6", username: "bot", bot: true };

const member = {
  user: ada,
  roles: ["3"],
  joined_at: "2024-01-01T00:00:00.000000+00:00",
  deaf: false,
  mute: false,
  flags: 0,
};

const guildCreate = {
  id: "1",
  name: "Home",
  member_count: 1,
  channels: [{ id: "2", type: 0, name: "general" }],
  threads: [],
  roles: [{ id: "3", name: "mods" }],
  emojis: [{ id: "4", name: "wave" }],
  members: [member],
  presences: [{
    user: { id: "5" },
    status: "online",
    activities: [],
    client_status: { desktop: "online" },
  }],
  voice_states: [{
    user_id: "5",
    channel_id: "2",
    session_id: "s",
    deaf: false,
    mute: false,
    self_deaf: false,
    self_mute: false,
    self_video: false,
    suppress: false,
    request_to_speak_timestamp: null,
  }],
};

function message(id: string, channelId: string, guildId?: string): object {
  return {
    id,
    channel_id: channelId,
    ...(guildId === undefined ? {} : { guild_id: guildId }),
    author: ada,
    content: "hi",
    timestamp: "2024-01-01T00:00:00.000000+00:00",
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: 0,
  };
}

async function sorted(redis: RedisConnection, key: string): Promise<string[]> {
  return (await redis.smembers(key)).sort();
}

async function json(redis: RedisConnection, key: string): Promise<unknown> {
  const text = await redis.get(key);
  return text === null ? null : JSON.parse(text);
}

Deno.test(redisStoreTest(
  "RedisCache writes twilight-dispatch's keys, and each helper set holds the full keys twilight-dispatch puts in it",
  DATABASE,
  async (redis) => {
    const cache = new RedisCache(redis);
    await cache.apply("READY", {
      v: 10,
      user: bot,
      guilds: [{ id: "1", unavailable: true }, { id: "9", unavailable: true }],
      session_id: "s",
    });
    await cache.apply("GUILD_CREATE", guildCreate);
    await cache.apply("CHANNEL_CREATE", {
      id: "20",
      type: 1,
      recipients: [ada],
    });
    await cache.apply("MESSAGE_CREATE", message("30", "2", "1"));
    await cache.apply("MESSAGE_CREATE", message("31", "20"));
    await cache.flush();

    assert.deepEqual((await redis.keys("*")).sort(), [
      "bot_user",
      "channel:2",
      "channel:20",
      "channel_keys",
      "channel_keys:2",
      "channel_keys:20",
      // Beyond the layout too: the database's epoch marker, which says the
      // keys were lost (a FLUSHDB) to the stores reading it.
      "disruption_cache_epoch",
      // And the store's index of what shard 0's new session drops: the
      // DM channel 20 (see redis_unguilded.ts).
      "disruption_cache_unguilded",
      "emoji:1:4",
      "emoji_keys",
      "guild:1",
      "guild:9",
      "guild_keys",
      "guild_keys:1",
      // Beyond twilight-dispatch's layout: the guild's keys of each kind the
      // core reads whole (a guild's every key is too many to read for them).
      "guild_kind_keys:1:channel",
      "guild_kind_keys:1:emoji",
      "guild_kind_keys:1:soundboard_sound",
      "guild_kind_keys:1:sticker",
      "member:1:5",
      "member_keys",
      "message:20:31",
      "message:2:30",
      "message_keys",
      "presence:1:5",
      "presence_keys",
      "role:1:3",
      "role_keys",
      "voice:1:5",
      "voice_keys",
    ]);
    assert.deepEqual(
      (await sorted(redis, "disruption_cache_unguilded")).filter((key) =>
        key !== ""
      ),
      ["channel:20"],
    );
    // cache.rs set_all: `<kind>_keys` holds every key with a `:`; a key of
    // three parts also goes to `guild_keys:<second>` (`channel:G:C` is
    // written as `channel:C`), a message's to `channel_keys:<channel>`.
    assert.deepEqual(await sorted(redis, "guild_keys"), ["guild:1", "guild:9"]);
    assert.deepEqual(await sorted(redis, "guild_keys:1"), [
      "channel:2",
      "emoji:1:4",
      "member:1:5",
      "presence:1:5",
      "role:1:3",
      "voice:1:5",
    ]);
    assert.deepEqual(await sorted(redis, "channel_keys"), [
      "channel:2",
      "channel:20",
    ]);
    assert.deepEqual(await sorted(redis, "channel_keys:2"), ["message:2:30"]);
    assert.deepEqual(await sorted(redis, "channel_keys:20"), [
      "message:20:31",
    ]);
    assert.deepEqual(await sorted(redis, "message_keys"), [
      "message:20:31",
      "message:2:30",
    ]);
    assert.deepEqual(await sorted(redis, "role_keys"), ["role:1:3"]);
    assert.deepEqual(await sorted(redis, "emoji_keys"), ["emoji:1:4"]);
    assert.deepEqual(await sorted(redis, "member_keys"), ["member:1:5"]);
    assert.deepEqual(await sorted(redis, "presence_keys"), ["presence:1:5"]);
    assert.deepEqual(await sorted(redis, "voice_keys"), ["voice:1:5"]);
    // Whole since the GUILD_CREATE (the empty marker), and just the kind's.
    assert.deepEqual(await sorted(redis, "guild_kind_keys:1:channel"), [
      "",
      "channel:2",
    ]);
    assert.deepEqual(await sorted(redis, "guild_kind_keys:1:emoji"), [
      "",
      "emoji:1:4",
    ]);

    // Values as twilight-model 0.14 serializes what twilight-dispatch keeps:
    // the READY user; a guild channel with its guild_id (cache.rs sets it);
    // a member with `user` and `guild_id`; a presence with `guild_id` and
    // the user's id; a voice state with `guild_id`.
    assert.deepEqual(await json(redis, "bot_user"), bot);
    assert.deepEqual(await json(redis, "guild:9"), {
      id: "9",
      unavailable: true,
    });
    assert.deepEqual(await json(redis, "channel:2"), {
      id: "2",
      type: 0,
      name: "general",
      guild_id: "1",
      last_message_id: "30",
    });
    assert.deepEqual(await json(redis, "member:1:5"), {
      ...member,
      guild_id: "1",
    });
    assert.deepEqual(await json(redis, "presence:1:5"), {
      user: { id: "5" },
      guild_id: "1",
      status: "online",
      activities: [],
      client_status: { desktop: "online" },
    });
    assert.deepEqual(await json(redis, "voice:1:5"), {
      ...guildCreate.voice_states[0],
      guild_id: "1",
    });
    assert.deepEqual(
      await json(redis, "message:2:30"),
      message("30", "2", "1"),
    );
    const guild = await json(redis, "guild:1") as Record<string, unknown>;
    assert.equal(guild.name, "Home");
    assert.equal(guild.member_count, 1);
  },
));

/** twilight-dispatch's FormattedDateTime as serde_json writes it (models.rs). */
const TWILIGHT_TIME =
  /^"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{1,9})"$/;

function twilightTime(text: string | null | undefined): number {
  const match = TWILIGHT_TIME.exec(text ?? "");
  assert.ok(match, `'${text}' is not twilight-dispatch's expiry format`);
  const [y, mo, d, h, mi, s] = match.slice(1, 7).map(Number);
  const ms = Number(match[7]!.padEnd(3, "0").slice(0, 3));
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, ms);
}

Deno.test(redisStoreTest(
  "RedisCache records expiry in expiry_keys as twilight-dispatch does: the key, and a JSON string of the UTC time it expires",
  DATABASE,
  async (redis) => {
    const start = Date.UTC(2026, 11, 2, 9, 30, 15, 250);
    const clock = new VirtualScheduler({ start });
    const cache = new RedisCache(redis, {
      ttl: { members: 60, messages: 1.5 },
      scheduler: clock,
    });
    await cache.apply("GUILD_CREATE", guildCreate);
    await cache.apply("MESSAGE_CREATE", message("30", "2", "1"));
    await cache.flush();
    const entries = await redis.hgetall("expiry_keys");
    assert.deepEqual(Object.keys(entries).sort(), [
      "member:1:5",
      "message:2:30",
    ]);
    assert.equal(twilightTime(entries["member:1:5"]), start + 60_000);
    assert.equal(twilightTime(entries["message:2:30"]), start + 1_500);
  },
));

Deno.test(redisStoreTest(
  "RedisCache.sweepExpired removes the entries twilight-dispatch recorded (its time format), keeps those not yet due",
  DATABASE,
  async (redis) => {
    const now = Date.UTC(2026, 11, 2, 9, 30, 0, 0);
    const clock = new VirtualScheduler({ start: now });
    const cache = new RedisCache(redis, { scheduler: clock });
    await cache.apply("GUILD_CREATE", {
      ...guildCreate,
      members: [
        member,
        { ...member, user: { ...ada, id: "7" } },
        { ...member, user: { ...ada, id: "8" } },
      ],
    });
    await cache.apply("MESSAGE_CREATE", message("30", "2", "1"));
    await cache.flush();
    // As twilight-dispatch's expire_all writes them: nanoseconds, no zone.
    await redis.hset("expiry_keys", {
      "member:1:5": '"2026-12-02T09:29:59.999999999"',
      "message:2:30": '"2026-12-02T09:29:00.5"',
      "member:1:7": '"2026-12-02T09:30:00.001"',
      // Milliseconds, as this store wrote them before.
      "member:1:8": String(now),
    });
    assert.equal(await cache.sweepExpired(), 3);
    assert.equal(await redis.get("member:1:8"), null);
    assert.equal(await redis.get("member:1:5"), null);
    assert.equal(await redis.get("message:2:30"), null);
    assert.ok(await redis.get("member:1:7"));
    assert.deepEqual(await sorted(redis, "member_keys"), ["member:1:7"]);
    assert.deepEqual(await sorted(redis, "message_keys"), []);
    assert.deepEqual(await sorted(redis, "channel_keys:2"), []);
    assert.ok(!(await redis.sismember("guild_keys:1", "member:1:5")));
    assert.deepEqual(Object.keys(await redis.hgetall("expiry_keys")), [
      "member:1:7",
    ]);
    await clock.advance(1);
    assert.equal(await cache.sweepExpired(), 1);
    assert.equal(await redis.get("member:1:7"), null);
    assert.equal(await redis.hlen("expiry_keys"), 0);
  },
));

/** What the dispatch service keeps with `STATE_MEMBER=false`. */
const WITHOUT_MEMBERS = ["guilds", "channels", "roles"] as const;

const botMember = { ...member, user: bot, roles: [] };

Deno.test(redisStoreTest(
  "RedisCache without the members resource keeps the bot's own member, as twilight-dispatch does, kept current by GUILD_MEMBER_UPDATE",
  DATABASE,
  async (redis) => {
    const cache = new RedisCache(redis, { resources: [...WITHOUT_MEMBERS] });
    await cache.apply("READY", { v: 10, user: bot, guilds: [] });
    await cache.apply("GUILD_CREATE", {
      ...guildCreate,
      members: [member, botMember],
    });
    await cache.flush();
    // cache.rs: GUILD_CREATE keeps a member `if CONFIG.state_member ||
    // member.user.id == bot_id`, and so does GUILD_MEMBER_UPDATE.
    assert.deepEqual(await sorted(redis, "member_keys"), ["member:1:6"]);
    assert.deepEqual(
      (await sorted(redis, "guild_keys:1")).filter((key) =>
        key.startsWith("member:")
      ),
      ["member:1:6"],
    );
    assert.deepEqual(await json(redis, "member:1:6"), {
      ...botMember,
      guild_id: "1",
    });
    const { old } = await cache.apply("GUILD_MEMBER_UPDATE", {
      ...botMember,
      guild_id: "1",
      roles: ["3"],
      nick: "helper",
    });
    assert.deepEqual(old, { ...botMember, guild_id: "1" });
    await cache.apply("GUILD_MEMBER_UPDATE", {
      ...member,
      guild_id: "1",
      nick: "not kept",
    });
    await cache.flush();
    assert.deepEqual(await cache.member("1", "6"), {
      ...botMember,
      guild_id: "1",
      roles: ["3"],
      nick: "helper",
    });
    assert.equal(await redis.get("member:1:5"), null);
    assert.deepEqual(await sorted(redis, "member_keys"), ["member:1:6"]);
    await cache.apply("GUILD_DELETE", { id: "1" });
    await cache.flush();
    assert.deepEqual(await sorted(redis, "member_keys"), []);
    assert.equal(await redis.get("member:1:6"), null);
  },
));

Deno.test("MemoryCache without the members resource keeps the bot's own member, as the Redis store does", () => {
  const cache = new MemoryCache({ resources: [...WITHOUT_MEMBERS] });
  cache.apply("READY", { v: 10, user: bot, guilds: [] });
  cache.apply("GUILD_CREATE", { ...guildCreate, members: [member, botMember] });
  assert.equal(cache.member("1", "6")?.user.username, "bot");
  assert.equal(cache.member("1", "5"), undefined);
  cache.apply("GUILD_MEMBER_UPDATE", {
    ...botMember,
    guild_id: "1",
    nick: "helper",
  });
  assert.equal(cache.member("1", "6")?.nick, "helper");
  assert.equal(cache.sizes().member, 1);
  cache.apply("GUILD_DELETE", { id: "1" });
  assert.equal(cache.member("1", "6"), undefined);
});

Deno.test(redisStoreTest(
  "RedisCache.apply called again before the last one resolved sees what it wrote (the dispatch service does not await each event)",
  DATABASE,
  async (redis) => {
    const cache = new RedisCache(redis);
    const ready = cache.apply("READY", { v: 10, user: bot, guilds: [] });
    const created = cache.apply("GUILD_CREATE", {
      ...guildCreate,
      members: [botMember],
    });
    // Kept only in a channel held in its guild: the GUILD_CREATE's.
    const posted = cache.apply("MESSAGE_CREATE", message("30", "2", "1"));
    const edited = cache.apply("MESSAGE_UPDATE", {
      id: "30",
      channel_id: "2",
      guild_id: "1",
      content: "edited",
    });
    await Promise.all([ready, created, posted]);
    assert.equal((await edited).changes.length, 1);
    assert.equal(
      ((await edited).old as { content?: string } | undefined)?.content,
      "hi",
    );
    await cache.flush();
    assert.equal(
      (await json(redis, "message:2:30") as { content: string }).content,
      "edited",
    );
    assert.deepEqual(await sorted(redis, "member_keys"), ["member:1:6"]);
  },
));

Deno.test("RedisCache.flush while Redis is down, with nothing written, returns without a round trip and without marking the cache stale (no write was lost)", async () => {
  let pings = 0;
  const down = {
    status: "reconnecting",
    ping: () => (pings++, Promise.reject(new Error("Connection is closed."))),
  } as unknown as RedisConnection;
  const cache = new RedisCache(down);
  await cache.flush();
  assert.equal(pings, 0);
  assert.equal(cache.stale, false);
});

/** Members of guild 1 with role lists that put role 3 first, last, alone. */
const roleHolders = [
  { ...member, user: { ...ada, id: "11" }, roles: ["3"] },
  { ...member, user: { ...ada, id: "12" }, roles: ["3", "7", "8"] },
  { ...member, user: { ...ada, id: "13" }, roles: ["7", "3", "8"] },
  { ...member, user: { ...ada, id: "14" }, roles: ["7", "3"] },
  // Names the id elsewhere only: left as it was.
  { ...member, user: { ...ada, id: "15", username: "3" }, roles: ["7"] },
];

/** Guild 1 with roles 3, 7 and 8, and {@linkcode roleHolders} as members. */
const roleGuild = {
  ...guildCreate,
  roles: [{ id: "3", name: "mods" }, { id: "7" }, { id: "8" }],
  members: roleHolders,
};

Deno.test(redisStoreTest(
  "RedisCache: GUILD_ROLE_DELETE takes the role out of each member's stored JSON where it is (first, middle, last, alone), with the rest of the text, the TTL and other guilds' members left",
  DATABASE,
  async (redis) => {
    const cache = new RedisCache(redis);
    await cache.apply("GUILD_CREATE", roleGuild);
    await cache.apply("GUILD_CREATE", {
      ...guildCreate,
      id: "2",
      channels: [],
      members: [{ ...member, roles: ["3"] }],
    });
    // A member written by another program (twilight-dispatch's key order),
    // and a TTL someone set: both survive the edit.
    await redis.set(
      "member:1:16",
      '{"deaf":false,"roles":["8","3"],"user":{"id":"16"},"mute":false}',
    );
    await redis.sadd("guild_keys:1", "member:1:16");
    await redis.expire("member:1:11", 1000);
    const before = await redis.get("member:1:15");
    await cache.apply("GUILD_ROLE_DELETE", { guild_id: "1", role_id: "3" });
    await cache.flush();
    const roles = async (key: string): Promise<unknown> =>
      (await json(redis, key) as { roles: unknown }).roles;
    assert.deepEqual(await roles("member:1:11"), []);
    assert.deepEqual(await roles("member:1:12"), ["7", "8"]);
    assert.deepEqual(await roles("member:1:13"), ["7", "8"]);
    assert.deepEqual(await roles("member:1:14"), ["7"]);
    assert.equal(await redis.get("member:1:15"), before);
    assert.equal(
      await redis.get("member:1:16"),
      '{"deaf":false,"roles":["8"],"user":{"id":"16"},"mute":false}',
    );
    assert.ok((await redis.ttl("member:1:11")) > 0, "the TTL is kept");
    assert.deepEqual(await roles("member:2:5"), ["3"]);
    // The memory store ends the same.
    const memory = new MemoryCache();
    memory.apply("GUILD_CREATE", roleGuild);
    memory.apply("GUILD_ROLE_DELETE", { guild_id: "1", role_id: "3" });
    for (const id of ["11", "12", "13", "14", "15"]) {
      assert.deepEqual(
        await cache.get("member", "1", id),
        memory.member("1", id),
      );
    }
  },
));

Deno.test(redisStoreTest(
  "RedisCache: in one batch, a member read after GUILD_ROLE_DELETE has lost the role, and one set before it loses it too",
  DATABASE,
  async (redis) => {
    const cache = new RedisCache(redis);
    await cache.apply("GUILD_CREATE", {
      ...roleGuild,
      members: roleHolders.slice(0, 2),
    });
    const updates = await cache.applyBatch([
      {
        event: "GUILD_MEMBER_UPDATE",
        data: { guild_id: "1", user: { id: "11" }, roles: ["3", "7"] },
      },
      { event: "GUILD_ROLE_DELETE", data: { guild_id: "1", role_id: "3" } },
      {
        event: "GUILD_MEMBER_UPDATE",
        data: { guild_id: "1", user: { id: "12" }, nick: "n" },
      },
    ]);
    await cache.flush();
    const old = updates[2]!.old as { roles: string[] };
    assert.deepEqual(old.roles, ["7", "8"], "read after the delete");
    assert.deepEqual((await cache.get("member", "1", "11"))?.roles, ["7"]);
    const twelve = await cache.get("member", "1", "12");
    assert.deepEqual([twelve?.roles, twelve?.nick], [["7", "8"], "n"]);
  },
));

Deno.test(redisStoreTest(
  "RedisCache: GUILD_ROLE_DELETE strips a big guild's members a chunk a script (Redis answers others in between), and the next call reads them stripped",
  DATABASE,
  async (redis) => {
    const runs: ScriptRun[] = [];
    const cache = new RedisCache(countingScripts(redis, runs));
    const count = 2_500;
    await cache.apply("GUILD_CREATE", {
      ...roleGuild,
      members: Array.from({ length: count }, (_, i) => ({
        ...member,
        user: { ...ada, id: String(100 + i) },
        roles: i % 2 === 0 ? ["7", "3"] : ["7"],
      })),
    });
    runs.length = 0;
    await cache.apply("GUILD_ROLE_DELETE", { guild_id: "1", role_id: "3" });
    // Not awaited in between by the store's caller: it waits itself.
    const next = await cache.apply("GUILD_MEMBER_UPDATE", {
      guild_id: "1",
      user: { id: "100" },
      nick: "n",
    });
    assert.deepEqual((next.old as { roles: string[] }).roles, ["7"]);
    await cache.flush();
    const strips = runs.filter((run) => run.args.at(-1) === "3");
    assert.ok(strips.length >= 2, `${strips.length} scripts`);
    for (const run of strips) {
      const keys = Number(run.args[0]);
      assert.ok(keys <= 2 * ROLE_REMOVAL_CHUNK, `${keys} members in one`);
    }
    const keys = Array.from({ length: count }, (_, i) => `member:1:${100 + i}`);
    const texts = await redis.mget(keys);
    assert.ok(texts.every((text) => text !== null && !text.includes('"3"')));
    assert.equal(texts.filter((text) => text!.includes('"7"')).length, count);
  },
));

Deno.test(redisStoreTest(
  "RedisCache's trim script keeps what sorting by snowflake keeps: the newest by count, none older than the age bound (random channels, one and many over the bound)",
  DATABASE,
  async (redis) => {
    const random = mulberry32(11);
    const base = 1_200_000_000_000_000_000n;
    for (let round = 0; round < 60; round++) {
      await redis.flushdb();
      const count = 1 + Math.floor(random() * 30);
      const ids = new Set<string>();
      while (ids.size < count) {
        // Ids of two lengths, minutes apart, in no order.
        const id = random() < 0.2
          ? BigInt(Math.floor(random() * 1e15))
          : base + BigInt(Math.floor(random() * 2 ** 40)) * 4_194_304n;
        ids.add(String(id));
      }
      const keys = [...ids].map((id) => `message:2:${id}`);
      await redis.sadd("channel_keys:2", ...keys);
      const limit = Math.floor(random() * (count + 2));
      const maxAge = random() < 0.5
        ? -1
        : Math.floor(random() * 2 ** 40 / 1000) * 1000;
      await redis.eval(TRIM_MESSAGES, 1, "channel_keys:2", limit, maxAge);
      const sorted = [...ids].sort(compareSnowflakes);
      let drop = Math.max(0, sorted.length - limit);
      if (maxAge >= 0) {
        const cutoff = snowflakeTime(sorted.at(-1)!) - maxAge;
        while (drop < sorted.length && snowflakeTime(sorted[drop]!) < cutoff) {
          drop++;
        }
      }
      assert.deepEqual(
        (await redis.smembers("channel_keys:2")).map((k) => k.slice(10))
          .sort(compareSnowflakes),
        sorted.slice(drop),
        `round ${round}: ${count} messages, limit ${limit}, maxAge ${maxAge}`,
      );
    }
  },
));

Deno.test(redisStoreTest(
  "RedisCache's trim script keeps a message exactly at the age bound and drops one a millisecond older",
  DATABASE,
  async (redis) => {
    const at = (ms: number): string =>
      `message:2:${BigInt(ms - 1_420_070_400_000) << 22n}`;
    const newest = 1_700_000_000_000;
    const keys = [at(newest), at(newest - 60_000), at(newest - 60_001)];
    await redis.sadd("channel_keys:2", ...keys);
    await redis.eval(TRIM_MESSAGES, 1, "channel_keys:2", 100, 60_000);
    assert.deepEqual(
      (await redis.smembers("channel_keys:2")).sort(),
      keys.slice(0, 2).sort(),
    );
  },
));

/**
 * `redis`, whose MULTI/EXECs push to `trims` how many TRIM_MESSAGES each
 * holds.
 */
function countingTrims(
  redis: RedisConnection,
  trims: number[],
): RedisConnection {
  return new Proxy(redis, {
    get(target, property): unknown {
      if (property === "multi") {
        return (commands: unknown[][]) => {
          trims.push(commands.filter((c) => c[1] === TRIM_MESSAGES).length);
          return target.multi(commands);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

Deno.test(redisStoreTest(
  "RedisCache trims a channel once per write chunk of its messages, not once per message, and keeps what trimming each keeps (a deletion in between included)",
  DATABASE,
  async (redis) => {
    const trims: number[] = [];
    const bounds = { perChannel: 20, maxAge: 4_000 };
    const cache = new RedisCache(countingTrims(redis, trims), {
      messages: bounds,
    });
    const memory = new MemoryCache({ messages: bounds });
    const dispatches: { event: string; data: unknown }[] = [];
    // 300 messages 100 ms apart in guild channel 2 (kept: the newest 20)
    // and DM channel 9 (kept: those of the last 4 s), then 7 more in channel 2 and
    // the deletion of one (a trim after it would keep one more).
    const id = (i: number): string => String(BigInt(i * 100) << 22n);
    for (let i = 1; i <= 300; i++) {
      dispatches.push({
        event: "MESSAGE_CREATE",
        data: i % 3 === 0 ? message(id(i), "9") : message(id(i), "2", "1"),
      });
    }
    for (let i = 301; i <= 307; i++) {
      dispatches.push({
        event: "MESSAGE_CREATE",
        data: message(id(i), "2", "1"),
      });
    }
    dispatches.push({
      event: "MESSAGE_DELETE",
      data: { id: id(305), channel_id: "2", guild_id: "1" },
    });
    await cache.apply("GUILD_CREATE", guildCreate);
    memory.apply("GUILD_CREATE", guildCreate);
    trims.length = 0;
    await cache.applyBatch(dispatches);
    await cache.flush();
    for (const { event, data } of dispatches) memory.apply(event, data);
    // One chunk: channel 2's trim before the deletion, channel 9's at the
    // chunk's end.
    assert.deepEqual(trims, [2]);
    for (const channel of ["2", "9"]) {
      const ids = (list: { id: string }[]) => list.map((m) => m.id);
      assert.deepEqual(
        ids(await cache.channelMessages(channel)),
        ids(memory.channelMessages(channel)),
        `channel ${channel}`,
      );
    }
    assert.equal((await cache.channelMessages("2")).length, 19);
  },
));

Deno.test(redisStoreTest(
  "RedisCache reads a guild's emojis from its kind set once that is whole, and from guild_keys:G before (data written without it), until the next GUILD_CREATE",
  DATABASE,
  async (redis) => {
    const cache = new RedisCache(redis);
    await cache.apply("GUILD_CREATE", guildCreate);
    // An emoji only guild_keys:1 names: read only while the set is not whole.
    await redis.set("emoji:1:99", '{"id":"99","name":"stray"}');
    await redis.sadd("guild_keys:1", "emoji:1:99");
    const update = { guild_id: "1", emojis: [{ id: "4", name: "wave" }] };
    const ids = (old: unknown): string[] =>
      (old as { id: string }[]).map((emoji) => emoji.id);
    assert.deepEqual(
      ids((await cache.apply("GUILD_EMOJIS_UPDATE", update)).old),
      ["4"],
      "whole: the kind set alone",
    );
    // As a store without kind sets left it: every emoji of guild_keys:1.
    await redis.del("guild_kind_keys:1:emoji");
    assert.deepEqual(
      ids((await cache.apply("GUILD_EMOJIS_UPDATE", update)).old),
      ["4", "99"],
      "not whole: guild_keys:1",
    );
    await cache.flush();
    assert.equal(await redis.exists("emoji:1:99"), 0, "the stray one went");
    // The next GUILD_CREATE rebuilds the guild, and its kind sets whole.
    await cache.apply("GUILD_CREATE", guildCreate);
    await cache.flush();
    assert.deepEqual(await sorted(redis, "guild_kind_keys:1:emoji"), [
      "",
      "emoji:1:4",
    ]);
    // A removed guild leaves none of them.
    await cache.apply("GUILD_DELETE", { id: "1" });
    await cache.flush();
    assert.deepEqual(await redis.keys("guild_kind_keys:*"), []);
  },
));

Deno.test(redisStoreTest(
  'RedisCache: GUILD_ROLE_DELETE edits the member\'s own role list only: not a "roles" list nested in a field kept as sent, nor one cut short by a "]" in a role',
  DATABASE,
  async (redis) => {
    const cache = new RedisCache(redis);
    const memory = new MemoryCache();
    const add = (extra: object) => ({
      guild_id: "1",
      joined_at: null,
      deaf: false,
      mute: false,
      ...extra,
    });
    const events: [string, unknown][] = [
      ["GUILD_CREATE", { ...roleGuild, members: [] }],
      // Written before its own roles: a banner holding a "roles" list.
      [
        "GUILD_MEMBER_ADD",
        add({
          user: { ...ada, id: "20" },
          nick: "[mods] ada",
          banner: { roles: ["3"] },
          roles: ["3"],
        }),
      ],
      // A role item holding "]" and ",".
      [
        "GUILD_MEMBER_ADD",
        add({
          user: { ...ada, id: "21" },
          roles: ["7],8", "3"],
        }),
      ],
      // No roles of its own; its user's collectibles has a "roles" list.
      [
        "GUILD_MEMBER_ADD",
        add({
          user: { ...ada, id: "22", collectibles: { roles: ["3", "7"] } },
        }),
      ],
      ["GUILD_ROLE_DELETE", { guild_id: "1", role_id: "3" }],
    ];
    for (const [event, data] of events) {
      await cache.apply(event, structuredClone(data));
      memory.apply(event, structuredClone(data));
    }
    await cache.flush();
    for (const id of ["20", "21", "22"]) {
      assert.deepStrictEqual(
        await cache.get("member", "1", id),
        memory.member("1", id),
        id,
      );
    }
    // Written with its roles first, as twilight-dispatch's readers take any
    // field order.
    assert.ok((await redis.get("member:1:20"))!.startsWith('{"roles":[]'));
  },
));

Deno.test(redisStoreTest(
  "RedisCache: a held big guild's GUILD_CREATE and sweepExpired run a chunk of keys a script, and end as one script did",
  DATABASE,
  async (redis) => {
    const runs: ScriptRun[] = [];
    const clock = new VirtualScheduler();
    const cache = new RedisCache(countingScripts(redis, runs), {
      ttl: { members: 60 },
      scheduler: clock,
    });
    const count = 2_500;
    const big = {
      ...roleGuild,
      members: Array.from({ length: count }, (_, i) => ({
        ...member,
        user: { ...ada, id: String(100 + i) },
      })),
    };
    await cache.apply("GUILD_CREATE", big);
    await cache.apply("MESSAGE_CREATE", message("30", "2", "1"));
    await cache.flush();
    const others = async (): Promise<string[]> =>
      (await sorted(redis, "guild_keys:1")).filter((key) =>
        !key.startsWith("member:")
      );
    const rest = await others();
    // Not yet due: each chunk of expiry_keys is read by a script of its own.
    runs.length = 0;
    assert.equal(await cache.sweepExpired(), 0);
    assert.ok(runs.length >= 2, `${runs.length} sweep scripts`);
    for (const run of runs) {
      const keys = Number(run.args[0]);
      assert.ok(0 < keys && keys <= 2 * ROLE_REMOVAL_CHUNK, `${keys} keys`);
    }
    // Seen again, with one member fewer: removed a chunk a script, rebuilt.
    runs.length = 0;
    await cache.apply("GUILD_CREATE", {
      ...big,
      members: big.members.slice(1),
    });
    await cache.flush();
    assert.ok(runs.length >= 3, `${runs.length} removal scripts`);
    for (const run of runs) {
      const keys = Number(run.args[0]);
      assert.ok(keys <= 2 * ROLE_REMOVAL_CHUNK, `${keys} keys in one`);
    }
    const memberKeys = big.members.slice(1).map((m) => `member:1:${m.user.id}`);
    assert.deepEqual(
      (await sorted(redis, "member_keys")).filter((key) =>
        key.startsWith("member:1:")
      ),
      memberKeys.sort(),
    );
    assert.equal(await redis.exists("member:1:100", "message:2:30"), 0);
    assert.deepEqual(await sorted(redis, "channel_keys:2"), []);
    assert.deepEqual(await others(), rest);
    assert.equal(await redis.scard("guild_keys:1"), count - 1 + rest.length);
    assert.equal(await redis.hlen("expiry_keys"), count - 1);
    // Due: the sweep removes them all, and their set entries.
    await clock.advance(61_000);
    runs.length = 0;
    assert.equal(await cache.sweepExpired(), count - 1);
    assert.ok(runs.length >= 2, `${runs.length} sweep scripts`);
    assert.equal(await redis.hlen("expiry_keys"), 0);
    assert.deepEqual(await sorted(redis, "guild_keys:1"), rest);
  },
));
