/**
 * Intents filtering as Discord does it: which intent gates each event (for
 * guilds and for DMs), the events the bot gets about itself anyway, and
 * MESSAGE_CONTENT blanking. Private to the test kit.
 *
 * @module
 */
import { GatewayIntent } from "../types/intents.ts";
import { isObject, isSnowflake } from "./_gateway_checks.ts";

/** What {@linkcode applyIntents} returns for an event the session does not get. */
export const SKIP: unique symbol = Symbol("skip");

const I = GatewayIntent;
/** Event -> [intent for guild events, intent for DM events]. */
const INTENT_GATES: Record<string, readonly [number, number?]> = {
  GUILD_CREATE: [I.Guilds],
  GUILD_UPDATE: [I.Guilds],
  GUILD_DELETE: [I.Guilds],
  GUILD_ROLE_CREATE: [I.Guilds],
  GUILD_ROLE_UPDATE: [I.Guilds],
  GUILD_ROLE_DELETE: [I.Guilds],
  CHANNEL_CREATE: [I.Guilds],
  CHANNEL_UPDATE: [I.Guilds],
  CHANNEL_DELETE: [I.Guilds],
  CHANNEL_PINS_UPDATE: [I.Guilds, I.DirectMessages],
  THREAD_CREATE: [I.Guilds],
  THREAD_UPDATE: [I.Guilds],
  THREAD_DELETE: [I.Guilds],
  THREAD_LIST_SYNC: [I.Guilds],
  THREAD_MEMBER_UPDATE: [I.Guilds],
  THREAD_MEMBERS_UPDATE: [I.Guilds],
  STAGE_INSTANCE_CREATE: [I.Guilds],
  STAGE_INSTANCE_UPDATE: [I.Guilds],
  STAGE_INSTANCE_DELETE: [I.Guilds],
  VOICE_CHANNEL_STATUS_UPDATE: [I.Guilds],
  VOICE_CHANNEL_START_TIME_UPDATE: [I.Guilds],
  GUILD_MEMBER_ADD: [I.GuildMembers],
  GUILD_MEMBER_UPDATE: [I.GuildMembers],
  GUILD_MEMBER_REMOVE: [I.GuildMembers],
  GUILD_AUDIT_LOG_ENTRY_CREATE: [I.GuildModeration],
  GUILD_BAN_ADD: [I.GuildModeration],
  GUILD_BAN_REMOVE: [I.GuildModeration],
  GUILD_EMOJIS_UPDATE: [I.GuildExpressions],
  GUILD_STICKERS_UPDATE: [I.GuildExpressions],
  GUILD_SOUNDBOARD_SOUND_CREATE: [I.GuildExpressions],
  GUILD_SOUNDBOARD_SOUND_UPDATE: [I.GuildExpressions],
  GUILD_SOUNDBOARD_SOUND_DELETE: [I.GuildExpressions],
  GUILD_SOUNDBOARD_SOUNDS_UPDATE: [I.GuildExpressions],
  GUILD_INTEGRATIONS_UPDATE: [I.GuildIntegrations],
  INTEGRATION_CREATE: [I.GuildIntegrations],
  INTEGRATION_UPDATE: [I.GuildIntegrations],
  INTEGRATION_DELETE: [I.GuildIntegrations],
  WEBHOOKS_UPDATE: [I.GuildWebhooks],
  INVITE_CREATE: [I.GuildInvites],
  INVITE_DELETE: [I.GuildInvites],
  VOICE_CHANNEL_EFFECT_SEND: [I.GuildVoiceStates],
  VOICE_STATE_UPDATE: [I.GuildVoiceStates],
  PRESENCE_UPDATE: [I.GuildPresences],
  MESSAGE_CREATE: [I.GuildMessages, I.DirectMessages],
  MESSAGE_UPDATE: [I.GuildMessages, I.DirectMessages],
  MESSAGE_DELETE: [I.GuildMessages, I.DirectMessages],
  MESSAGE_DELETE_BULK: [I.GuildMessages],
  MESSAGE_REACTION_ADD: [I.GuildMessageReactions, I.DirectMessageReactions],
  MESSAGE_REACTION_REMOVE: [I.GuildMessageReactions, I.DirectMessageReactions],
  MESSAGE_REACTION_REMOVE_ALL: [
    I.GuildMessageReactions,
    I.DirectMessageReactions,
  ],
  MESSAGE_REACTION_REMOVE_EMOJI: [
    I.GuildMessageReactions,
    I.DirectMessageReactions,
  ],
  TYPING_START: [I.GuildMessageTyping, I.DirectMessageTyping],
  GUILD_SCHEDULED_EVENT_CREATE: [I.GuildScheduledEvents],
  GUILD_SCHEDULED_EVENT_UPDATE: [I.GuildScheduledEvents],
  GUILD_SCHEDULED_EVENT_DELETE: [I.GuildScheduledEvents],
  GUILD_SCHEDULED_EVENT_USER_ADD: [I.GuildScheduledEvents],
  GUILD_SCHEDULED_EVENT_USER_REMOVE: [I.GuildScheduledEvents],
  AUTO_MODERATION_RULE_CREATE: [I.AutoModerationConfiguration],
  AUTO_MODERATION_RULE_UPDATE: [I.AutoModerationConfiguration],
  AUTO_MODERATION_RULE_DELETE: [I.AutoModerationConfiguration],
  AUTO_MODERATION_ACTION_EXECUTION: [I.AutoModerationExecution],
  MESSAGE_POLL_VOTE_ADD: [I.GuildMessagePolls, I.DirectMessagePolls],
  MESSAGE_POLL_VOTE_REMOVE: [I.GuildMessagePolls, I.DirectMessagePolls],
};

