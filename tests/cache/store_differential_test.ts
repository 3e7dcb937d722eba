// The memory store and the Redis store fed the same wide random sequences
// (tests/cache/_wide_sequences.ts: the events and odd values the property
// test's generator never makes) hand back the same old state for every event
// and hold the same entities after every step, with Redis's helper sets
// naming exactly its keys; one event at a time and in random batches; and
// so do they for hostile variants of those sequences and the property
// test's (tests/cache/_hostile_mutations.ts).
import assert from "node:assert/strict";
import { type CacheOptions, MemoryCache, RedisCache } from "../../cache/mod.ts";
import { mulberry32 } from "../_fakes/prng.ts";
import { redisStoreTest } from "./_redis_database.ts";
import { assertSameStores } from "./_same_stores.ts";
import { wideSequence } from "./_wide_sequences.ts";
import { randomSequence } from "./_event_sequences.ts";
import { hostileVariant } from "./_hostile_mutations.ts";
import { guildMessage } from "./_guild_message.ts";
import {
  DROP_LISTED_MESSAGES,
  TRIM_MESSAGES,
} from "../../cache/redis_scripts.ts";
import { CHUNK } from "../../cache/redis_chunks.ts";
import { runCount } from "../_fakes/run_count.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import {
  BEFORE,
  GUILD,
  GUILD_CREATE,
  message,
  OPTIONS,
  ready,
} from "./_dm_session_fixtures.ts";
import { recordingScans, recordingScripts } from "./_recording_redis.ts";

/**
 * Seeds per case of the wide sequences' tests, and of the hostile variants'
 * test: raise them with `CACHE_DIFFERENTIAL_SEEDS` and `CACHE_HOSTILE_SEEDS`
 * to fuzz longer (300 and 2,000 seeds ran clean).
 */
const SEEDS = runCount("CACHE_DIFFERENTIAL_SEEDS", 3);
const HOSTILE_SEEDS = runCount("CACHE_HOSTILE_SEEDS", 24);

const CASES: { name: string; options: CacheOptions }[] = [
  { name: "perChannel 3", options: { messages: { perChannel: 3 } } },
  {
    name: "perChannel 1, maxAge 100 s",
    options: { messages: { perChannel: 1, maxAge: 100_000 } },
  },
];

Deno.test(redisStoreTest(
  "memory and Redis stores, one event at a time: the same old for every event, the same state after every step",
  5,
  async (redis) => {
    for (const { name, options } of CASES) {
      for (let seed = 1; seed <= SEEDS; seed++) {
        await redis.flushdb();
        const store = new RedisCache(redis, options);
        const memory = new MemoryCache(options);
        for (const [i, [event, data]] of wideSequence(seed, 150).entries()) {
          const where = `${name} seed ${seed} step ${i} ${event}`;
          const fromRedis = await store.apply(event, structuredClone(data));
          const fromMemory = memory.apply(event, structuredClone(data));
          assert.deepStrictEqual(
            fromRedis.old,
            fromMemory.old,
            `${where}: old`,
          );
          await store.flush();
          await assertSameStores(redis, memory, where);
        }
        assert.equal(store.stale, false);
      }
    }
  },
));

Deno.test(redisStoreTest(
  "memory and Redis stores, in random batches: the same old for every event, the same state after every batch",
  5,
  async (redis) => {
    for (const { name, options } of CASES) {
      for (let seed = 11; seed < 11 + SEEDS; seed++) {
        await redis.flushdb();
        const store = new RedisCache(redis, options);
        const memory = new MemoryCache(options);
        const sequence = wideSequence(seed, 300);
        const random = mulberry32(seed);
        for (let i = 0; i < sequence.length;) {
          const batch = sequence.slice(i, i + 1 + Math.floor(random() * 15));
          const updates = await store.applyBatch(
            batch.map(([event, data]) => ({
              event,
              data: structuredClone(data),
            })),
          );
          batch.forEach(([event, data], j) => {
            assert.deepStrictEqual(
              updates[j]!.old,
              memory.apply(event, structuredClone(data)).old,
              `${name} seed ${seed} event ${i + j} ${event}: old`,
            );
          });
          i += batch.length;
          await store.flush();
          await assertSameStores(redis, memory, `${name} seed ${seed} at ${i}`);
        }
        assert.equal(store.stale, false);
      }
    }
  },
));

