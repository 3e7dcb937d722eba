// A batch of dispatches in the Redis store sees the state its earlier
// dispatches left, as one by one would: a message evicted by a later create
// (the per-channel bound, or the age bound) is gone for the rest of the batch,
// a removed guild takes the messages of the channels it holds then, no
// others, and a deleted role leaves members given it again since; also with
// many guilds created and removed in one batch.
import assert from "node:assert/strict";
import { type CacheKind, MemoryCache, RedisCache } from "../../cache/mod.ts";
import { mulberry32 } from "../_fakes/prng.ts";
import { redisStoreTest } from "./_redis_database.ts";
import {
  BEFORE as DM_BEFORE,
  GUILD as DM_GUILD,
  message,
  ready,
} from "./_dm_session_fixtures.ts";

const GUILD = {
  id: "1",
  name: "g",
  channels: [{ id: "2", type: 0, name: "c" }],
  roles: [],
};
/** A snowflake made `ms` after the Discord epoch. */
const at = (ms: number): string => String(BigInt(ms) << 22n);
const create = (id: string, channelId = "2"): [string, unknown] => [
  "MESSAGE_CREATE",
  {
    id,
    channel_id: channelId,
    guild_id: "1",
    content: `m${id}`,
    author: { id: "7", username: "u", discriminator: "0" },
  },
];
const reads = (id: string): [string, unknown][] => [
  ["MESSAGE_UPDATE", { id, channel_id: "2", guild_id: "1", content: "e" }],
  ["MESSAGE_REACTION_ADD", {
    user_id: "7",
    channel_id: "2",
    message_id: id,
    guild_id: "1",
    emoji: { id: null, name: "a" },
  }],
  ["MESSAGE_DELETE", { id, channel_id: "2", guild_id: "1" }],
];

async function compareBatch(
  redis: Parameters<Parameters<typeof redisStoreTest>[2]>[0],
  options: ConstructorParameters<typeof MemoryCache>[0],
  before: [string, unknown][],
  batch: [string, unknown][],
): Promise<void> {
  await redis.flushdb();
  const store = new RedisCache(redis, options);
  const memory = new MemoryCache(options);
  for (const [event, data] of before) {
    await store.apply(event, structuredClone(data));
    memory.apply(event, structuredClone(data));
  }
  const updates = await store.applyBatch(
    batch.map(([event, data]) => ({ event, data: structuredClone(data) })),
  );
  batch.forEach(([event, data], i) => {
    assert.deepStrictEqual(
      updates[i]!.old,
      memory.apply(event, structuredClone(data)).old,
      `${i} ${event}`,
    );
  });
  await store.flush();
  assert.deepStrictEqual(
    await store.channelMessages("2"),
    memory.channelMessages("2"),
  );
}

Deno.test(redisStoreTest(
  "Redis applyBatch: a message evicted by a create earlier in the batch is not found by later dispatches, and one deleted earlier no longer counts (per-channel bound)",
  6,
  async (redis) => {
    const options = { messages: { perChannel: 2 } };
    // Evicted by the batch's own creates.
    await compareBatch(redis, options, [["GUILD_CREATE", GUILD]], [
      create("10"),
      create("11"),
      create("12"),
      ...reads("10"),
    ]);
    // Evicted by an edit of a message not held, which adds it.
    await compareBatch(redis, options, [
      ["GUILD_CREATE", GUILD],
      create("10"),
      create("11"),
    ], [
      ["MESSAGE_UPDATE", {
        ...create("12")[1] as object,
        timestamp: "2024-01-01T00:00:00.000000+00:00",
      }],
      ...reads("10"),
    ]);
    // Already in Redis, evicted by one create in the batch.
    await compareBatch(redis, options, [
      ["GUILD_CREATE", GUILD],
      create("10"),
      create("11"),
    ], [create("12"), ...reads("10")]);
    // A message deleted earlier in the batch no longer counts: a create
    // after it evicts none.
    await compareBatch(redis, options, [
      ["GUILD_CREATE", GUILD],
      create("10"),
      create("11"),
    ], [reads("11")[2]!, create("12"), ...reads("10")]);
  },
));

