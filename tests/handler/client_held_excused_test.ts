// What an overdue (45 s) resume sets aside of a shard's unsettled atArrival
// promises: it counted toward every shard's Client-wide bound (huge excused
// charges on one shard paused a healthy shard holding 1 KiB until the next
// 45 s), and the excuse of a promise that settled passed to later ones
// never excused (the shard took a bound more at once, no 45 s wait).
import assert from "node:assert/strict";
import { MAX_PAUSE_MS } from "../../handler/shard_slot.ts";
import { HeldTotal } from "../../handler/held_total.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { MI, slotOverShard, slotsOverShards } from "./_held_slots.ts";

Deno.test("ShardSlot: atArrival charges a shard's overdue resumes set aside never pause another shard", async () => {
  await withLogRecords(async () => {
    await using all = await slotsOverShards(2);
    const [a, b] = all.slots;
    const never = new Promise<void>(() => {});
    // Shard A: 2 MiB events whose listeners await a later event, 45 s of
    // pause at a time, until it holds far past the Client-wide bounds.
    for (let cycle = 0; cycle < 6; cycle++) {
      while (!a!.h.shard.paused) {
        a!.slot.arrivalPending(never, 2 * MI);
        await all.settle();
      }
      await a!.h.scheduler.advance(MAX_PAUSE_MS);
      await b!.h.scheduler.advance(MAX_PAUSE_MS);
      await all.settle();
    }
    assert.ok(a!.slot.arrivalsPending * 2 * MI > 80 * MI);
    // Shard B holds one small event and handles it: never paused.
    b!.hold(1, 1024);
    await all.settle();
    assert.equal(b!.h.shard.paused, false, "a 1 KiB event pauses nothing");
    await b!.release(1);
    await all.settle();
    assert.equal(b!.h.shard.paused, false);
  });
});

Deno.test("ShardSlot: an excused atArrival charge that settles takes its excuse with it, not to later promises", async () => {
  await withLogRecords(async () => {
    const total = new HeldTotal();
    const { h, slot, stop } = await slotOverShard(total);
    let open1!: () => void;
    const g1 = new Promise<void>((resolve) => open1 = resolve);
    let open2!: () => void;
    const g2 = new Promise<void>((resolve) => open2 = resolve);
    for (let i = 0; i < 17; i++) slot.arrivalPending(g1, MI);
    await h.settle();
    assert.equal(h.shard.paused, true);
    await h.scheduler.advance(MAX_PAUSE_MS);
    await h.settle();
    assert.equal(h.shard.paused, false, "g1 set aside at the overdue resume");
    while (!h.shard.paused) {
      slot.arrivalPending(g2, MI);
      await h.settle();
    }
    open1();
    await h.settle();
    // g2's charges were never excused: still over the bound, still paused.
    assert.equal(h.shard.paused, true, "g1's excuse did not pass to g2");
    open2();
    await h.settle();
    assert.equal(h.shard.paused, false);
    assert.equal(slot.arrivalsPending, 0);
    // No excuse is left over, the last excused promise's included: the
    // shard pauses past the bound again, not a MiB later.
    let charges = 0;
    while (!h.shard.paused && charges < 20) {
      slot.arrivalPending(new Promise<void>(() => {}), MI);
      charges++;
      await h.settle();
    }
    assert.equal(charges, 17, "past 16 MiB, as the first time");
    stop.abort();
    await h.shard.close();
  });
});

Deno.test("ShardSlot: after an overdue resume set promises aside, a pause their shard's handlers cause ends as they catch up, not at 45 s", async () => {
  await withLogRecords(async () => {
    const { h, slot, stop, hold, release } = await slotOverShard();
    for (let i = 0; i < 17; i++) {
      slot.arrivalPending(new Promise<void>(() => {}), MI);
    }
    await h.settle();
    await h.scheduler.advance(MAX_PAUSE_MS);
    await h.settle();
    assert.equal(h.shard.paused, false, "the promises set aside");
    hold(17);
    await h.settle();
    assert.equal(h.shard.paused, true, "its handlers past the bound");
    await release(17);
    assert.equal(h.shard.paused, false, "caught up: room, the excused aside");
    stop.abort();
    await h.shard.close();
  });
});
