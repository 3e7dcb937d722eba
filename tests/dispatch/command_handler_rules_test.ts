// CommandHandler rules no other test could fail for (found by mutation
// testing), on a virtual clock with a scripted shard and channel: held
// commands whose consumer ended are left to RabbitMQ; a shard's full backlog
// puts the command back; a shard closed while the service stops keeps its
// command for the next process; a restart is taken at once and resumably,
// connects the shard again, and lets the shard's later commands through; a
// bounce whose copy was refused frees its turn; a body over 64 KiB is
// refused unread; before the shard count is known, a command for a shard
// not run here waits.
import assert from "node:assert/strict";
import type { AMQPProperties } from "@cloudamqp/amqp-client";
import {
  type CommandChannel,
  CommandHandler,
  type CommandMessage,
  type CommandShard,
  MAX_SHARD_COMMANDS,
  REQUEUE_DELAY,
} from "../../dispatch/command_handler.ts";
import { countedHandler, countedResults } from "./_counted_handler.ts";
import { GatewayError } from "../../gateway/errors.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** A delivery channel that records its copies, or refuses them. */
class Channel implements CommandChannel {
  /** The copies' bodies, as published. */
  readonly published: unknown[] = [];
  /** Refuse every copy, as a queue at its max-length with reject-publish. */
  refuse = false;
  confirmSelect(): Promise<void> {
    return Promise.resolve();
  }
  basicPublish(
    _exchange: string,
    _key: string,
    data: unknown,
  ): Promise<number> {
    if (this.refuse) return Promise.reject(new Error("Message rejected"));
    this.published.push(data);
    return Promise.resolve(this.published.length);
  }
}

/** A persistent delivery on `channel` that records how it was settled. */
class Delivery implements CommandMessage {
  settled: "ack" | "requeue" | "reject" | undefined;
  readonly properties: AMQPProperties = { deliveryMode: 2 };
  readonly redelivered = false;
  readonly #text: string;
  constructor(body: unknown, readonly channel: Channel) {
    this.#text = JSON.stringify(body);
  }
  get bodySize(): number {
    return this.#text.length;
  }
  bodyToString(): string {
    return this.#text;
  }
  ack(): Promise<void> {
    this.settled = "ack";
    return Promise.resolve();
  }
  nack(requeue = true): Promise<void> {
    this.settled = requeue ? "requeue" : "reject";
    return Promise.resolve();
  }
  reject(requeue = true): Promise<void> {
    this.settled = requeue ? "requeue" : "reject";
    return Promise.resolve();
  }
}

/** A shard whose sends and closes the test scripts and records. */
class ScriptedShard {
  status = "ready";
  /** The payloads given to `send`, in order. */
  readonly sent: unknown[] = [];
  /** The options of each `close`. */
  readonly closes: unknown[] = [];
  /** Each `close` and `connect`, in order. */
  readonly steps: ("close" | "connect")[] = [];
  /** How each send ends (at once, by default). */
  sending: (payload: unknown) => Promise<void> = () => Promise.resolve();
  send(payload: unknown): Promise<void> {
    this.sent.push(payload);
    return this.sending(payload);
  }
  close(options: unknown): Promise<void> {
    this.closes.push(options);
    this.steps.push("close");
    return Promise.resolve();
  }
  connect(): Promise<void> {
    this.steps.push("connect");
    return Promise.resolve();
  }
}

/** The gateway payload of a soundboard request (not a presence). */
function soundsPayload(n = 0): unknown {
  const guild = String(41771983423143937n + BigInt(n));
  return { op: 31, d: { guild_ids: [guild] } };
}

/** A command for shard 0 sending {@linkcode soundsPayload}. */
function sounds(n = 0): unknown {
  return { shard: 0, op: 0, data: soundsPayload(n) };
}

/** A handler running `shard` as shard 0 of 1, and its counts. */
function setUp(
  scheduler: VirtualScheduler,
  shard: ScriptedShard,
  paused: () => boolean = () => false,
): { handler: CommandHandler; results: Record<string, number> } {
  return countedHandler({
    shard: () => shard as unknown as CommandShard,
    shardCount: 1,
    scheduler,
    paused,
  });
}

/** Keeps each send of `shard` running until `release` ends them all. */
function holdSends(shard: ScriptedShard): { release: () => void } {
  const running: (() => void)[] = [];
  shard.sending = () => new Promise<void>((done) => running.push(done));
  return { release: () => running.splice(0).forEach((done) => done()) };
}

