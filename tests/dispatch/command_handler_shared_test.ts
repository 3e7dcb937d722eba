// Several dispatch processes sharing `gateway.send`, each a CommandHandler
// on one virtual clock, fed by a small in-memory queue that acts as
// RabbitMQ does: deliveries go round-robin to the consumers (each holding
// at most its prefetch unsettled, when one is given), a nack with requeue
// puts the message back at the head, a publish goes to the tail.
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
  REQUEUE_DELAY,
  SHARD_SEND_LIMIT,
} from "../../dispatch/command_handler.ts";
import { GatewayError } from "../../gateway/errors.ts";
import type { ShardStatus } from "../../gateway/shard_state.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import { withLogRecords } from "../_fakes/log_records.ts";
import { PacedShard } from "./_paced_shard.ts";

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
  /** Unsettled deliveries, by consumer. */
  readonly #unsettled = new Map<Process, number>();
  /** When each message was first published, by id. */
  readonly publishedAt = new Map<number, number>();
  /** Messages rejected, by id. */
  readonly rejected: number[] = [];
  /** Every delivery made. */
  deliveries = 0;
  /** Deliveries made, by message id. */
  readonly deliveriesOf = new Map<number, number>();
  /** How long each message run by its shard's process was in the queue. */
  readonly waits: number[] = [];
  /** When each message run by its shard's process was acked, by id. */
  readonly sentAt = new Map<number, number>();

  /**
   * @param clock For the waits.
   * @param prefetch The most unsettled deliveries a consumer holds.
   */
  constructor(
    readonly clock?: VirtualScheduler,
    readonly prefetch = Infinity,
  ) {}

  add(process: Process): void {
    this.#consumers.push(process);
  }

  publish(body: string, redelivered = false): number {
    const id = this.#nextId++;
    this.publishedAt.set(id, this.clock?.now() ?? 0);
    this.#queue.push({ id, body, properties: {}, redelivered });
    this.pump();
    return id;
  }

  /** Deliver what is queued, round-robin, up to each consumer's prefetch. */
  pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    while (this.#queue.length > 0) {
      const consumer = this.#nextConsumer();
      if (!consumer) break;
      const item = this.#queue.shift()!;
      this.deliveries++;
      this.deliveriesOf.set(item.id, (this.deliveriesOf.get(item.id) ?? 0) + 1);
      this.#unsettled.set(consumer, (this.#unsettled.get(consumer) ?? 0) + 1);
      void consumer.handler.handle(this.#delivery(item, consumer));
    }
    this.#pumping = false;
  }

  /** The next consumer in turn with a prefetch slot free, if any. */
  #nextConsumer(): Process | undefined {
    for (let i = 0; i < this.#consumers.length; i++) {
      const consumer = this.#consumers[this.#turn++ % this.#consumers.length]!;
      if ((this.#unsettled.get(consumer) ?? 0) < this.prefetch) return consumer;
    }
    return undefined;
  }

  #delivery(item: Queued, consumer: Process): CommandMessage {
    let settled = false;
    // A delivery acked after its copy was published was put back, not sent.
    let copied = false;
    const settle = (then: () => void) => {
      if (!settled) {
        settled = true;
        this.#unsettled.set(consumer, this.#unsettled.get(consumer)! - 1);
        then();
      }
      queueMicrotask(() => this.pump());
      return Promise.resolve();
    };
    const publish = (then: () => void) => {
      copied = true;
      then();
      queueMicrotask(() => this.pump());
      return Promise.resolve();
    };
    const channel: CommandChannel = {
      confirmSelect: () => Promise.resolve(),
      basicPublish: (_exchange, _key, data, properties = {}) =>
        publish(() =>
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
          if (consumer.runs(shard) && !copied) {
            consumer.sent.push({ shard, id: item.id });
            const since = this.publishedAt.get(item.id)!;
            this.waits.push((this.clock?.now() ?? 0) - since);
            this.sentAt.set(item.id, this.clock?.now() ?? 0);
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
  shards: number[] | Map<number, CommandShard>,
  paused: () => boolean = () => false,
): Process {
  const results: Record<string, number> = {};
  const own = Array.isArray(shards)
    ? new Map(shards.map((id) => [id, shard(paused)]))
    : shards;
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

/** A distinct op 31 command for `shard` (its `n`th). */
function soundboard(shard: number, n: number): string {
  const guild = String(41771983423143937n + BigInt(n));
  return JSON.stringify({
    op: 0,
    shard,
    data: { op: 31, d: { guild_ids: [guild] } },
  });
}

/** The frame a shard writes for a `gateway.send` command. */
function frameOf(body: string): string {
  return JSON.stringify(JSON.parse(body).data);
}

/** A presence for `shard` with `status`. */
function presence(shard: number, status: string): string {
  return JSON.stringify({
    op: 0,
    shard,
    data: { op: 3, d: { since: null, activities: [], status, afk: false } },
  });
}

/** One process with shard 0 (paced, in `status`) and shard 1 (instant). */
function twoShards(
  scheduler: VirtualScheduler,
  interval: number,
  status: ShardStatus,
): { zero: PacedShard; one: PacedShard; process: Process; queue: SharedQueue } {
  // RabbitMQ's consumer prefetch as the service sets it (basic.qos 100).
  const queue = new SharedQueue(scheduler, 100);
  const zero = new PacedShard(scheduler, interval, status);
  const one = new PacedShard(scheduler, 0);
  const p = process(
    scheduler,
    2,
    new Map([[0, zero.shard], [1, one.shard]]),
  );
  queue.add(p);
  return { zero, one, process: p, queue };
}

/** How long the message waited between its publish and its send. */
function waited(queue: SharedQueue, id: number): number | undefined {
  const at = queue.sentAt.get(id);
  return at === undefined ? undefined : at - queue.publishedAt.get(id)!;
}

Deno.test("CommandHandler, shared queue: a reconnecting shard's commands hold no prefetch slots (another shard's go at once), go round the tail of the queue, and are all sent once it is ready", async () => {
  const scheduler = new VirtualScheduler();
  const { zero, one, process: p, queue } = twoShards(
    scheduler,
    500,
    "reconnecting",
  );
  // More commands for the reconnecting shard than the prefetch: held in
  // its send queue, they took all 100 slots and shard 1 got nothing.
  const commands = Array.from({ length: 120 }, (_, i) => soundboard(0, i));
  for (const command of commands) queue.publish(command);
  const step = 100;
  const others: number[] = [];
  for (let ms = 0; ms < 30_000; ms += step) {
    if (ms % 1_000 === 0) others.push(queue.publish(presence(1, "idle")));
    await scheduler.advance(step);
  }
  for (const id of others) {
    const wait = waited(queue, id);
    assert.ok(
      wait !== undefined && wait <= REQUEUE_DELAY + step,
      `shard 1's command ${id} waited ${wait} ms`,
    );
  }
  assert.equal(one.written.length, others.length);
  assert.equal(zero.waiting, 0, "none waits in the reconnecting shard");
  zero.setStatus("ready");
  p.handler.shardReady(0);
  for (let s = 0; s < 120 && zero.written.length < 120; s++) {
    await scheduler.advance(1_000);
    assert.ok(zero.waiting <= SHARD_SEND_LIMIT, `${zero.waiting} waiting`);
  }
  await scheduler.advance(2 * REQUEUE_DELAY);
  // Every one once, in the order sent, none dropped.
  assert.deepEqual(zero.written, commands.map(frameOf));
  assert.deepEqual(queue.rejected, []);
  assert.equal(p.results.dropped, undefined);
  // Round once per REQUEUE_DELAY at most: no fast loop.
  for (const [id, count] of queue.deliveriesOf) {
    const age = scheduler.now() - queue.publishedAt.get(id)!;
    assert.ok(count <= age / REQUEUE_DELAY + 2, `${id}: ${count} deliveries`);
  }
});

Deno.test("CommandHandler, shared queue: a flood for one ready shard, slower than its send limit, holds at most SHARD_SEND_LIMIT slots; another shard's commands wait at most about REQUEUE_DELAY, and the flood is all sent, none dropped past MAX_REQUEUE_TIME", async () => {
  const scheduler = new VirtualScheduler();
  // 300 commands at one per 1.2 s: 6 minutes, past MAX_REQUEUE_TIME.
  const { zero, one, process: p, queue } = twoShards(scheduler, 1_200, "ready");
  const commands = Array.from({ length: 300 }, (_, i) => soundboard(0, i));
  for (const command of commands) queue.publish(command);
  const step = 100;
  const others: number[] = [];
  for (let ms = 0; zero.written.length < 300 && ms < 500_000; ms += step) {
    if (ms % 1_000 === 0) others.push(queue.publish(presence(1, "idle")));
    await scheduler.advance(step);
    assert.ok(zero.waiting <= SHARD_SEND_LIMIT, `${zero.waiting} waiting`);
  }
  assert.ok(scheduler.now() > MAX_REQUEUE_TIME);
  await scheduler.advance(2 * REQUEUE_DELAY);
  // Before, the first one waited for 200 of the flood to be written.
  const worst = Math.max(...others.map((id) => waited(queue, id) ?? Infinity));
  assert.ok(worst <= REQUEUE_DELAY + step, `shard 1 waited ${worst} ms`);
  assert.equal(one.written.length, others.length);
  assert.deepEqual(zero.written, commands.map(frameOf), "each once, in order");
  assert.deepEqual(queue.rejected, []);
  assert.equal(p.results.dropped, undefined);
});

Deno.test("CommandHandler, shared queue: a shard that never comes back has its commands rejected MAX_REQUEUE_TIME after it first could not take one, said once, none looping fast", async () => {
  await withLogRecords(async (records) => {
    const scheduler = new VirtualScheduler();
    const { queue, process: p } = twoShards(scheduler, 500, "reconnecting");
    for (let i = 0; i < 5; i++) queue.publish(soundboard(0, i));
    let rejectedAt: number | undefined;
    for (let t = 0; t < 30 * 60 && rejectedAt === undefined; t++) {
      await scheduler.advance(1_000);
      if (queue.rejected.length === 5) rejectedAt = scheduler.now();
    }
    assert.ok(rejectedAt !== undefined, "rejected, not held for ever");
    assert.ok(
      rejectedAt >= MAX_REQUEUE_TIME && rejectedAt <= MAX_REQUEUE_TIME + 2_000,
      `rejected at ${rejectedAt} ms`,
    );
    assert.equal(p.results.dropped, 5);
    for (const [id, count] of queue.deliveriesOf) {
      assert.ok(
        count <= rejectedAt / REQUEUE_DELAY + 2,
        `${id}: ${count} deliveries`,
      );
    }
    const said = records.filter((r) =>
      String(r.message.join("")).includes("has not taken commands")
    );
    assert.equal(said.length, 1);
  });
});

Deno.test("CommandHandler, shared queue: a presence sent once the shard is ready does not pass an older one still going round the queue", async () => {
  const scheduler = new VirtualScheduler();
  const { zero, process: p, queue } = twoShards(scheduler, 0, "reconnecting");
  queue.publish(presence(0, "idle"));
  await scheduler.advance(5_500);
  zero.setStatus("ready");
  p.handler.shardReady(0);
  queue.publish(presence(0, "online"));
  await scheduler.advance(3 * REQUEUE_DELAY);
  assert.deepEqual(
    zero.written.map((frame) => JSON.parse(frame).d.status),
    ["idle", "online"],
  );
});
