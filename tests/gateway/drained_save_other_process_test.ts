// After close({ resumable: true }) a dispatches() reader behind reads on,
// and once it reads to the end the sessions are saved at what was received.
// Meanwhile another process on the same store may have taken the shard
// over: resumed the session and saved further on, or been refused it
// (4009) and saved a new one. The drained save replaced that newer entry
// with this process's older one (a restart then replayed, or resumed a
// dead session). It now writes a shard's session only where the store
// still holds what this process saved for it.
import assert from "node:assert/strict";
import { ShardManager } from "../../gateway/shard_manager.ts";
import { MemorySessionStore } from "../../gateway/session_store.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { runUntil } from "../_fakes/run_until.ts";

/** One process's manager of the bot's single shard. */
function manager(
  clock: VirtualScheduler,
  gateway: FakeGateway,
  store: MemorySessionStore,
): ShardManager {
  return new ShardManager({
    token: "fake-token",
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages,
    shardCount: 1,
    transport: gateway.transport,
    scheduler: clock,
    random: () => 0.5,
    sessionSaveInterval: 2_000,
    sessionStore: store,
  });
}

/** Post `count` messages on the fake gateway. */
function post(gateway: FakeGateway, count: number): void {
  for (let i = 0; i < count; i++) {
    gateway.dispatch("MESSAGE_CREATE", {
      id: String(1000 + i),
      channel_id: "1",
      guild_id: gateway.guildIds[0]!,
      content: `m${i}`,
      author: { id: "2", username: "u" },
    });
  }
}

/** What the store holds, as `sessionId@sequence`. */
async function held(store: MemorySessionStore): Promise<string[]> {
  return (await store.loadAll()).map((s) => `${s.sessionId}@${s.sequence}`);
}

/**
 * Process A runs the shard, its reader 4 events in, and closes resumably;
 * process B starts on the same store and runs `takeOver`; then A's reader
 * reads to the end.
 *
 * @returns What the store held before A's reader finished, and after.
 */
async function drainAfterTakeOver(
  takeOver: (
    clock: VirtualScheduler,
    gateway: FakeGateway,
    b: ShardManager,
  ) => Promise<void>,
): Promise<{ before: string[]; after: string[] }> {
  const clock = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler: clock, guilds: 1 });
  const store = new MemorySessionStore();
  const a = manager(clock, gateway, store);
  const reader = a.dispatches().getReader();
  const started = a.start();
  await runUntil(clock, () => a.shards.get(0)?.status === "ready");
  await started;
  post(gateway, 10);
  await clock.advance(0);
  for (let i = 0; i < 4; i++) await reader.read();
  assert.equal(await a.close({ resumable: true }), true);
  const b = manager(clock, gateway, store);
  const bStarted = b.start();
  await runUntil(clock, () => b.shards.get(0)?.status === "ready");
  await bStarted;
  await takeOver(clock, gateway, b);
  const before = await held(store);
  while (!(await reader.read()).done);
  await clock.advance(0);
  const after = await held(store);
  await b.close({ resumable: true });
  gateway.close();
  return { before, after };
}

Deno.test("ShardManager.dispatches(): a reader that drains after the close keeps the session another process saved further on", async () => {
  const { before, after } = await drainAfterTakeOver(async (clock, gw, b) => {
    post(gw, 20);
    await clock.advance(2_100);
    const shard = b.shards.get(0)!;
    assert.equal(shard.sequence, 33, "B resumed the session and read on");
  });
  assert.equal(before.length, 1);
  assert.match(before[0]!, /@33$/, "B saved at 33");
  assert.deepEqual(after, before, "A's drained save wrote nothing over it");
});

Deno.test("ShardManager.dispatches(): a reader that drains after the close keeps the new session another process saved", async () => {
  let bSession: string | undefined;
  const { before, after } = await drainAfterTakeOver(async (clock, gw, b) => {
    const resumed = b.shards.get(0)!.sessionId;
    gw.closeWith(4009, { shardId: 0 });
    await runUntil(clock, () => {
      const shard = b.shards.get(0)!;
      return shard.status === "ready" && shard.sessionId !== resumed;
    });
    await clock.advance(2_100);
    bSession = b.shards.get(0)!.sessionId;
  });
  assert.equal(before.length, 1);
  assert.ok(before[0]!.startsWith(`${bSession}@`), "B saved its new session");
  assert.deepEqual(after, before, "A's dead session was not written over it");
});