Deno.test("CommandHandler: commands held behind MAX_SHARD_COMMANDS whose consumer ended are not sent when the running ones finish; RabbitMQ has them back", async () => {
  const scheduler = new VirtualScheduler();
  const shard = new ScriptedShard();
  const { release } = holdSends(shard);
  const { handler, results } = setUp(scheduler, shard);
  const channel = new Channel();
  const consumer = new AbortController();
  const deliveries = Array.from(
    { length: MAX_SHARD_COMMANDS + 2 },
    (_, n) => new Delivery(sounds(n), channel),
  );
  const handled = deliveries.map((delivery) =>
    handler.handle(delivery, consumer.signal)
  );
  await scheduler.flushMicrotasks();
  assert.equal(shard.sent.length, MAX_SHARD_COMMANDS, "two held at hand");
  // The consumer ends: RabbitMQ requeues every unsettled delivery.
  consumer.abort(new Error("The command consumer ended"));
  release();
  await scheduler.flushMicrotasks();
  assert.equal(shard.sent.length, MAX_SHARD_COMMANDS, "the held two not sent");
  const held = deliveries.slice(MAX_SHARD_COMMANDS);
  assert.deepEqual(held.map((d) => d.settled), [undefined, undefined]);
  await Promise.all(handled);
  assert.deepEqual(channel.published, [], "no copy races the redelivery");
  assert.deepEqual(results, { done: MAX_SHARD_COMMANDS, retried: 2 });
});

Deno.test("CommandHandler: a command the shard refuses as backlog_full is put back (a copy published, the original acked), not rejected", async () => {
  const scheduler = new VirtualScheduler();
  const shard = new ScriptedShard();
  shard.sending = () =>
    Promise.reject(
      new GatewayError("backlog_full", "1000 commands wait", { shardId: 0 }),
    );
  const { handler, results } = setUp(scheduler, shard);
  const channel = new Channel();
  const delivery = new Delivery(sounds(), channel);
  await handler.handle(delivery);
  await scheduler.flushMicrotasks();
  assert.equal(delivery.settled, "ack");
  assert.equal(channel.published.length, 1);
  assert.deepEqual(results, { retried: 1 });
});

Deno.test("CommandHandler: while the service stops, a command whose shard was closed under it goes back for the next process, not dropped", async () => {
  const scheduler = new VirtualScheduler();
  const shard = new ScriptedShard();
  // The service's stop closes the shard: its queued sends are refused.
  shard.sending = () => {
    shard.status = "closed";
    return Promise.reject(
      new GatewayError("shard_closed", "Shard 0 is closed", { shardId: 0 }),
    );
  };
  const { results, counter } = countedResults();
  const handler = new CommandHandler({
    queue: "gateway.send",
    shard: () => shard as unknown as CommandShard,
    shardCount: () => 1,
    paused: () => false,
    closing: () => true,
    counter,
    scheduler,
  });
  const channel = new Channel();
  const delivery = new Delivery(sounds(), channel);
  await handler.handle(delivery);
  await scheduler.advance(5_000);
  assert.equal(delivery.settled, "ack");
  assert.equal(channel.published.length, 1, "its copy is back in the queue");
  assert.deepEqual(results, { retried: 1 });
});

Deno.test("CommandHandler: a restart (op 1) while MAX_SHARD_COMMANDS sends run closes the shard at once, resumably", async () => {
  const scheduler = new VirtualScheduler();
  const shard = new ScriptedShard();
  const { release } = holdSends(shard);
  const { handler } = setUp(scheduler, shard);
  const channel = new Channel();
  const running = Array.from(
    { length: MAX_SHARD_COMMANDS },
    (_, n) => handler.handle(new Delivery(sounds(n), channel)),
  );
  await scheduler.flushMicrotasks();
  const restart = new Delivery({ shard: 0, op: 1 }, channel);
  const restarted = handler.handle(restart);
  await scheduler.flushMicrotasks();
  assert.deepEqual(shard.closes, [{ resumable: true }], "not held behind");
  release();
  await Promise.all([...running, restarted]);
  assert.deepEqual(shard.closes, [{ resumable: true }]);
  assert.equal(restart.settled, "ack");
});

