// The reducers of the message events: created, updated, deleted, and those
// that change some of a cached message (reactions, poll votes: each reads
// the message and the bot's user, whose own reaction or vote sets `me`).
// Kept apart from reduce.ts, the event table, as reduce_channels.ts is for
// channels.
import type { CachedValue } from "./changes.ts";
import { countVote } from "./poll_votes.ts";
import {
  addReaction,
  MAX_REACTIONS,
  removeEmojiReactions,
  removeReaction,
} from "./reactions.ts";
import {
  BOT,
  cachedOnes,
  type Context,
  list,
  longerThan,
  merge,
  snowflake,
} from "./reduce_context.ts";
import {
  heldInEventScope,
  messageCreated,
  messagesDeleted,
  scopeOf,
} from "./reduce_channels.ts";
import { projectMessage } from "./project.ts";
import { withinMessageBounds } from "./message_bounds.ts";
import { isRecord } from "../base/is_record.ts";
import { MessageFlags } from "../types/objects/message.ts";

type D = CachedValue;

/** A reducer of one event (the core's table holds one per event). */
export type Reducer = (context: Context, d: D) => unknown;

/**
 * A reducer that patches cached message `d.message_id` of channel
 * `d.channel_id`: `patch` gives the new message, or undefined to leave it.
 * Hands back the message before the event.
 */
function messagePatch(
  patch: (message: D, d: D, botId: string | undefined) => D | undefined,
): Reducer {
  return (c, d) => {
    const channelId = snowflake(d.channel_id);
    const messageId = snowflake(d.message_id);
    if (channelId === undefined || messageId === undefined) return undefined;
    const old = c.get("message", channelId, messageId);
    const bot = c.get("bot_user", "", BOT);
    if (old === undefined) return undefined;
    const value = patch(old, d, snowflake(bot?.id));
    if (value !== undefined) c.set("message", channelId, messageId, value);
    return old;
  };
}

/**
 * A reducer of a reaction event: `patch` gives the message's new reactions,
 * or undefined to leave them. A list longer than {@linkcode MAX_REACTIONS}
 * (only a hostile gateway's MESSAGE_CREATE brings one) is left as it is:
 * each event would copy all of it.
 */
function reaction(
  patch: (reactions: D[], d: D, botId: string | undefined) => D[] | undefined,
): Reducer {
  return messagePatch((old, d, botId) => {
    if (longerThan(old.reactions, MAX_REACTIONS)) return undefined;
    const reactions = patch(list(old.reactions), d, botId);
    return reactions === undefined ? undefined : { ...old, reactions };
  });
}

/** The reducers of the events that patch a message, by event name. */
export const MESSAGE_PATCH_REDUCERS: Readonly<Record<string, Reducer>> = {
  MESSAGE_REACTION_ADD: reaction(addReaction),
  MESSAGE_REACTION_REMOVE: reaction(removeReaction),
  MESSAGE_REACTION_REMOVE_ALL: messagePatch((old) => ({
    ...old,
    reactions: [],
  })),
  MESSAGE_REACTION_REMOVE_EMOJI: reaction(removeEmojiReactions),
  MESSAGE_POLL_VOTE_ADD: messagePatch((old, d, botId) =>
    countVote(old, d, botId, 1)
  ),
  MESSAGE_POLL_VOTE_REMOVE: messagePatch((old, d, botId) =>
    countVote(old, d, botId, -1)
  ),
};

/**
 * Whether a message of event `d` in `channel` (as read) is kept: a guild
 * message only in a channel or thread the cache holds in that guild. One of
 * a channel never created, or deleted since, would stay until its
 * channel's delete, which never comes (and a gateway naming a new channel
 * id in every message would grow the cache by a channel's bound each
 * time). DMs have no create event, and are kept as they come.
 *
 * An ephemeral message is not kept: it is the bot's own interaction reply,
 * which Discord sends to the bot alone and, in a guild's channel, without
 * `guild_id` (its gateway docs, Messages), so it is none of the channel's
 * messages. Kept, it took a place of the channel's own, and in memory it
 * put the guild channel on the DM channels' bound, whose eviction then took
 * every message of that channel. A message without a guild in a channel
 * held in a guild is one too, flags or not.
 */
