// The Redis store on a healthy Redis under the READY burst of big guilds: a
// GUILD_CREATE of tens of thousands of members and presences writes three
// commands each. Sent as one pipeline, they were all unanswered at once
// (past MAX_UNANSWERED_WRITES), and counted as waiting entities until
// written (past MAX_WAITING_ENTITIES): the dispatches right behind were
// dropped and the cache went stale at every session start.
import assert from "node:assert/strict";
import { type CacheUpdate, RedisCache } from "../../cache/mod.ts";
import type { RedisConnection } from "../../redis/mod.ts";
import {
  privateRedisIgnored,
  withPrivateRedis,
} from "./_private_redis_store.ts";
import { guildMessage } from "./_guild_message.ts";
import { createdGuild } from "./_created_guild.ts";
import { fetchReads } from "../../cache/redis_reads.ts";
import { removeChannelMessages } from "../../cache/redis_message_removal.ts";
import { dropWrongTyped } from "../../cache/redis_wrong_type.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { recordingMgets, wrapping } from "./_recording_redis.ts";

/** A GUILD_CREATE of guild `id` with `people` members, each with a presence. */
function bigGuild(id: string, people: number): Record<string, unknown> {
  const ids = Array.from({ length: people }, (_, i) => String(1_000_000 + i));
  return {
    id,
    name: "g",
    roles: [],
    emojis: [],
    channels: [{ id: `${id}0`, type: 0, name: "c" }],
    members: ids.map((userId) => ({
      user: { id: userId, username: "u" },
      roles: [],
      joined_at: "2024-01-01T00:00:00.000000+00:00",
      deaf: false,
      mute: false,
    })),
    presences: ids.map((userId) => ({
      user: { id: userId },
      status: "online",
      activities: [],
    })),
  };
}

/**
 * Call `then` once, in the same turn as the first pipeline or transaction
 * of `min` commands or more is sent on `redis` (before any answer can
 * come): a dispatch arriving while a batch's writes are in flight.
 */
function onceWritesSent(
  redis: RedisConnection,
  min: number,
  then: () => void,
): void {
  let done = false;
  for (const method of ["pipeline", "multi"] as const) {
    const create = redis[method].bind(redis) as (
      ...args: unknown[]
    ) => { length: number; exec: (...args: unknown[]) => unknown };
    (redis as unknown as Record<string, unknown>)[method] = (
      ...args: unknown[]
    ) => {
      const queued = create(...args);
      const exec = queued.exec.bind(queued);
      queued.exec = (...execArgs: unknown[]) => {
        const length = queued.length;
        const sent = exec(...execArgs);
        if (!done && length >= min) {
          done = true;
          queueMicrotask(then); // once the store has counted what it sent
        }
        return sent;
      };
      return queued;
    };
  }
}

Deno.test({
  name:
    "RedisCache: a GUILD_CREATE of 20,000 members and 20,000 presences on a healthy Redis does not drop the dispatch that comes while its writes are in flight",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      const stale: unknown[] = [];
      const cache = new RedisCache(redis, {
        onStale: (error) => stale.push(error),
      });
      const message = guildMessage("5", "10", "1");
      let behind: Promise<CacheUpdate> | undefined;
      onceWritesSent(redis, 1_000, () => {
        behind = cache.apply("MESSAGE_CREATE", message);
      });
      const created = await cache.apply("GUILD_CREATE", bigGuild("1", 20_000));
      assert.ok(behind, "it came while the guild's writes were in flight");
      const update = await behind;
      await cache.flush();
      assert.deepEqual(stale, []);
      assert.equal(cache.stale, false);
      assert.ok(created.changes.length > 40_000, "the guild was taken");
      assert.notEqual(update.changes.length, 0, "the message was taken");
      assert.equal((await cache.message("10", "5"))?.content, "hi");
      // The members, the presences and the channel.
      assert.equal(await redis.scard("guild_keys:1"), 40_001);
    }),
});

