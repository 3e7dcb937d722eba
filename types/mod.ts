/**
 * Discord's gateway wire types, written from Discord's documentation:
 * opcodes, close codes, intents, permissions, payload shapes and the typed
 * event map. Most of it is types, which vanish at run time. What runs is
 * small and pure: the constant tables (opcodes, close codes, intents,
 * permission bits, the event names and each event's intents) and a few
 * helpers over them (`isValidIntents`, `isGatewayEventName`,
 * `handlerMethodName`, `eventDeliverable`, `parsePermissions`,
 * `hasPermission`, `combinePermissions`, `permissionNames`). Nothing here
 * does I/O or keeps state.
 *
 * ```ts
 * import { GatewayIntent, GatewayOpcode } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(GatewayOpcode.Identify, 2);
 * assert.equal(GatewayIntent.GuildMessages | GatewayIntent.MessageContent, 33280);
 * ```
 *
 * @module
 */
export { type GatewayCommandOpcode, GatewayOpcode } from "./opcodes.ts";
export { GatewayCloseCode } from "./close_codes.ts";
export {
  ALL_INTENTS,
  GatewayIntent,
  type GatewayIntentName,
  isValidIntents,
  NON_PRIVILEGED_INTENTS,
  PRIVILEGED_INTENTS,
} from "./intents.ts";
export {
  combinePermissions,
  hasPermission,
  parsePermissions,
  type PermissionFlagName,
  PermissionFlags,
  permissionNames,
  type PermissionSet,
} from "./permissions.ts";
export {
  GATEWAY_EVENT_NAMES,
  type GatewayEventMap,
  type GatewayEventName,
  isGatewayEventName,
} from "./events.ts";
export type {
  BotActivity,
  GatewayCommand,
  GatewayPayload,
  HelloData,
  IdentifyData,
  IdentifyProperties,
  PresenceStatus,
  ReadySessionData,
  RequestChannelInfoData,
  RequestGuildMembersData,
  RequestSoundboardSoundsData,
  ResumeData,
  Snowflake,
  UpdatePresenceData,
  UpdateVoiceStateData,
} from "./gateway_payloads.ts";
export type {
  Application,
  ApplicationIntegrationTypeConfiguration,
  ApplicationIntegrationTypesConfig,
  InstallParams,
  Team,
  TeamMember,
} from "./objects/application.ts";
export {
  type ApplicationCommand,
  type ApplicationCommandCreateBody,
  type ApplicationCommandOption,
  type ApplicationCommandOptionChoice,
  ApplicationCommandOptionType,
  type ApplicationCommandPermission,
  ApplicationCommandPermissionType,
  ApplicationCommandType,
  type GuildApplicationCommandPermissions,
  type LocalizationMap,
} from "./objects/application_command.ts";
export type {
  AuditLog,
  AuditLogChange,
  AuditLogChangeRole,
  AuditLogChangeValue,
  AuditLogEntry,
  AuditLogEntryInfo,
} from "./objects/audit_log.ts";
export type {
  AutoModerationAction,
  AutoModerationActionMetadata,
  AutoModerationActionType,
  AutoModerationEventType,
  AutoModerationRule,
  AutoModerationTriggerMetadata,
  AutoModerationTriggerType,
} from "./objects/auto_moderation.ts";
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
} from "./objects/channel.ts";
export type { Emoji, PartialEmoji } from "./objects/emoji.ts";
export type { Entitlement, EntitlementType } from "./objects/entitlement.ts";
export type {
  Guild,
  GuildFeature,
  IncidentsData,
  PremiumTier,
  UnavailableGuild,
  VerificationLevel,
  WelcomeScreen,
  WelcomeScreenChannel,
} from "./objects/guild.ts";
export type {
  Integration,
  IntegrationAccount,
  IntegrationApplication,
  IntegrationType,
} from "./objects/integration.ts";
export {
  type ApplicationCommandInteractionData,
  type ApplicationIntegrationType,
  type AuthorizingIntegrationOwners,
  type Interaction,
  type InteractionCallbackAutocompleteData,
  type InteractionCallbackData,
  type InteractionCallbackMessageData,
  type InteractionCallbackModalData,
  InteractionCallbackType,
  type InteractionChannel,
  type InteractionContextType,
  type InteractionData,
  type InteractionDataOption,
  type InteractionGuild,
  type InteractionMember,
  type InteractionResponse,
  InteractionType,
  type MessageComponentInteractionData,
  type ModalSubmitInteractionData,
  type ResolvedChannel,
  type ResolvedData,
  type ResolvedMember,
} from "./objects/interaction.ts";
export type {
  Invite,
  InviteChannel,
  InviteTargetType,
  InviteType,
  InviteWithMetadata,
} from "./objects/invite.ts";
export type {
  GuildMember,
  PartialGuildMember,
  UserWithMember,
} from "./objects/member.ts";
export {
  type AllowedMentions,
  type ApplicationCommandInteractionMetadata,
  type Attachment,
  type BaseMessageInteractionMetadata,
  type BaseTheme,
  type Component,
  type Embed,
  type EmbedAuthor,
  type EmbedField,
  type EmbedFooter,
  type EmbedImage,
  type EmbedProvider,
  type EmbedVideo,
  type Message,
  type MessageActivity,
  type MessageCall,
  type MessageComponentInteractionMetadata,
  type MessageFlagName,
  MessageFlags,
  type MessageInteraction,
  type MessageInteractionMetadata,
  type MessageReference,
  type MessageSnapshot,
  type MessageSnapshotMessage,
  MessageType,
  type MessageTypeName,
  type ModalSubmitInteractionMetadata,
  type Reaction,
  type ReactionCountDetails,
  type RoleSubscriptionData,
  type SharedClientTheme,
} from "./objects/message.ts";
export type {
  Poll,
  PollAnswer,
  PollAnswerCount,
  PollCreateRequest,
  PollMedia,
  PollResults,
} from "./objects/poll.ts";
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
} from "./objects/presence.ts";
export type { Role, RoleColors, RoleTags } from "./objects/role.ts";
export type {
  GuildScheduledEvent,
  RecurrenceRule,
  RecurrenceRuleNWeekday,
  ScheduledEventEntityMetadata,
  ScheduledEventEntityType,
  ScheduledEventStatus,
} from "./objects/scheduled_event.ts";
export type { SoundboardSound } from "./objects/soundboard.ts";
export type {
  StageInstance,
  StagePrivacyLevel,
} from "./objects/stage_instance.ts";
export type {
  Sticker,
  StickerFormatType,
  StickerItem,
  StickerType,
} from "./objects/sticker.ts";
export type {
  Subscription,
  SubscriptionStatus,
} from "./objects/subscription.ts";
export type {
  AvatarDecorationData,
  Collectibles,
  NameplateData,
  PartialUser,
  PremiumType,
  User,
  UserPrimaryGuild,
} from "./objects/user.ts";
export type { VoiceState } from "./objects/voice.ts";
export type { Webhook, WebhookType } from "./objects/webhook.ts";
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
} from "./dispatch_payloads.ts";
