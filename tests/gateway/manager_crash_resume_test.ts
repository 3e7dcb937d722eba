// ShardManager.dispatches() with a sessionStore: the timed saves (and the
// one a second after READY) wrote the last sequence received, past events
// the stream still held for a reader behind. A process that died then had
// the next one resume after them: Discord sent them to no one. Each
// session is now saved before the first event of its shard the reader has
// not finished with (the one it holds counts as finished once it asks for
// the next), and never before the session's READY.
import assert from "node:assert/strict";
import { ShardManager } from "../../gateway/shard_manager.ts";
import type { ShardDispatch } from "../../gateway/shard.ts";
import {
  MemorySessionStore,
  type SavedSession,
  type SessionStore,
} from "../../gateway/session_store.ts";
import type { Transport } from "../../gateway/transport.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { runUntil } from "../_fakes/run_until.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages;

/** A manager whose transport and store a crash cuts off (`dead`). */
function manager(
  clock: VirtualScheduler,
  gateway: FakeGateway,
  store: SessionStore,
  life = { dead: false },
): ShardManager {
  const alive = <T>(call: () => T, dead: T): T => life.dead ? dead : call();
  return new ShardManager({
    token: "fake-token",
    intents: INTENTS,
    shardCount: 1,
    transport: ((...args: Parameters<Transport>) => {
      if (life.dead) throw new Error("the process is dead");
      return gateway.transport(...args);
    }) as Transport,
    scheduler: clock,
    random: () => 0.5,
    sessionSaveInterval: 2_000,
    sessionStore: {
      load: (id) => alive(() => store.load(id), Promise.resolve(undefined)),
      loadAll: () => alive(() => store.loadAll(), Promise.resolve([])),
      save: (sessions: SavedSession[]) =>
        alive(() => store.save(sessions), Promise.resolve()),
      delete: (id) => alive(() => store.delete(id), Promise.resolve()),
    },
  });
}

/** Post `count` messages on the fake gateway. */
function post(gateway: FakeGateway, count: number): void {
  const guild = gateway.guildIds[0]!;
  for (let i = 0; i < count; i++) {
    gateway.dispatch("MESSAGE_CREATE", {
      id: String(1000 + i),
      channel_id: "1",
      guild_id: guild,
      content: `m${i}`,
      author: { id: "2", username: "u" },
    });
  }
}

/** Take `count` events from `reader`; their sequences. */
async function take(
  reader: ReadableStreamDefaultReader<ShardDispatch>,
  count: number,
): Promise<number[]> {
  const sequences: number[] = [];
  for (let i = 0; i < count; i++) {
    sequences.push((await reader.read()).value!.sequence);
  }
  return sequences;
}

async function saved(store: SessionStore): Promise<number | undefined> {
  return (await store.loadAll())[0]?.sequence;
}

Deno.test("ShardManager.dispatches(): a crash with events unread resumes the next process before them (and before the one in hand)", async () => {
  const clock = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler: clock, guilds: 1 });
  const store = new MemorySessionStore();
  const life = { dead: false };
  const first = manager(clock, gateway, store, life);
  const reader = first.dispatches().getReader();
  const started = first.start();
  await runUntil(clock, () => first.shards.get(0)?.status === "ready");
  await started;
  post(gateway, 30);
  await clock.advance(0);
  const taken = await take(reader, 5);
  // Not finished with until the reader asks for the next one.
  const inHand = taken.at(-1)!;
  await clock.advance(4_500);
  const received = first.shards.get(0)!.sequence!;
  assert.ok(inHand < received - 20, "most still unread");
  assert.equal(await saved(store), inHand - 1);
  life.dead = true;
  gateway.dropConnection();
  const second = manager(clock, gateway, store);
  const replayed = second.dispatches().getReader();
  const restarted = second.start();
  await runUntil(clock, () => second.shards.get(0)?.status === "ready");
  await restarted;
  const sequences: number[] = [];
  for (let next = inHand; next <= received; next++) {
    const event = (await replayed.read()).value!;
    sequences.push(event.sequence);
  }
  assert.deepEqual(
    sequences,
    Array.from({ length: received - inHand + 1 }, (_, i) => inHand + i),
    "every event not finished with, in order",
  );
  await second.close();
  await first.close();
  gateway.close();
});