Deno.test(redisStoreTest(
  "Redis applyBatch: a message evicted by the age bound earlier in the batch is not found by later dispatches, while one exactly the bound older than the newest is still found",
  6,
  async (redis) => {
    const options = { messages: { maxAge: 60_000 } };
    const old = at(1_000_000);
    await compareBatch(redis, options, [["GUILD_CREATE", GUILD]], [
      create(old),
      create(at(1_000_000 + 60_001)),
      ...reads(old),
    ]);
    // Exactly the bound older than the newest: kept.
    await compareBatch(redis, options, [["GUILD_CREATE", GUILD]], [
      create(old),
      create(at(1_000_000 + 60_000)),
      ...reads(old),
    ]);
  },
));

Deno.test(redisStoreTest(
  "Redis applyBatch: a guild removed earlier in the batch took its channels' messages, not those of a channel it does not hold",
  6,
  async (redis) => {
    const update = (id: string, channelId: string): [string, unknown] => [
      "MESSAGE_UPDATE",
      { id, channel_id: channelId, guild_id: "1", content: "e" },
    ];
    for (
      const removal of [{ id: "1" }, { v: 10, guilds: [], session_id: "s" }]
    ) {
      await compareBatch(redis, {}, [
        ["GUILD_CREATE", GUILD],
        create("10"),
        // A channel the cache does not hold (a thread never announced).
        create("11", "99"),
      ], [
        [removal.id === undefined ? "READY" : "GUILD_DELETE", removal],
        update("10", "2"),
        update("11", "99"),
      ]);
    }
  },
));

Deno.test(redisStoreTest(
  "Redis applyBatch: a GUILD_CREATE of a held guild takes its channels' message ids too, so a message kept later in the batch is not trimmed against them",
  6,
  async (redis) => {
    const options = { messages: { perChannel: 2 } };
    const update = (id: string, content: string): [string, unknown] => [
      "MESSAGE_UPDATE",
      // Whole (a timestamp): an edit of a message not held keeps it.
      {
        ...create(id)[1] as object,
        content,
        timestamp: "2024-01-01T00:00:00.000000+00:00",
      },
    ];
    // The guild is rebuilt: its messages 10 and 11 go. An edit of an older
    // message not held keeps it, and the later events find it.
    const guild = { ...GUILD, members: [] };
    await compareBatch(redis, options, [
      ["GUILD_CREATE", guild],
      create("200"),
      create("201"),
    ], [
      ["GUILD_CREATE", guild],
      update("150", "e"),
      ...reads("150").slice(1, 2),
      update("150", "again"),
    ]);
    // Its channel's message ids read earlier in the batch (an edit).
    await compareBatch(redis, options, [
      ["GUILD_CREATE", guild],
      create("200"),
      create("201"),
    ], [
      reads("200")[0]!,
      ["GUILD_CREATE", guild],
      update("150", "e"),
      update("150", "again"),
    ]);
  },
));

/** Guilds, channels per guild, roles per guild and members per guild. */
const [GUILDS, CHANNELS, ROLES, MEMBERS] = [6, 3, 3, 4];
const guildIdOf = (g: number): string => String(100 + g);
const channelIdOf = (g: number, c: number): string => `${100 + g}0${c}`;
const roleIdOf = (g: number, r: number): string => `${100 + g}1${r}`;
const userIdOf = (g: number, m: number): string => `${100 + g}2${m}`;

/**
 * One random dispatch among the guilds: a GUILD_CREATE (of some of the
 * guild's channels, roles and members), a removal (guild, channel, role),
 * a message, or an update that reads what earlier ones left.
 */
function guildEvent(random: () => number, n: number): [string, unknown] {
  const below = (k: number): number => Math.floor(random() * k);
  const g = below(GUILDS);
  const guild_id = guildIdOf(g);
  const some = (k: number): number[] =>
    Array.from({ length: k }, (_, i) => i).filter(() => random() < 0.7);
  const user = (m: number): unknown => ({
    id: userIdOf(g, m),
    username: `u${m}`,
    discriminator: "0",
  });
  const roles = (): string[] => some(ROLES).map((r) => roleIdOf(g, r));
  const channel = channelIdOf(g, below(CHANNELS));
  const message = String(1000 + below(8));
  switch (below(10)) {
    case 0:
    case 1:
      return ["GUILD_CREATE", {
        id: guild_id,
        name: `g${n}`,
        channels: some(CHANNELS).map((c) => ({
          id: channelIdOf(g, c),
          type: 0,
          name: `c${n}`,
        })),
        roles: some(ROLES).map((r) => ({ id: roleIdOf(g, r), name: `r${n}` })),
        members: some(MEMBERS).map((m) => ({ user: user(m), roles: roles() })),
      }];
    case 2:
      return ["GUILD_DELETE", { id: guild_id }];
    case 3:
      return ["CHANNEL_DELETE", { id: channel, guild_id, type: 0 }];
    case 4:
      return ["GUILD_ROLE_DELETE", { guild_id, role_id: roleIdOf(g, 0) }];
    case 5:
      return ["MESSAGE_CREATE", {
        id: message,
        channel_id: channel,
        guild_id,
        content: `m${n}`,
        author: user(0),
      }];
    case 6:
      return ["MESSAGE_UPDATE", {
        id: message,
        channel_id: channel,
        guild_id,
        content: `e${n}`,
      }];
    case 7:
      return ["GUILD_MEMBER_UPDATE", {
        guild_id,
        user: user(below(MEMBERS)),
        roles: roles(),
      }];
    case 8:
      return ["CHANNEL_UPDATE", {
        id: channel,
        guild_id,
        type: 0,
        name: `u${n}`,
      }];
    default:
      return ["GUILD_ROLE_UPDATE", {
        guild_id,
        role: { id: roleIdOf(g, below(ROLES)), name: `u${n}` },
      }];
  }
}

