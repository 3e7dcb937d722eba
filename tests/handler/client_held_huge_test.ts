// What the e8a7d10 regression read found in the held bounds: huge frames
// just under a shard's own bound that added nothing to the Client-wide
// overshoot (16 shards each took one: 4 GB of heap), `atArrival` listeners
// awaiting a later event of their own shard that kept it paused for good,
// and a stop() that said nothing of `atArrival` promises still unsettled.
import assert from "node:assert/strict";
import {
  HUGE_HELD_CHARS,
  MAX_CLIENT_OVERSHOOT_CHARS,
} from "../../handler/held_total.ts";
import { MAX_PAUSE_MS } from "../../handler/shard_slot.ts";
import { MAX_HELD_EVENT_CHARS } from "../../gateway/event_backlog.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { messagesOf, withLogRecords } from "../_fakes/log_records.ts";
import { runUntil, runUntilSettled } from "../_fakes/run_until.ts";
import {
  MI,
  slotOverShard,
  slotsOverShards,
  startedClient,
} from "./_held_slots.ts";

Deno.test("ShardSlot: huge frames just under each shard's own bound pause every shard after four or five, not one per shard", async () => {
  assert.equal(HUGE_HELD_CHARS, MI);
  const frame = MAX_HELD_EVENT_CHARS - MI / 2; // 15.5 MiB: no own pause
  await withLogRecords(async () => {
    await using all = await slotsOverShards(16);
    let taken = 0;
    for (const slot of all.slots) {
      if (slot.h.shard.paused) continue;
      slot.hold(1, frame);
      taken++;
      await all.settle();
    }
    assert.ok(taken <= 5, `${taken} huge frames taken`);
    assert.ok(all.total.past > MAX_CLIENT_OVERSHOOT_CHARS);
    assert.deepEqual(all.paused(), Array(16).fill(true));
    for (const slot of all.slots) await slot.release(1);
    assert.equal(all.total.past, 0, "released whole");
    assert.deepEqual(all.paused(), Array(16).fill(false));
  });
});

Deno.test("ShardSlot: atArrival promises past the bound pause the shard, but after MAX_PAUSE_MS it resumes and takes a bound more before pausing again", async () => {
  await withLogRecords(async () => {
    const { h, slot, stop } = await slotOverShard();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => open = resolve);
    for (let i = 0; i <= MAX_HELD_EVENT_CHARS / MI; i++) {
      slot.arrivalPending(gate, MI);
    }
    await h.settle();
    assert.equal(h.shard.paused, true, "paused past the bound");
    await h.scheduler.advance(MAX_PAUSE_MS);
    assert.equal(h.shard.paused, false, "overdue: resumed");
    for (let i = 0; i < MAX_HELD_EVENT_CHARS / MI; i++) {
      slot.arrivalPending(gate, MI);
    }
    await h.settle();
    assert.equal(h.shard.paused, false, "a bound more taken");
    slot.arrivalPending(gate, MI);
    await h.settle();
    assert.equal(h.shard.paused, true, "past it: paused again");
    open();
    await h.settle();
    assert.equal(h.shard.paused, false);
    stop.abort();
    await h.shard.close();
  });
});

Deno.test("Client: atArrival listeners awaiting later messages of their own shard, past the bound, get them once the pause is overdue: the shard is not paused for good", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async () => {
    await using discord = await FakeDiscord.start({ scheduler });
    const count = Math.ceil(MAX_HELD_EVENT_CHARS / (256 * 1024)) + 24;
    const answers = new Map<number, () => void>();
    let answered = 0;
    await using client = await startedClient(
      scheduler,
      discord,
      (c) =>
        c.on("MESSAGE_CREATE", (message) => {
          const [kind, n] = message.content.split(" ");
          const i = Number.parseInt(n!);
          if (kind === "a") return void answers.get(i)?.();
          // A conversation: wait for the answer to this question.
          return new Promise<void>((resolve) =>
            answers.set(i, () => {
              answered++;
              resolve();
            })
          );
        }, { atArrival: true }),
    );
    for (let i = 0; i < count; i++) {
      discord.postMessage(`q ${i} `.padEnd(256 * 1024, "x"));
      await scheduler.flushMicrotasks();
    }
    const shard = client.shards!.shard(0)!;
    assert.equal(shard.paused, true, "paused past the bound");
    for (let i = 0; i < count; i++) discord.postMessage(`a ${i}`);
    await scheduler.flushMicrotasks();
    await runUntil(scheduler, () => answered === count);
    assert.ok(scheduler.now() >= MAX_PAUSE_MS);
    assert.equal(shard.paused, false);
  });
});

Deno.test("Client: stop() says how many atArrival promises have not settled, once", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    await using discord = await FakeDiscord.start({ scheduler });
    const client = await startedClient(
      scheduler,
      discord,
      (c) =>
        c.on("MESSAGE_CREATE", () => new Promise<void>(() => {}), {
          atArrival: true,
        }),
    );
    for (let i = 0; i < 3; i++) discord.postMessage(`${i}`);
    await runUntil(scheduler, () => discord.gateway.counters.identifies > 0);
    await scheduler.advance(1000);
    await runUntilSettled(scheduler, client.stop({ drainTimeout: 1000 }));
    const said = records.filter((r) =>
      /^3 atArrival listener calls had not settled at stop\(\) \(shard 0: 3\)/
        .test(r.message.join(""))
    );
    assert.equal(said.length, 1);
    assert.equal(said[0]!.level, "warning");
    assert.equal(messagesOf(records, /had not settled/), 1);
  });
});
