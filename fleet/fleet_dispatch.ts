/**
 * What every process of a fleet shares about its shards: the options each
 * shard gets and the shape of a delivered event. A leaf module so that the
 * lease, resharding and held-event modules can all name these types without
 * importing one another.
 *
 * @module
 */
/** The options every shard of the fleet gets. */
export interface FleetShardOptions {
  /** The bot token. */
  token: string;
  /** The gateway intents. */
  intents: number;
  /**
   * The gateway URL, e.g. from `GET /gateway/bot`.
   *
   * @default {"wss://gateway.discord.gg"}
   */
  gatewayUrl?: string;
  /**
   * Members above which a guild is "large" (50 to 250).
   *
   * @default {50}
   */
  largeThreshold?: number;
}

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
