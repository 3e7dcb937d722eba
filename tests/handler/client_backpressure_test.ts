// A handler slower than the gateway must not make the Client hold every
// later event in memory: past MAX_HELD_EVENT_CHARS of waiting events the
// shard pauses (its connection closed resumably), and it RESUMEs (Discord
// replays the rest) once the handlers caught up. Nothing is lost or
// delivered twice, commands wait instead of failing, and streams go on.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { Handler } from "../../handler/handler.ts";
import { MAX_PAUSE_MS, ShardSlot } from "../../handler/shard_slot.ts";
import {
  HeldTotal,
  MAX_CLIENT_HELD_CHARS,
  SPARED_HELD_CHARS,
  SPARED_RESUME_HELD_CHARS,
} from "../../handler/held_total.ts";
import { MAX_HELD_EVENT_CHARS } from "../../gateway/event_backlog.ts";
import { MemorySessionStore } from "../../gateway/session_store.ts";
import type { Shard } from "../../gateway/shard.ts";
import type { RestClient } from "../../rest/rest_client.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import type { GatewayEventMap } from "../../types/events.ts";
import { deletesPauseTheShard, HELD_MESSAGES } from "./_held_deletes.ts";
import { messagesOf, withLogRecords } from "../_fakes/log_records.ts";
import { runUntil, runUntilSettled } from "../_fakes/run_until.ts";
import { hello, ready } from "../_fakes/shard_harness.ts";
import { MI, slotOverShard, slotsOverShards } from "./_held_slots.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

/** A message body a quarter of a MiB long, numbered. */
function big(i: number): string {
  return `${i} `.padEnd(256 * 1024, "x");
}

/** Messages that together hold more than the bound. */
const OVER_BOUND = Math.ceil(MAX_HELD_EVENT_CHARS / (256 * 1024)) + 24;

/** 0, 1, ..., count - 1. */
function upTo(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

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
  await runUntilSettled(scheduler, client.start(handler));
}

/** A started Client whose `handler` was sent more than the bound. */
async function fellBehind(
  scheduler: VirtualScheduler,
  discord: FakeDiscord,
  handler: Handler,
): Promise<Client> {
  const client = new Client({
    token: discord.token,
    intents: INTENTS,
    ...discord.clientOptions,
  });
  await started(scheduler, client, handler);
  await postEach(scheduler, discord, OVER_BOUND);
  return client;
}

/** A handler whose MESSAGE_CREATEs wait for `release()`, then are noted. */
function gated(): {
  handler: Handler;
  seen: number[];
  release: () => void;
  [Symbol.dispose](): void;
} {
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
  // A failed assertion must not leave stop() waiting for the handler.
  return { handler: new Slow(), seen, release, [Symbol.dispose]: release };
}

Deno.test("A handler far behind the gateway pauses its shard; it resumes once the handler caught up, nothing lost or repeated", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start({ scheduler });
    using slow = gated();
    await using client = await fellBehind(scheduler, discord, slow.handler);
    assert.equal(discord.gateway.counters.closes[4000], 1);
    const shard = client.shards!.shard(0)!;
    assert.equal(shard.paused, true);
    assert.equal(shard.status, "reconnecting");
    const held = client.pendingHandlerCalls(0);
    assert.ok(
      held < OVER_BOUND - 16,
      `the shard stopped taking events past the bound (${held} held)`,
    );
    const warning = records.find((r) =>
      /events behind; pausing the connection/.test(r.message.join(""))
    );
    assert.ok(warning, "the pause is shown without configuring logging");
    assert.equal(warning.level, "warning");

    slow.release();
    await client.idle(); // the held handlers run on microtasks alone
    await runUntil(scheduler, () => slow.seen.length === OVER_BOUND);
    await client.idle();
    assert.deepEqual(slow.seen, upTo(OVER_BOUND));
    const { identifies, resumed } = discord.gateway.counters;
    assert.equal(identifies, 1, "the session was kept");
    assert.equal(resumed, 1);
    assert.equal(shard.status, "ready");
    assert.equal(shard.paused, false);
  });
});

