// The reducers of events that change some of a cached message (reactions,
// poll votes): each reads the message and the bot's user (whose own
// reaction or vote sets `me`), and stores the patched message. Kept apart
// from reduce.ts, the event table, as reduce_channels.ts is for channels.
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
  type Context,
  list,
  longerThan,
  snowflake,
} from "./reduce_context.ts";

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