Deno.test({
  name:
    "RedisCache: three GUILD_CREATEs of 40,000 entities each arriving together on a healthy Redis are all taken and written",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis) => {
      const stale: unknown[] = [];
      const cache = new RedisCache(redis, {
        onStale: (error) => stale.push(error),
      });
      const ids = ["1", "2", "3"];
      // Not awaited one by one, as the gateway hands them over.
      const updates = await Promise.all(
        ids.map((id) => cache.apply("GUILD_CREATE", bigGuild(id, 20_000))),
      );
      await cache.flush();
      assert.deepEqual(stale, []);
      assert.equal(cache.stale, false);
      for (const [i, id] of ids.entries()) {
        assert.ok(updates[i]!.changes.length > 40_000, `guild ${id} taken`);
        assert.equal(await redis.scard(`guild_keys:${id}`), 40_001);
        assert.equal(createdGuild(await cache.guild(id))?.name, "g");
      }
    }),
});

/**
 * `redis`, whose EVALs and MULTI/EXECs (each of which Redis runs whole,
 * answering no other client meanwhile) push to `removed`, while
 * `counting.on`, how many keys of the database each removed: DBSIZE on
 * `admin` before and after, one at a time (the server is the test's own).
 */
function countingRemovals(
  redis: RedisConnection,
  admin: RedisConnection,
  removed: number[],
  counting: { on: boolean },
): RedisConnection {
  let turn: Promise<unknown> = Promise.resolve();
  const counted = <T>(send: () => Promise<T>): Promise<T> => {
    if (!counting.on) return send();
    const run = turn.then(async () => {
      const before = await admin.dbsize();
      const result = await send();
      removed.push(before - await admin.dbsize());
      return result;
    });
    turn = run.catch(() => {});
    return run;
  };
  return wrapping(redis, {
    eval: (evaluate) => (...args) =>
      counted(() => evaluate(...args) as Promise<unknown>),
    multi: (multi) => (...args) => {
      const queued = multi(...args) as { exec: () => Promise<unknown> };
      const exec = queued.exec.bind(queued);
      queued.exec = () => counted(exec);
      return queued;
    },
  });
}

/** Message `i`'s id: snowflakes 1 ms apart. */
const messageId = (i: number): string =>
  String(1_200_000_000_000_000_000n + BigInt(i) * 4_194_304n);

/** A GUILD_CREATE of guild 1 with text channels 100, 101, … (`count`). */
function channelsGuild(count: number): Record<string, unknown> {
  return {
    id: "1",
    name: "g",
    roles: [],
    emojis: [],
    members: [],
    channels: Array.from({ length: count }, (_, c) => ({
      id: String(100 + c),
      type: 0,
      name: `c${c}`,
    })),
  };
}

Deno.test({
  name:
    "RedisCache: a GUILD_DELETE of 30 channels of 100 messages removes them a chunk of about 1,000 keys a script, not all in one",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, plain, admin) => {
      const removed: number[] = [];
      const counting = { on: false };
      const redis = countingRemovals(plain, admin, removed, counting);
      const cache = new RedisCache(redis);
      await cache.apply("GUILD_CREATE", channelsGuild(30));
      for (let from = 0; from < 3_000; from += 1_000) {
        await cache.applyBatch(
          Array.from({ length: 1_000 }, (_, i) => ({
            event: "MESSAGE_CREATE",
            data: guildMessage(
              messageId(from + i),
              String(100 + ((from + i) % 30)),
              "1",
            ),
          })),
        );
      }
      await cache.flush();
      assert.equal(await admin.scard("message_keys"), 3_000);
      counting.on = true;
      await cache.apply("GUILD_DELETE", { id: "1" });
      await cache.flush();
      counting.on = false;
      assert.equal(cache.stale, false);
      const most = Math.max(...removed);
      // 1,000 messages and the sets of the channels they emptied.
      assert.ok(most <= 1_100, `one script removed ${most} keys`);
      assert.ok(removed.reduce((a, b) => a + b, 0) >= 3_030);
      // Nothing left behind, nothing listed that is gone.
      assert.equal(await admin.scard("message_keys"), 0);
      assert.deepEqual(await admin.keys("channel_keys:*"), []);
      assert.deepEqual(await admin.keys("message:*"), []);
    }),
});

