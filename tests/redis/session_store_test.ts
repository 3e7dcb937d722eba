// RedisSessionStore against a real Redis: the SessionStore contract, the
// dispatch service's `gateway_sessions` layout both ways, concurrent saves
// from several processes, and hostile stored values.
import assert from "node:assert/strict";
import {
  closeRedis,
  connectRedis,
  type RedisConnection,
  RedisSessionStore,
} from "../../redis/mod.ts";
import type { SavedSession } from "../../gateway/mod.ts";
import { testRedis } from "../_fakes/servers.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { type SessionKeys, withSessionStore } from "./_session_store.ts";
import { countingScripts, type ScriptRun } from "../_fakes/counted_scripts.ts";

const server = testRedis();

function withStore(
  fn: (
    store: RedisSessionStore,
    redis: RedisConnection,
    keys: SessionKeys,
  ) => Promise<void>,
): Promise<void> {
  return withSessionStore(server.url, fn);
}

const session = (
  shardId: number,
  extra: Partial<SavedSession> = {},
): SavedSession => ({
  shardId,
  shardCount: 4,
  sessionId: `session-${shardId}`,
  sequence: 100 + shardId,
  resumeUrl: `wss://resume-${shardId}.example/`,
  savedAt: 1_764_650_000_123,
  ...extra,
});

Deno.test({
  name:
    "RedisSessionStore: save, load, loadAll, delete; writes the dispatch layout",
  ignore: server.ignore,
  fn: () =>
    withStore(async (store, redis, keys) => {
      assert.equal(await store.load(0), undefined);
      assert.deepEqual(await store.loadAll(), []);
      const { resumeUrl: _, ...noUrl } = session(0);
      await store.save([session(2), noUrl]);
      assert.deepEqual(await store.load(2), session(2));
      assert.deepEqual(await store.load(0), noUrl);
      assert.deepEqual(
        (await store.loadAll()).map((s) => s.shardId),
        [0, 2],
      );
      // The dispatch service's layout, with the two additions.
      const raw = JSON.parse((await redis.get(keys.key))!);
      assert.deepEqual(raw["2"], {
        session_id: "session-2",
        sequence: 102,
        resume_url: "wss://resume-2.example/",
        shard_count: 4,
        saved_at: 1_764_650_000_123,
      });
      assert.equal(await redis.get(keys.shardCountKey), "4");
      // A later save of one shard keeps the other.
      await store.save([session(2, { sequence: 999 })]);
      assert.equal((await store.load(2))?.sequence, 999);
      assert.equal((await store.load(0))?.sequence, 100);
      await store.delete(2);
      assert.equal(await store.load(2), undefined);
      await store.delete(0);
      await store.delete(7); // nothing saved: no-op
      assert.deepEqual(await store.loadAll(), []);
      assert.equal(await redis.get(keys.key), "{}");
    }),
});

Deno.test({
  name:
    "RedisSessionStore: reads entries the dispatch service wrote (no shard_count, no saved_at)",
  ignore: server.ignore,
  fn: () =>
    withStore(async (store, redis, keys) => {
      await redis.set(
        keys.key,
        JSON.stringify({
          "1": {
            session_id: "abc",
            sequence: 7,
            resume_url: "wss://r/",
            saved_at: 5,
          },
          "3": { session_id: "def", sequence: 9 },
        }),
      );
      await redis.set(keys.shardCountKey, "4");
      assert.deepEqual(await store.loadAll(), [
        {
          shardId: 1,
          shardCount: 4,
          sessionId: "abc",
          sequence: 7,
          resumeUrl: "wss://r/",
          savedAt: 5,
        },
        {
          shardId: 3,
          shardCount: 4,
          sessionId: "def",
          sequence: 9,
          savedAt: 0,
        },
      ]);
    }),
});

