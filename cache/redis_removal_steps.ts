// The removals the Redis store runs between two chunks of a batch's writes,
// each a chunk of keys a script (see redis_chunks.ts): a deleted role taken
// out of its guild's members, a guild removed, a removed channel's messages
// (the channel itself goes in the next chunk), and what no GUILD_CREATE
// rebuilds dropped at shard 0's new session (through its index, see
// redis_unguilded.ts).
import type { RedisConnection } from "../redis/connection.ts";
import { removeGuild } from "./redis_guild_removal.ts";
import { removeChannelMessages } from "./redis_message_removal.ts";
import { removeRole, type RoleRemoval } from "./redis_role_removal.ts";
import { removeUnguilded } from "./redis_unguilded.ts";

/** One removal between two chunks of writes. */
export type RemovalStep =
  | { removal: RoleRemoval }
  | { guild: string }
  | { messagesOf: string }
  | { unguilded: true };

/**
 * Run one removal.
 *
 * @param redis The connection.
 * @param step The removal.
 * @returns When it is done; rejects with Redis's error.
 */
export function runRemoval(
  redis: RedisConnection,
  step: RemovalStep,
): Promise<void> {
  if ("removal" in step) return removeRole(redis, step.removal);
  if ("guild" in step) return removeGuild(redis, step.guild);
  if ("messagesOf" in step) {
    return removeChannelMessages(redis, [step.messagesOf]);
  }
  return removeUnguilded(redis);
}
