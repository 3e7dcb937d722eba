// A handler slower than the gateway must not make the Client hold every
// later event in memory: past MAX_HELD_EVENT_CHARS of waiting events the
// shard closes resumably, and it RESUMEs (Discord replays the rest) once the
// handlers caught up. Nothing is lost or delivered twice.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { Handler } from "../../handler/handler.ts";
import { MAX_HELD_EVENT_CHARS, ShardSlot } from "../../handler/shard_slot.ts";
import type { Shard } from "../../gateway/shard.ts";
import type { RestClient } from "../../rest/rest_client.ts";
import { MemorySessionStore } from "../../gateway/session_store.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import type { GatewayEventMap } from "../../types/events.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { runUntil } from "../_fakes/run_until.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

/** A message body a quarter of a MiB long, numbered. */
function big(i: number): string {
  return `${i} `.padEnd(256 * 1024, "x");
}

/** Messages that together hold more than the bound. */
const OVER_BOUND = Math.ceil(MAX_HELD_EVENT_CHARS / (256 * 1024)) + 24;

/** Post `count` big messages, each reaching the client before the next. */
async function postEach(
  scheduler: VirtualScheduler,
  discord: FakeDiscord,
  count: number,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    discord.postMessage(big(i));
    await scheduler.flushMicrotasks();
  }
}

async function started(
  scheduler: VirtualScheduler,
  client: Client,
  handler: Handler,
): Promise<void> {
  let done = false;
  const starting = client.start(handler).finally(() => done = true);
  await runUntil(scheduler, () => done);
  await starting;
}

Deno.test("A handler far behind the gateway pauses its shard resumably; it resumes once the handler caught up, nothing lost or repeated", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start({ scheduler });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => release = resolve);
    const seen: number[] = [];
    class Slow extends Handler {
      override async onMessageCreate(
        message: GatewayEventMap["MESSAGE_CREATE"],
      ): Promise<void> {
        await gate;
        seen.push(Number.parseInt(message.content));
      }
    }
    await using client = new Client({
      token: discord.token,
      intents: INTENTS,
      ...discord.clientOptions,
    });
    await started(scheduler, client, new Slow());
    // A failed assertion must not leave stop() waiting for the handler.
    using _ = { [Symbol.dispose]: () => release() };
    await postEach(scheduler, discord, OVER_BOUND);
    assert.equal(discord.gateway.counters.closes[4000], 1);
    const held = client.pendingHandlerCalls(0);
    assert.ok(
      held < OVER_BOUND - 16,
      `the shard stopped taking events past the bound (${held} held)`,
    );
    const warning = records.find((r) =>
      /events behind; closing the connection resumably/.test(r.message.join(""))
    );
    assert.ok(warning, "the pause is shown without configuring logging");
    assert.equal(warning.level, "warning");

    release();
    // The held events' handlers run on microtasks alone, with no timer.
    await client.idle();
    await runUntil(scheduler, () => seen.length === OVER_BOUND);
    await client.idle();
    assert.deepEqual(seen, Array.from({ length: OVER_BOUND }, (_, i) => i));
    const { identifies, resumed } = discord.gateway.counters;
    assert.equal(identifies, 1, "the session was kept");
    assert.equal(resumed, 1);
    assert.equal(client.shards!.shard(0)!.status, "ready");
  });
});

Deno.test("A handler that never settles holds a bounded backlog however much the gateway sends, and stop() still ends the run", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async () => {
    await using discord = await FakeDiscord.start({ scheduler });
    class Stuck extends Handler {
      override onMessageCreate(): Promise<void> {
        return new Promise(() => {});
      }
    }
    const client = new Client({
      token: discord.token,
      intents: INTENTS,
      ...discord.clientOptions,
    });
    await started(scheduler, client, new Stuck());
    await postEach(scheduler, discord, 4 * OVER_BOUND);
    assert.equal(discord.gateway.counters.closes[4000], 1);
    await scheduler.advance(60_000);
    assert.ok(client.pendingHandlerCalls(0) < OVER_BOUND);
    assert.equal(client.shards!.shard(0)!.status, "closed");
    assert.equal(discord.gateway.counters.resumes, 0);
    const stopping = client.stop({ drainTimeout: 1000 });
    await scheduler.advance(1000);
    await stopping;
    assert.equal(discord.gateway.counters.resumes, 0, "not reopened by stop");
  });
});

