// What the held bound counts beyond a queued event's frame: the promises of
// `atArrival` listeners, which nothing waits behind (one that never settles
// kept its event for good: 400,000 events held 547 MB), and each handler
// call queued beyond the first of an event (50 listeners that never settle
// held 2 million calls, 593 MB, under a 16 MiB bound).
import assert from "node:assert/strict";
import { ArrivalFlight } from "../../handler/_arrival_flight.ts";
import { BACKLOG_REPEAT_MS } from "../../handler/ordered_runner.ts";
import {
  HELD_EVENT_CHARS,
  QUEUED_CALL_CHARS,
} from "../../handler/shard_slot.ts";
import { MAX_HELD_EVENT_CHARS } from "../../gateway/event_backlog.ts";
import { FakeDiscord } from "../../testing/fake_discord.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { messagesOf, withLogRecords } from "../_fakes/log_records.ts";
import { MI, slotOverShard, startedClient } from "./_held_slots.ts";
import { runUntil } from "../_fakes/run_until.ts";

/** Messages of a quarter MiB that together pass the bound. */
const OVER_BOUND = Math.ceil(MAX_HELD_EVENT_CHARS / (256 * 1024)) + 24;

function big(i: number): string {
  return `${i} `.padEnd(256 * 1024, "x");
}

Deno.test("atArrival listeners whose promises have not settled count toward the held bound: the shard pauses past it and resumes once they settle, nothing lost", async () => {
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
        c.on("MESSAGE_CREATE", (message) => {
          seen.push(Number.parseInt(message.content));
          return gate;
        }, { atArrival: true }),
    );
    using _ = { [Symbol.dispose]: () => open() };
    for (let i = 0; i < OVER_BOUND; i++) {
      discord.postMessage(big(i));
      await scheduler.flushMicrotasks();
    }
    const shard = client.shards!.shard(0)!;
    assert.equal(shard.paused, true, "paused past the bound");
    assert.ok(seen.length < OVER_BOUND - 16, `${seen.length} taken`);
    assert.equal(messagesOf(records, /events behind; pausing/), 1);
    open();
    await runUntil(scheduler, () => seen.length === OVER_BOUND);
    assert.deepEqual(seen, Array.from({ length: OVER_BOUND }, (_, i) => i));
    assert.equal(discord.gateway.counters.identifies, 1, "the session kept");
    assert.equal(shard.paused, false);
  });
});

Deno.test("A shard with 1,000 atArrival promises not settled says so on stderr, once, naming the shard", async () => {
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
    for (let i = 0; i < 1500; i++) {
      discord.postMessage(`${i}`);
      await scheduler.flushMicrotasks();
    }
    const said = records.filter((r) =>
      /Shard 0 has 1000 atArrival listener calls/.test(r.message.join(""))
    );
    assert.equal(said.length, 1);
    assert.equal(said[0]!.level, "warning");
    assert.equal(messagesOf(records, /atArrival listener calls/), 1);
    const stopping = client.stop({ drainTimeout: 1000 });
    await scheduler.advance(1000);
    await stopping;
  });
});

Deno.test("atArrival listeners that return nothing hold nothing, however much arrives", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async () => {
    await using discord = await FakeDiscord.start({ scheduler });
    let seen = 0;
    await using client = await startedClient(
      scheduler,
      discord,
      (c) => c.on("MESSAGE_CREATE", () => void seen++, { atArrival: true }),
    );
    for (let i = 0; i < 2 * OVER_BOUND; i++) {
      discord.postMessage(big(i));
      await scheduler.flushMicrotasks();
    }
    assert.equal(seen, 2 * OVER_BOUND);
    assert.equal(client.shards!.shard(0)!.paused, false);
    assert.equal(discord.gateway.counters.closes[4000], undefined);
  });
});

