/**
 * Which gateway intents gate which dispatch events.
 *
 * @module
 */
import type { GatewayEventName } from "./events.ts";
import { GatewayIntent, type GatewayIntentName } from "./intents.ts";

/**
 * The intents that gate each dispatch event. An event gated by several
 * intents (guild vs DM variants, e.g. MESSAGE_CREATE) lists each of them and
 * needs only one; an empty list means the event is always sent.
 *
 * Special cases the table cannot express (Discord's intent rules):
 * - GUILD_MEMBER_UPDATE for the bot's **own** member is sent even without
 *   `GuildMembers`.
 * - THREAD_MEMBERS_UPDATE is listed under `Guilds` and `GuildMembers`: with
 *   `Guilds` only, it is sent only when the bot itself was added to or
 *   removed from the thread; `GuildMembers` adds the other users.
 * - Which of the listed intents applies depends on where the event happens
 *   (GUILD_MESSAGES for guild messages, DIRECT_MESSAGES for DMs, and so on).
 * - `MessageContent` gates no event: it decides whether message `content`,
 *   `embeds`, `attachments`, `components` and `poll` (and the auto-moderation
 *   `content`/`matched_content`) are filled in.
 * - Some events also need permissions (auto-moderation: MANAGE_GUILD;
 *   invites: MANAGE_CHANNELS; bans: BAN_MEMBERS or VIEW_AUDIT_LOG; audit-log
 *   entries: VIEW_AUDIT_LOG).
 *
 * @example Usage
 * ```ts
 * import { EVENT_INTENTS } from "./event_intents.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(EVENT_INTENTS.TYPING_START, ["GuildMessageTyping", "DirectMessageTyping"]);
 * assert.deepEqual(EVENT_INTENTS.INTERACTION_CREATE, []);
 * ```
 */
export const EVENT_INTENTS: Readonly<
  Record<GatewayEventName, readonly GatewayIntentName[]>
> = deepFreeze({
  READY: [],
  RESUMED: [],
  APPLICATION_COMMAND_PERMISSIONS_UPDATE: [],
  AUTO_MODERATION_RULE_CREATE: ["AutoModerationConfiguration"],
  AUTO_MODERATION_RULE_UPDATE: ["AutoModerationConfiguration"],
  AUTO_MODERATION_RULE_DELETE: ["AutoModerationConfiguration"],
  AUTO_MODERATION_ACTION_EXECUTION: ["AutoModerationExecution"],
  CHANNEL_CREATE: ["Guilds"],
  CHANNEL_UPDATE: ["Guilds"],
  CHANNEL_DELETE: ["Guilds"],
  CHANNEL_INFO: [],
  VOICE_CHANNEL_STATUS_UPDATE: ["Guilds"],
  VOICE_CHANNEL_START_TIME_UPDATE: ["Guilds"],
  THREAD_CREATE: ["Guilds"],
  THREAD_UPDATE: ["Guilds"],
  THREAD_DELETE: ["Guilds"],
  THREAD_LIST_SYNC: ["Guilds"],
  THREAD_MEMBER_UPDATE: ["Guilds"],
  THREAD_MEMBERS_UPDATE: ["Guilds", "GuildMembers"],
  CHANNEL_PINS_UPDATE: ["Guilds", "DirectMessages"],
  ENTITLEMENT_CREATE: [],
  ENTITLEMENT_UPDATE: [],
  ENTITLEMENT_DELETE: [],
  GUILD_CREATE: ["Guilds"],
  GUILD_UPDATE: ["Guilds"],
  GUILD_DELETE: ["Guilds"],
  GUILD_AUDIT_LOG_ENTRY_CREATE: ["GuildModeration"],
  GUILD_BAN_ADD: ["GuildModeration"],
  GUILD_BAN_REMOVE: ["GuildModeration"],
  GUILD_EMOJIS_UPDATE: ["GuildExpressions"],
  GUILD_STICKERS_UPDATE: ["GuildExpressions"],
  GUILD_INTEGRATIONS_UPDATE: ["GuildIntegrations"],
  GUILD_MEMBER_ADD: ["GuildMembers"],
  GUILD_MEMBER_REMOVE: ["GuildMembers"],
  GUILD_MEMBER_UPDATE: ["GuildMembers"],
  GUILD_MEMBERS_CHUNK: [],
  GUILD_ROLE_CREATE: ["Guilds"],
  GUILD_ROLE_UPDATE: ["Guilds"],
  GUILD_ROLE_DELETE: ["Guilds"],
  GUILD_SCHEDULED_EVENT_CREATE: ["GuildScheduledEvents"],
  GUILD_SCHEDULED_EVENT_UPDATE: ["GuildScheduledEvents"],
  GUILD_SCHEDULED_EVENT_DELETE: ["GuildScheduledEvents"],
  GUILD_SCHEDULED_EVENT_USER_ADD: ["GuildScheduledEvents"],
  GUILD_SCHEDULED_EVENT_USER_REMOVE: ["GuildScheduledEvents"],
  GUILD_SOUNDBOARD_SOUND_CREATE: ["GuildExpressions"],
  GUILD_SOUNDBOARD_SOUND_UPDATE: ["GuildExpressions"],
  GUILD_SOUNDBOARD_SOUND_DELETE: ["GuildExpressions"],
  GUILD_SOUNDBOARD_SOUNDS_UPDATE: ["GuildExpressions"],
  SOUNDBOARD_SOUNDS: [],
  INTEGRATION_CREATE: ["GuildIntegrations"],
  INTEGRATION_UPDATE: ["GuildIntegrations"],
  INTEGRATION_DELETE: ["GuildIntegrations"],
  INVITE_CREATE: ["GuildInvites"],
  INVITE_DELETE: ["GuildInvites"],
  MESSAGE_CREATE: ["GuildMessages", "DirectMessages"],
  MESSAGE_UPDATE: ["GuildMessages", "DirectMessages"],
  MESSAGE_DELETE: ["GuildMessages", "DirectMessages"],
  MESSAGE_DELETE_BULK: ["GuildMessages"],
  MESSAGE_REACTION_ADD: ["GuildMessageReactions", "DirectMessageReactions"],
  MESSAGE_REACTION_REMOVE: ["GuildMessageReactions", "DirectMessageReactions"],
  MESSAGE_REACTION_REMOVE_ALL: [
    "GuildMessageReactions",
    "DirectMessageReactions",
  ],
  MESSAGE_REACTION_REMOVE_EMOJI: [
    "GuildMessageReactions",
    "DirectMessageReactions",
  ],
  PRESENCE_UPDATE: ["GuildPresences"],
  TYPING_START: ["GuildMessageTyping", "DirectMessageTyping"],
  USER_UPDATE: [],
  VOICE_CHANNEL_EFFECT_SEND: ["GuildVoiceStates"],
  VOICE_STATE_UPDATE: ["GuildVoiceStates"],
  VOICE_SERVER_UPDATE: [],
  WEBHOOKS_UPDATE: ["GuildWebhooks"],
  INTERACTION_CREATE: [],
  STAGE_INSTANCE_CREATE: ["Guilds"],
  STAGE_INSTANCE_UPDATE: ["Guilds"],
  STAGE_INSTANCE_DELETE: ["Guilds"],
  SUBSCRIPTION_CREATE: [],
  SUBSCRIPTION_UPDATE: [],
  SUBSCRIPTION_DELETE: [],
  MESSAGE_POLL_VOTE_ADD: ["GuildMessagePolls", "DirectMessagePolls"],
  MESSAGE_POLL_VOTE_REMOVE: ["GuildMessagePolls", "DirectMessagePolls"],
  RATE_LIMITED: [],
});

