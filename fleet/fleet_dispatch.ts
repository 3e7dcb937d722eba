/**
 * What every process of a fleet shares about its shards: the options each
 * shard gets and the shape of a delivered event. A leaf module so that the
 * lease, resharding and held-event modules can all name these types without
 * importing one another.
 *
 * @module
 */
import { optionKeys } from "../base/option_keys.ts";
import type { ShardOptions } from "../gateway/shard_options.ts";

/**
 * The options every shard of the fleet gets: a `Shard`'s options (token,
 * intents, `presence`, `compress`, `transport`, `timeouts`, ...) but those
 * the fleet sets on each shard itself (its id and count, the identify
 * queue, the scheduler, the session). `presence` is how a fleet bot sets
 * its status: the fleet has no `updatePresence`.
 */
export interface FleetShardOptions extends
  Omit<
    ShardOptions,
    "shardId" | "shardCount" | "identifyQueue" | "scheduler" | "session"
  > {}

/**
 * The `Shard` options {@linkcode FleetShardOptions} leaves out, which the
 * key check refuses in `shard`: the compiler keeps this list and the type
 * alike, so the two cannot drift apart. Internal (no entry exports it).
 */
export const SET_BY_FLEET: readonly string[] = optionKeys(
  {
    shardId: true,
    shardCount: true,
    identifyQueue: true,
    scheduler: true,
    session: true,
  } satisfies Record<
    Exclude<keyof ShardOptions, keyof FleetShardOptions>,
    true
  >,
);

/** One dispatch of a shard this process runs. */
export interface FleetDispatch {
  /** The shard that received it. */
  shardId: number;
  /** The shard count of the set that received it (changes with a reshard). */
  shardCount: number;
  /**
   * The session it came on: with `shardId` and `sequence` it identifies the
   * event, for deduplicating the replay after a takeover.
   */
  sessionId: string;
  /** The event name (`t`). */
  name: string;
  /** The sequence number (`s`). */
  sequence: number;
  /** The event payload (`d`), as Discord sent it. */
  data: unknown;
}