Deno.test("A paused shard keeps its commands queued and its dispatch streams open", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async () => {
    await using discord = await FakeDiscord.start({ scheduler });
    using slow = gated();
    await using client = new Client({
      token: discord.token,
      intents: INTENTS,
      ...discord.clientOptions,
    });
    await started(scheduler, client, slow.handler);
    const shard = client.shards!.shard(0)!;
    const streamed: number[] = [];
    const reading = (async () => {
      for await (const event of shard.dispatches()) {
        if (event.name !== "MESSAGE_CREATE") continue;
        const content = (event.data as { content: string }).content;
        streamed.push(Number.parseInt(content));
        if (streamed.length === OVER_BOUND) return;
      }
    })();
    await postEach(scheduler, discord, OVER_BOUND);
    assert.equal(shard.paused, true);
    const sent = shard.updatePresence({
      since: null,
      activities: [],
      status: "idle",
      afk: false,
    });
    let settled: string | undefined;
    sent.then(() => settled = "written", () => settled = "rejected");
    await scheduler.flushMicrotasks();
    assert.equal(settled, undefined, "the command waits for the resume");

    slow.release();
    await client.idle();
    await runUntil(scheduler, () => settled !== undefined);
    assert.equal(settled, "written");
    await runUntil(scheduler, () => streamed.length === OVER_BOUND);
    await reading;
    assert.deepEqual(streamed, upTo(OVER_BOUND));
  });
});

Deno.test("A handler that never settles holds a bounded backlog however much the gateway sends, says so after MAX_PAUSE_MS, and stop() still ends the run", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
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
    await scheduler.advance(MAX_PAUSE_MS);
    assert.equal(messagesOf(records, /still \d+ MiB of events behind/), 1);
    await scheduler.advance(60_000);
    assert.ok(client.pendingHandlerCalls(0) < OVER_BOUND);
    assert.equal(client.shards!.shard(0)!.status, "reconnecting");
    assert.equal(discord.gateway.counters.resumes, 0);
    const stopping = client.stop({ drainTimeout: 1000 });
    await scheduler.advance(1000);
    await stopping;
    assert.equal(discord.gateway.counters.resumes, 0, "not reopened by stop");
    assert.equal(scheduler.pending, 0, "no timer outlives stop()");
  });
});

Deno.test("Deletes queued behind a handler that never settles count the deleted messages their ctx.old keeps: the shard pauses, though their frames are small", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async () => {
    await using discord = await FakeDiscord.start({ scheduler });
    class StuckOnDeletes extends Handler {
      override onMessageDelete(): Promise<void> {
        return new Promise(() => {});
      }
    }
    const client = new Client({
      token: discord.token,
      intents: INTENTS,
      cache: { messages: { perChannel: HELD_MESSAGES } },
      ...discord.clientOptions,
    });
    await started(scheduler, client, new StuckOnDeletes());
    await deletesPauseTheShard(discord, scheduler, client);
  });
});

Deno.test("A handler that makes room but does not catch up keeps its session: the shard resumes after MAX_PAUSE_MS", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start({ scheduler });
    const gates: (() => void)[] = [];
    const seen: number[] = [];
    class OneByOne extends Handler {
      override async onMessageCreate(
        message: GatewayEventMap["MESSAGE_CREATE"],
      ): Promise<void> {
        await new Promise<void>((resolve) => gates.push(resolve));
        seen.push(Number.parseInt(message.content));
      }
    }
    await using client = new Client({
      token: discord.token,
      intents: INTENTS,
      ...discord.clientOptions,
    });
    using _ = {
      [Symbol.dispose]: () => {
        for (const open of gates) open();
      },
    };
    await started(scheduler, client, new OneByOne());
    await postEach(scheduler, discord, OVER_BOUND);
    assert.equal(discord.gateway.counters.closes[4000], 1);
    // Eight events handled: below the bound, far above a quarter of it.
    for (let i = 0; i < 8; i++) {
      gates.shift()!();
      await scheduler.flushMicrotasks();
    }
    assert.equal(seen.length, 8);
    assert.equal(discord.gateway.counters.resumes, 0);
    await scheduler.advance(MAX_PAUSE_MS);
    await runUntil(scheduler, () => discord.gateway.counters.resumed === 1);
    assert.equal(messagesOf(records, /still \d+ MiB/), 0);
    // The rest arrives and is handled in order, once.
    for (let n = 0; seen.length < OVER_BOUND && n < 1000; n++) {
      const open = gates.shift();
      if (open === undefined) await scheduler.runNext();
      else {
        open();
        await scheduler.flushMicrotasks();
      }
    }
    assert.deepEqual(seen, upTo(OVER_BOUND));
    assert.equal(discord.gateway.counters.identifies, 1);
  });
});

