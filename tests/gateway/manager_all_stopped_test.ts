// A manager with a session store whose every shard stops for good while it
// runs (a reset token, revoked intents): its timed saves kept a timer alive
// for ever, so a process with nothing connected never exited, and wrote
// the store every 10 s, leaving it the sessions of the dead shards for a
// later process to try to resume. On the virtual clock.
import assert from "node:assert/strict";
import { runUntilSettled } from "../_fakes/run_until.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import {
  MemorySessionStore,
  type SavedSession,
} from "../../gateway/session_store.ts";
import { ShardManager } from "../../gateway/shard_manager.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import type { FakeCloseOptions } from "../../testing/fake_gateway_types.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";

const HOUR = 3_600_000;

/** A store counting its saves and deletes. */
class CountingStore extends MemorySessionStore {
  saves = 0;
  deletes = 0;
  override save(sessions: SavedSession[]): Promise<void> {
    this.saves++;
    return super.save(sessions);
  }
  override delete(shardId: number): Promise<void> {
    this.deletes++;
    return super.delete(shardId);
  }
  override deleteMany(shardIds: readonly number[]): Promise<void> {
    this.deletes++;
    return super.deleteMany(shardIds);
  }
}

/**
 * Close `gateway`'s connections with the fatal `code` (the stderr line of
 * each stopped shard taken in) and let the shards take it in.
 */
async function closeForGood(
  scheduler: VirtualScheduler,
  gateway: FakeGateway,
  code: number,
  reason: string | FakeCloseOptions,
): Promise<void> {
  await captureStderr(async () => {
    gateway.closeWith(code, reason);
    await scheduler.advance(0);
    await scheduler.flushMicrotasks();
  });
}

/** A started two-shard manager on `gateway` with `store`, sessions saved. */
async function started(
  scheduler: VirtualScheduler,
  gateway: FakeGateway,
  store: CountingStore,
): Promise<ShardManager> {
  const manager = new ShardManager({
    token: "fake-token",
    intents: GatewayIntent.Guilds,
    shardCount: 2,
    maxConcurrency: 2,
    transport: gateway.transport,
    scheduler,
    random: () => 0.5,
    sessionStore: store,
  });
  await runUntilSettled(scheduler, manager.start());
  // The save soon after the READYs.
  await scheduler.advance(1_000);
  assert.equal((await store.loadAll()).length, 2, "both sessions are saved");
  return manager;
}

Deno.test("ShardManager: once every shard stopped for good its timed saves stop, no timer is left, and the store forgets the dead sessions", async () => {
  for (const code of [4004, 4014]) {
    const scheduler = new VirtualScheduler();
    const gateway = new FakeGateway({ scheduler, maxConcurrency: 2 });
    const store = new CountingStore();
    const manager = await started(scheduler, gateway, store);
    await closeForGood(scheduler, gateway, code, "stopped for good");
    assert.deepEqual(
      manager.info().map((shard) => shard.status),
      ["closed", "closed"],
    );
    assert.equal(scheduler.pending, 0, `${code}: no timer keeps the process`);
    assert.deepEqual(
      await store.loadAll(),
      [],
      `${code}: no session is left to resume`,
    );
    const { saves, deletes } = store;
    await scheduler.advance(HOUR);
    assert.equal(store.saves, saves, `${code}: no save in the hour after`);
    assert.equal(store.deletes, deletes);
    // close() still does its part: the sessions are deleted, again.
    assert.equal(await runUntilSettled(scheduler, manager.close()), true);
    assert.equal(scheduler.pending, 0);
    gateway.close();
  }
});

Deno.test("ShardManager: started again after every shard stopped for good, it saves on its timer again", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency: 2 });
  const store = new CountingStore();
  const manager = await started(scheduler, gateway, store);
  await closeForGood(scheduler, gateway, 4004, "token reset");
  assert.equal(scheduler.pending, 0);
  await runUntilSettled(scheduler, manager.start());
  const saves = store.saves;
  await scheduler.advance(30_000);
  assert.ok(store.saves >= saves + 3, `saves ${saves} -> ${store.saves}`);
  assert.equal((await store.loadAll()).length, 2, "the new sessions are saved");
  await runUntilSettled(scheduler, manager.close());
  gateway.close();
});

