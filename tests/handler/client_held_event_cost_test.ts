// What the held bound counts for each held event beyond its frame: its
// parsed data, its context and its handler call's place in the queue, some
// 400 bytes of heap whatever the frame. Counting only the frame, a flood of
// ~45-character events held 386,410 of them (160 MB of heap) under a bound
// documented as about 16 MiB.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { Handler } from "../../handler/handler.ts";
import { MAX_HELD_EVENT_CHARS } from "../../gateway/event_backlog.ts";
import type { ShardDispatch } from "../../gateway/shard.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { deletesPauseTheShard, HELD_MESSAGES } from "./_held_deletes.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { runUntilSettled } from "../_fakes/run_until.ts";

/** Heap a small held event takes beyond its frame, in bytes (measured). */
const HEAP_PER_SMALL_EVENT = 400;

Deno.test("Small events whose handler never settles pause the shard at about 16 MiB of heap (frame plus ~400 bytes an event), not at 16 Mi characters of frames", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async () => {
    await using discord = await FakeDiscord.start({ scheduler });
    let frame = 0;
    class Stuck extends Handler {
      override onRaw(dispatch: ShardDispatch): Promise<void> | void {
        if (dispatch.name !== "Z") return;
        frame = Math.max(frame, dispatch.size ?? 0);
        return new Promise<void>(() => {});
      }
    }
    const client = new Client({
      token: discord.token,
      intents: GatewayIntent.Guilds,
      ...discord.clientOptions,
    });
    await runUntilSettled(scheduler, client.start(new Stuck()));
    const shard = client.shards!.shard(0)!;
    const expected = (size: number) =>
      MAX_HELD_EVENT_CHARS / (size + HEAP_PER_SMALL_EVENT);
    // Frames of under 50 characters alone reach the bound only past
    // 335,000 events; counted with their cost, at about 37,000.
    const cap = 3 * expected(0);
    let posted = 0;
    while (!shard.paused && posted < cap) {
      for (let i = 0; i < 100; i++) {
        discord.gateway.dispatch("Z", { u: posted++ }, {
          guildId: null,
          warnIfFiltered: false,
        });
      }
      await scheduler.flushMicrotasks();
    }
    assert.equal(shard.paused, true, `not paused after ${posted} events`);
    const taken = client.pendingHandlerCalls(0);
    assert.ok(frame > 0 && frame < 50, `frames of ${frame} characters`);
    assert.ok(
      taken >= expected(frame) * 0.75 && taken <= expected(frame) * 1.25,
      `paused with ${taken} events held, expected about ${
        Math.round(expected(frame))
      }`,
    );
    const stopping = client.stop({ drainTimeout: 1000 });
    await scheduler.advance(1000);
    await stopping;
  });
});

Deno.test("Small events an atArrival listener never settles pause the shard as a handler's do, their cost counted", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async () => {
    await using discord = await FakeDiscord.start({ scheduler });
    const client = new Client({
      token: discord.token,
      intents: GatewayIntent.Guilds | GatewayIntent.DirectMessageTyping,
      ...discord.clientOptions,
    });
    let held = 0;
    client.on("TYPING_START", () => {
      held++;
      return new Promise<void>(() => {});
    }, { atArrival: true });
    await runUntilSettled(scheduler, client.start());
    const shard = client.shards!.shard(0)!;
    // Counted by their frames of some 90 characters alone, about 180,000
    // were held; with their cost, fewer than the bound over that cost.
    const most = MAX_HELD_EVENT_CHARS / HEAP_PER_SMALL_EVENT;
    const cap = 6 * most;
    let posted = 0;
    while (!shard.paused && posted < cap) {
      for (let i = 0; i < 100; i++) {
        discord.gateway.dispatch("TYPING_START", {
          channel_id: "1",
          user_id: "2",
          timestamp: posted++,
        }, { guildId: null, warnIfFiltered: false });
      }
      await scheduler.flushMicrotasks();
    }
    assert.equal(shard.paused, true, `not paused after ${posted} events`);
    assert.ok(held < most, `paused with ${held} events held`);
    const stopping = client.stop({ drainTimeout: 1000 });
    await scheduler.advance(1000);
    await stopping;
  });
});

