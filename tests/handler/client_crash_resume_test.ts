// A Client with a sessionStore saves each session on a timer (and a second
// after READY). Saved at the last sequence received, the save counted the
// events whose handler calls were still queued or running: a process that
// died then (SIGKILL, OOM, power loss) had the next one resume after them,
// Discord sent them to no one, and nothing said so. The saves now stay
// before the first event whose calls have not finished, so a crash is
// at-least-once from the last save. A "crash" here: the first Client's
// handlers, connections and store calls all stop reaching anything.
import assert from "node:assert/strict";
import { Client, type ClientOptions, Handler } from "../../handler/mod.ts";
import {
  MemorySessionStore,
  type SavedSession,
  type SessionStore,
} from "../../gateway/session_store.ts";
import type { Transport } from "../../gateway/transport.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import type { MessageCreateDispatch } from "../../types/mod.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { runUntil, runUntilSettled } from "../_fakes/run_until.ts";
import { HANDLER_MS, Slow } from "./_slow_handler.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;
const MESSAGES = Array.from({ length: 30 }, (_, i) => `m${i}`);

/** One process's view of the world, which a crash cuts off. */
class Process {
  dead = false;
  readonly options: ClientOptions;
  constructor(base: ClientOptions, store: SessionStore) {
    const transport = base.transport!;
    const alive = <T>(call: () => T, dead: T): T => this.dead ? dead : call();
    this.options = {
      ...base,
      transport: ((...args: Parameters<Transport>) => {
        if (this.dead) throw new Error("the process is dead");
        return transport(...args);
      }) as Transport,
      // A dead process writes nothing more.
      sessionStore: {
        load: (id: number) =>
          alive(() => store.load(id), Promise.resolve(undefined)),
        loadAll: () => alive(() => store.loadAll(), Promise.resolve([])),
        save: (sessions: SavedSession[]) =>
          alive(() => store.save(sessions), Promise.resolve()),
        delete: (id: number) =>
          alive(() => store.delete(id), Promise.resolve()),
      },
    };
  }
}

/** Handles each message in `ms` of virtual time; never again once dead. */
class Mortal extends Handler {
  constructor(
    readonly clock: VirtualScheduler,
    readonly handled: string[],
    readonly process: Process,
    readonly ms = HANDLER_MS,
  ) {
    super();
  }
  override async onMessageCreate(
    message: MessageCreateDispatch,
  ): Promise<void> {
    await new Promise<void>((r) => this.clock.setTimeout(r, this.ms));
    if (this.process.dead) await new Promise(() => {});
    this.handled.push(message.content);
  }
}

/** The sequences the gateway was sent RESUMEs with. */
function resumeSequences(discord: FakeDiscord): (number | null)[] {
  return discord.gateway.log.flatMap((entry) =>
    entry.type === "resume" ? [entry.seq] : []
  );
}

interface Scene {
  clock: VirtualScheduler;
  discord: FakeDiscord;
  store: MemorySessionStore;
  base: ClientOptions;
  handled: string[];
}

async function scene(): Promise<Scene> {
  const clock = new VirtualScheduler();
  const discord = await FakeDiscord.start({ scheduler: clock });
  const store = new MemorySessionStore();
  const base: ClientOptions = {
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
    sessionSaveInterval: 2_000,
  };
  return { clock, discord, store, base, handled: [] };
}

/** Kill `process` and drop its connection (its session stays resumable). */
function crash(process: Process, discord: FakeDiscord): void {
  process.dead = true;
  discord.gateway.dropConnection();
}

Deno.test("Client: after a crash with handler calls queued, the next process on the same store resumes before them and every event is handled (at least once)", async () => {
  const { clock, discord, store, base, handled } = await scene();
  const a = new Process(base, store);
  const first = new Client(a.options);
  await runUntilSettled(clock, first.start(new Mortal(clock, handled, a)));
  for (const content of MESSAGES) discord.postMessage(content);
  await clock.advance(5_500); // timed saves at 2 s and 4 s
  const received = first.shards!.info()[0]!.sequence!;
  const finished = handled.length;
  assert.ok(finished < 10, "most calls still queued at the crash");
  // m_i is received - 29 + i: the first unfinished is m_finished.
  const firstUnfinished = received - MESSAGES.length + 1 + finished;
  const [saved] = await store.loadAll();
  assert.ok(saved!.sequence < firstUnfinished, "saved before the backlog");
  crash(a, discord);
  const b = new Process(base, store);
  const second = new Client(b.options);
  try {
    await runUntilSettled(clock, second.start(new Mortal(clock, handled, b)));
    await runUntil(clock, () => handled.includes(MESSAGES.at(-1)!));
    assert.deepEqual(resumeSequences(discord), [saved!.sequence]);
    assert.equal(discord.gateway.counters.sessionStarts, 1, "no IDENTIFY");
    assert.deepEqual([...new Set(handled)], MESSAGES, "every one, in order");
  } finally {
    await runUntilSettled(clock, second.stop());
    await captureStderr(() => runUntilSettled(clock, first.stop()));
    await discord[Symbol.asyncDispose]();
  }
});

Deno.test("Client: a handler call still running at a crash counts as not finished: the save stays before its event, which comes again", async () => {
  const { clock, discord, store, base, handled } = await scene();
  const a = new Process(base, store);
  const first = new Client(a.options);
  const slow = new Mortal(clock, handled, a, 10_000);
  await runUntilSettled(clock, first.start(slow));
  await clock.advance(3_000); // READY saved, nothing pending
  discord.postMessage("only");
  await clock.advance(4_500); // two timed saves with its call running
  const received = first.shards!.info()[0]!.sequence!;
  assert.equal((await store.loadAll())[0]!.sequence, received - 1);
  crash(a, discord);
  const b = new Process(base, store);
  const second = new Client(b.options);
  try {
    await runUntilSettled(clock, second.start(new Mortal(clock, handled, b)));
    await runUntil(clock, () => handled.includes("only"));
    assert.deepEqual(resumeSequences(discord), [received - 1]);
  } finally {
    await runUntilSettled(clock, second.stop());
    await captureStderr(() => runUntilSettled(clock, first.stop()));
    await discord[Symbol.asyncDispose]();
  }
});

Deno.test("Client: a process killed while a resumable stop drains its handlers leaves the store before their events; a drain that finishes saves the sequence received", async () => {
  const { clock, discord, store, base, handled } = await scene();
  const client = new Client({ ...base, sessionStore: store });
  await runUntilSettled(clock, client.start(new Slow(clock, handled)));
  for (const content of MESSAGES.slice(0, 5)) discord.postMessage(content);
  await clock.advance(0);
  const received = client.shards!.info()[0]!.sequence!;
  const stopping = client.stop({ resumable: true, drainTimeout: 60_000 });
  // The close saved; m0 handled, m1 running.
  await captureStderr(() => clock.advance(1_500));
  assert.deepEqual(handled, ["m0"]);
  assert.equal((await store.loadAll())[0]!.sequence, received - 5);
  await runUntilSettled(clock, stopping);
  assert.deepEqual(handled, MESSAGES.slice(0, 5));
  assert.equal((await store.loadAll())[0]!.sequence, received);
  await discord[Symbol.asyncDispose]();
});
