// CommandConsumer against a scripted AMQP client on a virtual clock: a
// consumer the broker ends is subscribed again, backing off; a subscription
// refused is retried (backing off to 30 s, started over by a consumer that
// lived a minute or a new connection); a lost connection is left to the
// publisher's reconnect; the queue is declared, the prefetch set as qos and
// acks left to the handler.
import assert from "node:assert/strict";
import type { AMQPClient } from "@cloudamqp/amqp-client";
import { CommandConsumer } from "../../dispatch/command_consumer.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** A client whose consumers the test ends, and whose consumes it refuses. */
class ScriptedClient {
  closed = false;
  /** `basic.consume` calls, refused or not. */
  consumes = 0;
  /** The error the next consumes are refused with, if any. */
  refuse: Error | undefined;
  /** Ends the latest consumer: with an error as the broker does. */
  end: ((error: Error) => void) | undefined;
  /** Delivers a message to the latest consumer. */
  deliver: ((message: unknown) => void) | undefined;
  channelsClosed = 0;
  /** The set-up calls, in order: declares, qos and consumes. */
  readonly calls: unknown[][] = [];

  channel(): Promise<unknown> {
    const channel = {
      onerror: (_reason: string) => {},
      queueDeclare: (queue: string) => {
        this.calls.push(["queueDeclare", queue]);
        return Promise.resolve({});
      },
      basicQos: (prefetch: number) => {
        this.calls.push(["basicQos", prefetch]);
        return Promise.resolve();
      },
      close: () => {
        this.channelsClosed++;
        return Promise.resolve();
      },
      basicConsume: (
        queue: string,
        options: unknown,
        onMessage: (message: unknown) => void,
      ) => {
        this.calls.push(["basicConsume", queue, options]);
        this.consumes++;
        this.deliver = onMessage;
        if (this.refuse) return Promise.reject(this.refuse);
        const ended = Promise.withResolvers<void>();
        this.end = ended.reject;
        return Promise.resolve({ wait: () => ended.promise });
      },
    };
    return Promise.resolve(channel);
  }
}

function consumer(scheduler: VirtualScheduler): {
  commands: CommandConsumer;
  states: boolean[];
} {
  const states: boolean[] = [];
  const commands = new CommandConsumer({
    queue: "gateway.send",
    prefetch: 100,
    onMessage: () => Promise.resolve(),
    onConsuming: (up) => states.push(up),
    scheduler,
  });
  return { commands, states };
}

Deno.test("CommandConsumer: a consumer the broker cancels, or whose channel it closes, is subscribed again with backoff", async () => {
  const scheduler = new VirtualScheduler();
  const { commands, states } = consumer(scheduler);
  const client = new ScriptedClient();
  commands.attach(client as unknown as AMQPClient);
  await scheduler.flushMicrotasks();
  assert.equal(client.consumes, 1);
  assert.equal(commands.consuming, true);

  // The queue was deleted: the broker cancels the consumer.
  client.end!(new Error("Consumer cancelled by the server"));
  await scheduler.flushMicrotasks();
  assert.equal(commands.consuming, false);
  await scheduler.advance(249);
  assert.equal(client.consumes, 1);
  await scheduler.advance(1);
  assert.equal(client.consumes, 2);
  assert.equal(commands.consuming, true);

  // A channel error (a consumer acknowledgement timeout) closes its channel;
  // the wait doubles, as the last consumer did not last.
  client.end!(new Error("Channel 3 closed: PRECONDITION_FAILED"));
  await scheduler.advance(499);
  assert.equal(client.consumes, 2);
  await scheduler.advance(1);
  assert.equal(client.consumes, 3);
  assert.equal(commands.consuming, true);
  assert.deepEqual(states, [true, false, true, false, true]);
});

