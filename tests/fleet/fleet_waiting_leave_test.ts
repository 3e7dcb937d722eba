// A shard waiting for its session after Redis lost the fleet's keys (see
// identify_after_loss.ts) is leased but not run: it is carried from tick to
// tick. close() released only the shards running, so the waiting shard's
// lease stayed in Redis a lease TTL after its process left, keeping every
// other process off it; a start that found it waiting after close() (or
// past its lease) carried it on instead of releasing it.
import assert from "node:assert/strict";
import type { FleetGeneration } from "../../fleet/fleet_generation.ts";
import {
  type ShardSet,
  type ShardStarts,
  startShards,
} from "../../fleet/shard_sets.ts";
import { StoreFailures } from "../../fleet/store_failures.ts";
import { MemoryIdentifyQueue } from "../../gateway/identify_queue.ts";
import { MemorySessionStore } from "../../gateway/session_store.ts";
import type { RefusingLeases } from "../../fleet/refusing_leases.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { deleteKeys } from "../_fakes/fleet_scene.ts";
import { oneEach, stepAll, valvesTest } from "./fleet_run_guard_scene.ts";

valvesTest(
  "FleetShards: close() releases the lease of a shard waiting for its session after Redis lost the fleet's keys",
  2,
  async (s, valves) => {
    const [a, b] = await oneEach(s, valves);
    await captureStderr(async () => {
      await stepAll(s, valves); // a renewal saves the sessions
      // a cut off: its guard stops its shard; then Redis loses its keys,
      // and once the hold after the loss is over b takes a's shard, finds
      // no session and waits for it.
      valves[0]!.down = true;
      for (let i = 0; i < 5 && a.shardIds.length > 0; i++) {
        await stepAll(s, valves);
      }
      assert.deepEqual(a.shardIds, []);
      await deleteKeys(s.direct, s.prefix);
      for (let t = 0; t < 10_000; t += 1_000) await stepAll(s, valves);
      assert.equal(b.shardIds.length, 1, "b runs its own shard only");
      assert.equal(Object.keys(await s.leases(2)).length, 2, "b leases both");
      await b.close();
    });
    assert.deepEqual(await s.leases(2), {}, "a lease kept after close()");
  },
);

Deno.test("startShards: a shard found waiting for its session once its start is no longer safe (close() meanwhile) is released, not carried", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const released: number[] = [];
  const set = {
    count: 2,
    shards: new Map(),
    watchers: new Map(),
    carried: [],
    leases: {
      release: (ids: readonly number[]) => {
        released.push(...ids);
        return Promise.resolve();
      },
    } as unknown as RefusingLeases,
    sessions: new MemorySessionStore(),
  } satisfies ShardSet;
  // Redis lost the fleet's keys just now: a shard with no session waits.
  const record = {
    lostAt: scheduler.now(),
    wasComplete: () => Promise.resolve(false),
  } as unknown as FleetGeneration;
  let closed = false;
  const store = new MemorySessionStore();
  // close() while the start reads the sessions.
  store.loadAll = () => {
    closed = true;
    return Promise.resolve([]);
  };
  store.load = () => {
    closed = true;
    return Promise.resolve(undefined);
  };
  const starts: ShardStarts = {
    scheduler,
    shard: { token: "t", intents: 1, gatewayUrl: "ws://127.0.0.1:9" },
    identifyQueue: new MemoryIdentifyQueue({ scheduler }),
    sessionStore: store,
    storeFailures: new StoreFailures(),
    record,
    isRunning: () => true,
    fleetNow: () => scheduler.now(),
    listen: () => {},
    watch: () => {},
    stop: () => Promise.resolve(),
  };
  await captureStderr(async () => {
    await startShards(starts, set, [1], {
      clock: scheduler,
      until: scheduler.now() + 2_000,
      safe: () => !closed,
    });
  });
  assert.deepEqual(set.carried, [], "carried after close()");
  assert.deepEqual(released, [1], "its lease kept");
  assert.equal(set.shards.size, 0);
});