Deno.test("Deletes an atArrival listener never settles count the deleted messages their ctx.old keeps, as a handler's do: the shard pauses, though their frames are small", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async () => {
    await using discord = await FakeDiscord.start({ scheduler });
    const client = new Client({
      token: discord.token,
      intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages |
        GatewayIntent.MessageContent,
      cache: { messages: { perChannel: HELD_MESSAGES } },
      ...discord.clientOptions,
    });
    client.on("MESSAGE_DELETE", () => new Promise<void>(() => {}), {
      atArrival: true,
    });
    await runUntilSettled(scheduler, client.start());
    await deletesPauseTheShard(discord, scheduler, client);
  });
});

Deno.test("An event held by several atArrival listeners that never settle counts its frame once, each further call only its place: the shard pauses at the bound, not at a fraction of it", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async () => {
    await using discord = await FakeDiscord.start({ scheduler });
    const client = new Client({
      token: discord.token,
      intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages |
        GatewayIntent.MessageContent,
      ...discord.clientOptions,
    });
    const listeners = 8;
    for (let i = 0; i < listeners; i++) {
      client.on("MESSAGE_CREATE", () => new Promise<void>(() => {}), {
        atArrival: true,
      });
    }
    await runUntilSettled(scheduler, client.start());
    const shard = client.shards!.shard(0)!;
    const length = 128 * 1024;
    // Half the bound in frames: over it eight times over if each listener's
    // call counted the frame.
    const half = MAX_HELD_EVENT_CHARS / 2 / length;
    let posted = 0;
    for (; posted < half; posted++) {
      discord.postMessage(`${posted} `.padEnd(length, "x"));
      await scheduler.flushMicrotasks();
    }
    assert.equal(shard.paused, false, `paused after ${posted} events`);
    for (; posted < 3 * half && !shard.paused; posted++) {
      discord.postMessage(`${posted} `.padEnd(length, "x"));
      await scheduler.flushMicrotasks();
    }
    assert.equal(shard.paused, true, `not paused after ${posted} events`);
    assert.ok(posted > 1.5 * half, `paused after ${posted} events`);
    const stopping = client.stop({ drainTimeout: 1000 });
    await scheduler.advance(1000);
    await stopping;
  });
});

Deno.test("Events held behind an awaiting handler and released without any pause say nothing", async () => {
  const scheduler = new VirtualScheduler();
  await using discord = await FakeDiscord.start({ scheduler });
  const seen: string[] = [];
  class Slow extends Handler {
    override async onMessageCreate(
      message: { content: string },
    ): Promise<void> {
      await new Promise<void>((resolve) => scheduler.setTimeout(resolve, 10));
      seen.push(message.content);
    }
  }
  const client = new Client({
    token: discord.token,
    intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages |
      GatewayIntent.MessageContent,
    ...discord.clientOptions,
  });
  client.on("MESSAGE_CREATE", async () => {
    await new Promise<void>((resolve) => scheduler.setTimeout(resolve, 10));
  }, { atArrival: true });
  await runUntilSettled(scheduler, client.start(new Slow()));
  const lines = await captureStderr(async () => {
    for (let i = 0; i < 5; i++) discord.postMessage(`${i}`);
    await scheduler.flushMicrotasks();
    await runUntilSettled(scheduler, client.idle());
  });
  assert.deepEqual(seen, ["0", "1", "2", "3", "4"]);
  assert.equal(client.shards!.shard(0)!.paused, false);
  assert.deepEqual(lines, []);
  await runUntilSettled(scheduler, client.stop());
});
