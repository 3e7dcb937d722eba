// RedisSessionStore against stored values Redis's Lua JSON (cjson) cannot
// take whole although they are JSON a reader parses: a number beyond the
// double range (every later save failed), an entry nested deeper than 1000
// levels (the save replaced every shard's session), and entries that are
// no sessions, skipped on load without a word.
import assert from "node:assert/strict";
import type { RedisConnection, RedisSessionStore } from "../../redis/mod.ts";
import type { SavedSession } from "../../gateway/mod.ts";
import { testRedis } from "../_fakes/servers.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { withSessionStore } from "./_session_store.ts";

const server = testRedis();

function withStore(
  fn: (
    store: RedisSessionStore,
    redis: RedisConnection,
    key: string,
  ) => Promise<void>,
): Promise<void> {
  return withSessionStore(
    server.url,
    (store, redis, keys) => fn(store, redis, keys.key),
  );
}

const session = (shardId: number, sequence = 100): SavedSession => ({
  shardId,
  shardCount: 16,
  sessionId: `session-${shardId}`,
  sequence,
  resumeUrl: `wss://resume-${shardId}.example/`,
  savedAt: 1_764_650_000_123,
});

/** `session` as the store writes it, as JSON text. */
const entry = (shardId: number, sequence = 100): string =>
  JSON.stringify({
    session_id: `session-${shardId}`,
    sequence,
    resume_url: `wss://resume-${shardId}.example/`,
    shard_count: 16,
    saved_at: 1_764_650_000_123,
  });

/** A well-formed entry with an unknown field nested `depth` arrays deep. */
const deepEntry = (shardId: number, depth: number): string =>
  `${entry(shardId).slice(0, -1)},"extra":${"[".repeat(depth)}${
    "]".repeat(depth)
  }}`;

/** Load every session, with what the store said meanwhile. */
async function loadAllSaying(
  store: RedisSessionStore,
): Promise<{ ids: number[]; said: string[] }> {
  let ids: number[] = [];
  const said = await captureStderr(async () => {
    ids = (await store.loadAll()).map((s) => s.shardId);
  });
  return { ids, said };
}

Deno.test({
  name:
    "RedisSessionStore: an entry holding a number beyond the double range is dropped, said, and saves go on",
  ignore: server.ignore,
  fn: () =>
    withStore(async (store, redis, key) => {
      // cjson decodes 1e400 to inf and refuses to encode it: every save of
      // every shard failed after it, forever.
      await redis.set(
        key,
        `{"0":{"session_id":"a","sequence":1e400},"2":${entry(2)},` +
          `"3":${entry(3).slice(0, -1)},"unknown":-1e999},"meta":[1e999]}`,
      );
      const said = await captureStderr(() => store.save([session(1)]));
      assert.equal(said.length, 2, said.join("\n"));
      assert.match(
        said[0]!,
        /^\[WRN\] disruption·redis·session_store: Redis key \S+ held 2 entries Redis cannot (decode|encode).* for 0, 3:/,
      );
      // "meta" is no shard's: dropped as such, before it is encoded.
      assert.match(
        said[1]!,
        /held 1 member that is no shard's session .*"meta"/,
      );
      // Shard 3 loaded (its unknown field is ignored) yet could not be kept:
      // Redis cannot write it back.
      assert.deepEqual((await loadAllSaying(store)).ids, [1, 2]);
      assert.deepEqual(await store.load(2), session(2));
      // Nothing left to drop: the next save is silent.
      assert.deepEqual(
        await captureStderr(() => store.save([session(4)])),
        [],
      );
      assert.deepEqual((await loadAllSaying(store)).ids, [1, 2, 4]);
    }),
});

