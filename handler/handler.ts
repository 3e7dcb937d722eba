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
import type { OldState } from "../cache/old_state.ts";
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
 * shard's {@linkcode Context}, whose `old` (the state before the event, with
 * the Client's `cache`) is typed for the event: declare the parameter as
 * `ctx: Context<OldState<"MESSAGE_DELETE">>` to read it so, or as a plain
 * `Context` to ignore it. Methods may be async: the client awaits them
 * and keeps each shard's events in order. Whatever an event method throws
 * reaches {@linkcode Handler.onError} as a {@linkcode HandlerError} and the
 * shard carries on; what the lifecycle methods (`onError`,
 * `onShardStateChange`, `onGatewayError`) throw is logged instead.
 *
 * Each method's documentation names the intent it needs; the client warns at
 * start-up about overridden methods the requested intents can never trigger,
 * and about every `on…` method matching no event (a misspelt name, or
 * `onMessage`), naming the method meant when clear. Warnings and handler errors
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
   * Called when an event method (`onRaw` and the `on<Event>` methods) or a
   * Client listener throws or rejects. When this method is not overridden
   * the client logs the error through LogTape (category
   * `disruption.handler`), and prints it with its stack to stderr when the
   * application configured no LogTape sink for that category.
   *
   * Not called for what `onShardStateChange`, `onGatewayError` or this
   * method itself throw or reject with: that is logged the same way as
   * `Handler.<method> threw: …`, naming the method (a `HandlerError` names
   * an event, which they have none of, and an `onError` fed its own
   * failures could loop).
   *
   * @param _error The error, with the event and shard it happened on.
   */
  onError(_error: HandlerError): void | Promise<void> {}

  /**
   * Called when a shard's status changes (connecting, ready, reconnecting,
   * closed, ...). What it throws or rejects with is logged (category
   * `disruption.handler`, stderr without a sink), not passed to `onError`.
   *
   * @param _change The shard and its previous and current status.
   */
  onShardStateChange(_change: ShardStateChange): void | Promise<void> {}

  /**
   * Called for gateway problems: fatal closes (the shard stops), timeouts and
   * undecodable frames (the shard recovers by itself). What it throws or
   * rejects with is logged (category `disruption.handler`, stderr without
   * a sink), not passed to `onError`.
   *
   * @param _error The gateway error.
   */
  onGatewayError(_error: GatewayError): void | Promise<void> {}

  /**
   * Called for each `READY` dispatch (Connection). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onReady(
    _data: ReadyDispatch,
    _ctx: Context<OldState<"READY">>,
  ): void | Promise<void> {}

  /**
   * Called for each `RESUMED` dispatch (Connection). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onResumed(
    _data: ResumedDispatch,
    _ctx: Context<OldState<"RESUMED">>,
  ): void | Promise<void> {}

  /**
   * Called for each `APPLICATION_COMMAND_PERMISSIONS_UPDATE` dispatch (Application Commands). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onApplicationCommandPermissionsUpdate(
    _data: ApplicationCommandPermissionsUpdateDispatch,
    _ctx: Context<OldState<"APPLICATION_COMMAND_PERMISSIONS_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `AUTO_MODERATION_RULE_CREATE` dispatch (Auto Moderation). Needs the `AUTO_MODERATION_CONFIGURATION` (`GatewayIntent.AutoModerationConfiguration`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onAutoModerationRuleCreate(
    _data: AutoModerationRuleCreateDispatch,
    _ctx: Context<OldState<"AUTO_MODERATION_RULE_CREATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `AUTO_MODERATION_RULE_UPDATE` dispatch (Auto Moderation). Needs the `AUTO_MODERATION_CONFIGURATION` (`GatewayIntent.AutoModerationConfiguration`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onAutoModerationRuleUpdate(
    _data: AutoModerationRuleUpdateDispatch,
    _ctx: Context<OldState<"AUTO_MODERATION_RULE_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `AUTO_MODERATION_RULE_DELETE` dispatch (Auto Moderation). Needs the `AUTO_MODERATION_CONFIGURATION` (`GatewayIntent.AutoModerationConfiguration`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onAutoModerationRuleDelete(
    _data: AutoModerationRuleDeleteDispatch,
    _ctx: Context<OldState<"AUTO_MODERATION_RULE_DELETE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `AUTO_MODERATION_ACTION_EXECUTION` dispatch (Auto Moderation). Needs the `AUTO_MODERATION_EXECUTION` (`GatewayIntent.AutoModerationExecution`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onAutoModerationActionExecution(
    _data: AutoModerationActionExecutionDispatch,
    _ctx: Context<OldState<"AUTO_MODERATION_ACTION_EXECUTION">>,
  ): void | Promise<void> {}

  /**
   * Called for each `CHANNEL_CREATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onChannelCreate(
    _data: ChannelCreateDispatch,
    _ctx: Context<OldState<"CHANNEL_CREATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `CHANNEL_UPDATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onChannelUpdate(
    _data: ChannelUpdateDispatch,
    _ctx: Context<OldState<"CHANNEL_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `CHANNEL_DELETE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onChannelDelete(
    _data: ChannelDeleteDispatch,
    _ctx: Context<OldState<"CHANNEL_DELETE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `CHANNEL_INFO` dispatch (Channels). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onChannelInfo(
    _data: ChannelInfoDispatch,
    _ctx: Context<OldState<"CHANNEL_INFO">>,
  ): void | Promise<void> {}

  /**
   * Called for each `VOICE_CHANNEL_STATUS_UPDATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onVoiceChannelStatusUpdate(
    _data: VoiceChannelStatusUpdateDispatch,
    _ctx: Context<OldState<"VOICE_CHANNEL_STATUS_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `VOICE_CHANNEL_START_TIME_UPDATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onVoiceChannelStartTimeUpdate(
    _data: VoiceChannelStartTimeUpdateDispatch,
    _ctx: Context<OldState<"VOICE_CHANNEL_START_TIME_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `THREAD_CREATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onThreadCreate(
    _data: ThreadCreateDispatch,
    _ctx: Context<OldState<"THREAD_CREATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `THREAD_UPDATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onThreadUpdate(
    _data: ThreadUpdateDispatch,
    _ctx: Context<OldState<"THREAD_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `THREAD_DELETE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onThreadDelete(
    _data: ThreadDeleteDispatch,
    _ctx: Context<OldState<"THREAD_DELETE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `THREAD_LIST_SYNC` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onThreadListSync(
    _data: ThreadListSyncDispatch,
    _ctx: Context<OldState<"THREAD_LIST_SYNC">>,
  ): void | Promise<void> {}

  /**
   * Called for each `THREAD_MEMBER_UPDATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onThreadMemberUpdate(
    _data: ThreadMemberUpdateDispatch,
    _ctx: Context<OldState<"THREAD_MEMBER_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `THREAD_MEMBERS_UPDATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) or `GUILD_MEMBERS` (`GatewayIntent.GuildMembers`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onThreadMembersUpdate(
    _data: ThreadMembersUpdateDispatch,
    _ctx: Context<OldState<"THREAD_MEMBERS_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `CHANNEL_PINS_UPDATE` dispatch (Channels). Needs the `GUILDS` (`GatewayIntent.Guilds`) or `DIRECT_MESSAGES` (`GatewayIntent.DirectMessages`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onChannelPinsUpdate(
    _data: ChannelPinsUpdateDispatch,
    _ctx: Context<OldState<"CHANNEL_PINS_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `ENTITLEMENT_CREATE` dispatch (Entitlements). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onEntitlementCreate(
    _data: EntitlementCreateDispatch,
    _ctx: Context<OldState<"ENTITLEMENT_CREATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `ENTITLEMENT_UPDATE` dispatch (Entitlements). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onEntitlementUpdate(
    _data: EntitlementUpdateDispatch,
    _ctx: Context<OldState<"ENTITLEMENT_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `ENTITLEMENT_DELETE` dispatch (Entitlements). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onEntitlementDelete(
    _data: EntitlementDeleteDispatch,
    _ctx: Context<OldState<"ENTITLEMENT_DELETE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_CREATE` dispatch (Guilds). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onGuildCreate(
    _data: GuildCreateDispatch,
    _ctx: Context<OldState<"GUILD_CREATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_UPDATE` dispatch (Guilds). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onGuildUpdate(
    _data: GuildUpdateDispatch,
    _ctx: Context<OldState<"GUILD_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_DELETE` dispatch (Guilds). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onGuildDelete(
    _data: GuildDeleteDispatch,
    _ctx: Context<OldState<"GUILD_DELETE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_AUDIT_LOG_ENTRY_CREATE` dispatch (Guilds). Needs the `GUILD_MODERATION` (`GatewayIntent.GuildModeration`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildAuditLogEntryCreate(
    _data: GuildAuditLogEntryCreateDispatch,
    _ctx: Context<OldState<"GUILD_AUDIT_LOG_ENTRY_CREATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_BAN_ADD` dispatch (Guilds). Needs the `GUILD_MODERATION` (`GatewayIntent.GuildModeration`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildBanAdd(
    _data: GuildBanAddDispatch,
    _ctx: Context<OldState<"GUILD_BAN_ADD">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_BAN_REMOVE` dispatch (Guilds). Needs the `GUILD_MODERATION` (`GatewayIntent.GuildModeration`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildBanRemove(
    _data: GuildBanRemoveDispatch,
    _ctx: Context<OldState<"GUILD_BAN_REMOVE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_EMOJIS_UPDATE` dispatch (Guilds). Needs the `GUILD_EXPRESSIONS` (`GatewayIntent.GuildExpressions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onGuildEmojisUpdate(
    _data: GuildEmojisUpdateDispatch,
    _ctx: Context<OldState<"GUILD_EMOJIS_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_STICKERS_UPDATE` dispatch (Guilds). Needs the `GUILD_EXPRESSIONS` (`GatewayIntent.GuildExpressions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onGuildStickersUpdate(
    _data: GuildStickersUpdateDispatch,
    _ctx: Context<OldState<"GUILD_STICKERS_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_INTEGRATIONS_UPDATE` dispatch (Guilds). Needs the `GUILD_INTEGRATIONS` (`GatewayIntent.GuildIntegrations`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildIntegrationsUpdate(
    _data: GuildIntegrationsUpdateDispatch,
    _ctx: Context<OldState<"GUILD_INTEGRATIONS_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_MEMBER_ADD` dispatch (Guilds). Needs the `GUILD_MEMBERS` (`GatewayIntent.GuildMembers`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildMemberAdd(
    _data: GuildMemberAddDispatch,
    _ctx: Context<OldState<"GUILD_MEMBER_ADD">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_MEMBER_REMOVE` dispatch (Guilds). Needs the `GUILD_MEMBERS` (`GatewayIntent.GuildMembers`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onGuildMemberRemove(
    _data: GuildMemberRemoveDispatch,
    _ctx: Context<OldState<"GUILD_MEMBER_REMOVE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_MEMBER_UPDATE` dispatch (Guilds). Needs the `GUILD_MEMBERS` (`GatewayIntent.GuildMembers`) intent, except for the bot's own member, whose updates Discord sends without it.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onGuildMemberUpdate(
    _data: GuildMemberUpdateDispatch,
    _ctx: Context<OldState<"GUILD_MEMBER_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_MEMBERS_CHUNK` dispatch (Guilds). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildMembersChunk(
    _data: GuildMembersChunkDispatch,
    _ctx: Context<OldState<"GUILD_MEMBERS_CHUNK">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_ROLE_CREATE` dispatch (Guilds). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onGuildRoleCreate(
    _data: GuildRoleCreateDispatch,
    _ctx: Context<OldState<"GUILD_ROLE_CREATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_ROLE_UPDATE` dispatch (Guilds). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onGuildRoleUpdate(
    _data: GuildRoleUpdateDispatch,
    _ctx: Context<OldState<"GUILD_ROLE_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_ROLE_DELETE` dispatch (Guilds). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onGuildRoleDelete(
    _data: GuildRoleDeleteDispatch,
    _ctx: Context<OldState<"GUILD_ROLE_DELETE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SCHEDULED_EVENT_CREATE` dispatch (Guilds). Needs the `GUILD_SCHEDULED_EVENTS` (`GatewayIntent.GuildScheduledEvents`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onGuildScheduledEventCreate(
    _data: GuildScheduledEventCreateDispatch,
    _ctx: Context<OldState<"GUILD_SCHEDULED_EVENT_CREATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SCHEDULED_EVENT_UPDATE` dispatch (Guilds). Needs the `GUILD_SCHEDULED_EVENTS` (`GatewayIntent.GuildScheduledEvents`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onGuildScheduledEventUpdate(
    _data: GuildScheduledEventUpdateDispatch,
    _ctx: Context<OldState<"GUILD_SCHEDULED_EVENT_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SCHEDULED_EVENT_DELETE` dispatch (Guilds). Needs the `GUILD_SCHEDULED_EVENTS` (`GatewayIntent.GuildScheduledEvents`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onGuildScheduledEventDelete(
    _data: GuildScheduledEventDeleteDispatch,
    _ctx: Context<OldState<"GUILD_SCHEDULED_EVENT_DELETE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SCHEDULED_EVENT_USER_ADD` dispatch (Guilds). Needs the `GUILD_SCHEDULED_EVENTS` (`GatewayIntent.GuildScheduledEvents`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onGuildScheduledEventUserAdd(
    _data: GuildScheduledEventUserAddDispatch,
    _ctx: Context<OldState<"GUILD_SCHEDULED_EVENT_USER_ADD">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SCHEDULED_EVENT_USER_REMOVE` dispatch (Guilds). Needs the `GUILD_SCHEDULED_EVENTS` (`GatewayIntent.GuildScheduledEvents`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onGuildScheduledEventUserRemove(
    _data: GuildScheduledEventUserRemoveDispatch,
    _ctx: Context<OldState<"GUILD_SCHEDULED_EVENT_USER_REMOVE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SOUNDBOARD_SOUND_CREATE` dispatch (Guilds). Needs the `GUILD_EXPRESSIONS` (`GatewayIntent.GuildExpressions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onGuildSoundboardSoundCreate(
    _data: GuildSoundboardSoundCreateDispatch,
    _ctx: Context<OldState<"GUILD_SOUNDBOARD_SOUND_CREATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SOUNDBOARD_SOUND_UPDATE` dispatch (Guilds). Needs the `GUILD_EXPRESSIONS` (`GatewayIntent.GuildExpressions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onGuildSoundboardSoundUpdate(
    _data: GuildSoundboardSoundUpdateDispatch,
    _ctx: Context<OldState<"GUILD_SOUNDBOARD_SOUND_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SOUNDBOARD_SOUND_DELETE` dispatch (Guilds). Needs the `GUILD_EXPRESSIONS` (`GatewayIntent.GuildExpressions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onGuildSoundboardSoundDelete(
    _data: GuildSoundboardSoundDeleteDispatch,
    _ctx: Context<OldState<"GUILD_SOUNDBOARD_SOUND_DELETE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `GUILD_SOUNDBOARD_SOUNDS_UPDATE` dispatch (Guilds). Needs the `GUILD_EXPRESSIONS` (`GatewayIntent.GuildExpressions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onGuildSoundboardSoundsUpdate(
    _data: GuildSoundboardSoundsUpdateDispatch,
    _ctx: Context<OldState<"GUILD_SOUNDBOARD_SOUNDS_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `SOUNDBOARD_SOUNDS` dispatch (Guilds). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onSoundboardSounds(
    _data: SoundboardSoundsDispatch,
    _ctx: Context<OldState<"SOUNDBOARD_SOUNDS">>,
  ): void | Promise<void> {}

  /**
   * Called for each `INTEGRATION_CREATE` dispatch (Integrations). Needs the `GUILD_INTEGRATIONS` (`GatewayIntent.GuildIntegrations`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onIntegrationCreate(
    _data: IntegrationCreateDispatch,
    _ctx: Context<OldState<"INTEGRATION_CREATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `INTEGRATION_UPDATE` dispatch (Integrations). Needs the `GUILD_INTEGRATIONS` (`GatewayIntent.GuildIntegrations`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onIntegrationUpdate(
    _data: IntegrationUpdateDispatch,
    _ctx: Context<OldState<"INTEGRATION_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `INTEGRATION_DELETE` dispatch (Integrations). Needs the `GUILD_INTEGRATIONS` (`GatewayIntent.GuildIntegrations`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onIntegrationDelete(
    _data: IntegrationDeleteDispatch,
    _ctx: Context<OldState<"INTEGRATION_DELETE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `INVITE_CREATE` dispatch (Invites). Needs the `GUILD_INVITES` (`GatewayIntent.GuildInvites`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onInviteCreate(
    _data: InviteCreateDispatch,
    _ctx: Context<OldState<"INVITE_CREATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `INVITE_DELETE` dispatch (Invites). Needs the `GUILD_INVITES` (`GatewayIntent.GuildInvites`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onInviteDelete(
    _data: InviteDeleteDispatch,
    _ctx: Context<OldState<"INVITE_DELETE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_CREATE` dispatch (Messages). Needs the `GUILD_MESSAGES` (`GatewayIntent.GuildMessages`) or `DIRECT_MESSAGES` (`GatewayIntent.DirectMessages`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onMessageCreate(
    _data: MessageCreateDispatch,
    _ctx: Context<OldState<"MESSAGE_CREATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_UPDATE` dispatch (Messages). Needs the `GUILD_MESSAGES` (`GatewayIntent.GuildMessages`) or `DIRECT_MESSAGES` (`GatewayIntent.DirectMessages`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onMessageUpdate(
    _data: MessageUpdateDispatch,
    _ctx: Context<OldState<"MESSAGE_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_DELETE` dispatch (Messages). Needs the `GUILD_MESSAGES` (`GatewayIntent.GuildMessages`) or `DIRECT_MESSAGES` (`GatewayIntent.DirectMessages`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onMessageDelete(
    _data: MessageDeleteDispatch,
    _ctx: Context<OldState<"MESSAGE_DELETE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_DELETE_BULK` dispatch (Messages). Needs the `GUILD_MESSAGES` (`GatewayIntent.GuildMessages`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onMessageDeleteBulk(
    _data: MessageDeleteBulkDispatch,
    _ctx: Context<OldState<"MESSAGE_DELETE_BULK">>,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_REACTION_ADD` dispatch (Messages). Needs the `GUILD_MESSAGE_REACTIONS` (`GatewayIntent.GuildMessageReactions`) or `DIRECT_MESSAGE_REACTIONS` (`GatewayIntent.DirectMessageReactions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onMessageReactionAdd(
    _data: MessageReactionAddDispatch,
    _ctx: Context<OldState<"MESSAGE_REACTION_ADD">>,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_REACTION_REMOVE` dispatch (Messages). Needs the `GUILD_MESSAGE_REACTIONS` (`GatewayIntent.GuildMessageReactions`) or `DIRECT_MESSAGE_REACTIONS` (`GatewayIntent.DirectMessageReactions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onMessageReactionRemove(
    _data: MessageReactionRemoveDispatch,
    _ctx: Context<OldState<"MESSAGE_REACTION_REMOVE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_REACTION_REMOVE_ALL` dispatch (Messages). Needs the `GUILD_MESSAGE_REACTIONS` (`GatewayIntent.GuildMessageReactions`) or `DIRECT_MESSAGE_REACTIONS` (`GatewayIntent.DirectMessageReactions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onMessageReactionRemoveAll(
    _data: MessageReactionRemoveAllDispatch,
    _ctx: Context<OldState<"MESSAGE_REACTION_REMOVE_ALL">>,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_REACTION_REMOVE_EMOJI` dispatch (Messages). Needs the `GUILD_MESSAGE_REACTIONS` (`GatewayIntent.GuildMessageReactions`) or `DIRECT_MESSAGE_REACTIONS` (`GatewayIntent.DirectMessageReactions`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onMessageReactionRemoveEmoji(
    _data: MessageReactionRemoveEmojiDispatch,
    _ctx: Context<OldState<"MESSAGE_REACTION_REMOVE_EMOJI">>,
  ): void | Promise<void> {}

  /**
   * Called for each `PRESENCE_UPDATE` dispatch (Presence). Needs the `GUILD_PRESENCES` (`GatewayIntent.GuildPresences`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onPresenceUpdate(
    _data: PresenceUpdateDispatch,
    _ctx: Context<OldState<"PRESENCE_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `TYPING_START` dispatch (Presence). Needs the `GUILD_MESSAGE_TYPING` (`GatewayIntent.GuildMessageTyping`) or `DIRECT_MESSAGE_TYPING` (`GatewayIntent.DirectMessageTyping`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onTypingStart(
    _data: TypingStartDispatch,
    _ctx: Context<OldState<"TYPING_START">>,
  ): void | Promise<void> {}

  /**
   * Called for each `USER_UPDATE` dispatch (Presence). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onUserUpdate(
    _data: UserUpdateDispatch,
    _ctx: Context<OldState<"USER_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `VOICE_CHANNEL_EFFECT_SEND` dispatch (Voice). Needs the `GUILD_VOICE_STATES` (`GatewayIntent.GuildVoiceStates`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onVoiceChannelEffectSend(
    _data: VoiceChannelEffectSendDispatch,
    _ctx: Context<OldState<"VOICE_CHANNEL_EFFECT_SEND">>,
  ): void | Promise<void> {}

  /**
   * Called for each `VOICE_STATE_UPDATE` dispatch (Voice). Needs the `GUILD_VOICE_STATES` (`GatewayIntent.GuildVoiceStates`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onVoiceStateUpdate(
    _data: VoiceStateUpdateDispatch,
    _ctx: Context<OldState<"VOICE_STATE_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `VOICE_SERVER_UPDATE` dispatch (Voice). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onVoiceServerUpdate(
    _data: VoiceServerUpdateDispatch,
    _ctx: Context<OldState<"VOICE_SERVER_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `WEBHOOKS_UPDATE` dispatch (Webhooks). Needs the `GUILD_WEBHOOKS` (`GatewayIntent.GuildWebhooks`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onWebhooksUpdate(
    _data: WebhooksUpdateDispatch,
    _ctx: Context<OldState<"WEBHOOKS_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `INTERACTION_CREATE` dispatch (Interactions). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onInteractionCreate(
    _data: InteractionCreateDispatch,
    _ctx: Context<OldState<"INTERACTION_CREATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `STAGE_INSTANCE_CREATE` dispatch (Stage Instances). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onStageInstanceCreate(
    _data: StageInstanceCreateDispatch,
    _ctx: Context<OldState<"STAGE_INSTANCE_CREATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `STAGE_INSTANCE_UPDATE` dispatch (Stage Instances). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onStageInstanceUpdate(
    _data: StageInstanceUpdateDispatch,
    _ctx: Context<OldState<"STAGE_INSTANCE_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `STAGE_INSTANCE_DELETE` dispatch (Stage Instances). Needs the `GUILDS` (`GatewayIntent.Guilds`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard, and `old`:
   * the state before the event, with the Client's `cache`.
   */
  onStageInstanceDelete(
    _data: StageInstanceDeleteDispatch,
    _ctx: Context<OldState<"STAGE_INSTANCE_DELETE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `SUBSCRIPTION_CREATE` dispatch (Subscriptions). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onSubscriptionCreate(
    _data: SubscriptionCreateDispatch,
    _ctx: Context<OldState<"SUBSCRIPTION_CREATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `SUBSCRIPTION_UPDATE` dispatch (Subscriptions). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onSubscriptionUpdate(
    _data: SubscriptionUpdateDispatch,
    _ctx: Context<OldState<"SUBSCRIPTION_UPDATE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `SUBSCRIPTION_DELETE` dispatch (Subscriptions). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onSubscriptionDelete(
    _data: SubscriptionDeleteDispatch,
    _ctx: Context<OldState<"SUBSCRIPTION_DELETE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_POLL_VOTE_ADD` dispatch (Polls). Needs the `GUILD_MESSAGE_POLLS` (`GatewayIntent.GuildMessagePolls`) or `DIRECT_MESSAGE_POLLS` (`GatewayIntent.DirectMessagePolls`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onMessagePollVoteAdd(
    _data: MessagePollVoteAddDispatch,
    _ctx: Context<OldState<"MESSAGE_POLL_VOTE_ADD">>,
  ): void | Promise<void> {}

  /**
   * Called for each `MESSAGE_POLL_VOTE_REMOVE` dispatch (Polls). Needs the `GUILD_MESSAGE_POLLS` (`GatewayIntent.GuildMessagePolls`) or `DIRECT_MESSAGE_POLLS` (`GatewayIntent.DirectMessagePolls`) intent.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onMessagePollVoteRemove(
    _data: MessagePollVoteRemoveDispatch,
    _ctx: Context<OldState<"MESSAGE_POLL_VOTE_REMOVE">>,
  ): void | Promise<void> {}

  /**
   * Called for each `RATE_LIMITED` dispatch (Rate Limits). Sent whatever the intents.
   *
   * @param _data The event payload.
   * @param _ctx The shard's context: REST, replies, the shard.
   */
  onRateLimited(
    _data: RateLimitedDispatch,
    _ctx: Context<OldState<"RATE_LIMITED">>,
  ): void | Promise<void> {}
}

/**
 * Marks `Handler.prototype` in every copy of the library, so that a client
 * of one copy tells a handler's own methods from the no-op defaults of a
 * Handler of another copy (two versions of the package in one program).
 */
export const HANDLER_PROTOTYPE_MARK: unique symbol = Symbol.for(
  "disruption.Handler.prototype",
);
Object.defineProperty(Handler.prototype, HANDLER_PROTOTYPE_MARK, {
  value: true,
});
