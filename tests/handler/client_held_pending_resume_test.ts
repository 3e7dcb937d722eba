// A pause ends once the handlers' events are down to a quarter of the bound,
// the unsettled `atArrival` and route handler promises aside: withholding
// events cannot settle them (a route waits for a click), and counted in the
// quarter, some 4 MiB of them (1,000 to 1,500 pagination menus waiting)
// held every pause of the shard until the 45 s overdue check. With them, a
// quarter of the bound must still be free: right under it, each event a
// handler awaits would pause the shard again.
import assert from "node:assert/strict";
import {
  MAX_HELD_EVENT_CHARS,
  RESUME_HELD_EVENT_CHARS,
} from "../../gateway/event_backlog.ts";
import {
  MAX_CLIENT_HELD_CHARS,
  RESUME_CLIENT_HELD_CHARS,
} from "../../handler/held_total.ts";
import { MAX_PAUSE_MS } from "../../handler/shard_slot.ts";
import { messagesOf, withLogRecords } from "../_fakes/log_records.ts";
import { MI, slotOverShard, slotsOverShards } from "./_held_slots.ts";

Deno.test("ShardSlot: a pause ends as its handlers catch up, however many promises wait (not at 45 s)", async () => {
  await withLogRecords(async () => {
    const { h, slot, stop, hold, release } = await slotOverShard();
    let open!: () => void;
    const clicks = new Promise<void>((resolve) => open = resolve);
    // 6 MiB of pending promises: more than a quarter, well under the bound.
    for (let i = 0; i < 6; i++) slot.arrivalPending(clicks, MI);
    hold(MAX_HELD_EVENT_CHARS / MI - 4);
    await h.settle();
    assert.equal(h.shard.paused, true, "paused past the bound");
    await h.scheduler.advance(1000);
    await release(Number.POSITIVE_INFINITY);
    await h.settle();
    assert.equal(h.shard.paused, false, "resumed as the handlers caught up");
    assert.equal(slot.arrivalsPending, 6, "the promises still wait");
    open();
    await h.settle();
    stop.abort();
    await h.shard.close();
  });
});

Deno.test("ShardSlot: with promises filling three quarters of the bound, a pause waits for 45 s, then resumes", async () => {
  await withLogRecords(async () => {
    const { h, slot, stop, hold, release } = await slotOverShard();
    let open!: () => void;
    const clicks = new Promise<void>((resolve) => open = resolve);
    const promises = (MAX_HELD_EVENT_CHARS - RESUME_HELD_EVENT_CHARS) / MI +
      1;
    for (let i = 0; i < promises; i++) slot.arrivalPending(clicks, MI);
    hold(4);
    await h.settle();
    assert.equal(h.shard.paused, true, "paused past the bound");
    await release(Number.POSITIVE_INFINITY);
    await h.settle();
    assert.equal(h.shard.paused, true, "no quarter free: still paused");
    await h.scheduler.advance(MAX_PAUSE_MS);
    await h.settle();
    assert.equal(h.shard.paused, false, "the overdue check sets them aside");
    open();
    await h.settle();
    stop.abort();
    await h.shard.close();
  });
});

Deno.test("ShardSlot: promises that settled no longer count as promises: handler events still past the bound at 45 s keep the shard paused", async () => {
  await withLogRecords(async (records) => {
    const { h, slot, stop, hold, release } = await slotOverShard();
    let open!: () => void;
    const clicks = new Promise<void>((resolve) => open = resolve);
    for (let i = 0; i < 8; i++) slot.arrivalPending(clicks, MI);
    open();
    await h.settle();
    assert.equal(slot.arrivalsPending, 0, "the promises settled");
    hold(MAX_HELD_EVENT_CHARS / MI + 1);
    await h.settle();
    assert.equal(h.shard.paused, true, "paused past the bound");
    await h.scheduler.advance(MAX_PAUSE_MS);
    await h.settle();
    // Left counted as promises, 8 MiB of them would have been set aside.
    assert.equal(h.shard.paused, true, "its handlers still past the bound");
    assert.equal(messagesOf(records, /still \d+ MiB/), 1);
    await release(Number.POSITIVE_INFINITY);
    assert.equal(h.shard.paused, false, "caught up");
    stop.abort();
    await h.shard.close();
  });
});