Deno.test("CommandConsumer: a refused subscription is retried, backing off to at most 30 s, until it is taken; a consumer that lived a minute, or a new connection, starts the backoff over", async () => {
  const scheduler = new VirtualScheduler();
  const { commands } = consumer(scheduler);
  const client = new ScriptedClient();
  client.refuse = new Error("ACCESS_REFUSED - queue in exclusive use");
  commands.attach(client as unknown as AMQPClient);
  await scheduler.flushMicrotasks();
  assert.equal(client.consumes, 1);
  assert.equal(commands.consuming, false);
  const waits = [250, 500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000];
  for (const wait of waits) {
    const before: number = client.consumes;
    await scheduler.advance(wait - 1);
    assert.equal(client.consumes, before, `not before ${wait} ms`);
    await scheduler.advance(1);
    assert.equal(client.consumes, before + 1, `retried after ${wait} ms`);
  }
  assert.equal(commands.consuming, false);
  client.refuse = undefined;
  await scheduler.advance(30_000);
  assert.equal(commands.consuming, true);
  // A consumer that lived a minute starts the backoff over when it ends.
  await scheduler.advance(60_000);
  client.end!(new Error("Consumer cancelled by the server"));
  await scheduler.advance(250);
  assert.equal(commands.consuming, true, "subscribed again 250 ms on");
  // A new connection starts it over too.
  client.refuse = new Error("ACCESS_REFUSED - queue in exclusive use");
  client.end!(new Error("Consumer cancelled by the server"));
  await scheduler.advance(500);
  const next = new ScriptedClient();
  next.refuse = client.refuse;
  commands.attach(next as unknown as AMQPClient);
  await scheduler.flushMicrotasks();
  await scheduler.advance(250);
  assert.equal(
    next.consumes,
    2,
    "retried 250 ms after the new connection's refusal",
  );
  commands.close();
});

Deno.test("CommandConsumer: a lost connection is not retried on; the next one is consumed at once; close() stops it", async () => {
  const scheduler = new VirtualScheduler();
  const { commands } = consumer(scheduler);
  const first = new ScriptedClient();
  commands.attach(first as unknown as AMQPClient);
  await scheduler.flushMicrotasks();
  first.closed = true;
  first.end!(new Error("Connection lost"));
  await scheduler.advance(60_000);
  assert.equal(first.consumes, 1);
  assert.equal(commands.consuming, false);

  const second = new ScriptedClient();
  commands.attach(second as unknown as AMQPClient);
  await scheduler.flushMicrotasks();
  assert.equal(second.consumes, 1);
  assert.equal(commands.consuming, true);

  commands.close();
  assert.equal(commands.consuming, false);
  second.end!(new Error("Consumer cancelled by the server"));
  await scheduler.advance(60_000);
  assert.equal(second.consumes, 1);
});

Deno.test("CommandConsumer: each delivery's signal aborts when its consumer ends, so a command still waiting is given up", async () => {
  const scheduler = new VirtualScheduler();
  const signals: AbortSignal[] = [];
  const commands = new CommandConsumer({
    queue: "gateway.send",
    prefetch: 100,
    onMessage: (_message, signal) => {
      signals.push(signal);
      return Promise.resolve();
    },
    scheduler,
  });
  const client = new ScriptedClient();
  commands.attach(client as unknown as AMQPClient);
  await scheduler.flushMicrotasks();
  client.deliver!({});
  client.deliver!({});
  assert.equal(signals.length, 2);
  assert.ok(signals.every((signal) => signal instanceof AbortSignal));
  assert.ok(signals.every((signal) => !signal.aborted));

  // The connection is lost: RabbitMQ requeues both.
  client.end!(new Error("Connection lost"));
  await scheduler.flushMicrotasks();
  assert.ok(signals.every((signal) => signal.aborted));

  // The next consumer's deliveries have a signal of their own.
  await scheduler.advance(250);
  client.deliver!({});
  assert.equal(signals[2]!.aborted, false);
  commands.close();
  assert.equal(signals[2]!.aborted, true);
});

Deno.test("CommandConsumer: subscribes to its queue, declared first, with the prefetch as the channel's qos and acks left to the handler", async () => {
  const scheduler = new VirtualScheduler();
  const { commands } = consumer(scheduler);
  const client = new ScriptedClient();
  commands.attach(client as unknown as AMQPClient);
  await scheduler.flushMicrotasks();
  assert.deepEqual(client.calls, [
    ["queueDeclare", "gateway.send"],
    ["basicQos", 100],
    ["basicConsume", "gateway.send", { noAck: false }],
  ]);
  commands.close();
});
