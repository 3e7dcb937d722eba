/**
 * What `ShardManager`'s session keeping (`_manager_sessions.ts`) asks of a
 * session store beyond one call of its interface: reading the copies of
 * some shards' sessions, keeping the sessions whose copy is still the one
 * this process saved, and deleting several shards' sessions.
 *
 * Another process may write the same store at any time (a rolling restart
 * runs the next process while this one's reader drains), and the store
 * has no compare-and-set: a write that must not replace a newer entry
 * reads it first.
 *
 * Private to the package; tested through the manager
 * (`tests/gateway/drained_save_other_process_test.ts`,
 * `tests/gateway/refused_session_forgotten_test.ts`).
 *
 * @module
 */
import { getVisibleLogger } from "../base/visible_logger.ts";
import {
  isSavedSession,
  type SavedSession,
  type SessionStore,
} from "./session_store.ts";

// The manager's category: these lines are the manager's.
const visible = getVisibleLogger(["disruption", "gateway", "manager"]);

/**
 * The store's copies of the sessions of `shardIds`: one `load` for one
 * shard (a store that keeps every session in one value reads it once
 * either way), else one `loadAll`.
 *
 * @param store The store.
 * @param shardIds The shards.
 * @returns The well-formed copies held, by shard ID; a shard with none is
 * missing.
 */
export async function storedSessions(
  store: SessionStore,
  shardIds: readonly number[],
): Promise<Map<number, SavedSession>> {
  const [id, more] = shardIds;
  if (id === undefined) return new Map();
  const saved = more === undefined
    ? [await store.load(id)].filter(isSavedSession)
    : wellFormed(await store.loadAll());
  const wanted = new Set(shardIds);
  return new Map(
    saved.flatMap((s) => wanted.has(s.shardId) ? [[s.shardId, s]] : []),
  );
}

/**
 * Those of `sessions` that no other process can have saved past: where the
 * store holds nothing for the shard (this process's saves may all have
 * failed), the same session no further on, or what this process last
 * saved (`saved`: an earlier session of its own, a save of the new one
 * having failed). Anything else (a newer session, the same one further
 * on) another process wrote since, as it runs the shard now, and stays.
 *
 * @param store The store, read for the shards of `sessions`.
 * @param sessions The sessions this process would save.
 * @param saved What this process's saves that landed last wrote, by shard.
 * @returns The sessions it may save.
 */
export async function stillSaved(
  store: SessionStore,
  sessions: readonly SavedSession[],
  saved: ReadonlyMap<number, SavedSession>,
): Promise<SavedSession[]> {
  const stored = await storedSessions(store, sessions.map((s) => s.shardId));
  return sessions.filter((session) => {
    const copy = stored.get(session.shardId);
    if (copy === undefined) return true;
    const ours = saved.get(session.shardId);
    return (copy.sessionId === session.sessionId &&
      copy.sequence <= session.sequence) ||
      (ours !== undefined && copy.sessionId === ours.sessionId &&
        copy.sequence <= ours.sequence);
  });
}

/**
 * Forget the sessions of `shardIds`: in one call when the store has
 * `deleteMany`, else one `delete` per shard.
 *
 * @param store The store.
 * @param shardIds The shards.
 * @returns A promise that resolves when they are gone.
 */
export async function deleteSessions(
  store: SessionStore,
  shardIds: readonly number[],
): Promise<void> {
  if (store.deleteMany) return await store.deleteMany(shardIds);
  await Promise.all(shardIds.map((id) => store.delete(id)));
}

/**
 * The well-formed sessions of what a store's `loadAll` answered. A store is
 * the user's code (or a database another program writes): an answer that
 * is no array, or entries that are no sessions (`null`, a half-written
 * row), would otherwise crash the start; they are skipped, and said, as
 * the shards they were for identify instead.
 *
 * @param answer What `loadAll` answered.
 * @returns Its well-formed sessions.
 * @throws {TypeError} When the answer is no array (the load then counts as
 * failed).
 */
export function wellFormed(answer: unknown): SavedSession[] {
  if (!Array.isArray(answer)) {
    throw new TypeError(
      `the store's loadAll() must return an array of sessions: it returned ${
        answer === null ? "null" : typeof answer
      }`,
    );
  }
  const sessions = answer.filter(isSavedSession);
  const skipped = answer.length - sessions.length;
  if (skipped > 0) {
    visible.warn(
      "The session store's loadAll() returned {skipped} entries that are not well-formed sessions; they are skipped, and their shards identify instead of resuming",
      { skipped },
    );
  }
  return sessions;
}