Deno.test({
  name:
    "RedisSessionStore: four processes saving their own shards at once lose no entry",
  ignore: server.ignore,
  fn: () =>
    withStore(async (_store, _redis, keys) => {
      const connections = await Promise.all(
        [0, 1, 2, 3].map(() => connectRedis({ url: server.url })),
      );
      try {
        const stores = connections.map((c) => new RedisSessionStore(c, keys));
        // 4 processes x 25 rounds, each saving its shard with a new sequence:
        // a read-modify-write outside Redis would drop entries here.
        await Promise.all(stores.map(async (store, process) => {
          for (let round = 0; round < 25; round++) {
            await store.save([
              session(process, { sequence: round, shardCount: 4 }),
            ]);
          }
        }));
        const all = await stores[0]!.loadAll();
        assert.deepEqual(
          all.map((s) => [s.shardId, s.sequence]),
          [[0, 24], [1, 24], [2, 24], [3, 24]],
        );
      } finally {
        await Promise.all(connections.map(closeRedis));
      }
    }),
});

Deno.test({
  name:
    "RedisSessionStore: malformed entries are skipped, a non-object value is replaced on save",
  ignore: server.ignore,
  fn: () =>
    withStore(async (store, redis, keys) => {
      await redis.set(
        keys.key,
        JSON.stringify({
          // An empty session_id is "no session" (twilight-dispatch's), skipped
          // quietly (session_store_no_session_test.ts): a number is no ID.
          "0": { session_id: 7, sequence: 1, shard_count: 2 },
          "1": { session_id: "ok", sequence: 2, shard_count: 2, saved_at: 9 },
          "5": { session_id: "x", sequence: 2, shard_count: 2 }, // id >= count
          "-1": { session_id: "x", sequence: 2, shard_count: 2 },
          "abc": { session_id: "x", sequence: 2, shard_count: 2 },
          "2": "not an object",
        }),
      );
      const skipped = await captureStderr(async () => {
        assert.deepEqual(
          (await store.loadAll()).map((s) => s.shardId),
          [1],
        );
      });
      // Said once, naming the shards ("-1" and "abc" are none).
      assert.equal(skipped.length, 1);
      assert.match(skipped[0]!, /holds 3 entries .*: 0 \(.*, 2 \(.*, 5 \(/);
      await redis.set(keys.key, "[1,2");
      const lines = await captureStderr(async () => {
        assert.deepEqual(await store.loadAll(), []);
        await store.save([session(1)]);
      });
      assert.deepEqual(lines.map((line) => line.replace(/ \(.*/, "")), [
        `[WRN] disruption·redis·session_store: Redis key ${keys.key} holds a string that is not JSON where a JSON object of sessions belongs`,
        `[WRN] disruption·redis·session_store: Redis key ${keys.key} did not hold a JSON object of sessions`,
      ]);
      assert.deepEqual((await store.loadAll()).map((s) => s.shardId), [1]);
    }),
});

Deno.test({
  name:
    "RedisSessionStore: bad sessions and shard ids are typed errors, nothing saved",
  ignore: server.ignore,
  fn: () =>
    withStore(async (store) => {
      await assert.rejects(
        store.save([session(0), session(5)]), // shard 5 of 4
        RangeError,
      );
      await assert.rejects(
        store.save([session(0, { sessionId: 5 as unknown as string })]),
        TypeError,
      );
      await assert.rejects(
        store.save("nope" as unknown as SavedSession[]),
        TypeError,
      );
      assert.deepEqual(await store.loadAll(), []);
      await assert.rejects(store.load(-1), RangeError);
      await assert.rejects(store.delete(1.5), RangeError);
      assert.throws(
        () => new RedisSessionStore(undefined as never, { key: "" }),
        TypeError,
      );
    }),
});

Deno.test({
  name:
    "RedisSessionStore: a key of another type loads as no sessions, shown, and the next save replaces it",
  ignore: server.ignore,
  fn: () =>
    withStore(async (store, redis, keys) => {
      // A hash where the JSON string belongs failed every save with
      // WRONGTYPE, and loaded as no sessions without a word.
      await redis.hset(keys.key, "0", "x");
      let loaded: SavedSession[] | undefined;
      const onLoad = await captureStderr(async () => {
        loaded = await store.loadAll();
      });
      assert.deepEqual(loaded, []);
      assert.equal(onLoad.length, 1);
      assert.match(
        onLoad[0]!,
        /^\[WRN\] disruption·redis·session_store: Redis key \S+ holds a hash where a JSON object of sessions belongs.*the next save replaces it/,
      );
      const onSave = await captureStderr(() => store.save([session(1)]));
      assert.equal(onSave.length, 1);
      assert.match(
        onSave[0]!,
        /did not hold a JSON object of sessions.*replaced/,
      );
      assert.equal(await redis.type(keys.key), "string");
      assert.deepEqual(await store.loadAll(), [session(1)]);
      // Deleting replaces it too.
      await redis.del(keys.key);
      await redis.sadd(keys.key, "x");
      await captureStderr(() => store.deleteMany([1]));
      assert.equal(await redis.get(keys.key), "{}");
      // JSON that is no object is shown as well.
      await redis.set(keys.key, "[1,2]");
      const onArray = await captureStderr(() => store.loadAll());
      assert.match(onArray.join("\n"), /holds JSON that is not an object/);
      // Saved over, an array is replaced, not merged into (its entries
      // are no shards: "1" was written twice in one object).
      const onArraySave = await captureStderr(() => store.save([session(1)]));
      assert.match(onArraySave.join("\n"), /did not hold a JSON object/);
      assert.deepEqual(Object.keys(JSON.parse((await redis.get(keys.key))!)), [
        "1",
      ]);
    }),
});

Deno.test({
  name:
    "RedisSessionStore: deleteMany removes any number of shards in one script run",
  ignore: server.ignore,
  fn: () =>
    withStore(async (_store, redis, keys) => {
      const runs: ScriptRun[] = [];
      const store = new RedisSessionStore(countingScripts(redis, runs), keys);
      const count = 4_000;
      await store.save(
        Array.from(
          { length: count },
          (_, shardId) => session(shardId, { shardCount: count }),
        ),
      );
      runs.length = 0;
      // One delete per shard re-encoded the whole key per shard: closing
      // 4,000 shards took 38 s and stalled Redis for 20 s.
      await store.deleteMany(
        Array.from({ length: count - 1 }, (_, shardId) => shardId),
      );
      assert.equal(runs.length, 1);
      assert.deepEqual(
        (await store.loadAll()).map((s) => s.shardId),
        [count - 1],
      );
      await store.deleteMany([]);
      assert.equal(runs.length, 1, "nothing to delete, no script");
      await assert.rejects(store.deleteMany([0, -1]), RangeError);
      await assert.rejects(store.deleteMany(3 as never), TypeError);
      await store.deleteMany([count - 1, count + 5]);
      assert.equal(await redis.get(keys.key), "{}");
    }),
});

Deno.test({
  name:
    "RedisSessionStore: a save by another process between the read and the type check loads that save, without blaming the key",
  ignore: server.ignore,
  fn: () =>
    withStore(async (_store, redis, keys) => {
      const other = new RedisSessionStore(redis, keys);
      // TYPE answers just after another process saved (after a Redis
      // restart, processes save at once): MGET found nothing, TYPE a string.
      const raced = new Proxy(redis, {
        get(target, property): unknown {
          const value = Reflect.get(target, property, target);
          if (property === "type") {
            return async (key: string) => {
              await other.save([session(3)]);
              return await target.type(key);
            };
          }
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
      const store = new RedisSessionStore(raced, keys);
      let loaded: SavedSession[] | undefined;
      const said = await captureStderr(async () => {
        loaded = await store.loadAll();
      });
      assert.deepEqual(said, []);
      assert.deepEqual(loaded, [session(3)]);
    }),
});
