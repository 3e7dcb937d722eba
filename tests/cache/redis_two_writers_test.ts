// Two processes writing one guild (a reshard's overlap, a rolling deploy
// resuming the same session): B's writes reach Redis late, held by a proxy
// until A removed or changed what B had read. Nothing B writes may stay
// for good without its guild or channel (an orphan), bring back a guild or
// channel A removed (a ghost), or undo A's CHANNEL_UPDATE / GUILD_UPDATE
// with a copy B read before it. Each test has a redis-server of its own: a
// numbered database of the shared one was emptied (FLUSHDB) under it by
// another test file on the same number, and emptied that file's data too.
import assert from "node:assert/strict";
import { CACHE_RESOURCES, RedisCache } from "../../cache/mod.ts";
import {
  closeRedis,
  connectRedis,
  type RedisConnection,
} from "../../redis/mod.ts";
import { type GatedProxy, gatedProxy } from "./_gated_proxy.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";

const bot = { id: "9", username: "bot", discriminator: "0", avatar: null };
const ready = (guilds: string[]) => ({
  v: 10,
  user: bot,
  guilds: guilds.map((id) => ({ id, unavailable: true })),
  session_id: "s",
  shard: [0, 1],
});
const user = (id: string) => ({
  id,
  username: `u${id}`,
  discriminator: "0",
  avatar: null,
});
const member = (id: string, guildId?: string, nick: string | null = null) => ({
  user: user(id),
  nick,
  roles: [],
  joined_at: "2024-01-01T00:00:00.000000+00:00",
  deaf: false,
  mute: false,
  flags: 0,
  ...(guildId === undefined ? {} : { guild_id: guildId }),
});
const channel = (id: string, guildId: string, overwrites: unknown[] = []) => ({
  id,
  type: 0,
  guild_id: guildId,
  name: `c${id}`,
  position: 0,
  permission_overwrites: overwrites,
});
const guild = (id: string, members: string[], channels: string[]) => ({
  id,
  name: `g${id}`,
  owner_id: "1",
  roles: [{ id, name: "@everyone", permissions: "0", position: 0 }],
  emojis: [],
  member_count: members.length,
  channels: channels.map((c) => channel(c, id)),
  threads: [],
  members: members.map((u) => member(u)),
  presences: [],
  voice_states: [],
});
const message = (channelId: string, id: string, guildId: string) => ({
  id,
  channel_id: channelId,
  guild_id: guildId,
  author: user("5"),
  content: "hi",
  timestamp: "2024-01-01T00:00:00.000000+00:00",
  edited_timestamp: null,
  mentions: [],
  attachments: [],
  embeds: [],
});

/** Every key of the database. */
async function allKeys(redis: RedisConnection): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, some] = await redis.scan(cursor, "COUNT", 1000);
    cursor = next;
    keys.push(...some);
  } while (cursor !== "0");
  return keys;
}

/**
 * What is wrong in the layout: a value whose guild or channel is gone (an
 * orphan), an index set naming a key that is gone or whose owner is gone.
 */
async function audit(redis: RedisConnection): Promise<string[]> {
  const problems: string[] = [];
  const keys = await allKeys(redis);
  for (const key of keys) {
    const match = /^([a-z_]+):(\d+)(?::\d+)?$/.exec(key);
    if (match === null || key.includes("_keys")) continue;
    const [, kind, scope] = match;
    if (kind === "message") {
      if (!await redis.exists(`channel:${scope}`)) {
        problems.push(`${key}: channel:${scope} is gone`);
      }
    } else if (kind === "channel") {
      const value = JSON.parse((await redis.get(key))!);
      if (value.guild_id && !await redis.exists(`guild:${value.guild_id}`)) {
        problems.push(`${key}: guild:${value.guild_id} is gone`);
      }
    } else if (kind !== "guild" && !await redis.exists(`guild:${scope}`)) {
      problems.push(`${key}: guild:${scope} is gone`);
    }
  }
  for (const set of keys.filter((key) => /_keys(:|$)/.test(key))) {
    const members = await redis.type(set) === "hash"
      ? await redis.hkeys(set)
      : await redis.smembers(set);
    for (const key of members) {
      if (key !== "" && !await redis.exists(key)) {
        problems.push(`${set} lists ${key}, which is gone`);
      }
    }
    const owner = /^guild_(?:kind_)?keys:(\d+)/.exec(set)?.[1];
    if (owner !== undefined && !await redis.exists(`guild:${owner}`)) {
      problems.push(`${set}: guild:${owner} is gone`);
    }
    const ownerChannel = /^channel_keys:(\d+)$/.exec(set)?.[1];
    if (
      ownerChannel !== undefined &&
      !await redis.exists(`channel:${ownerChannel}`)
    ) {
      problems.push(`${set}: channel:${ownerChannel} is gone`);
    }
  }
  return problems;
}