Deno.test({
  name:
    "RedisSessionStore: an entry nested deeper than Redis decodes is dropped alone, the other shards' sessions are kept",
  ignore: server.ignore,
  fn: () =>
    withStore(async (store, redis, key) => {
      // Strings holding what the member scan must not take for structure.
      const tricky = JSON.stringify({
        session_id: 'a"}{][,:\\"\\',
        sequence: 5,
        resume_url: "wss://x/\u00e9\\u0022}",
        shard_count: 16,
      });
      await redis.set(
        key,
        ` { "5" : ${deepEntry(5, 1_200)} , "2":${entry(2)},"7":${tricky},` +
          `"x\\"}":{"k":[{"a":"]"}]},"9" :\n${deepEntry(9, 999)},"8":null }`,
      );
      // A reader parses it: shard 5 with an unknown deep field too.
      assert.deepEqual((await loadAllSaying(store)).ids, [2, 5, 7, 9]);
      const said = await captureStderr(() => store.save([session(1)]));
      // Only shard 5 goes: the whole key was replaced, shard 2 with it.
      assert.deepEqual((await loadAllSaying(store)).ids, [1, 2, 7, 9]);
      assert.equal(said.length, 2, said.join("\n"));
      assert.match(said[0]!, /held 1 entry .* for 5:/);
      // A member that is no shard's is dropped, named as its key reads.
      assert.match(said[1]!, /held 1 member that is no shard's .*"x\\"}"/);
      const stored = JSON.parse((await redis.get(key))!);
      assert.deepEqual(stored["7"], JSON.parse(tricky));
      assert.equal(stored['x"}'], undefined);
      assert.equal(stored["8"], null);
      // Shard 9 alone is as deep as Redis decodes, one level more in the
      // object: every save splits the object, and works, silently.
      assert.deepEqual(
        await captureStderr(async () => {
          await store.save([session(3)]);
          await store.delete(2);
        }),
        [],
      );
      assert.deepEqual((await loadAllSaying(store)).ids, [1, 3, 7, 9]);
    }),
});

Deno.test({
  name:
    "RedisSessionStore: members Redis cannot decode are dropped one by one, named up to 10",
  ignore: server.ignore,
  fn: () =>
    withStore(async (store, redis, key) => {
      const bad = Array.from(
        { length: 12 },
        (_, i) => `"${i + 3}":${deepEntry(i + 3, 1_001)}`,
      );
      await redis.set(
        key,
        `{"0":{"session_id":"a","sequence":nonsense},${bad.join(",")},"2":${
          entry(2)
        }}`,
      );
      const said = await captureStderr(() => store.save([session(1)]));
      assert.equal(said.length, 1, said.join("\n"));
      assert.match(
        said[0]!,
        /held 13 entries .* for 0, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 3 more:/,
      );
      assert.deepEqual((await loadAllSaying(store)).ids, [1, 2]);
    }),
});

Deno.test({
  name:
    "RedisSessionStore: an object the member scan cannot split is still replaced whole, as before",
  ignore: server.ignore,
  fn: () =>
    withStore(async (store, redis, key) => {
      for (
        const broken of [
          `{"2":${entry(2)}`, // unclosed
          `{"2":${entry(2)}} x`, // trailing text
          `{"2" ${entry(2)}}`, // no colon
          `{2:${entry(2)}}`, // key not a string
          `{"2":${entry(2)},}`, // trailing comma
          `{"2":"abc}`, // unclosed string
          `{"2":}`, // no value
          `{} x`, // trailing text after an empty object
          `{"2":${entry(2)};"3":${entry(3)}}`, // not a comma between
          `{"2" "x","3":${entry(3)}}`, // no colon, a string after the key
        ]
      ) {
        await redis.set(key, broken);
        const said = await captureStderr(() => store.save([session(1)]));
        assert.equal(said.length, 1, `${broken}: ${said.join("\n")}`);
        assert.match(said[0]!, /did not hold a JSON object of sessions/);
        assert.deepEqual((await loadAllSaying(store)).ids, [1], broken);
      }
    }),
});

Deno.test({
  name:
    "RedisSessionStore: entries that are no sessions are skipped with one warning a load naming the shards and why",
  ignore: server.ignore,
  fn: () =>
    withStore(async (store, redis, key) => {
      await redis.set(
        key,
        JSON.stringify({
          "0": { session_id: "abc", sequence: "42", shard_count: 16 },
          "1": { session_id: "def", sequence: -1, shard_count: 16 },
          "2": JSON.parse(entry(2)),
          "3": "x".repeat(10_000),
          "20": JSON.parse(entry(20)), // shard 20 of 16
          "abc": { session_id: "not a shard: not said" },
        }),
      );
      const all = await loadAllSaying(store);
      assert.deepEqual(all.ids, [2]);
      assert.equal(all.said.length, 1, all.said.join("\n"));
      const line = all.said[0]!;
      assert.match(
        line,
        /^\[WRN\] disruption·redis·session_store: Redis key \S+ holds 4 entries that are not well-formed sessions, skipped: their shards identify instead of resuming \(those beyond the shard count run no shard\): /,
      );
      assert.match(
        line,
        /0 \('sequence' must be a number: current value 'sequence=42'\)/,
      );
      assert.match(line, /1 \('sequence' must be a non-negative integer/);
      assert.match(line, /3 \(not an object: current value 'x{20,200}…'\)/);
      assert.match(
        line,
        /20 \('shardId' must be an integer in \[0, shardCount\)/,
      );
      // (The key holds a random UUID, which may hold "abc" too.)
      assert.doesNotMatch(line.replace(key, "<key>"), /abc/);
      assert.ok(line.length < 1_500, `bounded: ${line.length}`);
      // load(shard) says only what concerns that shard.
      assert.deepEqual(
        await captureStderr(async () => {
          assert.deepEqual(await store.load(2), session(2));
        }),
        [],
      );
      const one = await captureStderr(async () => {
        assert.equal(await store.load(1), undefined);
      });
      assert.equal(one.length, 1);
      assert.match(
        one[0]!,
        /holds 1 entry that is not a well-formed session.*: 1 \(/,
      );
      assert.doesNotMatch(one[0]!, /'sequence=42'/);
      // Named up to 10, then counted.
      const many: Record<string, unknown> = {};
      for (let shard = 0; shard < 14; shard++) {
        many[shard] = { session_id: "s", sequence: -shard - 1 };
      }
      await redis.set(key, JSON.stringify(many));
      const counted = await loadAllSaying(store);
      assert.deepEqual(counted.ids, []);
      assert.equal(counted.said.length, 1);
      assert.match(counted.said[0]!, /holds 14 entries/);
      assert.match(counted.said[0]!, /9 \([^)]*\) and 4 more$/);
      assert.doesNotMatch(counted.said[0]!, /10 \(/);
    }),
});

Deno.test({
  name:
    "RedisSessionStore: a member whose key Redis cannot decode is dropped as an entry, not kept under another key",
  ignore: server.ignore,
  fn: () =>
    withStore(async (store, redis, key) => {
      await redis.set(
        key,
        `{"\\q":{"session_id":"x","sequence":1},"2":${entry(2)}}`,
      );
      const said = await captureStderr(() => store.save([session(1)]));
      assert.equal(said.length, 1, said.join("\n"));
      assert.match(said[0]!, /held 1 entry /);
      assert.deepEqual(
        Object.keys(JSON.parse((await redis.get(key))!)).sort(),
        ["1", "2"],
      );
    }),
});