Deno.test(redisStoreTest(
  "Redis applyBatch: GUILD_CREATEs, GUILD_DELETEs, CHANNEL_DELETEs and GUILD_ROLE_DELETEs interleaved in one batch leave each event the state one by one would, and the same end state",
  6,
  async (redis) => {
    for (let seed = 1; seed <= 8; seed++) {
      const random = mulberry32(seed);
      const before = Array.from(
        { length: 30 },
        (_, n) => guildEvent(random, n),
      );
      const batch = Array.from(
        { length: 200 },
        (_, n) => guildEvent(random, 100 + n),
      );
      const options = { messages: { perChannel: 3 } };
      await compareBatch(redis, options, before, batch);
      const store = new RedisCache(redis, options);
      const memory = new MemoryCache(options);
      for (const [event, data] of [...before, ...batch]) {
        memory.apply(event, structuredClone(data));
      }
      for (let g = 0; g < GUILDS; g++) {
        const entities: [CacheKind, string, string][] = [
          ["guild", "", guildIdOf(g)],
        ];
        for (let c = 0; c < CHANNELS; c++) {
          entities.push(["channel", "", channelIdOf(g, c)]);
          for (let m = 1000; m < 1008; m++) {
            entities.push(["message", channelIdOf(g, c), String(m)]);
          }
        }
        for (let r = 0; r < ROLES; r++) {
          entities.push(["role", guildIdOf(g), roleIdOf(g, r)]);
        }
        for (let m = 0; m < MEMBERS; m++) {
          entities.push(["member", guildIdOf(g), userIdOf(g, m)]);
        }
        for (const [kind, scope, id] of entities) {
          assert.deepStrictEqual(
            await store.get(kind, scope, id),
            memory.get(kind, scope, id),
            `seed ${seed}: ${kind} ${scope} ${id}`,
          );
        }
      }
    }
  },
));

Deno.test(redisStoreTest(
  "Redis applyBatch: a channel deleted earlier in the batch is no longer its guild's, so the guild's removal leaves a message kept in it since",
  6,
  async (redis) => {
    // Without a guild id, a message in a channel not held in a guild is
    // kept (as a DM's would be).
    const { guild_id: _, ...outside } = create("11")[1] as Record<
      string,
      unknown
    >;
    for (const first of [[], [reads("10")[2]!]]) {
      // Whether the channel's message ids were read before its deletion.
      await compareBatch(redis, {}, [["GUILD_CREATE", GUILD], create("10")], [
        ...first,
        ["CHANNEL_DELETE", { id: "2", guild_id: "1", type: 0 }],
        ["MESSAGE_CREATE", outside],
        ["GUILD_DELETE", { id: "1" }],
        ...reads("11"),
      ]);
    }
  },
));

Deno.test(redisStoreTest(
  "Redis applyBatch: a role deletion takes only that role from the members set earlier in the batch",
  6,
  async (redis) => {
    const member = (roles: string[]): [string, unknown] => [
      "GUILD_MEMBER_UPDATE",
      {
        guild_id: "1",
        user: { id: "7", username: "u", discriminator: "0" },
        roles,
      },
    ];
    const guild = {
      ...GUILD,
      roles: [{ id: "3", name: "a" }, { id: "4", name: "b" }],
      members: [{
        user: { id: "7", username: "u", discriminator: "0" },
        roles: ["3", "4"],
      }],
    };
    await compareBatch(redis, {}, [["GUILD_CREATE", guild]], [
      ["GUILD_ROLE_DELETE", { guild_id: "1", role_id: "3" }],
      // Given the deleted role again (a stale update): it keeps it.
      member(["3", "4"]),
      ["GUILD_ROLE_DELETE", { guild_id: "1", role_id: "4" }],
      member([]),
    ]);
  },
));