/**
 * Run `fn` with store A on a redis-server of its own and store B on the
 * same server behind a proxy that can hold B's writes; both hold guilds 100
 * (members 11, 12; channel 1000) and 200 (member 21; channels 2000, 2001,
 * a message in 2000). The server is stopped after (its data lost).
 */
function twoWriters(
  name: string,
  fn: (
    a: RedisCache,
    b: RedisCache,
    proxy: GatedProxy,
    redis: RedisConnection,
  ) => Promise<void>,
): Deno.TestDefinition {
  return {
    name,
    ignore: privateRedisIgnored,
    fn: () =>
      withPrivateRedis(async (redisServer, ra) => {
        const proxy = gatedProxy(redisServer.url);
        const rb = await connectRedis({ url: proxy.url });
        try {
          // Every resource: each kind's writes are checked.
          const resources = [...CACHE_RESOURCES];
          const a = new RedisCache(ra, { resources });
          const b = new RedisCache(rb, { resources });
          await a.apply("READY", ready(["100", "200"]));
          await a.apply("GUILD_CREATE", guild("100", ["11", "12"], ["1000"]));
          await a.apply(
            "GUILD_CREATE",
            guild("200", ["21"], ["2000", "2001"]),
          );
          await a.apply("MESSAGE_CREATE", message("2000", "3000", "200"));
          await a.flush();
          // B's first batch reads the database's epoch marker too.
          await b.apply("GUILD_UPDATE", { id: "200", name: "g200" });
          await b.flush();
          assert.deepEqual(await audit(ra), []);
          await fn(a, b, proxy, ra);
          assert.equal(a.stale, false);
          assert.equal(b.stale, false);
        } finally {
          await closeRedis(rb);
          await proxy.close();
        }
      }),
  };
}

/** B applies `event`; its (`nth`) write lands after A's `then`. */
async function late(
  b: RedisCache,
  proxy: GatedProxy,
  event: string,
  data: unknown,
  then: () => Promise<void>,
  nth = 1,
): Promise<void> {
  const held = proxy.holdTransaction(nth);
  const applied = b.apply(event, data);
  await held;
  await then();
  proxy.release();
  await applied;
  await b.flush();
}

Deno.test(twoWriters(
  "RedisCache, two writers: a member update landing after another process's GUILD_DELETE leaves no orphan",
  async (a, b, proxy, redis) => {
    await late(
      b,
      proxy,
      "GUILD_MEMBER_UPDATE",
      member("11", "100", "nick"),
      async () => {
        await a.apply("GUILD_DELETE", { id: "100" });
        await a.flush();
      },
    );
    assert.deepEqual(await audit(redis), []);
    assert.equal(await a.member("100", "11"), undefined);
  },
));

Deno.test(twoWriters(
  "RedisCache, two writers: a message update landing after another process's CHANNEL_DELETE leaves no orphan",
  async (a, b, proxy, redis) => {
    const edit = { ...message("2000", "3000", "200"), content: "edited" };
    await late(b, proxy, "MESSAGE_UPDATE", edit, async () => {
      await a.apply("CHANNEL_DELETE", channel("2000", "200"));
      await a.flush();
    });
    assert.deepEqual(await audit(redis), []);
    assert.deepEqual(await a.channelMessages("2000"), []);
  },
));

