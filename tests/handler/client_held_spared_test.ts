// The Client-wide held bound against shards whose handlers never finish:
// those shards pause at their own bound and never release what they hold,
// so a bound that paused every shard until the total was back under it
// stopped the healthy shards for good (their sessions lost, start() never
// resolving). A shard whose handlers hold little is spared while the huge
// events held (over HUGE_HELD_CHARS each) stay under
// MAX_CLIENT_OVERSHOOT_CHARS; past that every shard still pauses.
import assert from "node:assert/strict";
import { Client } from "../../handler/client.ts";
import { Handler } from "../../handler/handler.ts";
import type { Context } from "../../handler/context.ts";
import {
  MAX_CLIENT_HELD_CHARS,
  MAX_CLIENT_OVERSHOOT_CHARS,
} from "../../handler/held_total.ts";
import { MAX_PAUSE_MS } from "../../handler/shard_slot.ts";
import { MAX_HELD_EVENT_CHARS } from "../../gateway/event_backlog.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { GatewayEventMap } from "../../types/events.ts";
import { GatewayIntent } from "../../types/intents.ts";
import { messagesOf, withLogRecords } from "../_fakes/log_records.ts";
import { runUntil, runUntilSettled } from "../_fakes/run_until.ts";
import { MI, slotsOverShards } from "./_held_slots.ts";

const INTENTS = GatewayIntent.Guilds | GatewayIntent.GuildMessages |
  GatewayIntent.MessageContent;

/** Frames of a MiB that take a shard past its own bound. */
const PAST_OWN = MAX_HELD_EVENT_CHARS / MI + 1;

Deno.test("ShardSlot: four shards stuck past their own bound, together past MAX_CLIENT_HELD_CHARS, leave the shards that keep up taking events, however long", async () => {
  await withLogRecords(async () => {
    await using all = await slotsOverShards(8);
    const stuck = all.slots.slice(0, 4);
    const healthy = all.slots.slice(4);
    for (const slot of stuck) slot.hold(PAST_OWN); // never released
    await all.settle();
    assert.ok(all.total.chars > MAX_CLIENT_HELD_CHARS);
    const expected = [true, true, true, true, false, false, false, false];
    assert.deepEqual(all.paused(), expected);
    // The healthy shards go on handling, past the pause's time limit.
    for (let round = 0; round < 3; round++) {
      for (const slot of healthy) slot.hold(2);
      await all.settle();
      assert.deepEqual(all.paused(), expected, `round ${round}`);
      for (const slot of healthy) await slot.release(2);
      for (const { h } of all.slots) await h.scheduler.advance(MAX_PAUSE_MS);
      assert.deepEqual(all.paused(), expected, `round ${round}, later`);
    }
  });
});

Deno.test("ShardSlot: a shard its own bound paused, still over the spared share when the Client-wide bound is passed, is held by the total too: not resumed at 45 s while the total is over", async () => {
  await withLogRecords(async () => {
    await using all = await slotsOverShards(5);
    const [a, ...others] = all.slots;
    a!.hold(PAST_OWN);
    await all.settle();
    await a!.release(PAST_OWN - 6); // 6 MiB: over the spared share (4)
    assert.deepEqual(all.paused(), [true, false, false, false, false]);
    for (const [i, other] of others.entries()) other.hold(i === 3 ? 14 : 15);
    await all.settle();
    assert.ok(all.total.chars > MAX_CLIENT_HELD_CHARS);
    assert.deepEqual(all.paused(), [true, true, true, true, true]);
    await a!.h.scheduler.advance(MAX_PAUSE_MS);
    await all.settle();
    // Under its own bound at 45 s, but the total still holds it.
    assert.equal(a!.h.shard.paused, true);
    await others[0]!.release(15); // the total under the bound: room
    assert.equal(a!.h.shard.paused, false);
  });
});

