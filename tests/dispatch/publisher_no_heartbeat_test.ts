// ConfirmedPublisher on a broker configured with `heartbeat = 0`: the AMQP
// client takes the lower of its 10 s and the broker's 0, so its own
// heartbeat timeout and the confirm watchdog are both off, and a frozen
// broker was never noticed while events kept coming, with nothing said.
// It is said on stderr, without any logging configured, once per
// publisher (not at every reconnect), and not when a heartbeat is on.
import assert from "node:assert/strict";
import { ConfirmedPublisher } from "../../dispatch/publisher.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { captureStderr } from "../_fakes/capture_stderr.ts";
import { within } from "../_fakes/watchdog.ts";
import { FakeAmqpBroker } from "./_fake_amqp.ts";

/**
 * What a publisher asking a 10 s heartbeat, as the service's URL does,
 * writes to stderr over two connections to a broker tuning `heartbeat`.
 */
async function saidOverTwoConnections(heartbeat: number): Promise<string[]> {
  await using broker = new FakeAmqpBroker({ heartbeat });
  const publisher = new ConfirmedPublisher({
    url: `${broker.url}?heartbeat=10`,
    exchange: "test.no-heartbeat",
    capacity: 100,
    scheduler: new VirtualScheduler(),
  });
  return await captureStderr(async () => {
    try {
      await within(publisher.start(), "connected to the fake broker");
      await within(publisher.close(), "closed");
      await within(publisher.start(), "connected again");
      assert.equal(broker.connections, 2);
    } finally {
      await publisher.close();
    }
  });
}

Deno.test({
  name:
    "ConfirmedPublisher: a broker that negotiates heartbeat 0 is said once on stderr, naming the broker's setting and what goes unnoticed",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const lines = (await saidOverTwoConnections(0))
    .filter((line) => line.includes("heartbeat"));
  assert.equal(lines.length, 1, `said once: ${JSON.stringify(lines)}`);
  assert.match(lines[0]!, /WRN/);
  assert.match(lines[0]!, /broker's `heartbeat` setting is 0/);
  assert.match(lines[0]!, /a frozen broker or a dead network path/);
});

Deno.test({
  name:
    "ConfirmedPublisher: a broker that negotiates a heartbeat says nothing of it",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  assert.deepEqual(await saidOverTwoConnections(10), []);
});
