// A shard's slot pauses it past the held bound a microtask after the bound
// is passed, and resumes it once its handlers made room: unless the pause
// ended before it began, the shard was closed meanwhile, or the Client
// stopped (a paused shard then stays closed). A resume in any of these
// left a shard paused for good, reopened one closed by hand, or RESUMEd a
// session during the stop.
import assert from "node:assert/strict";
import { HELD_EVENT_CHARS, MAX_PAUSE_MS } from "../../handler/shard_slot.ts";
import { MAX_HELD_EVENT_CHARS } from "../../gateway/event_backlog.ts";
import { messagesOf, withLogRecords } from "../_fakes/log_records.ts";
import { hello, ready } from "../_fakes/shard_harness.ts";
import { MI, slotOverShard } from "./_held_slots.ts";

Deno.test("ShardSlot: a pause that ends before it began (the call before finished in the same turn) leaves the shard taking events", async () => {
  await withLogRecords(async () => {
    const { h, slot, stop } = await slotOverShard();
    const gate = () => {
      let open!: () => void;
      const promise = new Promise<void>((resolve) => open = resolve);
      return { open, call: () => promise };
    };
    const first = gate();
    slot.runner.push(first.call);
    slot.held(MAX_HELD_EVENT_CHARS - HELD_EVENT_CHARS); // at the bound
    await h.settle();
    assert.equal(h.shard.paused, false);
    // Its call finishes while the next event, past the bound with it,
    // arrives: the release runs before the pause would begin.
    first.open();
    const second = gate();
    slot.runner.push(second.call);
    slot.held(MI);
    await h.settle();
    assert.equal(h.shard.paused, false, "1 MiB held: nothing to pause for");
    await h.scheduler.advance(2 * MAX_PAUSE_MS);
    assert.equal(h.shard.paused, false);
    second.open();
    await h.settle();
    stop.abort();
    await h.shard.close();
  });
});

Deno.test("ShardSlot: a shard closed by hand during a pause stays closed when its handlers then catch up", async () => {
  await withLogRecords(async (records) => {
    const { h, stop, hold, release } = await slotOverShard();
    hold(17);
    await h.settle();
    assert.equal(h.shard.paused, true);
    await h.shard.close();
    const sockets = h.transport.sockets.length;
    await release(17);
    await h.settle();
    assert.equal(h.shard.status, "closed");
    assert.equal(h.transport.sockets.length, sockets, "no connection opened");
    assert.equal(messagesOf(records, /ending the pause/), 0);
    stop.abort();
  });
});

Deno.test("ShardSlot: a shard paused when the Client stops stays paused when its handlers then catch up (no RESUME during the stop)", async () => {
  await withLogRecords(async (records) => {
    const { h, stop, hold, release } = await slotOverShard();
    hold(17);
    await h.settle();
    assert.equal(h.shard.paused, true);
    stop.abort();
    const sockets = h.transport.sockets.length;
    await release(17);
    await h.scheduler.advance(1000);
    assert.equal(h.shard.paused, true, "left to the stop's close");
    assert.equal(h.transport.sockets.length, sockets, "no connection opened");
    assert.equal(messagesOf(records, /ending the pause/), 0);
    await h.shard.close();
  });
});

Deno.test("ShardSlot: a Client stopped during a pause leaves no pause timer: nothing is said at MAX_PAUSE_MS", async () => {
  await withLogRecords(async (records) => {
    const { h, stop, hold, release } = await slotOverShard();
    hold(17);
    await h.settle();
    assert.equal(h.shard.paused, true);
    stop.abort();
    await h.scheduler.advance(MAX_PAUSE_MS);
    assert.equal(messagesOf(records, /still \d+ MiB/), 0);
    await release(17);
    await h.shard.close();
  });
});

Deno.test("ShardSlot: a pause asked in the turn the Client stops never pauses the shard", async () => {
  await withLogRecords(async () => {
    const { h, stop, hold, release } = await slotOverShard();
    hold(17);
    stop.abort();
    await h.settle();
    assert.equal(h.shard.paused, false);
    await release(17);
    await h.shard.close();
  });
});

Deno.test("ShardSlot: a pause its session survives says nothing of lost events, and a later pause whose session ends says so", async () => {
  await withLogRecords(async (records) => {
    const { h, stop, hold, release } = await slotOverShard();
    const lost = () => messagesOf(records, /session ended while the shard/);
    hold(17);
    await h.settle();
    await release(17); // resumed
    hello(h.socket());
    await h.settle();
    h.socket().receive({ op: 0, s: 2, t: "RESUMED", d: {} });
    await h.settle();
    assert.equal(h.shard.status, "ready");
    assert.equal(lost(), 0, "the session kept");
    hold(17);
    await h.settle();
    assert.equal(h.shard.paused, true, "paused again");
    await release(17);
    hello(h.socket());
    await h.settle();
    h.socket().receive({ op: 9, d: false }); // the session is gone
    await h.scheduler.advance(6000);
    hello(h.socket());
    await h.scheduler.advance(6000);
    ready(h.socket(), 1, "session-2");
    await h.settle();
    assert.equal(lost(), 1, "said for the second pause");
    stop.abort();
    await h.shard.close();
  });
});