function keepsMessageIn(c: Context, channel: D | undefined, d: D): boolean {
  if (isEphemeral(d)) return false;
  if (d.guild_id === undefined) return !heldInGuild(channel);
  if (!c.keeps("channel")) return true;
  return channel !== undefined && scopeOf(channel) === d.guild_id;
}

/** A message with the EPHEMERAL flag. */
function isEphemeral(d: D): boolean {
  return typeof d.flags === "number" &&
    (d.flags & MessageFlags.Ephemeral) !== 0;
}

/** A channel held in a guild (not outside guilds, and not unknown). */
function heldInGuild(channel: D | undefined): boolean {
  const scope = scopeOf(channel);
  return scope !== undefined && scope !== "";
}

/**
 * Messages `ids` deleted in channel `channelId`: a thread held in the
 * event's guild counts them (the channel is read whatever the payload).
 * `ids` is called only for such a thread.
 */
function threadMessagesDeleted(
  c: Context,
  d: D,
  channelId: string,
  ids: () => readonly string[],
): void {
  const channel = c.get("channel", "", channelId);
  if (heldInEventScope(channel, d)) {
    messagesDeleted(c, channel, channelId, ids);
  }
}

/**
 * The most ids of a MESSAGE_DELETE_BULK read one by one: ten times the
 * most Discord sends (its docs: 2 to 100), whose own purges may send more.
 * Past it the channel is read whole, which costs what it holds (up to
 * `messages.perChannel`): a bot raising that bound pays it only for such
 * frames (101 ids read a channel of 20,000 messages in 850 ms from Redis).
 */
const MAX_BULK_IDS = 1_000;

/** The snowflakes among `ids`, each once, in their first order. */
function uniqueIds(ids: readonly unknown[]): string[] {
  return [...new Set(ids)].filter((id): id is string =>
    snowflake(id) !== undefined
  );
}

/**
 * The messages among `ids` that channel `channelId` holds, each once, by
 * id in the order of `ids` (a repeated id would be handed back twice), and
 * the ids to delete.
 *
 * The reads depend on the payload alone (see cacheReads): up to
 * {@linkcode MAX_BULK_IDS} ids, each of `unique()` (the snowflakes among
 * them, each once: see uniqueIds) is read and deleted, held or not (a
 * Redis key evicted leaves its listings, which the delete takes out, as
 * MESSAGE_DELETE's does); past it (a frame of millions of ids got a read
 * and a delete each, tens of seconds of a blocked event loop, and from
 * Redis a read per id) the channel's messages are read whole, as many as
 * it holds (at most `messages.perChannel`), `ids` is walked only until
 * each of them is found (not at all for a channel holding none), and only
 * those are deleted.
 */
function heldAmong(
  c: Context,
  channelId: string,
  ids: readonly unknown[],
  unique: () => string[],
): { found: [string, D][]; deleted: string[] } {
  const found: [string, D][] = [];
  if (ids.length <= MAX_BULK_IDS) {
    const deleted = unique();
    for (const id of deleted) {
      const old = c.get("message", channelId, id);
      if (old !== undefined) found.push([id, old]);
    }
    return { found, deleted };
  }
  // Keyed by the store's ids, snowflakes all: a non-string id matches none.
  const held = c.entries("message", channelId);
  for (const id of ids) {
    if (held.size === 0) break;
    const old = typeof id === "string" ? held.get(id) : undefined;
    if (old === undefined) continue;
    held.delete(id as string); // handed back once
    found.push([id as string, old]);
  }
  return { found, deleted: found.map(([id]) => id) };
}

