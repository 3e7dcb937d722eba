// The Redis store's index of what shard 0's new session drops (the core's
// `remove_unguilded`: the DM channels, and the messages of channels no
// guild holds), so that the drop visits those channels alone. Scanning all
// of `message_keys` for them took 751 ms at every such READY of a cache of
// 100,000 guild messages and no DM (2 ms before the drop), and the
// dispatch service's `old` of the events behind it gave up waiting.
//
// The index, `disruption_cache_unguilded` (the store's own key, see
// APPLIED_KEY), is a set of channel keys (`channel:C`, held or not): a
// channel written without a guild, and the channel of a message written
// without one, or written by a store that keeps no channels (its guild
// messages are in no channel any guild holds, and go at that drop too, as
// the memory store drops them). Each is added in the write's own MULTI, so
// a chunk written is listed with it. A message's deletion or expiry that
// leaves its channel with no message and no channel key takes the channel
// out (UNLIST_EMPTIED; a trim keeps a channel's newest), or the index of a
// busy DM bot grew with every DM until shard 0's next new session. Other
// entries may outlive what they list (messages removed another way:
// twilight-dispatch's sweep, an older version): the drop takes them out as
// it meets them, and takes out a channel held in a guild since (its
// messages go with its own removal).
//
// The index is whole only with its marker, the empty member (as a kind
// set's, see COMPLETE): a database written before it (an older version),
// or whose index was lost (evicted, found of another type and deleted, or
// deleted by the sweep of a run that stopped keeping channels, whose
// removal leaves their messages: see redis_kind_sweep.ts), has none. Its
// next drop then scans `message_keys` and `channel_keys` whole, once
// (DROP_UNGUILDED, which takes what it drops out of the index), and adds
// the marker after the last chunk: a drop stopped midway (a lost
// connection, a crash) leaves it out, and the next drop scans again. A
// READY is never replayed (a restart RESUMEs past it): the loss marks the
// cache stale, and a restart marks the shard stale, so its next new
// session drops again. The drop through the index takes each channel out
// of it in the script that drops it, so one stopped midway leaves the rest
// listed for that next drop. Processes sharing the database add to the
// index as they write; only shard 0's READY drops. An older version
// writing DMs into a database after its marker was set (a rolling
// upgrade's overlap) leaves those unlisted: they stay until their
// channel's removal or their expiry.
//
// Through the index the drop costs what it drops, one script a chunk of
// the index (UNGUILDED_FROM_INDEX). Measured on Redis 7.0, on a shared
// machine under load, DM channels of one message each: 10,000 in 0.3 to
// 0.45 s (Redis CPU 95 to 120 ms), 50,000 in 1.8 to 3.7 s (0.5 to 1 s);
// three scripts a chunk took 0.58 to 1 s (155 to 300 ms) and 3 to 4 s (1
// to 1.4 s). What is left is the removals themselves, a few keys and set
// members a channel: a bot with more than some 20,000 DM channels cached
// still holds shard 0's new-session READY past the dispatch service's
// wait for `old`. Their `ttl` bounds them.
import type { RedisConnection } from "../redis/connection.ts";
import { lostSince, serverSession } from "../redis/server_session.ts";
import type { CachedValue } from "./changes.ts";
import { CHUNK, forEachChunk } from "./redis_chunks.ts";
import { removeWithinChunks } from "./redis_message_removal.ts";
import {
  COMPLETE,
  DROP_UNGUILDED,
  UNGUILDED_FROM_INDEX,
} from "./redis_scripts.ts";
import type { WriteChunk } from "./redis_write_chunk.ts";

/** The index of the channels what no guild holds may be in. */
export const UNGUILDED_KEY = "disruption_cache_unguilded";

/**
 * Record in `chunk` the listing a written channel or message needs in the
 * index (see the module's comment): a channel without a guild (`scope`
 * empty), a message without `guild_id`, any message of a store that keeps
 * no channels.
 *
 * @param kind The kind written (others need none).
 * @param scope Its scope: a message's channel, a channel's guild.
 * @param id Its id.
 * @param value Its value, as written.
 * @param keepsChannels Whether the store keeps channels.
 */
export function listUnguilded(
  chunk: Pick<WriteChunk, "sadd">,
  kind: string,
  scope: string,
  id: string,
  value: CachedValue,
  keepsChannels: boolean,
): void {
  if (kind === "channel" && scope === "") {
    chunk.sadd(UNGUILDED_KEY, `channel:${id}`);
  } else if (
    kind === "message" &&
    (typeof value.guild_id !== "string" || !keepsChannels)
  ) chunk.sadd(UNGUILDED_KEY, `channel:${scope}`);
}

/**
 * Drop what no GUILD_CREATE rebuilds (the core's `remove_unguilded`):
 * through the index when it is whole, else by a scan of every message and
 * channel, once (see the module's comment).
 *
 * @param redis The connection.
 * @returns When it is done; rejects with Redis's error, or when the
 *   connection was lost midway.
 */
export async function removeUnguilded(redis: RedisConnection): Promise<void> {
  if (await redis.sismember(UNGUILDED_KEY, COMPLETE) !== 1) {
    for (const index of ["message_keys", "channel_keys"]) {
      await forEachChunk(redis, index, DROP_UNGUILDED, [UNGUILDED_KEY]);
    }
    await redis.sadd(UNGUILDED_KEY, COMPLETE);
    return;
  }
  // As forEachChunk, but a chunk may take more than one script: each
  // script drops its channels while their messages fit a chunk.
  const lost = lostSince(serverSession(redis));
  let cursor = "0";
  do {
    if (lost()) throw new Error("the connection to Redis was lost midway");
    const [next, keys] = await redis.sscan(
      UNGUILDED_KEY,
      cursor,
      "MATCH",
      "channel:*",
      "COUNT",
      CHUNK,
    );
    cursor = next;
    // A channel alone past the bound is sent again once emptied: the
    // script drops the channel too, with what was written since.
    await removeWithinChunks(
      redis,
      keys,
      UNGUILDED_FROM_INDEX,
      [UNGUILDED_KEY],
      (key) => `channel_keys:${key.slice("channel:".length)}`,
      true,
      lost,
    );
  } while (cursor !== "0");
}