Deno.test("CommandHandler: a restart closes the shard (resumably for op 1, not for op 2), then connects it again, and is acked", async () => {
  const scheduler = new VirtualScheduler();
  const shard = new ScriptedShard();
  const { handler, results } = setUp(scheduler, shard);
  const channel = new Channel();
  const restarts = [1, 2].map((op) => new Delivery({ shard: 0, op }, channel));
  for (const restart of restarts) await handler.handle(restart);
  assert.deepEqual(shard.steps, ["close", "connect", "close", "connect"]);
  assert.deepEqual(shard.closes, [{ resumable: true }, {}]);
  assert.deepEqual(restarts.map((d) => d.settled), ["ack", "ack"]);
  assert.deepEqual(results, { done: 2 });
});

Deno.test("CommandHandler: after a restart (op 1) the shard's next command is sent, not put back as restarting", async () => {
  const scheduler = new VirtualScheduler();
  const shard = new ScriptedShard();
  const { handler, results } = setUp(scheduler, shard);
  const channel = new Channel();
  const restart = new Delivery({ shard: 0, op: 1 }, channel);
  await handler.handle(restart);
  await scheduler.flushMicrotasks();
  assert.deepEqual(shard.closes, [{ resumable: true }]);
  assert.equal(handler.restarting(0), false);
  const next = new Delivery(sounds(), channel);
  await handler.handle(next);
  await scheduler.flushMicrotasks();
  assert.deepEqual(shard.sent, [soundsPayload()]);
  assert.deepEqual(channel.published, []);
  assert.deepEqual(results, { done: 2 });
});

Deno.test("CommandHandler: a command put back while its shard was paused, whose copy was refused, frees its turn: the next command is sent once the shard is ready", async () => {
  const scheduler = new VirtualScheduler();
  const shard = new ScriptedShard();
  let paused = true;
  const { handler, results } = setUp(scheduler, shard, () => paused);
  const channel = new Channel();
  channel.refuse = true;
  const first = new Delivery(sounds(1), channel);
  await handler.handle(first);
  await scheduler.flushMicrotasks();
  // Its copy refused, the original is left to RabbitMQ's redelivery.
  assert.equal(first.settled, undefined);
  assert.deepEqual(shard.sent, []);
  paused = false;
  channel.refuse = false;
  handler.shardReady(0);
  const next = new Delivery(sounds(2), channel);
  await handler.handle(next);
  await scheduler.flushMicrotasks();
  assert.deepEqual(
    shard.sent,
    [soundsPayload(2)],
    "not waiting behind the first",
  );
  assert.deepEqual(channel.published, []);
  assert.equal(next.settled, "ack");
  assert.deepEqual(results, { retried: 1, done: 1 });
});

Deno.test("CommandHandler: a command body of 64 KiB is run; one byte more is rejected as malformed, unsent", async () => {
  const scheduler = new VirtualScheduler();
  const shard = new ScriptedShard();
  const { handler, results } = setUp(scheduler, shard);
  const channel = new Channel();
  const command = { shard: 0, op: 0, data: soundsPayload() };
  /** A command of `bytes` bytes: `command` with a field the handler ignores. */
  const sized = (bytes: number): Delivery => {
    const base = JSON.stringify({ ...command, pad: "" }).length;
    return new Delivery(
      { ...command, pad: "x".repeat(bytes - base) },
      channel,
    );
  };
  const limit = sized(64 * 1024);
  assert.equal(limit.bodySize, 65_536);
  await handler.handle(limit);
  const over = sized(64 * 1024 + 1);
  await handler.handle(over);
  await scheduler.flushMicrotasks();
  assert.equal(limit.settled, "ack");
  assert.equal(over.settled, "reject");
  assert.deepEqual(shard.sent, [soundsPayload()]);
  assert.deepEqual(results, { done: 1, malformed: 1 });
});

Deno.test("CommandHandler: before the shard count is known (0), a command for a shard not run here is requeued after REQUEUE_DELAY, not refused", async () => {
  const scheduler = new VirtualScheduler();
  const { handler, results } = countedHandler({
    shard: () => undefined,
    shardCount: 0,
    scheduler,
  });
  const channel = new Channel();
  const delivery = new Delivery(
    { shard: 3, op: 0, data: soundsPayload() },
    channel,
  );
  await handler.handle(delivery);
  await scheduler.advance(REQUEUE_DELAY - 1);
  assert.equal(delivery.settled, undefined);
  await scheduler.advance(1);
  assert.equal(delivery.settled, "requeue");
  assert.deepEqual(channel.published, [], "no copy before the count is known");
  assert.deepEqual(results, { retried: 1 });
});