Deno.test(twoWriters(
  "RedisCache, two writers: a big GUILD_MEMBERS_CHUNK whose later transactions land after GUILD_DELETE leaves no orphan",
  async (a, b, proxy, redis) => {
    const members = Array.from(
      { length: 5000 },
      (_, i) => member(String(100_000 + i)),
    );
    const chunk = { guild_id: "100", members, chunk_index: 0, chunk_count: 1 };
    // Its first transaction goes through, the second waits for A's delete.
    await late(b, proxy, "GUILD_MEMBERS_CHUNK", chunk, async () => {
      await a.apply("GUILD_DELETE", { id: "100" });
      await a.flush();
    }, 2);
    assert.deepEqual((await audit(redis)).slice(0, 5), []);
    assert.equal(await redis.exists("guild_keys:100"), 0);
  },
));

Deno.test(twoWriters(
  "RedisCache, two writers: GUILD_MEMBER_ADD and MESSAGE_CREATE landing after the guild's and the channel's removal bring neither back",
  async (a, b, proxy, redis) => {
    await late(b, proxy, "GUILD_MEMBER_ADD", member("19", "100"), async () => {
      await a.apply("GUILD_DELETE", { id: "100" });
      await a.flush();
    });
    await late(
      b,
      proxy,
      "MESSAGE_CREATE",
      message("2000", "3001", "200"),
      async () => {
        await a.apply("CHANNEL_DELETE", channel("2000", "200"));
        await a.flush();
      },
    );
    assert.deepEqual(await audit(redis), []);
    assert.equal(await a.guild("100"), undefined);
    assert.equal(await a.channel("2000"), undefined);
  },
));

Deno.test(twoWriters(
  "RedisCache, two writers: A's CHANNEL_UPDATE and GUILD_UPDATE survive B's MESSAGE_CREATE and GUILD_MEMBER_ADD read before them",
  async (a, b, proxy, redis) => {
    const deny = [{ id: "200", type: 0, allow: "0", deny: "1024" }];
    await late(
      b,
      proxy,
      "MESSAGE_CREATE",
      message("2001", "3002", "200"),
      async () => {
        await a.apply("CHANNEL_UPDATE", {
          ...channel("2001", "200", deny),
          name: "locked",
        });
        await a.flush();
      },
    );
    const locked = await a.channel("2001");
    assert.equal(locked?.name, "locked");
    assert.deepEqual(locked?.permission_overwrites, deny);
    // The message itself is kept: only the channel's derived field is stale.
    assert.equal((await a.message("2001", "3002"))?.content, "hi");
    await late(b, proxy, "GUILD_MEMBER_ADD", member("22", "200"), async () => {
      await a.apply("GUILD_UPDATE", { id: "200", name: "Renamed" });
      await a.flush();
    });
    const renamed = await a.guild("200") as { name?: string } | undefined;
    assert.equal(renamed?.name, "Renamed");
    assert.notEqual(await a.member("200", "22"), undefined);
    assert.deepEqual(await audit(redis), []);
    // With no other writer, the derived fields are kept as before.
    await b.apply("MESSAGE_CREATE", message("2001", "3003", "200"));
    await b.apply("GUILD_MEMBER_ADD", member("23", "200"));
    await b.flush();
    assert.equal((await a.channel("2001"))?.last_message_id, "3003");
    assert.deepEqual((await a.channel("2001"))?.permission_overwrites, deny);
    assert.equal(
      (await a.guild("200") as { member_count?: number })?.member_count,
      2,
    );
  },
));

Deno.test(twoWriters(
  "RedisCache, two writers: a batch of every guild-scoped kind landing after GUILD_DELETE, and a pin landing after CHANNEL_DELETE, leave nothing behind",
  async (a, b, proxy, redis) => {
    const held = proxy.holdTransaction();
    const applied = b.applyBatch([
      {
        event: "PRESENCE_UPDATE",
        data: { guild_id: "100", user: { id: "11" }, status: "online" },
      },
      {
        event: "VOICE_STATE_UPDATE",
        data: { guild_id: "100", user_id: "11", channel_id: "1000" },
      },
      {
        event: "GUILD_ROLE_CREATE",
        data: { guild_id: "100", role: { id: "7", name: "r" } },
      },
      { event: "CHANNEL_CREATE", data: channel("1001", "100") },
      {
        event: "GUILD_EMOJIS_UPDATE",
        data: { guild_id: "100", emojis: [{ id: "8", name: "e" }] },
      },
      { event: "MESSAGE_CREATE", data: message("1000", "3004", "100") },
    ]);
    await held;
    await a.apply("GUILD_DELETE", { id: "100" });
    await a.flush();
    proxy.release();
    await applied;
    await b.flush();
    await late(b, proxy, "CHANNEL_PINS_UPDATE", {
      guild_id: "200",
      channel_id: "2000",
      last_pin_timestamp: "2024-01-01T00:00:00.000000+00:00",
    }, async () => {
      await a.apply("CHANNEL_DELETE", channel("2000", "200"));
      await a.flush();
    });
    assert.deepEqual(await audit(redis), []);
    assert.equal(await a.channel("2000"), undefined);
    assert.equal(await redis.exists("presence:100:11", "voice:100:11"), 0);
  },
));

