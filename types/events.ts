/**
 * The typed event registry: {@linkcode GatewayEventMap} maps each of the 79
 * documented dispatch event names to the type of its `d`. Everything typed
 * by event (handler methods, `on(name, fn)`) derives from it.
 *
 * @module
 */
import type * as P from "./dispatch_payloads.ts";

/**
 * Every documented dispatch event (the `t` of op 0) and the type of its `d`.
 *
 * @example Type a listener by event name
 * ```ts
 * import type { GatewayEventMap, GatewayEventName } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * function describe<K extends GatewayEventName>(name: K, d: GatewayEventMap[K]): string {
 *   return `${name}: ${Object.keys(d ?? {}).length} fields`;
 * }
 * const d: GatewayEventMap["WEBHOOKS_UPDATE"] = { guild_id: "1", channel_id: "2" };
 * assert.equal(describe("WEBHOOKS_UPDATE", d), "WEBHOOKS_UPDATE: 2 fields");
 * ```
 */
export interface GatewayEventMap {
  /** The session is established (reply to IDENTIFY). */
  READY: P.ReadyDispatch;
  /** The replay after RESUME is complete. */
  RESUMED: P.ResumedDispatch;
  /** A command's (or the app's) permissions changed in a guild. */
  APPLICATION_COMMAND_PERMISSIONS_UPDATE:
    P.ApplicationCommandPermissionsUpdateDispatch;
  /** An auto-moderation rule was created. */
  AUTO_MODERATION_RULE_CREATE: P.AutoModerationRuleCreateDispatch;
  /** An auto-moderation rule was updated. */
  AUTO_MODERATION_RULE_UPDATE: P.AutoModerationRuleUpdateDispatch;
  /** An auto-moderation rule was deleted. */
  AUTO_MODERATION_RULE_DELETE: P.AutoModerationRuleDeleteDispatch;
  /** An auto-moderation rule triggered and an action ran. */
  AUTO_MODERATION_ACTION_EXECUTION: P.AutoModerationActionExecutionDispatch;
  /** A guild channel was created. */
  CHANNEL_CREATE: P.ChannelCreateDispatch;
  /** A channel was updated. */
  CHANNEL_UPDATE: P.ChannelUpdateDispatch;
  /** A channel was deleted. */
  CHANNEL_DELETE: P.ChannelDeleteDispatch;
  /** Ephemeral channel info (reply to Request Channel Info, op 43). */
  CHANNEL_INFO: P.ChannelInfoDispatch;
  /** A voice channel's status changed. */
  VOICE_CHANNEL_STATUS_UPDATE: P.VoiceChannelStatusUpdateDispatch;
  /** A voice channel's session start time changed. */
  VOICE_CHANNEL_START_TIME_UPDATE: P.VoiceChannelStartTimeUpdateDispatch;
  /** A thread was created, or the bot was added to a private thread. */
  THREAD_CREATE: P.ThreadCreateDispatch;
  /** A thread was updated. */
  THREAD_UPDATE: P.ThreadUpdateDispatch;
  /** A thread was deleted. */
  THREAD_DELETE: P.ThreadDeleteDispatch;
  /** The bot gained access to a channel; its active threads. */
  THREAD_LIST_SYNC: P.ThreadListSyncDispatch;
  /** The bot's thread member changed. */
  THREAD_MEMBER_UPDATE: P.ThreadMemberUpdateDispatch;
  /** Users were added to or removed from a thread. */
  THREAD_MEMBERS_UPDATE: P.ThreadMembersUpdateDispatch;
  /** A message was pinned or unpinned. */
  CHANNEL_PINS_UPDATE: P.ChannelPinsUpdateDispatch;
  /** An entitlement was created. */
  ENTITLEMENT_CREATE: P.EntitlementCreateDispatch;
  /** An entitlement was updated or renewed. */
  ENTITLEMENT_UPDATE: P.EntitlementUpdateDispatch;
  /** An entitlement was deleted. */
  ENTITLEMENT_DELETE: P.EntitlementDeleteDispatch;
  /** A guild became available, or the bot joined one. */
  GUILD_CREATE: P.GuildCreateDispatch;
  /** A guild was updated. */
  GUILD_UPDATE: P.GuildUpdateDispatch;
  /** A guild became unavailable, or the bot left or was removed. */
  GUILD_DELETE: P.GuildDeleteDispatch;
  /** An audit-log entry was created. */
  GUILD_AUDIT_LOG_ENTRY_CREATE: P.GuildAuditLogEntryCreateDispatch;
  /** A user was banned. */
  GUILD_BAN_ADD: P.GuildBanAddDispatch;
  /** A user was unbanned. */
  GUILD_BAN_REMOVE: P.GuildBanRemoveDispatch;
  /** A guild's emoji changed. */
  GUILD_EMOJIS_UPDATE: P.GuildEmojisUpdateDispatch;
  /** A guild's stickers changed. */
  GUILD_STICKERS_UPDATE: P.GuildStickersUpdateDispatch;
  /** A guild's integrations changed. */
  GUILD_INTEGRATIONS_UPDATE: P.GuildIntegrationsUpdateDispatch;
  /** A user joined a guild. */
  GUILD_MEMBER_ADD: P.GuildMemberAddDispatch;
  /** A user left or was removed from a guild. */
  GUILD_MEMBER_REMOVE: P.GuildMemberRemoveDispatch;
  /** A guild member was updated. */
  GUILD_MEMBER_UPDATE: P.GuildMemberUpdateDispatch;
  /** A chunk of members (reply to Request Guild Members, op 8). */
  GUILD_MEMBERS_CHUNK: P.GuildMembersChunkDispatch;
  /** A role was created. */
  GUILD_ROLE_CREATE: P.GuildRoleCreateDispatch;
  /** A role was updated. */
  GUILD_ROLE_UPDATE: P.GuildRoleUpdateDispatch;
  /** A role was deleted. */
  GUILD_ROLE_DELETE: P.GuildRoleDeleteDispatch;
  /** A scheduled event was created. */
  GUILD_SCHEDULED_EVENT_CREATE: P.GuildScheduledEventCreateDispatch;
  /** A scheduled event was updated. */
  GUILD_SCHEDULED_EVENT_UPDATE: P.GuildScheduledEventUpdateDispatch;
  /** A scheduled event was deleted. */
  GUILD_SCHEDULED_EVENT_DELETE: P.GuildScheduledEventDeleteDispatch;
  /** A user subscribed to a scheduled event. */
  GUILD_SCHEDULED_EVENT_USER_ADD: P.GuildScheduledEventUserAddDispatch;
  /** A user unsubscribed from a scheduled event. */
  GUILD_SCHEDULED_EVENT_USER_REMOVE: P.GuildScheduledEventUserRemoveDispatch;
  /** A soundboard sound was created. */
  GUILD_SOUNDBOARD_SOUND_CREATE: P.GuildSoundboardSoundCreateDispatch;
  /** A soundboard sound was updated. */
  GUILD_SOUNDBOARD_SOUND_UPDATE: P.GuildSoundboardSoundUpdateDispatch;
  /** A soundboard sound was deleted. */
  GUILD_SOUNDBOARD_SOUND_DELETE: P.GuildSoundboardSoundDeleteDispatch;
  /** Several soundboard sounds were updated. */
  GUILD_SOUNDBOARD_SOUNDS_UPDATE: P.GuildSoundboardSoundsUpdateDispatch;
  /** A guild's sounds (reply to Request Soundboard Sounds, op 31). */
  SOUNDBOARD_SOUNDS: P.SoundboardSoundsDispatch;
  /** An integration was created. */
  INTEGRATION_CREATE: P.IntegrationCreateDispatch;
  /** An integration was updated. */
  INTEGRATION_UPDATE: P.IntegrationUpdateDispatch;
  /** An integration was deleted. */
  INTEGRATION_DELETE: P.IntegrationDeleteDispatch;
  /** An invite was created. */
  INVITE_CREATE: P.InviteCreateDispatch;
  /** An invite was deleted. */
  INVITE_DELETE: P.InviteDeleteDispatch;
  /** A message was sent. */
  MESSAGE_CREATE: P.MessageCreateDispatch;
  /** A message was edited. */
  MESSAGE_UPDATE: P.MessageUpdateDispatch;
  /** A message was deleted. */
  MESSAGE_DELETE: P.MessageDeleteDispatch;
  /** Several messages were deleted at once. */
  MESSAGE_DELETE_BULK: P.MessageDeleteBulkDispatch;
  /** A reaction was added. */
  MESSAGE_REACTION_ADD: P.MessageReactionAddDispatch;
  /** A reaction was removed. */
  MESSAGE_REACTION_REMOVE: P.MessageReactionRemoveDispatch;
  /** All reactions were removed from a message. */
  MESSAGE_REACTION_REMOVE_ALL: P.MessageReactionRemoveAllDispatch;
  /** All reactions with one emoji were removed from a message. */
  MESSAGE_REACTION_REMOVE_EMOJI: P.MessageReactionRemoveEmojiDispatch;
  /** A user's presence was updated. */
  PRESENCE_UPDATE: P.PresenceUpdateDispatch;
  /** A user started typing. */
  TYPING_START: P.TypingStartDispatch;
  /** The bot's user changed. */
  USER_UPDATE: P.UserUpdateDispatch;
  /** Someone sent an effect in a voice channel the bot is in. */
  VOICE_CHANNEL_EFFECT_SEND: P.VoiceChannelEffectSendDispatch;
  /** Someone joined, left or moved between voice channels. */
  VOICE_STATE_UPDATE: P.VoiceStateUpdateDispatch;
  /** A guild's voice server (after Update Voice State). */
  VOICE_SERVER_UPDATE: P.VoiceServerUpdateDispatch;
  /** A channel's webhooks changed. */
  WEBHOOKS_UPDATE: P.WebhooksUpdateDispatch;
  /** A user used an interaction (command, component, modal, autocomplete). */
  INTERACTION_CREATE: P.InteractionCreateDispatch;
  /** A stage instance was created. */
  STAGE_INSTANCE_CREATE: P.StageInstanceCreateDispatch;
  /** A stage instance was updated. */
  STAGE_INSTANCE_UPDATE: P.StageInstanceUpdateDispatch;
  /** A stage instance was deleted or closed. */
  STAGE_INSTANCE_DELETE: P.StageInstanceDeleteDispatch;
  /** A premium subscription was created. */
  SUBSCRIPTION_CREATE: P.SubscriptionCreateDispatch;
  /** A premium subscription was updated. */
  SUBSCRIPTION_UPDATE: P.SubscriptionUpdateDispatch;
  /** A premium subscription was deleted. */
  SUBSCRIPTION_DELETE: P.SubscriptionDeleteDispatch;
  /** A user voted on a poll. */
  MESSAGE_POLL_VOTE_ADD: P.MessagePollVoteAddDispatch;
  /** A user removed a poll vote. */
  MESSAGE_POLL_VOTE_REMOVE: P.MessagePollVoteRemoveDispatch;
  /** A gateway command was rate limited. */
  RATE_LIMITED: P.RateLimitedDispatch;
}

