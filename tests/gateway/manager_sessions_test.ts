// The manager's session keeping (gateway/_manager_sessions.ts) against
// stores that answer late or not at all, through the manager, on the
// virtual clock: the order in which saves and deletes land, and timed saves
// after a call whose reply never comes. (The restart itself, and stores
// that fail or never answer anything: session_restart_test.ts.)
import assert from "node:assert/strict";
import { runUntilSettled } from "../_fakes/run_until.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import {
  MemorySessionStore,
  type SavedSession,
} from "../../gateway/session_store.ts";
import { ShardManager } from "../../gateway/shard_manager.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";

const SHARDS = 2;
const AUTHOR = { id: "1300000000000000001", username: "someone" };

/** A manager of every shard on `gateway`, noting each message it sees. */
function manager(
  scheduler: VirtualScheduler,
  gateway: FakeGateway,
  sessionStore: MemorySessionStore,
  seen: number[] = [],
): ShardManager {
  const manager = new ShardManager({
    token: "fake-token",
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages,
    shardCount: SHARDS,
    maxConcurrency: SHARDS,
    transport: gateway.transport,
    scheduler,
    random: () => 0.5,
    sessionStore,
  });
  manager.on("dispatch", (event) => {
    seen.push(Number((event.data as { id: string }).id));
  }, { events: ["MESSAGE_CREATE"] });
  return manager;
}

/** Run `promise` on the virtual clock until it settles; its result. */
const settled = runUntilSettled;

/** Dispatch messages `from` to `to - 1` over the gateway's guilds. */
function stream(gateway: FakeGateway, from: number, to: number): void {
  for (let n = from; n < to; n++) {
    gateway.dispatch("MESSAGE_CREATE", {
      id: String(n),
      channel_id: "1",
      guild_id: gateway.guildIds[n % gateway.guildIds.length]!,
      author: AUTHOR,
      content: String(n),
    });
  }
}

/**
 * A store whose first timed save is answered `lateMs` late (a slow disk, a
 * busy pool); the save before it is the one soon after READY.
 */
class LateTimedSave extends MemorySessionStore {
  saves = 0;
  constructor(readonly scheduler: VirtualScheduler, readonly lateMs: number) {
    super();
  }
  override save(sessions: SavedSession[]): Promise<void> {
    if (++this.saves !== 2) return super.save(sessions);
    return new Promise((resolve) =>
      this.scheduler.setTimeout(
        () => resolve(super.save(sessions)),
        this.lateMs,
      )
    );
  }
}

Deno.test("ShardManager: a timed save the store answers late lands before the close's save or delete, not after it", async (t) => {
  for (
    const [lateMs, resumable, result] of [
      [15_000, true, true],
      [15_000, false, true],
      // Longer than close() waits: it says the store did not answer, and
      // its save or delete still lands after the late save, not before.
      [45_000, true, false],
      [45_000, false, false],
    ] as const
  ) {
    await t.step(
      `answered ${lateMs} ms late, resumable ${resumable}`,
      async () => {
        const scheduler = new VirtualScheduler();
        const gateway = new FakeGateway({
          scheduler,
          guilds: 8,
          maxConcurrency: SHARDS,
        });
        const store = new LateTimedSave(scheduler, lateMs);
        const seen: number[] = [];
        const first = manager(scheduler, gateway, store, seen);
        await settled(scheduler, first.start());
        stream(gateway, 0, 10);
        await scheduler.advance(10_000); // the timed save, answered late
        stream(gateway, 10, 20);
        await scheduler.advance(2_000);
        let answer: boolean | undefined;
        const closed = await captureStderr(async () => {
          answer = await settled(scheduler, first.close({ resumable }));
          await scheduler.advance(lateMs);
        });
        const kept = (await store.loadAll()).map((
          s,
        ) => [s.shardId, s.sequence]);
        const closing = first.info().map((i) => [i.id, i.sequence]);
        // Deleted sessions stay deleted; saved ones are the close's.
        assert.deepEqual(kept, resumable ? closing : []);
        assert.equal(answer, result);
        assert.equal(closed.length, result ? 1 : 2, closed.join("\n"));
        if (!resumable) {
          gateway.close();
          assert.equal(scheduler.pending, 0);
          return;
        }
        // Resumed from the close's sequences: nothing is seen twice.
        const second = manager(scheduler, gateway, store, seen);
        await settled(scheduler, second.start());
        await scheduler.advance(0);
        assert.equal(gateway.counters.sessionStarts, SHARDS);
        assert.deepEqual(seen.toSorted((a, b) => a - b), [...Array(20).keys()]);
        await second.close();
        gateway.close();
        assert.equal(scheduler.pending, 0);
      },
    );
  }
});

/**
 * A store that loses the reply to its first `call` (it never settles), or
 * for saves to those numbered (from 1) in `lostSaves`.
 */
