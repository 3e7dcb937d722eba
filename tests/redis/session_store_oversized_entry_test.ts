// A shard id's entry of 100 MB, left in the sessions object by a buggy or
// older writer under a shard this bot does not run ("99" of 4 shards), was
// decoded and encoded again by every save and kept for ever, since no
// process saves that shard: each save (once a second in the dispatch
// service) took 1–3 s and blocked Redis for every client. A real entry is
// under 3 KB (a 512-character session ID, a 2,048-character resume URL):
// the save now drops an entry over 64 KiB, saying so.
import assert from "node:assert/strict";
import type { SavedSession } from "../../gateway/mod.ts";
import { testRedis } from "../_fakes/servers.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { withSessionStore } from "./_session_store.ts";

const server = testRedis();

const session = (shardId: number): SavedSession => ({
  shardId,
  shardCount: 4,
  sessionId: `session-${shardId}`,
  sequence: 100,
  savedAt: 1_764_650_000_123,
});

const entry = (note: number) => ({
  session_id: "session-x",
  sequence: 100,
  shard_count: 4,
  saved_at: 1_764_650_000_123,
  note: "x".repeat(note),
});

Deno.test({
  name:
    "RedisSessionStore: a save drops an entry over 64 KiB under a shard id no process saves, saying so, and keeps a large one under it",
  ignore: server.ignore,
  fn: () =>
    withSessionStore(server.url, async (store, redis, { key }) => {
      await redis.set(
        key,
        JSON.stringify({
          "99": entry(1_000_000),
          "2": entry(10_000),
          "0": entry(0),
        }),
      );
      const said = await captureStderr(() => store.save([session(1)]));
      assert.equal(said.length, 1, said.join("\n"));
      assert.match(
        said[0]!,
        /^\[WRN\] disruption·redis·session_store: Redis key \S+ held 1 entry .*over 64 KiB.* for 99:/,
      );
      assert.deepEqual(
        Object.keys(JSON.parse((await redis.get(key))!)).sort(),
        ["0", "1", "2"],
      );
      // Gone for good: the next save has nothing to drop.
      assert.deepEqual(await captureStderr(() => store.save([session(3)])), []);
    }),
});

Deno.test({
  name:
    "RedisSessionStore: an entry over 64 KiB is dropped also from an object Redis's JSON cannot decode whole",
  ignore: server.ignore,
  fn: () =>
    withSessionStore(server.url, async (store, redis, { key }) => {
      // Nesting past cjson's 1,000 levels: the script splits the members.
      const deep = `${"[".repeat(1_100)}${"]".repeat(1_100)}`;
      await redis.set(
        key,
        `{"3":${deep},"99":${JSON.stringify(entry(100_000))},"0":${
          JSON.stringify(entry(0))
        }}`,
      );
      const said = await captureStderr(() => store.save([session(1)]));
      assert.equal(said.length, 1, said.join("\n"));
      assert.match(said[0]!, /held 2 entries .* for 3, 99:/);
      assert.deepEqual(
        Object.keys(JSON.parse((await redis.get(key))!)).sort(),
        ["0", "1"],
      );
    }),
});

Deno.test({
  name:
    "RedisSessionStore: a save drops an entry over 64 KiB whose size is in a nested value",
  ignore: server.ignore,
  fn: () =>
    withSessionStore(server.url, async (store, redis, { key }) => {
      // Not a top-level string: an object, and an array of numbers.
      const { note: _, ...small } = entry(0);
      await redis.set(
        key,
        JSON.stringify({
          "99": { ...small, note: { deep: "x".repeat(1_000_000) } },
          "98": { ...small, list: Array.from({ length: 20_000 }, (_, i) => i) },
          "0": entry(0),
        }),
      );
      const said = await captureStderr(() => store.save([session(1)]));
      assert.equal(said.length, 1, said.join("\n"));
      assert.match(said[0]!, /held 2 entries .* for 98, 99:/);
      assert.deepEqual(
        Object.keys(JSON.parse((await redis.get(key))!)).sort(),
        ["0", "1"],
      );
    }),
});

Deno.test({
  name:
    "RedisSessionStore: loading an entry of a shard beyond the shard count does not say that its shard identifies",
  ignore: server.ignore,
  fn: () =>
    withSessionStore(server.url, async (store, redis, { key }) => {
      await redis.set(key, JSON.stringify({ "99": entry(0), "0": entry(0) }));
      const said = await captureStderr(async () => {
        assert.deepEqual(
          (await store.loadAll()).map((saved) => saved.shardId),
          [0],
        );
      });
      assert.equal(said.length, 1, said.join("\n"));
      assert.match(
        said[0]!,
        /holds 1 entry that is not a well-formed session, skipped: their shard ids are beyond the shard count, so no shard identifies for them: 99 \(/,
      );
    }),
});
