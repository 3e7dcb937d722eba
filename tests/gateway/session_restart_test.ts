import assert from "node:assert/strict";
import { runUntil as runTimersUntil } from "../_fakes/run_until.ts";
import { within } from "../_fakes/watchdog.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { IDENTIFY_SPACING } from "../_fakes/shard_harness.ts";
import { KvSessionStore } from "../../gateway/kv_session_store.ts";
import {
  MemorySessionStore,
  type SavedSession,
  type SessionStore,
} from "../../gateway/session_store.ts";
import {
  ShardManager,
  type ShardManagerOptions,
} from "../../gateway/shard_manager.ts";
import { shardForGuild, shardRange } from "../../gateway/shard_routing.ts";
import {
  FakeGateway,
  type FakeGatewayEvent,
} from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";

const TOKEN = "fake-token";
const SHARDS = 4;
const AUTHOR = { id: "1300000000000000001", username: "someone" };

type Manager = ShardManager & { messages: Map<number, number[]> };

function makeManager(
  scheduler: VirtualScheduler,
  gateway: FakeGateway,
  options: Partial<ShardManagerOptions> = {},
): Manager {
  const manager = new ShardManager({
    token: TOKEN,
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages,
    shardCount: SHARDS,
    maxConcurrency: SHARDS,
    transport: gateway.transport,
    scheduler,
    random: () => 0.5,
    ...options,
  }) as Manager;
  manager.messages = new Map();
  manager.on("dispatch", (event) => {
    const list = manager.messages.get(event.shardId) ?? [];
    list.push(Number((event.data as { id: string }).id) - 10_000);
    manager.messages.set(event.shardId, list);
  }, { events: ["MESSAGE_CREATE"] });
  return manager;
}

/**
 * A store whose pending operations the test can await, so the virtual clock
 * never moves while a real one (Deno KV) is still writing or reading.
 */
class TrackedStore implements SessionStore {
  static readonly pending = new Set<Promise<unknown>>();
  constructor(readonly inner: SessionStore) {}
  #track<T>(promise: Promise<T>): Promise<T> {
    TrackedStore.pending.add(promise);
    const done = () => TrackedStore.pending.delete(promise);
    promise.then(done, done);
    return promise;
  }
  load(shardId: number): Promise<SavedSession | undefined> {
    return this.#track(this.inner.load(shardId));
  }
  loadAll(): Promise<SavedSession[]> {
    return this.#track(this.inner.loadAll());
  }
  save(sessions: SavedSession[]): Promise<void> {
    return this.#track(this.inner.save(sessions));
  }
  delete(shardId: number): Promise<void> {
    return this.#track(this.inner.delete(shardId));
  }
  close(): void | Promise<void> {
    return this.inner.close?.();
  }
}

/** Let tracked store operations finish (real I/O, awaited, never slept on). */
async function settleStores(scheduler: VirtualScheduler): Promise<void> {
  await scheduler.flushMicrotasks();
  while (TrackedStore.pending.size > 0) {
    await within(
      Promise.allSettled([...TrackedStore.pending]),
      "the session store's operations",
    );
    await scheduler.flushMicrotasks();
  }
}

/** Run timers until `done()` holds, letting store I/O finish between them. */
function runUntil(
  scheduler: VirtualScheduler,
  done: () => boolean,
): Promise<void> {
  return runTimersUntil(scheduler, done, {
    settle: () => settleStores(scheduler),
  });
}

async function start(
  scheduler: VirtualScheduler,
  manager: ShardManager,
): Promise<void> {
  let settled = false;
  const started = manager.start().finally(() => settled = true);
  await runUntil(scheduler, () => settled);
  await started;
}

/** Dispatch messages `from` to `to - 1`, each in guild `n % guilds`. */
function stream(gateway: FakeGateway, from: number, to: number): void {
  const guilds = gateway.guildIds;
  for (let n = from; n < to; n++) {
    const sent = gateway.dispatch("MESSAGE_CREATE", {
      id: String(10_000 + n),
      channel_id: "1",
      guild_id: guilds[n % guilds.length]!,
      author: AUTHOR,
      content: String(n),
    });
    assert.equal(sent, 1, `message ${n} reached a session`);
  }
}

/** The messages each shard should see when `count` were streamed. */
function expected(gateway: FakeGateway, count: number): Map<number, number[]> {
  const guilds = gateway.guildIds;
  const byShard = new Map<number, number[]>();
  for (let n = 0; n < count; n++) {
    const shardId = shardForGuild(guilds[n % guilds.length]!, SHARDS);
    byShard.set(shardId, [...byShard.get(shardId) ?? [], n]);
  }
  return byShard;
}