Deno.test(redisStoreTest(
  "Redis applyBatch: a message kept in a channel its guild no longer holds (its removal earlier in the batch) stays through the guild's next removal",
  6,
  async (redis) => {
    const { guild_id: _, ...outside } = create("11", "13")[1] as Record<
      string,
      unknown
    >;
    await compareBatch(redis, {}, [["GUILD_CREATE", GUILD], [
      "CHANNEL_CREATE",
      { id: "13", type: 0, name: "x", guild_id: "1" },
    ]], [
      ["GUILD_CREATE", GUILD], // channel 13 is no longer the guild's
      ["MESSAGE_CREATE", outside],
      ["GUILD_CREATE", GUILD],
      ["MESSAGE_UPDATE", { id: "11", channel_id: "13", content: "edited" }],
    ]);
  },
));

Deno.test(redisStoreTest(
  "Redis applyBatch: a channel patched by several dispatches of one batch (pins, messages) keeps every patch, as one by one",
  6,
  async (redis) => {
    const pins = (year: number): [string, unknown] => [
      "CHANNEL_PINS_UPDATE",
      {
        channel_id: "2",
        guild_id: "1",
        last_pin_timestamp: `${year}-01-01T00:00:00.000000+00:00`,
      },
    ];
    const batch = [pins(2024), create("10"), create("11"), pins(2025)];
    const store = new RedisCache(redis);
    const memory = new MemoryCache();
    for (const cache of [store, memory]) {
      await cache.apply("GUILD_CREATE", GUILD);
    }
    await store.applyBatch(batch.map(([event, data]) => ({ event, data })));
    for (const [event, data] of batch) memory.apply(event, data);
    await store.flush();
    const channel = await store.channel("2");
    assert.deepStrictEqual(channel, memory.channel("2"));
    assert.equal(channel?.last_message_id, "11");
    assert.equal(store.stale, false);
  },
));

Deno.test(redisStoreTest(
  "Redis applyBatch: calls that wait together run as one batch, and each gets exactly its own dispatches' updates, in order",
  6,
  async (redis) => {
    const store = new RedisCache(redis);
    await store.apply("GUILD_CREATE", GUILD);
    // The first runs at once; the two behind it wait, then run together.
    const call = (...events: [string, unknown][]) =>
      store.applyBatch(events.map(([event, data]) => ({ event, data })));
    const calls = [
      call(create("10")),
      call(create("11"), create("12")),
      call(reads("10")[0]!, [
        "MESSAGE_UPDATE",
        { id: "11", channel_id: "2", guild_id: "1", content: "e" },
      ]),
    ];
    const [first, second, third] = await Promise.all(calls);
    assert.deepEqual(
      [first, second, third].map((updates) => updates!.length),
      [1, 2, 2],
    );
    assert.deepEqual(
      second!.map((update) => update.changes.length > 0),
      [true, true],
    );
    assert.deepEqual(
      third!.map((update) => (update.old as { content?: string })?.content),
      ["m10", "m11"],
    );
  },
));

Deno.test(redisStoreTest(
  "Redis applyBatch: a new session's READY of a shard removes the guilds created earlier in the batch it does not list, and removes a guild deleted earlier in the batch only once",
  6,
  async (redis) => {
    // Guild 1 is shard 0's of 2.
    const session = {
      v: 10,
      guilds: [],
      session_id: "s",
      shard: [0, 2],
      user: { id: "5", username: "b", discriminator: "0" },
    };
    const cases: [[string, unknown][], [string, unknown][]][] = [
      [[], [["GUILD_CREATE", GUILD], ["READY", session]]],
      [[["GUILD_CREATE", GUILD]], [["GUILD_DELETE", { id: "1" }], [
        "READY",
        session,
      ]]],
      // One shard: every guild held is read.
      [[["GUILD_CREATE", GUILD]], [["GUILD_DELETE", { id: "1" }], [
        "READY",
        { ...session, shard: [0, 1] },
      ]]],
    ];
    for (const [before, batch] of cases) {
      await redis.flushdb();
      const store = new RedisCache(redis);
      const memory = new MemoryCache();
      for (const [event, data] of before) {
        await store.apply(event, structuredClone(data));
        memory.apply(event, structuredClone(data));
      }
      const updates = await store.applyBatch(
        batch.map(([event, data]) => ({ event, data: structuredClone(data) })),
      );
      batch.forEach(([event, data], i) => {
        const expected = memory.apply(event, structuredClone(data));
        assert.deepStrictEqual(updates[i]!.changes, expected.changes, event);
      });
      await store.flush();
      assert.equal(await store.guild("1"), undefined);
      assert.equal(store.stale, false);
    }
  },
));

