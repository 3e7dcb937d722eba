// The removals the Redis store runs between two chunks of a batch's writes,
// each a chunk of keys a script (see redis_chunks.ts): a deleted role taken
// out of its guild's members, a guild removed, removed channels' messages
// (the channels themselves go in the next chunk), and what no GUILD_CREATE
// rebuilds dropped at shard 0's new session (through its index, see
// redis_unguilded.ts).
import type { RedisConnection } from "../redis/connection.ts";
import { removeGuild } from "./redis_guild_removal.ts";
import { removeChannelMessages } from "./redis_message_removal.ts";
import { removeRole, type RoleRemoval } from "./redis_role_removal.ts";
import { removeUnguilded } from "./redis_unguilded.ts";
import type { WriteChunk } from "./redis_write_chunk.ts";

/** One removal between two chunks of writes. */
export type RemovalStep =
  | { removal: RoleRemoval }
  | { guild: string }
  | { messagesOf: string[] }
  | { unguilded: true };

/**
 * One step of a batch's writes: a chunk of writes (one MULTI/EXEC), or a
 * chunked removal (a role's, a guild's, channels' messages, what no guild
 * holds).
 */
export type WriteStep = { chunk: WriteChunk } | RemovalStep;

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
    return removeChannelMessages(redis, step.messagesOf);
  }
  return removeUnguilded(redis);
}

/**
 * Have the removal of channels' messages right before a batch's current
 * write chunk (the last of `steps`), if there is one, remove `channelId`'s
 * too: the channels a dispatch removes (a forum's 1,000 threads, a
 * THREAD_LIST_SYNC's) share one step, and their own removals one chunk,
 * where a step and a transaction each was 2,000 round trips. Their own
 * removal (REMOVE_CHANNEL) still takes what the chunk wrote in them before.
 *
 * @returns Whether it was added; if not, the caller ends the chunk with a
 *   step of its own.
 */
export function joinMessagesOf(
  steps: readonly WriteStep[],
  channelId: string,
): boolean {
  const before = steps.at(-2);
  if (before === undefined || !("messagesOf" in before)) return false;
  before.messagesOf.push(channelId);
  return true;
}
