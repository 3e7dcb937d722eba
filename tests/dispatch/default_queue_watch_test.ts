// DefaultQueueWatch against a real RabbitMQ, on a virtual clock: a queue
// nobody consumes that keeps growing past the backlog is said on stderr
// (no LogTape configured), once, again only ten times larger or after it
// was consumed meanwhile; a check the broker refuses changes nothing.
// Each test uses a queue of its own (gateway.recv belongs to the service's
// end-to-end tests, which may run at the same time).
import assert from "node:assert/strict";
import { AMQPClient } from "@cloudamqp/amqp-client";
import {
  DEFAULT_QUEUE_BACKLOG,
  DEFAULT_QUEUE_CHECK_INTERVAL,
  DefaultQueueWatch,
  type QueueCounts,
} from "../../dispatch/default_queue_watch.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { testAmqp } from "../_fakes/servers.ts";
import { within } from "../_fakes/watchdog.ts";

const amqp = testAmqp();
const INTERVAL = DEFAULT_QUEUE_CHECK_INTERVAL;
const BACKLOG = 20;

/** A watch on `queue` whose checks the test awaits one by one. */
function watching(queue: string, scheduler: VirtualScheduler): {
  watch: DefaultQueueWatch;
  counts: QueueCounts[];
  /** Advance the clock one interval, and await the check it starts. */
  tick(): Promise<QueueCounts>;
  /** Attach `client`, and await the check made at once. */
  attach(client: AMQPClient): Promise<QueueCounts>;
} {
  const counts: QueueCounts[] = [];
  let checked: (() => void) | undefined;
  const watch = new DefaultQueueWatch({
    queue,
    scheduler,
    backlog: BACKLOG,
    onCounts: (read) => {
      counts.push(read);
      checked?.();
    },
  });
  return {
    watch,
    counts,
    async attach(client: AMQPClient): Promise<QueueCounts> {
      const done = new Promise<void>((resolve) => checked = resolve);
      watch.attach(client);
      await within(done, "the check made at attach");
      return counts.at(-1)!;
    },
    async tick(): Promise<QueueCounts> {
      // The next check is due exactly one interval on: no sooner.
      assert.equal(scheduler.nextDue, scheduler.now() + INTERVAL);
      const seen = counts.length;
      const done = new Promise<void>((resolve) => checked = resolve);
      await scheduler.advance(INTERVAL);
      await within(done, "the check the interval started");
      assert.equal(counts.length, seen + 1);
      return counts.at(-1)!;
    },
  };
}

Deno.test({
  name:
    "DefaultQueueWatch: a queue with no consumer that grows past the backlog is said on stderr once, again ten times larger, and again after a consumer came and went",
  ignore: amqp.ignore,
}, async () => {
  const queue = `disruption.test.watch.${crypto.randomUUID()}`;
  const client = new AMQPClient(amqp.url);
  await client.connect();
  const scheduler = new VirtualScheduler();
  const { watch, tick, attach } = watching(queue, scheduler);
  try {
    const channel = await client.channel();
    await channel.queueDeclare(queue, { autoDelete: false });
    await channel.confirmSelect();
    const publish = (count: number): Promise<unknown> =>
      Promise.all(
        Array.from(
          { length: count },
          () => channel.basicPublish("", queue, "{}"),
        ),
      );
    // Checked at once: an empty queue, nothing to say.
    assert.deepEqual(await attach(client), { messages: 0, consumers: 0 });
    const lines = await captureStderr(async () => {
      await publish(25);
      // Past the backlog, and grown since the check at attach: said.
      assert.deepEqual(await tick(), { messages: 25, consumers: 0 });
      await publish(5);
      assert.deepEqual(await tick(), { messages: 30, consumers: 0 });
      await publish(10);
      await tick(); // 40: worse, not ten times worse
      await tick(); // 40: not growing
      await publish(260);
      assert.deepEqual(await tick(), { messages: 300, consumers: 0 });
    });
    const said = lines.filter((line) => line.includes(queue));
    assert.equal(said.length, 2, lines.join("\n"));
    assert.match(said[0]!, /holds 25 messages and has no consumer/);
    assert.match(said[0]!, /Set DEFAULT_QUEUE=false/);
    assert.match(said[0]!, /^\[WRN\]/);
    assert.match(said[1]!, /holds 300 messages/);

    // A consumer (holding one unacknowledged message) ends the condition;
    // once it is gone and the queue grows again, it is said again.
    const consumer = await client.channel();
    await consumer.prefetch(1);
    const subscription = await consumer.basicConsume(
      queue,
      { noAck: false },
      () => {},
    );
    const again = await captureStderr(async () => {
      assert.equal((await tick()).consumers, 1);
      await subscription.cancel();
      await consumer.close();
      await publish(1);
      assert.deepEqual(await tick(), { messages: 301, consumers: 0 });
    });
    assert.equal(
      again.filter((line) => line.includes(queue)).length,
      1,
      again.join("\n"),
    );
    await channel.queueDelete(queue);
  } finally {
    watch.close();
    assert.equal(scheduler.pending, 0, "close() cleared the timer");
    await client.close();
  }
});

Deno.test({
  name:
    "DefaultQueueWatch: a check the broker refuses (no such queue) or that cannot be made (connection closed) says nothing and leaves the connection usable",
  ignore: amqp.ignore,
}, async () => {
  const client = new AMQPClient(amqp.url);
  await client.connect();
  const scheduler = new VirtualScheduler();
  const counts: QueueCounts[] = [];
  const watch = new DefaultQueueWatch({
    queue: `disruption.test.missing.${crypto.randomUUID()}`,
    scheduler,
    onCounts: (read) => counts.push(read),
  });
  try {
    // Before any connection: nothing to check through.
    await watch.check();
    watch.attach(client);
    const lines = await captureStderr(async () => {
      await within(watch.check(), "a refused check");
      await within(watch.check(), "a second refused check");
    });
    assert.deepEqual(lines, []);
    assert.deepEqual(counts, []);
    // The publisher's connection is not harmed: a channel still opens.
    assert.equal(client.closed, false);
    const channel = await client.channel();
    await channel.close();
  } finally {
    await client.close();
  }
  await within(watch.check(), "a check on a closed connection");
  assert.deepEqual(counts, []);
  watch.close();
  assert.equal(scheduler.pending, 0);
});

Deno.test("DefaultQueueWatch: checks every minute from 10,000 messages by default, and refuses thresholds that are not positive integers", () => {
  assert.equal(DEFAULT_QUEUE_CHECK_INTERVAL, 60_000);
  assert.equal(DEFAULT_QUEUE_BACKLOG, 10_000);
  const scheduler = new VirtualScheduler();
  for (const bad of [{ backlog: 0 }, { interval: 0 }, { interval: 1.5 }]) {
    assert.throws(
      () => new DefaultQueueWatch({ queue: "q", scheduler, ...bad }),
      RangeError,
    );
  }
  assert.equal(scheduler.pending, 0);
});
