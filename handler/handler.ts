/**
 * The abstract {@linkcode Handler}: one no-op method per dispatch event.
 *
 * Why one file of over 800 lines: it is one method with its documentation
 * for each of the 79 documented dispatch events, in the order of
 * `GatewayEventMap`; the length is the event list, and splitting it would
 * split one class.
 *
 * @module
 */
import type { Context } from "./context.ts";
import type { HandlerError } from "./handler_error.ts";
import type { ShardDispatch, ShardStateChange } from "../gateway/shard.ts";
import type { GatewayError } from "../gateway/errors.ts";
import type { GatewayEventMap } from "../types/events.ts";

/**
 * A bot's event handlers. Extend it and override only the methods for the
 * events you care about; every method receives the typed payload and the
 * shard's {@linkcode Context}. Methods may be async: the client awaits them
 * and keeps each shard's events in order. Whatever a method throws reaches
 * {@linkcode Handler.onError} as a {@linkcode HandlerError} and the shard
 * carries on.
 *
 * Each method's documentation names the intent it needs; the client warns at
 * start-up about overridden methods the requested intents can never trigger.
 *
 * @example A ping bot
 * ```ts
 * import { type Context, Handler } from "@disruption/disruption/handler";
 * import type { GatewayEventMap } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * class PingBot extends Handler {
 *   override async onMessageCreate(
 *     message: GatewayEventMap["MESSAGE_CREATE"],
 *     ctx: Context,
 *   ): Promise<void> {
 *     if (message.content === "!ping") await ctx.reply(message, "pong");
 *   }
 * }
 *
 * const bot = new PingBot();
 * assert.notEqual(bot.onMessageCreate, Handler.prototype.onMessageCreate);
 * ```
 */
export abstract class Handler {
  /**
   * Called for every dispatch, before the event's own method, with the name,
   * sequence and payload as received (unknown event names included).
   *
   * @param _dispatch The dispatch.
   * @param _ctx The shard's context.
   */
  onRaw(_dispatch: ShardDispatch, _ctx: Context): void | Promise<void> {}

  /**
   * Called when a handler method or listener throws or rejects. When this
   * method is not overridden the client logs the error through LogTape
   * (category `disruption.handler`).
   *
   * @param _error The error, with the event and shard it happened on.
   */
  onError(_error: HandlerError): void | Promise<void> {}

  /**
   * Called when a shard's status changes (connecting, ready, reconnecting,
   * closed, ...).
   *
   * @param _change The shard and its previous and current status.
   */
  onShardStateChange(_change: ShardStateChange): void | Promise<void> {}

  /**
   * Called for gateway problems: fatal closes (the shard stops), timeouts and
   * undecodable frames (the shard recovers by itself).
   *
   * @param _error The gateway error.
   */
  onGatewayError(_error: GatewayError): void | Promise<void> {}

