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
import type {
  ApplicationCommandPermissionsUpdateDispatch,
  AutoModerationActionExecutionDispatch,
  AutoModerationRuleCreateDispatch,
  AutoModerationRuleDeleteDispatch,
  AutoModerationRuleUpdateDispatch,
  ChannelCreateDispatch,
  ChannelDeleteDispatch,
  ChannelInfoDispatch,
  ChannelPinsUpdateDispatch,
  ChannelUpdateDispatch,
  EntitlementCreateDispatch,
  EntitlementDeleteDispatch,
  EntitlementUpdateDispatch,
  GuildAuditLogEntryCreateDispatch,
  GuildBanAddDispatch,
  GuildBanRemoveDispatch,
  GuildCreateDispatch,
  GuildDeleteDispatch,
  GuildEmojisUpdateDispatch,
  GuildIntegrationsUpdateDispatch,
  GuildMemberAddDispatch,
  GuildMemberRemoveDispatch,
  GuildMembersChunkDispatch,
  GuildMemberUpdateDispatch,
  GuildRoleCreateDispatch,
  GuildRoleDeleteDispatch,
  GuildRoleUpdateDispatch,
  GuildScheduledEventCreateDispatch,
  GuildScheduledEventDeleteDispatch,
  GuildScheduledEventUpdateDispatch,
  GuildScheduledEventUserAddDispatch,
  GuildScheduledEventUserRemoveDispatch,
  GuildSoundboardSoundCreateDispatch,
  GuildSoundboardSoundDeleteDispatch,
  GuildSoundboardSoundsUpdateDispatch,
  GuildSoundboardSoundUpdateDispatch,
  GuildStickersUpdateDispatch,
  GuildUpdateDispatch,
  IntegrationCreateDispatch,
  IntegrationDeleteDispatch,
  IntegrationUpdateDispatch,
  InteractionCreateDispatch,
  InviteCreateDispatch,
  InviteDeleteDispatch,
  MessageCreateDispatch,
  MessageDeleteBulkDispatch,
  MessageDeleteDispatch,
  MessagePollVoteAddDispatch,
  MessagePollVoteRemoveDispatch,
  MessageReactionAddDispatch,
  MessageReactionRemoveAllDispatch,
  MessageReactionRemoveDispatch,
  MessageReactionRemoveEmojiDispatch,
  MessageUpdateDispatch,
  PresenceUpdateDispatch,
  RateLimitedDispatch,
  ReadyDispatch,
  ResumedDispatch,
  SoundboardSoundsDispatch,
  StageInstanceCreateDispatch,
  StageInstanceDeleteDispatch,
  StageInstanceUpdateDispatch,
  SubscriptionCreateDispatch,
  SubscriptionDeleteDispatch,
  SubscriptionUpdateDispatch,
  ThreadCreateDispatch,
  ThreadDeleteDispatch,
  ThreadListSyncDispatch,
  ThreadMembersUpdateDispatch,
  ThreadMemberUpdateDispatch,
  ThreadUpdateDispatch,
  TypingStartDispatch,
  UserUpdateDispatch,
  VoiceChannelEffectSendDispatch,
  VoiceChannelStartTimeUpdateDispatch,
  VoiceChannelStatusUpdateDispatch,
  VoiceServerUpdateDispatch,
  VoiceStateUpdateDispatch,
  WebhooksUpdateDispatch,
} from "../types/dispatch_payloads.ts";

