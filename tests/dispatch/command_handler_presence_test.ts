// CommandHandler and a flood of presence updates (op 3) for one shard, on
// a real Shard over the FakeGateway and an in-memory gateway.send
// (prefetch 100), on a virtual clock: only the latest presence counts, so
// older ones are settled as superseded instead of going round the queue,
// and none holds the shard's other commands back.
import assert from "node:assert/strict";
import type { CommandShard } from "../../dispatch/command_handler.ts";
import { countedHandler } from "./_counted_handler.ts";
import { Shard } from "../../gateway/shard.ts";
import { FakeGateway } from "../../testing/fake_gateway.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { type Process, SharedQueue, until } from "./_shared_queue.ts";

/** A presence named `p<n>` for shard 0. */
function presence(n: number): string {
  return JSON.stringify({
    op: 0,
    shard: 0,
    data: {
      op: 3,
      d: {
        since: null,
        afk: false,
        status: "online",
        activities: [{ name: `p${n}`, type: 0 }],
      },
    },
  });
}

/** An op 31 for shard 0 with `guild` as its guild id. */
function sounds(guild: string): string {
  return JSON.stringify({
    op: 0,
    shard: 0,
    data: { op: 31, d: { guild_ids: [guild] } },
  });
}

/** A process running shard 0 of 1 on the FakeGateway, and its queue. */
async function setUp(scheduler: VirtualScheduler): Promise<{
  queue: SharedQueue;
  process: Process;
  gateway: FakeGateway;
  shard: Shard;
}> {
  const gateway = new FakeGateway({ scheduler, guilds: 1 });
  const shard = new Shard({
    token: "fake-token",
    intents: 1,
    transport: gateway.transport,
    scheduler,
  });
  const ready = shard.connect();
  await scheduler.advance(0);
  await ready;
  const { handler, results } = countedHandler({
    shard: (id) => id === 0 ? shard as CommandShard : undefined,
    shardCount: 1,
    scheduler,
  });
  const process: Process = {
    handler,
    results,
    sent: [],
    runs: (id) => id === 0,
  };
  const queue = new SharedQueue(scheduler, 100);
  queue.add(process);
  return { queue, process, gateway, shard };
}

/** The frames of an op the gateway received, in order. */
function frames(gateway: FakeGateway, op: number): unknown[] {
  return gateway.allConnections.flatMap((c) =>
    c.received.filter((f) => f.op === op).map((f) => f.d)
  );
}

Deno.test("CommandHandler, presence flood: an op 31 published after 200 presences of its shard is not held back by them; older presences are superseded, not sent round the queue; the latest is written", async () => {
  const scheduler = new VirtualScheduler();
  const { queue, process, gateway, shard } = await setUp(scheduler);
  const COUNT = 200;
  for (let n = 0; n < COUNT; n++) queue.publish(presence(n));
  queue.publish(sounds("41771983423143937"));
  // Going round the queue in its turn like any command, each presence held
  // the op 31 behind it: written after about 120 s.
  await until(scheduler, () => frames(gateway, 31).length === 1, 15_000);
  // Only the latest presence counts: each older one is settled as the
  // shard settles one a newer presence replaced, not published again.
  await until(
    scheduler,
    () =>
      queue.deliveries === queue.republished + COUNT + 1 &&
      process.results.done === COUNT + 1,
    60_000,
  );
  assert.ok(queue.republished <= 5, `${queue.republished} copies published`);
  assert.deepEqual(queue.rejected, []);
  const written = frames(gateway, 3) as { activities: { name: string }[] }[];
  assert.ok(written.length <= 5, `${written.length} presences written`);
  assert.equal(written.at(-1)!.activities[0]!.name, `p${COUNT - 1}`);
  await shard.close();
  gateway.close();
});

Deno.test("CommandHandler, presence flood: presences put back while their shard reconnects go round one at a time; once ready the latest is written and the older are superseded", async () => {
  const scheduler = new VirtualScheduler();
  const { queue, process, gateway, shard } = await setUp(scheduler);
  const status = Object.getOwnPropertyDescriptor(Shard.prototype, "status")!;
  let reconnecting = true;
  Object.defineProperty(shard, "status", {
    get: () => reconnecting ? "reconnecting" : status.get!.call(shard),
  });
  const COUNT = 50;
  for (let n = 0; n < COUNT; n++) queue.publish(presence(n));
  // Going round during the outage: each older copy, coming back after a
  // newer one was put back, is superseded rather than published again.
  await scheduler.advance(10_000);
  const during = queue.republished;
  assert.ok(during <= COUNT + 10, `${during} copies in 10 s`);
  reconnecting = false;
  process.handler.shardReady(0);
  await until(scheduler, () => frames(gateway, 3).length >= 1, 5_000);
  await scheduler.advance(30_000);
  const written = frames(gateway, 3) as { activities: { name: string }[] }[];
  assert.equal(written.length, 1);
  assert.equal(written[0]!.activities[0]!.name, `p${COUNT - 1}`);
  assert.equal(process.results.done, COUNT);
  assert.deepEqual(queue.rejected, []);
  await shard.close();
  gateway.close();
});
