// CommandConsumer against a scripted AMQP client on a virtual clock: a
// consumer the broker ends is subscribed again, backing off; a subscription
// refused is retried; a lost connection is left to the publisher's reconnect.
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

  channel(): Promise<unknown> {
    const channel = {
      onerror: (_reason: string) => {},
      queueDeclare: () => Promise.resolve({}),
      basicQos: () => Promise.resolve(),
      close: () => {
        this.channelsClosed++;
        return Promise.resolve();
      },
      basicConsume: (
        _queue: string,
        _options: unknown,
        onMessage: (message: unknown) => void,
      ) => {
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

Deno.test("CommandConsumer: a refused subscription is retried, backing off, until it is taken", async () => {
  const scheduler = new VirtualScheduler();
  const { commands } = consumer(scheduler);
  const client = new ScriptedClient();
  client.refuse = new Error("ACCESS_REFUSED - queue in exclusive use");
  commands.attach(client as unknown as AMQPClient);
  await scheduler.flushMicrotasks();
  assert.equal(client.consumes, 1);
  assert.equal(commands.consuming, false);
  for (const wait of [250, 500, 1_000, 2_000]) {
    const before: number = client.consumes;
    await scheduler.advance(wait);
    assert.equal(client.consumes, before + 1, `retried after ${wait} ms`);
  }
  assert.equal(commands.consuming, false);
  client.refuse = undefined;
  await scheduler.advance(4_000);
  assert.equal(commands.consuming, true);
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