Deno.test(redisStoreTest(
  "Redis applyBatch: a message deleted after trims in two write chunks of the batch is trimmed first, so Redis keeps what one by one keeps",
  6,
  async (redis) => {
    const guild = { ...GUILD, roles: [{ id: "3", name: "a" }] };
    // The role's deletion ends a write chunk between the trims.
    await compareBatch(redis, { messages: { perChannel: 2 } }, [
      ["GUILD_CREATE", guild],
      create("10"),
      create("11"),
    ], [
      create("12"),
      create("13"),
      ["GUILD_ROLE_DELETE", { guild_id: "1", role_id: "3" }],
      create("14"),
      create("15"),
      ["MESSAGE_DELETE", { id: "15", channel_id: "2", guild_id: "1" }],
    ]);
  },
));

Deno.test(redisStoreTest(
  "Redis applyBatch: shard 0's new session earlier in the batch took the DMs and the messages of channels no guild holds, those held before the batch and those set in it, and kept those of a channel created in a guild earlier in the batch",
  6,
  async (redis) => {
    const edit = (id: string, channelId: string): [string, unknown] => [
      "MESSAGE_UPDATE",
      { ...message(id, channelId), content: "e" },
    ];
    // Held before the batch: the DM channel 60's, the unheld 50's.
    await compareBatch(redis, {}, DM_BEFORE, [
      ["READY", ready([0, 1])],
      ["CHANNEL_UPDATE", { id: "60", type: 1, recipients: [] }],
      edit("301", "60"),
      edit("302", "50"),
      edit("300", "100"),
    ]);
    // Set earlier in the batch, in a DM channel not held.
    await compareBatch(redis, {}, DM_BEFORE, [
      ["MESSAGE_CREATE", message("303", "51")],
      ["READY", ready([0, 1])],
      edit("303", "51"),
    ]);
    // Read earlier in the batch (a deletion): its other messages are not
    // counted against the bound after the session's start.
    await compareBatch(redis, { messages: { perChannel: 2 } }, [
      ...DM_BEFORE,
      ["MESSAGE_CREATE", message("305", "50")],
    ], [
      ["MESSAGE_DELETE", { id: "302", channel_id: "50" }],
      ["READY", ready([0, 1])],
      ["MESSAGE_CREATE", message("303", "50")],
      ["MESSAGE_CREATE", message("304", "50")],
      edit("303", "50"),
    ]);
    // A channel no guild held, created in a guild earlier in the batch:
    // its messages held before stay.
    await compareBatch(redis, {}, [
      ...DM_BEFORE,
      ["MESSAGE_CREATE", message("310", "99")],
    ], [
      ["CHANNEL_CREATE", { id: "99", type: 0, guild_id: DM_GUILD, name: "t" }],
      ["READY", ready([0, 1])],
      edit("310", "99"),
    ]);
  },
));

Deno.test(redisStoreTest(
  "Redis applyBatch: a channel deleted earlier in the batch took the messages it held before the batch, and their ids no longer count against the bound",
  6,
  async (redis) => {
    const { guild_id: _, ...outside } = create("8")[1] as Record<
      string,
      unknown
    >;
    await compareBatch(redis, { messages: { perChannel: 2 } }, [
      ["GUILD_CREATE", GUILD],
      create("10"),
      create("11"),
    ], [
      reads("11")[2]!, // reads the channel's message ids
      ["CHANNEL_DELETE", { id: "2", guild_id: "1", type: 0 }],
      ...reads("10").slice(0, 1),
      // Kept outside any guild, older than those deleted.
      ["MESSAGE_CREATE", outside],
      ["MESSAGE_CREATE", { ...outside, id: "9" }],
      ["MESSAGE_UPDATE", { ...outside, content: "e" }],
    ]);
  },
));
