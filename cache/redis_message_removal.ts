// The messages of channels the Redis store removes (a CHANNEL_DELETE, a
// guild removed), taken out a chunk of messages a script before the
// channels themselves: deleted with their channel in one script, a
// channel of 100,000 messages blocked Redis for every client for 0.4 s,
// and a guild of 2,000 channels of 100 for 0.5 s.
import type { RedisConnection } from "../redis/connection.ts";
import { lostSince, serverSession } from "../redis/server_session.ts";
import { CHUNK, forEachChunk } from "./redis_chunks.ts";
import {
  DROP_CHANNELS_MESSAGES,
  DROP_LISTED_MESSAGES,
} from "./redis_scripts.ts";

/**
 * Remove the messages of channels (each with its listings), a script per
 * {@linkcode CHUNK} messages and {@linkcode CHUNK} channels at most: whole
 * channels together while they fit, a bigger one by SSCAN chunks of its
 * set. Their sets are left empty (so gone); the channels' own removal then
 * finds only what was written since.
 *
 * @param redis The connection.
 * @param channelIds The channels.
 * @returns When they are removed; rejects with Redis's error, or when the
 *   connection was lost midway (see `forEachChunk`).
 */
export async function removeChannelMessages(
  redis: RedisConnection,
  channelIds: readonly string[],
): Promise<void> {
  await removeWithinChunks(
    redis,
    channelIds.map((id) => `channel_keys:${id}`),
    DROP_CHANNELS_MESSAGES,
    [],
    (set) => set,
    false,
    lostSince(serverSession(redis)),
  );
}

/**
 * Run `script`, which removes whole channels' messages while they fit
 * {@linkcode CHUNK} messages (DROP_CHANNELS_MESSAGES, or
 * UNGUILDED_FROM_INDEX with the channels themselves), over `keys`, at most
 * {@linkcode CHUNK} of them a call (each is an argument of the call: the
 * channels one batch removes, a hostile guild's, one argument each,
 * overflowed the stack past some 125,000), with `args` then the bound
 * after them. It answers -1 when it took them all, else how many it took
 * before the first that would pass the bound; one alone past it has its
 * set of messages (`setOf`) emptied by SSCAN chunks first, then is skipped
 * (its own removal takes what was written since) or, `again`, sent again.
 *
 * @returns When they are done; rejects with Redis's error, or when `lost`
 *   says the connection was lost midway.
 */
export async function removeWithinChunks(
  redis: RedisConnection,
  keys: readonly string[],
  script: string,
  args: readonly string[],
  setOf: (key: string) => string,
  again: boolean,
  lost: () => boolean,
): Promise<void> {
  let from = 0;
  while (from < keys.length) {
    if (lost()) throw new Error("the connection to Redis was lost midway");
    const some = keys.slice(from, from + CHUNK);
    const stopped = Number(
      await redis.eval(script, some.length, ...some, ...args, CHUNK),
    );
    if (stopped < 0) from += some.length;
    else if (stopped > 0) from += stopped;
    else {
      // Alone more than a chunk.
      const set = setOf(keys[from]!);
      if (!again) from++;
      await forEachChunk(redis, set, DROP_LISTED_MESSAGES, [set]);
    }
  }
}

/**
 * The ids of the channel keys (`channel:C`) among `keys`: a hook for
 * `forEachChunk` over a guild's sets, whose channels' messages go first.
 */
export function channelIdsOf(keys: readonly string[]): string[] {
  return keys.filter((key) => key.startsWith("channel:")).map((key) =>
    key.slice("channel:".length)
  );
}