Deno.test({
  name:
    "RedisCache: a CHANNEL_DELETE of a channel of 3,000 messages removes them a chunk of about 1,000 keys a script, then the channel",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, plain, admin) => {
      const removed: number[] = [];
      const counting = { on: false };
      const redis = countingRemovals(plain, admin, removed, counting);
      const cache = new RedisCache(redis, { messages: { perChannel: 5_000 } });
      await cache.apply("GUILD_CREATE", channelsGuild(2));
      for (let from = 0; from < 3_000; from += 1_000) {
        await cache.applyBatch(
          Array.from({ length: 1_000 }, (_, i) => ({
            event: "MESSAGE_CREATE",
            data: guildMessage(messageId(from + i), "100", "1"),
          })),
        );
      }
      await cache.apply(
        "MESSAGE_CREATE",
        guildMessage(messageId(0), "101", "1"),
      );
      await cache.flush();
      assert.equal(await admin.scard("channel_keys:100"), 3_000);
      counting.on = true;
      // In a batch, a message of it before and one of another channel after.
      await cache.applyBatch([
        {
          event: "MESSAGE_CREATE",
          data: guildMessage(messageId(5_000), "100", "1"),
        },
        {
          event: "CHANNEL_DELETE",
          data: { id: "100", type: 0, guild_id: "1" },
        },
        {
          event: "MESSAGE_CREATE",
          data: guildMessage(messageId(5_001), "101", "1"),
        },
      ]);
      await cache.flush();
      counting.on = false;
      assert.equal(cache.stale, false);
      const most = Math.max(...removed);
      assert.ok(most <= 1_100, `one script removed ${most} keys`);
      assert.equal(await cache.channel("100"), undefined);
      assert.equal(await admin.exists("channel_keys:100"), 0);
      assert.deepEqual(await admin.keys("message:100:*"), []);
      assert.deepEqual(
        (await admin.smembers("message_keys")).sort(),
        [`message:101:${messageId(0)}`, `message:101:${messageId(5_001)}`],
      );
      assert.equal(await admin.scard("channel_keys:101"), 2);
      // The channel kind set's whole marker ("") aside.
      assert.deepEqual(
        (await admin.smembers("guild_kind_keys:1:channel")).filter(Boolean),
        ["channel:101"],
      );
    }),
});

Deno.test({
  name:
    "RedisCache: a MESSAGE_DELETE_BULK of 200,000 ids reads and deletes the messages its channel holds, not a key per id",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, plain, admin) => {
      const read: string[] = [];
      const stale: unknown[] = [];
      const cache = new RedisCache(recordingMgets(plain, read), {
        onStale: (error) => stale.push(error),
      });
      await cache.apply("GUILD_CREATE", channelsGuild(2));
      for (let i = 0; i < 5; i++) {
        await cache.apply(
          "MESSAGE_CREATE",
          guildMessage(messageId(i), "100", "1"),
        );
      }
      await cache.flush();
      // Discord sends 100 ids at most: each id of a hostile frame was a key
      // read and a delete, 150 µs each (32 s for these), the store's later
      // dispatches queued behind.
      const ids = Array.from(
        { length: 200_000 },
        (_, i) => String(1_000_000 + i),
      );
      ids.splice(100_000, 0, messageId(3), messageId(1), messageId(3));
      // Channel 101 is held with no message, 555 is not held.
      for (
        const [channelId, held] of [["101", 0], ["555", 0], ["100", 5]] as const
      ) {
        read.length = 0;
        const { changes, old } = await cache.apply("MESSAGE_DELETE_BULK", {
          ids,
          channel_id: channelId,
          guild_id: "1",
        });
        // The guild and the channel, and the messages the channel holds.
        const messages = read.filter((key) => key.startsWith("message:"));
        assert.equal(
          messages.length,
          held,
          `channel ${channelId}: message keys read`,
        );
        assert.ok(read.length < 10, `channel ${channelId}: ${read.length}`);
        assert.equal(changes.length, held === 0 ? 0 : 2, channelId);
        assert.deepEqual(
          (old as { id: string }[] | undefined)?.map((m) => m.id),
          held === 0 ? undefined : [messageId(3), messageId(1)],
        );
      }
      await cache.flush();
      assert.deepEqual(stale, []);
      assert.deepEqual(
        (await admin.smembers("channel_keys:100")).sort(),
        [0, 2, 4].map((i) => `message:100:${messageId(i)}`).sort(),
      );
    }),
});

