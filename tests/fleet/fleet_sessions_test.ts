// The fleet's session store calls (fleet/fleet_sessions.ts): a new
// session's save asked for while one is in flight runs once more after it
// (several asks, once), a later ask saves again, and a failed save is said;
// a tick's load gives up at the leases' end and takes a newer kept session
// over the store's.
import assert from "node:assert/strict";
import { NewSessionSaves, TickSessions } from "../../fleet/fleet_sessions.ts";
import { StoreFailures } from "../../fleet/store_failures.ts";
import {
  MemorySessionStore,
  type SavedSession,
} from "../../gateway/session_store.ts";
import type { Shard } from "../../gateway/shard.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { linesSaying, withLogRecords } from "../_fakes/log_records.ts";

const SHARD = { id: 3 } as unknown as Shard;

/** A save that counts its runs and finishes when told. */
function pendingSaves(): {
  runs: () => number;
  save: () => Promise<void>;
  finish: () => void;
} {
  let runs = 0;
  const pending: (() => void)[] = [];
  return {
    runs: () => runs,
    save: () => {
      runs++;
      return new Promise<void>((resolve) => pending.push(resolve));
    },
    finish: () => pending.shift()?.(),
  };
}

/** Let the promise chains settle. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

Deno.test(
  "NewSessionSaves: saves asked for during a save run once more after it, however many",
  async () => {
    const saves = new NewSessionSaves(new StoreFailures());
    const { runs, save, finish } = pendingSaves();
    saves.save(SHARD, save);
    await settle();
    assert.equal(runs(), 1);
    saves.save(SHARD, save);
    saves.save(SHARD, save);
    await settle();
    assert.equal(runs(), 1); // not two at once
    finish();
    await settle();
    assert.equal(runs(), 2); // the newer session is saved too
    finish();
    await settle();
    assert.equal(runs(), 2);
    saves.save(SHARD, save); // once done, a new ask saves again
    await settle();
    assert.equal(runs(), 3);
    finish();
    await settle();
  },
);

Deno.test("NewSessionSaves: a failed save is said, naming the shard", async () => {
  await withLogRecords(async (records) => {
    const saves = new NewSessionSaves(new StoreFailures());
    saves.save(SHARD, () => Promise.reject(new Error("store down")));
    await settle();
    const lines = linesSaying(records, "Could not save the sessions of shards");
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? "", /shards 3\b.*store down/s);
    assert.equal(
      records.find((r) => r.message.join("").includes("store down"))
        ?.level,
      "error",
    );
  });
});

function saved(
  shardId: number,
  savedAt: number,
  sessionId: string,
): SavedSession {
  return { shardId, shardCount: 4, sessionId, sequence: 1, savedAt };
}

Deno.test(
  "TickSessions: a kept session newer than the store's is taken, an older one is not",
  async () => {
    const scheduler = new VirtualScheduler({ start: 1_000 });
    const store = new MemorySessionStore([
      saved(0, 500, "stored0"),
      saved(1, 500, "stored1"),
    ]);
    const kept = new Map([
      [0, saved(0, 600, "kept0")],
      [1, saved(1, 500, "kept1")], // as old as the store's: not newer
      [2, saved(2, 100, "kept2")],
    ]);
    const sessions = new TickSessions(
      store,
      scheduler,
      5_000,
      new StoreFailures(),
      kept,
    );
    assert.equal((await sessions.get(0))?.sessionId, "kept0");
    assert.equal((await sessions.get(1))?.sessionId, "stored1");
    assert.equal((await sessions.get(2))?.sessionId, "kept2");
    assert.equal(await sessions.get(3), undefined);
  },
);

Deno.test(
  "TickSessions: a store that does not answer before the leases' end gives no session, and says so",
  async () => {
    await withLogRecords(async (records) => {
      const scheduler = new VirtualScheduler({ start: 1_000 });
      const store = new MemorySessionStore([saved(0, 500, "stored0")]);
      let answer: (() => void) | undefined;
      store.loadAll = () =>
        new Promise((resolve) => {
          answer = () => resolve([saved(0, 500, "stored0")]);
        });
      const sessions = new TickSessions(
        store,
        scheduler,
        3_000,
        new StoreFailures(),
      );
      const got = sessions.get(0);
      await scheduler.advance(1_999);
      let done = false;
      void got.then(() => done = true);
      await settle();
      assert.equal(done, false); // still within the leases
      await scheduler.advance(1);
      assert.equal(await got, undefined);
      assert.equal(
        linesSaying(records, "did not answer before the shards' leases")
          .length,
        1,
      );
      answer?.();
    });
  },
);

Deno.test(
  "TickSessions: past the leases' end the store is not asked",
  async () => {
    const scheduler = new VirtualScheduler({ start: 3_000 });
    const store = new MemorySessionStore([saved(0, 500, "stored0")]);
    let asked = 0;
    const loadAll = store.loadAll.bind(store);
    store.loadAll = () => {
      asked++;
      return loadAll();
    };
    const at = new TickSessions(store, scheduler, 3_000, new StoreFailures());
    assert.equal(await at.get(0), undefined);
    assert.equal(asked, 0);
    const before = new TickSessions(
      store,
      scheduler,
      3_001,
      new StoreFailures(),
    );
    assert.equal((await before.get(0))?.sessionId, "stored0");
    assert.equal(asked, 1);
  },
);
