/**
 * The REST client: Discord's HTTP API on the runtime's `fetch`, with
 * per-route rate-limit buckets learnt from Discord's headers, the global
 * limit, 429 handling and typed errors.
 *
 * ```ts
 * import { RestClient } from "@disruption/disruption/rest";
 * import { FakeRest } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const discord = new FakeRest({ token: "t" });
 * const rest = new RestClient({ token: "t", fetch: discord.fetch });
 * const message = await rest.createMessage("123", { content: "hello" });
 * assert.equal(message.content, "hello");
 * ```
 *
 * @module
 */
export {
  type CallOptions,
  type RequestOptions,
  RestClient,
  type RestClientOptions,
  type ServerErrorRetry,
} from "./rest_client.ts";
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
  SearchIndexNotReadyError,
  type SearchIndexNotReadyErrorOptions,
} from "./errors.ts";
export {
  DEFAULT_UPLOAD_LIMIT,
  type FileUpload,
  MAX_FILES,
  MAX_UPLOAD_REQUEST_SIZE,
  type UploadData,
  UploadError,
} from "./uploads.ts";
export {
  INVALID_REQUEST_LIMIT,
  INVALID_REQUEST_WINDOW,
  InvalidRequestLimitError,
  TokenRejectedError,
  UnknownWebhookError,
} from "./invalid_requests.ts";

