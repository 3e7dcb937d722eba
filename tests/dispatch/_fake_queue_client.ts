// A connected AMQP client for DefaultQueueWatch whose passive declare of
// the queue answers the counts it was given (read at each check, so a test
// may change them between checks).
import type { AMQPClient } from "@cloudamqp/amqp-client";
import type { QueueCounts } from "../../dispatch/default_queue_watch.ts";

/** A connected client whose passive declare answers `counts`. */
export interface FakeClient {
  client: AMQPClient;
  /** Channels opened (one a check). */
  channels: number;
  /** While set, channel() waits for it: a check held in flight. */
  hold?: Promise<void> | undefined;
}

/** Checks in flight across every fake client, and the most at once. */
export const flight = { now: 0, most: 0 };

export function fakeClient(counts: QueueCounts): FakeClient {
  const fake: FakeClient = {
    client: undefined as unknown as AMQPClient,
    channels: 0,
  };
  const channel = {
    onerror: undefined as unknown,
    queueDeclare: (name: string) =>
      Promise.resolve({
        name,
        messageCount: counts.messages,
        consumerCount: counts.consumers,
      }),
    close: () => {
      flight.now--;
      return Promise.resolve();
    },
  };
  fake.client = {
    closed: false,
    channel: async () => {
      fake.channels++;
      flight.most = Math.max(flight.most, ++flight.now);
      await fake.hold;
      return channel;
    },
  } as unknown as AMQPClient;
  return fake;
}
