// ParkedSessions: the sessions of the shards a lease guard stopped are kept
// by shard id with their shard count, serve only that count, and go back to
// the session store (where newer than its own) at the next renewal that
// goes through, then are forgotten; a store that fails keeps them.
import assert from "node:assert/strict";
import { ParkedSessions } from "../../fleet/parked_sessions.ts";
import {
  MemorySessionStore,
  type SavedSession,
} from "../../gateway/session_store.ts";
import type { Shard } from "../../gateway/shard.ts";

const NOW = 1_000_000;

/** A set of `count` shards running `ids`, each with session `s<id>` at seq 7. */
function set(
  count: number,
  ids: number[],
): { count: number; shards: Map<number, Shard> } {
  return {
    count,
    shards: new Map(ids.map((id) => [id, {
      id,
      session: { sessionId: `s${id}`, sequence: 7, resumeUrl: undefined },
    } as unknown as Shard])),
  };
}

function stored(id: number, savedAt: number, count = 2): SavedSession {
  return {
    shardId: id,
    shardCount: count,
    sessionId: `old${id}`,
    sequence: 3,
    savedAt,
  };
}

Deno.test("ParkedSessions: serves only the shard count they were of", () => {
  const parked = new ParkedSessions();
  parked.park(set(2, [0, 1]), NOW);
  assert.deepEqual([...parked.of(2).keys()], [0, 1]);
  assert.equal(parked.of(2).get(1)?.sessionId, "s1");
  assert.equal(parked.of(4).size, 0);
});

Deno.test(
  "ParkedSessions: publish writes back those newer than the store's, then forgets them all",
  async () => {
    const parked = new ParkedSessions();
    parked.park(set(2, [0, 1]), NOW);
    // Shard 1 saved since by whoever took it over: that one stays.
    const store = new MemorySessionStore([stored(1, NOW + 500)]);
    await parked.publish(store, set(2, []), NOW + 1_000);
    assert.equal((await store.load(0))?.sessionId, "s0");
    assert.equal((await store.load(0))?.savedAt, NOW);
    assert.equal((await store.load(1))?.sessionId, "old1");
    assert.equal(parked.of(2).size, 0);
  },
);

Deno.test(
  "ParkedSessions: publish drops, unwritten, those of another count, of shards running, or too old",
  async () => {
    const store = new MemorySessionStore();
    const parked = new ParkedSessions();
    parked.park(set(2, [0, 1]), NOW);
    await parked.publish(store, set(4, []), NOW); // the fleet resharded
    assert.deepEqual(await store.loadAll(), []);
    assert.equal(parked.of(2).size, 0);
    parked.park(set(2, [0, 1]), NOW);
    await parked.publish(store, set(2, [0, 1]), NOW); // running again
    assert.deepEqual(await store.loadAll(), []);
    assert.equal(parked.of(2).size, 0);
    parked.park(set(2, [0]), NOW);
    await parked.publish(store, set(2, []), NOW + 120_001);
    assert.deepEqual(await store.loadAll(), []);
    assert.equal(parked.of(2).size, 0);
  },
);

Deno.test(
  "ParkedSessions: a store that fails keeps them parked for the next renewal",
  async () => {
    const parked = new ParkedSessions();
    parked.park(set(2, [0]), NOW);
    const store = new MemorySessionStore();
    const failing = Object.assign(Object.create(store), {
      loadAll: () => Promise.reject(new Error("Connection is closed.")),
    }) as MemorySessionStore;
    await parked.publish(failing, set(2, []), NOW);
    assert.equal(parked.of(2).get(0)?.sessionId, "s0");
    await parked.publish(store, set(2, []), NOW);
    assert.equal((await store.load(0))?.sessionId, "s0");
    assert.equal(parked.of(2).size, 0);
  },
);

Deno.test(
  "ParkedSessions: a session parked again while publish waits on the store stays parked for the next renewal",
  async () => {
    let open!: () => void;
    const answered = new Promise<void>((resolve) => open = resolve);
    // A store whose read answers only when the test says.
    const store = new (class extends MemorySessionStore {
      override async loadAll(): Promise<SavedSession[]> {
        await answered;
        return super.loadAll();
      }
    })();
    const parked = new ParkedSessions();
    parked.park(set(2, [0]), NOW);
    const publishing = parked.publish(store, set(2, []), NOW + 1_000);
    // The guard stops the shard again meanwhile (Redis silent again).
    parked.park(set(2, [0]), NOW + 2_000);
    open();
    await publishing;
    assert.equal((await store.load(0))?.savedAt, NOW, "the first written");
    assert.equal(parked.of(2).get(0)?.savedAt, NOW + 2_000, "the newer kept");
  },
);
