// DefaultQueueWatch checks the queue as soon as a connection is attached
// (the first and every reconnect), then every interval from there. The
// first check came one interval after the start: for a minute after every
// start, dispatch_default_queue_messages/consumers read 0, which looks just
// like the "no consumer" an alert watches for. Checks never overlap.
import assert from "node:assert/strict";
import {
  DEFAULT_QUEUE_CHECK_INTERVAL,
  DefaultQueueWatch,
  type QueueCounts,
} from "../../dispatch/default_queue_watch.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { fakeClient, flight } from "./_fake_queue_client.ts";

const INTERVAL = DEFAULT_QUEUE_CHECK_INTERVAL;

/** A watch on the virtual clock, and every count its checks read. */
function watching(scheduler: VirtualScheduler): {
  watch: DefaultQueueWatch;
  counts: QueueCounts[];
} {
  const counts: QueueCounts[] = [];
  const watch = new DefaultQueueWatch({
    queue: "gateway.recv",
    scheduler,
    onCounts: (read) => counts.push(read),
  });
  return { watch, counts };
}

Deno.test("DefaultQueueWatch: attaching the first connection checks at once, without the clock moving, then every interval", async () => {
  const scheduler = new VirtualScheduler();
  const { watch, counts } = watching(scheduler);
  const broker = fakeClient({ messages: 7, consumers: 1 });
  try {
    watch.attach(broker.client);
    await scheduler.flushMicrotasks();
    assert.deepEqual(counts, [{ messages: 7, consumers: 1 }]);
    assert.equal(scheduler.nextDue, scheduler.now() + INTERVAL);
    await scheduler.advance(INTERVAL - 1);
    assert.equal(counts.length, 1, "no check before the interval");
    await scheduler.advance(1);
    assert.equal(counts.length, 2);
    assert.equal(broker.channels, 2);
  } finally {
    watch.close();
  }
  assert.equal(scheduler.pending, 0);
});

Deno.test("DefaultQueueWatch: a reconnect checks at once through the new connection, and the interval restarts from it", async () => {
  const scheduler = new VirtualScheduler();
  const { watch, counts } = watching(scheduler);
  const first = fakeClient({ messages: 7, consumers: 1 });
  const second = fakeClient({ messages: 9, consumers: 2 });
  try {
    watch.attach(first.client);
    await scheduler.advance(INTERVAL / 2);
    watch.attach(second.client);
    await scheduler.flushMicrotasks();
    assert.deepEqual(counts.at(-1), { messages: 9, consumers: 2 });
    assert.equal(counts.length, 2);
    // Not again half an interval later, when the first one was due.
    await scheduler.advance(INTERVAL / 2);
    assert.equal(counts.length, 2);
    await scheduler.advance(INTERVAL / 2);
    assert.equal(counts.length, 3);
    assert.deepEqual([first.channels, second.channels], [1, 2]);
  } finally {
    watch.close();
  }
});

Deno.test("DefaultQueueWatch: a reconnect during a check in flight checks through the new connection once that one ended, never two at once", async () => {
  const scheduler = new VirtualScheduler();
  const { watch, counts } = watching(scheduler);
  const first = fakeClient({ messages: 7, consumers: 1 });
  const second = fakeClient({ messages: 9, consumers: 2 });
  let release!: () => void;
  first.hold = new Promise((resolve) => release = resolve);
  flight.most = 0;
  try {
    watch.attach(first.client);
    await scheduler.flushMicrotasks();
    watch.attach(second.client);
    await scheduler.flushMicrotasks();
    assert.equal(second.channels, 0, "waits for the check in flight");
    release();
    await scheduler.flushMicrotasks();
    assert.deepEqual(counts, [
      { messages: 7, consumers: 1 },
      { messages: 9, consumers: 2 },
    ]);
    assert.equal(flight.most, 1);
  } finally {
    watch.close();
  }
});

Deno.test("DefaultQueueWatch: once closed, an attach checks nothing and arms no timer", async () => {
  const scheduler = new VirtualScheduler();
  const { watch, counts } = watching(scheduler);
  watch.close();
  const broker = fakeClient({ messages: 7, consumers: 1 });
  watch.attach(broker.client);
  await scheduler.flushMicrotasks();
  assert.equal(scheduler.pending, 0);
  assert.deepEqual(counts, []);
  assert.equal(broker.channels, 0);
});