/** The name of a dispatch event (`t`), e.g. `"MESSAGE_CREATE"`. */
export type GatewayEventName = keyof GatewayEventMap;

/**
 * All 79 dispatch event names, in the order of Discord's documentation
 * (and of `dispatch-events.json`).
 *
 * @example Usage
 * ```ts
 * import { GATEWAY_EVENT_NAMES } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(GATEWAY_EVENT_NAMES.length, 79);
 * assert.equal(GATEWAY_EVENT_NAMES[0], "READY");
 * assert.ok(GATEWAY_EVENT_NAMES.includes("MESSAGE_CREATE"));
 * ```
 */
export const GATEWAY_EVENT_NAMES: readonly GatewayEventName[] = Object.freeze([
  "READY",
  "RESUMED",
  "APPLICATION_COMMAND_PERMISSIONS_UPDATE",
  "AUTO_MODERATION_RULE_CREATE",
  "AUTO_MODERATION_RULE_UPDATE",
  "AUTO_MODERATION_RULE_DELETE",
  "AUTO_MODERATION_ACTION_EXECUTION",
  "CHANNEL_CREATE",
  "CHANNEL_UPDATE",
  "CHANNEL_DELETE",
  "CHANNEL_INFO",
  "VOICE_CHANNEL_STATUS_UPDATE",
  "VOICE_CHANNEL_START_TIME_UPDATE",
  "THREAD_CREATE",
  "THREAD_UPDATE",
  "THREAD_DELETE",
  "THREAD_LIST_SYNC",
  "THREAD_MEMBER_UPDATE",
  "THREAD_MEMBERS_UPDATE",
  "CHANNEL_PINS_UPDATE",
  "ENTITLEMENT_CREATE",
  "ENTITLEMENT_UPDATE",
  "ENTITLEMENT_DELETE",
  "GUILD_CREATE",
  "GUILD_UPDATE",
  "GUILD_DELETE",
  "GUILD_AUDIT_LOG_ENTRY_CREATE",
  "GUILD_BAN_ADD",
  "GUILD_BAN_REMOVE",
  "GUILD_EMOJIS_UPDATE",
  "GUILD_STICKERS_UPDATE",
  "GUILD_INTEGRATIONS_UPDATE",
  "GUILD_MEMBER_ADD",
  "GUILD_MEMBER_REMOVE",
  "GUILD_MEMBER_UPDATE",
  "GUILD_MEMBERS_CHUNK",
  "GUILD_ROLE_CREATE",
  "GUILD_ROLE_UPDATE",
  "GUILD_ROLE_DELETE",
  "GUILD_SCHEDULED_EVENT_CREATE",
  "GUILD_SCHEDULED_EVENT_UPDATE",
  "GUILD_SCHEDULED_EVENT_DELETE",
  "GUILD_SCHEDULED_EVENT_USER_ADD",
  "GUILD_SCHEDULED_EVENT_USER_REMOVE",
  "GUILD_SOUNDBOARD_SOUND_CREATE",
  "GUILD_SOUNDBOARD_SOUND_UPDATE",
  "GUILD_SOUNDBOARD_SOUND_DELETE",
  "GUILD_SOUNDBOARD_SOUNDS_UPDATE",
  "SOUNDBOARD_SOUNDS",
  "INTEGRATION_CREATE",
  "INTEGRATION_UPDATE",
  "INTEGRATION_DELETE",
  "INVITE_CREATE",
  "INVITE_DELETE",
  "MESSAGE_CREATE",
  "MESSAGE_UPDATE",
  "MESSAGE_DELETE",
  "MESSAGE_DELETE_BULK",
  "MESSAGE_REACTION_ADD",
  "MESSAGE_REACTION_REMOVE",
  "MESSAGE_REACTION_REMOVE_ALL",
  "MESSAGE_REACTION_REMOVE_EMOJI",
  "PRESENCE_UPDATE",
  "TYPING_START",
  "USER_UPDATE",
  "VOICE_CHANNEL_EFFECT_SEND",
  "VOICE_STATE_UPDATE",
  "VOICE_SERVER_UPDATE",
  "WEBHOOKS_UPDATE",
  "INTERACTION_CREATE",
  "STAGE_INSTANCE_CREATE",
  "STAGE_INSTANCE_UPDATE",
  "STAGE_INSTANCE_DELETE",
  "SUBSCRIPTION_CREATE",
  "SUBSCRIPTION_UPDATE",
  "SUBSCRIPTION_DELETE",
  "MESSAGE_POLL_VOTE_ADD",
  "MESSAGE_POLL_VOTE_REMOVE",
  "RATE_LIMITED",
]);