function entries<T extends FakeGatewayEvent["type"]>(
  log: FakeGatewayEvent[],
  type: T,
): Extract<FakeGatewayEvent, { type: T }>[] {
  return log.filter((e): e is Extract<FakeGatewayEvent, { type: T }> =>
    e.type === type
  );
}

/**
 * Two managers, one store: the first closes resumably in the middle of a
 * stream of events, the second resumes every shard and nothing is lost.
 */
async function restartResumesEveryShard(
  openStore: () => Promise<SessionStore>,
): Promise<void> {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({
    scheduler,
    guilds: 8,
    maxConcurrency: SHARDS,
  });
  const storeA = new TrackedStore(await openStore());
  const first = makeManager(scheduler, gateway, { sessionStore: storeA });
  await start(scheduler, first);
  assert.equal(entries(gateway.log, "identify").length, SHARDS);

  stream(gateway, 0, 20);
  await scheduler.advance(0);
  // These are still in flight when the manager closes: the first manager
  // never sees them and the fake replays them to the second one.
  stream(gateway, 20, 30);
  await first.close({ resumable: true });
  const closes = entries(gateway.log, "close");
  assert.equal(closes.length, SHARDS);
  for (const close of closes) {
    assert.equal(close.code, 4000);
    assert.equal(close.initiator, "client");
    assert.equal(close.sessionResumable, true);
  }
  const saved = await storeA.loadAll();
  assert.deepEqual(
    saved.map((s) => [s.shardId, s.sessionId, s.sequence]),
    first.info().map((i) => [i.id, i.sessionId, i.sequence]),
  );
  assert.ok(saved.every((s) => s.resumeUrl === gateway.resumeUrl));
  await storeA.close?.();

  // Down for 5 s; Discord keeps sending, the fake buffers.
  await scheduler.advance(5_000);
  stream(gateway, 30, 40);

  const logMark = gateway.log.length;
  const storeB = new TrackedStore(await openStore());
  const second = makeManager(scheduler, gateway, { sessionStore: storeB });
  await start(scheduler, second);
  const after = gateway.log.slice(logMark);
  assert.equal(entries(after, "identify").length, 0, "no new IDENTIFY");
  const resumes = entries(after, "resume");
  assert.equal(resumes.length, SHARDS);
  for (const resume of resumes) {
    assert.equal(resume.kind, "resume", "RESUME on the resume URL");
    assert.equal(resume.outcome, "resumed");
  }
  assert.deepEqual(
    resumes.map((r) => r.sessionId).sort(),
    saved.map((s) => s.sessionId).sort(),
  );
  assert.equal(gateway.counters.sessionStarts, SHARDS);

  stream(gateway, 40, 50);
  await scheduler.advance(0);

  const want = expected(gateway, 50);
  for (let shardId = 0; shardId < SHARDS; shardId++) {
    const seen = [
      ...first.messages.get(shardId) ?? [],
      ...second.messages.get(shardId) ?? [],
    ];
    assert.deepEqual(seen, want.get(shardId), `shard ${shardId}`);
    assert.ok(
      (first.messages.get(shardId) ?? []).every((n) => n < 30),
      "the first manager saw nothing after its close",
    );
  }

  await second.close();
  assert.deepEqual(await storeB.loadAll(), [], "close() deletes the sessions");
  await storeB.close?.();
  gateway.close();
  assert.equal(scheduler.pending, 0);
}

Deno.test("ShardManager restart resumes every shard from a MemorySessionStore", async () => {
  const store = new MemorySessionStore();
  await restartResumesEveryShard(() => Promise.resolve(store));
});

