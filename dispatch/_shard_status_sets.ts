/**
 * The shard statuses as the dispatch service counts them for
 * twilight-dispatch's metrics (`gateway_shard_events`, `gateway_statuses`).
 * Kept out of `service.ts`, which may not grow.
 *
 * @module
 */
import type { ShardStatus } from "../gateway/shard_state.ts";

/**
 * The `gateway_shard_events` type of each status on the way to a session,
 * as twilight-dispatch counts its shards' stages. "Connected" is not one:
 * twilight-gateway's `ShardConnected` comes with READY or RESUMED.
 */
export const STAGE_EVENTS: Partial<Record<ShardStatus, string>> = {
  connecting: "Connecting",
  identifying: "Identifying",
  resuming: "Resuming",
};

/**
 * The statuses with a gateway connection open: leaving one for
 * `reconnecting` or `closed` ends it ("Disconnected", as twilight-gateway's
 * `ShardDisconnected` comes with every connection's end).
 */
export const CONNECTED_STATUSES: ReadonlySet<ShardStatus> = new Set([
  "waiting_for_hello",
  "identifying",
  "resuming",
  "ready",
]);

/**
 * Every shard status, for `gateway_statuses` (a record, so a status added to
 * the gateway fails type-checking here until it is listed).
 */
export const SHARD_STATUSES = Object.keys(
  {
    idle: true,
    connecting: true,
    waiting_for_hello: true,
    identifying: true,
    resuming: true,
    ready: true,
    reconnecting: true,
    closed: true,
  } satisfies Record<ShardStatus, true>,
) as ShardStatus[];