/** Events whose data is the guild itself (its ID is `id`). */
const GUILD_ITSELF_EVENTS = new Set([
  "GUILD_CREATE",
  "GUILD_UPDATE",
  "GUILD_DELETE",
]);

/** The guild an event is about: `id` for the guild events, else `guild_id`. */
export function eventGuildId(event: string, d: unknown): string | null {
  if (!isObject(d)) return null;
  if (GUILD_ITSELF_EVENTS.has(event)) {
    return isSnowflake(d.id) ? d.id : null;
  }
  return isSnowflake(d.guild_id) ? d.guild_id : null;
}

/** What one dispatch needs of a session's intents. */
export interface IntentNeed {
  /**
   * The intents it needs, every one of them: one bit, or for a
   * THREAD_MEMBERS_UPDATE about other members `Guilds | GuildMembers`.
   */
  bits: number;
  /**
   * Whether it counts as a DM event: it has a DM variant and its data
   * carries no `guild_id` (Discord's own DM events have none).
   */
  dm: boolean;
  /** Why these intents, for a warning: `"as a guild event"` and the like. */
  reason: string;
}

/**
 * The intents a session needs to get one dispatch, by Discord's rules: the
 * DM variant of the gate for a DM event; `Guilds` for a THREAD_MEMBERS_UPDATE
 * that adds or removes the bot, `GuildMembers` too for one about other
 * members only; nothing for a GUILD_MEMBER_UPDATE about the bot itself.
 * {@linkcode applyIntents} filters by it, and FakeGateway's warning about a
 * dispatch filtered out everywhere names what it found missing.
 *
 * @param botUserId The bot's user ID.
 * @param event The event name.
 * @param data The event data.
 * @returns What it needs, or `undefined` when every session gets it.
 */
