// The MESSAGE_CREATE the held-events tests hold and deliver: shard 0 of a
// set of `shardCount`, whose session is named after its count.
import type { FleetDispatch } from "../../fleet/mod.ts";

/** Message `id` as shard 0 of a set of `shardCount` shards delivers it. */
export function messageEvent(id: string, shardCount = 2): FleetDispatch {
  return {
    shardId: 0,
    shardCount,
    sessionId: `s${shardCount}`,
    name: "MESSAGE_CREATE",
    sequence: 1,
    data: { id },
  };
}
