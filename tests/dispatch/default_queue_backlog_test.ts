// How DefaultQueueWatch judges the default queue's backlog, on a fake
// client whose counts the test sets before each check: said when a queue
// with no consumer grows from the backlog on, again only once it grew ten
// times, and the end said once it has a consumer or fell below it.
import assert from "node:assert/strict";
import {
  DefaultQueueWatch,
  type QueueCounts,
} from "../../dispatch/default_queue_watch.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { linesSaying, withLogRecords } from "../_fakes/log_records.ts";
import { fakeClient } from "./_fake_queue_client.ts";

const GROWING = "keeps growing";
const ENDED = "no longer filling up";

Deno.test("DefaultQueueWatch: a backlog is said when a queue with no consumer grows from the threshold on (not at the first check), again at ten times, and its end when a consumer comes or it falls below", async () => {
  await withLogRecords(async (records) => {
    const counts: { -readonly [K in keyof QueueCounts]: QueueCounts[K] } = {
      messages: 500,
      consumers: 0,
    };
    const watch = new DefaultQueueWatch({
      queue: "gateway.recv",
      scheduler: new VirtualScheduler(),
      backlog: 100,
    });
    watch.attach(fakeClient(counts).client);
    const at = async (messages: number, consumers = 0): Promise<void> => {
      counts.messages = messages;
      counts.consumers = consumers;
      await watch.check();
    };
    const said = (text: string): number => linesSaying(records, text).length;
    // The first check (at attach) has nothing to compare with: not said.
    await watch.check();
    // Below the threshold, growing or not: nothing.
    await at(98);
    await at(99);
    await at(99);
    assert.equal(said(GROWING), 0);
    // From the threshold, growing: said, once.
    await at(100);
    assert.equal(said(GROWING), 1);
    await at(999);
    assert.equal(said(GROWING), 1, "below ten times 100");
    await at(1_000);
    assert.equal(said(GROWING), 2, "ten times");
    await at(5_000);
    assert.equal(said(GROWING), 2);
    // A consumer came: the end said, even with the queue still large.
    await at(5_000, 1);
    assert.equal(said(ENDED), 1);
    // Growing with a consumer, or without one but not growing: nothing.
    await at(6_000, 1);
    await at(6_000);
    assert.equal(said(GROWING), 2);
    // Growing again with no consumer: said; below the threshold: ended.
    await at(7_000);
    assert.equal(said(GROWING), 3);
    await at(99);
    assert.equal(said(ENDED), 2);
    watch.close();
  }, "info");
});

Deno.test("DefaultQueueWatch: a failed check is said once until a check succeeds, then again", async () => {
  await withLogRecords(async (records) => {
    const watch = new DefaultQueueWatch({
      queue: "gateway.recv",
      scheduler: new VirtualScheduler(),
    });
    const good = fakeClient({ messages: 0, consumers: 0 });
    const failing = fakeClient({ messages: 0, consumers: 0 });
    failing.client.channel = () => Promise.reject(new Error("channel refused"));
    watch.attach(failing.client);
    await watch.check();
    await watch.check();
    assert.equal(linesSaying(records, "channel refused").length, 1);
    watch.attach(good.client);
    await watch.check();
    watch.attach(failing.client);
    await watch.check();
    assert.equal(linesSaying(records, "channel refused").length, 2);
    watch.close();
  }, "info");
});
