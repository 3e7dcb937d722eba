// twilight-dispatch writes `{"session_id":"","sequence":0}` for a shard that
// has no session (not yet identified): loading one warned that it was "not a
// well-formed session", at every start after a migration. An empty
// session_id means "no session": skipped without a word.
import assert from "node:assert/strict";
import { testRedis } from "../_fakes/servers.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { withSessionStore } from "./_session_store.ts";

const server = testRedis();

Deno.test({
  name:
    "RedisSessionStore: an entry with an empty session_id (twilight-dispatch's no session) is skipped quietly",
  ignore: server.ignore,
  fn: () =>
    withSessionStore(
      server.url,
      async (store, redis, { key, shardCountKey }) => {
        await redis.set(shardCountKey, "2");
        await redis.set(
          key,
          JSON.stringify({
            "0": { session_id: "", sequence: 0 },
            "1": { session_id: "abc", sequence: 7 },
          }),
        );
        let loaded: Awaited<ReturnType<typeof store.loadAll>> = [];
        const said = await captureStderr(async () => {
          loaded = await store.loadAll();
        });
        assert.deepEqual(said, []);
        assert.deepEqual(loaded.map((session) => session.shardId), [1]);
        assert.equal(await store.load(0), undefined);
        // Still a warning for an entry that is no session at all.
        await redis.set(key, JSON.stringify({ "0": { session_id: 5 } }));
        const warned = await captureStderr(() => store.loadAll());
        assert.equal(warned.length, 1, warned.join("\n"));
      },
    ),
});