export function intentsNeeded(
  botUserId: string,
  event: string,
  data: unknown,
): IntentNeed | undefined {
  const gate = INTENT_GATES[event];
  if (!gate) return undefined;
  const d = isObject(data) ? data : {};
  if (event === "GUILD_MEMBER_UPDATE") {
    const user = d.user;
    if (isObject(user) && user.id === botUserId) return undefined;
  }
  if (
    event === "THREAD_MEMBERS_UPDATE" && !threadMembersTouchBot(botUserId, d)
  ) {
    return {
      bits: GatewayIntent.Guilds | GatewayIntent.GuildMembers,
      dm: false,
      reason:
        "as a guild event about thread members other than the bot (Guilds alone brings only the bot's own joins and leaves)",
    };
  }
  const inGuild = typeof d.guild_id === "string" ||
    GUILD_ITSELF_EVENTS.has(event);
  const dm = !inGuild && gate[1] !== undefined;
  return {
    bits: dm ? gate[1]! : gate[0],
    dm,
    reason: dm
      ? "as a DM event: its data has no guild_id (a guild event carries one)"
      : "as a guild event",
  };
}

/**
 * What a session with `intents` gets of one dispatch.
 *
 * @param botUserId The bot's user ID (events about the bot pass).
 * @param intents The session's intents.
 * @param event The event name.
 * @param data The event data.
 * @returns The data (blanked where MESSAGE_CONTENT is missing), or
 *   {@linkcode SKIP}.
 */
export function applyIntents(
  botUserId: string,
  intents: number,
  event: string,
  data: unknown,
): unknown {
  const need = intentsNeeded(botUserId, event, data);
  if (need === undefined) return data;
  if ((intents & need.bits) !== need.bits) return SKIP;
  if ((intents & GatewayIntent.MessageContent) !== 0) return data;
  const d = isObject(data) ? data : {};
  if (event === "MESSAGE_CREATE" || event === "MESSAGE_UPDATE") {
    if (need.dm) return data;
    const copy = visibleToBot(botUserId, d) ? { ...d } : blanked(d);
    // The message it quotes or forwards is blanked on its own terms (the
    // docs' footnote: "referenced_message" and "message_snapshots"): read
    // through the bot's own reply, a user's text passed a test that
    // Discord would fail.
    const quoted = copy.referenced_message;
    if (isObject(quoted) && !visibleToBot(botUserId, quoted)) {
      copy.referenced_message = blanked(quoted);
    }
    if (Array.isArray(copy.message_snapshots)) {
      copy.message_snapshots = copy.message_snapshots.map((snapshot) =>
        isObject(snapshot) && isObject(snapshot.message)
          ? { ...snapshot, message: blanked(snapshot.message) }
          : snapshot
      );
    }
    return copy;
  }
  if (event === "AUTO_MODERATION_ACTION_EXECUTION") {
    const copy: Record<string, unknown> = { ...d };
    if ("content" in copy) copy.content = "";
    if ("matched_content" in copy) copy.matched_content = "";
    return copy;
  }
  return data;
}

/** Whether the bot sees `message`'s content without MESSAGE_CONTENT. */
function visibleToBot(
  botUserId: string,
  message: Record<string, unknown>,
): boolean {
  const author = message.author;
  if (isObject(author) && author.id === botUserId) return true;
  const mentions = message.mentions;
  return Array.isArray(mentions) &&
    mentions.some((m) => isObject(m) && m.id === botUserId);
}

/** A copy of a message without what MESSAGE_CONTENT gives. */
function blanked(message: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...message };
  if ("content" in copy) copy.content = "";
  for (const key of ["embeds", "attachments", "components"]) {
    if (key in copy) copy[key] = [];
  }
  delete copy.poll;
  return copy;
}

/** Whether a THREAD_MEMBERS_UPDATE adds or removes the bot. */
function threadMembersTouchBot(
  bot: string,
  d: Record<string, unknown>,
): boolean {
  const added = Array.isArray(d.added_members) ? d.added_members : [];
  const removed = Array.isArray(d.removed_member_ids)
    ? d.removed_member_ids
    : [];
  return removed.includes(bot) ||
    added.some((member) =>
      isObject(member) &&
      (member.user_id === bot ||
        (isObject(member.member) && isObject(member.member.user) &&
          member.member.user.id === bot))
    );
}
