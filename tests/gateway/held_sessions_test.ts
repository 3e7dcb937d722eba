// A session a shard holds across a resumable close against the copy its
// session store has: a restart in the same process resumes the newer of
// the two, and a new session is saved soon after READY, not at the first
// timed save. (The restart itself: session_restart_test.ts.)
import assert from "node:assert/strict";
import { runUntil, runUntilSettled } from "../_fakes/run_until.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import {
  MemorySessionStore,
  type SavedSession,
} from "../../gateway/session_store.ts";
import { ShardManager } from "../../gateway/shard_manager.ts";
import { Client } from "../../handler/client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";

const AUTHOR = { id: "1300000000000000001", username: "someone" };

/** A store whose saves fail while `failing` is set (a full disk, Redis away). */
class FlakyStore extends MemorySessionStore {
  failing = false;
  override save(sessions: SavedSession[]): Promise<void> {
    if (this.failing) return Promise.reject(new Error("save failed"));
    return super.save(sessions);
  }
  // Failing as a whole: the refused session's delete fails too, and the
  // store keeps it (what the restart below must not resume).
  override deleteMany(shardIds: readonly number[]): Promise<void> {
    if (this.failing) return Promise.reject(new Error("delete failed"));
    return super.deleteMany(shardIds);
  }
}

/** One shard on `gateway` with `store`, noting the messages it delivers. */
function oneShard(
  scheduler: VirtualScheduler,
  gateway: FakeGateway,
  store: MemorySessionStore,
  seen: number[],
): ShardManager {
  const manager = new ShardManager({
    token: "fake-token",
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages,
    shardCount: 1,
    transport: gateway.transport,
    scheduler,
    random: () => 0.5,
    sessionStore: store,
  });
  manager.on("dispatch", (event) => {
    seen.push(Number((event.data as { id: string }).id));
  }, { events: ["MESSAGE_CREATE"] });
  return manager;
}

function post(gateway: FakeGateway, from: number, to: number): void {
  for (let n = from; n < to; n++) {
    gateway.dispatch("MESSAGE_CREATE", {
      id: String(n),
      channel_id: "1",
      guild_id: gateway.guildIds[0]!,
      author: AUTHOR,
      content: String(n),
    });
  }
}

/** The session IDs and sequences the gateway was sent RESUMEs with. */
function resumes(gateway: FakeGateway): [string | null, number | null][] {
  return gateway.log.flatMap((entry) =>
    entry.type === "resume" ? [[entry.sessionId, entry.seq]] : []
  );
}

Deno.test("ShardManager: a restart after a close whose save failed resumes the sequence the shard holds, not the store's older one (no event twice)", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, guilds: 1 });
  const store = new FlakyStore();
  const seen: number[] = [];
  const manager = oneShard(scheduler, gateway, store, seen);
  await runUntilSettled(scheduler, manager.start());
  post(gateway, 0, 5);
  await scheduler.advance(10_000);
  const saved = (await store.loadAll())[0]!.sequence;
  post(gateway, 5, 10);
  await scheduler.advance(0);
  store.failing = true;
  let closed: boolean | undefined;
  const said = await captureStderr(async () => {
    closed = await runUntilSettled(
      scheduler,
      manager.close({ resumable: true }),
    );
  });
  assert.equal(closed, false);
  assert.match(said.join("\n"), /a start in this process still resumes them/);
  const held = manager.info()[0]!.sequence!;
  assert.ok(held > saved, "the store's copy is older");
  store.failing = false;
  await scheduler.advance(1_000);
  await runUntilSettled(scheduler, manager.start());
  await scheduler.advance(0);
  assert.deepEqual(resumes(gateway).map(([, seq]) => seq), [held]);
  assert.deepEqual(seen, [...Array(10).keys()]);
  assert.equal(gateway.counters.sessionStarts, 1);
  await runUntilSettled(scheduler, manager.close());
  gateway.close();
  assert.equal(scheduler.pending, 0);
});

Deno.test("ShardManager: a restart does not resume a dead session the store kept after op 9 while saves failed (no session start spent)", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, guilds: 1 });
  const store = new FlakyStore();
  const manager = oneShard(scheduler, gateway, store, []);
  await runUntilSettled(scheduler, manager.start());
  await scheduler.advance(10_000);
  const dead = manager.info()[0]!.sessionId!;
  store.failing = true;
  await captureStderr(async () => {
    gateway.invalidateSession(false);
    await runUntil(
      scheduler,
      () =>
        manager.info()[0]!.status === "ready" &&
        manager.info()[0]!.sessionId !== dead,
    );
    await scheduler.advance(10_000);
    await runUntilSettled(scheduler, manager.close({ resumable: true }));
  });
  const live = manager.info()[0]!.sessionId!;
  assert.deepEqual((await store.loadAll()).map((s) => s.sessionId), [dead]);
  assert.equal(gateway.counters.sessionStarts, 2);
  store.failing = false;
  await runUntilSettled(scheduler, manager.start());
  assert.deepEqual(resumes(gateway).map(([id]) => id), [live]);
  assert.equal(gateway.counters.sessionStarts, 2, "resumed, no IDENTIFY");
  await runUntilSettled(scheduler, manager.close());
  gateway.close();
  assert.equal(scheduler.pending, 0);
});