// The Client-wide pause likewise: a shard it paused is spared (resumes, the
// total still over the resume point) once its own events are down to a
// quarter of its bound, the promises aside; counted in, 6 MiB of them held
// the pause until 45 s while the other shards ran on.
Deno.test("ShardSlot: a shard the Client-wide bound paused resumes as its handlers catch up, however many promises wait (not at 45 s)", async () => {
  await withLogRecords(async () => {
    await using all = await slotsOverShards(6);
    const [zero, ...others] = all.slots;
    let open!: () => void;
    const clicks = new Promise<void>((resolve) => open = resolve);
    for (let i = 0; i < 6; i++) zero!.slot.arrivalPending(clicks, MI);
    zero!.hold(9); // 15 MiB with the promises: under its own bound
    for (const other of others) other.hold(12);
    await all.settle();
    assert.ok(all.total.chars > MAX_CLIENT_HELD_CHARS);
    assert.deepEqual(all.paused(), [true, true, true, true, true, true]);
    await zero!.release(Number.POSITIVE_INFINITY);
    for (const other of others) await other.release(8);
    await all.settle();
    assert.ok(all.total.chars > RESUME_CLIENT_HELD_CHARS, "the total over");
    assert.deepEqual(
      all.paused(),
      [false, false, false, false, false, false],
      "shard 0 resumed as its handlers caught up",
    );
    assert.equal(zero!.slot.arrivalsPending, 6, "the promises still wait");
    open();
    await all.settle();
    // Never in the Client-wide total, they leave it as they settle.
    assert.equal(all.total.chars, others.length * 4 * MI);
  });
});

Deno.test("ShardSlot: a shard spared by the Client-wide bound, its promises aside, is not paused again by each event it takes", async () => {
  await withLogRecords(async () => {
    await using all = await slotsOverShards(6);
    const [zero, ...others] = all.slots;
    let open!: () => void;
    const clicks = new Promise<void>((resolve) => open = resolve);
    for (let i = 0; i < 6; i++) zero!.slot.arrivalPending(clicks, MI);
    zero!.hold(9); // over the spared share (half its bound)
    for (const other of others) other.hold(14); // stuck: never released
    await all.settle();
    assert.equal(zero!.h.shard.paused, true, "paused for the total");
    await zero!.release(7);
    await all.settle();
    assert.ok(all.total.chars > MAX_CLIENT_HELD_CHARS, "the total over");
    assert.equal(zero!.h.shard.paused, false, "spared: its events are few");
    // 8 MiB with the promises: each further event, counting them, would
    // take it over the spared share again.
    for (let i = 0; i < 2; i++) {
      zero!.hold(1);
      await all.settle();
      assert.equal(zero!.h.shard.paused, false, `event ${i}: still taking`);
      await zero!.release(1);
    }
    open();
    await all.settle();
  });
});

Deno.test("ShardSlot: a shard the Client-wide bound paused, the total back under a quarter, waits for a quarter of its own bound free with its promises", async () => {
  await withLogRecords(async () => {
    await using all = await slotsOverShards(5);
    const [zero, ...others] = all.slots;
    zero!.hold(9); // over the spared share, under its own bound
    for (const other of others) other.hold(14);
    await all.settle();
    assert.deepEqual(all.paused(), [true, true, true, true, true]);
    let open!: () => void;
    const clicks = new Promise<void>((resolve) => open = resolve);
    for (let i = 0; i < 6; i++) zero!.slot.arrivalPending(clicks, MI);
    for (const other of others.slice(0, 3)) await other.release(14);
    await others[3]!.release(7); // the total at 16 MiB: a quarter
    assert.ok(all.total.chars <= RESUME_CLIENT_HELD_CHARS);
    // 15 MiB with the promises: each further event would pause it again.
    assert.equal(zero!.h.shard.paused, true, "no quarter free");
    open();
    await all.settle();
    assert.equal(zero!.h.shard.paused, false, "settled: room");
  });
});
