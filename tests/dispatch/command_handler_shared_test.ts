// Several dispatch processes sharing `gateway.send`, each a CommandHandler
// on one virtual clock, fed by a small in-memory queue that acts as
// RabbitMQ does: deliveries go round-robin to the consumers (each holding
// at most its prefetch unsettled, when one is given), a nack with requeue
// puts the message back at the head, a publish goes to the tail.
// A command for another process's shard is bounced to the tail and bounded
// per message (its first bounce travels with it), not per body.
import assert from "node:assert/strict";
import {
  type CommandShard,
  MAX_REQUEUE_TIME,
  REQUEUE_DELAY,
} from "../../dispatch/command_handler.ts";
import { countedHandler } from "./_counted_handler.ts";
import { GatewayError } from "../../gateway/errors.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { type Process, SharedQueue } from "./_shared_queue.ts";

/** A shard that takes every command, or refuses them while paused. */
function shard(paused: () => boolean): CommandShard {
  return {
    status: "ready",
    send: () =>
      paused()
        ? Promise.reject(
          new GatewayError("shard_closed", "paused", { shardId: 0 }),
        )
        : Promise.resolve(),
    close: () => Promise.resolve(),
    connect: () => Promise.resolve(),
  } as unknown as CommandShard;
}

function process(
  scheduler: VirtualScheduler,
  total: number,
  shards: number[],
  paused: () => boolean = () => false,
): Process {
  const own = new Map(shards.map((id) => [id, shard(paused)]));
  const { handler, results } = countedHandler({
    shard: (id) => own.get(id),
    shardCount: total,
    scheduler,
    paused: (id) => own.has(id) && paused(),
  });
  return { handler, results, sent: [], runs: (id) => own.has(id) };
}

const PRESENCE = {
  op: 0,
  shard: 1,
  data: {
    op: 3,
    d: { since: null, activities: [], status: "idle", afk: false },
  },
};

Deno.test("CommandHandler, shared queue: a command for a shard paused in another process waits out that process's MAX_REQUEUE_TIME, not a count of redeliveries elsewhere", async () => {
  const scheduler = new VirtualScheduler();
  const queue = new SharedQueue();
  let paused = true;
  const b = process(scheduler, 2, [1], () => paused);
  const a = process(scheduler, 2, [0]);
  queue.add(b);
  queue.add(a);
  queue.publish(JSON.stringify(PRESENCE));
  // Paused for a full minute: B requeues it, A bounces it back meanwhile.
  for (let t = 0; t < 60; t++) await scheduler.advance(1_000);
  assert.deepEqual(queue.rejected, [], "not dropped while B keeps it");
  paused = false;
  for (let t = 0; t < 5; t++) await scheduler.advance(1_000);
  assert.deepEqual(b.sent, [{ shard: 1, id: 0 }]);
  assert.equal(a.results.dropped, undefined);
  assert.ok(a.results.elsewhere! > 0);
});

Deno.test("CommandHandler, shared queue: separate commands with the same body each reach the live process that runs their shard", async () => {
  const scheduler = new VirtualScheduler();
  const queue = new SharedQueue();
  const a = process(scheduler, 2, [0]);
  const b = process(scheduler, 2, [1]);
  queue.add(a);
  queue.add(b);
  for (let i = 0; i < 20; i++) queue.publish(JSON.stringify(PRESENCE));
  for (let t = 0; t < 30; t++) await scheduler.advance(1_000);
  assert.deepEqual(queue.rejected, []);
  assert.equal(b.sent.length, 20, "all 20 sent by the process with shard 1");
  assert.deepEqual(b.sent.map((s) => s.id).sort((x, y) => x - y), [
    ...Array(20).keys(),
  ]);
});

Deno.test("CommandHandler, shared queue: separate commands with the same body, each put back once by the process of their shard, are bounced each on its own count", async () => {
  const scheduler = new VirtualScheduler();
  const queue = new SharedQueue();
  const a = process(scheduler, 2, [0]);
  queue.add(a);
  // Six commands B requeued while its shard 1 restarted, each come to A.
  for (let i = 0; i < 6; i++) queue.publish(JSON.stringify(PRESENCE), true);
  await scheduler.advance(2_000);
  assert.deepEqual(queue.rejected, []);
  assert.equal(a.results.dropped, undefined);
  assert.ok(a.results.elsewhere! >= 6);
});

Deno.test("CommandHandler, shared queue: with 13 processes and none running the shard, the command is rejected MAX_REQUEUE_TIME after its first bounce, said once, and never loops fast", async () => {
  await withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler();
    const queue = new SharedQueue();
    const processes = Array.from(
      { length: 13 },
      (_, i) => process(scheduler, 14, [i]),
    );
    for (const p of processes) queue.add(p);
    queue.publish(JSON.stringify({ op: 1, shard: 13 }));
    let rejectedAt: number | undefined;
    for (let t = 0; t < 30 * 60 && rejectedAt === undefined; t++) {
      await scheduler.advance(1_000);
      if (queue.rejected.length > 0) rejectedAt = scheduler.now();
    }
    assert.ok(rejectedAt !== undefined, "rejected, not looping for ever");
    assert.ok(
      rejectedAt >= MAX_REQUEUE_TIME && rejectedAt <= MAX_REQUEUE_TIME + 2_000,
      `rejected at ${rejectedAt} ms`,
    );
    // One bounce per REQUEUE_DELAY at most, whichever process: no fast loop.
    assert.ok(
      queue.deliveries <= rejectedAt / REQUEUE_DELAY + 2,
      `${queue.deliveries} deliveries`,
    );
    const said = records.filter((r) =>
      String(r.message.join("")).includes("no consumer ran it")
    );
    assert.equal(said.length, 1);
    assert.equal(scheduler.pending, 0);
  });
});

Deno.test("CommandHandler, shared queue: with a process down, the live one's own commands are not held up behind the copies it bounces (prefetch 100), and no copy loops more than once per REQUEUE_DELAY", async () => {
  const scheduler = new VirtualScheduler();
  // RabbitMQ's consumer prefetch as the service sets it (basic.qos 100).
  const queue = new SharedQueue(scheduler, 100);
  // A runs shard 0; B, with shard 1, is down (a crash, a slow restart).
  const a = process(scheduler, 2, [0]);
  queue.add(a);
  const own = JSON.stringify({ ...PRESENCE, shard: 0 });
  const theirs = JSON.stringify(PRESENCE);
  const step = 100;
  // For 90 s: 20 commands a second for shard 1, one for A's shard 0. Copies
  // held a full REQUEUE_DELAY each filled the 100 slots: A's own commands
  // waited behind some 2,000 copies (10 s and more by the end).
  const end = 90_000;
  for (let ms = 0; ms < end; ms += step) {
    if (ms % 1_000 === 0) queue.publish(own);
    queue.publish(theirs);
    queue.publish(theirs);
    await scheduler.advance(step);
  }
  const worst = Math.max(...queue.waits);
  assert.ok(
    worst <= REQUEUE_DELAY + step,
    `an own command waited ${worst} ms (waits ${queue.waits.join(", ")})`,
  );
  await scheduler.advance(REQUEUE_DELAY + step);
  assert.equal(a.sent.length, end / 1_000, "every own command sent");
  // Every copy still bounced, none faster than once per REQUEUE_DELAY.
  assert.deepEqual(queue.rejected, []);
  for (const [id, count] of queue.deliveriesOf) {
    const age = scheduler.now() - queue.publishedAt.get(id)!;
    assert.ok(
      count <= age / REQUEUE_DELAY + 2,
      `message ${id}: ${count} deliveries in ${age} ms`,
    );
  }
});
