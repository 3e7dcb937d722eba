// RedisSessionStore.save() documents that the last session of a shard in a
// batch wins. An unwritable session (an ID or resume URL that is not
// well-formed Unicode, see session_store_lone_surrogate_test.ts) put its
// shard on the list of entries to remove, which the write removes after
// writing the others: a batch holding a bad session of shard 3 and then a
// good one ended with shard 3's entry gone, the good session lost.
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
    "RedisSessionStore: in a batch, a shard's good session after an unwritable one of the same shard is saved (the last one wins); an unwritable one last removes the entry",
  ignore: server.ignore,
  fn: () =>
    withSessionStore(server.url, async (store) => {
      await store.save([session(3, "older-3"), session(4, "older-4")]);
      const said = await captureStderr(() =>
        store.save([
          session(3, "bad\ud800id"),
          session(3, "newer-3"),
          session(4, "newer-4"),
          session(4, "bad\udc00id"),
        ])
      );
      assert.deepEqual(await store.load(3), session(3, "newer-3"));
      assert.equal(await store.load(4), undefined);
      // Only the shard whose last session was not saved is named.
      assert.equal(said.length, 1, said.join("\n"));
      assert.match(said[0]!, /Session of shard 4 not saved/);
    }),
});
