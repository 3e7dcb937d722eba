// An in-memory gateway.send for CommandHandler tests: deliveries go
// round-robin to the consumers (each holding at most its prefetch
// unsettled, when one is given), a nack with requeue puts the message back
// at the head, a publish goes to the tail, as RabbitMQ does.
import type { AMQPProperties } from "@cloudamqp/amqp-client";
import type {
  CommandChannel,
  CommandHandler,
  CommandMessage,
} from "../../dispatch/command_handler.ts";
import assert from "node:assert/strict";
import type { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** A message in the queue: its body, properties and an id for the test. */
export interface Queued {
  id: number;
  body: string;
  properties: AMQPProperties;
  redelivered: boolean;
}

/** A process: its handler, its shards and its counts. */
export interface Process {
  handler: CommandHandler;
  results: Record<string, number>;
  /** Acked deliveries of its own shards' commands: sent. */
  sent: { shard: number; id: number }[];
  runs(id: number): boolean;
}

/** The queue, its consumers, and what became of each message. */
export class SharedQueue {
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

  /** Copies published again (basicPublish), by any consumer. */
  republished = 0;
  /** When the broker is done with the publishes given so far. */
  #publishedUntil = 0;

  /**
   * @param clock For the waits.
   * @param prefetch The most unsettled deliveries a consumer holds.
   * @param publishRate The publishes the broker queues and confirms a
   * second, one after the other (needs `clock`); at once by default.
   */
  constructor(
    readonly clock?: VirtualScheduler,
    readonly prefetch = Infinity,
    readonly publishRate = Infinity,
  ) {}

  /** The deliveries `process` holds unsettled. */
  unsettledOf(process: Process): number {
    return this.#unsettled.get(process) ?? 0;
  }

  add(process: Process): void {
    this.#consumers.push(process);
  }

  /** A consumer stops: it is given nothing more (what it holds it settles). */
  remove(process: Process): void {
    const at = this.#consumers.indexOf(process);
    if (at >= 0) this.#consumers.splice(at, 1);
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
    // Acked after a copy was published: put back, not sent.
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
      this.republished++;
      const clock = this.clock;
      if (!clock || this.publishRate === Infinity) {
        then();
        queueMicrotask(() => this.pump());
        return Promise.resolve();
      }
      // Queued and confirmed in turn, at the broker's rate.
      const at = Math.max(clock.now(), this.#publishedUntil) +
        1_000 / this.publishRate;
      this.#publishedUntil = at;
      return new Promise<void>((resolve) => {
        clock.setTimeout(() => {
          then();
          resolve();
          queueMicrotask(() => this.pump());
        }, at - clock.now());
      });
    };
    const channel: CommandChannel = {
      confirmSelect: () => Promise.resolve(),
      basicPublish: (_exchange, _key, data, properties = {}) =>
        publish(() => {
          copied = true;
          this.#queue.push({
            id: item.id,
            body: String(data),
            properties,
            redelivered: false,
          });
        }).then(() => 1),
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
          if (!copied && consumer.runs(shard)) {
            consumer.sent.push({ shard, id: item.id });
            const since = this.publishedAt.get(item.id)!;
            this.waits.push((this.clock?.now() ?? 0) - since);
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

/** Command number `n` for a shard (its number as the guild id). */
export function command(shard: number, n: number): string {
  return JSON.stringify({
    op: 0,
    shard,
    data: { op: 31, d: { guild_ids: [String(n)] } },
  });
}

/** Advance until `done` holds, one step at a time; the time it took. */
export async function until(
  scheduler: VirtualScheduler,
  done: () => boolean,
  limit: number,
  step = 100,
): Promise<number> {
  const start = scheduler.now();
  while (!done()) {
    assert.ok(scheduler.now() - start < limit, `not within ${limit} ms`);
    await scheduler.advance(step);
  }
  return scheduler.now() - start;
}
