// Which cached guilds a READY's session answers for: its `guilds` list is
// complete for its shard, so the core drops that shard's cached guilds the
// list leaves out, and only those (one cache may serve several shards).
import { shardForGuild } from "../gateway/shard_routing.ts";

/**
 * Which guilds a READY's session serves, from its `shard` (`[id, count]`):
 * Discord's `(guild_id >> 22) % count`, every guild without one. Undefined
 * (none can be told apart) for a malformed `shard`; a guild id that is not a
 * snowflake belongs to no shard of several.
 */
export function sessionOwner(
  shard: unknown,
): ((guildId: string) => boolean) | undefined {
  if (shard === undefined || shard === null) return () => true;
  if (!Array.isArray(shard) || shard.length !== 2) return undefined;
  const [id, count]: unknown[] = shard;
  if (
    typeof id !== "number" || typeof count !== "number" ||
    !Number.isSafeInteger(id) || !Number.isSafeInteger(count) ||
    id < 0 || id >= count
  ) return undefined;
  if (count === 1) return () => true;
  return (guildId) => {
    try {
      return shardForGuild(guildId, count) === id;
    } catch {
      return false;
    }
  };
}

/**
 * Whether a READY's session is shard 0's (`shard` absent, or `[0, count]`):
 * the one Discord sends DMs to, whose new session leaves the DMs cached
 * before it with the gap's changes lost for good (see reduce.ts's READY).
 */
export function servesDms(shard: unknown): boolean {
  return sessionOwner(shard) !== undefined &&
    (shard === undefined || shard === null || (shard as unknown[])[0] === 0);
}