Deno.test("ShardManager restart resumes every shard from a KvSessionStore file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "disruption_restart_" });
  try {
    // A new store on the same file each time, as a new process would open.
    await restartResumesEveryShard(() =>
      KvSessionStore.open({ path: `${dir}/sessions.sqlite3` })
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Run a manager, close it resumably; its sessions stay in `store`. */
async function savedSessions(
  scheduler: VirtualScheduler,
  gateway: FakeGateway,
  store: SessionStore,
): Promise<SavedSession[]> {
  const manager = makeManager(scheduler, gateway, { sessionStore: store });
  await start(scheduler, manager);
  stream(gateway, 0, 8);
  await scheduler.advance(0);
  await manager.close({ resumable: true });
  const saved = await store.loadAll();
  assert.equal(saved.length, SHARDS);
  // A new process may not identify a bucket again within 5 s of the last
  // IDENTIFY: its queue does not know about the old process's.
  await scheduler.advance(5_000);
  return saved;
}

Deno.test("ShardManager identifies through the queue when the saved sessions are too old", async () => {
  const scheduler = new VirtualScheduler();
  // The fake would still resume them: the decision is the manager's.
  const gateway = new FakeGateway({
    scheduler,
    guilds: 8,
    maxConcurrency: SHARDS,
    sessionTtl: 600_000,
  });
  const store = new MemorySessionStore();
  await savedSessions(scheduler, gateway, store);
  await scheduler.advance(120_001 - 5_000);
  const restartAt = scheduler.now();
  const logMark = gateway.log.length;
  const manager = makeManager(scheduler, gateway, {
    sessionStore: store,
    maxConcurrency: 1,
  });
  await start(scheduler, manager);
  const after = gateway.log.slice(logMark);
  assert.equal(entries(after, "resume").length, 0);
  const identifies = entries(after, "identify");
  assert.deepEqual(
    identifies.map((e) => [e.shard![0], e.at - restartAt, e.outcome]),
    [0, 1, 2, 3].map((shard) => [shard, shard * IDENTIFY_SPACING, "ready"]),
  );
  assert.ok(identifies.every((e) => e.resumableSessionAvailable));
  await manager.close();
  gateway.close();
  assert.equal(scheduler.pending, 0);
});

Deno.test("ShardManager uses a saved session up to the max age", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({
    scheduler,
    guilds: 8,
    maxConcurrency: SHARDS,
    sessionTtl: 600_000,
  });
  const store = new MemorySessionStore();
  await savedSessions(scheduler, gateway, store);
  await scheduler.advance(120_000 - 5_000);
  const logMark = gateway.log.length;
  const manager = makeManager(scheduler, gateway, { sessionStore: store });
  await start(scheduler, manager);
  const after = gateway.log.slice(logMark);
  assert.equal(entries(after, "identify").length, 0);
  assert.equal(entries(after, "resume").length, SHARDS);
  await manager.close();
  gateway.close();
});

Deno.test("ShardManager identifies when the saved sessions are for another shard count", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({
    scheduler,
    guilds: 8,
    maxConcurrency: SHARDS,
  });
  const store = new MemorySessionStore();
  await savedSessions(scheduler, gateway, store);
  const logMark = gateway.log.length;
  const manager = makeManager(scheduler, gateway, {
    sessionStore: store,
    shardCount: 2,
  });
  await start(scheduler, manager);
  const after = gateway.log.slice(logMark);
  assert.equal(entries(after, "resume").length, 0);
  assert.deepEqual(
    entries(after, "identify").map((e) => [e.shard, e.outcome]),
    [[[0, 2], "ready"], [[1, 2], "ready"]],
  );
  await manager.close();
  // Only its own shards' sessions are deleted; 2 and 3 were another layout's.
  assert.deepEqual((await store.loadAll()).map((s) => s.shardId), [2, 3]);
  gateway.close();
});

Deno.test("ShardManager falls back to IDENTIFY when the gateway rejects the saved session", async () => {
  const scheduler = new VirtualScheduler();
  const old = new FakeGateway({ scheduler, guilds: 8, maxConcurrency: SHARDS });
  const store = new MemorySessionStore();
  await savedSessions(scheduler, old, store);
  old.close();

  // A gateway that never heard of those sessions answers op 9 d:false.
  const gateway = new FakeGateway({
    scheduler,
    guilds: 8,
    maxConcurrency: SHARDS,
  });
  const restartAt = scheduler.now();
  const manager = makeManager(scheduler, gateway, { sessionStore: store });
  await start(scheduler, manager);
  const resumes = entries(gateway.log, "resume");
  assert.equal(resumes.length, SHARDS);
  assert.ok(resumes.every((r) => r.outcome === "invalid-session"));
  assert.ok(resumes.every((r) => r.kind === "resume"));
  const identifies = entries(gateway.log, "identify");
  assert.equal(identifies.length, SHARDS);
  // Op 9 d:false: wait 1-5 s (3 s with random 0.5), then IDENTIFY.
  assert.ok(identifies.every((e) => e.outcome === "ready"));
  assert.ok(identifies.every((e) => e.at - restartAt === 3000));
  assert.ok(manager.info().every((i) => i.status === "ready"));
  // The next save replaces the rejected sessions.
  await scheduler.advance(10_000);
  const saved = await store.loadAll();
  assert.deepEqual(
    saved.map((s) => s.sessionId),
    manager.info().map((i) => i.sessionId),
  );
  await manager.close();
  gateway.close();
  assert.equal(scheduler.pending, 0);
});

Deno.test("ShardManager close() without resumable deletes the saved sessions", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({
    scheduler,
    guilds: 8,
    maxConcurrency: SHARDS,
  });
  const store = new MemorySessionStore([{
    shardId: 7,
    shardCount: 8,
    sessionId: "another-process",
    sequence: 1,
    savedAt: 0,
  }]);
  const manager = makeManager(scheduler, gateway, { sessionStore: store });
  await start(scheduler, manager);
  await scheduler.advance(10_000);
  assert.equal((await store.loadAll()).length, SHARDS + 1);
  await manager.close();
  assert.deepEqual(
    (await store.loadAll()).map((s) => s.shardId),
    [7],
    "only this manager's shards are forgotten",
  );
  const closes = entries(gateway.log, "close");
  assert.ok(closes.every((c) => c.code === 1000 && !c.sessionResumable));
  gateway.close();
});