const EVENT_NAME_SET: ReadonlySet<string> = new Set(GATEWAY_EVENT_NAMES);

/**
 * Whether `name` is one of the 79 documented dispatch event names. Use it to
 * narrow the `t` of a received payload before indexing {@linkcode GatewayEventMap}.
 *
 * @param name The event name to check (e.g. a payload's `t`).
 * @returns `true` when `name` is a {@linkcode GatewayEventName}.
 *
 * @example Usage
 * ```ts
 * import { isGatewayEventName } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isGatewayEventName("MESSAGE_CREATE"), true);
 * assert.equal(isGatewayEventName("message_create"), false);
 * ```
 */
export function isGatewayEventName(name: unknown): name is GatewayEventName {
  return typeof name === "string" && EVENT_NAME_SET.has(name);
}

/**
 * Converts an UPPER_SNAKE_CASE name to PascalCase at the type level:
 * `"GUILD_MEMBER_ADD"` -> `"GuildMemberAdd"`.
 *
 * @typeParam S The UPPER_SNAKE_CASE string.
 */
export type SnakeToPascalCase<S extends string> = S extends
  `${infer Head}_${infer Tail}`
  ? `${Capitalize<Lowercase<Head>>}${SnakeToPascalCase<Tail>}`
  : Capitalize<Lowercase<S>>;

