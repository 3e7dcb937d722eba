// A process that restarts and RESUMEs (the dispatch service after a
// SIGKILL) gets from Discord every event since its last saved sequence,
// which its RedisCache applied before the kill: given positions, a new store
// on the same database applies each of them once.
import assert from "node:assert/strict";
import { RedisCache } from "../../cache/mod.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import { guildMessage } from "./_guild_message.ts";
import { wrapping } from "./_recording_redis.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";

/** A test on a redis-server of its own (every shared database is taken). */
function ownRedisTest(
  name: string,
  fn: (redis: RedisConnection) => Promise<void>,
): Deno.TestDefinition {
  return {
    name,
    ignore: privateRedisIgnored,
    fn: () => withPrivateRedis((_, redis) => fn(redis)),
  };
}

const GUILD = {
  id: "1",
  name: "g",
  owner_id: "7",
  roles: [{ id: "1", name: "@everyone", permissions: "0", position: 0 }],
  emojis: [],
  member_count: 0,
  channels: [{ id: "2", type: 0, guild_id: "1", name: "c", position: 0 }],
  threads: [],
  members: [],
  presences: [],
  voice_states: [],
};

const reaction = (user: number) => ({
  user_id: String(900 + user),
  channel_id: "2",
  message_id: "10",
  guild_id: "1",
  emoji: { id: null, name: "👍" },
  burst: false,
  type: 0,
});

/** A shard 0 position in session `sessionId`. */
const at = (sequence: number, sessionId = "s1") => ({
  shardId: 0,
  sessionId,
  sequence,
});

/** The guild and its message "hi", then five users' 👍 at sequences 2 to 6. */
async function firstRun(redis: RedisConnection): Promise<void> {
  const cache = new RedisCache(redis);
  await cache.apply("GUILD_CREATE", GUILD);
  await cache.apply("MESSAGE_CREATE", guildMessage("10", "2", "1"), at(1));
  const updates = await Promise.all(
    [0, 1, 2, 3, 4].map((u) =>
      cache.apply("MESSAGE_REACTION_ADD", reaction(u), at(2 + u))
    ),
  );
  assert.ok(updates.every((update) => update.old !== undefined));
  await cache.flush();
  assert.equal((await cache.message("2", "10"))!.reactions![0]!.count, 5);
}

Deno.test(ownRedisTest(
  "RedisCache with positions: a restarted store skips the replay of what it applied (count 6, not 11), and applies what follows",
  async (redis) => {
    await firstRun(redis);
    // The restart: a new store, Discord replaying from sequence 1.
    const cache = new RedisCache(redis);
    const replayed = await cache.applyBatch([
      ...[0, 1, 2, 3, 4].map((u) => ({
        event: "MESSAGE_REACTION_ADD",
        data: reaction(u),
        position: at(2 + u),
      })),
      {
        event: "MESSAGE_UPDATE",
        data: guildMessage("10", "2", "1", { content: "edited" }),
        position: at(7),
      },
    ]);
    for (const update of replayed.slice(0, 5)) {
      assert.equal(update.old, undefined);
      assert.deepEqual(update.changes, []);
    }
    const edited = replayed[5]!.old as { content: string; reactions: unknown };
    assert.equal(edited.content, "hi");
    assert.equal(
      (edited.reactions as { count: number }[])[0]!.count,
      5,
    );
    const added = await cache.apply(
      "MESSAGE_REACTION_ADD",
      reaction(5),
      at(8),
    );
    assert.notEqual(added.old, undefined);
    // Its repeat in this same store is a replay too.
    const repeat = await cache.apply(
      "MESSAGE_REACTION_ADD",
      reaction(5),
      at(8),
    );
    assert.equal(repeat.old, undefined);
    const message = (await cache.message("2", "10"))!;
    assert.equal(message.content, "edited");
    assert.equal(message.reactions![0]!.count, 6);
    // One by one too: the replay of the edit, then of the 6th reaction.
    const again = new RedisCache(redis);
    const edit = await again.apply(
      "MESSAGE_UPDATE",
      guildMessage("10", "2", "1", { content: "edited" }),
      at(7),
    );
    assert.equal(edit.old, undefined);
    await again.apply("MESSAGE_REACTION_ADD", reaction(5), at(8));
    assert.equal((await again.message("2", "10"))!.reactions![0]!.count, 6);
  },
));

