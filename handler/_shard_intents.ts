// The intents each of a Client's shards identifies with, for the start-up
// warnings: `shardOptions` may give a shard its own `intents` (a shard per
// purpose, or the privileged intents on some shards only), and a warning
// judged on the Client's `intents` alone said nothing of a resource or
// event those shards never receive.
import type { ClientOptions } from "./client_options.ts";

/**
 * Shards that identify with the same intents. `shards` names them ("shard
 * 1", "shards 1 and 2") when the shards differ; it is left out when every
 * shard has these intents, so warnings read as before.
 */
export interface ShardIntents {
  /** The intents. */
  readonly intents: number;
  /** The shards with them, when not every shard has them. */
  readonly shards?: string;
}

/**
 * `options` with a `shardOptions` that records the intents it gives each
 * shard into `recorded` as the manager builds the shards (calling the
 * user's function once per shard, as the manager does, not again).
 *
 * @param options The Client's options.
 * @param recorded Filled with each shard's own intents, by shard ID.
 * @returns The options to build the manager with.
 */
export function recordingShardIntents(
  options: ClientOptions,
  recorded: Map<number, number>,
): ClientOptions {
  const { shardOptions } = options;
  if (shardOptions === undefined) return options;
  return {
    ...options,
    shardOptions: (shardId) => {
      const own = shardOptions(shardId);
      if (typeof own?.intents === "number") recorded.set(shardId, own.intents);
      return own;
    },
  };
}

/** At most this many shard IDs are listed in a warning. */
const LISTED = 10;

/**
 * The shards' intents grouped by value, in the order of their first shard.
 *
 * @param intents The Client's `intents` (those of a shard not recorded).
 * @param shardIds The shards the manager runs.
 * @param recorded The intents `shardOptions` gave some shards.
 * @returns One entry per distinct value; a single entry without `shards`
 *   when every shard has the same intents.
 */
export function shardIntentGroups(
  intents: number,
  shardIds: Iterable<number>,
  recorded: ReadonlyMap<number, number>,
): ShardIntents[] {
  const byIntents = new Map<number, number[]>();
  for (const id of [...shardIds].sort((a, b) => a - b)) {
    const own = recorded.get(id) ?? intents;
    const ids = byIntents.get(own);
    if (ids === undefined) byIntents.set(own, [id]);
    else ids.push(id);
  }
  if (byIntents.size <= 1) {
    return [{ intents: byIntents.keys().next().value ?? intents }];
  }
  return [...byIntents].map(([value, ids]) => ({
    intents: value,
    shards: shardList(ids),
  }));
}

/** "shard 1", "shards 1 and 2", "shards 0, 1, … (12 shards)". */
function shardList(ids: readonly number[]): string {
  if (ids.length === 1) return `shard ${ids[0]}`;
  if (ids.length > LISTED) {
    return `shards ${
      ids.slice(0, LISTED).join(", ")
    }, … (${ids.length} shards)`;
  }
  return `shards ${ids.slice(0, -1).join(", ")} and ${ids.at(-1)}`;
}