/** A store that counts its writes. */
class CountingStore extends MemorySessionStore {
  saves: { at: number; sessions: SavedSession[] }[] = [];
  constructor(readonly scheduler: VirtualScheduler) {
    super();
  }
  override save(sessions: SavedSession[]): Promise<void> {
    this.saves.push({ at: this.scheduler.now(), sessions });
    return super.save(sessions);
  }
}

Deno.test("ShardManager saves sessions on the timer, not per event", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({
    scheduler,
    guilds: 8,
    maxConcurrency: SHARDS,
  });
  const store = new CountingStore(scheduler);
  const manager = makeManager(scheduler, gateway, {
    sessionStore: store,
    sessionSaveInterval: 5_000,
  });
  await start(scheduler, manager);
  // A second after READY: a crash before the first timed save no longer
  // costs every shard a session start.
  const readyAt = scheduler.now();
  await scheduler.advance(999);
  assert.equal(store.saves.length, 0);
  await scheduler.advance(1);
  assert.deepEqual(store.saves.map((s) => s.at), [readyAt + 1_000]);
  stream(gateway, 0, 200);
  await scheduler.advance(4_999 - scheduler.now());
  assert.equal(store.saves.length, 1, "200 events, no write yet");
  await scheduler.advance(1);
  assert.deepEqual(store.saves.map((s) => s.at), [readyAt + 1_000, 5_000]);
  assert.deepEqual(
    store.saves[1]!.sessions.map((s) => [s.shardId, s.sequence, s.savedAt]),
    manager.info().map((i) => [i.id, i.sequence, 5_000]),
  );
  stream(gateway, 200, 400);
  await scheduler.advance(4_999);
  assert.equal(store.saves.length, 2);
  await scheduler.advance(1);
  assert.deepEqual(store.saves.map((s) => s.at), [
    readyAt + 1_000,
    5_000,
    10_000,
  ]);
  assert.deepEqual(
    (await store.loadAll()).map((s) => s.sequence),
    manager.info().map((i) => i.sequence),
  );
  await manager.close({ resumable: true });
  assert.equal(store.saves.length, 4, "one more save on a resumable close");
  await scheduler.advance(20_000);
  assert.equal(store.saves.length, 4, "no saves after close");
  gateway.close();
  assert.equal(scheduler.pending, 0);
});

Deno.test("ShardManager start() twice keeps one save timer", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({
    scheduler,
    guilds: 8,
    maxConcurrency: SHARDS,
  });
  const store = new CountingStore(scheduler);
  const manager = makeManager(scheduler, gateway, { sessionStore: store });
  await start(scheduler, manager);
  await start(scheduler, manager);
  await scheduler.advance(10_000);
  assert.equal(store.saves.length, 2, "the one after READY, one timed");
  await manager.close();
  gateway.close();
  assert.equal(scheduler.pending, 0);
});

