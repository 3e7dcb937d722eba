// Removed guilds taken out of Redis a chunk of keys a script (see
// redis_chunks.ts): a guild of 100,000 members seen again (its GUILD_CREATE
// rebuilds it) or deleted removed every key in one script, blocking Redis
// for every client for hundreds of milliseconds.
import type { RedisConnection } from "../redis/connection.ts";
import { forEachChunk } from "./redis_chunks.ts";
import { REMOVE_GUILD, REMOVE_GUILD_ITEMS } from "./redis_scripts.ts";

/**
 * Remove a guild and every key listed in `guild_keys:G` (channels with their
 * messages), then the guild's key and its sets.
 *
 * @param redis The connection.
 * @param guildId The guild.
 * @param kindSets The guild's kind sets (`guild_kind_keys:G:K`).
 * @returns When it is gone; rejects with Redis's error.
 */
export async function removeGuild(
  redis: RedisConnection,
  guildId: string,
  kindSets: readonly string[],
): Promise<void> {
  const set = `guild_keys:${guildId}`;
  await forEachChunk(redis, set, REMOVE_GUILD_ITEMS, [set]);
  await redis.eval(
    REMOVE_GUILD,
    2 + kindSets.length,
    `guild:${guildId}`,
    set,
    ...kindSets,
  );
}