/**
 * The name of the handler method for an event: `on` + the event name in
 * PascalCase (`MESSAGE_CREATE` -> `"onMessageCreate"`).
 *
 * @typeParam K The event name.
 *
 * @example Usage
 * ```ts
 * import type { HandlerMethodName } from "./events.ts";
 * import assert from "node:assert/strict";
 *
 * const name: HandlerMethodName<"GUILD_AUDIT_LOG_ENTRY_CREATE"> = "onGuildAuditLogEntryCreate";
 * assert.equal(name, "onGuildAuditLogEntryCreate");
 * ```
 */
export type HandlerMethodName<K extends GatewayEventName> =
  `on${SnakeToPascalCase<K>}`;

/** Each event name mapped to its handler method name. */
export type HandlerMethodNames = {
  readonly [K in GatewayEventName]: HandlerMethodName<K>;
};

const UPPER_SNAKE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

/**
 * Returns the handler method name for an event name: `on` + PascalCase
 * (`"MESSAGE_CREATE"` -> `"onMessageCreate"`), typed as the literal
 * {@linkcode HandlerMethodName}.
 *
 * @typeParam K The event name.
 * @param event A dispatch event name.
 * @returns The handler method name.
 * @throws {TypeError} When `event` is not UPPER_SNAKE_CASE.
 *
 * @example Usage
 * ```ts
 * import { handlerMethodName } from "./events.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(handlerMethodName("MESSAGE_CREATE"), "onMessageCreate");
 * assert.equal(handlerMethodName("READY"), "onReady");
 * ```
 */