Deno.test("A session that expires while its shard is paused is reported as lost events", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start({ scheduler });
    using slow = gated();
    await using client = await fellBehind(scheduler, discord, slow.handler);
    await scheduler.advance(120_000); // past the fake's 90 s session TTL
    slow.release();
    await client.idle();
    await runUntil(scheduler, () => discord.gateway.counters.identifies === 2);
    await runUntil(
      scheduler,
      () => messagesOf(records, /session ended while the shard was paused/) > 0,
    );
    const lost = records.find((r) =>
      /session ended while the shard was paused/.test(r.message.join(""))
    )!;
    assert.equal(lost.level, "warning");
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

Deno.test("A restored session whose replay passes the bound: start() resolves once the handlers caught up and the shard resumed, nothing lost", async () => {
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

    using slow = gated();
    await using second = new Client(options);
    let done = false;
    const starting = second.start(slow.handler).finally(() => done = true);
    await runUntil(
      scheduler,
      () => discord.gateway.counters.closes[4000] === 2,
    );
    slow.release();
    await second.idle();
    await runUntil(scheduler, () => done && slow.seen.length === OVER_BOUND);
    await starting;
    assert.deepEqual(slow.seen, upTo(OVER_BOUND));
    const { identifies, resumed } = discord.gateway.counters;
    assert.equal(identifies, 1, "the session was kept");
    assert.equal(resumed, 2);
  });
});

/** What the slot uses of a shard. */
interface StubShard {
  id: number;
  status: string;
  paused: boolean;
  sessionId: string;
  scheduler: VirtualScheduler;
  pause(): () => void;
  connect(): Promise<void>;
}

/**
 * A shard stand-in recording what the slot asks of it; `endPauses()` does
 * what a close does to them.
 */
function stubShard(
  status: string,
  scheduler: VirtualScheduler,
): { shard: StubShard; calls: string[]; endPauses(): void } {
  const calls: string[] = [];
  let pauses = new Set<object>();
  const shard: StubShard = {
    id: 0,
    status,
    get paused() {
      return pauses.size > 0;
    },
    sessionId: "s",
    scheduler,
    pause: () => {
      calls.push("pause");
      const token = {};
      pauses.add(token);
      shard.status = "reconnecting";
      return () => {
        if (pauses.delete(token)) calls.push("resume");
      };
    },
    connect: () => new Promise<void>(() => {}),
  };
  return { shard, calls, endPauses: () => pauses = new Set() };
}

Deno.test("ShardSlot pauses a shard over the bound even during a RESUME's replay, and again after a close ended its pause", async () => {
  await withLogRecords(async () => {
    const scheduler = new VirtualScheduler();
    const { shard, calls, endPauses } = stubShard("resuming", scheduler);
    const stop = new AbortController();
    const slot = new ShardSlot(
      shard as unknown as Shard,
      undefined as unknown as RestClient,
      stop.signal,
      new HeldTotal(),
    );
    let release!: () => void;
    slot.runner.push(() => new Promise<void>((resolve) => release = resolve));
    slot.held(MAX_HELD_EVENT_CHARS + 1);
    await scheduler.flushMicrotasks();
    assert.deepEqual(calls, ["pause"], "a replay that never ends is bounded");
    endPauses(); // closed and reconnected, the backlog still there
    slot.held(1);
    await scheduler.flushMicrotasks();
    assert.deepEqual(calls, ["pause", "pause"]);
    release();
    await slot.runner.idle();
    assert.deepEqual(calls, ["pause", "pause", "resume"]);
    stop.abort();
    assert.equal(scheduler.pending, 0);
  });
});

