// ParkedSessions.keep: the sessions of shards handed over stay while kept
// and the store holds them (nothing written), go back to the store when it
// lost them, never over a newer one (the taker's), and are forgotten once
// the store holds a newer one or their time is up.
import assert from "node:assert/strict";
import { ParkedSessions } from "../../fleet/parked_sessions.ts";
import {
  MemorySessionStore,
  type SavedSession,
} from "../../gateway/session_store.ts";

const NOW = 1_000_000;
const TTL = 10_000;
/** No shard running, two shards. */
const NONE = { count: 2, shards: new Map() };

function session(id: number, savedAt: number, name = `s${id}`): SavedSession {
  return {
    shardId: id,
    shardCount: 2,
    sessionId: name,
    sequence: 7,
    savedAt,
  };
}

/** A store that counts its saves. */
class CountedStore extends MemorySessionStore {
  saves = 0;
  override save(sessions: SavedSession[]): Promise<void> {
    this.saves++;
    return super.save(sessions);
  }
}

Deno.test(
  "ParkedSessions.keep: kept while the store holds them, written back once it lost them",
  async () => {
    const parked = new ParkedSessions();
    const saved = session(1, NOW);
    const store = new CountedStore([saved]);
    parked.keep([saved], NOW + TTL);
    await parked.publish(store, NONE, NOW + 1_000);
    assert.equal(store.saves, 0, "written while the store held it");
    assert.equal(parked.of(2).get(1)?.sessionId, "s1");
    await store.delete(1); // Redis lost its data
    await parked.publish(store, NONE, NOW + 2_000);
    assert.deepEqual(await store.load(1), saved);
    // Still kept: Redis may lose it again before the taker runs it.
    await store.delete(1);
    await parked.publish(store, NONE, NOW + 3_000);
    assert.deepEqual(await store.load(1), saved);
  },
);

Deno.test(
  "ParkedSessions.keep: never written over the taker's newer session, and forgotten then",
  async () => {
    const parked = new ParkedSessions();
    parked.keep([session(1, NOW)], NOW + TTL);
    const taker = session(1, NOW + 500, "taker");
    const store = new CountedStore([taker]);
    await parked.publish(store, NONE, NOW + 1_000);
    assert.equal(store.saves, 0);
    assert.equal(parked.of(2).size, 0);
    // Gone for good: a loss now is the taker's to make good (it saves the
    // shards it runs at each tick), not an older copy's.
    await store.delete(1);
    await parked.publish(store, NONE, NOW + 2_000);
    assert.equal(await store.load(1), undefined);
  },
);

Deno.test(
  "ParkedSessions.keep: forgotten past their time, after a last write-back",
  async () => {
    const parked = new ParkedSessions();
    const saved = session(0, NOW);
    parked.keep([saved], NOW + TTL);
    const store = new CountedStore();
    await parked.publish(store, NONE, NOW + TTL);
    assert.deepEqual(await store.load(0), saved);
    assert.equal(parked.of(2).size, 0);
  },
);

Deno.test(
  "ParkedSessions.keep: a shard this process runs again is forgotten",
  async () => {
    const parked = new ParkedSessions();
    parked.keep([session(0, NOW)], NOW + TTL);
    const running = { count: 2, shards: new Map([[0, {} as never]]) };
    await parked.publish(new MemorySessionStore(), running, NOW + 1_000);
    assert.equal(parked.of(2).size, 0);
  },
);
