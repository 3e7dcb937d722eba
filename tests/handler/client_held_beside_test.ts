// Work a queued listener hands to its context's `beside` (what an attached
// InteractionRouter does with each route handler) runs beside later events
// but counts toward the shard's held bound until it settles, as an
// `atArrival` listener's promise does: route handlers that never settle
// kept their interactions for good, unseen by the bound.
import assert from "node:assert/strict";
import { MAX_HELD_EVENT_CHARS } from "../../gateway/event_backlog.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { messagesOf, withLogRecords } from "../_fakes/log_records.ts";
import { runUntil } from "../_fakes/run_until.ts";
import { HELD_EVENT_CHARS } from "../../handler/shard_slot.ts";
import { slotOverShard, startedClient } from "./_held_slots.ts";

/** Messages of a quarter MiB that together pass the bound. */
const OVER_BOUND = Math.ceil(MAX_HELD_EVENT_CHARS / (256 * 1024)) + 24;

function big(i: number): string {
  return `${i} `.padEnd(256 * 1024, "x");
}

/** The context of a source that takes work beside (the Client's). */
type BesideContext = { beside?(work: () => Promise<unknown>): void };

Deno.test("work handed to ctx.beside counts toward the held bound: the shard pauses past it and resumes once it settles, nothing lost", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start({ scheduler });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => open = resolve);
    const seen: number[] = [];
    await using client = await startedClient(
      scheduler,
      discord,
      (c) =>
        c.on("MESSAGE_CREATE", (message, ctx) => {
          seen.push(Number.parseInt(message.content));
          (ctx as BesideContext).beside?.(() => gate);
        }),
    );
    using _ = { [Symbol.dispose]: () => open() };
    for (let i = 0; i < OVER_BOUND; i++) {
      discord.postMessage(big(i));
      await scheduler.flushMicrotasks();
    }
    const shard = client.shards!.shard(0)!;
    assert.equal(shard.paused, true, "paused past the bound");
    assert.ok(seen.length < OVER_BOUND - 16, `${seen.length} taken`);
    assert.equal(client.pendingHandlerCalls(), 0, "none queued: beside");
    assert.equal(messagesOf(records, /events behind; pausing/), 1);
    open();
    await runUntil(scheduler, () => seen.length === OVER_BOUND);
    assert.deepEqual(seen, Array.from({ length: OVER_BOUND }, (_, i) => i));
    assert.equal(discord.gateway.counters.identifies, 1, "the session kept");
    assert.equal(shard.paused, false);
  });
});

Deno.test("work handed to ctx.beside that rejects, or throws as it starts, is said on stderr, and the shard carries on", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start({ scheduler });
    const seen: string[] = [];
    await using client = await startedClient(
      scheduler,
      discord,
      (c) =>
        c.on("MESSAGE_CREATE", (message, ctx) => {
          seen.push(message.content);
          const error = new Error(`beside ${message.content}`);
          (ctx as BesideContext).beside?.(
            message.content === "1" ? () => Promise.reject(error) : () => {
              throw error; // before it returns a promise
            },
          );
        }),
    );
    discord.postMessage("1");
    discord.postMessage("2");
    await runUntil(scheduler, () => seen.length === 2);
    await scheduler.flushMicrotasks();
    assert.equal(
      messagesOf(
        records,
        /beside the events of shard 0\) rejected: Error: beside 1/,
      ),
      1,
    );
    assert.equal(messagesOf(records, /rejected: Error: beside 2/), 1);
    await client.stop();
  });
});

Deno.test("ShardSlot: work handed to ctx.beside counts as its event's frame and HELD_EVENT_CHARS: at exactly the bound the shard takes events on, one character more pauses it", async () => {
  await withLogRecords(async () => {
    for (const over of [0, 1]) {
      const { h, slot, stop } = await slotOverShard();
      const frame = MAX_HELD_EVENT_CHARS - HELD_EVENT_CHARS + over;
      slot.push(
        "INTERACTION_CREATE",
        () => slot.ctx.beside(() => new Promise<void>(() => {})),
        frame,
      );
      await h.settle();
      assert.equal(slot.besidesPending, 1);
      assert.equal(h.shard.paused, over > 0, `${over} over the bound`);
      stop.abort();
      await h.shard.close();
    }
  });
});

Deno.test("ShardSlot.besidesSettled waits for work handed to ctx.beside while it waits, not only for the work running when asked", async () => {
  await withLogRecords(async () => {
    const { h, slot, stop } = await slotOverShard();
    let openFirst!: () => void;
    slot.ctx.beside(() => new Promise<void>((resolve) => openFirst = resolve));
    let settled = false;
    const waiting = slot.besidesSettled().then(() => settled = true);
    let openSecond!: () => void;
    slot.ctx.beside(() => new Promise<void>((resolve) => openSecond = resolve));
    openFirst();
    await h.settle();
    assert.equal(settled, false, "the second still runs");
    openSecond();
    await waiting;
    assert.equal(slot.besidesPending, 0);
    stop.abort();
    await h.shard.close();
  });
});