/**
 * A new session's READY (no resume: the gap's events are lost), of shard 0
 * of two or of shard 1, listing guild `100` (shard 0's: the other, `101`,
 * is no shard's of two and stays).
 */
function newSession(shard: number): [string, unknown] {
  return ["READY", {
    v: 10,
    // The sequences' bot user as they send it: another form of it renames
    // the memory store's shared user, which Redis keeps per message.
    user: {
      id: "9",
      username: "user9",
      discriminator: "0",
      global_name: null,
      avatar: null,
    },
    guilds: shard === 0 ? [{ id: "100", unavailable: true }] : [],
    session_id: `s${shard}`,
    shard: [shard, 2],
  }];
}

Deno.test(redisStoreTest(
  "memory and Redis stores, with new sessions of shard 0 (which drop the DMs: nothing rebuilds them) and of shard 1 (which keep them) amid random batches: the same old for every event, the same state after every batch",
  5,
  async (redis) => {
    for (let seed = 21; seed < 21 + SEEDS; seed++) {
      await redis.flushdb();
      const options = { messages: { perChannel: 3 } };
      const store = new RedisCache(redis, options);
      const memory = new MemoryCache(options);
      const random = mulberry32(seed);
      const sequence = wideSequence(seed, 300).flatMap((dispatch, i) =>
        i % 20 === 19 ? [dispatch, newSession(i % 40 === 19 ? 0 : 1)] : [
          dispatch,
        ]
      );
      for (let i = 0; i < sequence.length;) {
        const batch = sequence.slice(i, i + 1 + Math.floor(random() * 15));
        const updates = await store.applyBatch(
          batch.map(([event, data]) => ({
            event,
            data: structuredClone(data),
          })),
        );
        batch.forEach(([event, data], j) => {
          assert.deepStrictEqual(
            updates[j]!.old,
            memory.apply(event, structuredClone(data)).old,
            `seed ${seed} event ${i + j} ${event}: old`,
          );
        });
        i += batch.length;
        await store.flush();
        await assertSameStores(redis, memory, `seed ${seed} at ${i}`);
      }
      assert.equal(store.stale, false);
    }
  },
));

Deno.test(redisStoreTest(
  "memory and Redis stores, hostile variants (any value anywhere, ids included, payloads under other names): the same old and the same state, nothing throws, no prototype is touched",
  5,
  async (redis) => {
    for (let seed = 1; seed <= HOSTILE_SEEDS; seed++) {
      await redis.flushdb();
      const options = { messages: { perChannel: 3 } };
      const store = new RedisCache(redis, options);
      const memory = new MemoryCache(options);
      const random = mulberry32(seed * 7919);
      const sequence = seed % 2 === 1
        ? wideSequence(seed, 150)
        : randomSequence(seed, 150);
      const names = [...new Set(sequence.map(([event]) => event))];
      // A READY of another bot than the one stored (a hostile user id)
      // marks the Redis store stale (two bots would share its database):
      // the sequence ends there, as a stale store's next READY drops what
      // the memory store keeps (DM channels, messages no guild holds).
      let otherBot = false;
      for (const [i, dispatch] of sequence.entries()) {
        const [event, data] = hostileVariant(dispatch, random, names);
        const where = `seed ${seed} step ${i} ${event} ${JSON.stringify(data)}`;
        const fromRedis = await store.apply(event, structuredClone(data));
        const fromMemory = memory.apply(event, structuredClone(data));
        assert.deepStrictEqual(fromRedis.old, fromMemory.old, `${where}: old`);
        const before = (fromMemory.old as { id?: unknown } | undefined)?.id;
        const user = (data as { user?: { id?: unknown } } | null)?.user?.id;
        otherBot ||= event === "READY" && typeof before === "string" &&
          typeof user === "string" && before !== user;
        await store.flush();
        await assertSameStores(redis, memory, where);
        if (otherBot) break;
      }
      assert.equal(store.stale, otherBot, `seed ${seed}`);
    }
    assert.equal(Object.hasOwn(Object.prototype, "polluted"), false);
  },
));