Deno.test(ownRedisTest(
  "RedisCache with positions: another session's events at the same sequences are applied",
  async (redis) => {
    await firstRun(redis);
    const cache = new RedisCache(redis);
    const updates = await Promise.all(
      [0, 1].map((u) =>
        cache.apply("MESSAGE_REACTION_ADD", reaction(5 + u), at(2 + u, "s2"))
      ),
    );
    assert.ok(updates.every((update) => update.old !== undefined));
    assert.equal((await cache.message("2", "10"))!.reactions![0]!.count, 7);
    // That session is marked now: its replay in a third store is skipped.
    const third = new RedisCache(redis);
    const replay = await third.apply(
      "MESSAGE_REACTION_ADD",
      reaction(6),
      at(3, "s2"),
    );
    assert.equal(replay.old, undefined);
    assert.equal((await third.message("2", "10"))!.reactions![0]!.count, 7);
  },
));

Deno.test(ownRedisTest(
  "RedisCache without positions applies every call, as before",
  async (redis) => {
    await firstRun(redis);
    const cache = new RedisCache(redis);
    const update = await cache.apply("MESSAGE_REACTION_ADD", reaction(0));
    assert.notEqual(update.old, undefined);
    assert.equal((await cache.message("2", "10"))!.reactions![0]!.count, 6);
  },
));

Deno.test(ownRedisTest(
  "RedisCache with positions: a shard handed to another process and back reads the mark again past the gap, and skips what that process applied",
  async (redis) => {
    await firstRun(redis); // this process ("P1") applied through 6
    const p1 = new RedisCache(redis);
    await p1.apply("MESSAGE_REACTION_ADD", reaction(0), at(6)); // a replay
    // P2 runs the session meanwhile and applies 7 and 8.
    const p2 = new RedisCache(redis);
    await p2.apply("MESSAGE_REACTION_ADD", reaction(5), at(7));
    await p2.apply("MESSAGE_REACTION_ADD", reaction(6), at(8));
    // P1 takes it back from a session saved at 7: Discord replays 8.
    const replay = await p1.apply("MESSAGE_REACTION_ADD", reaction(6), at(8));
    assert.equal(replay.old, undefined);
    assert.equal((await p1.message("2", "10"))!.reactions![0]!.count, 7);
    const next = await p1.apply("MESSAGE_REACTION_ADD", reaction(7), at(9));
    assert.notEqual(next.old, undefined);
    assert.equal((await p1.message("2", "10"))!.reactions![0]!.count, 8);
  },
));

Deno.test(ownRedisTest(
  "RedisCache with positions: a store that ran an older session reads the mark of the session another store started, and skips its replay",
  async (redis) => {
    // Process A ran the shard's session s1.
    const a = new RedisCache(redis);
    await a.apply("GUILD_CREATE", GUILD);
    await a.apply("MESSAGE_CREATE", guildMessage("10", "2", "1"), at(1));
    // Process B starts s2 and applies three users' 👍.
    const b = new RedisCache(redis);
    for (const u of [0, 1, 2]) {
      await b.apply("MESSAGE_REACTION_ADD", reaction(u), at(1 + u, "s2"));
    }
    await b.flush();
    // The shard handed to A, which RESUMEs s2: Discord replays 1 to 3,
    // then a 4th user's is new. A's check of s1 says nothing of s2.
    const updates = await a.applyBatch([0, 1, 2, 3].map((u) => ({
      event: "MESSAGE_REACTION_ADD",
      data: reaction(u),
      position: at(1 + u, "s2"),
    })));
    for (const update of updates.slice(0, 3)) {
      assert.equal(update.old, undefined);
    }
    assert.notEqual(updates[3]!.old, undefined);
    assert.equal((await a.message("2", "10"))!.reactions![0]!.count, 4);
  },
));

/**
 * `redis`, whose first pipeline (a batch's reads, the marks' among them) is
 * answered with an error for each command, as a server still loading its
 * data answers: the batch fails.
 */
function firstReadsFail(redis: RedisConnection): RedisConnection {
  let failed = false;
  return wrapping(redis, {
    pipeline: (pipeline) => (...args) => {
      if (failed) return pipeline(...args);
      failed = true;
      return wrapping(
        pipeline(...args) as ReturnType<RedisConnection["pipeline"]>,
        {
          exec: (exec) => async () =>
            ((await exec()) as unknown[] | null)?.map(() => [
              new Error("LOADING Redis is loading the dataset in memory"),
              null,
            ]),
        },
      );
    },
  });
}

