// Deleted roles taken out of the cached members of their guilds in Redis, a
// chunk of members a script: one script over every member of a big guild
// blocked Redis for all its clients (390 ms at 100,000 members), and the
// fleet's leases and identify queue may share that Redis.
import type { RedisConnection } from "../redis/connection.ts";
import type { CacheChange } from "./changes.ts";
import { REMOVE_ROLE } from "./redis_scripts.ts";

/**
 * Members one script reads at most (an SSCAN's COUNT, which Redis takes as
 * a hint): a few milliseconds of Redis a script.
 */
export const ROLE_REMOVAL_CHUNK = 1_000;

/**
 * A deleted role, taken out of its guild's members between the writes of
 * its batch before it and those after it.
 */
export type RoleRemoval = Extract<CacheChange, { op: "remove_role" }>;

/**
 * Take a role out of the role lists of its guild's members: the guild's
 * member keys are scanned from `guild_keys:G` a chunk at a time, and each
 * chunk is edited by one script.
 *
 * @param redis The connection.
 * @param removal The role (`id`) and its guild (`scope`).
 * @returns When every member is done; rejects with Redis's error.
 */
export async function removeRole(
  redis: RedisConnection,
  removal: RoleRemoval,
): Promise<void> {
  const { scope, id } = removal;
  let cursor = "0";
  do {
    const [next, keys] = await redis.sscan(
      `guild_keys:${scope}`,
      cursor,
      "MATCH",
      `member:${scope}:*`,
      "COUNT",
      ROLE_REMOVAL_CHUNK,
    );
    cursor = next;
    if (keys.length > 0) {
      await redis.eval(REMOVE_ROLE, keys.length, ...keys, id);
    }
  } while (cursor !== "0");
}