Deno.test(redisStoreTest(
  "RedisCache: shard 0's new session drops the DMs as the memory store does, one at a time and in a batch (a DM message after the READY stays)",
  5,
  async (redis) => {
    const after: [string, object][] = [
      ["READY", ready([0, 2])],
      ["MESSAGE_UPDATE", { ...message("302", "50"), content: "edited" }],
      ["MESSAGE_DELETE", { id: "301", channel_id: "60" }],
      ["MESSAGE_CREATE", message("303", "60")],
      ["READY", { ...ready([1, 2]), guilds: [] }],
      ["GUILD_CREATE", GUILD_CREATE],
    ];
    for (const batched of [false, true]) {
      await redis.flushdb();
      const store = new RedisCache(redis, OPTIONS);
      const memory = new MemoryCache(OPTIONS);
      for (const [event, data] of BEFORE) {
        await store.apply(event, structuredClone(data));
        memory.apply(event, structuredClone(data));
      }
      await store.flush();
      await assertSameStores(redis, memory, "before");
      const olds = batched
        ? (await store.applyBatch(
          after.map(([event, data]) => ({
            event,
            data: structuredClone(data),
          })),
        )).map((update) => update.old)
        : await Promise.all(
          after.map(async ([event, data]) =>
            (await store.apply(event, structuredClone(data))).old
          ),
        );
      const expected = after.map(([event, data]) =>
        memory.apply(event, structuredClone(data)).old
      );
      assert.deepStrictEqual(olds, expected, `batched: ${batched}`);
      assert.equal(expected[1], undefined, "no stale old");
      await store.flush();
      await assertSameStores(redis, memory, `batched: ${batched}`);
      assert.equal(await redis.exists("message:50:302"), 1, "edited: kept");
      assert.equal(await redis.get("message:60:301"), null);
      assert.equal(await redis.exists("message:60:303"), 1, "new DM stays");
      assert.equal(await redis.exists("message:100:300"), 0, "rebuilt guild");
      assert.equal(store.stale, false);
    }
  },
));

Deno.test(redisStoreTest(
  "RedisCache: shard 0's new session drops the DMs through their index, scanning none of the guild messages (a database without the index is scanned whole once, then no more)",
  5,
  async (redis) => {
    const scanned: string[] = [];
    const store = new RedisCache(recordingScans(redis, scanned), OPTIONS);
    const memory = new MemoryCache(OPTIONS);
    const guildMessages: [string, object][] = Array.from(
      { length: 50 },
      (_, i) => ["MESSAGE_CREATE", message(String(400 + i), "100", GUILD)],
    );
    const apply = async (events: [string, object][]) => {
      await store.applyBatch(
        events.map(([event, data]) => ({ event, data: structuredClone(data) })),
      );
      for (const [event, data] of events) {
        memory.apply(event, structuredClone(data));
      }
      await store.flush();
    };
    await apply([...BEFORE, ...guildMessages]);
    // Shard 0's first READY: nothing scanned whole (the database was
    // empty at its first, in BEFORE, which marked the index whole).
    scanned.length = 0;
    await apply([["READY", ready([0, 2])]]);
    assert.deepEqual(
      scanned.filter((key) => key !== "disruption_cache_unguilded"),
      [],
      "no scan of message_keys or channel_keys",
    );
    assert.equal(await redis.exists("message:60:301"), 0, "DM message");
    assert.equal(await redis.exists("channel:60"), 0, "DM channel");
    assert.equal(await redis.exists("message:50:302"), 0, "unheld DM's");
    assert.equal(await redis.exists("message:100:449"), 1, "guild message");
    await assertSameStores(redis, memory, "after the READY");

    // A database an older version wrote (no index): its DMs are dropped by
    // one whole scan, and the next READY scans none again.
    await apply(BEFORE.slice(3));
    await redis.del("disruption_cache_unguilded");
    scanned.length = 0;
    await apply([["READY", ready([0, 2])]]);
    assert.deepEqual(scanned.filter((key) => key === "message_keys").length, 1);
    assert.equal(await redis.exists("message:60:301"), 0, "old DM message");
    assert.equal(await redis.exists("message:50:302"), 0, "old unheld DM's");
    await assertSameStores(redis, memory, "after the whole scan");
    await apply(BEFORE.slice(3));
    scanned.length = 0;
    await apply([["READY", ready([0, 2])]]);
    assert.deepEqual(
      scanned.filter((key) => key !== "disruption_cache_unguilded"),
      [],
    );
    assert.equal(await redis.exists("message:60:301"), 0);
    await assertSameStores(redis, memory, "after the next READY");
    assert.equal(store.stale, false);
  },
));