Deno.test(ownRedisTest(
  "RedisCache with positions: a batch whose read of the marks failed leaves them unread, and the next batch reads them and skips the replay",
  async (redis) => {
    await firstRun(redis);
    const restarted = new RedisCache(firstReadsFail(redis));
    const failed = await restarted.applyBatch([{
      event: "MESSAGE_REACTION_ADD",
      data: reaction(0),
      position: at(2),
    }]);
    assert.equal(failed[0]!.old, undefined);
    assert.equal((await restarted.message("2", "10"))!.reactions![0]!.count, 5);
    // Discord's replay again (the failed batch's events come back): a
    // replay still, which only a new read of the marks can tell.
    const replay = await restarted.apply(
      "MESSAGE_REACTION_ADD",
      reaction(1),
      at(3),
    );
    assert.equal(replay.old, undefined);
    assert.equal((await restarted.message("2", "10"))!.reactions![0]!.count, 5);
  },
));

Deno.test(ownRedisTest(
  "RedisCache with positions: a position no session can have (a negative shard, an empty session id, a sequence that is no integer) is applied every time, and marks nothing",
  async (redis) => {
    await firstRun(redis);
    const marks = await redis.hgetall("disruption_cache_applied");
    const cache = new RedisCache(redis);
    const odd = [
      { shardId: -1, sessionId: "s1", sequence: 7 },
      { shardId: 0, sessionId: "", sequence: 7 },
      { shardId: 0, sessionId: "s1", sequence: 7.5 },
    ];
    let user = 5;
    for (const position of odd) {
      // Its repeat too: nothing says it was applied.
      for (const _ of [1, 2]) {
        const update = await cache.apply(
          "MESSAGE_REACTION_ADD",
          reaction(user++),
          position,
        );
        assert.notEqual(update.old, undefined, JSON.stringify(position));
      }
    }
    assert.equal((await cache.message("2", "10"))!.reactions![0]!.count, 11);
    assert.deepEqual(await redis.hgetall("disruption_cache_applied"), marks);
  },
));

Deno.test(ownRedisTest(
  "RedisCache with positions: a session id holding colons is marked whole, and a restarted store skips its replay",
  async (redis) => {
    const sessionId = "a:b:c";
    const first = new RedisCache(redis);
    await first.apply("GUILD_CREATE", GUILD);
    await first.apply(
      "MESSAGE_CREATE",
      guildMessage("10", "2", "1"),
      at(1, sessionId),
    );
    await first.apply("MESSAGE_REACTION_ADD", reaction(0), at(2, sessionId));
    await first.flush();
    const restarted = new RedisCache(redis);
    const replay = await restarted.apply(
      "MESSAGE_REACTION_ADD",
      reaction(0),
      at(2, sessionId),
    );
    assert.equal(replay.old, undefined);
    assert.equal(
      (await restarted.message("2", "10"))!.reactions![0]!.count,
      1,
    );
  },
));

Deno.test(ownRedisTest(
  "RedisCache with positions: a session's consecutive events read the marks once, and again only past a gap in its sequences (not after a replay)",
  async (redis) => {
    let reads = 0;
    const counted = wrapping(redis, {
      pipeline: (pipeline) => (...args) =>
        wrapping(pipeline(...args) as object, {
          hmget: (hmget) => (...hmgetArgs) => {
            if (hmgetArgs[0] === "disruption_cache_applied") reads++;
            return hmget(...hmgetArgs);
          },
        }),
    });
    const cache = new RedisCache(counted);
    await cache.apply("GUILD_CREATE", GUILD);
    await cache.apply("MESSAGE_CREATE", guildMessage("10", "2", "1"), at(1));
    for (let sequence = 2; sequence <= 5; sequence++) {
      await cache.apply(
        "MESSAGE_REACTION_ADD",
        reaction(sequence),
        at(sequence),
      );
    }
    assert.equal(reads, 1, "the session's first event alone");
    // 6 went to another process: 7 reads the marks again.
    await cache.apply("MESSAGE_REACTION_ADD", reaction(7), at(7));
    assert.equal(reads, 2);
    await cache.apply("MESSAGE_REACTION_ADD", reaction(8), at(8));
    // A replay of 4 is skipped, and 9 follows 8: no gap either.
    const replay = await cache.apply(
      "MESSAGE_REACTION_ADD",
      reaction(4),
      at(4),
    );
    assert.equal(replay.old, undefined);
    await cache.apply("MESSAGE_REACTION_ADD", reaction(9), at(9));
    assert.equal(reads, 2);
    assert.equal((await cache.message("2", "10"))!.reactions![0]!.count, 7);
  },
));