function deepFreeze<T extends Record<string, readonly string[]>>(
  table: T,
): Readonly<T> {
  for (const intents of Object.values(table)) Object.freeze(intents);
  return Object.freeze(table);
}

/**
 * Whether Discord can deliver `event` on a connection identified with
 * `intents`: true when the event is ungated or at least one of its gating
 * intents is set. It follows {@linkcode EVENT_INTENTS} only, so it answers
 * `false` for GUILD_MEMBER_UPDATE without `GuildMembers` although the bot's
 * own member update still arrives, and `true` for THREAD_MEMBERS_UPDATE with
 * `Guilds` alone although only the bot's own additions and removals arrive
 * then (see {@linkcode EVENT_INTENTS} for these special cases).
 *
 * @param event The dispatch event name.
 * @param intents The intents bitfield sent in IDENTIFY.
 * @returns `true` when the event can be received with these intents.
 * @throws {TypeError} When `event` is not a documented dispatch event.
 * @throws {RangeError} When `intents` is not a non-negative 32-bit integer.
 *
 * @example Usage
 * ```ts
 * import { GatewayIntent } from "@disruption/disruption/types";
 * import { eventDeliverable } from "./event_intents.ts";
 * import assert from "node:assert/strict";
 *
 * const intents = GatewayIntent.Guilds | GatewayIntent.DirectMessages;
 * assert.equal(eventDeliverable("MESSAGE_CREATE", intents), true);
 * assert.equal(eventDeliverable("PRESENCE_UPDATE", intents), false);
 * assert.equal(eventDeliverable("INTERACTION_CREATE", 0), true);
 * ```
 */
export function eventDeliverable(
  event: GatewayEventName,
  intents: number,
): boolean {
  if (!Object.hasOwn(EVENT_INTENTS, event)) {
    throw new TypeError(
      `Cannot check delivery as 'event' must be a documented dispatch event name: current value 'event=${
        String(event)
      }'`,
    );
  }
  if (!Number.isInteger(intents) || intents < 0 || intents > 0xffffffff) {
    throw new RangeError(
      `Cannot check delivery as 'intents' must be a non-negative 32-bit integer: current value 'intents=${intents}'`,
    );
  }
  const gates = EVENT_INTENTS[event];
  return gates.length === 0 ||
    gates.some((name) => (intents & GatewayIntent[name]) !== 0);
}