Deno.test("ShardSlot: a shard the Client-wide bound paused that then passes its own bound is held by its own too: the total back under a quarter, it waits until its own handlers are at a quarter of theirs", async () => {
  await withLogRecords(async () => {
    await using all = await slotsOverShards(5);
    const [a, ...others] = all.slots;
    for (const slot of all.slots) slot.hold(13); // 65 MiB, none past 16
    await all.settle();
    assert.deepEqual(all.paused(), [true, true, true, true, true]);
    a!.hold(4); // 17 MiB: past its own bound too
    await all.settle();
    for (const other of others) await other.release(13);
    await a!.release(7); // 10 MiB: the total under a quarter, with room
    assert.deepEqual(all.paused(), [true, false, false, false, false]);
    await a!.release(6); // 4 MiB: a quarter of its own bound
    assert.deepEqual(all.paused(), [false, false, false, false, false]);
  });
});

Deno.test("ShardSlot: huge frames adding up past MAX_CLIENT_OVERSHOOT_CHARS pause every shard, those holding nothing included, until they are handled", async () => {
  assert.equal(MAX_CLIENT_OVERSHOOT_CHARS, 64 * MI);
  await withLogRecords(async (records) => {
    await using all = await slotsOverShards(5);
    const [a, b] = all.slots;
    a!.hold(1, 60 * MI); // one huge frame: 60 MiB, under the overshoot bound
    await all.settle();
    assert.deepEqual(all.paused(), [true, false, false, false, false]);
    b!.hold(1, 60 * MI); // 120 MiB of huge events in all
    await all.settle();
    assert.deepEqual(all.paused(), [true, true, true, true, true]);
    assert.equal(messagesOf(records, /held add up to 120 MiB/), 1);
    await a!.release(1); // 60 MiB of huge events: those holding little go on
    assert.deepEqual(all.paused(), [false, true, false, false, false]);
    await b!.release(1);
    assert.deepEqual(all.paused(), [false, false, false, false, false]);
  });
});

Deno.test("Client: shards whose handlers never finish, past the Client-wide bound together, do not stop the others: start() resolves, and the healthy shards keep their sessions and handle every event", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async () => {
    const shards = 8;
    await using discord = await FakeDiscord.start({
      scheduler,
      shards,
      gateway: { guilds: shards },
    });
    const guildOf = new Map<number, string>();
    for (const id of discord.gateway.guildIds) {
      guildOf.set(Number((BigInt(id) >> 22n) % BigInt(shards)), id);
    }
    assert.equal(guildOf.size, shards, "a guild on every shard");
    const handled = new Map<number, number>();
    class Bot extends Handler {
      override onMessageCreate(
        _message: GatewayEventMap["MESSAGE_CREATE"],
        ctx: Context,
      ): Promise<void> {
        const id = ctx.shard.id;
        if (id < 4) return new Promise(() => {}); // stuck for good
        handled.set(id, (handled.get(id) ?? 0) + 1);
        return Promise.resolve();
      }
    }
    const client = new Client({
      token: discord.token,
      intents: INTENTS,
      ...discord.clientOptions,
    });
    let started = false;
    const starting = client.start(new Bot()).then(() => started = true);
    starting.catch(() => {});
    // The first four shards fill while the others still wait to identify.
    const shard = (id: number) => client.shards?.shard(id);
    await runUntil(scheduler, () => shard(3)?.status === "ready");
    assert.equal(shard(7)?.status === "ready", false);
    // Ordinary events (huge ones pause every shard past 64 MiB of them).
    const big = "x".repeat(MI / 2);
    for (let id = 0; id < 4; id++) {
      for (let i = 0; i < 2 * PAST_OWN; i++) {
        discord.postMessage(big, { guildId: guildOf.get(id)! });
        await scheduler.flushMicrotasks();
      }
    }
    await runUntilSettled(scheduler, starting);
    assert.ok(started);
    for (let id = 4; id < shards; id++) {
      for (let i = 0; i < 10; i++) {
        discord.postMessage(`${i}`, { guildId: guildOf.get(id)! });
      }
    }
    await scheduler.advance(2 * MAX_PAUSE_MS);
    for (let id = 4; id < shards; id++) {
      assert.equal(handled.get(id), 10, `shard ${id} handled its events`);
      assert.equal(shard(id)!.paused, false);
    }
    for (let id = 0; id < 4; id++) assert.equal(shard(id)!.paused, true);
    assert.equal(discord.gateway.counters.identifies, shards, "none lost");
    const stopping = client.stop({ drainTimeout: 1000 });
    await scheduler.advance(1000);
    await stopping;
  });
});