Deno.test("Each handler call an event queues beyond the first counts QUEUED_CALL_CHARS: 50 listeners that never settle pause the shard long before 16 MiB of frames", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async () => {
    await using discord = await FakeDiscord.start({ scheduler });
    const listeners = 50;
    const client = await startedClient(scheduler, discord, (c) => {
      for (let i = 0; i < listeners; i++) {
        c.on("MESSAGE_CREATE", () => new Promise<void>(() => {}));
      }
    });
    // Small messages: their frames alone reach the bound only after some
    // 20,000; their calls' share after about 1,300.
    const enough = Math.ceil(
      MAX_HELD_EVENT_CHARS / ((listeners - 1) * QUEUED_CALL_CHARS),
    ) + 50;
    const shard = client.shards!.shard(0)!;
    let posted = 0;
    while (!shard.paused && posted < 3 * enough) {
      discord.postMessage(`${posted++}`);
      await scheduler.flushMicrotasks();
    }
    assert.equal(shard.paused, true, `not paused after ${posted} messages`);
    assert.ok(posted <= enough, `paused after ${posted} messages`);
    assert.ok(client.pendingHandlerCalls(0) <= enough * listeners);
    const stopping = client.stop({ drainTimeout: 1000 });
    await scheduler.advance(1000);
    await stopping;
  });
});

Deno.test("ShardSlot.held counts an event of three calls as its frame, HELD_EVENT_CHARS and two QUEUED_CALL_CHARS: at exactly the bound the shard takes events on, one character more pauses it", async () => {
  await withLogRecords(async () => {
    for (const over of [0, 1]) {
      const { h, slot, stop } = await slotOverShard();
      const never = () => new Promise<void>(() => {});
      slot.runner.push(never); // busy: what follows is held
      const handed = slot.runner.handed;
      for (let i = 0; i < 3; i++) slot.runner.push(never);
      const frame = MAX_HELD_EVENT_CHARS - HELD_EVENT_CHARS -
        2 * QUEUED_CALL_CHARS + over;
      slot.held(frame, undefined, handed);
      await h.settle();
      assert.equal(h.shard.paused, over > 0, `${over} over the bound`);
      stop.abort();
      await h.shard.close();
    }
  });
});

Deno.test("ShardSlot.held counts nothing for a dispatch without a frame size (built by hand), and the bound still pauses the shard at the events after it", async () => {
  await withLogRecords(async () => {
    const { h, slot, stop, hold, release } = await slotOverShard();
    hold(1);
    slot.held(undefined);
    hold(MAX_HELD_EVENT_CHARS / MI);
    await h.settle();
    assert.equal(h.shard.paused, true, "past the bound");
    await release(Number.POSITIVE_INFINITY);
    assert.equal(h.shard.paused, false, "caught up");
    stop.abort();
    await h.shard.close();
  });
});

Deno.test("ArrivalFlight says many unsettled promises as the runner says its backlog: at 1,000 and each doubling, a burst within a minute only past the count told", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    const flight = new ArrivalFlight(3, scheduler);
    const said = () => messagesOf(records, /Shard 3 has \d+ atArrival/);
    const fill = (count: number) => {
      for (let i = 0; i < count; i++) flight.started();
    };
    const drain = () => {
      while (flight.count > 0) flight.settled();
    };
    fill(999);
    assert.equal(said(), 0);
    fill(1);
    assert.equal(said(), 1);
    fill(1000);
    assert.equal(said(), 2, "at 2,000");
    drain();
    fill(2000); // the same burst again, a moment later: not said
    assert.equal(said(), 2);
    fill(2000);
    assert.equal(said(), 3, "past the count told");
    drain();
    await scheduler.advance(BACKLOG_REPEAT_MS);
    fill(1000);
    assert.equal(said(), 4, "a minute later, from the first threshold");
  });
});

Deno.test("ArrivalFlight starts over only at none: a count back down to one keeps its threshold, even a minute later", async () => {
  const scheduler = new VirtualScheduler();
  await withLogRecords(async (records) => {
    const flight = new ArrivalFlight(3, scheduler);
    const said = () => messagesOf(records, /Shard 3 has \d+ atArrival/);
    for (let i = 0; i < 1000; i++) flight.started();
    assert.equal(said(), 1);
    while (flight.count > 1) flight.settled();
    await scheduler.advance(BACKLOG_REPEAT_MS);
    for (let i = 0; i < 999; i++) flight.started();
    assert.equal(flight.count, 1000);
    assert.equal(said(), 1, "not at 1,000 again: next at 2,000");
    for (let i = 0; i < 1000; i++) flight.started();
    assert.equal(said(), 2);
  });
});
