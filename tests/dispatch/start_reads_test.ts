// What the dispatch service's start reads from Redis, on fakes: which saved
// sessions are worth a RESUME (loadUsableSessions) and which shards a
// previous run left the cache stale for (loadStaleShardIds).
import assert from "node:assert/strict";
import type { SavedSession } from "../../gateway/saved_session.ts";
import { DEFAULT_SESSION_MAX_AGE } from "../../gateway/session_store.ts";
import {
  loadStaleShardIds,
  loadUsableSessions,
  StartReads,
} from "../../dispatch/start_reads.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { linesSaying, withLogRecords } from "../_fakes/log_records.ts";

const NOW = 1_000_000_000;

/** Reads on a virtual clock, with the service not closing. */
function reads(signal = new AbortController().signal): StartReads {
  return new StartReads(new VirtualScheduler(), signal);
}

/** A session of `shardId` of 4 shards, saved `age` ms before NOW. */
function saved(shardId: number, age = 1_000, shardCount = 4): SavedSession {
  return {
    shardId,
    shardCount,
    sessionId: `s${shardId}`,
    sequence: 7,
    savedAt: NOW - age,
  };
}

/** The usable sessions' shards out of `sessions`, for shards 0-2 of 4. */
async function usableShards(
  sessions: SavedSession[],
  lost?: { inc(): void },
): Promise<number[]> {
  const usable = await loadUsableSessions(
    { loadAll: () => Promise.resolve(sessions) },
    reads(),
    { shardIds: [0, 1, 2], shardCount: 4, now: NOW, ...(lost && { lost }) },
  );
  return [...usable.keys()];
}

Deno.test("loadUsableSessions: only this process's shards' sessions identified with its shard count are resumed; another count is said once", async () => {
  await withLogRecords(async (records) => {
    assert.deepEqual(
      await usableShards([
        saved(0),
        saved(1, 1_000, 8),
        saved(2, 1_000, 8),
        saved(3),
      ]),
      [0],
    );
    assert.equal(linesSaying(records, "for 8 shards, not 4").length, 1);
  }, "info");
});

Deno.test("loadUsableSessions: a session is resumed up to exactly two minutes old either way of the clock, and twilight-dispatch's (no time saved) always", async () => {
  let lost = 0;
  await withLogRecords(async () => {
    const max = DEFAULT_SESSION_MAX_AGE;
    assert.equal(max, 120_000);
    const counted = { inc: () => lost++ };
    assert.deepEqual(
      await usableShards([saved(0, max), saved(1, -max)], counted),
      [0, 1],
    );
    assert.equal(lost, 0);
    assert.deepEqual(
      await usableShards([saved(0, max + 1), saved(1, -max - 1)], counted),
      [],
    );
    assert.equal(lost, 2);
    const twilight = { ...saved(2), savedAt: 0 };
    assert.deepEqual(await usableShards([twilight], counted), [2]);
    assert.equal(lost, 2);
  });
});

Deno.test("loadUsableSessions: a failed read resumes nothing, rejects nothing, and says the sessions unread", async () => {
  let unread = 0;
  await withLogRecords(async (records) => {
    const usable = await loadUsableSessions(
      { loadAll: () => Promise.reject(new Error("WRONGTYPE")) },
      reads(),
      {
        shardIds: [0],
        shardCount: 1,
        now: NOW,
        unread: () => unread++,
      },
    );
    assert.equal(usable.size, 0);
    assert.equal(linesSaying(records, "WRONGTYPE").length, 1);
  });
  assert.equal(unread, 1);
});

Deno.test("loadStaleShardIds: this process's shards of the set; every one of them when the set cannot be read; none when the service is closing", async () => {
  const set = (members: string[] | Error) => ({
    smembers: () =>
      members instanceof Error
        ? Promise.reject(members)
        : Promise.resolve(members),
  });
  assert.deepEqual(
    await loadStaleShardIds(set(["1", "3", "7"]), "stale", [2, 3, 4], reads()),
    [3],
  );
  await withLogRecords(async (records) => {
    assert.deepEqual(
      await loadStaleShardIds(
        set(new Error("WRONGTYPE")),
        "stale",
        [2, 3],
        reads(),
      ),
      [2, 3],
    );
    assert.equal(linesSaying(records, "Reading stale failed").length, 1);
  });
  const closing = new AbortController();
  closing.abort();
  assert.equal(
    await loadStaleShardIds(
      { smembers: () => new Promise<string[]>(() => {}) },
      "stale",
      [2, 3],
      reads(closing.signal),
    ),
    undefined,
  );
});

Deno.test("StartReads: a wait for Redis ends when the service closes, without the clock moving", async () => {
  const stop = new AbortController();
  const waits = new StartReads(new VirtualScheduler(), stop.signal);
  const waiting = waits.answered(new Promise(() => {}), "reading", "instead");
  stop.abort();
  assert.equal(await waiting, false);
  assert.equal(waits.closing, true);
});