export function handlerMethodName<K extends GatewayEventName>(
  event: K,
): HandlerMethodName<K>;
/**
 * Returns the handler method name for any UPPER_SNAKE_CASE event name, e.g.
 * one Discord added after this library's event list.
 *
 * @param event An UPPER_SNAKE_CASE event name.
 * @returns `on` + the name in PascalCase.
 * @throws {TypeError} When `event` is not UPPER_SNAKE_CASE.
 */
export function handlerMethodName(event: string): string;
export function handlerMethodName(event: string): string {
  if (typeof event !== "string" || !UPPER_SNAKE.test(event)) {
    throw new TypeError(
      `Cannot derive a handler method name as 'event' must be an UPPER_SNAKE_CASE event name: current value 'event=${
        String(event)
      }'`,
    );
  }
  return "on" +
    event.split("_").map((word) => word.charAt(0) + word.slice(1).toLowerCase())
      .join("");
}

/**
 * Every event name mapped to its handler method name; the `Handler` class
 * declares one method per entry.
 *
 * @example Usage
 * ```ts
 * import { HANDLER_METHOD_NAMES } from "./events.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(HANDLER_METHOD_NAMES.MESSAGE_REACTION_REMOVE_EMOJI, "onMessageReactionRemoveEmoji");
 * ```
 */
export const HANDLER_METHOD_NAMES: HandlerMethodNames = Object.freeze(
  Object.fromEntries(
    GATEWAY_EVENT_NAMES.map((name) => [name, handlerMethodName(name)]),
  ) as HandlerMethodNames,
);
