// READY after a fresh session lists every guild of its shard: a cached guild
// of that shard missing from the list was left while no session was up, and
// the cache drops it with everything it holds. Guilds of other shards sharing
// the cache stay.
import assert from "node:assert/strict";
import {
  CACHE_RESOURCES,
  cacheReads,
  MemoryCache,
  reduceDispatch,
} from "../../cache/mod.ts";

const BOT = {
  id: "9",
  username: "bot",
  discriminator: "0",
  global_name: null,
  avatar: null,
};

/** A guild id on shard `shard` of `count`: Discord's (id >> 22) % count. */
function guildOn(shard: number, count: number, n: number): string {
  return String(BigInt(shard + count * n) << 22n);
}

function ready(guilds: string[], shard?: [number, number]): object {
  return {
    v: 10,
    user: BOT,
    guilds: guilds.map((id) => ({ id, unavailable: true })),
    session_id: "s",
    resume_gateway_url: "wss://gateway.discord.gg",
    application: { id: "9", flags: 0 },
    ...(shard === undefined ? {} : { shard }),
  };
}

/** A full cache holding `ids`, each with a channel, message, role, member. */
function cacheWith(ids: string[]): MemoryCache {
  const cache = new MemoryCache({ resources: [...CACHE_RESOURCES] });
  for (const id of ids) {
    cache.apply("GUILD_CREATE", {
      id,
      name: `g${id}`,
      channels: [{ id: `${id}0`, type: 0, name: "general" }],
      roles: [{ id: `${id}1`, name: "r" }],
      members: [{
        user: { ...BOT, id: `${id}2`, username: `u${id}` },
        roles: [`${id}1`],
        joined_at: null,
        deaf: false,
        mute: false,
        flags: 0,
      }],
      threads: [],
      emojis: [],
    });
    cache.apply("MESSAGE_CREATE", {
      id: `${id}3`,
      channel_id: `${id}0`,
      guild_id: id,
      content: "hi",
      author: { ...BOT, id: `${id}2`, username: `u${id}` },
      timestamp: "2024-01-01T00:00:00.000000+00:00",
      edited_timestamp: null,
    });
  }
  return cache;
}

function holds(cache: MemoryCache, id: string): boolean[] {
  return [
    cache.guild(id) !== undefined,
    cache.channel(`${id}0`) !== undefined,
    cache.role(id, `${id}1`) !== undefined,
    cache.member(id, `${id}2`) !== undefined,
    cache.message(`${id}0`, `${id}3`) !== undefined,
  ];
}

const ALL = [true, true, true, true, true];
const NONE = [false, false, false, false, false];

Deno.test("READY without shard: a cached guild missing from its list is removed with everything it holds", () => {
  const [kept, left] = ["100", "200"];
  const cache = cacheWith([kept, left]);
  const { changes, old } = cache.apply("READY", ready([kept, "300"]));
  assert.deepEqual(changes[0], { op: "remove_guild", id: left });
  assert.equal(old, undefined);
  assert.deepEqual(holds(cache, kept), ALL, "a listed guild keeps its state");
  assert.deepEqual(holds(cache, left), NONE);
  assert.deepEqual(cache.guild("300"), { id: "300", unavailable: true });
  assert.equal(cache.user(`${left}2`), undefined, "its users are released");
  assert.equal(cache.sizes().guild, 2);
  assert.equal(cache.botUser()?.id, "9");
});

Deno.test("READY of one shard drops only that shard's missing guilds; other shards' guilds stay in a shared cache", () => {
  const a0 = guildOn(0, 2, 1);
  const b0 = guildOn(0, 2, 2);
  const a1 = guildOn(1, 2, 1);
  const b1 = guildOn(1, 2, 2);
  const cache = cacheWith([a0, b0, a1, b1]);
  // Shard 1 reconnects and lists only a1: b1 was left; shard 0's stay.
  cache.apply("READY", ready([a1], [1, 2]));
  assert.deepEqual(holds(cache, a1), ALL);
  assert.deepEqual(holds(cache, b1), NONE);
  assert.deepEqual(holds(cache, a0), ALL);
  assert.deepEqual(holds(cache, b0), ALL);
  // Shard 0 lists nothing: both of its guilds go, shard 1's stays.
  cache.apply("READY", ready([], [0, 2]));
  assert.deepEqual(holds(cache, a0), NONE);
  assert.deepEqual(holds(cache, b0), NONE);
  assert.deepEqual(holds(cache, a1), ALL);
  assert.deepEqual(
    [...cache.guilds()].map((g) => g.id),
    [a1],
  );
});

Deno.test("READY with a malformed shard or guild list drops nothing; RESUMED never does", () => {
  const cache = cacheWith(["100", "200"]);
  for (
    const data of [
      { ...ready([]), shard: [2, 2] },
      { ...ready([]), shard: [0, 0] },
      { ...ready([]), shard: ["0", 1] },
      { ...ready([]), shard: 0 },
      { ...ready([]), guilds: null },
    ]
  ) {
    const { changes } = cache.apply("READY", data);
    assert.ok(
      changes.every((c) => c.op !== "remove_guild"),
      JSON.stringify(data),
    );
  }
  cache.apply("RESUMED", {});
  assert.deepEqual(holds(cache, "100"), ALL);
  assert.deepEqual(holds(cache, "200"), ALL);
  // [0, 1] is the single-shard case: every guild is this shard's.
  cache.apply("READY", ready(["100"], [0, 1]));
  assert.deepEqual(holds(cache, "200"), NONE);
});

Deno.test("READY's reads depend on its payload only: the guild ids, each listed guild, and the bot user", () => {
  const config = { resources: new Set(CACHE_RESOURCES) };
  const reads = cacheReads("READY", ready(["1"], [0, 2]), config);
  assert.deepEqual(reads, [
    { type: "get", kind: "bot_user", scope: "", id: "@me" },
    // The ids only: a store holding 80,000 guilds sent every one's JSON.
    { type: "ids", kind: "guild", scope: "" },
    // Marked unavailable until its GUILD_CREATE, keeping what is known.
    { type: "get", kind: "guild", scope: "", id: "1" },
  ]);
  // Without guilds kept nothing is known of them, and nothing is removed.
  const lookup = {
    get: () => ({ id: "5" }),
    ids: () => ["5"],
  };
  const { changes } = reduceDispatch(lookup, "READY", ready([]), {
    resources: new Set(["members"]),
  });
  assert.ok(changes.every((c) => c.op !== "remove_guild"));
});

Deno.test("READY through a lookup without a shard index (every guild held read) drops only its own shard's missing guilds", () => {
  const mine = guildOn(1, 2, 1);
  const other = guildOn(0, 2, 1);
  const lookup = {
    get: (kind: string, _scope: string, id: string) =>
      kind === "guild" ? { id, name: "g" } : undefined,
    ids: (kind: string) => kind === "guild" ? [mine, other] : [],
  };
  const { changes } = reduceDispatch(lookup, "READY", ready([], [1, 2]), {
    resources: new Set(CACHE_RESOURCES),
  });
  assert.deepEqual(
    changes.filter((c) => c.op === "remove_guild"),
    [{ op: "remove_guild", id: mine }],
  );
});