  /**
   * Called for each `READY` dispatch (Connection). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onReady(
    _data: GatewayEventMap["READY"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `RESUMED` dispatch (Connection). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onResumed(
    _data: GatewayEventMap["RESUMED"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `APPLICATION_COMMAND_PERMISSIONS_UPDATE` dispatch (Application Commands). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onApplicationCommandPermissionsUpdate(
    _data: GatewayEventMap["APPLICATION_COMMAND_PERMISSIONS_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `AUTO_MODERATION_RULE_CREATE` dispatch (Auto Moderation). Needs the `AUTO_MODERATION_CONFIGURATION` (`GatewayIntent.AutoModerationConfiguration`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onAutoModerationRuleCreate(
    _data: GatewayEventMap["AUTO_MODERATION_RULE_CREATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `AUTO_MODERATION_RULE_UPDATE` dispatch (Auto Moderation). Needs the `AUTO_MODERATION_CONFIGURATION` (`GatewayIntent.AutoModerationConfiguration`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onAutoModerationRuleUpdate(
    _data: GatewayEventMap["AUTO_MODERATION_RULE_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `AUTO_MODERATION_RULE_DELETE` dispatch (Auto Moderation). Needs the `AUTO_MODERATION_CONFIGURATION` (`GatewayIntent.AutoModerationConfiguration`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onAutoModerationRuleDelete(
    _data: GatewayEventMap["AUTO_MODERATION_RULE_DELETE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `AUTO_MODERATION_ACTION_EXECUTION` dispatch (Auto Moderation). Needs the `AUTO_MODERATION_EXECUTION` (`GatewayIntent.AutoModerationExecution`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onAutoModerationActionExecution(
    _data: GatewayEventMap["AUTO_MODERATION_ACTION_EXECUTION"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `CHANNEL_CREATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onChannelCreate(
    _data: GatewayEventMap["CHANNEL_CREATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `CHANNEL_UPDATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onChannelUpdate(
    _data: GatewayEventMap["CHANNEL_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `CHANNEL_DELETE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onChannelDelete(
    _data: GatewayEventMap["CHANNEL_DELETE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `CHANNEL_INFO` dispatch (Channels). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onChannelInfo(
    _data: GatewayEventMap["CHANNEL_INFO"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `VOICE_CHANNEL_STATUS_UPDATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onVoiceChannelStatusUpdate(
    _data: GatewayEventMap["VOICE_CHANNEL_STATUS_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `VOICE_CHANNEL_START_TIME_UPDATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onVoiceChannelStartTimeUpdate(
    _data: GatewayEventMap["VOICE_CHANNEL_START_TIME_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `THREAD_CREATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onThreadCreate(
    _data: GatewayEventMap["THREAD_CREATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `THREAD_UPDATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onThreadUpdate(
    _data: GatewayEventMap["THREAD_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `THREAD_DELETE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onThreadDelete(
    _data: GatewayEventMap["THREAD_DELETE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `THREAD_LIST_SYNC` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onThreadListSync(
    _data: GatewayEventMap["THREAD_LIST_SYNC"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `THREAD_MEMBER_UPDATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onThreadMemberUpdate(
    _data: GatewayEventMap["THREAD_MEMBER_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `THREAD_MEMBERS_UPDATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) or `GUILD_MEMBERS` (`GatewayIntent.GuildMembers`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onThreadMembersUpdate(
    _data: GatewayEventMap["THREAD_MEMBERS_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `CHANNEL_PINS_UPDATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) or `DIRECT_MESSAGES` (`GatewayIntent.DirectMessages`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onChannelPinsUpdate(
    _data: GatewayEventMap["CHANNEL_PINS_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `ENTITLEMENT_CREATE` dispatch (Entitlements). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onEntitlementCreate(
    _data: GatewayEventMap["ENTITLEMENT_CREATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `ENTITLEMENT_UPDATE` dispatch (Entitlements). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onEntitlementUpdate(
    _data: GatewayEventMap["ENTITLEMENT_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `ENTITLEMENT_DELETE` dispatch (Entitlements). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onEntitlementDelete(
    _data: GatewayEventMap["ENTITLEMENT_DELETE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_CREATE` dispatch (Guilds). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildCreate(
    _data: GatewayEventMap["GUILD_CREATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_UPDATE` dispatch (Guilds). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildUpdate(
    _data: GatewayEventMap["GUILD_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_DELETE` dispatch (Guilds). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildDelete(
    _data: GatewayEventMap["GUILD_DELETE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_AUDIT_LOG_ENTRY_CREATE` dispatch (Guilds). Needs the `GUILD_MODERATION` (`GatewayIntent.GuildModeration`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildAuditLogEntryCreate(
    _data: GatewayEventMap["GUILD_AUDIT_LOG_ENTRY_CREATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_BAN_ADD` dispatch (Guilds). Needs the `GUILD_MODERATION` (`GatewayIntent.GuildModeration`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildBanAdd(
    _data: GatewayEventMap["GUILD_BAN_ADD"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_BAN_REMOVE` dispatch (Guilds). Needs the `GUILD_MODERATION` (`GatewayIntent.GuildModeration`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildBanRemove(
    _data: GatewayEventMap["GUILD_BAN_REMOVE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_EMOJIS_UPDATE` dispatch (Guilds). Needs the `GUILD_EXPRESSIONS` (`GatewayIntent.GuildExpressions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildEmojisUpdate(
    _data: GatewayEventMap["GUILD_EMOJIS_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_STICKERS_UPDATE` dispatch (Guilds). Needs the `GUILD_EXPRESSIONS` (`GatewayIntent.GuildExpressions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildStickersUpdate(
    _data: GatewayEventMap["GUILD_STICKERS_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_INTEGRATIONS_UPDATE` dispatch (Guilds). Needs the `GUILD_INTEGRATIONS` (`GatewayIntent.GuildIntegrations`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildIntegrationsUpdate(
    _data: GatewayEventMap["GUILD_INTEGRATIONS_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_MEMBER_ADD` dispatch (Guilds). Needs the `GUILD_MEMBERS` (`GatewayIntent.GuildMembers`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildMemberAdd(
    _data: GatewayEventMap["GUILD_MEMBER_ADD"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_MEMBER_REMOVE` dispatch (Guilds). Needs the `GUILD_MEMBERS` (`GatewayIntent.GuildMembers`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildMemberRemove(
    _data: GatewayEventMap["GUILD_MEMBER_REMOVE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_MEMBER_UPDATE` dispatch (Guilds). Needs the `GUILD_MEMBERS` (`GatewayIntent.GuildMembers`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildMemberUpdate(
    _data: GatewayEventMap["GUILD_MEMBER_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_MEMBERS_CHUNK` dispatch (Guilds). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildMembersChunk(
    _data: GatewayEventMap["GUILD_MEMBERS_CHUNK"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_ROLE_CREATE` dispatch (Guilds). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildRoleCreate(
    _data: GatewayEventMap["GUILD_ROLE_CREATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_ROLE_UPDATE` dispatch (Guilds). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildRoleUpdate(
    _data: GatewayEventMap["GUILD_ROLE_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_ROLE_DELETE` dispatch (Guilds). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildRoleDelete(
    _data: GatewayEventMap["GUILD_ROLE_DELETE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SCHEDULED_EVENT_CREATE` dispatch (Guilds). Needs the `GUILD_SCHEDULED_EVENTS` (`GatewayIntent.GuildScheduledEvents`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildScheduledEventCreate(
    _data: GatewayEventMap["GUILD_SCHEDULED_EVENT_CREATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SCHEDULED_EVENT_UPDATE` dispatch (Guilds). Needs the `GUILD_SCHEDULED_EVENTS` (`GatewayIntent.GuildScheduledEvents`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildScheduledEventUpdate(
    _data: GatewayEventMap["GUILD_SCHEDULED_EVENT_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SCHEDULED_EVENT_DELETE` dispatch (Guilds). Needs the `GUILD_SCHEDULED_EVENTS` (`GatewayIntent.GuildScheduledEvents`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildScheduledEventDelete(
    _data: GatewayEventMap["GUILD_SCHEDULED_EVENT_DELETE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SCHEDULED_EVENT_USER_ADD` dispatch (Guilds). Needs the `GUILD_SCHEDULED_EVENTS` (`GatewayIntent.GuildScheduledEvents`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildScheduledEventUserAdd(
    _data: GatewayEventMap["GUILD_SCHEDULED_EVENT_USER_ADD"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SCHEDULED_EVENT_USER_REMOVE` dispatch (Guilds). Needs the `GUILD_SCHEDULED_EVENTS` (`GatewayIntent.GuildScheduledEvents`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildScheduledEventUserRemove(
    _data: GatewayEventMap["GUILD_SCHEDULED_EVENT_USER_REMOVE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SOUNDBOARD_SOUND_CREATE` dispatch (Guilds). Needs the `GUILD_EXPRESSIONS` (`GatewayIntent.GuildExpressions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildSoundboardSoundCreate(
    _data: GatewayEventMap["GUILD_SOUNDBOARD_SOUND_CREATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SOUNDBOARD_SOUND_UPDATE` dispatch (Guilds). Needs the `GUILD_EXPRESSIONS` (`GatewayIntent.GuildExpressions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildSoundboardSoundUpdate(
    _data: GatewayEventMap["GUILD_SOUNDBOARD_SOUND_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SOUNDBOARD_SOUND_DELETE` dispatch (Guilds). Needs the `GUILD_EXPRESSIONS` (`GatewayIntent.GuildExpressions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildSoundboardSoundDelete(
    _data: GatewayEventMap["GUILD_SOUNDBOARD_SOUND_DELETE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SOUNDBOARD_SOUNDS_UPDATE` dispatch (Guilds). Needs the `GUILD_EXPRESSIONS` (`GatewayIntent.GuildExpressions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildSoundboardSoundsUpdate(
    _data: GatewayEventMap["GUILD_SOUNDBOARD_SOUNDS_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `SOUNDBOARD_SOUNDS` dispatch (Guilds). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onSoundboardSounds(
    _data: GatewayEventMap["SOUNDBOARD_SOUNDS"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `INTEGRATION_CREATE` dispatch (Integrations). Needs the `GUILD_INTEGRATIONS` (`GatewayIntent.GuildIntegrations`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onIntegrationCreate(
    _data: GatewayEventMap["INTEGRATION_CREATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `INTEGRATION_UPDATE` dispatch (Integrations). Needs the `GUILD_INTEGRATIONS` (`GatewayIntent.GuildIntegrations`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onIntegrationUpdate(
    _data: GatewayEventMap["INTEGRATION_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `INTEGRATION_DELETE` dispatch (Integrations). Needs the `GUILD_INTEGRATIONS` (`GatewayIntent.GuildIntegrations`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onIntegrationDelete(
    _data: GatewayEventMap["INTEGRATION_DELETE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `INVITE_CREATE` dispatch (Invites). Needs the `GUILD_INVITES` (`GatewayIntent.GuildInvites`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onInviteCreate(
    _data: GatewayEventMap["INVITE_CREATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `INVITE_DELETE` dispatch (Invites). Needs the `GUILD_INVITES` (`GatewayIntent.GuildInvites`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onInviteDelete(
    _data: GatewayEventMap["INVITE_DELETE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_CREATE` dispatch (Messages). Needs the `GUILD_MESSAGES` (`GatewayIntent.GuildMessages`) or `DIRECT_MESSAGES` (`GatewayIntent.DirectMessages`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onMessageCreate(
    _data: GatewayEventMap["MESSAGE_CREATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_UPDATE` dispatch (Messages). Needs the `GUILD_MESSAGES` (`GatewayIntent.GuildMessages`) or `DIRECT_MESSAGES` (`GatewayIntent.DirectMessages`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onMessageUpdate(
    _data: GatewayEventMap["MESSAGE_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_DELETE` dispatch (Messages). Needs the `GUILD_MESSAGES` (`GatewayIntent.GuildMessages`) or `DIRECT_MESSAGES` (`GatewayIntent.DirectMessages`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onMessageDelete(
    _data: GatewayEventMap["MESSAGE_DELETE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_DELETE_BULK` dispatch (Messages). Needs the `GUILD_MESSAGES` (`GatewayIntent.GuildMessages`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onMessageDeleteBulk(
    _data: GatewayEventMap["MESSAGE_DELETE_BULK"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_REACTION_ADD` dispatch (Messages). Needs the `GUILD_MESSAGE_REACTIONS` (`GatewayIntent.GuildMessageReactions`) or `DIRECT_MESSAGE_REACTIONS` (`GatewayIntent.DirectMessageReactions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onMessageReactionAdd(
    _data: GatewayEventMap["MESSAGE_REACTION_ADD"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_REACTION_REMOVE` dispatch (Messages). Needs the `GUILD_MESSAGE_REACTIONS` (`GatewayIntent.GuildMessageReactions`) or `DIRECT_MESSAGE_REACTIONS` (`GatewayIntent.DirectMessageReactions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onMessageReactionRemove(
    _data: GatewayEventMap["MESSAGE_REACTION_REMOVE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_REACTION_REMOVE_ALL` dispatch (Messages). Needs the `GUILD_MESSAGE_REACTIONS` (`GatewayIntent.GuildMessageReactions`) or `DIRECT_MESSAGE_REACTIONS` (`GatewayIntent.DirectMessageReactions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onMessageReactionRemoveAll(
    _data: GatewayEventMap["MESSAGE_REACTION_REMOVE_ALL"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_REACTION_REMOVE_EMOJI` dispatch (Messages). Needs the `GUILD_MESSAGE_REACTIONS` (`GatewayIntent.GuildMessageReactions`) or `DIRECT_MESSAGE_REACTIONS` (`GatewayIntent.DirectMessageReactions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onMessageReactionRemoveEmoji(
    _data: GatewayEventMap["MESSAGE_REACTION_REMOVE_EMOJI"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `PRESENCE_UPDATE` dispatch (Presence). Needs the `GUILD_PRESENCES` (`GatewayIntent.GuildPresences`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onPresenceUpdate(
    _data: GatewayEventMap["PRESENCE_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `TYPING_START` dispatch (Presence). Needs the `GUILD_MESSAGE_TYPING` (`GatewayIntent.GuildMessageTyping`) or `DIRECT_MESSAGE_TYPING` (`GatewayIntent.DirectMessageTyping`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onTypingStart(
    _data: GatewayEventMap["TYPING_START"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `USER_UPDATE` dispatch (Presence). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onUserUpdate(
    _data: GatewayEventMap["USER_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `VOICE_CHANNEL_EFFECT_SEND` dispatch (Voice). Needs the `GUILD_VOICE_STATES` (`GatewayIntent.GuildVoiceStates`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onVoiceChannelEffectSend(
    _data: GatewayEventMap["VOICE_CHANNEL_EFFECT_SEND"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `VOICE_STATE_UPDATE` dispatch (Voice). Needs the `GUILD_VOICE_STATES` (`GatewayIntent.GuildVoiceStates`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onVoiceStateUpdate(
    _data: GatewayEventMap["VOICE_STATE_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `VOICE_SERVER_UPDATE` dispatch (Voice). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onVoiceServerUpdate(
    _data: GatewayEventMap["VOICE_SERVER_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `WEBHOOKS_UPDATE` dispatch (Webhooks). Needs the `GUILD_WEBHOOKS` (`GatewayIntent.GuildWebhooks`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onWebhooksUpdate(
    _data: GatewayEventMap["WEBHOOKS_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `INTERACTION_CREATE` dispatch (Interactions). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onInteractionCreate(
    _data: GatewayEventMap["INTERACTION_CREATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `STAGE_INSTANCE_CREATE` dispatch (Stage Instances). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onStageInstanceCreate(
    _data: GatewayEventMap["STAGE_INSTANCE_CREATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `STAGE_INSTANCE_UPDATE` dispatch (Stage Instances). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onStageInstanceUpdate(
    _data: GatewayEventMap["STAGE_INSTANCE_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `STAGE_INSTANCE_DELETE` dispatch (Stage Instances). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onStageInstanceDelete(
    _data: GatewayEventMap["STAGE_INSTANCE_DELETE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `SUBSCRIPTION_CREATE` dispatch (Subscriptions). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onSubscriptionCreate(
    _data: GatewayEventMap["SUBSCRIPTION_CREATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `SUBSCRIPTION_UPDATE` dispatch (Subscriptions). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onSubscriptionUpdate(
    _data: GatewayEventMap["SUBSCRIPTION_UPDATE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `SUBSCRIPTION_DELETE` dispatch (Subscriptions). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onSubscriptionDelete(
    _data: GatewayEventMap["SUBSCRIPTION_DELETE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_POLL_VOTE_ADD` dispatch (Polls). Needs the `GUILD_MESSAGE_POLLS` (`GatewayIntent.GuildMessagePolls`) or `DIRECT_MESSAGE_POLLS` (`GatewayIntent.DirectMessagePolls`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onMessagePollVoteAdd(
    _data: GatewayEventMap["MESSAGE_POLL_VOTE_ADD"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_POLL_VOTE_REMOVE` dispatch (Polls). Needs the `GUILD_MESSAGE_POLLS` (`GatewayIntent.GuildMessagePolls`) or `DIRECT_MESSAGE_POLLS` (`GatewayIntent.DirectMessagePolls`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onMessagePollVoteRemove(
    _data: GatewayEventMap["MESSAGE_POLL_VOTE_REMOVE"],
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `RATE_LIMITED` dispatch (Rate Limits). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onRateLimited(
    _data: GatewayEventMap["RATE_LIMITED"],
    _ctx: Context,
  ): void | Promise<void> {}
}
