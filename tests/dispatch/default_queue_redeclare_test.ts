// DefaultQueueWatch against the fake broker: a check that finds the queue
// deleted (404 NOT_FOUND) says so on stderr and declares and binds it again
// through `redeclare`. It was an INFO line only, and the events published
// meanwhile reached no queue until the next reconnect.
import assert from "node:assert/strict";
import { AMQPClient } from "@cloudamqp/amqp-client";
import { DefaultQueueWatch } from "../../dispatch/default_queue_watch.ts";
import { bindToEveryEvent } from "../../dispatch/_bound_queue.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { FakeAmqpBroker } from "./_fake_amqp.ts";

Deno.test({
  name:
    "DefaultQueueWatch: a queue found deleted is said on stderr and declared and bound again",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using broker = new FakeAmqpBroker();
  const client = new AMQPClient(broker.url);
  await client.connect();
  const redeclared: AMQPClient[] = [];
  const watch = new DefaultQueueWatch({
    queue: "gateway.recv",
    scheduler: new VirtualScheduler(),
    redeclare: async (c) => {
      redeclared.push(c);
      await bindToEveryEvent(c, "gateway.recv", "gateway");
    },
  });
  await withLogRecords(async (records) => {
    try {
      watch.attach(client);
      broker.deleted.add("gateway.recv");
      await watch.check();
      assert.deepEqual(redeclared, [client]);
      assert.ok(!broker.deleted.has("gateway.recv"), "declared again");
      const said = records.filter((r) =>
        r.message.join("").includes("gateway.recv was deleted")
      );
      assert.equal(said.length, 1);
      assert.equal(said[0]!.level, "warning");
      // Back: the next check reads its counts, and says nothing more.
      await watch.check();
      assert.equal(redeclared.length, 1);
    } finally {
      watch.close();
      await client.close().catch(() => {});
    }
  });
});
