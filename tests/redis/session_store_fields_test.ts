// RedisSessionStore's fields read back as written, and the shard count of
// `gateway_shards` only where an entry has none: a session's intents and
// bot id (the identity check of a restored session: another bot's session,
// or one of other intents, must not be resumed), an entry's own shard count
// over the latest save's (a reshard's old and new sessions side by side),
// and a delete leaving `gateway_shards` alone (the dispatch service's
// entries, written without a count, take it). Also the warnings of a save
// dropping entries and members at once, and a load against a connection
// that keeps answering nil for a key it calls a string.
import assert from "node:assert/strict";
import { type RedisConnection, RedisSessionStore } from "../../redis/mod.ts";
import type { SavedSession } from "../../gateway/mod.ts";
import { testRedis } from "../_fakes/servers.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { withSessionStore } from "./_session_store.ts";

const server = testRedis();

const session = (
  shardId: number,
  fields: Partial<SavedSession> = {},
): SavedSession => ({
  shardId,
  shardCount: 16,
  sessionId: `session-${shardId}`,
  sequence: 100,
  resumeUrl: `wss://resume-${shardId}.example/`,
  savedAt: 1_764_650_000_123,
  ...fields,
});

Deno.test({
  name:
    "RedisSessionStore: a session's intents and bot id are stored and loaded back (load and loadAll)",
  ignore: server.ignore,
  fn: () =>
    withSessionStore(server.url, async (store, redis, { key }) => {
      const withIdentity = session(2, {
        intents: 33_281,
        botId: "1234567890123456789",
      });
      const without = session(3);
      await store.save([withIdentity, without]);
      const stored = JSON.parse((await redis.get(key))!);
      assert.equal(stored["2"].intents, 33_281);
      assert.equal(stored["2"].bot_id, "1234567890123456789");
      assert.deepEqual(await store.load(2), withIdentity);
      assert.deepEqual(await store.loadAll(), [withIdentity, without]);
    }),
});

Deno.test({
  name:
    "RedisSessionStore: an entry's own shard count wins over gateway_shards, which only fills in entries without one",
  ignore: server.ignore,
  fn: () =>
    withSessionStore(server.url, async (store, redis, keys) => {
      // Shard 1 saved at 16 shards, then shard 0 at 32 (a reshard): the
      // latest save's count is 32, shard 1's entry still says 16.
      await store.save([session(1)]);
      await store.save([session(0, { shardCount: 32 })]);
      assert.equal(await redis.get(keys.shardCountKey), "32");
      const stored = JSON.parse((await redis.get(keys.key))!);
      stored["5"] = { session_id: "dispatch-5", sequence: 9 };
      await redis.set(keys.key, JSON.stringify(stored));
      assert.deepEqual(
        (await store.loadAll()).map((s) => [s.shardId, s.shardCount]),
        [[0, 32], [1, 16], [5, 32]],
      );
    }),
});

Deno.test({
  name:
    "RedisSessionStore: delete and deleteMany leave gateway_shards as it was, so entries without a shard count still load",
  ignore: server.ignore,
  fn: () =>
    withSessionStore(server.url, async (store, redis, keys) => {
      // The dispatch service's layout: no shard_count in the entries.
      await redis.set(
        keys.key,
        JSON.stringify({
          "0": { session_id: "a", sequence: 1, resume_url: "wss://r/" },
          "1": { session_id: "b", sequence: 2, resume_url: "wss://r/" },
          "2": { session_id: "c", sequence: 3, resume_url: "wss://r/" },
        }),
      );
      await redis.set(keys.shardCountKey, "4");
      await store.delete(1);
      await store.deleteMany([2]);
      assert.equal(await redis.get(keys.shardCountKey), "4");
      assert.deepEqual(await store.loadAll(), [{
        shardId: 0,
        shardCount: 4,
        sessionId: "a",
        sequence: 1,
        resumeUrl: "wss://r/",
        savedAt: 0,
      }]);
    }),
});

Deno.test({
  name:
    "RedisSessionStore: a save dropping over 10 entries and a member that is no shard's names that member, not an 11th entry",
  ignore: server.ignore,
  fn: () =>
    withSessionStore(server.url, async (store, redis, { key }) => {
      // 12 entries beyond the double range (cjson refuses to encode them)
      // and one member that is no shard id.
      const bad = Array.from(
        { length: 12 },
        (_, i) => `"${i + 3}":{"session_id":"x","sequence":1e999}`,
      );
      await redis.set(key, `{${bad.join(",")},"note":1}`);
      const said = await captureStderr(() => store.save([session(1)]));
      assert.equal(said.length, 2, said.join("\n"));
      assert.match(
        said[0]!,
        /held 12 entries .* for 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 and 2 more:/,
      );
      assert.match(
        said[1]!,
        /held 1 member that is no shard's session \(their key is not a shard id\): "note": dropped/,
      );
      assert.deepEqual(
        (await store.loadAll()).map((s) => s.shardId),
        [1],
      );
    }),
});

Deno.test(
  "RedisSessionStore: a connection answering nil for a key it calls a string is read twice, then loads no sessions",
  async () => {
    // A save by another process between MGET and TYPE is read again once;
    // a connection that keeps saying so is not read for ever.
    let reads = 0;
    const redis = {
      mget: () => {
        reads++;
        // Bounded, so that a store reading for ever ends the test anyway.
        return Promise.resolve(reads > 10 ? ["{}", null] : [null, null]);
      },
      type: () => Promise.resolve("string"),
    } as unknown as RedisConnection;
    const store = new RedisSessionStore(redis);
    assert.deepEqual(await store.loadAll(), []);
    assert.equal(reads, 2);
  },
);

Deno.test({
  name:
    "RedisSessionStore: an entry whose resume_url or intents or bot_id is null loads without it",
  ignore: server.ignore,
  fn: () =>
    withSessionStore(server.url, async (store, redis, keys) => {
      await redis.set(
        keys.key,
        JSON.stringify({
          "1": {
            session_id: "abc",
            sequence: 7,
            resume_url: null,
            shard_count: 4,
            intents: null,
            bot_id: null,
          },
        }),
      );
      const said = await captureStderr(async () => {
        assert.deepEqual(await store.loadAll(), [{
          shardId: 1,
          shardCount: 4,
          sessionId: "abc",
          sequence: 7,
          savedAt: 0,
        }]);
      });
      assert.deepEqual(said, []);
    }),
});
