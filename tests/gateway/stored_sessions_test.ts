// What ShardManager's session keeping reads of a store before it writes
// (gateway/_stored_sessions.ts), tested directly: the manager's scenes
// (drained_save_other_process_test.ts, refused_session_forgotten_test.ts)
// reach only some of its cases. A drained save the read wrongly refused
// left the store's copy dated at the last periodic save (the next process
// found it older, up to expired: an IDENTIFY); one it wrongly let through
// put a session another process had run further back by some events.
import assert from "node:assert/strict";
import {
  MemorySessionStore,
  type SavedSession,
  type SessionStore,
} from "../../gateway/session_store.ts";
import {
  deleteSessions,
  stillSaved,
  storedSessions,
} from "../../gateway/_stored_sessions.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

const session = (
  shardId: number,
  fields: Partial<SavedSession> = {},
): SavedSession => ({
  shardId,
  shardCount: 8,
  sessionId: `session-${shardId}`,
  sequence: 10,
  savedAt: 1_000,
  ...fields,
});

/** A store answering `all` to loadAll, counting its calls. */
function answering(all: unknown): SessionStore & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    load: (shardId) => {
      calls.push(`load ${shardId}`);
      return Promise.resolve(undefined);
    },
    loadAll: () => {
      calls.push("loadAll");
      return Promise.resolve(all as SavedSession[]);
    },
    save: () => Promise.resolve(),
    delete: (shardId) => {
      calls.push(`delete ${shardId}`);
      return Promise.resolve();
    },
  };
}

Deno.test("storedSessions: only the shards asked for, with the malformed entries of a store's loadAll skipped, said once", async () => {
  const store = answering([
    session(0),
    null,
    { shardId: 1 },
    session(2),
    session(3, { sequence: -1 }),
  ]);
  let stored = new Map<number, SavedSession>();
  const said = await captureStderr(async () => {
    stored = await storedSessions(store, [1, 2, 3]);
  });
  assert.deepEqual([...stored.keys()], [2]);
  assert.deepEqual(stored.get(2), session(2));
  assert.deepEqual(store.calls, ["loadAll"]);
  assert.equal(said.length, 1, said.join("\n"));
  assert.match(said[0]!, /returned 3 entries that are not well-formed/);
  // One is said too.
  const one = await captureStderr(() =>
    storedSessions(answering([session(0), null]), [0, 1])
  );
  assert.equal(one.length, 1, one.join("\n"));
  assert.match(one[0]!, /returned 1 entries that are not well-formed/);
  await assert.rejects(storedSessions(answering(null), [0, 1]), {
    name: "TypeError",
    message:
      "the store's loadAll() must return an array of sessions: it returned null",
  });
});

Deno.test("storedSessions: one shard is one load, a malformed answer none; no shard reads nothing", async () => {
  const store = new MemorySessionStore([session(0), session(1)]);
  assert.deepEqual([...(await storedSessions(store, [1])).values()], [
    session(1),
  ]);
  const odd = answering([]);
  odd.load = (shardId) => {
    odd.calls.push(`load ${shardId}`);
    return Promise.resolve({ shardId } as SavedSession);
  };
  assert.equal((await storedSessions(odd, [1])).size, 0);
  assert.equal((await storedSessions(odd, [])).size, 0);
  assert.deepEqual(odd.calls, ["load 1"]);
});

Deno.test("stillSaved: a session is saved over nothing, over an earlier point of itself or over this process's last save; not over what another process ran further", async () => {
  const store = new MemorySessionStore([
    session(0, { sequence: 10 }), // the same point, saved earlier
    session(1, { sequence: 12 }), // run further by another process
    session(2, { sessionId: "other" }), // a new session of another process
    session(3, { sessionId: "ours-old", sequence: 40 }), // our last save
    session(5, { sessionId: "ours-old", sequence: 50 }), // run further since
  ]);
  const saved = new Map([
    [3, session(3, { sessionId: "ours-old", sequence: 40 })],
    [5, session(5, { sessionId: "ours-old", sequence: 45 })],
  ]);
  const sessions = [
    session(0, { sequence: 10, savedAt: 9_000 }),
    session(1, { sequence: 11, savedAt: 9_000 }),
    session(2, { sequence: 99 }),
    session(3, { sessionId: "ours-new", sequence: 2 }),
    session(4),
    session(5, { sessionId: "ours-new", sequence: 2 }),
    session(6, { sequence: 11 }),
  ];
  const kept = await stillSaved(store, sessions, saved);
  assert.deepEqual(kept.map((s) => s.shardId), [0, 3, 4, 6]);
  await store.save([session(6, { sequence: 11 })]);
  assert.deepEqual(
    (await stillSaved(store, [session(6, { sequence: 12 })], new Map()))
      .map((s) => s.sequence),
    [12],
  );
});

Deno.test("deleteSessions: one deleteMany when the store has it, else a delete per shard", async () => {
  const store = new MemorySessionStore([session(0), session(1), session(2)]);
  const many: number[][] = [];
  const deleteMany = store.deleteMany.bind(store);
  store.deleteMany = (ids) => {
    many.push([...ids]);
    return deleteMany(ids);
  };
  store.delete = () => Promise.reject(new Error("one by one"));
  await deleteSessions(store, [0, 2]);
  assert.deepEqual(many, [[0, 2]]);
  assert.deepEqual((await store.loadAll()).map((s) => s.shardId), [1]);
  const plain = answering([]);
  await deleteSessions(plain, [3, 1]);
  assert.deepEqual(plain.calls, ["delete 3", "delete 1"]);
});