Deno.test("A Client stopped while its paused shard is resuming says nothing about a failed resume", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start({ scheduler });
    using slow = gated();
    const client = await fellBehind(scheduler, discord, slow.handler);
    assert.equal(discord.gateway.counters.closes[4000], 1);
    discord.gateway.planConnection("no-hello"); // the resume stays under way
    slow.release();
    await client.idle();
    await scheduler.flushMicrotasks();
    assert.equal(client.shards!.shard(0)!.status, "waiting_for_hello");
    const stopping = client.stop();
    await runUntil(scheduler, () => client.shards === undefined);
    await stopping;
    assert.equal(messagesOf(records, /did not resume|session ended/), 0);
  });
});

Deno.test("ShardSlot: past MAX_PAUSE_MS over the bound, the shard resumes as soon as its handlers are back at it, not at a quarter", async () => {
  await withLogRecords(async (records) => {
    const { h, stop, hold, release } = await slotOverShard();
    hold(20);
    await h.settle();
    assert.equal(h.shard.paused, true);
    await release(3); // 17 MiB held
    await h.scheduler.advance(MAX_PAUSE_MS);
    assert.equal(messagesOf(records, /still \d+ MiB/), 1);
    assert.equal(h.shard.paused, true);
    await release(1); // 16 MiB: at the bound, not over it; time is short
    assert.equal(h.shard.paused, false);
    stop.abort();
    await release(20);
    await h.shard.close();
  });
});

Deno.test("ShardSlot: a shard closed by hand during a pause gets no warning and no timer from it", async () => {
  await withLogRecords(async (records) => {
    const { h, stop, hold, release } = await slotOverShard();
    hold(17);
    await h.settle();
    assert.equal(h.shard.paused, true);
    await h.shard.close();
    await h.scheduler.advance(MAX_PAUSE_MS);
    assert.equal(messagesOf(records, /still \d+ MiB/), 0);
    assert.equal(h.scheduler.pending, 0);
    await release(17);
    stop.abort();
  });
});

Deno.test("ShardSlot: a shard the user paused too, before or after the Client, stays paused when the Client's backlog clears, until the user's pause ends", async () => {
  for (const userFirst of [true, false]) {
    await withLogRecords(async () => {
      const { h, stop, hold, release } = await slotOverShard();
      let endUserPause = userFirst ? h.shard.pause() : undefined; // maintenance
      hold(17);
      await h.settle();
      assert.equal(h.shard.paused, true);
      endUserPause ??= h.shard.pause();
      await release(17);
      await h.scheduler.advance(2 * MAX_PAUSE_MS);
      assert.equal(
        h.shard.paused,
        true,
        `not the Client's (user first: ${userFirst})`,
      );
      assert.equal(h.transport.sockets.length, 1);
      endUserPause();
      await h.settle();
      assert.equal(h.transport.sockets.length, 2, "reconnecting to RESUME");
      stop.abort();
      await h.shard.close();
    });
  }
});

Deno.test("ShardSlot: two pauses before the next READY, the session lost, say so once", async () => {
  await withLogRecords(async (records) => {
    const { h, stop, hold, release } = await slotOverShard();
    hold(17);
    await h.settle();
    await release(17); // resumed
    hello(h.socket());
    await h.settle();
    h.socket().receive({ op: 0, s: 2, t: "MESSAGE_CREATE", d: {} }); // replay
    hold(17);
    await h.settle();
    assert.equal(h.shard.paused, true, "paused again during the replay");
    await release(17);
    hello(h.socket());
    await h.settle();
    h.socket().receive({ op: 9, d: false }); // the session is gone
    await h.scheduler.advance(6000);
    hello(h.socket());
    await h.scheduler.advance(6000);
    ready(h.socket(), 1, "session-2");
    await h.settle();
    assert.equal(messagesOf(records, /session ended while the shard/), 1);
    stop.abort();
    await h.shard.close();
  });
});