/**
 * `redis` counting in `sent` its round trips that Redis runs whole (each
 * EVAL sent alone, each MULTI/EXEC), and the trims the transactions ran.
 */
function countingRoundTrips(
  redis: RedisConnection,
  sent: { evals: number; execs: number; trims: number },
): RedisConnection {
  return new Proxy(redis, {
    get(target, property): unknown {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (property === "eval") {
        return (
          ...args: unknown[]
        ) => (sent.evals++, value.apply(target, args));
      }
      if (property !== "multi") return value.bind(target);
      return (commands: unknown[][] = [], ...rest: unknown[]) => {
        sent.trims += commands.filter((command) =>
          command[0] === "eval" && command[1] === TRIM_MESSAGES
        ).length;
        const queued = value.call(target, commands, ...rest);
        const exec = queued.exec.bind(queued);
        queued.exec = () => (sent.execs++, exec());
        return queued;
      };
    },
  });
}

/** Forum `100` of guild `1`, with threads `2000`, `2001`, … (`count`). */
function forumGuild(count: number): [string, object] {
  const threads = Array.from({ length: count }, (_, i) => ({
    id: String(2_000 + i),
    type: 11,
    name: `t${i}`,
    guild_id: "1",
    parent_id: "100",
    thread_metadata: { archived: false, locked: false },
  }));
  return ["GUILD_CREATE", {
    id: "1",
    name: "g",
    roles: [],
    emojis: [],
    members: [],
    channels: [{ id: "100", type: 15, name: "forum" }],
    threads,
  }];
}

Deno.test(redisStoreTest(
  "RedisCache: a CHANNEL_DELETE of a forum of 1,000 threads, or a THREAD_LIST_SYNC dropping them, removes them in a few round trips (not two each), the same state as the memory store",
  5,
  async (plain) => {
    const forum = { id: "100", type: 15, guild_id: "1" };
    const removals: [string, [string, object][]][] = [
      ["CHANNEL_DELETE", [["CHANNEL_DELETE", forum]]],
      ["THREAD_LIST_SYNC", [[
        "THREAD_LIST_SYNC",
        { guild_id: "1", channel_ids: ["100"], threads: [], members: [] },
      ]]],
      // A message written, in the same chunk, between the step that removes
      // its thread's messages and the thread's removal.
      ["THREAD_DELETEs", [
        ["THREAD_DELETE", { id: "2000", type: 11, guild_id: "1" }],
        ["MESSAGE_CREATE", guildMessage("9001", "2001", "1")],
        ["THREAD_DELETE", { id: "2001", type: 11, guild_id: "1" }],
        ...Array.from({ length: 998 }, (_, i): [string, object] => [
          "THREAD_DELETE",
          { id: String(2_002 + i), type: 11, guild_id: "1", parent_id: "100" },
        ]),
      ]],
    ];
    for (const [name, removal] of removals) {
      await plain.flushdb();
      const sent = { evals: 0, execs: 0, trims: 0 };
      const redis = countingRoundTrips(plain, sent);
      const options = { messages: { perChannel: 10 } };
      const store = new RedisCache(redis, options);
      const memory = new MemoryCache(options);
      const apply = async (events: [string, object][]) => {
        const updates = await store.applyBatch(
          events.map(([event, data]) => ({
            event,
            data: structuredClone(data),
          })),
        );
        events.forEach(([event, data], i) => {
          assert.deepStrictEqual(
            updates[i]!.old,
            memory.apply(event, structuredClone(data)).old,
            `${name}: ${event} ${i}: old`,
          );
        });
        await store.flush();
      };
      await apply([forumGuild(1_000)]);
      // Two messages in each thread.
      await apply(
        Array.from({ length: 2_000 }, (_, i) => [
          "MESSAGE_CREATE",
          guildMessage(String(10_000 + i), String(2_000 + (i >> 1)), "1"),
        ]),
      );
      sent.evals = sent.execs = 0;
      await apply(removal);
      assert.ok(sent.execs <= 3, `${name}: ${sent.execs} transactions`);
      assert.ok(sent.evals <= 3, `${name}: ${sent.evals} scripts alone`);
      await assertSameStores(plain, memory, name);
      assert.deepEqual(await plain.keys("message:*"), [], name);
      assert.equal(store.stale, false);
    }
  },
));

