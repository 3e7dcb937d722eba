/**
 * Handlers and the client that runs them: extend {@linkcode Handler},
 * override the events you care about, and start a {@linkcode Client}.
 *
 * @example A ping bot, run against the fake Discord
 * ```ts
 * import { Client, type Context, Handler } from "@disruption/disruption/handler";
 * import { GatewayIntent, type MessageCreateDispatch } from "@disruption/disruption/types";
 * import { FakeDiscord } from "@disruption/disruption/testing";
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
 * // With a real token, pass it and leave out the fake's options.
 * await using discord = await FakeDiscord.start();
 * await using client = new Client({
 *   token: discord.token,
 *   intents: GatewayIntent.Guilds | GatewayIntent.GuildMessages | GatewayIntent.MessageContent,
 *   ...discord.clientOptions,
 * });
 * await client.start(new PingBot());
 * const reply = await discord.say("!ping");
 * assert.equal(reply.content, "pong");
 * assert.equal(reply.author.id, discord.gateway.botUserId);
 * ```
 *
 * @module
 */
export { Handler } from "./handler.ts";
export { HandlerError, type HandlerErrorOptions } from "./handler_error.ts";
export {
  type Context,
  type ReplyTarget,
  type RespondTarget,
} from "./context.ts";
export {
  Client,
  type ClientStopOptions,
  type EventListener,
  type ListenOptions,
} from "./client.ts";
export type { ClientOptions } from "./client_options.ts";
export { ClientStoppedError } from "./client_stopped_error.ts";