// Types the public signatures use, so this entry documents itself on its own.
export { allChannelsPermissionId } from "./api/_command_permissions.ts";
export {
  createGlobalApplicationCommand,
  createGuildApplicationCommand,
  deleteGlobalApplicationCommand,
  deleteGuildApplicationCommand,
  editApplicationCommandPermissions,
  type EditApplicationCommandPermissionsBody,
  editGlobalApplicationCommand,
  editGuildApplicationCommand,
  getApplicationCommandPermissions,
  getGlobalApplicationCommand,
  getGlobalApplicationCommands,
  getGuildApplicationCommand,
  getGuildApplicationCommandPermissions,
  getGuildApplicationCommands,
  MAX_APPLICATION_COMMAND_PERMISSIONS,
} from "./api/application_commands.ts";
export {
  createApplicationEmoji,
  deleteApplicationEmoji,
  editCurrentApplication,
  type EditCurrentApplicationBody,
  getApplicationActivityInstance,
  getApplicationEmoji,
  getCurrentApplication,
  listApplicationEmojis,
  modifyApplicationEmoji,
} from "./api/applications.ts";
export {
  getGuildAuditLog,
  type GetGuildAuditLogQuery,
} from "./api/audit_log.ts";
export {
  type AutoModerationRuleBody,
  createAutoModerationRule,
  deleteAutoModerationRule,
  getAutoModerationRule,
  listAutoModerationRules,
  modifyAutoModerationRule,
} from "./api/auto_moderation.ts";
export {
  type ChannelPins,
  createChannelInvite,
  type CreateChannelInviteBody,
  deleteChannel,
  deleteChannelPermission,
  editChannelPermissions,
  type EditChannelPermissionsBody,
  followAnnouncementChannel,
  type FollowedChannel,
  getChannel,
  getChannelInvites,
  getChannelPins,
  type GetChannelPinsQuery,
  groupDmAddRecipient,
  type GroupDmAddRecipientBody,
  groupDmRemoveRecipient,
  modifyChannel,
  type ModifyChannelBody,
  pinMessage,
  setVoiceChannelStatus,
  triggerTypingIndicator,
  unpinMessage,
} from "./api/channels.ts";
export {
  createGuildEmoji,
  createGuildSticker,
  deleteGuildEmoji,
  deleteGuildSticker,
  getGuildEmoji,
  getGuildSticker,
  getSticker,
  getStickerPack,
  listGuildEmojis,
  listGuildStickers,
  listStickerPacks,
  modifyGuildEmoji,
  modifyGuildSticker,
  type StickerPack,
} from "./api/emojis.ts";
export {
  beginGuildPrune,
  type BeginGuildPruneBody,
  deleteGuildIntegration,
  getGuildIntegrations,
  getGuildOnboarding,
  getGuildPruneCount,
  getGuildVanityUrl,
  getGuildVoiceRegions,
  getGuildWelcomeScreen,
  getGuildWidget,
  getGuildWidgetSettings,
  type GuildOnboarding,
  type GuildWidget,
  type GuildWidgetSettings,
  modifyGuildOnboarding,
  modifyGuildWelcomeScreen,
  modifyGuildWidget,
} from "./api/guild_settings.ts";
export {
  type ChannelPosition,
  createGuildChannel,
  type CreateGuildChannelBody,
  getGuild,
  getGuildChannels,
  getGuildInvites,
  getGuildPreview,
  type GuildPreview,
  INCIDENT_ACTION_CLOCK_TOLERANCE,
  MAX_INCIDENT_ACTION_DURATION,
  modifyGuild,
  type ModifyGuildBody,
  modifyGuildChannelPositions,
  modifyGuildIncidentActions,
  type ModifyGuildIncidentActionsBody,
  type ModifyGuildIncidentActionsOptions,
} from "./api/guilds.ts";
export {
  createGuildTemplate,
  type CreateGuildTemplateBody,
  deleteGuildTemplate,
  getGuildTemplate,
  getGuildTemplates,
  modifyGuildTemplate,
  type ModifyGuildTemplateBody,
  syncGuildTemplate,
} from "./api/guild_templates.ts";
export {
  deleteInvite,
  getInvite,
  getInviteTargetUsers,
  getInviteTargetUsersJobStatus,
  type InviteTargetUsers,
  updateInviteTargetUsers,
} from "./api/invites.ts";
export { TargetUsersCsvError } from "./api/_target_users.ts";
export {
  addGuildMember,
  type AddGuildMemberBody,
  type AddGuildMemberResult,
  addGuildMemberRole,
  bulkGuildBan,
  type BulkGuildBanBody,
  createGuildBan,
  type CreateGuildBanBody,
  getGuildBan,
  getGuildBans,
  type GetGuildBansQuery,
  getGuildMember,
  type GuildBan,
  listGuildMembers,
  type ListGuildMembersQuery,
  MAX_MEMBER_TIMEOUT,
  modifyCurrentMember,
  type ModifyCurrentMemberBody,
  modifyGuildMember,
  type ModifyGuildMemberBody,
  type ModifyGuildMemberOptions,
  removeGuildBan,
  removeGuildMember,
  removeGuildMemberRole,
  searchGuildMembers,
  type SearchGuildMembersQuery,
} from "./api/members.ts";
export {
  bulkDeleteMessages,
  crosspostMessage,
  getChannelMessage,
  getChannelMessages,
  type GetChannelMessagesQuery,
} from "./api/messages.ts";
export {
  type GuildMessageSearchResults,
  type SearchAuthorType,
  type SearchedMessage,
  type SearchEmbedType,
  searchGuildMessages,
  type SearchGuildMessagesQuery,
  type SearchHasType,
  type SearchSortBy,
  type SearchSortOrder,
} from "./api/message_search.ts";
export {
  consumeEntitlement,
  createTestEntitlement,
  deleteTestEntitlement,
  getEntitlement,
  getSkuSubscription,
  listEntitlements,
  type ListEntitlementsQuery,
  listSkus,
  listSkuSubscriptions,
  type ListSkuSubscriptionsQuery,
  type Sku,
} from "./api/monetization.ts";
export {
  addLobbyMember,
  type AddLobbyMemberBody,
  type BulkLobbyMemberUpdate,
  bulkUpdateLobbyMembers,
  createLobby,
  type CreateLobbyBody,
  createLobbyChannelInviteForSelf,
  createLobbyChannelInviteForUser,
  createOrJoinLobby,
  type CreateOrJoinLobbyBody,
  deleteLobby,
  getLobby,
  getLobbyMessages,
  type GetLobbyMessagesQuery,
  leaveLobby,
  linkChannelToLobby,
  type LobbyMemberParams,
  modifyLobby,
  type ModifyLobbyBody,
  removeLobbyMember,
  sendLobbyMessage,
  type SendLobbyMessageBody,
  unlinkChannelFromLobby,
  updateLobbyMessageModerationMetadata,
} from "./api/lobbies.ts";
export { endPoll, getAnswerVoters } from "./api/polls.ts";
export {
  deleteCurrentUserApplicationRoleConnection,
  getApplicationRoleConnectionMetadataRecords,
  getCurrentUserApplicationRoleConnection,
  MAX_ROLE_CONNECTION_METADATA,
  type RoleConnectionMetadataValue,
  type UpdateApplicationRoleConnectionBody,
  updateApplicationRoleConnectionMetadataRecords,
  updateCurrentUserApplicationRoleConnection,
} from "./api/role_connections.ts";
export {
  createReaction,
  deleteAllReactions,
  deleteAllReactionsForEmoji,
  deleteOwnReaction,
  deleteUserReaction,
  getReactions,
  type GetReactionsQuery,
} from "./api/reactions.ts";
export {
  createGuildRole,
  deleteGuildRole,
  getGuildRole,
  getGuildRoleMemberCounts,
  getGuildRoles,
  modifyGuildRole,
  modifyGuildRolePositions,
  type RoleBody,
} from "./api/roles.ts";
export {
  createScheduledEvent,
  deleteScheduledEvent,
  getScheduledEvent,
  getScheduledEventUsers,
  type GetScheduledEventUsersQuery,
  listScheduledEvents,
  modifyScheduledEvent,
  type ScheduledEventBody,
} from "./api/scheduled_events.ts";
export {
  createGuildSoundboardSound,
  type CreateSoundboardSoundBody,
  deleteGuildSoundboardSound,
  getGuildSoundboardSound,
  listDefaultSoundboardSounds,
  listGuildSoundboardSounds,
  modifyGuildSoundboardSound,
  sendSoundboardSound,
} from "./api/soundboard.ts";
export {
  createStageInstance,
  type CreateStageInstanceBody,
  deleteStageInstance,
  getStageInstance,
  modifyStageInstance,
} from "./api/stage_instances.ts";
export {
  addThreadMember,
  type ArchivedThreads,
  type ArchivedThreadsQuery,
  getThreadMember,
  joinThread,
  leaveThread,
  listActiveGuildThreads,
  listJoinedPrivateArchivedThreads,
  listPrivateArchivedThreads,
  listPublicArchivedThreads,
  listThreadMembers,
  type ListThreadMembersQuery,
  removeThreadMember,
  type StartForumThreadBody,
  type StartThreadBody,
  startThreadFromMessage,
  startThreadInForum,
  startThreadWithoutMessage,
  type StartThreadWithoutMessageBody,
} from "./api/threads.ts";
export {
  createDM,
  getCurrentUser,
  getCurrentUserConnections,
  getCurrentUserGuildMember,
  getCurrentUserGuilds,
  type GetCurrentUserGuildsQuery,
  getUser,
  leaveGuild,
  modifyCurrentUser,
  type PartialGuild,
} from "./api/users.ts";
export {
  getCurrentUserVoiceState,
  getUserVoiceState,
  listVoiceRegions,
  modifyCurrentUserVoiceState,
  modifyUserVoiceState,
  type VoiceRegion,
} from "./api/voice.ts";
export {
  createWebhook,
  deleteWebhook,
  deleteWebhookMessage,
  deleteWebhookWithToken,
  editWebhookMessage,
  executeWebhook,
  type ExecuteWebhookBody,
  type ExecuteWebhookOptions,
  getChannelWebhooks,
  getGuildWebhooks,
  getWebhook,
  getWebhookMessage,
  getWebhookWithToken,
  modifyWebhook,
  type ModifyWebhookBody,
  modifyWebhookWithToken,
} from "./api/webhooks.ts";

