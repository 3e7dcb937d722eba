// A session Discord refused (op 9 d:false, close 4007 or 4009) is dead: left
// in the store, the next process sent RESUME with it again, was refused,
// waited 1-5 s and identified. The manager deletes such an entry as soon as
// the shard loses the session, but only while the store still holds that
// very session: a newer one another process saved meanwhile stays.
import assert from "node:assert/strict";
import {
  MemorySessionStore,
  type SavedSession,
} from "../../gateway/session_store.ts";
import { ShardManager } from "../../gateway/shard_manager.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { runUntil } from "../_fakes/run_until.ts";

const TOKEN = "fake-token";
const SHARDS = 2;

function makeManager(
  scheduler: VirtualScheduler,
  gateway: FakeGateway,
  store: MemorySessionStore,
): ShardManager {
  return new ShardManager({
    token: TOKEN,
    intents: GatewayIntent.Guilds,
    shardCount: SHARDS,
    maxConcurrency: 1,
    transport: gateway.transport,
    scheduler,
    random: () => 0.5,
    sessionStore: store,
  });
}

function savedSession(
  shardId: number,
  sessionId: string,
  at: number,
): SavedSession {
  return { shardId, shardCount: SHARDS, sessionId, sequence: 3, savedAt: at };
}

/** What the store holds, as `shardId:sessionId`. */
async function held(store: MemorySessionStore): Promise<string[]> {
  return (await store.loadAll()).map((s) => `${s.shardId}:${s.sessionId}`);
}

Deno.test("ShardManager deletes a restored session Discord refused, before the shard identifies again", async () => {
  const scheduler = new VirtualScheduler();
  // A gateway that never heard of the saved sessions answers op 9 d:false.
  const gateway = new FakeGateway({ scheduler, guilds: 4, maxConcurrency: 1 });
  const at = scheduler.now();
  /** Another process saves a newer session of shard 1 after the load. */
  class FleetStore extends MemorySessionStore {
    override async loadAll(): Promise<SavedSession[]> {
      const all = await super.loadAll();
      await this.save([savedSession(1, "newer-elsewhere", at)]);
      return all;
    }
  }
  const store = new FleetStore([
    savedSession(0, "refused-0", at),
    savedSession(1, "refused-1", at),
  ]);
  const manager = makeManager(scheduler, gateway, store);
  const started = manager.start();
  started.catch(() => {});
  const refused = () =>
    gateway.log.filter((e) =>
      e.type === "resume" && e.outcome === "invalid-session"
    ).length;
  await runUntil(scheduler, () => refused() === SHARDS);
  await scheduler.flushMicrotasks();
  assert.equal(
    gateway.log.filter((e) => e.type === "identify").length,
    0,
    "no shard identified yet (op 9 d:false waits 1-5 s)",
  );
  assert.deepEqual(
    await held(store),
    ["1:newer-elsewhere"],
    "the refused session is gone; the newer one saved elsewhere stays",
  );
  await runUntil(scheduler, () => manager.info().every((i) => i.sessionId));
  await started;
  await manager.close();
  gateway.close();
  assert.equal(scheduler.pending, 0);
});

Deno.test("ShardManager deletes a running shard's session closed with 4009, and keeps one dropped resumably", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, guilds: 4, maxConcurrency: 1 });
  const store = new MemorySessionStore();
  const manager = makeManager(scheduler, gateway, store);
  const started = manager.start();
  await runUntil(scheduler, () => manager.info().every((i) => i.sessionId));
  await started;
  await scheduler.advance(10_000);
  const [first, second] = manager.info().map((i) => `${i.id}:${i.sessionId}`);
  assert.deepEqual(await held(store), [first, second]);
  // Dropped resumably: the session lives and is resumed, so it stays.
  gateway.dropConnection({ shardId: 1 });
  await scheduler.flushMicrotasks();
  assert.deepEqual(await held(store), [first, second]);
  await runUntil(scheduler, () => manager.info()[1]!.status === "ready");

  // 4009: Discord ended the session; the shard identifies anew.
  gateway.closeWith(4009, { shardId: 0 });
  await scheduler.flushMicrotasks();
  assert.equal(manager.info()[0]!.sessionId, undefined);
  assert.deepEqual(await held(store), [second]);
  await manager.close();
  gateway.close();
});

Deno.test("ShardManager deletes a session refused after an earlier delete waited in vain behind a store call never answered", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, guilds: 4, maxConcurrency: 1 });
  /** A store whose saves are never answered while `silent`. */
  class SilentStore extends MemorySessionStore {
    silent = false;
    override save(sessions: SavedSession[]): Promise<void> {
      if (this.silent) return new Promise(() => {});
      return super.save(sessions);
    }
  }
  const store = new SilentStore();
  const manager = new ShardManager({
    token: TOKEN,
    intents: GatewayIntent.Guilds,
    shardCount: SHARDS,
    maxConcurrency: 1,
    transport: gateway.transport,
    scheduler,
    random: () => 0.5,
    sessionStore: store,
    sessionSaveInterval: 2_000,
  });
  const started = manager.start();
  await runUntil(scheduler, () => manager.info().every((i) => i.sessionId));
  await started;
  await scheduler.advance(2_000);
  const second = `1:${manager.info()[1]!.sessionId}`;
  // A timed save the store never answers; shard 0's refused session is
  // then to be deleted behind it, and its caller gives up on that.
  store.silent = true;
  await scheduler.advance(2_000);
  gateway.closeWith(4009, { shardId: 0 });
  await scheduler.advance(10_000);
  store.silent = false;
  // Past 30 s the unanswered save counts as lost, and timed saves go on.
  await scheduler.advance(30_000);
  assert.deepEqual(await held(store), [
    `0:${manager.info()[0]!.sessionId}`,
    second,
  ]);
  gateway.closeWith(4009, { shardId: 1 });
  await scheduler.flushMicrotasks();
  assert.equal(manager.info()[1]!.sessionId, undefined);
  assert.deepEqual(
    await held(store),
    [`0:${manager.info()[0]!.sessionId}`],
    "the refused session is gone before the shard identifies again",
  );
  await manager.close();
  gateway.close();
});
