// One process, one consumer with RabbitMQ's prefetch (100), on a virtual
// clock: a busy shard keeps its next commands at hand, unsettled and in
// order, up to its budget (the prefetch less a reserve, shared by the busy
// shards), so it writes at its own pace (2 a second) while the rest of a
// flood goes round the queue, and another shard's command always finds a
// slot; commands held when their shard disconnects go round in their turn.
import assert from "node:assert/strict";
import { MAX_SHARD_COMMANDS } from "../../dispatch/command_handler.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { pacedProcess, PacedShard } from "./_paced_shard.ts";
import { command, type Process, SharedQueue, until } from "./_shared_queue.ts";

/** The pace of a Shard's send queue: 120 frames a minute. */
const PACE = 500;

/** A process running `count` shards of as many, and its queue. */
function setUp(
  scheduler: VirtualScheduler,
  count: number,
  publishRate = Infinity,
): { queue: SharedQueue; shards: PacedShard[]; process: Process } {
  const shards = Array.from(
    { length: count },
    () => new PacedShard(scheduler, PACE),
  );
  const process = pacedProcess(scheduler, shards);
  const queue = new SharedQueue(scheduler, 100, publishRate);
  queue.add(process);
  return { queue, shards, process };
}

Deno.test("CommandHandler, budget: 80 commands for one busy shard are held at hand, none put back; written at the shard's pace, in order", async () => {
  const scheduler = new VirtualScheduler();
  const { queue, shards: [zero], process } = setUp(scheduler, 2);
  for (let n = 0; n < 80; n++) queue.publish(command(0, n));
  // Only MAX_SHARD_COMMANDS were held: the other 70 went round the queue,
  // each about once a second, for the 40 s the shard took to write them.
  const took = await until(
    scheduler,
    () => zero!.written.length === 80,
    80 * PACE + 5_000,
  );
  assert.ok(took <= 80 * PACE + 100, `written in ${took} ms`);
  assert.deepEqual(zero!.written, [...Array(80).keys()]);
  assert.equal(queue.republished, 0, "none put back");
  assert.equal(process.results.retried, undefined);
  assert.equal(process.results.done, 80);
  assert.ok(zero!.most <= MAX_SHARD_COMMANDS, `${zero!.most} waited in it`);
});

Deno.test("CommandHandler, budget: a flood of 2,000 for one shard, on a broker that publishes 250 copies a second (a round of the queue: 8 s), is written at the shard's own pace, in order", async () => {
  const scheduler = new VirtualScheduler();
  const { queue, shards: [zero, one], process } = setUp(scheduler, 2, 250);
  for (let n = 0; n < 2_000; n++) queue.publish(command(0, n));
  // With 10 held, the shard wrote them in 5 s and then idled for the rest
  // of each 8 s round: 10 commands a round, 1.25 a second.
  for (let second = 10; second <= 60; second += 10) {
    await scheduler.advance(10_000);
    assert.ok(
      zero!.written.length >= second * (1_000 / PACE) - 2,
      `${zero!.written.length} written in ${second} s`,
    );
  }
  assert.deepEqual(zero!.written, [...Array(zero!.written.length).keys()]);
  assert.ok(zero!.most <= MAX_SHARD_COMMANDS, `${zero!.most} waited in it`);
  // Another shard's command behind the flood: one round of it.
  queue.publish(command(1, 9_999));
  await until(scheduler, () => one!.written.length === 1, 10_000);
  assert.deepEqual(queue.rejected, []);
  assert.equal(process.results.dropped, undefined);
});

Deno.test("CommandHandler, budget: 16 flooded shards share the slots less the reserve; a 17th shard's command published after 2,400 of theirs is written within about a second; each writes at its own pace", async () => {
  const scheduler = new VirtualScheduler();
  const { queue, shards, process } = setUp(scheduler, 17);
  for (let n = 0; n < 150; n++) {
    for (let shard = 0; shard < 16; shard++) queue.publish(command(shard, n));
  }
  await scheduler.advance(10_000);
  // Each kept its send queue busy: 2 a second, in order.
  for (const shard of shards.slice(0, 16)) {
    assert.ok(shard.written.length >= 19, `${shard.written.length} written`);
    assert.deepEqual(shard.written, [...Array(shard.written.length).keys()]);
  }
  // With 10 given to each of 10 shards, the 100 slots were all theirs:
  // the 17th shard's command was not written in 120 s.
  queue.publish(command(16, 0));
  const took = await until(
    scheduler,
    () => shards[16]!.written.length === 1,
    10_000,
  );
  assert.ok(took <= 2_500, `the 17th shard's command written after ${took} ms`);
  assert.deepEqual(queue.rejected, []);
  assert.equal(process.results.dropped, undefined);
});

Deno.test("CommandHandler, budget: commands held when their shard disconnects go round and are written in their turn, before those that came later", async () => {
  const scheduler = new VirtualScheduler();
  const { queue, shards: [zero], process } = setUp(scheduler, 2);
  for (let n = 0; n < 60; n++) queue.publish(command(0, n));
  await scheduler.advance(2_100);
  const before = zero!.written.length;
  assert.ok(before > 0 && before < 10, `${before} written`);
  // The connection ends: those waiting in the shard are rejected
  // (shard_closed), the held ones cannot be given to it.
  zero!.drop();
  await scheduler.advance(0);
  for (let n = 60; n < 70; n++) queue.publish(command(0, n));
  await scheduler.advance(5_000);
  assert.equal(zero!.written.length, before);
  zero!.ready();
  // Put back after the 50 held, those rejected by the shard ran after them.
  await until(scheduler, () => zero!.written.length === 70, 70 * PACE + 10_000);
  await scheduler.advance(5_000);
  assert.deepEqual(zero!.written, [...Array(70).keys()]);
  assert.deepEqual(queue.rejected, []);
  assert.equal(process.results.done, 70);
  assert.equal(process.results.dropped, undefined);
});

Deno.test("CommandHandler, budget: a shard that keeps its queue through an outage gives its held commands back at once; the others keep their slots; all are written in order once it is back", async () => {
  const scheduler = new VirtualScheduler();
  const { queue, shards: [zero, one], process } = setUp(scheduler, 2);
  for (let n = 0; n < 60; n++) queue.publish(command(0, n));
  await scheduler.advance(2_100);
  assert.ok(queue.unsettledOf(process) > MAX_SHARD_COMMANDS);
  // A Shard keeps what waits in it while it reconnects: those given to it
  // never settle before it is back, and the service says it is not ready.
  zero!.drop(true);
  process.handler.shardNotReady(0);
  // The held ones go round the queue (each waiting out its second, as a
  // command of a shard not ready does), none waits on the shard's own.
  await scheduler.advance(3_100);
  const wentRound = [...queue.deliveriesOf.values()].filter((n) => n > 1);
  assert.ok(wentRound.length >= 40, `${wentRound.length} went round`);
  // Another shard's commands find their slots and go at its own pace.
  for (let n = 0; n < 20; n++) queue.publish(command(1, n));
  await until(scheduler, () => one!.written.length === 20, 20 * PACE + 5_000);
  zero!.ready();
  process.handler.shardReady(0);
  await until(scheduler, () => zero!.written.length === 60, 60 * PACE + 20_000);
  assert.deepEqual(zero!.written, [...Array(60).keys()]);
});