/** The reducers of messages created, updated and deleted, by event name. */
export const MESSAGE_REDUCERS: Readonly<Record<string, Reducer>> = {
  MESSAGE_CREATE(c, d): unknown {
    const channelId = snowflake(d.channel_id);
    const id = snowflake(d.id);
    if (channelId === undefined || id === undefined) return undefined;
    const channel = c.get("channel", "", channelId);
    if (!keepsMessageIn(c, channel, d)) return undefined;
    // Projected only when kept: a cache of guilds or members alone would
    // copy every message for nothing. One Discord could not have sent (see
    // message_bounds.ts) is not kept: a few would fill the heap.
    if (c.keeps("message")) {
      const value = projectMessage(d);
      if (withinMessageBounds(value, channelId)) {
        c.set("message", channelId, id, value);
      }
    }
    c.userOf("message", d.author);
    if (heldInEventScope(channel, d)) {
      messageCreated(c, channel, channelId, id);
    }
    return undefined;
  },
  MESSAGE_UPDATE(c, d): unknown {
    const channelId = snowflake(d.channel_id);
    const id = snowflake(d.id);
    if (channelId === undefined || id === undefined) return undefined;
    const old = c.get("message", channelId, id);
    // Read whatever the cached message is: reads depend on the payload only.
    const channel = c.get("channel", "", channelId);
    // Discord's docs make the payload a whole message object: one the cache
    // does not hold (created before the session, or evicted) is kept as
    // MESSAGE_CREATE keeps one, in the same channels and bounds, with the
    // update's `tts` (always false in updates: the true one is unknown).
    // A payload without an author or a timestamp is an older gateway's
    // partial update, which has no whole message to keep.
    if (old === undefined) {
      if (isRecord(d.author) && typeof d.timestamp === "string") {
        if (c.keeps("message") && keepsMessageIn(c, channel, d)) {
          const value = projectMessage(d);
          if (withinMessageBounds(value, channelId)) {
            c.set("message", channelId, id, value);
          }
        }
      }
      return undefined;
    }
    // A cached message takes the update merged in (fields it lacks stay);
    // its `tts` is always false in updates: the created message's stays.
    const value = merge(old, projectMessage(d));
    if (old.tts !== undefined) value.tts = old.tts;
    // A poll without `results` has unknown results, not none (Discord's
    // docs): the known ones stay.
    const [poll, was] = [value.poll, old.poll];
    if (isRecord(poll) && poll.results === undefined && isRecord(was)) {
      if (was.results !== undefined) {
        value.poll = { ...poll, results: was.results };
      }
    }
    // Merged past a bound, it is no message Discord sends: dropped, as
    // one created so is never kept (the old one is still handed back).
    if (withinMessageBounds(value, channelId)) {
      c.set("message", channelId, id, value);
    } else c.delete("message", channelId, id);
    return old;
  },
  MESSAGE_DELETE(c, d): unknown {
    const channelId = snowflake(d.channel_id);
    const id = snowflake(d.id);
    if (channelId === undefined || id === undefined) return undefined;
    const old = c.get("message", channelId, id);
    c.delete("message", channelId, id);
    threadMessagesDeleted(c, d, channelId, () => [id]);
    return old;
  },
  MESSAGE_DELETE_BULK(c, d): unknown {
    const channelId = snowflake(d.channel_id);
    if (channelId === undefined || !Array.isArray(d.ids)) return undefined;
    const ids: readonly unknown[] = d.ids;
    // Made once, and only where needed: a hostile bulk's millions of ids
    // are made unique only for a held thread's count.
    let uniques: string[] | undefined;
    const unique = (): string[] => uniques ??= uniqueIds(ids);
    const { found, deleted } = heldAmong(c, channelId, ids, unique);
    for (const id of deleted) c.delete("message", channelId, id);
    // A thread counts every id, held or not (its count is Discord's).
    threadMessagesDeleted(c, d, channelId, unique);
    return cachedOnes(found.map(([, old]) => old));
  },
};
