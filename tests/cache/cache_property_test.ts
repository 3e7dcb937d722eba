// Property test: random valid event sequences applied to the core through
// each store, compared with an independent reference model after every step;
// the Redis store and the memory store end in the same state.
import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import {
  type CacheKind,
  EVENT_CACHE_EFFECTS,
  MemoryCache,
  RedisCache,
} from "../../cache/mod.ts";
import { mulberry32 } from "../_fakes/prng.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import { redisStoreTest } from "./_redis_database.ts";
import { EPOCH_KEY } from "../../cache/redis_epoch.ts";
import { UNGUILDED_KEY } from "../../cache/redis_unguilded.ts";
import { GUILD_LISTS, guildAsRead } from "../../cache/redis_guild_value.ts";
import { memoryValue } from "./_memory_view.ts";
import {
  type Dispatch,
  isArchived,
  Model,
  PROPERTY_PER_CHANNEL,
  randomSequence,
} from "./_event_sequences.ts";
import { runCount } from "../_fakes/run_count.ts";

const RESOURCES = [
  "guilds",
  "channels",
  "roles",
  "members",
  "messages",
] as const;
/**
 * Sequences of the memory store's test (`CACHE_PROPERTY_SEQUENCES` to run
 * more): the first {@linkcode LONG_SEQUENCES} of {@linkcode LONG_STEPS}
 * events, where guilds fill up, go and come back; the rest short, 20 to 60
 * events, many beginnings cheaply (the state compared after each step stays
 * small).
 */
const SEQUENCES = runCount("CACHE_PROPERTY_SEQUENCES", 2000);
const LONG_SEQUENCES = 20;
const LONG_STEPS = 300;

/** The length of a short sequence: 20 to 60 events, by seed. */
function shortLength(seed: number): number {
  return 20 + (seed % 41);
}

/** The length of the memory store's test's sequence `seed`. */
function stepsOf(seed: number): number {
  return seed <= LONG_SEQUENCES ? LONG_STEPS : shortLength(seed);
}

function kindOf(key: string): CacheKind {
  return key.split(":")[0] as CacheKind;
}

/**
 * The memory store holds what the model does: its entries, the users they
 * refer to and, when the store keeps them (`presences`), its presences; and
 * nothing more (every kind's size).
 */
function compareMemory(
  cache: MemoryCache,
  model: Model,
  where: string,
  presences: boolean,
): void {
  const expected = new Map([
    ...model.entries,
    ...model.users(),
    ...(presences ? model.presences : []),
  ]);
  const counts = new Map<string, number>();
  const held = new Map<string, unknown>();
  for (const key of expected.keys()) {
    // A user's key, `user:U`, has no scope.
    held.set(
      key,
      kindOf(key) === "user"
        ? cache.get("user", "", key.slice(5))
        : memoryValue(cache, key),
    );
    counts.set(kindOf(key), (counts.get(kindOf(key)) ?? 0) + 1);
  }
  // One comparison of the whole: an assertion per key, its message built
  // each time, made the test markedly slower. Key by key only to name the
  // first key that differs.
  if (!isDeepStrictEqual(held, expected)) {
    for (const [key, value] of expected) {
      assert.deepStrictEqual(held.get(key), value, `${where}: ${key}`);
    }
  }
  const sizes = cache.sizes();
  const kinds = ["guild", "channel", "role", "member", "message", "user"];
  for (const kind of presences ? [...kinds, "presence"] : kinds) {
    assert.equal(
      sizes[kind as CacheKind],
      counts.get(kind) ?? 0,
      `${where}: ${kind} count`,
    );
  }
}

/** Every change the core made is one its event's table row allows. */
function checkTable(
  event: string,
  changes: MemoryCache["apply"] extends (
    ...a: never[]
  ) => infer R ? R
    : never,
): void {
  const row = EVENT_CACHE_EFFECTS[event];
  assert.ok(row, `${event} has a row`);
  for (const change of changes.changes) {
    if (change.op === "set") {
      assert.ok(
        row.creates.includes(change.kind) || row.updates.includes(change.kind),
        `${event} may not set ${change.kind}`,
      );
    } else if (change.op === "delete") {
      assert.ok(
        row.deletes.includes(change.kind),
        `${event} deletes ${change.kind}`,
      );
    } else if (change.op === "remove_role") {
      assert.ok(row.updates.includes("member"), `${event} may not remove_role`);
    } else {
      // A channel removed takes its messages; a guild, its channels too.
      const kinds = change.op === "remove_guild"
        ? ["guild", "channel", "message"] as const
        : ["channel", "message"] as const;
      for (const kind of kinds) {
        assert.ok(row.deletes.includes(kind), `${event} may not ${change.op}`);
      }
    }
  }
}