class LosesOneReply extends MemorySessionStore {
  saves: number[] = [];
  loads = 0;
  constructor(
    readonly scheduler: VirtualScheduler,
    readonly lose: "loadAll" | "save",
    readonly lostSaves: readonly number[] = [1],
  ) {
    super();
  }
  override loadAll(): Promise<SavedSession[]> {
    if (this.lose === "loadAll" && this.loads++ === 0) {
      return new Promise(() => {});
    }
    return super.loadAll();
  }
  override save(sessions: SavedSession[]): Promise<void> {
    this.saves.push(this.scheduler.now());
    if (this.lose === "save" && this.lostSaves.includes(this.saves.length)) {
      return new Promise(() => {});
    }
    return super.save(sessions);
  }
}

Deno.test("ShardManager: a store call whose reply never comes pauses timed saves for 30 s, not for good, and says so once, and once when they work again", async (t) => {
  for (
    const [lose, saves, waited] of [
      // The load is given up on at 10 s; the shards start; the save after
      // READY is skipped, and timed saves pause until it is 30 s old.
      ["loadAll", [30_000, 40_000, 50_000], 20_000],
      // The save a second after READY is lost; said at the second tick.
      ["save", [1_000, 40_000, 50_000], 19_000],
    ] as const
  ) {
    await t.step(`the first ${lose}`, async () => {
      const scheduler = new VirtualScheduler();
      const gateway = new FakeGateway({ scheduler, maxConcurrency: SHARDS });
      const store = new LosesOneReply(scheduler, lose);
      const running = manager(scheduler, gateway, store);
      const lines = await captureStderr(async () => {
        await settled(scheduler, running.start());
        await scheduler.advance(50_000 - scheduler.now());
      });
      assert.deepEqual(store.saves, saves);
      assert.deepEqual(
        (await store.loadAll()).map((s) => s.sessionId),
        running.info().map((i) => i.sessionId),
      );
      const paused = lines.filter((l) => /saves are paused/.test(l));
      assert.equal(paused.length, 1, lines.join("\n"));
      assert.match(paused[0]!, new RegExp(`for ${waited} ms`));
      const again = lines.filter((l) => /saves work again/.test(l));
      assert.equal(again.length, 1, lines.join("\n"));
      // A recovery: an info line, on stderr as the warning was.
      assert.match(
        again[0]!,
        /^\[INF\] disruption·gateway·manager: Timed session saves work again/,
      );
      assert.ok(lines.indexOf(paused[0]!) < lines.indexOf(again[0]!));
      assert.ok(
        await settled(scheduler, running.close({ resumable: true })),
      );
      gateway.close();
      assert.equal(scheduler.pending, 0);
    });
  }
});

/**
 * A frozen Redis's session store: no call is answered, but a save of no
 * session returns at once, as `RedisSessionStore`'s does without a round trip.
 */
class FrozenButEmptySaves extends MemorySessionStore {
  override loadAll(): Promise<SavedSession[]> {
    return new Promise(() => {});
  }
  override save(sessions: SavedSession[]): Promise<void> {
    return sessions.length === 0 ? Promise.resolve() : new Promise(() => {});
  }
}

Deno.test("ShardManager: with no shard holding a session, a timed save reaches no store, so a frozen one is never said to work again", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency: SHARDS });
  const running = new ShardManager({
    token: "fake-token",
    intents: GatewayIntent.Guilds,
    shardCount: SHARDS,
    transport: gateway.transport,
    scheduler,
    random: () => 0.5,
    sessionStore: new FrozenButEmptySaves(),
    // A frozen Redis's identify queue: no shard gets a session.
    identifyQueue: { acquire: () => new Promise<void>(() => {}) },
  });
  const lines = await captureStderr(async () => {
    void running.start().catch(() => {});
    await scheduler.advance(120_000);
  });
  assert.deepEqual(
    lines.filter((l) => /saves work again/.test(l)),
    [],
    lines.join("\n"),
  );
  await settled(scheduler, running.close());
  gateway.close();
});

/** A store whose `loadAll` answers `answer` (a user's store gone wrong). */
class AnswersLoadAll extends MemorySessionStore {
  constructor(readonly answer: unknown) {
    super();
  }
  override loadAll(): Promise<SavedSession[]> {
    return Promise.resolve(this.answer as SavedSession[]);
  }
}

Deno.test("ShardManager: a store's loadAll answering entries that are no sessions, or no array, starts every shard with a new session and says so", async (t) => {
  for (
    const [answer, said] of [
      [[null, 5, { shardId: 0 }], /3 entries that are not well-formed/],
      [null, /must return an array of sessions: it returned null/],
      [{ length: 1 }, /must return an array of sessions: it returned object/],
    ] as const
  ) {
    await t.step(JSON.stringify(answer), async () => {
      const scheduler = new VirtualScheduler();
      const gateway = new FakeGateway({ scheduler, maxConcurrency: SHARDS });
      const running = manager(scheduler, gateway, new AnswersLoadAll(answer));
      const lines = await captureStderr(async () => {
        await settled(scheduler, running.start());
      });
      assert.equal(gateway.counters.sessionStarts, SHARDS);
      assert.ok(lines.some((line) => said.test(line)), lines.join("\n"));
      await settled(scheduler, running.close());
      gateway.close();
    });
  }
});