// Types its public signatures use, so this entry documents itself on its own.
export {
  type CacheChange,
  type CacheConfig,
  type CachedChannel,
  type CachedGuild,
  type CachedIntegration,
  type CachedMember,
  type CachedMessage,
  type CachedOldState,
  type CachedValue,
  type CacheKind,
  type CacheLookup,
  type CacheOptions,
  type CacheResource,
  type CacheSizes,
  type CacheUpdate,
  MemoryCache,
  type OldState,
  type ResolvedCacheOptions,
} from "../cache/mod.ts";
export type { Scheduler, TimerId } from "../base/scheduler.ts";
export {
  type AutoSelectComponent,
  type BaseComponent,
  type ButtonComponent,
  type CheckboxComponent,
  type CheckboxGroupComponent,
  type ChoiceOption,
  type ContainerChild,
  type ContainerComponent,
  type FileComponent,
  type FileUploadComponent,
  type InteractiveButton,
  type LabelChild,
  type LabelComponent,
  type LinkButton,
  type MediaGalleryComponent,
  type MediaGalleryItem,
  type MessageActionRow,
  type MessageComponent,
  type ModalActionRow,
  type ModalComponent,
  type PremiumButton,
  type RadioGroupComponent,
  type SectionComponent,
  type SelectBase,
  type SelectComponent,
  type SelectDefaultValue,
  type SelectOption,
  type SeparatorComponent,
  SeparatorSpacing,
  type StringSelectComponent,
  type SubmittedModalInput,
  type TextDisplayComponent,
  type TextInputComponent,
  TextInputStyle,
  type ThumbnailComponent,
  type UnfurledMediaItem,
} from "../types/objects/component.ts";
export {
  GatewayError,
  type GatewayErrorKind,
  type GatewayErrorOptions,
  OtherBotSessionsError,
} from "../gateway/errors.ts";
export type {
  IdentifyQueue,
  SessionStartLimit,
} from "../gateway/identify_queue.ts";
export type { TransportCompression } from "../gateway/inflater.ts";
export type { MemberRequestOptions } from "../gateway/member_request.ts";
export type { SavedSession } from "../gateway/saved_session.ts";
export type { SessionStore } from "../gateway/session_store.ts";
export {
  type RawShardDispatch,
  Shard,
  type ShardCloseOptions,
  type ShardDispatch,
  type ShardEventMap,
  type ShardListener,
  type ShardListenOptions,
  type ShardStateChange,
} from "../gateway/shard.ts";
export {
  type ShardInfo,
  ShardManager,
  type ShardManagerCloseOptions,
  type ShardManagerOptions,
  type SharedShardOptions,
} from "../gateway/shard_manager.ts";
export type {
  ResumableSession,
  ShardOptions,
  ShardTimeouts,
} from "../gateway/shard_options.ts";
export type { ShardStatus } from "../gateway/shard_state.ts";
export type {
  GatewaySocket,
  SocketListener,
  Transport,
} from "../gateway/transport.ts";
export type {
  AllowedMentionsPayload,
  ApplicationCommandBody,
  ApplicationCommandOptionPayload,
  AttachmentPayload,
  CommandOptionChoicePayload,
  ComponentPayload,
  CreateMessageBody,
  EditMessageBody,
  EditWebhookMessageBody,
  EmbedPayload,
  FollowupMessageBody,
  GatewayBotResponse,
  GatewayResponse,
  InteractionCallbackResponse,
  InteractionCallbackTypeValue,
  InteractionResponseBody,
  InteractionResponseData,
  MessageReferencePayload,
  RestApplicationCommand,
  RestMessage,
  SessionStartLimitInfo,
} from "../rest/payloads.ts";
// The command as Discord returns it and as a body takes it (what
// RestApplicationCommand and ApplicationCommandBody, kept for compatibility,
// name), with the types they are made of.
export {
  type ApplicationCommand,
  type ApplicationCommandCreateBody,
  type ApplicationCommandOption,
  type ApplicationCommandOptionChoice,
  type LocalizationMap,
} from "../types/objects/application_command.ts";
export type { BucketState, RateLimitView } from "../rest/rate_limiter.ts";
export type {
  AuditedRouteOptions,
  RouteOptions,
  UploadRouteOptions,
} from "../rest/api/_route.ts";
export type { InteractionResponseOptions } from "../rest/_interaction_callback.ts";
export {
  type CallOptions,
  type RequestOptions,
  RestClient,
  type RestClientOptions,
  type ServerErrorRetry,
} from "../rest/rest_client.ts";
export {
  DiscordApiError,
  type DiscordApiErrorOptions,
  type DiscordErrorBody,
  type DiscordFieldError,
  NetworkError,
  RateLimitError,
  type RateLimitErrorOptions,
  type RateLimitScope,
  ResponseTooLargeError,
  type ResponseTooLargeErrorOptions,
  RestError,
  type RestErrorOptions,
} from "../rest/errors.ts";
export {
  InvalidRequestLimitError,
  TokenRejectedError,
  UnknownWebhookError,
} from "../rest/invalid_requests.ts";
export type { HttpMethod, RouteInfo } from "../rest/routes.ts";
export type {
  ApplicationCommandPermissionsUpdateDispatch,
  AutoModerationActionExecutionDispatch,
  AutoModerationRuleCreateDispatch,
  AutoModerationRuleDeleteDispatch,
  AutoModerationRuleUpdateDispatch,
  AvailableGuildCreate,
  ChannelCreateDispatch,
  ChannelDeleteDispatch,
  ChannelInfoChannel,
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
  ReactionType,
  ReadyApplication,
  ReadyDispatch,
  RequestGuildMembersRateLimitMetadata,
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
  UnavailableGuildCreate,
  UserUpdateDispatch,
  VoiceChannelEffectSendDispatch,
  VoiceChannelStartTimeUpdateDispatch,
  VoiceChannelStatusUpdateDispatch,
  VoiceServerUpdateDispatch,
  VoiceStateUpdateDispatch,
  WebhooksUpdateDispatch,
} from "../types/dispatch_payloads.ts";
export type { GatewayEventMap, GatewayEventName } from "../types/events.ts";
export type {
  BotActivity,
  GatewayCommand,
  IdentifyProperties,
  PresenceStatus,
  ReadySessionData,
  RequestChannelInfoData,
  RequestGuildMembersData,
  RequestSoundboardSoundsData,
  Snowflake,
  UpdatePresenceData,
  UpdateVoiceStateData,
} from "../types/gateway_payloads.ts";
export type {
  Application,
  ApplicationIntegrationTypeConfiguration,
  ApplicationIntegrationTypesConfig,
  InstallParams,
  Team,
  TeamMember,
} from "../types/objects/application.ts";
export type {
  AuditLogChange,
  AuditLogChangeRole,
  AuditLogChangeValue,
  AuditLogEntry,
  AuditLogEntryInfo,
} from "../types/objects/audit_log.ts";
export {
  ApplicationCommandOptionType,
  type ApplicationCommandPermission,
  ApplicationCommandPermissionType,
  ApplicationCommandType,
  type GuildApplicationCommandPermissions,
} from "../types/objects/application_command.ts";
export type {
  AutoModerationAction,
  AutoModerationActionMetadata,
  AutoModerationActionType,
  AutoModerationEventType,
  AutoModerationRule,
  AutoModerationTriggerMetadata,
  AutoModerationTriggerType,
} from "../types/objects/auto_moderation.ts";
export {
  type AddedThreadMember,
  type Channel,
  type ChannelMention,
  ChannelType,
  type DefaultReaction,
  type ForumTag,
  type Overwrite,
  type ThreadAutoArchiveDuration,
  type ThreadMember,
  type ThreadMetadata,
} from "../types/objects/channel.ts";
export type {
  ComponentEmoji,
  Emoji,
  PartialEmoji,
} from "../types/objects/emoji.ts";
export type {
  Entitlement,
  EntitlementType,
} from "../types/objects/entitlement.ts";
export type {
  Guild,
  GuildFeature,
  IncidentsData,
  PremiumTier,
  UnavailableGuild,
  VerificationLevel,
  WelcomeScreen,
  WelcomeScreenChannel,
} from "../types/objects/guild.ts";
export type {
  Integration,
  IntegrationAccount,
  IntegrationApplication,
  IntegrationType,
} from "../types/objects/integration.ts";
export {
  type ApplicationCommandAutocompleteInteraction,
  type ApplicationCommandInteraction,
  type ApplicationCommandInteractionData,
  type ApplicationIntegrationType,
  type AuthorizingIntegrationOwners,
  type Interaction,
  type InteractionBase,
  type InteractionChannel,
  type InteractionContextType,
  type InteractionData,
  type InteractionDataOption,
  type InteractionGuild,
  type InteractionMember,
  InteractionType,
  type MessageComponentInteraction,
  type MessageComponentInteractionData,
  type ModalSubmitInteraction,
  type ModalSubmitInteractionData,
  type PingInteraction,
  type ResolvedChannel,
  type ResolvedData,
  type ResolvedMember,
} from "../types/objects/interaction.ts";
export type { InviteTargetType } from "../types/objects/invite.ts";
export type {
  GuildMember,
  PartialGuildMember,
  UserWithMember,
} from "../types/objects/member.ts";
export type {
  ApplicationCommandInteractionMetadata,
  Attachment,
  BaseMessageInteractionMetadata,
  BaseTheme,
  Component,
  Embed,
  EmbedAuthor,
  EmbedField,
  EmbedFooter,
  EmbedImage,
  EmbedProvider,
  EmbedVideo,
  Message,
  MessageActivity,
  MessageCall,
  MessageComponentInteractionMetadata,
  MessageInteraction,
  MessageInteractionMetadata,
  MessageReference,
  MessageSnapshot,
  MessageSnapshotMessage,
  ModalSubmitInteractionMetadata,
  Reaction,
  ReactionCountDetails,
  RoleSubscriptionData,
  SharedClientTheme,
} from "../types/objects/message.ts";
export type {
  Poll,
  PollAnswer,
  PollAnswerCount,
  PollCreateRequest,
  PollMedia,
  PollMediaRequest,
  PollResults,
} from "../types/objects/poll.ts";
export type {
  Activity,
  ActivityAssets,
  ActivityButton,
  ActivityEmoji,
  ActivityParty,
  ActivitySecrets,
  ActivityTimestamps,
  ActivityType,
  ClientStatus,
  PartialPresenceUpdate,
  PresenceUpdate,
  ReceivedPresenceStatus,
} from "../types/objects/presence.ts";
export type { Role, RoleColors, RoleTags } from "../types/objects/role.ts";
export type {
  GuildScheduledEvent,
  RecurrenceRule,
  RecurrenceRuleNWeekday,
  ScheduledEventEntityMetadata,
  ScheduledEventEntityType,
  ScheduledEventStatus,
} from "../types/objects/scheduled_event.ts";
export type { SoundboardSound } from "../types/objects/soundboard.ts";
export type {
  Subscription,
  SubscriptionStatus,
} from "../types/objects/subscription.ts";
export type {
  StageInstance,
  StagePrivacyLevel,
} from "../types/objects/stage_instance.ts";
export type {
  Sticker,
  StickerFormatType,
  StickerItem,
  StickerType,
} from "../types/objects/sticker.ts";
export type {
  AvatarDecorationData,
  Collectibles,
  NameplateData,
  PartialUser,
  PremiumType,
  User,
  UserPrimaryGuild,
} from "../types/objects/user.ts";
export type { VoiceState } from "../types/objects/voice.ts";
export { GatewayOpcode } from "../types/opcodes.ts";
export {
  type FileUpload,
  type UploadData,
  UploadError,
} from "../rest/uploads.ts";
