// ShardManager.dispatches() with a sessionStore: the timed saves (and the
// one a second after READY) wrote the last sequence received, past events
// the stream still held for a reader behind. A process that died then had
// the next one resume after them: Discord sent them to no one. Each
// session is now saved no further on than the last event the reader took
// of its shard, and never before the session's READY.
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

Deno.test("ShardManager.dispatches(): a crash with events unread resumes the next process before them (saved at the last one taken)", async () => {
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
  await clock.advance(4_500);
  const received = first.shards.get(0)!.sequence!;
  assert.ok(taken.at(-1)! < received - 20, "most still unread");
  assert.equal(await saved(store), taken.at(-1));
  life.dead = true;
  gateway.dropConnection();
  const second = manager(clock, gateway, store);
  const replayed = second.dispatches().getReader();
  const restarted = second.start();
  await runUntil(clock, () => second.shards.get(0)?.status === "ready");
  await restarted;
  const sequences: number[] = [];
  for (let next = taken.at(-1)! + 1; next <= received; next++) {
    const event = (await replayed.read()).value!;
    sequences.push(event.sequence);
  }
  assert.deepEqual(
    sequences,
    Array.from(
      { length: received - taken.at(-1)! },
      (_, i) => taken.at(-1)! + 1 + i,
    ),
    "every event not taken, in order",
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
  assert.equal(await saved(store), received - 6);
  await take(reader, 6);
  await clock.advance(2_000);
  assert.equal(await saved(store), received, "caught up");
  post(gateway, 3);
  await clock.advance(0);
  await reader.cancel();
  await clock.advance(2_000);
  assert.equal(await saved(store), received + 3, "cancelled");
  await m.close();
  gateway.close();
});