/**
 * A bot's event handlers. Extend it and override only the methods for the
 * events you care about; every method receives the typed payload and the
 * shard's {@linkcode Context}. Methods may be async: the client awaits them
 * and keeps each shard's events in order. Whatever a method throws reaches
 * {@linkcode Handler.onError} as a {@linkcode HandlerError} and the shard
 * carries on.
 *
 * Each method's documentation names the intent it needs; the client warns at
 * start-up about overridden methods the requested intents can never trigger,
 * and about `on…` methods that match no event (a misspelt name without
 * `override`), naming the nearest event method. Warnings and handler errors
 * reach stderr unless LogTape is configured for `disruption`.
 *
 * @example A ping bot
 * ```ts
 * import { type Context, Handler } from "@disruption/disruption/handler";
 * import type { MessageCreateDispatch } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * class PingBot extends Handler {
 *   override async onMessageCreate(
 *     message: MessageCreateDispatch,
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
   * (category `disruption.handler`), and prints it with its stack to stderr
   * when the application configured no LogTape sink for that category.
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
    _data: ReadyDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `RESUMED` dispatch (Connection). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onResumed(
    _data: ResumedDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `APPLICATION_COMMAND_PERMISSIONS_UPDATE` dispatch (Application Commands). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onApplicationCommandPermissionsUpdate(
    _data: ApplicationCommandPermissionsUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `AUTO_MODERATION_RULE_CREATE` dispatch (Auto Moderation). Needs the `AUTO_MODERATION_CONFIGURATION` (`GatewayIntent.AutoModerationConfiguration`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onAutoModerationRuleCreate(
    _data: AutoModerationRuleCreateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `AUTO_MODERATION_RULE_UPDATE` dispatch (Auto Moderation). Needs the `AUTO_MODERATION_CONFIGURATION` (`GatewayIntent.AutoModerationConfiguration`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onAutoModerationRuleUpdate(
    _data: AutoModerationRuleUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `AUTO_MODERATION_RULE_DELETE` dispatch (Auto Moderation). Needs the `AUTO_MODERATION_CONFIGURATION` (`GatewayIntent.AutoModerationConfiguration`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onAutoModerationRuleDelete(
    _data: AutoModerationRuleDeleteDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `AUTO_MODERATION_ACTION_EXECUTION` dispatch (Auto Moderation). Needs the `AUTO_MODERATION_EXECUTION` (`GatewayIntent.AutoModerationExecution`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onAutoModerationActionExecution(
    _data: AutoModerationActionExecutionDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `CHANNEL_CREATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onChannelCreate(
    _data: ChannelCreateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `CHANNEL_UPDATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onChannelUpdate(
    _data: ChannelUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `CHANNEL_DELETE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onChannelDelete(
    _data: ChannelDeleteDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `CHANNEL_INFO` dispatch (Channels). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onChannelInfo(
    _data: ChannelInfoDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `VOICE_CHANNEL_STATUS_UPDATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onVoiceChannelStatusUpdate(
    _data: VoiceChannelStatusUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `VOICE_CHANNEL_START_TIME_UPDATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onVoiceChannelStartTimeUpdate(
    _data: VoiceChannelStartTimeUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `THREAD_CREATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onThreadCreate(
    _data: ThreadCreateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `THREAD_UPDATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onThreadUpdate(
    _data: ThreadUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `THREAD_DELETE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onThreadDelete(
    _data: ThreadDeleteDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `THREAD_LIST_SYNC` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onThreadListSync(
    _data: ThreadListSyncDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `THREAD_MEMBER_UPDATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onThreadMemberUpdate(
    _data: ThreadMemberUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `THREAD_MEMBERS_UPDATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) or `GUILD_MEMBERS` (`GatewayIntent.GuildMembers`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onThreadMembersUpdate(
    _data: ThreadMembersUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `CHANNEL_PINS_UPDATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) or `DIRECT_MESSAGES` (`GatewayIntent.DirectMessages`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onChannelPinsUpdate(
    _data: ChannelPinsUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `ENTITLEMENT_CREATE` dispatch (Entitlements). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onEntitlementCreate(
    _data: EntitlementCreateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `ENTITLEMENT_UPDATE` dispatch (Entitlements). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onEntitlementUpdate(
    _data: EntitlementUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `ENTITLEMENT_DELETE` dispatch (Entitlements). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onEntitlementDelete(
    _data: EntitlementDeleteDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_CREATE` dispatch (Guilds). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildCreate(
    _data: GuildCreateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_UPDATE` dispatch (Guilds). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildUpdate(
    _data: GuildUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_DELETE` dispatch (Guilds). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildDelete(
    _data: GuildDeleteDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_AUDIT_LOG_ENTRY_CREATE` dispatch (Guilds). Needs the `GUILD_MODERATION` (`GatewayIntent.GuildModeration`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildAuditLogEntryCreate(
    _data: GuildAuditLogEntryCreateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_BAN_ADD` dispatch (Guilds). Needs the `GUILD_MODERATION` (`GatewayIntent.GuildModeration`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildBanAdd(
    _data: GuildBanAddDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_BAN_REMOVE` dispatch (Guilds). Needs the `GUILD_MODERATION` (`GatewayIntent.GuildModeration`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildBanRemove(
    _data: GuildBanRemoveDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_EMOJIS_UPDATE` dispatch (Guilds). Needs the `GUILD_EXPRESSIONS` (`GatewayIntent.GuildExpressions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildEmojisUpdate(
    _data: GuildEmojisUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_STICKERS_UPDATE` dispatch (Guilds). Needs the `GUILD_EXPRESSIONS` (`GatewayIntent.GuildExpressions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildStickersUpdate(
    _data: GuildStickersUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_INTEGRATIONS_UPDATE` dispatch (Guilds). Needs the `GUILD_INTEGRATIONS` (`GatewayIntent.GuildIntegrations`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildIntegrationsUpdate(
    _data: GuildIntegrationsUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_MEMBER_ADD` dispatch (Guilds). Needs the `GUILD_MEMBERS` (`GatewayIntent.GuildMembers`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildMemberAdd(
    _data: GuildMemberAddDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_MEMBER_REMOVE` dispatch (Guilds). Needs the `GUILD_MEMBERS` (`GatewayIntent.GuildMembers`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildMemberRemove(
    _data: GuildMemberRemoveDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_MEMBER_UPDATE` dispatch (Guilds). Needs the `GUILD_MEMBERS` (`GatewayIntent.GuildMembers`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildMemberUpdate(
    _data: GuildMemberUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_MEMBERS_CHUNK` dispatch (Guilds). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildMembersChunk(
    _data: GuildMembersChunkDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_ROLE_CREATE` dispatch (Guilds). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildRoleCreate(
    _data: GuildRoleCreateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_ROLE_UPDATE` dispatch (Guilds). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildRoleUpdate(
    _data: GuildRoleUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_ROLE_DELETE` dispatch (Guilds). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildRoleDelete(
    _data: GuildRoleDeleteDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SCHEDULED_EVENT_CREATE` dispatch (Guilds). Needs the `GUILD_SCHEDULED_EVENTS` (`GatewayIntent.GuildScheduledEvents`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildScheduledEventCreate(
    _data: GuildScheduledEventCreateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SCHEDULED_EVENT_UPDATE` dispatch (Guilds). Needs the `GUILD_SCHEDULED_EVENTS` (`GatewayIntent.GuildScheduledEvents`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildScheduledEventUpdate(
    _data: GuildScheduledEventUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SCHEDULED_EVENT_DELETE` dispatch (Guilds). Needs the `GUILD_SCHEDULED_EVENTS` (`GatewayIntent.GuildScheduledEvents`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildScheduledEventDelete(
    _data: GuildScheduledEventDeleteDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SCHEDULED_EVENT_USER_ADD` dispatch (Guilds). Needs the `GUILD_SCHEDULED_EVENTS` (`GatewayIntent.GuildScheduledEvents`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildScheduledEventUserAdd(
    _data: GuildScheduledEventUserAddDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SCHEDULED_EVENT_USER_REMOVE` dispatch (Guilds). Needs the `GUILD_SCHEDULED_EVENTS` (`GatewayIntent.GuildScheduledEvents`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildScheduledEventUserRemove(
    _data: GuildScheduledEventUserRemoveDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SOUNDBOARD_SOUND_CREATE` dispatch (Guilds). Needs the `GUILD_EXPRESSIONS` (`GatewayIntent.GuildExpressions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildSoundboardSoundCreate(
    _data: GuildSoundboardSoundCreateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SOUNDBOARD_SOUND_UPDATE` dispatch (Guilds). Needs the `GUILD_EXPRESSIONS` (`GatewayIntent.GuildExpressions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildSoundboardSoundUpdate(
    _data: GuildSoundboardSoundUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SOUNDBOARD_SOUND_DELETE` dispatch (Guilds). Needs the `GUILD_EXPRESSIONS` (`GatewayIntent.GuildExpressions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildSoundboardSoundDelete(
    _data: GuildSoundboardSoundDeleteDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SOUNDBOARD_SOUNDS_UPDATE` dispatch (Guilds). Needs the `GUILD_EXPRESSIONS` (`GatewayIntent.GuildExpressions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildSoundboardSoundsUpdate(
    _data: GuildSoundboardSoundsUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `SOUNDBOARD_SOUNDS` dispatch (Guilds). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onSoundboardSounds(
    _data: SoundboardSoundsDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `INTEGRATION_CREATE` dispatch (Integrations). Needs the `GUILD_INTEGRATIONS` (`GatewayIntent.GuildIntegrations`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onIntegrationCreate(
    _data: IntegrationCreateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `INTEGRATION_UPDATE` dispatch (Integrations). Needs the `GUILD_INTEGRATIONS` (`GatewayIntent.GuildIntegrations`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onIntegrationUpdate(
    _data: IntegrationUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `INTEGRATION_DELETE` dispatch (Integrations). Needs the `GUILD_INTEGRATIONS` (`GatewayIntent.GuildIntegrations`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onIntegrationDelete(
    _data: IntegrationDeleteDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `INVITE_CREATE` dispatch (Invites). Needs the `GUILD_INVITES` (`GatewayIntent.GuildInvites`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onInviteCreate(
    _data: InviteCreateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `INVITE_DELETE` dispatch (Invites). Needs the `GUILD_INVITES` (`GatewayIntent.GuildInvites`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onInviteDelete(
    _data: InviteDeleteDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_CREATE` dispatch (Messages). Needs the `GUILD_MESSAGES` (`GatewayIntent.GuildMessages`) or `DIRECT_MESSAGES` (`GatewayIntent.DirectMessages`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onMessageCreate(
    _data: MessageCreateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_UPDATE` dispatch (Messages). Needs the `GUILD_MESSAGES` (`GatewayIntent.GuildMessages`) or `DIRECT_MESSAGES` (`GatewayIntent.DirectMessages`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onMessageUpdate(
    _data: MessageUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_DELETE` dispatch (Messages). Needs the `GUILD_MESSAGES` (`GatewayIntent.GuildMessages`) or `DIRECT_MESSAGES` (`GatewayIntent.DirectMessages`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onMessageDelete(
    _data: MessageDeleteDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_DELETE_BULK` dispatch (Messages). Needs the `GUILD_MESSAGES` (`GatewayIntent.GuildMessages`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onMessageDeleteBulk(
    _data: MessageDeleteBulkDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_REACTION_ADD` dispatch (Messages). Needs the `GUILD_MESSAGE_REACTIONS` (`GatewayIntent.GuildMessageReactions`) or `DIRECT_MESSAGE_REACTIONS` (`GatewayIntent.DirectMessageReactions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onMessageReactionAdd(
    _data: MessageReactionAddDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_REACTION_REMOVE` dispatch (Messages). Needs the `GUILD_MESSAGE_REACTIONS` (`GatewayIntent.GuildMessageReactions`) or `DIRECT_MESSAGE_REACTIONS` (`GatewayIntent.DirectMessageReactions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onMessageReactionRemove(
    _data: MessageReactionRemoveDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_REACTION_REMOVE_ALL` dispatch (Messages). Needs the `GUILD_MESSAGE_REACTIONS` (`GatewayIntent.GuildMessageReactions`) or `DIRECT_MESSAGE_REACTIONS` (`GatewayIntent.DirectMessageReactions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onMessageReactionRemoveAll(
    _data: MessageReactionRemoveAllDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_REACTION_REMOVE_EMOJI` dispatch (Messages). Needs the `GUILD_MESSAGE_REACTIONS` (`GatewayIntent.GuildMessageReactions`) or `DIRECT_MESSAGE_REACTIONS` (`GatewayIntent.DirectMessageReactions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onMessageReactionRemoveEmoji(
    _data: MessageReactionRemoveEmojiDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `PRESENCE_UPDATE` dispatch (Presence). Needs the `GUILD_PRESENCES` (`GatewayIntent.GuildPresences`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onPresenceUpdate(
    _data: PresenceUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `TYPING_START` dispatch (Presence). Needs the `GUILD_MESSAGE_TYPING` (`GatewayIntent.GuildMessageTyping`) or `DIRECT_MESSAGE_TYPING` (`GatewayIntent.DirectMessageTyping`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onTypingStart(
    _data: TypingStartDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `USER_UPDATE` dispatch (Presence). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onUserUpdate(
    _data: UserUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `VOICE_CHANNEL_EFFECT_SEND` dispatch (Voice). Needs the `GUILD_VOICE_STATES` (`GatewayIntent.GuildVoiceStates`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onVoiceChannelEffectSend(
    _data: VoiceChannelEffectSendDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `VOICE_STATE_UPDATE` dispatch (Voice). Needs the `GUILD_VOICE_STATES` (`GatewayIntent.GuildVoiceStates`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onVoiceStateUpdate(
    _data: VoiceStateUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `VOICE_SERVER_UPDATE` dispatch (Voice). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onVoiceServerUpdate(
    _data: VoiceServerUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `WEBHOOKS_UPDATE` dispatch (Webhooks). Needs the `GUILD_WEBHOOKS` (`GatewayIntent.GuildWebhooks`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onWebhooksUpdate(
    _data: WebhooksUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `INTERACTION_CREATE` dispatch (Interactions). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onInteractionCreate(
    _data: InteractionCreateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `STAGE_INSTANCE_CREATE` dispatch (Stage Instances). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onStageInstanceCreate(
    _data: StageInstanceCreateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `STAGE_INSTANCE_UPDATE` dispatch (Stage Instances). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onStageInstanceUpdate(
    _data: StageInstanceUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `STAGE_INSTANCE_DELETE` dispatch (Stage Instances). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onStageInstanceDelete(
    _data: StageInstanceDeleteDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `SUBSCRIPTION_CREATE` dispatch (Subscriptions). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onSubscriptionCreate(
    _data: SubscriptionCreateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `SUBSCRIPTION_UPDATE` dispatch (Subscriptions). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onSubscriptionUpdate(
    _data: SubscriptionUpdateDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `SUBSCRIPTION_DELETE` dispatch (Subscriptions). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onSubscriptionDelete(
    _data: SubscriptionDeleteDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_POLL_VOTE_ADD` dispatch (Polls). Needs the `GUILD_MESSAGE_POLLS` (`GatewayIntent.GuildMessagePolls`) or `DIRECT_MESSAGE_POLLS` (`GatewayIntent.DirectMessagePolls`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onMessagePollVoteAdd(
    _data: MessagePollVoteAddDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_POLL_VOTE_REMOVE` dispatch (Polls). Needs the `GUILD_MESSAGE_POLLS` (`GatewayIntent.GuildMessagePolls`) or `DIRECT_MESSAGE_POLLS` (`GatewayIntent.DirectMessagePolls`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onMessagePollVoteRemove(
    _data: MessagePollVoteRemoveDispatch,
    _ctx: Context,
  ): void | Promise<void> {}

  /**
   * Called for each `RATE_LIMITED` dispatch (Rate Limits). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onRateLimited(
    _data: RateLimitedDispatch,
    _ctx: Context,
  ): void | Promise<void> {}
}