/** A store whose saves fail while `failing`. */
class FailingStore extends MemorySessionStore {
  failing = true;
  override save(
    sessions: Parameters<MemorySessionStore["save"]>[0],
  ): Promise<void> {
    if (this.failing) return Promise.reject(new Error("save failed"));
    return super.save(sessions);
  }
}

Deno.test("ShardManager.dispatches(): when every save failed until the reader drained, the drained save writes the session at what was received", async () => {
  const clock = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler: clock, guilds: 1 });
  const store = new FailingStore();
  const a = manager(clock, gateway, store);
  const reader = a.dispatches().getReader();
  const started = a.start();
  await runUntil(clock, () => a.shards.get(0)?.status === "ready");
  await started;
  post(gateway, 10);
  await clock.advance(0);
  for (let i = 0; i < 4; i++) await reader.read();
  const received = a.shards.get(0)!.sequence;
  const sessionId = a.shards.get(0)!.sessionId;
  assert.equal(await a.close({ resumable: true }), false, "the close's failed");
  assert.deepEqual(await held(store), []);
  store.failing = false;
  while (!(await reader.read()).done);
  await clock.advance(0);
  // Nothing of another process there: a retry of the failed save, as before.
  assert.deepEqual(await held(store), [`${sessionId}@${received}`]);
  gateway.close();
});

/** A store whose saves and deletes (all through `deleteMany`) fail while `failing`. */
class DownStore extends MemorySessionStore {
  failing = false;
  override save(
    sessions: Parameters<MemorySessionStore["save"]>[0],
  ): Promise<void> {
    if (this.failing) return Promise.reject(new Error("save failed"));
    return super.save(sessions);
  }
  override deleteMany(shardIds: readonly number[]): Promise<void> {
    if (this.failing) return Promise.reject(new Error("delete failed"));
    return super.deleteMany(shardIds);
  }
}

Deno.test("ShardManager.dispatches(): when the store still holds this process's earlier session (the new one's saves failed), the drained save writes the new one", async () => {
  const clock = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler: clock, guilds: 1 });
  const store = new DownStore();
  const a = manager(clock, gateway, store);
  const reader = a.dispatches().getReader();
  const started = a.start();
  await runUntil(clock, () => a.shards.get(0)?.status === "ready");
  await started;
  while (!(await reader.read()).value?.name.startsWith("GUILD_CREATE"));
  await clock.advance(2_100);
  const first = a.shards.get(0)!.sessionId!;
  const ours = await held(store);
  assert.equal(ours.length, 1);
  assert.ok(ours[0]!.startsWith(`${first}@`), "this process saved it");
  // The store goes down: the refused session's delete, and every save of
  // the new session, fail; the store keeps the earlier one of this process.
  store.failing = true;
  gateway.closeWith(4009, { shardId: 0 });
  await runUntil(clock, () => {
    const shard = a.shards.get(0)!;
    return shard.status === "ready" && shard.sessionId !== first;
  });
  const second = a.shards.get(0)!.sessionId!;
  post(gateway, 10);
  await clock.advance(2_100);
  for (let i = 0; i < 4; i++) await reader.read();
  assert.equal(await a.close({ resumable: true }), false, "the close's failed");
  store.failing = false;
  assert.deepEqual(await held(store), ours, "still this process's first");
  while (!(await reader.read()).done);
  await clock.advance(0);
  const received = a.shards.get(0)!.sequence;
  // No other process wrote since: the new session replaces the old.
  assert.deepEqual(await held(store), [`${second}@${received}`]);
  gateway.close();
});

Deno.test("ShardManager.dispatches(): a reader behind at the close that cancels instead of draining leaves the close's save", async () => {
  const clock = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler: clock, guilds: 1 });
  const store = new MemorySessionStore();
  const a = manager(clock, gateway, store);
  const reader = a.dispatches().getReader();
  const started = a.start();
  await runUntil(clock, () => a.shards.get(0)?.status === "ready");
  await started;
  post(gateway, 10);
  await clock.advance(0);
  for (let i = 0; i < 4; i++) await reader.read();
  assert.equal(await a.close({ resumable: true }), true);
  const closeSave = await held(store);
  assert.equal(closeSave.length, 1);
  const received = a.shards.get(0)!.sequence;
  assert.ok(!closeSave[0]!.endsWith(`@${received}`), "saved before the unread");
  // Cancelled, the unread events were not handled: saved at what was
  // received, a restart would never see them.
  await reader.cancel();
  await clock.advance(0);
  assert.deepEqual(await held(store), closeSave);
  gateway.close();
});