export type { BucketState, RateLimitView } from "./rate_limiter.ts";
export type { HttpMethod, RouteInfo } from "./routes.ts";
export type { Snowflake } from "../types/gateway_payloads.ts";
export type { Scheduler, TimerId } from "../base/scheduler.ts";
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
  RestUser,
  SessionStartLimitInfo,
} from "./payloads.ts";
export type {
  AuditedRouteOptions,
  AuditedUploadRouteOptions,
  Query,
  RouteOptions,
  UploadRouteOptions,
} from "./api/_route.ts";
export type { InteractionResponseOptions } from "./_interaction_callback.ts";
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
} from "../types/objects/application_command.ts";
export type {
  AuditLog,
  AuditLogChange,
  AuditLogChangeRole,
  AuditLogChangeValue,
  AuditLogEntry,
  AuditLogEntryInfo,
} from "../types/objects/audit_log.ts";
export {
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
export type {
  ComponentEmoji,
  Emoji,
  PartialEmoji,
} from "../types/objects/emoji.ts";
export type {
  Guild,
  GuildFeature,
  IncidentsData,
  PremiumTier,
  VerificationLevel,
  WelcomeScreen,
  WelcomeScreenChannel,
} from "../types/objects/guild.ts";
export type {
  GuildTemplate,
  TemplateChannel,
  TemplateGuild,
  TemplateOverwrite,
  TemplateRole,
} from "../types/objects/guild_template.ts";
export {
  type Invite,
  type InviteChannel,
  type InviteRole,
  type InviteTargetType,
  type InviteTargetUsersJob,
  InviteTargetUsersJobStatus,
  type InviteType,
  type InviteWithMetadata,
} from "../types/objects/invite.ts";
export type { GuildMember } from "../types/objects/member.ts";
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
export type { Role, RoleColors, RoleTags } from "../types/objects/role.ts";
export type {
  GuildScheduledEvent,
  RecurrenceRule,
  RecurrenceRuleNWeekday,
  ScheduledEventEntityMetadata,
  ScheduledEventEntityType,
  ScheduledEventStatus,
} from "../types/objects/scheduled_event.ts";
export type {
  Sticker,
  StickerFormatType,
  StickerItem,
  StickerType,
} from "../types/objects/sticker.ts";
export type {
  AvatarDecorationData,
  Collectibles,
  Connection,
  ConnectionService,
  ConnectionVisibility,
  NameplateData,
  PremiumType,
  User,
  UserPrimaryGuild,
} from "../types/objects/user.ts";
export {
  type ApplicationRoleConnection,
  type ApplicationRoleConnectionMetadata,
  ApplicationRoleConnectionMetadataType,
} from "../types/objects/role_connection.ts";
export { isLocale, type Locale, LOCALES } from "../types/locales.ts";
export {
  type Lobby,
  type LobbyInvite,
  type LobbyMember,
  type LobbyMemberFlagName,
  LobbyMemberFlags,
  type LobbyMessage,
  type LobbyMetadata,
} from "../types/objects/lobby.ts";
export type { Webhook, WebhookType } from "../types/objects/webhook.ts";
export type {
  Application,
  ApplicationIntegrationTypeConfiguration,
  ApplicationIntegrationTypesConfig,
  InstallParams,
  Team,
  TeamMember,
} from "../types/objects/application.ts";
export type {
  ActivityInstance,
  ActivityLocation,
  ActivityLocationKind,
} from "../types/objects/activity_instance.ts";
export type {
  AutoModerationAction,
  AutoModerationActionMetadata,
  AutoModerationActionType,
  AutoModerationEventType,
  AutoModerationRule,
  AutoModerationTriggerMetadata,
  AutoModerationTriggerType,
} from "../types/objects/auto_moderation.ts";
export type {
  Integration,
  IntegrationAccount,
  IntegrationApplication,
  IntegrationType,
} from "../types/objects/integration.ts";
export {
  type ApplicationIntegrationType,
  type InteractionContextType,
  InteractionType,
  type ResolvedChannel,
  type ResolvedData,
  type ResolvedMember,
} from "../types/objects/interaction.ts";
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
  Entitlement,
  EntitlementType,
} from "../types/objects/entitlement.ts";
export type { SoundboardSound } from "../types/objects/soundboard.ts";
export type {
  StageInstance,
  StagePrivacyLevel,
} from "../types/objects/stage_instance.ts";
export type {
  Subscription,
  SubscriptionStatus,
} from "../types/objects/subscription.ts";
export type { VoiceState } from "../types/objects/voice.ts";
