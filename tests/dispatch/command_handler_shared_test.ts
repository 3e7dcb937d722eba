// Several dispatch processes sharing `gateway.send`, each a CommandHandler
// on one virtual clock, fed by a small in-memory queue that acts as
// RabbitMQ does: deliveries go round-robin to the consumers, a nack with
// requeue puts the message back at the head, a publish goes to the tail.
// A command for another process's shard is bounced to the tail and bounded
// per message (its first bounce travels with it), not per body.
import assert from "node:assert/strict";
import type { AMQPProperties } from "@cloudamqp/amqp-client";
import {
  type CommandChannel,
  CommandHandler,
  type CommandMessage,
  type CommandShard,
  MAX_REQUEUE_TIME,
} from "../../dispatch/command_handler.ts";
import { GatewayError } from "../../gateway/errors.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";

/** A message in the queue: its body, properties and an id for the test. */
interface Queued {
  id: number;
  body: string;
  properties: AMQPProperties;
  redelivered: boolean;
}

/** A process: its handler, its shards and its counts. */
interface Process {
  handler: CommandHandler;
  results: Record<string, number>;
  /** Acked deliveries of its own shards' commands: sent. */
  sent: { shard: number; id: number }[];
  runs(id: number): boolean;
}

/** The queue, its consumers, and what became of each message. */
class SharedQueue {
  readonly #queue: Queued[] = [];
  readonly #consumers: Process[] = [];
  #turn = 0;
  #nextId = 0;
  #pumping = false;
  /** Messages rejected, by id. */
  readonly rejected: number[] = [];
  /** Every delivery made. */
  deliveries = 0;

  add(process: Process): void {
    this.#consumers.push(process);
  }

  publish(body: string, redelivered = false): number {
    const id = this.#nextId++;
    this.#queue.push({ id, body, properties: {}, redelivered });
    this.pump();
    return id;
  }

  /** Deliver what is queued, round-robin, without waiting for settles. */
  pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    while (this.#queue.length > 0) {
      const item = this.#queue.shift()!;
      const consumer = this.#consumers[this.#turn++ % this.#consumers.length]!;
      this.deliveries++;
      void consumer.handler.handle(this.#delivery(item, consumer));
    }
    this.#pumping = false;
  }

  #delivery(item: Queued, consumer: Process): CommandMessage {
    const settle = (then: () => void) => {
      then();
      queueMicrotask(() => this.pump());
      return Promise.resolve();
    };
    const channel: CommandChannel = {
      confirmSelect: () => Promise.resolve(),
      basicPublish: (_exchange, _key, data, properties = {}) =>
        settle(() =>
          this.#queue.push({
            id: item.id,
            body: String(data),
            properties,
            redelivered: false,
          })
        ).then(() => 1),
    };
    return {
      bodySize: item.body.length,
      bodyToString: () => item.body,
      redelivered: item.redelivered,
      properties: item.properties,
      channel,
      ack: () =>
        settle(() => {
          const shard = JSON.parse(item.body).shard;
          if (consumer.runs(shard)) {
            consumer.sent.push({ shard, id: item.id });
          }
        }),
      nack: (requeue = true) =>
        settle(() => {
          if (requeue) this.#queue.unshift({ ...item, redelivered: true });
          else this.rejected.push(item.id);
        }),
      reject: (requeue = false) =>
        settle(() => {
          if (requeue) this.#queue.unshift({ ...item, redelivered: true });
          else this.rejected.push(item.id);
        }),
    } as CommandMessage;
  }
}

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
  const results: Record<string, number> = {};
  const own = new Map(shards.map((id) => [id, shard(paused)]));
  const handler = new CommandHandler({
    queue: "gateway.send",
    shard: (id) => own.get(id),
    shardCount: () => total,
    paused: (id) => own.has(id) && paused(),
    closing: () => false,
    counter: {
      inc: (labels: { result: string }) => {
        results[labels.result] = (results[labels.result] ?? 0) + 1;
      },
    } as never,
    scheduler,
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
    // At most one bounce per process per second: no fast loop.
    assert.ok(
      queue.deliveries <= 13 * (rejectedAt / 1_000) + 13,
      `${queue.deliveries} deliveries`,
    );
    const said = records.filter((r) =>
      String(r.message.join("")).includes("no consumer ran it")
    );
    assert.equal(said.length, 1);
    assert.equal(scheduler.pending, 0);
  });
});