Deno.test("ShardManager: a session saved after the close (another process ran the shard) replaces the one the shard holds", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, guilds: 1 });
  const store = new FlakyStore();
  const manager = oneShard(scheduler, gateway, store, []);
  await runUntilSettled(scheduler, manager.start());
  await runUntilSettled(scheduler, manager.close({ resumable: true }));
  const mine = manager.info()[0]!.sessionId!;
  const closedAt = scheduler.now();
  await scheduler.advance(5_000);
  const [own] = await store.loadAll();
  await store.save([{ ...own!, sessionId: "theirs", savedAt: closedAt + 1 }]);
  await captureStderr(() => runUntilSettled(scheduler, manager.start()));
  assert.equal(resumes(gateway)[0]![0], "theirs");
  assert.notEqual(mine, "theirs");
  await runUntilSettled(scheduler, manager.close());
  gateway.close();
  assert.equal(scheduler.pending, 0);
});

Deno.test("ShardManager: the store's copy of the same session further on replaces the one the shard holds, though saved by a process whose clock lags (dated before the close)", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, guilds: 1 });
  const store = new FlakyStore();
  const manager = oneShard(scheduler, gateway, store, []);
  await runUntilSettled(scheduler, manager.start());
  post(gateway, 0, 5);
  await scheduler.advance(0);
  await runUntilSettled(scheduler, manager.close({ resumable: true }));
  const held = manager.info()[0]!.sequence!;
  // Another process resumed it, took 5 more events, and saved with a clock
  // 5 s behind this one's.
  post(gateway, 5, 10);
  const [own] = await store.loadAll();
  await store.save([{
    ...own!,
    sequence: held + 5,
    savedAt: scheduler.now() - 5_000,
  }]);
  await runUntilSettled(scheduler, manager.start());
  assert.deepEqual(resumes(gateway).map(([, seq]) => seq), [held + 5]);
  await runUntilSettled(scheduler, manager.close());
  gateway.close();
  assert.equal(scheduler.pending, 0);
});

Deno.test("ShardManager saves a new session a second after READY: a process that dies before the first timed save is resumed, not identified again", async () => {
  const scheduler = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler, guilds: 1 });
  const store = new FlakyStore();
  const seen: number[] = [];
  const first = oneShard(scheduler, gateway, store, seen);
  await runUntilSettled(scheduler, first.start());
  await scheduler.advance(999);
  assert.deepEqual(await store.loadAll(), []);
  await scheduler.advance(1);
  assert.equal((await store.loadAll()).length, 1);
  post(gateway, 0, 3);
  await scheduler.advance(0);
  // Dies: nothing saved at its end.
  store.failing = true;
  await captureStderr(() =>
    runUntilSettled(scheduler, first.close({ resumable: true }))
  );
  store.failing = false;
  const second = oneShard(scheduler, gateway, store, seen);
  await runUntilSettled(scheduler, second.start());
  await scheduler.advance(0);
  assert.equal(gateway.counters.sessionStarts, 1, "resumed");
  assert.deepEqual(seen, [0, 1, 2, 0, 1, 2], "at least once, none lost");
  await runUntilSettled(scheduler, second.close());
  gateway.close();
  assert.equal(scheduler.pending, 0);
});

Deno.test("Client: start() after a resumable stop whose save failed resumes from what it kept, not from the store's older copy", async () => {
  const clock = new VirtualScheduler();
  const discord = await FakeDiscord.start({ scheduler: clock });
  const store = new FlakyStore();
  const seen: string[] = [];
  const client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages |
      GatewayIntent.MessageContent,
    ...discord.clientOptions,
    sessionStore: store,
  });
  client.on("MESSAGE_CREATE", (message) => void seen.push(message.content));
  try {
    await runUntilSettled(clock, client.start());
    for (let i = 0; i < 3; i++) discord.postMessage(`m${i}`);
    await clock.advance(10_000);
    await client.idle();
    for (let i = 3; i < 6; i++) discord.postMessage(`m${i}`);
    await clock.advance(0);
    await client.idle();
    store.failing = true;
    await captureStderr(() =>
      runUntilSettled(clock, client.stop({ resumable: true }))
    );
    store.failing = false;
    await clock.advance(1_000);
    await runUntilSettled(clock, client.start());
    await clock.advance(0);
    await client.idle();
    assert.deepEqual(seen, ["m0", "m1", "m2", "m3", "m4", "m5"]);
  } finally {
    await runUntilSettled(clock, client.stop());
    await discord[Symbol.asyncDispose]();
  }
});

Deno.test("Client: start() after a resumable stop does not resume a dead session the store kept after op 9 while saves failed (no session start spent)", async () => {
  const clock = new VirtualScheduler();
  const discord = await FakeDiscord.start({ scheduler: clock });
  const store = new FlakyStore();
  const client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds,
    ...discord.clientOptions,
    sessionStore: store,
  });
  const sessionId = (): string | undefined =>
    client.shards?.info()[0]?.sessionId;
  try {
    await runUntilSettled(clock, client.start());
    await clock.advance(10_000);
    const dead = sessionId()!;
    store.failing = true;
    let live: string | undefined;
    await captureStderr(async () => {
      discord.gateway.invalidateSession(false);
      await runUntil(clock, () => {
        live = sessionId();
        return live !== undefined && live !== dead &&
          client.shards?.info()[0]?.status === "ready";
      });
      await clock.advance(10_000);
      await runUntilSettled(clock, client.stop({ resumable: true }));
    });
    assert.deepEqual((await store.loadAll()).map((s) => s.sessionId), [dead]);
    assert.equal(discord.gateway.counters.sessionStarts, 2);
    store.failing = false;
    await runUntilSettled(clock, client.start());
    assert.deepEqual(resumes(discord.gateway).map(([id]) => id), [live]);
    assert.equal(
      discord.gateway.counters.sessionStarts,
      2,
      "resumed, no IDENTIFY",
    );
  } finally {
    await runUntilSettled(clock, client.stop());
    await discord[Symbol.asyncDispose]();
  }
});
