// DefaultQueueWatch binds the queue to every event again at each check. A
// `gateway.recv` unbound while another queue (a user's, bound with `#`) is
// bound to the exchange makes RabbitMQ return nothing (the other queue takes
// every publish), and the check only read the queue's counts: gateway.recv
// never got an event again, and nothing said it (6,840 of 7,000 lost). A
// queue found deleted is said with what it costs: the events other queues
// took meanwhile did not reach it (the warning said they were sent again).
import assert from "node:assert/strict";
import type { AMQPClient } from "@cloudamqp/amqp-client";
import {
  DEFAULT_QUEUE_CHECK_INTERVAL,
  DefaultQueueWatch,
  type DefaultQueueWatchOptions,
  type QueueCounts,
} from "../../dispatch/default_queue_watch.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { linesSaying, withLogRecords } from "../_fakes/log_records.ts";

/** What the fake client was asked, and how it answers. */
interface FakeBroker {
  client: AMQPClient;
  /** Every queue.bind, as "queue exchange key". */
  binds: string[];
  /** Queues whose passive declare is refused with 404, as RabbitMQ does. */
  deleted: Set<string>;
  /** A queue.bind refusal to throw (once), if any. */
  refuseBind?: string | undefined;
}

/** A connected AMQPClient answering only what a check asks. */
function fakeBroker(): FakeBroker {
  const broker: FakeBroker = {
    client: undefined as unknown as AMQPClient,
    binds: [],
    deleted: new Set(),
  };
  const channel = {
    onerror: undefined as unknown,
    queueDeclare(
      name: string,
      options: { passive?: boolean },
    ): Promise<{ name: string; messageCount: number; consumerCount: number }> {
      if (options.passive && broker.deleted.has(name)) {
        return Promise.reject(
          new Error(
            `channel 2 closed: NOT_FOUND - no queue '${name}' in vhost '/' (404)`,
          ),
        );
      }
      return Promise.resolve({ name, messageCount: 3, consumerCount: 1 });
    },
    queueBind(queue: string, exchange: string, key: string): Promise<void> {
      const refusal = broker.refuseBind;
      broker.refuseBind = undefined;
      if (refusal !== undefined) return Promise.reject(new Error(refusal));
      broker.binds.push(`${queue} ${exchange} ${key}`);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
  broker.client = {
    closed: false,
    channel: () => Promise.resolve(channel),
  } as unknown as AMQPClient;
  return broker;
}

/**
 * The watch's options, through a variable: the test also runs (and fails)
 * against a watch that has no `exchange` option.
 */
function options(
  scheduler: VirtualScheduler,
  more: Partial<DefaultQueueWatchOptions> = {},
): DefaultQueueWatchOptions {
  const options = { queue: "gateway.recv", scheduler, exchange: "gateway" };
  return { ...options, ...more };
}

Deno.test("DefaultQueueWatch: every check binds the queue to every event again", async () => {
  const scheduler = new VirtualScheduler();
  const broker = fakeBroker();
  const counts: QueueCounts[] = [];
  const watch = new DefaultQueueWatch(
    options(scheduler, { onCounts: (read) => counts.push(read) }),
  );
  try {
    // The first check is made at once, then one every interval.
    watch.attach(broker.client);
    await scheduler.flushMicrotasks();
    for (let check = 1; check <= 3; check++) {
      // AMQP cannot say whether the binding was missing: bound every time.
      assert.deepEqual(
        broker.binds,
        Array(check).fill("gateway.recv gateway #"),
      );
      assert.equal(counts.length, check);
      // The check the interval starts ends within the advance's turns.
      await scheduler.advance(DEFAULT_QUEUE_CHECK_INTERVAL);
    }
  } finally {
    watch.close();
  }
});

Deno.test("DefaultQueueWatch: a refused bind is said once and still gives the counts, without declaring the queue again", async () => {
  const scheduler = new VirtualScheduler();
  const broker = fakeBroker();
  const counts: QueueCounts[] = [];
  const redeclared: AMQPClient[] = [];
  const watch = new DefaultQueueWatch(options(scheduler, {
    onCounts: (read) => counts.push(read),
    redeclare: (client) => {
      redeclared.push(client);
      return Promise.resolve();
    },
  }));
  await withLogRecords(async (records) => {
    try {
      watch.attach(broker.client);
      // The exchange deleted: not the queue, which the declare found.
      broker.refuseBind =
        "channel 2 closed: NOT_FOUND - no exchange 'gateway' in vhost '/' (404)";
      await watch.check();
      assert.deepEqual(redeclared, []);
      assert.deepEqual(counts, [{ messages: 3, consumers: 1 }]);
      assert.equal(linesSaying(records, "no exchange 'gateway'").length, 1);
      await watch.check();
      assert.deepEqual(broker.binds, ["gateway.recv gateway #"]);
    } finally {
      watch.close();
    }
  }, "info");
});

Deno.test("DefaultQueueWatch: a queue found deleted is said with the events lost meanwhile, not as sent again", async () => {
  const scheduler = new VirtualScheduler();
  const broker = fakeBroker();
  const redeclared: AMQPClient[] = [];
  const watch = new DefaultQueueWatch(options(scheduler, {
    redeclare: (client) => {
      redeclared.push(client);
      broker.deleted.clear();
      return Promise.resolve();
    },
  }));
  await withLogRecords(async (records) => {
    try {
      watch.attach(broker.client);
      broker.deleted.add("gateway.recv");
      await watch.check();
      assert.deepEqual(redeclared, [broker.client]);
      const said = linesSaying(records, "gateway.recv was deleted");
      assert.equal(said.length, 1);
      // None was returned: the other queues bound to the exchange took them.
      assert.doesNotMatch(said[0]!, /sent again/);
      assert.match(said[0]!, /up to 60 s/);
      assert.match(said[0]!, /lost for gateway\.recv's consumers/);
    } finally {
      watch.close();
    }
  });
});