/** Message `i`'s id in the trim test: snowflakes a second apart. */
const secondId = (i: number): string =>
  String(1_200_000_000_000_000_000n + BigInt(i) * 4_194_304_000n);

Deno.test(redisStoreTest(
  "RedisCache: a batch of messages each created then followed by a deletion trims a channel within its bounds once, not before every deletion; one at its bound as the memory store does",
  5,
  async (plain) => {
    const cases = [
      { name: "within its bounds", perChannel: 100, most: 1 },
      { name: "at its bound", perChannel: 50, most: Infinity },
    ];
    for (const { name, perChannel, most } of cases) {
      await plain.flushdb();
      const sent = { evals: 0, execs: 0, trims: 0 };
      const redis = countingRoundTrips(plain, sent);
      // Messages a second apart: the age bound drops none of them.
      const options = { messages: { perChannel, maxAge: 86_400_000 } };
      const store = new RedisCache(redis, options);
      const memory = new MemoryCache(options);
      const apply = async (events: [string, object][]) => {
        const updates = await store.applyBatch(
          events.map(([event, data]) => ({
            event,
            data: structuredClone(data),
          })),
        );
        events.forEach(([event, data], i) => {
          assert.deepStrictEqual(
            updates[i]!.old,
            memory.apply(event, structuredClone(data)).old,
            `${name}: ${event} ${i}: old`,
          );
        });
        await store.flush();
      };
      await apply([["GUILD_CREATE", {
        id: "1",
        name: "g",
        roles: [],
        emojis: [],
        members: [],
        channels: [{ id: "100", type: 0, name: "c" }],
      }]]);
      await apply(
        Array.from({ length: 50 }, (_, i) => [
          "MESSAGE_CREATE",
          guildMessage(secondId(i), "100", "1"),
        ]),
      );
      sent.trims = 0;
      // Each new message, then the deletion of an old one (the newest of
      // those it would push out at the bound).
      await apply(
        Array.from({ length: 20 }, (_, i): [string, object][] => [
          ["MESSAGE_CREATE", guildMessage(secondId(100 + i), "100", "1")],
          [
            "MESSAGE_DELETE",
            { id: secondId(49 - i), channel_id: "100", guild_id: "1" },
          ],
        ]).flat(),
      );
      assert.ok(sent.trims <= most, `${name}: ${sent.trims} trims`);
      await assertSameStores(plain, memory, name);
      assert.equal(store.stale, false);
    }
  },
));

