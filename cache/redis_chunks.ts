// Work over a big set in Redis a chunk of members at a time: one script over
// a whole set of a big guild blocked Redis for all its clients (390 ms for
// 100,000 members), and the fleet's leases and identify queue may share that
// Redis. Each chunk is found with SSCAN and handed to one script.
import type { RedisConnection } from "../redis/connection.ts";
import { lostSince, serverSession } from "../redis/server_session.ts";

/**
 * Members one script gets at most (an SSCAN's COUNT, which Redis takes as a
 * hint): a few milliseconds of Redis a script.
 */
export const CHUNK = 1_000;

/**
 * Run `script` on the members of set `key`, a chunk at a time (each chunk
 * its KEYS, then `args` as ARGV). A script may remove the members it is
 * given: SSCAN still returns every member present from start to end.
 *
 * @param match An SSCAN MATCH pattern, to hand the script only those.
 * @param before Run on each chunk before its script (a guild's channels'
 *   messages are removed so, a chunk of messages a script).
 * @returns When every chunk is done; rejects with Redis's error.
 */
export async function forEachChunk(
  redis: RedisConnection,
  key: string,
  script: string,
  args: readonly string[] = [],
  match = "*",
  before?: (keys: string[]) => Promise<void>,
): Promise<void> {
  // A connection lost midway ends the work: the chunks left would be sent
  // once it is back, among what came since (a guild rebuilt meanwhile would
  // be emptied again). The caller's cache is stale from the loss on.
  const lost = lostSince(serverSession(redis));
  let cursor = "0";
  do {
    if (lost()) throw new Error("the connection to Redis was lost midway");
    const [next, keys] = await redis.sscan(
      key,
      cursor,
      "MATCH",
      match,
      "COUNT",
      CHUNK,
    );
    cursor = next;
    if (lost()) throw new Error("the connection to Redis was lost midway");
    if (keys.length > 0) {
      await before?.(keys);
      if (lost()) throw new Error("the connection to Redis was lost midway");
      await redis.eval(script, keys.length, ...keys, ...args);
    }
  } while (cursor !== "0");
}