Deno.test("ShardManager: a save queued behind store calls never answered gives up within 30 s, however many wait before it", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency: SHARDS });
  const store = new LosesOneReply(scheduler, "save");
  const running = manager(scheduler, gateway, store);
  // Each waits 10 s after the one before it, up to 30 s in all.
  const results = await settled(
    scheduler,
    Promise.allSettled([1, 2, 3, 4].map(() => running.saveSessions())),
  );
  assert.deepEqual(
    results.map((r) =>
      r.status === "rejected" && /within (\d+) ms/.exec(r.reason.message)?.[1]
    ),
    ["10000", "20000", "30000", "30000"],
  );
  await settled(scheduler, running.close());
  gateway.close();
});

Deno.test("ShardManager: a store call unanswered for 30 s is lost: a save then goes first instead of waiting behind it", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency: SHARDS });
  const store = new LosesOneReply(scheduler, "save");
  const running = manager(scheduler, gateway, store);
  const lost = running.saveSessions().catch((error) => error);
  await scheduler.advance(30_000);
  assert.match((await lost).message, /within 10000 ms/);
  await settled(scheduler, running.saveSessions());
  assert.equal(store.saves.length, 2, "the second save reached the store");
  await settled(scheduler, running.close());
  gateway.close();
});

/** A store whose next save, once `failNext()` is called, waits to be failed. */
class FailsLater extends MemorySessionStore {
  #next: PromiseWithResolvers<void> | undefined;
  failNext(): (error: Error) => void {
    const next = Promise.withResolvers<void>();
    this.#next = next;
    return next.reject;
  }
  override save(sessions: SavedSession[]): Promise<void> {
    const next = this.#next;
    this.#next = undefined;
    return next ? next.promise : super.save(sessions);
  }
}

Deno.test("ShardManager: a save that waited behind a lost call is dropped once a later save went first, so its older sequences never land over the later ones", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({
    scheduler,
    guilds: 8,
    maxConcurrency: SHARDS,
  });
  const store = new FailsLater();
  const running = manager(scheduler, gateway, store);
  await settled(scheduler, running.start());
  await scheduler.advance(1_000); // the save after READY
  stream(gateway, 0, 10);
  await scheduler.advance(0);
  const fail = store.failNext();
  // The first is lost (no reply for 30 s), the second waits behind it.
  const older = [running.saveSessions(), running.saveSessions()].map((p) =>
    p.catch(() => {})
  );
  stream(gateway, 10, 20);
  await scheduler.advance(30_000);
  await settled(scheduler, running.saveSessions());
  const later = running.info().map((i) => [i.id, i.sequence]);
  // The lost call fails at last: the one behind it must not run now.
  fail(new Error("connection reset"));
  await Promise.all(older);
  await scheduler.flushMicrotasks();
  assert.deepEqual(
    (await store.loadAll()).map((s) => [s.shardId, s.sequence]),
    later,
  );
  await settled(scheduler, running.close());
  gateway.close();
});

Deno.test("ShardManager: once the store answers again, a later lost reply pauses timed saves for 30 s again, not for the longer wait the first loss grew to", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency: SHARDS });
  const store = new LosesOneReply(scheduler, "save", [1, 3]);
  const running = manager(scheduler, gateway, store);
  await captureStderr(async () => {
    await settled(scheduler, running.start());
    await scheduler.advance(150_000 - scheduler.now());
  });
  // The first loss pauses the saves until it is 30 s old (and the wait
  // for a next loss grows); the save at 40 s is answered, so the loss at
  // 50 s pauses them 30 s again, not 60.
  assert.deepEqual(store.saves.slice(0, 5), [
    1_000,
    40_000,
    50_000,
    80_000,
    90_000,
  ]);
  await settled(scheduler, running.close({ resumable: true }));
  gateway.close();
});

Deno.test("ShardManager: a store that answers no save at all gets one every 10 minutes at most, the pause doubling up to it", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, maxConcurrency: SHARDS });
  const store = new LosesOneReply(
    scheduler,
    "save",
    Array.from({ length: 100 }, (_, i) => i + 1),
  );
  const running = manager(scheduler, gateway, store);
  await captureStderr(async () => {
    await settled(scheduler, running.start());
    await scheduler.advance(2 * 3_600_000);
  });
  // The save after READY, then 30 s of silence each lost save doubles, up
  // to 10 min: a copy of every session every 10 min, not every 30 s.
  const gaps = store.saves.slice(1).map((at, i) => at - store.saves[i]!);
  assert.deepEqual(gaps.slice(0, 7), [
    39_000,
    60_000,
    120_000,
    240_000,
    480_000,
    600_000,
    600_000,
  ]);
  assert.ok(gaps.every((gap) => gap <= 600_000), String(gaps));
  assert.equal(store.saves.length, 16);
  await captureStderr(() => settled(scheduler, running.close()));
  gateway.close();
});
