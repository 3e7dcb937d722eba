// Removed guilds taken out of Redis a chunk of keys a script (see
// redis_chunks.ts), their channels' messages a chunk of messages a script
// (see redis_message_removal.ts): a guild of 100,000 members seen again
// (its GUILD_CREATE rebuilds it) or deleted removed every key in one
// script, blocking Redis for every client for hundreds of milliseconds.
import type { RedisConnection } from "../redis/connection.ts";
import { forEachChunk } from "./redis_chunks.ts";
import { INDEXED, kindKeys } from "./redis_layout.ts";
import {
  channelIdsOf,
  removeChannelMessages,
} from "./redis_message_removal.ts";
import { REMOVE_GUILD, REMOVE_GUILD_ITEMS } from "./redis_scripts.ts";

/**
 * Remove a guild: the channels of its channel kind set (its threads are
 * listed there alone, see redis_listing.ts) with their messages, then every
 * key listed in `guild_keys:G` (threads an older store listed there among
 * them), then the guild's key and its sets.
 *
 * @param redis The connection.
 * @param guildId The guild.
 * @returns When it is gone; rejects with Redis's error.
 */
export async function removeGuild(
  redis: RedisConnection,
  guildId: string,
): Promise<void> {
  const set = `guild_keys:${guildId}`;
  const channels = kindKeys(guildId, "channel");
  // Each chunk's channels' messages first, a chunk of messages a script:
  // REMOVE_GUILD_ITEMS then finds their sets empty.
  const messagesFirst = (keys: string[]) =>
    removeChannelMessages(redis, channelIdsOf(keys));
  // Taken out of guild_keys:G too, so its pass does not remove them again.
  await forEachChunk(
    redis,
    channels,
    REMOVE_GUILD_ITEMS,
    [channels, set],
    "channel:*",
    messagesFirst,
  );
  await forEachChunk(redis, set, REMOVE_GUILD_ITEMS, [set], "*", messagesFirst);
  const others = [...INDEXED].filter((kind) => kind !== "channel");
  await redis.eval(
    REMOVE_GUILD,
    3 + others.length,
    `guild:${guildId}`,
    set,
    channels,
    ...others.map((kind) => kindKeys(guildId, kind)),
  );
}
