// Members of the sessions object that are no shard's (a "note" of 20 MB put
// there by hand, a shard written "007") were skipped on load without a word
// and kept by every save, which decoded and re-encoded all of them: the
// dispatch service saves every second, and Redis was 22 % busy, silently.
// Neither this store nor twilight-dispatch writes any key there but a shard
// id: the save now drops them, with one warning naming them.
import assert from "node:assert/strict";
import type { SavedSession } from "../../gateway/mod.ts";
import { testRedis } from "../_fakes/servers.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { withSessionStore } from "./_session_store.ts";

const server = testRedis();

const session = (shardId: number): SavedSession => ({
  shardId,
  shardCount: 16,
  sessionId: `session-${shardId}`,
  sequence: 100,
  savedAt: 1_764_650_000_123,
});

const entry = {
  session_id: "session-0",
  sequence: 100,
  shard_count: 16,
  saved_at: 1_764_650_000_123,
};

Deno.test({
  name:
    "RedisSessionStore: a save drops the members that are no shard id, with one warning naming them",
  ignore: server.ignore,
  fn: () =>
    withSessionStore(server.url, async (store, redis, { key }) => {
      await redis.set(
        key,
        JSON.stringify({
          note: "x".repeat(100_000),
          "007": entry,
          "-1": entry,
          "0": entry,
        }),
      );
      const said = await captureStderr(() => store.save([session(1)]));
      assert.equal(said.length, 1, said.join("\n"));
      assert.match(
        said[0]!,
        /^\[WRN\] disruption·redis·session_store: Redis key \S+ held 3 members that are no shard's session \(their key is not a shard id\): "-1", "007", "note": dropped/,
      );
      assert.deepEqual(
        Object.keys(JSON.parse((await redis.get(key))!)).sort(),
        ["0", "1"],
      );
      assert.deepEqual(
        (await store.loadAll()).map((saved) => saved.shardId),
        [0, 1],
      );
      // Said once: the next save finds nothing to drop.
      assert.deepEqual(await captureStderr(() => store.save([session(2)])), []);
    }),
});

Deno.test({
  name:
    "RedisSessionStore: a program that keeps writing members that are no shard id has it said once, not on every save",
  ignore: server.ignore,
  fn: () =>
    withSessionStore(server.url, async (store, redis, { key }) => {
      const said: string[] = [];
      for (let i = 0; i < 3; i++) {
        const stored = JSON.parse((await redis.get(key)) ?? "{}");
        await redis.set(key, JSON.stringify({ ...stored, status: "up" }));
        said.push(...await captureStderr(() => store.save([session(i)])));
        assert.deepEqual(
          Object.keys(JSON.parse((await redis.get(key))!)).includes("status"),
          false,
          "dropped every time",
        );
      }
      assert.equal(said.length, 1, said.join("\n"));
    }),
});

Deno.test({
  name:
    "RedisSessionStore: a member that is no shard's is dropped also from an object Redis's JSON cannot decode whole",
  ignore: server.ignore,
  fn: () =>
    withSessionStore(server.url, async (store, redis, { key }) => {
      // Nesting past cjson's 1,000 levels: the script splits the members.
      const deep = `${"[".repeat(1_100)}${"]".repeat(1_100)}`;
      await redis.set(
        key,
        `{"note":${deep},"0":${JSON.stringify(entry)}}`,
      );
      const said = await captureStderr(() => store.save([session(1)]));
      assert.equal(said.length, 1, said.join("\n"));
      assert.match(
        said[0]!,
        /held 1 member that is no shard's session .*"note"/,
      );
      assert.deepEqual(
        Object.keys(JSON.parse((await redis.get(key))!)).sort(),
        ["0", "1"],
      );
    }),
});