Deno.test(redisStoreTest(
  "RedisCache: a DM channel whose messages are all deleted or expired, and that is not held, leaves the index of what no guild holds (a held one stays listed, one with a message left too)",
  5,
  async (redis) => {
    const index = () => redis.smembers("disruption_cache_unguilded");
    const store = new RedisCache(redis, OPTIONS);
    const memory = new MemoryCache(OPTIONS);
    const apply = async (events: [string, object][], batched: boolean) => {
      if (batched) {
        await store.applyBatch(
          events.map(([event, data]) => ({
            event,
            data: structuredClone(data),
          })),
        );
      } else {
        for (const [event, data] of events) {
          await store.apply(event, structuredClone(data));
        }
      }
      for (const [event, data] of events) {
        memory.apply(event, structuredClone(data));
      }
      await store.flush();
    };
    // Marks the index whole; holds DM channel 60 (with a message) and a
    // message of unheld DM channel 50.
    await apply(BEFORE, false);
    // 200 DMs in distinct unheld channels, each followed by its deletion:
    // half one event at a time, half in a batch.
    const dms = (from: number): [string, object][] =>
      Array.from({ length: 100 }, (_, i): [string, object][] => [
        ["MESSAGE_CREATE", message(String(5000 + from + i), String(from + i))],
        [
          "MESSAGE_DELETE",
          { id: String(5000 + from + i), channel_id: String(from + i) },
        ],
      ]).flat();
    await apply(dms(1000), false);
    await apply(dms(2000), true);
    // A second message of held channel 60, deleted: 60 is still held.
    await apply([
      ["MESSAGE_CREATE", message("303", "60")],
      ["MESSAGE_DELETE", { id: "303", channel_id: "60" }],
    ], false);
    assert.deepEqual(
      (await index()).sort(),
      ["", "channel:50", "channel:60"],
      "deleted DMs' channels unlisted",
    );
    await assertSameStores(redis, memory, "after the deletions");
    // Channel 50's last message deleted: nothing of it is left to drop.
    await apply([["MESSAGE_DELETE", { id: "302", channel_id: "50" }]], true);
    assert.deepEqual((await index()).sort(), ["", "channel:60"]);
    await assertSameStores(redis, memory, "after channel 50's");

    // Expiry: 200 DMs in distinct unheld channels expire; one whose channel
    // got a newer message stays listed.
    await redis.flushdb();
    const clock = new VirtualScheduler();
    const expiring = new RedisCache(redis, {
      ...OPTIONS,
      ttl: { messages: 30 },
      scheduler: clock,
    });
    await expiring.apply("READY", ready([0, 1]));
    await expiring.applyBatch(
      Array.from({ length: 200 }, (_, i) => ({
        event: "MESSAGE_CREATE",
        data: message(String(5000 + i), String(1000 + i)),
      })),
    );
    await expiring.flush();
    await clock.advance(20_000);
    await expiring.apply("MESSAGE_CREATE", message("6000", "1000"));
    await expiring.flush();
    assert.equal((await index()).length, 201);
    await clock.advance(11_000);
    assert.equal(await expiring.sweepExpired(), 200);
    assert.deepEqual((await index()).sort(), ["", "channel:1000"]);
    assert.equal(store.stale || expiring.stale, false);
  },
));

/** The two stores, fed the same events (in one batch) and flushed. */
function sameFeed(
  store: RedisCache,
  memory: MemoryCache,
): (events: [string, object][]) => Promise<void> {
  return async (events) => {
    await store.applyBatch(
      events.map(([event, data]) => ({ event, data: structuredClone(data) })),
    );
    for (const [event, data] of events) {
      memory.apply(event, structuredClone(data));
    }
    await store.flush();
  };
}

Deno.test(redisStoreTest(
  "RedisCache: the whole scan of a database whose index lost its marker takes what it drops out of the index (a channel with a message it did not meet stays listed)",
  5,
  async (redis) => {
    const index = async () =>
      (await redis.smembers("disruption_cache_unguilded")).sort();
    const store = new RedisCache(redis, OPTIONS);
    const memory = new MemoryCache(OPTIONS);
    const apply = sameFeed(store, memory);
    await apply(BEFORE);
    // The index lost (evicted, say), then DMs written: listed, no marker.
    await redis.del("disruption_cache_unguilded");
    await apply([...BEFORE.slice(3), ["MESSAGE_CREATE", message("303", "51")]]);
    assert.deepEqual(await index(), ["channel:50", "channel:51", "channel:60"]);
    await apply([["READY", ready([0, 2])]]);
    assert.deepEqual(await index(), [""], "the scan's drops unlisted");
    await assertSameStores(redis, memory, "after the whole scan");

    // A message the scan does not meet (as one another process wrote after
    // the scan passed: here, taken out of message_keys by hand) keeps its
    // channel listed, for the next drop.
    await redis.del("disruption_cache_unguilded");
    await apply([
      ["MESSAGE_CREATE", message("304", "52")],
      ["MESSAGE_CREATE", message("305", "52")],
    ]);
    await redis.srem("message_keys", "message:52:305");
    await apply([["READY", ready([0, 2])]]);
    assert.equal(await redis.exists("message:52:304"), 0);
    assert.equal(await redis.exists("message:52:305"), 1);
    assert.deepEqual(await index(), ["", "channel:52"]);
    await apply([["READY", ready([0, 2])]]);
    assert.equal(await redis.exists("message:52:305"), 0);
    assert.deepEqual(await index(), [""]);
    assert.equal(store.stale, false);
  },
));

