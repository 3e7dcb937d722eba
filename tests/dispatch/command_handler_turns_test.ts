// One process, two shards, one consumer with RabbitMQ's prefetch (100), on
// a virtual clock: a flood of commands for shard 0, or shard 0
// reconnecting, no longer holds the consumer's slots, so shard 1's command
// runs at once; shard 0's commands go round the queue and all run, once
// each and in the order they came, when it can take them.
import assert from "node:assert/strict";
import {
  CommandHandler,
  type CommandShard,
  MAX_SHARD_COMMANDS,
  REQUEUE_DELAY,
} from "../../dispatch/command_handler.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { pacedProcess, PacedShard } from "./_paced_shard.ts";
import { command, type Process, SharedQueue, until } from "./_shared_queue.ts";

/** A process running shards 0 and 1 of 2, and its queue (prefetch 100). */
function setUp(scheduler: VirtualScheduler): {
  queue: SharedQueue;
  shards: [PacedShard, PacedShard];
  process: Process;
  ready: (id: number) => void;
} {
  const shards: [PacedShard, PacedShard] = [
    new PacedShard(scheduler, 500),
    new PacedShard(scheduler, 500),
  ];
  const process = pacedProcess(scheduler, shards);
  const queue = new SharedQueue(scheduler, 100);
  queue.add(process);
  return {
    queue,
    shards,
    process,
    ready: (id) => {
      process.handler.shardReady(id);
      shards[id]!.ready();
    },
  };
}

Deno.test("CommandHandler, one consumer: 250 commands for shard 0 hold at most MAX_SHARD_COMMANDS of it; shard 1's command runs at once; all 250 run once each, in order", async () => {
  const scheduler = new VirtualScheduler();
  const { queue, shards: [zero, one], process } = setUp(scheduler);
  for (let n = 0; n < 250; n++) queue.publish(command(0, n));
  queue.publish(command(1, 1_000));
  // Held in shard 0's send queue until written, the flood took all 100
  // slots: shard 1's command waited about 62 s behind it (2 a second).
  const took = await until(scheduler, () => one.written.length === 1, 60_000);
  assert.ok(
    took <= REQUEUE_DELAY + 100,
    `shard 1's command ran after ${took} ms`,
  );
  // Every command of shard 0 runs, once, in order, at the shard's pace.
  await until(scheduler, () => zero.written.length === 250, 250 * 500 + 5_000);
  await scheduler.advance(5_000);
  assert.deepEqual(zero.written, [...Array(250).keys()]);
  assert.ok(zero.most <= MAX_SHARD_COMMANDS, `${zero.most} waited in it`);
  assert.deepEqual(queue.rejected, []);
  assert.equal(process.results.done, 251);
  assert.equal(process.results.dropped, undefined);
  assert.ok(process.results.retried! > 0);
  // A later command for shard 1 still goes at once.
  queue.publish(command(1, 1_001));
  await until(scheduler, () => one.written.length === 2, REQUEUE_DELAY + 600);
});

Deno.test("CommandHandler, one consumer: shard 0 reconnecting holds none of its 100 commands in the shard; shard 1's command runs at once; all 100 run in order once shard 0 is ready", async () => {
  const scheduler = new VirtualScheduler();
  const { queue, shards: [zero, one], process, ready } = setUp(scheduler);
  zero.status = "reconnecting";
  for (let n = 0; n < 100; n++) queue.publish(command(0, n));
  queue.publish(command(1, 1_000));
  // Held while shard 0 reconnected, they took every slot: shard 1's command
  // never ran for as long as the outage lasted.
  const took = await until(scheduler, () => one.written.length === 1, 60_000);
  assert.ok(took <= REQUEUE_DELAY + 100, `shard 1's ran after ${took} ms`);
  // Shard 0 down for a minute: its commands go round, none in it.
  await scheduler.advance(60_000);
  assert.equal(zero.most, 0);
  assert.deepEqual(zero.written, []);
  assert.deepEqual(queue.rejected, []);
  // A command published while shard 0 is down runs after the older ones.
  queue.publish(command(0, 100));
  ready(0);
  await until(scheduler, () => zero.written.length === 101, 101 * 500 + 5_000);
  await scheduler.advance(5_000);
  assert.deepEqual(zero.written, [...Array(101).keys()]);
  assert.ok(zero.most <= MAX_SHARD_COMMANDS, `${zero.most} waited in it`);
  assert.equal(process.results.done, 102);
  assert.equal(process.results.dropped, undefined);
});

Deno.test("CommandHandler, two consumers of shard 0 (the old process still stopping): copies the old one took hold none of the new one's later commands back", async () => {
  const scheduler = new VirtualScheduler();
  const { queue, shards: [zero], process } = setUp(scheduler);
  // The old process runs shard 0 too, for a moment, and sends at once.
  const old: Process = {
    handler: new CommandHandler({
      queue: "gateway.send",
      shard: (id) =>
        id === 0
          ? {
            status: "ready",
            send: () => Promise.resolve(),
            close: () => Promise.resolve(),
            connect: () => Promise.resolve(),
          } as unknown as CommandShard
          : undefined,
      shardCount: () => 2,
      paused: () => false,
      closing: () => true,
      counter: { inc: () => {} } as never,
      scheduler,
    }),
    results: {},
    sent: [],
    runs: (id) => id === 0,
  };
  queue.add(old);
  for (let n = 0; n < 60; n++) queue.publish(command(0, n));
  await scheduler.advance(2_000);
  queue.remove(old);
  assert.ok(old.sent.length > 0, "the old process took some");
  const before = zero.written.length;
  for (let n = 100; n < 130; n++) queue.publish(command(0, n));
  // Waiting for copies the old process took, they waited 5 minutes.
  await until(
    scheduler,
    () => zero.written.filter((n) => n >= 100).length === 30,
    60_000,
  );
  const later = zero.written.slice(before).filter((n) => n >= 100);
  assert.deepEqual(later, [...Array(30).keys()].map((i) => 100 + i));
  assert.equal(process.results.dropped, undefined);
});
