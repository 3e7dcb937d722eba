// A batch over CHUNK_COMMANDS writes is sent as several transactions, one
// after another: a process killed between two of them has committed the
// first only. Its applied marks must vouch for exactly that: each chunk
// ends with the marks of the dispatches written whole by then, or the
// restarted process applied the replay of what the first chunk held a
// second time (five reactions counted ten, the cache fresh).
import assert from "node:assert/strict";
import { RedisCache } from "../../cache/mod.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { guildMessage } from "./_guild_message.ts";
import { wrapping } from "./_recording_redis.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";

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

/** 3,000 members: more writes than one chunk takes. */
const chunk = {
  guild_id: "1",
  chunk_index: 0,
  chunk_count: 1,
  members: Array.from({ length: 3_000 }, (_, i) => ({
    user: { id: String(10_000 + i), username: `u${i}` },
    roles: [],
    joined_at: "2024-01-01T00:00:00.000000+00:00",
    deaf: false,
    mute: false,
  })),
};

/**
 * `redis`, whose transactions after the first `allowed` from now are never
 * sent: the process "killed" between two chunks of a batch. `cut` resolves
 * when the first is held back (the chunks before it were answered: a batch
 * sends its next chunk only then).
 */
function cutAfter(
  redis: RedisConnection,
  allowed: number,
): { redis: RedisConnection; cut: Promise<void> } {
  let left = allowed;
  const { promise: cut, resolve } = Promise.withResolvers<void>();
  const proxy = wrapping(redis, {
    multi: (multi) => (...args) => {
      if (left-- > 0) return multi(...args);
      resolve();
      return { exec: () => new Promise(() => {}) };
    },
  });
  return { redis: proxy, cut };
}

const at = (sequence: number) => ({ shardId: 0, sessionId: "s1", sequence });

Deno.test({
  name:
    "RedisCache: a kill between a batch's chunks leaves marks for what the sent chunks hold, and the replay is applied once",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      const first = new RedisCache(redis);
      await first.apply("GUILD_CREATE", GUILD);
      await first.apply("MESSAGE_CREATE", guildMessage("10", "2", "1"), at(1));
      await first.flush();
      // One batch: five reactions, then members past a chunk. Only the
      // first transaction goes out.
      const cutting = cutAfter(redis, 1);
      // Its silence watch on a clock of its own: the held transaction is
      // never answered, and a "dead" process's timer must not outlive it.
      const killed = new RedisCache(cutting.redis, {
        scheduler: new VirtualScheduler(),
      });
      const batch = [
        ...[0, 1, 2, 3, 4].map((u) => ({
          event: "MESSAGE_REACTION_ADD",
          data: reaction(u),
          position: at(2 + u),
        })),
        { event: "GUILD_MEMBERS_CHUNK", data: chunk, position: at(7) },
      ];
      void killed.applyBatch(batch); // never settles: "killed"
      await cutting.cut;
      await redis.ping(); // the first transaction was run by now
      const sent = await first.message("2", "10");
      assert.equal(sent!.reactions![0]!.count, 5, "the first chunk arrived");
      // The restart: Discord replays from sequence 1.
      const restarted = new RedisCache(redis);
      const replayed = await restarted.applyBatch(batch);
      for (const update of replayed.slice(0, 5)) {
        assert.equal(update.old, undefined, "a replay of the sent chunk");
      }
      await restarted.flush();
      const message = await restarted.message("2", "10");
      assert.equal(message!.reactions![0]!.count, 5);
      assert.equal(restarted.stale, false);
      // The members, whose chunk never went out, are written now.
      assert.notEqual(await restarted.member("1", "12999"), undefined);
    }),
});