Deno.test(redisStoreTest(
  "RedisCache: shard 0's new session drops 2,500 DM channels through their index one script a chunk of it (each channel read once), and a DM channel of more than a chunk of messages by chunks",
  5,
  async (plain) => {
    const options: CacheOptions = {
      messages: { perChannel: 2_000, dmChannels: 5_000 },
    };
    const scripts: string[] = [];
    const scanned: string[] = [];
    const sizes: number[] = [];
    const redis = recordingScripts(
      recordingScans(plain, scanned, sizes),
      scripts,
    );
    const store = new RedisCache(redis, options);
    const memory = new MemoryCache(options);
    const apply = sameFeed(store, memory);
    await apply(BEFORE);
    await apply(Array.from({ length: 2_500 }, (_, i) => [
      "MESSAGE_CREATE",
      message(String(10_000 + i), String(20_000 + i)),
    ]));
    await apply(Array.from({ length: 1_200 }, (_, i) => [
      "MESSAGE_CREATE",
      message(String(30_000 + i), "70"),
    ]));
    scripts.length = scanned.length = sizes.length = 0;
    await apply([["READY", ready([0, 2])]]);
    // SSCAN's COUNT is a hint: a reply may hold more than CHUNK keys (a
    // bucket's chain comes whole), which go to two scripts.
    const chunks = sizes.filter((_, i) =>
      scanned[i] === "disruption_cache_unguilded"
    ).reduce((sum, size) => sum + Math.ceil(size / CHUNK), 0);
    const drops = scripts.filter((script) => script !== DROP_LISTED_MESSAGES);
    // One a chunk; channel 70's stops before it, and goes on once its
    // messages went by chunks.
    assert.ok(
      drops.length <= chunks + 2,
      `${drops.length} scripts for ${chunks} chunks of the index (${sizes})`,
    );
    assert.ok(scripts.length > drops.length, "channel 70's by chunks");
    assert.deepEqual(await plain.smembers("disruption_cache_unguilded"), [""]);
    assert.equal(await plain.scard("message_keys"), 1, "the guild's alone");
    await assertSameStores(plain, memory, "after the READY");
    assert.equal(store.stale, false);
  },
));

/** A JSON array nested `depth` levels deep, around a 1. */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

Deno.test(redisStoreTest(
  "RedisCache: shard 0's new session keeps a guild channel nested deeper than Redis's cjson decodes (1,100 levels, in its permission_overwrites), with its messages, by the whole scan and through the index; a DM channel as deep goes",
  5,
  async (redis) => {
    const store = new RedisCache(redis, OPTIONS);
    const memory = new MemoryCache(OPTIONS);
    const apply = sameFeed(store, memory);
    const deep = [{ id: "1", type: 0, allow: "0", deny: nested(1_100) }];
    const dm: [string, object][] = [
      ["CHANNEL_CREATE", {
        id: "61",
        type: 1,
        recipients: [],
        permission_overwrites: deep,
      }],
      ["MESSAGE_CREATE", message("311", "61")],
    ];
    await apply(BEFORE);
    await apply([
      ["GUILD_CREATE", {
        ...GUILD_CREATE,
        channels: [
          ...GUILD_CREATE.channels,
          { id: "110", type: 0, name: "deep", permission_overwrites: deep },
        ],
      }],
      ["MESSAGE_CREATE", message("310", "110", GUILD)],
      ...dm,
    ]);
    const held = async (where: string) => {
      assert.equal(await redis.exists("channel:110"), 1, `${where}: channel`);
      assert.equal(
        await redis.exists("message:110:310"),
        1,
        `${where}: message`,
      );
      assert.ok(
        await redis.sismember(`guild_keys:${GUILD}`, "channel:110"),
        `${where}: listed`,
      );
      assert.equal(await redis.exists("channel:61"), 0, `${where}: DM channel`);
      assert.equal(await redis.exists("message:61:311"), 0, `${where}: DM's`);
      await assertSameStores(redis, memory, where);
    };
    // The whole scan (DROP_UNGUILDED): a database without the index.
    await redis.del("disruption_cache_unguilded");
    await apply([["READY", ready([0, 2])]]);
    await held("the whole scan");
    // Through the index (UNGUILDED_FROM_INDEX): the channel listed, as one
    // held in a guild since it was listed is.
    await apply(dm);
    await redis.sadd("disruption_cache_unguilded", "channel:110");
    await apply([["READY", ready([0, 2])]]);
    await held("through the index");
    assert.deepEqual(await redis.smembers("disruption_cache_unguilded"), [""]);
    assert.equal(store.stale, false);
  },
));
