// A MESSAGE_CREATE of shard 0 for the publisher tests, as the service hands
// one to ConfirmedPublisher.push.
import type { PendingEvent } from "../../dispatch/publisher.ts";

/** Event `sequence` of session "s" on shard 0, with a small body. */
export function pendingEvent(sequence: number): PendingEvent {
  return {
    shardId: 0,
    sessionId: "s",
    sequence,
    routingKey: "MESSAGE_CREATE",
    body: `{"op":0,"t":"MESSAGE_CREATE","s":${sequence},"d":{},"shard":0}`,
    queuedAt: performance.now(),
  };
}
