// CommandHandler and more deliveries whose copies are refused than it
// remembers (1,024), on a virtual clock: each was forgotten before it came
// back, so none was ever rejected; one not remembered now counts from its
// shard's first failure.
import assert from "node:assert/strict";
import {
  type CommandChannel,
  type CommandMessage,
  MAX_REQUEUE_TIME,
} from "../../dispatch/command_handler.ts";
import { countedHandler } from "./_counted_handler.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

Deno.test("CommandHandler: 1,100 distinct deliveries whose copies a full queue refuses are all rejected once their shard's copies have failed for MAX_REQUEUE_TIME", async () => {
  const scheduler = new VirtualScheduler({ start: 1_000_000 });
  const { handler: commands, results } = countedHandler({
    shard: () => undefined,
    shardCount: 4,
    scheduler,
  });
  // A queue at its max-length with reject-publish: every copy nacked.
  const channel: CommandChannel = {
    confirmSelect: () => Promise.resolve(),
    basicPublish: () => Promise.reject(new Error("Message rejected")),
  };
  const COUNT = 1_100;
  const alive = new Set([...Array(COUNT).keys()]);
  const deliver = (n: number, redelivered: boolean) => {
    const body = JSON.stringify({
      op: 0,
      shard: 3,
      data: { op: 31, d: { guild_ids: [String(1_000 + n)] } },
    });
    const settle = (requeue = true) => {
      if (!requeue) alive.delete(n);
      return Promise.resolve();
    };
    return commands.handle({
      redelivered,
      properties: {},
      channel,
      bodySize: body.length,
      bodyToString: () => body,
      ack: () => Promise.resolve(),
      nack: settle,
      reject: settle,
    } as CommandMessage);
  };
  for (const n of alive) await deliver(n, false);
  // Each comes back every 10 s (requeued, behind the others).
  const end = scheduler.now() + MAX_REQUEUE_TIME + 60_000;
  while (alive.size > 0 && scheduler.now() < end) {
    await scheduler.advance(10_000);
    for (const n of [...alive]) await deliver(n, true);
  }
  assert.equal(alive.size, 0, `${alive.size} still going round`);
  assert.equal(results.dropped, COUNT);
});
