// RedisSessionStore and text that is not well-formed Unicode: a session ID
// with a lone surrogate ("\ud800") is written by JSON.stringify as an escape
// Redis's cjson refuses, so the whole batch's save failed, every shard's,
// until that shard had a new session. Such a session is not saved (said,
// the others saved) and, written by another program, not loaded.
import assert from "node:assert/strict";
import type { SavedSession } from "../../gateway/mod.ts";
import { testRedis } from "../_fakes/servers.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { withSessionStore } from "./_session_store.ts";

const server = testRedis();

const session = (shardId: number, sessionId = `session-${shardId}`) =>
  ({
    shardId,
    shardCount: 16,
    sessionId,
    sequence: 100,
    resumeUrl: `wss://resume-${shardId}.example/`,
    savedAt: 1_764_650_000_123,
  }) satisfies SavedSession;

Deno.test({
  name:
    "RedisSessionStore: a session whose ID or resume URL holds a lone surrogate is not saved, with a warning naming its shard; the batch's other sessions are saved, and its stored entry removed",
  ignore: server.ignore,
  fn: () =>
    withSessionStore(server.url, async (store) => {
      await store.save([session(2), session(3)]);
      const said = await captureStderr(() =>
        store.save([
          session(1),
          session(2, "bad\ud800id"),
          { ...session(3), resumeUrl: "wss://x.example/\udc00" },
          session(4),
        ])
      );
      assert.equal(said.length, 1, said.join("\n"));
      assert.match(
        said[0]!,
        /Session of shard 2, 3 not saved: its session ID or resume URL is not well-formed Unicode/,
      );
      assert.deepEqual(
        (await store.loadAll()).map((s) => s.shardId),
        [1, 4],
      );
      assert.deepEqual(await store.load(1), session(1));
      // A batch of such sessions alone removes their entries, and is said.
      await store.save([session(5)]);
      const alone = await captureStderr(() =>
        store.save([session(5, "\ud800")])
      );
      assert.equal(alone.length, 1, alone.join("\n"));
      assert.equal(await store.load(5), undefined);
    }),
});

Deno.test({
  name:
    "RedisSessionStore: stored entries whose session ID or resume URL holds a lone surrogate (written by another program) are skipped on load with a warning; the others load",
  ignore: server.ignore,
  fn: () =>
    withSessionStore(server.url, async (store, redis, keys) => {
      const entry = (sessionId: string, resumeUrl = "wss://x.example/") => ({
        session_id: sessionId,
        sequence: 7,
        resume_url: resumeUrl,
        shard_count: 16,
        saved_at: 1_764_650_000_123,
      });
      // JSON.stringify writes a lone surrogate as an escape (\ud800).
      await redis.set(
        keys.key,
        JSON.stringify({
          "0": entry("ok"),
          "1": entry("x\ud800"),
          "2": entry("ok", "wss://x.example/\udc00"),
        }),
      );
      let ids: number[] = [];
      const said = await captureStderr(async () => {
        ids = (await store.loadAll()).map((s) => s.shardId);
      });
      assert.deepEqual(ids, [0]);
      assert.equal(said.length, 1, said.join("\n"));
      assert.match(said[0]!, /2 entries .*: 1 \(.*, 2 \(.*surrogate/);
      let one: SavedSession | undefined = session(2);
      await captureStderr(async () => {
        one = await store.load(2);
      });
      assert.equal(one, undefined);
    }),
});