Deno.test(`cache property: memory store equals the reference model after every step of ${SEQUENCES} sequences`, () => {
  let steps = 0;
  // The rarer steps the gaps were in, counted so a change to the generator
  // cannot quietly stop making them.
  const seen = {
    readyDrops: 0,
    shardedReadyDrops: 0,
    roleDeletesOfMembers: 0,
    archivesWithMessages: 0,
    unarchives: 0,
    presencesOfLeavers: 0,
  };
  for (let seed = 1; seed <= SEQUENCES; seed++) {
    const cache = new MemoryCache({
      // Presences too: the Redis store's tests, sharing the model, keep none.
      resources: [...RESOURCES, "presences"],
      messages: { perChannel: PROPERTY_PER_CHANNEL },
    });
    const model = new Model();
    const sequence = randomSequence(seed, stepsOf(seed));
    sequence.forEach((dispatch, i) => {
      // A role delete that takes the role off some member.
      const roleOnMember = dispatch[0] === "GUILD_ROLE_DELETE" &&
        [...model.entries].some(([key, value]) =>
          key.startsWith(`member:${dispatch[1].guild_id}:`) &&
          (value.roles as string[] | undefined)?.includes(
            dispatch[1].role_id as string,
          )
        );
      // A held thread with messages archived (a THREAD_UPDATE: the cache
      // drops it with them), or one archived before brought back.
      const thread = dispatch[0] === "THREAD_UPDATE"
        ? model.entries.get(`channel:${dispatch[1].id}`)
        : undefined;
      const archives = thread !== undefined && isArchived(dispatch[1]) &&
        [...model.entries.keys()].some((key) =>
          key.startsWith(`message:${dispatch[1].id}:`)
        );
      const unarchives = dispatch[0] === "THREAD_UPDATE" &&
        thread === undefined && !isArchived(dispatch[1]);
      // A member who leaves while online.
      if (
        dispatch[0] === "GUILD_MEMBER_REMOVE" &&
        model.presences.has(
          `presence:${dispatch[1].guild_id}:${
            (dispatch[1].user as { id: string }).id
          }`,
        )
      ) seen.presencesOfLeavers++;
      const update = cache.apply(dispatch[0], structuredClone(dispatch[1]));
      checkTable(dispatch[0], update);
      const ops = update.changes.map((c) => "kind" in c ? c.kind : c.op);
      if (dispatch[0] === "READY" && ops.includes("remove_guild")) {
        seen.readyDrops++;
        if (dispatch[1].shard !== undefined) seen.shardedReadyDrops++;
      }
      if (roleOnMember && ops.includes("remove_role")) {
        seen.roleDeletesOfMembers++;
      }
      if (archives && ops.includes("remove_channel")) {
        seen.archivesWithMessages++;
      }
      if (unarchives && ops.includes("channel")) seen.unarchives++;
      model.apply(dispatch);
      compareMemory(
        cache,
        model,
        `seed ${seed} step ${i} ${dispatch[0]}`,
        true,
      );
      steps++;
    });
  }
  assert.ok(steps >= 60_000 || SEQUENCES < 2000, `${steps} steps`);
  for (const [step, count] of Object.entries(seen)) {
    assert.ok(count >= 5, `${step}: ${count}`);
  }
});

/** Every key in the Redis database, sets as sorted arrays. */
async function redisSnapshot(
  redis: RedisConnection,
): Promise<{ values: Map<string, unknown>; sets: Map<string, string[]> }> {
  // A guild's kind sets are the store's own index (beyond the layout the
  // model follows); store_differential_test checks them against
  // guild_keys:G. The epoch marker is no entity (see redis_epoch.ts), nor
  // the index of what no guild holds (checked there too).
  const keys = (await redis.keys("*")).filter((key) =>
    !key.startsWith("guild_kind_keys:") && key !== EPOCH_KEY &&
    key !== UNGUILDED_KEY
  );
  // One round trip for every key's value or members.
  const pipeline = redis.pipeline();
  for (const key of keys) {
    if (key.includes("_keys")) pipeline.smembers(key);
    else pipeline.get(key);
  }
  const replies = keys.length > 0 ? (await pipeline.exec())! : [];
  const values = new Map<string, unknown>();
  const sets = new Map<string, string[]>();
  keys.forEach((key, i) => {
    const [error, reply] = replies[i]!;
    if (error) throw error;
    if (key.includes("_keys")) sets.set(key, (reply as string[]).sort());
    else if (key.startsWith("guild:")) {
      // Stored with twilight-dispatch's emptied lists, held without them.
      const guild = JSON.parse(reply as string);
      const stub = guild.unavailable === true && guild.name === undefined;
      for (const list of stub ? [] : GUILD_LISTS) {
        assert.deepStrictEqual(guild[list], [], `${key} ${list}`);
      }
      values.set(key, guildAsRead(guild));
    } else values.set(key, JSON.parse(reply as string));
  });
  return { values, sets };
}