Deno.test("Handlers that finish synchronously never pause the shard, whatever the volume", async () => {
  const scheduler = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler });
  let count = 0;
  class Quick extends Handler {
    override onMessageCreate(): void {
      count++;
    }
  }
  await using client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  await started(scheduler, client, new Quick());
  await postEach(scheduler, discord, 2 * OVER_BOUND);
  await runUntil(scheduler, () => count === 2 * OVER_BOUND);
  assert.equal(discord.gateway.counters.closes[4000], undefined);
  assert.equal(discord.gateway.counters.connections, 1);
});

Deno.test("A restored session whose replay passes the bound still starts; the shard pauses after RESUMED and loses nothing", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async () => {
    await using discord = await FakeDiscord.start({ scheduler });
    const sessionStore = new MemorySessionStore();
    const options = {
      token: discord.token,
      intents: INTENTS,
      ...discord.clientOptions,
      sessionStore,
    };
    const first = new Client(options);
    await started(scheduler, first, new (class extends Handler {})());
    await first.stop({ resumable: true });
    // Sent while no process runs: replayed to the next one.
    await postEach(scheduler, discord, OVER_BOUND);

    let release!: () => void;
    const gate = new Promise<void>((resolve) => release = resolve);
    const seen: number[] = [];
    class Slow extends Handler {
      override async onMessageCreate(
        message: GatewayEventMap["MESSAGE_CREATE"],
      ): Promise<void> {
        await gate;
        seen.push(Number.parseInt(message.content));
      }
    }
    await using second = new Client(options);
    using _ = { [Symbol.dispose]: () => release() };
    await started(scheduler, second, new Slow());
    assert.equal(discord.gateway.counters.resumed, 1);
    await runUntil(
      scheduler,
      () => discord.gateway.counters.closes[4000] === 2,
    );

    release();
    await second.idle();
    await runUntil(scheduler, () => seen.length === OVER_BOUND);
    assert.deepEqual(seen, Array.from({ length: OVER_BOUND }, (_, i) => i));
    const { identifies, resumed } = discord.gateway.counters;
    assert.equal(identifies, 1, "the session was kept");
    assert.equal(resumed, 2);
  });
});

Deno.test("ShardSlot: a shard over the bound before its first READY or RESUMED is closed only once that arrives", async () => {
  await withLogRecords(async () => {
    const calls: string[] = [];
    let settle!: () => void;
    const shard = {
      id: 0,
      status: "resuming",
      connect: () => {
        calls.push("connect");
        return new Promise<void>((resolve) => settle = resolve);
      },
      close: () => {
        calls.push("close");
        shard.status = "closed";
        return Promise.resolve();
      },
    };
    const slot = new ShardSlot(
      shard as unknown as Shard,
      undefined as unknown as RestClient,
      new AbortController().signal,
    );
    let release!: () => void;
    slot.runner.push(() => new Promise<void>((resolve) => release = resolve));
    slot.held(MAX_HELD_EVENT_CHARS + 1);
    for (let i = 0; i < 10; i++) await Promise.resolve();
    assert.deepEqual(calls, ["connect"], "waits for the replay to end");
    shard.status = "ready";
    settle();
    for (let i = 0; i < 10; i++) await Promise.resolve();
    assert.deepEqual(calls, ["connect", "close"]);
    release();
    await slot.runner.idle();
    for (let i = 0; i < 10; i++) await Promise.resolve();
    assert.deepEqual(calls, ["connect", "close", "connect"], "resumed");
  });
});

Deno.test("A Client stopped while its paused shard is resuming says nothing about a failed resume", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start({ scheduler });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => release = resolve);
    class Slow extends Handler {
      override async onMessageCreate(): Promise<void> {
        await gate;
      }
    }
    const client = new Client({
      token: discord.token,
      intents: INTENTS,
      ...discord.clientOptions,
    });
    await started(scheduler, client, new Slow());
    await postEach(scheduler, discord, OVER_BOUND);
    assert.equal(discord.gateway.counters.closes[4000], 1);
    discord.gateway.planConnection("no-hello"); // the resume stays under way
    release();
    await client.idle();
    await scheduler.flushMicrotasks();
    assert.equal(client.shards!.shard(0)!.status, "waiting_for_hello");
    const stopping = client.stop();
    await runUntil(scheduler, () => client.shards === undefined);
    await stopping;
    assert.deepEqual(
      records.filter((r) => /did not resume/.test(r.message.join(""))),
      [],
    );
  });
});