Deno.test(twoWriters(
  "RedisCache, two writers: a lone role or emoji write landing after another process's GUILD_DELETE leaves no orphan",
  async (a, b, proxy, redis) => {
    // Each is its batch's last write: the removal of what a guild's
    // deletion left behind is sent with it, not after a later write.
    await late(b, proxy, "GUILD_ROLE_CREATE", {
      guild_id: "100",
      role: { id: "7", name: "r", permissions: "0", position: 1 },
    }, async () => {
      await a.apply("GUILD_DELETE", { id: "100" });
      await a.flush();
    });
    await late(b, proxy, "GUILD_EMOJIS_UPDATE", {
      guild_id: "200",
      emojis: [{ id: "8", name: "e" }],
    }, async () => {
      await a.apply("GUILD_DELETE", { id: "200" });
      await a.flush();
    });
    assert.deepEqual(await audit(redis), []);
    assert.equal(await redis.exists("role:100:7", "emoji:200:8"), 0);
  },
));

Deno.test(twoWriters(
  "RedisCache, two writers: A's CHANNEL_UPDATE of a forum survives B's THREAD_CREATE in it read before it",
  async (a, b, proxy) => {
    const forum = (overwrites: unknown[] = []) => ({
      ...channel("2002", "200", overwrites),
      type: 15,
    });
    await a.apply("CHANNEL_CREATE", forum());
    await a.flush();
    const deny = [{ id: "200", type: 0, allow: "0", deny: "2048" }];
    // The thread's write of its forum (a derived field) is not the forum's
    // own: it must not undo A's update with the copy B read before it.
    await late(b, proxy, "THREAD_CREATE", {
      id: "5000",
      type: 11,
      guild_id: "200",
      parent_id: "2002",
      name: "post",
      thread_metadata: {
        archived: false,
        locked: false,
        auto_archive_duration: 60,
        archive_timestamp: "2024-01-01T00:00:00.000000+00:00",
      },
    }, async () => {
      await a.apply("CHANNEL_UPDATE", { ...forum(deny), name: "locked" });
      await a.flush();
    });
    const locked = await a.channel("2002");
    assert.equal(locked?.name, "locked");
    assert.deepEqual(locked?.permission_overwrites, deny);
  },
));

Deno.test(twoWriters(
  "RedisCache, two writers: B's THREAD_LIST_SYNC writes its threads as their own, whole, also over A's THREAD_UPDATE of one that landed after B read it",
  async (a, b, proxy) => {
    const thread = (name: string) => ({
      id: "5001",
      type: 11,
      guild_id: "200",
      parent_id: "2000",
      name,
      thread_metadata: {
        archived: false,
        locked: false,
        auto_archive_duration: 60,
        archive_timestamp: "2024-01-01T00:00:00.000000+00:00",
      },
    });
    await a.apply("THREAD_CREATE", thread("created"));
    await a.flush();
    // The sync carries each thread whole, as Discord sends it: its write
    // is the thread's own (unconditional), not one derived from B's read.
    await late(b, proxy, "THREAD_LIST_SYNC", {
      guild_id: "200",
      channel_ids: ["2000"],
      threads: [thread("synced")],
      members: [],
    }, async () => {
      await a.apply("THREAD_UPDATE", thread("renamed"));
      await a.flush();
    });
    assert.equal((await a.channel("5001"))?.name, "synced");
  },
));
