// CommandConsumer when its consumer ends cleanly (found by mutation
// testing): the library's `consumer.wait()` resolves, not rejects, when our
// own side closes the connection (as the publisher does on a lost one).
// RabbitMQ requeues the unacknowledged deliveries all the same, so what
// still waits for them must be given up, as on an error.
import assert from "node:assert/strict";
import type { AMQPClient } from "@cloudamqp/amqp-client";
import { CommandConsumer } from "../../dispatch/command_consumer.ts";
import { VirtualScheduler } from "../../testing/virtual_scheduler.ts";

/** A client whose one consumer the test delivers to and ends cleanly. */
class CleanlyEndedClient {
  closed = false;
  /** Delivers a message to the consumer. */
  deliver: ((message: unknown) => void) | undefined;
  /** Ends the consumer as the library does on a close of ours: resolved. */
  end: (() => void) | undefined;

  channel(): Promise<unknown> {
    return Promise.resolve({
      onerror: (_reason: string) => {},
      queueDeclare: () => Promise.resolve({}),
      basicQos: () => Promise.resolve(),
      close: () => Promise.resolve(),
      basicConsume: (
        _queue: string,
        _options: unknown,
        onMessage: (message: unknown) => void,
      ) => {
        this.deliver = onMessage;
        const ended = Promise.withResolvers<void>();
        this.end = ended.resolve;
        return Promise.resolve({ wait: () => ended.promise });
      },
    });
  }
}

Deno.test("CommandConsumer: each delivery's signal aborts when its consumer ends cleanly (our side closed the connection), as RabbitMQ requeues them", async () => {
  const scheduler = new VirtualScheduler();
  const signals: AbortSignal[] = [];
  const never = new Promise<void>(() => {});
  const commands = new CommandConsumer({
    queue: "gateway.send",
    prefetch: 100,
    onMessage: (_message, signal) => {
      signals.push(signal);
      return never;
    },
    scheduler,
  });
  const client = new CleanlyEndedClient();
  commands.attach(client as unknown as AMQPClient);
  await scheduler.flushMicrotasks();
  assert.equal(commands.consuming, true);
  for (let n = 0; n < 3; n++) client.deliver!({});
  assert.equal(signals.length, 3);
  assert.ok(signals.every((signal) => !signal.aborted));

  // The publisher closes the connection it lost: wait() resolves.
  client.closed = true;
  client.end!();
  await scheduler.flushMicrotasks();
  assert.deepEqual(signals.map((signal) => signal.aborted), [true, true, true]);
  assert.equal(
    (signals[0]!.reason as Error).message,
    "The command consumer ended",
  );
  assert.equal(commands.consuming, false);
});
