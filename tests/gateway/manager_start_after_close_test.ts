// A manager started again after close(): its sessions are saved again (the
// close's "closed" must not stick), a start() begun before the close
// settles does not let a third start() run beside the second, and a close
// during a load the store does not answer ends that start at once. Started
// again while running, it leaves its running shards alone.
import assert from "node:assert/strict";
import {
  MemorySessionStore,
  type SavedSession,
} from "../../gateway/session_store.ts";
import { ShardManager } from "../../gateway/shard_manager.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { runUntilSettled } from "../_fakes/run_until.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";

/** A store counting its loads, the first held until `release()`. */
class GatedStore extends MemorySessionStore {
  loads = 0;
  #gate = Promise.withResolvers<void>();
  release(): void {
    this.#gate.resolve();
  }
  override async loadAll(): Promise<SavedSession[]> {
    if (this.loads++ === 0) await this.#gate.promise;
    return await super.loadAll();
  }
}

function twoShards(
  scheduler: VirtualScheduler,
  gateway: FakeGateway,
  store: MemorySessionStore,
): ShardManager {
  return new ShardManager({
    token: "fake-token",
    intents: GatewayIntent.Guilds,
    shardCount: 2,
    maxConcurrency: 2,
    transport: gateway.transport,
    scheduler,
    random: () => 0.5,
    sessionStore: store,
  });
}

Deno.test("ShardManager: started again after close(), it saves the new sessions again", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency: 2 });
  const store = new MemorySessionStore();
  const manager = twoShards(scheduler, gateway, store);
  await runUntilSettled(scheduler, manager.start());
  await runUntilSettled(scheduler, manager.close());
  assert.deepEqual(await store.loadAll(), [], "the close deleted them");
  await runUntilSettled(scheduler, manager.start());
  await scheduler.advance(10_000);
  assert.deepEqual(
    (await store.loadAll()).map((s) => [s.shardId, s.sessionId]),
    manager.info().map((shard) => [shard.id, shard.sessionId]),
  );
  assert.ok(manager.info().every((shard) => shard.sessionId !== undefined));
  await runUntilSettled(scheduler, manager.close());
  gateway.close();
  assert.equal(scheduler.pending, 0);
});

Deno.test("ShardManager: a start() closed before it loaded, then started again, still shares the second start with a third call", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency: 2 });
  const store = new GatedStore();
  const manager = twoShards(scheduler, gateway, store);
  const first = manager.start();
  await scheduler.flushMicrotasks();
  const closed = manager.close();
  const second = manager.start();
  // The first start rejects (closed before it started) while the second
  // runs: its end must not free the second's place.
  await assert.rejects(first, { name: "GatewayError", kind: "shard_closed" });
  const third = manager.start();
  assert.equal(third, second, "the third call shares the second's start");
  store.release();
  await runUntilSettled(scheduler, Promise.all([closed, second]));
  assert.equal(store.loads, 2, "one load per start that ran");
  assert.ok(manager.info().every((shard) => shard.status === "ready"));
  await runUntilSettled(scheduler, manager.close());
  gateway.close();
  assert.equal(scheduler.pending, 0);
});

/** A store that never answers a load, counting them. */
class SilentStore extends MemorySessionStore {
  loads = 0;
  override loadAll(): Promise<SavedSession[]> {
    this.loads++;
    return new Promise(() => {});
  }
}

Deno.test("ShardManager: close() during a start whose store does not answer ends that start at once, and so for a start begun right after it", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency: 2 });
  const store = new SilentStore();
  const manager = twoShards(scheduler, gateway, store);
  const ended: string[] = [];
  const starting = (name: string): Promise<void> =>
    manager.start().catch((error) => {
      assert.equal(error.kind, "shard_closed");
      ended.push(name);
    });
  // Nothing is said: a load a close cut short is no failed load.
  const said = await captureStderr(async () => {
    const first = starting("first");
    await scheduler.flushMicrotasks();
    const closes = [manager.close()];
    const second = starting("second");
    await scheduler.flushMicrotasks();
    assert.deepEqual(ended, ["first"], "not after the store's 10 s");
    closes.push(manager.close());
    await scheduler.flushMicrotasks();
    assert.deepEqual(ended, ["first", "second"]);
    assert.equal(store.loads, 2);
    await runUntilSettled(scheduler, Promise.all([first, second, ...closes]));
  });
  assert.deepEqual(said, []);
  assert.equal(gateway.counters.connections, 0);
  gateway.close();
  assert.equal(scheduler.pending, 0);
});

Deno.test("ShardManager: start() again while running leaves its running shards alone, though the store holds another process's newer sessions for them", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency: 2 });
  const store = new MemorySessionStore();
  const manager = twoShards(scheduler, gateway, store);
  await runUntilSettled(scheduler, manager.start());
  await scheduler.advance(1_000); // the save after READY
  const live = manager.info().map((shard) => shard.sessionId);
  assert.equal((await store.loadAll()).length, 2);
  await store.save((await store.loadAll()).map((saved) => ({
    ...saved,
    sessionId: `other-${saved.shardId}`,
    savedAt: scheduler.now(),
  })));
  await runUntilSettled(scheduler, manager.start());
  assert.deepEqual(manager.info().map((shard) => shard.sessionId), live);
  assert.ok(manager.info().every((shard) => shard.status === "ready"));
  await runUntilSettled(scheduler, manager.close());
  gateway.close();
  assert.equal(scheduler.pending, 0);
});