/** The sets the layout requires for a set of value keys. */
function expectedSets(
  keys: Iterable<string>,
  values: Map<string, unknown>,
): Map<string, string[]> {
  const sets = new Map<string, string[]>();
  const add = (set: string, key: string): void => {
    sets.set(set, [...(sets.get(set) ?? []), key].sort());
  };
  for (const key of keys) {
    const [kind, scope] = key.split(":") as [string, string];
    if (kind === "bot_user") continue; // the one key of no set
    const channel = values.get(key) as { guild_id?: string; type?: unknown };
    // A thread is listed in its guild's channel kind set alone (not in
    // this snapshot): twilight-dispatch's consumers build a channel of
    // each key of channel_keys and guild_keys:G (cache/redis_listing.ts).
    if (kind === "channel" && [10, 11, 12].includes(channel.type as number)) {
      continue;
    }
    add(`${kind}_keys`, key);
    if (kind === "message") add(`channel_keys:${scope}`, key);
    else if (kind === "channel") {
      if (channel.guild_id) add(`guild_keys:${channel.guild_id}`, key);
    } else if (kind !== "guild") add(`guild_keys:${scope}`, key);
  }
  return sets;
}

/**
 * Sequences of the Redis store's step-by-step test
 * (`CACHE_PROPERTY_REDIS_SEQUENCES` to run more): three of 150 events, the
 * rest short (20 to 60), as in the memory store's test.
 */
const REDIS_SEQUENCES = runCount("CACHE_PROPERTY_REDIS_SEQUENCES", 300);

Deno.test(redisStoreTest(
  `cache property: Redis store equals the model (keys and helper sets) after every step of ${REDIS_SEQUENCES} sequences, and the memory store at the end of each`,
  9,
  async (redis) => {
    for (let n = 0; n < REDIS_SEQUENCES; n++) {
      const seed = n < 3 ? 101 + n : 1000 + n;
      await redis.flushdb();
      const store = new RedisCache(redis, {
        resources: [...RESOURCES],
        messages: { perChannel: PROPERTY_PER_CHANNEL },
      });
      const memory = new MemoryCache({
        resources: [...RESOURCES],
        messages: { perChannel: PROPERTY_PER_CHANNEL },
      });
      const model = new Model();
      const sequence: Dispatch[] = randomSequence(
        seed,
        n < 3 ? 150 : shortLength(seed),
      );
      for (const [i, dispatch] of sequence.entries()) {
        const fromRedis = await store.apply(
          dispatch[0],
          structuredClone(dispatch[1]),
        );
        const fromMemory = memory.apply(
          dispatch[0],
          structuredClone(dispatch[1]),
        );
        assert.deepStrictEqual(fromRedis.old, fromMemory.old, `old at ${i}`);
        model.apply(dispatch);
        await store.flush();
        const { values, sets } = await redisSnapshot(redis);
        const where = `seed ${seed} step ${i} ${dispatch[0]}`;
        assert.deepStrictEqual(
          Object.fromEntries([...values].sort()),
          Object.fromEntries([...model.entries].sort()),
          where,
        );
        assert.deepStrictEqual(
          Object.fromEntries([...sets].sort()),
          Object.fromEntries([...expectedSets(values.keys(), values)].sort()),
          `${where}: helper sets`,
        );
      }
      assert.equal(store.stale, false);
      compareMemory(memory, model, `seed ${seed} end`, false);
    }
  },
));

/**
 * Sequences of the Redis store's batch test
 * (`CACHE_PROPERTY_REDIS_BATCH_SEQUENCES` to run more): four of 400
 * events, the rest short.
 */
const REDIS_BATCH_SEQUENCES = runCount(
  "CACHE_PROPERTY_REDIS_BATCH_SEQUENCES",
  1000,
);

Deno.test(redisStoreTest(
  `cache property: Redis applyBatch (random batch sizes) gives every event the same old state as the memory store, and ends equal to the model, over ${REDIS_BATCH_SEQUENCES} sequences`,
  9, // the file's tests run one after another: one database serves both
  async (redis) => {
    for (let n = 0; n < REDIS_BATCH_SEQUENCES; n++) {
      const seed = n < 4 ? 201 + n : 5000 + n;
      await redis.flushdb();
      const options = {
        resources: [...RESOURCES],
        messages: { perChannel: PROPERTY_PER_CHANNEL },
      };
      const store = new RedisCache(redis, options);
      const memory = new MemoryCache(options);
      const model = new Model();
      const sequence = randomSequence(seed, n < 4 ? 400 : shortLength(seed));
      const random = mulberry32(seed);
      for (let i = 0; i < sequence.length;) {
        const batch = sequence.slice(i, i + 1 + Math.floor(random() * 40));
        const updates = await store.applyBatch(
          batch.map(([event, data]) => ({
            event,
            data: structuredClone(data),
          })),
        );
        batch.forEach((dispatch, j) => {
          const expected = memory.apply(
            dispatch[0],
            structuredClone(dispatch[1]),
          );
          assert.deepStrictEqual(
            updates[j]!.old,
            expected.old,
            `seed ${seed} event ${i + j} ${dispatch[0]}: old`,
          );
          model.apply(dispatch);
        });
        i += batch.length;
      }
      await store.flush();
      const { values, sets } = await redisSnapshot(redis);
      assert.deepStrictEqual(
        Object.fromEntries([...values].sort()),
        Object.fromEntries([...model.entries].sort()),
      );
      assert.deepStrictEqual(
        Object.fromEntries([...sets].sort()),
        Object.fromEntries([...expectedSets(values.keys(), values)].sort()),
      );
      assert.equal(store.stale, false);
    }
  },
));