Deno.test("ShardManager start() again while running keeps the live sessions", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({
    scheduler,
    guilds: 8,
    maxConcurrency: SHARDS,
  });
  const store = new CountingStore(scheduler);
  const manager = makeManager(scheduler, gateway, { sessionStore: store });
  await start(scheduler, manager);
  await scheduler.advance(10_000);
  assert.equal(store.saves.length, 2, "the one after READY, one timed");
  const sessions = manager.info().map((i) => i.sessionId);
  // The store has sessions now; a second start() must not try to restore
  // them into running shards.
  await start(scheduler, manager);
  assert.deepEqual(manager.info().map((i) => i.sessionId), sessions);
  assert.equal(gateway.counters.connections, SHARDS);
  await scheduler.advance(10_000);
  assert.equal(store.saves.length, 3);
  await manager.close();
  gateway.close();
  assert.equal(scheduler.pending, 0);
});

Deno.test("ShardManager close() during start() stops it before any shard connects", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency: SHARDS });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  class SlowStore extends MemorySessionStore {
    override async loadAll(): Promise<SavedSession[]> {
      await gate;
      return await super.loadAll();
    }
  }
  const manager = makeManager(scheduler, gateway, {
    sessionStore: new SlowStore(),
  });
  const started = manager.start();
  await scheduler.flushMicrotasks();
  await manager.close();
  release();
  await assert.rejects(started, { name: "GatewayError", kind: "shard_closed" });
  await scheduler.advance(60_000);
  assert.equal(gateway.counters.connections, 0);
  assert.ok(manager.info().every((i) => i.status === "closed"));
  assert.equal(scheduler.pending, 0);
  gateway.close();
});

Deno.test("ShardManager start() called twice at once shares one start", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency: SHARDS });
  const store = new CountingStore(scheduler);
  const manager = makeManager(scheduler, gateway, { sessionStore: store });
  // The second call used to bump the counter close() uses, so the first
  // rejected saying the manager was closed before it started.
  const first = manager.start();
  const second = manager.start();
  let settled = false;
  const both = Promise.allSettled([first, second]).finally(() =>
    settled = true
  );
  await runUntil(scheduler, () => settled);
  assert.deepEqual(
    (await both).map((result) => result.status),
    ["fulfilled", "fulfilled"],
  );
  assert.equal(second, first, "the second call shares the first's promise");
  assert.ok(manager.info().every((i) => i.status === "ready"));
  assert.equal(gateway.counters.connections, SHARDS);
  await scheduler.advance(10_000);
  assert.equal(
    store.saves.length,
    2,
    "one save timer (and the one after READY)",
  );
  // Once settled, start() starts again (and keeps the live sessions).
  const again = manager.start();
  assert.notEqual(again, first);
  await again;
  await manager.close();
  gateway.close();
  assert.equal(scheduler.pending, 0);
});

/** A store whose `save` fails, as a full disk or a refused write does. */
class FailingStore extends MemorySessionStore {
  override save(_sessions: SavedSession[]): Promise<void> {
    return Promise.reject(new Error("disk full"));
  }
}

Deno.test("ShardManager shows failed saves and says so from close({ resumable: true })", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency: SHARDS });
  const manager = makeManager(scheduler, gateway, {
    sessionStore: new FailingStore(),
    sessionSaveInterval: 1_000,
  });
  await start(scheduler, manager);
  // Timed saves: shown once while they keep failing, not every interval.
  const timed = await captureStderr(() => scheduler.advance(5_000));
  assert.equal(timed.length, 1);
  assert.match(
    timed[0]!,
    /^\[ERR\] disruption·gateway·manager: Saving sessions failed.*disk full/,
  );
  await assert.rejects(manager.saveSessions(), /disk full/);
  let closed: boolean | undefined;
  const atClose = await captureStderr(async () => {
    closed = await manager.close({ resumable: true });
  });
  assert.equal(closed, false, "close() says the sessions were not saved");
  assert.ok(manager.info().every((i) => i.status === "closed"));
  assert.equal(atClose.length, 1);
  assert.match(
    atClose[0]!,
    /^\[ERR\] disruption·gateway·manager: Saving the sessions at close failed: a start in this process still resumes them, but another process finds none or older ones, and identifies every shard closed here \(4, a session start each\).*disk full/,
  );
  gateway.close();
  assert.equal(scheduler.pending, 0);
});

/** A store that never answers, as one on a frozen Redis. */
class SilentStore extends MemorySessionStore {
  calls: string[] = [];
  override loadAll(): Promise<SavedSession[]> {
    this.calls.push("loadAll");
    return new Promise(() => {});
  }
  override save(_sessions: SavedSession[]): Promise<void> {
    this.calls.push("save");
    return new Promise(() => {});
  }
  override delete(_shardId: number): Promise<void> {
    this.calls.push("delete");
    return new Promise(() => {});
  }
  override deleteMany(_shardIds: readonly number[]): Promise<void> {
    this.calls.push("deleteMany");
    return new Promise(() => {});
  }
}