Deno.test({
  name:
    "fetchReads: a list of 200,000 ids read whole is fetched, ids and values",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      // A guild's list read whole (a hostile GUILD_CREATE of 200,000 emojis,
      // then its GUILD_EMOJIS_UPDATE) was spread into one call's arguments:
      // a RangeError, logged as a Redis failure, every time. Written as the
      // store keeps a channel's messages: fast, where a guild of as many
      // emojis takes the store half a minute.
      const ids = Array.from({ length: 200_000 }, (_, i) => String(1_000 + i));
      const pipeline = admin.pipeline();
      for (let from = 0; from < ids.length; from += 10_000) {
        const keys = ids.slice(from, from + 10_000).map((id) =>
          `message:100:${id}`
        );
        pipeline.sadd("channel_keys:100", keys);
        pipeline.mset(keys.flatMap((key) => [key, JSON.stringify({ key })]));
      }
      await pipeline.exec();
      const lookup = await fetchReads(redis, [
        { type: "all", kind: "message", scope: "100" },
      ]);
      assert.equal([...lookup.ids("message", "100")].length, 200_000);
      assert.deepEqual(lookup.get("message", "100", "1234"), {
        key: "message:100:1234",
      });
    }),
});

Deno.test({
  name:
    "removeChannelMessages: the messages of 300,000 channels are removed without spreading one key a channel into one call (a RangeError), a chunk of channels a script",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      // A hostile guild's channels, removed together (each a CHANNEL_DELETE
      // of one batch, a THREAD_LIST_SYNC's threads): one key a channel in
      // one EVAL's arguments overflowed the stack past some 125,000.
      const ids = Array.from({ length: 300_000 }, (_, i) => String(1_000 + i));
      const held = [ids[0]!, ids[150_000]!, ids.at(-1)!];
      for (const id of held) {
        await admin.sadd(`channel_keys:${id}`, `message:${id}:1`);
        await admin.sadd("message_keys", `message:${id}:1`);
        await admin.set(`message:${id}:1`, "{}");
      }
      const scripts: number[] = [];
      const evaluate = redis.eval.bind(redis);
      redis.eval = ((script: string, keys: number, ...args: string[]) => {
        scripts.push(keys);
        return evaluate(script, keys, ...args);
      }) as typeof redis.eval;
      await removeChannelMessages(redis, ids);
      assert.deepEqual(await admin.keys("*"), []);
      assert.ok(Math.max(...scripts) <= 1_000, `${Math.max(...scripts)} keys`);
    }),
});

Deno.test({
  name:
    "dropWrongTyped: 200,000 index keys of another type are deleted a chunk of keys a DEL, not spread into one call (a RangeError)",
  ignore: privateRedisIgnored,
  fn: () =>
    withPrivateRedis(async (_, redis, admin) => {
      // A batch's per-channel sets (a guild of that many channels), all
      // found holding strings after a WRONGTYPE.
      const keys = Array.from(
        { length: 200_000 },
        (_, i) => `channel_keys:${1_000 + i}`,
      );
      for (let from = 0; from < keys.length; from += 10_000) {
        await admin.mset(
          keys.slice(from, from + 10_000).flatMap((key) => [key, "x"]),
        );
      }
      await captureStderr(async () => {
        assert.equal((await dropWrongTyped(redis, keys)).length, 200_000);
      });
      assert.equal(await admin.dbsize(), 0);
    }),
});