Deno.test("ShardManager.dispatches(): a reader that caught up, or cancelled, no longer holds the saves back; an unread READY holds them at its own sequence", async () => {
  const clock = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler: clock, guilds: 1 });
  const store = new MemorySessionStore();
  const m = manager(clock, gateway, store);
  const stream = m.dispatches();
  const reader = stream.getReader();
  const started = m.start();
  await runUntil(clock, () => m.shards.get(0)?.status === "ready");
  await started;
  // The save a second after READY, with nothing read: READY's own
  // sequence, never before it (Discord refuses such a RESUME).
  await clock.advance(1_000);
  const [ready] = await take(reader, 1);
  assert.equal(await saved(store), ready);
  const guilds = gateway.guildIds.length;
  await take(reader, guilds);
  post(gateway, 10);
  await clock.advance(0);
  const received = m.shards.get(0)!.sequence!;
  await take(reader, 4);
  await clock.advance(2_000);
  assert.equal(await saved(store), received - 7, "before the fourth, in hand");
  await take(reader, 6);
  await clock.advance(2_000);
  assert.equal(await saved(store), received - 1, "before the last, in hand");
  // Asking for the next one: done with the last.
  const next = reader.read();
  await clock.advance(2_000);
  assert.equal(await saved(store), received, "caught up");
  post(gateway, 3);
  await clock.advance(0);
  await next;
  await reader.cancel();
  await clock.advance(2_000);
  assert.equal(await saved(store), received + 3, "cancelled");
  await m.close();
  gateway.close();
});

// A `for await` reader lost the event its loop body was working on when the
// process died: the event counted as taken when it was handed over, so the
// save was already at it. It now counts once the reader asks for the next.
Deno.test("ShardManager.dispatches(): the event a for await body is working on at a crash comes again", async () => {
  const clock = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler: clock, guilds: 1 });
  const store = new MemorySessionStore();
  const life = { dead: false };
  const first = manager(clock, gateway, store, life);
  const handled: string[] = [];
  let working: number | undefined;
  const loop = (async () => {
    for await (const event of first.dispatches()) {
      if (event.name !== "MESSAGE_CREATE") continue;
      working = event.sequence;
      // The work on one message: 1.5 s.
      await new Promise<void>((done) => clock.setTimeout(done, 1_500));
      handled.push((event.data as { id: string }).id);
    }
  })();
  const started = first.start();
  await runUntil(clock, () => first.shards.get(0)?.status === "ready");
  await started;
  post(gateway, 3);
  await clock.advance(1_000);
  assert.deepEqual(handled, [], "the first still being worked on");
  await first.saveSessions();
  assert.equal(await saved(store), working! - 1, "saved before the first");
  await clock.advance(1_000);
  assert.deepEqual(handled, ["1000"]);
  await first.saveSessions();
  assert.equal(await saved(store), working! - 1, "before the second");
  life.dead = true;
  gateway.dropConnection();
  const second = manager(clock, gateway, store);
  const replayed = second.dispatches().getReader();
  const restarted = second.start();
  await runUntil(clock, () => second.shards.get(0)?.status === "ready");
  await restarted;
  const ids: string[] = [];
  while (ids.length < 2) {
    const event = (await replayed.read()).value!;
    if (event.name !== "MESSAGE_CREATE") continue;
    ids.push((event.data as { id: string }).id);
  }
  assert.deepEqual(ids, ["1001", "1002"], "the one in progress comes again");
  await second.close();
  await first.close();
  await clock.advance(3_000);
  await loop;
  gateway.close();
});

// A resumable close with a reader behind saved at the reader's point; the
// stream then delivered the rest, but nothing saved again, so the next
// process had every one of them sent again.
Deno.test("ShardManager.dispatches(): after close({ resumable: true }) a reader that reads to the end has the sessions saved at what was received", async () => {
  const clock = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler: clock, guilds: 1 });
  const store = new MemorySessionStore();
  const m = manager(clock, gateway, store);
  const reader = m.dispatches().getReader();
  const started = m.start();
  await runUntil(clock, () => m.shards.get(0)?.status === "ready");
  await started;
  post(gateway, 10);
  await clock.advance(0);
  const taken = await take(reader, 4);
  const received = m.shards.get(0)!.sequence!;
  assert.equal(await m.close({ resumable: true }), true);
  assert.ok((await saved(store))! < received - 5, "the reader is behind");
  let rest = 0;
  while (!(await reader.read()).done) rest++;
  assert.equal(rest, received - taken.at(-1)!, "every event still delivered");
  await clock.advance(0);
  assert.equal(await saved(store), received, "nothing left to replay");
  gateway.close();
});

Deno.test("ShardManager.dispatches(): after close() a reader that reads to the end brings back no deleted session", async () => {
  const clock = new VirtualScheduler();
  const gateway = new FakeGateway({ scheduler: clock, guilds: 1 });
  const store = new MemorySessionStore();
  const m = manager(clock, gateway, store);
  const reader = m.dispatches().getReader();
  const started = m.start();
  await runUntil(clock, () => m.shards.get(0)?.status === "ready");
  await started;
  post(gateway, 10);
  await clock.advance(2_000);
  await take(reader, 2);
  assert.equal(await m.close(), true);
  while (!(await reader.read()).done);
  await clock.advance(0);
  assert.deepEqual(await store.loadAll(), []);
  gateway.close();
});