Deno.test("ShardSlot: past MAX_CLIENT_HELD_CHARS for all shards together the shards holding over SPARED_HELD_CHARS pause, those holding little take events on, and each resumes at SPARED_RESUME_HELD_CHARS or once the total is down to a quarter", async () => {
  assert.equal(MAX_CLIENT_HELD_CHARS, 64 * MI);
  assert.equal(SPARED_HELD_CHARS, 8 * MI);
  assert.equal(SPARED_RESUME_HELD_CHARS, 4 * MI);
  await withLogRecords(async (records) => {
    await using all = await slotsOverShards(5);
    const [a, b, c, d, e] = all.slots;
    for (const slot of [a, b, c, d]) slot!.hold(15); // 60 MiB, each under 16
    await all.settle();
    assert.deepEqual(all.paused(), [false, false, false, false, false]);
    d!.hold(5); // d past its own bound, the total past the Client's
    await all.settle();
    assert.deepEqual(all.paused(), [true, true, true, true, false]);
    assert.equal(messagesOf(records, /handlers of all shards are 65 MiB/), 1);
    e!.hold(8); // 8 MiB: spared still
    await all.settle();
    assert.deepEqual(all.paused(), [true, true, true, true, false]);
    e!.hold(1); // 9 MiB: over half its own bound
    await all.settle();
    assert.deepEqual(all.paused(), [true, true, true, true, true]);
    await e!.release(5); // a quarter of its own bound, the total still over
    assert.deepEqual(all.paused(), [true, true, true, true, false]);
    await e!.release(4);
    for (const slot of [b, c]) await slot!.release(15);
    await a!.release(9); // 6 MiB: a still paused, the total 26 MiB
    assert.deepEqual(all.paused(), [true, false, false, true, false]);
    await d!.release(10); // 16 MiB in all: a quarter of the Client's bound
    assert.deepEqual(all.paused(), [false, false, false, true, false]);
    await d!.release(6); // d down to a quarter of its own
    assert.deepEqual(all.paused(), [false, false, false, false, false]);
  });
});

Deno.test("ShardSlot: shards the Client-wide bound paused resume after MAX_PAUSE_MS once the total is under the bound, not at a quarter, saying nothing of being still behind", async () => {
  await withLogRecords(async (records) => {
    await using all = await slotsOverShards(5);
    for (const slot of all.slots) slot.hold(13); // 65 MiB, none past 16
    await all.settle();
    assert.deepEqual(all.paused(), [true, true, true, true, true]);
    await all.slots[0]!.release(5);
    await all.slots[1]!.release(5); // 55 MiB: under the bound, over a quarter
    assert.deepEqual(all.paused(), [true, true, true, true, true]);
    for (const { h } of all.slots) await h.scheduler.advance(MAX_PAUSE_MS);
    assert.deepEqual(all.paused(), [false, false, false, false, false]);
    assert.equal(messagesOf(records, /still \d+ MiB/), 0, "they resumed");
    // Busy again, the total under the bound: not paused again.
    all.slots[2]!.hold(1);
    await all.settle();
    assert.deepEqual(all.paused(), [false, false, false, false, false]);
  });
});

Deno.test("ShardSlot: a Client-wide pause still over the bound after MAX_PAUSE_MS is said once, not once per shard; a Client of one shard says only its own pause", async () => {
  await withLogRecords(async (records) => {
    await using all = await slotsOverShards(5);
    // 68 MiB, none past its own bound (shard 0 right at it).
    for (const [i, slot] of all.slots.entries()) slot.hold(i === 0 ? 16 : 13);
    await all.settle();
    for (const { h } of all.slots) await h.scheduler.advance(MAX_PAUSE_MS);
    assert.deepEqual(all.paused(), [true, true, true, true, true]);
    assert.equal(messagesOf(records, /still \d+ MiB/), 1);
    assert.equal(messagesOf(records, /handlers of all shards are 65 MiB/), 1);
    assert.equal(messagesOf(records, /events behind; pausing/), 0, "none own");
  });
  await withLogRecords(async (records) => {
    await using one = await slotsOverShards(1);
    one.slots[0]!.hold(65);
    await one.settle();
    assert.deepEqual(one.paused(), [true]);
    assert.equal(messagesOf(records, /handlers of all shards/), 0);
    assert.equal(messagesOf(records, /events behind; pausing/), 1);
  });
});