Deno.test("ShardManager: a shard connected again by hand after every shard stopped for good is saved on the timer again", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency: 2 });
  const store = new CountingStore();
  const manager = await started(scheduler, gateway, store);
  await closeForGood(scheduler, gateway, 4004, "token reset");
  assert.equal(scheduler.pending, 0);
  // As the dispatch service restarts a shard: its own connect().
  await runUntilSettled(scheduler, manager.shard(0)!.connect());
  const saves = store.saves;
  await scheduler.advance(30_000);
  assert.ok(store.saves >= saves + 3, `saves ${saves} -> ${store.saves}`);
  assert.deepEqual((await store.loadAll()).map((s) => s.shardId), [0]);
  await runUntilSettled(scheduler, manager.close());
  gateway.close();
});

Deno.test("ShardManager: a shard stopped for good beside one closed resumably by its own close leaves the latter's session saved", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency: 2 });
  const store = new CountingStore();
  const manager = await started(scheduler, gateway, store);
  await runUntilSettled(
    scheduler,
    manager.shard(0)!.close({ resumable: true }),
  );
  const kept = manager.shard(0)!.sessionId;
  assert.ok(kept !== undefined);
  await closeForGood(scheduler, gateway, 4014, {
    shardId: 1,
    reason: "intents revoked",
  });
  // The fake keeps shard 0's session for its TTL on the same clock.
  gateway.close();
  assert.equal(scheduler.pending, 0);
  assert.deepEqual(
    (await store.loadAll()).map((s) => [s.shardId, s.sessionId]),
    [[0, kept]],
  );
  await runUntilSettled(scheduler, manager.close({ resumable: true }));
});

Deno.test("ShardManager: the shards of a manager not started, closed by hand, leave the store alone", async () => {
  const scheduler = new VirtualScheduler();
  const saved: SavedSession = {
    shardId: 0,
    shardCount: 1,
    sessionId: "kept",
    sequence: 5,
    resumeUrl: "wss://resume.invalid",
    savedAt: 0,
  };
  const store = new CountingStore([saved]);
  const gateway = new FakeGateway({ scheduler });
  const manager = new ShardManager({
    token: "fake-token",
    intents: GatewayIntent.Guilds,
    shardCount: 1,
    transport: gateway.transport,
    scheduler,
    sessionStore: store,
  });
  await runUntilSettled(scheduler, manager.shard(0)!.close());
  assert.equal(manager.shard(0)!.status, "closed");
  assert.deepEqual(await store.loadAll(), [saved]);
  assert.equal(store.deletes, 0);
  assert.equal(scheduler.pending, 0);
  gateway.close();
});

Deno.test("ShardManager: a shard closed and connected again by hand no longer counts as stopped, so the other one stopping for good leaves the timed saves on", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency: 2 });
  const store = new CountingStore();
  const manager = await started(scheduler, gateway, store);
  await runUntilSettled(scheduler, manager.shard(0)!.close());
  await runUntilSettled(scheduler, manager.shard(0)!.connect());
  await closeForGood(scheduler, gateway, 4014, {
    shardId: 1,
    reason: "intents revoked",
  });
  assert.deepEqual(
    manager.info().map((shard) => shard.status),
    ["ready", "closed"],
  );
  const saves = store.saves;
  await scheduler.advance(30_000);
  assert.ok(store.saves >= saves + 3, `saves ${saves} -> ${store.saves}`);
  assert.deepEqual(
    (await store.loadAll()).map((s) => [s.shardId, s.sessionId]),
    [[0, manager.shard(0)!.sessionId]],
  );
  await runUntilSettled(scheduler, manager.close());
  gateway.close();
});

Deno.test("ShardManager: when every shard has stopped, a shard closed resumably by its own close is saved at the sequence it reached, not left at the last timed save", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency: 2 });
  const store = new CountingStore();
  const manager = await started(scheduler, gateway, store);
  for (let n = 0; n < 3; n++) {
    gateway.dispatch("USER_UPDATE", { id: "1", username: "bot" }, {
      shardId: 0,
    });
  }
  await scheduler.advance(0);
  await runUntilSettled(
    scheduler,
    manager.shard(0)!.close({ resumable: true }),
  );
  const reached = manager.shard(0)!.session!;
  const before = await store.load(0);
  assert.ok(before!.sequence < reached.sequence, "the timed save is older");
  await closeForGood(scheduler, gateway, 4014, {
    shardId: 1,
    reason: "intents revoked",
  });
  gateway.close();
  assert.deepEqual(
    (await store.loadAll()).map((s) => [s.shardId, s.sessionId, s.sequence]),
    [[0, reached.sessionId, reached.sequence]],
  );
  await runUntilSettled(scheduler, manager.close({ resumable: true }));
});
