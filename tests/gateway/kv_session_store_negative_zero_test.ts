// Deno KV orders -0 and 0 as two keys: a session saved with shard ID -0
// (which passes every integer check) was a second session of shard 0, and
// `delete(0)` left it for `loadAll` to return. The store now saves it as
// shard 0, as the memory and Redis stores do.
import assert from "node:assert/strict";
import { KvSessionStore } from "../../gateway/kv_session_store.ts";
import type { SavedSession } from "../../gateway/session_store.ts";

const session = (shardId: number, sequence: number): SavedSession => ({
  shardId,
  shardCount: 2,
  sessionId: `session-${sequence}`,
  sequence,
  savedAt: 1_000_000,
});

Deno.test("KvSessionStore: a session saved for shard -0 is shard 0's", async () => {
  const kv = await Deno.openKv(":memory:");
  const store = new KvSessionStore(kv);
  try {
    await store.save([session(0, 50)]);
    await store.save([session(-0, 60)]);
    const all = await store.loadAll();
    assert.deepEqual(all.map((saved) => saved.sequence), [60]);
    assert.ok(Object.is(all[0]!.shardId, 0), "shard ID is +0");
    assert.equal((await store.load(-0))?.sequence, 60);
    await store.delete(-0);
    assert.deepEqual(await store.loadAll(), []);
    await store.save([session(-0, 70)]);
    await store.delete(0);
    assert.deepEqual(await store.loadAll(), []);
  } finally {
    store.close();
    kv.close();
  }
});