Deno.test("ShardManager start() identifies after 10 s when the store does not answer", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency: SHARDS });
  const store = new SilentStore();
  const manager = makeManager(scheduler, gateway, { sessionStore: store });
  let ready = false;
  const started = manager.start().then(() => ready = true);
  const lines = await captureStderr(async () => {
    await scheduler.advance(9_999);
    assert.equal(
      gateway.counters.connections,
      0,
      "still waiting for the store",
    );
    await scheduler.advance(1);
    await runUntil(scheduler, () => ready);
  });
  await started;
  assert.equal(entries(gateway.log, "identify").length, SHARDS);
  assert.equal(lines.length, 1);
  assert.match(
    lines[0]!,
    /^\[WRN\] disruption·gateway·manager: Could not load the saved sessions, so every shard identifies.*did not answer within 10000 ms/,
  );
  // Timed saves pause while the store has not answered (each would only
  // queue one more copy of every session behind it), said once. The load
  // counts as lost after 30 s and one save goes on; unanswered too, it
  // holds the next for a minute. (That save loads first: the start could
  // not see whose sessions the store holds, another bot's are not saved
  // over.)
  const paused = await captureStderr(() => scheduler.advance(60_000));
  assert.deepEqual(store.calls, ["loadAll", "loadAll"]);
  assert.equal(paused.length, 2, paused.join("\n"));
  assert.match(paused[0]!, /saves are paused.* for 20000 ms.* in 10000 ms/);
  assert.match(paused[1]!, /Saving sessions failed.*within 10000 ms/);
  const closed = await captureStderr(async () => {
    let result: boolean | undefined;
    const closing = manager.close({ resumable: true }).then((r) => result = r);
    await runUntil(scheduler, () => result !== undefined);
    await closing;
    assert.equal(result, false);
    assert.equal(scheduler.now(), 80_000, "the final save waited 10 s");
  });
  assert.match(closed.join("\n"), /did not answer within 10000 ms/);
  assert.deepEqual(store.calls, ["loadAll", "loadAll"]);
  gateway.close();
  assert.equal(scheduler.pending, 0);
});

Deno.test("ShardManager says how long a save behind an unanswered one waited", async () => {
  const scheduler = new VirtualScheduler();
  const store = new SilentStore();
  const manager = new ShardManager({
    token: TOKEN,
    intents: GatewayIntent.Guilds,
    shardCount: 1,
    sessionStore: store,
    scheduler,
  });
  const first = manager.saveSessions().catch((error: Error) => error);
  await scheduler.advance(5_000);
  // Behind the first: it waits out the first's 10 s, then 10 s of its own.
  const second = manager.saveSessions().catch((error: Error) => error);
  await scheduler.advance(15_000);
  assert.match(String(await first), /did not answer within 10000 ms/);
  assert.match(String(await second), /did not answer within 15000 ms/);
  assert.deepEqual(store.calls, ["save"], "the second never reached it");
  const closing = manager.close();
  await captureStderr(() => scheduler.advance(30_000));
  assert.equal(await closing, false, "the store still does not answer");
  assert.equal(scheduler.pending, 0);
});

Deno.test("ShardManager close() deletes in one call, and gives up on a store that does not answer", async () => {
  const scheduler = new VirtualScheduler();
  const store = new SilentStore();
  const manager = new ShardManager({
    token: TOKEN,
    intents: GatewayIntent.Guilds,
    shardCount: 4_000,
    shardIds: shardRange(0, 3_999),
    sessionStore: store,
    scheduler,
  });
  let result: boolean | undefined;
  const lines = await captureStderr(async () => {
    const closing = manager.close().then((r) => result = r);
    await runUntil(scheduler, () => result !== undefined);
    await closing;
  });
  assert.equal(result, false);
  assert.equal(scheduler.now(), 10_000);
  // One delete per shard made a Redis store rewrite its whole key 4,000
  // times: 38 s of close and Redis stalled for 20 s.
  assert.deepEqual(store.calls, ["deleteMany"], "one call for every shard");
  assert.equal(lines.length, 1);
  assert.match(
    lines[0]!,
    /^\[WRN\] disruption·gateway·manager: Deleting the saved sessions at close failed.*did not answer within 10000 ms/,
  );
  assert.equal(scheduler.pending, 0);
});
