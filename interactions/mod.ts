/**
 * Interactions: typed application commands (option types flow from the
 * definition into the handler) and their sync, a router for commands,
 * components, modals and autocomplete, component and modal builders
 * (Components v2 included), waiting for a click or a message, and an HTTP
 * interactions endpoint with Ed25519 verification.
 *
 * ```ts
 * import { command, commandPayload, integer } from "@disruption/disruption/interactions";
 * import assert from "node:assert/strict";
 *
 * const roll = command({
 *   name: "roll",
 *   description: "Roll dice",
 *   options: { sides: integer({ description: "Sides", min: 2, max: 100, required: true }) },
 * });
 * assert.equal(commandPayload(roll).options?.[0]?.type, 4);
 * ```
 *
 * @module
 */
export {
  attachment,
  type AttachmentOptionOptions,
  type Autocompletes,
  boolean,
  channel,
  type ChannelOptionOptions,
  type ChatInputCommand,
  type ChatInputCommandOptions,
  type Choice,
  type ChoiceValue,
  command,
  type CommandBase,
  type CommandDefinition,
  type CommandOptions,
  commandPayload,
  integer,
  type Localizations,
  MAX_COMMAND_SIZE,
  mentionable,
  type MentionableOptionValue,
  type MenuTarget,
  type MessageCommand,
  messageCommand,
  number,
  type NumberOptionOptions,
  type OptionDefinition,
  type OptionMap,
  type OptionOptions,
  type OptionValue,
  type OptionValues,
  type RequiredKeys,
  role,
  type Simplify,
  string,
  type StringOptionOptions,
  subcommand,
  type SubcommandDefinition,
  subcommandGroup,
  type SubcommandGroupDefinition,
  type SubcommandGroupOptions,
  type SubcommandOf,
  type SubcommandOptions,
  user,
  type UserCommand,
  userCommand,
  type UserOptionValue,
} from "./commands.ts";
export { isLocale, type Locale, LOCALES } from "../types/locales.ts";
export {
  readAutocomplete,
  type ReadOptions,
  readOptions,
} from "./option_values.ts";
export {
  checkCustomId,
  compileCustomId,
  customId,
  type CustomIdPattern,
  type PatternParams,
} from "./custom_id.ts";
export {
  type AutoSelectOptions,
  button,
  type ButtonFields,
  type ButtonOptions,
  type ButtonStyleName,
  channelSelect,
  type LabelOrEmoji,
  linkButton,
  type LinkButtonFields,
  type LinkButtonOptions,
  mentionableSelect,
  premiumButton,
  roleSelect,
  row,
  type SelectOptions,
  stringSelect,
  userSelect,
} from "./components.ts";
export {
  checkbox,
  checkboxGroup,
  fileUpload,
  label,
  type Modal,
  modal,
  type ModalOptions,
  modalRow,
  radioGroup,
  textInput,
  type TextInputOptions,
} from "./modal_components.ts";
export {
  COMPONENTS_V2_FLAG,
  container,
  file,
  mediaGallery,
  needsComponentsV2,
  section,
  separator,
  textDisplay,
  thumbnail,
} from "./components_v2.ts";
export {
  ANSWER_DEADLINE,
  type InitialResponder,
  INTERACTION_TOKEN_LIFETIME,
  InteractionContext,
  type InteractionContextOptions,
  type InteractionState,
  type MessageResponse,
} from "./context.ts";
export {
  InteractionError,
  type InteractionErrorKind,
  type InteractionErrorOptions,
} from "./errors.ts";
export { ModalFields } from "./modal_fields.ts";
export {
  type AwaitComponentOptions,
  type AwaitedComponent,
  type HandleOptions,
  InteractionRouter,
  type InteractionRouterOptions,
  type InteractionSource,
} from "./router.ts";
export type {
  AutocompleteInteraction,
  CommandInteraction,
  ComponentInteraction,
  HasSubcommands,
  MenuInteraction,
  ModalInteraction,
  OptionNames,
  RoutedInteraction,
  RouteHandler,
} from "./routed_interaction.ts";
export {
  syncCommands,
  type SyncCommandsOptions,
  type SyncCommandsResult,
} from "./sync.ts";
export {
  interactionsEndpoint,
  type InteractionsEndpointOptions,
  type RequestHandler,
} from "./http_endpoint.ts";
export {
  awaitMessage,
  type AwaitMessageOptions,
  type CreatedMessage,
  type MessageSource,
} from "./await_message.ts";

// Types the public signatures use, so this entry documents itself on its own.
// The classes and consts among them (the errors its calls throw, Discord's
// enums) are values: what `deno doc` shows here imports from here.
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
export type {
  AuditedRouteOptions,
  RouteOptions,
  UploadRouteOptions,
} from "../rest/api/_route.ts";
export type { InteractionResponseOptions } from "../rest/_interaction_callback.ts";
export {
  type CallOptions,
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
export {
  type FileUpload,
  type UploadData,
  UploadError,
} from "../rest/uploads.ts";
export { ClientStoppedError } from "../handler/client_stopped_error.ts";
export type { GatewayEventMap } from "../types/events.ts";
export type { ReadySessionData, Snowflake } from "../types/gateway_payloads.ts";
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
  AvatarDecorationData,
  Collectibles,
  NameplateData,
  PartialUser,
  PremiumType,
  User,
  UserPrimaryGuild,
} from "../types/objects/user.ts";
export type { RequestOptions } from "../rest/_request_io.ts";
export type { BucketState, RateLimitView } from "../rest/rate_limiter.ts";
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
export type {
  Application,
  ApplicationIntegrationTypeConfiguration,
  ApplicationIntegrationTypesConfig,
  InstallParams,
  Team,
  TeamMember,
} from "../types/objects/application.ts";
export {
  ApplicationCommandOptionType,
  type ApplicationCommandPermission,
  ApplicationCommandPermissionType,
  ApplicationCommandType,
  type GuildApplicationCommandPermissions,
} from "../types/objects/application_command.ts";
export type {
  Entitlement,
  EntitlementType,
} from "../types/objects/entitlement.ts";
export type {
  GuildMember,
  PartialGuildMember,
  UserWithMember,
} from "../types/objects/member.ts";
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
  Sticker,
  StickerFormatType,
  StickerItem,
  StickerType,
} from "../types/objects/sticker.ts";
export type {
  AuditLogChange,
  AuditLogChangeRole,
  AuditLogChangeValue,
  AuditLogEntry,
  AuditLogEntryInfo,
} from "../types/objects/audit_log.ts";
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
export type { InviteTargetType } from "../types/objects/invite.ts";
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
export type { SoundboardSound } from "../types/objects/soundboard.ts";
export type {
  Subscription,
  SubscriptionStatus,
} from "../types/objects/subscription.ts";
export type {
  GuildScheduledEvent,
  RecurrenceRule,
  RecurrenceRuleNWeekday,
  ScheduledEventEntityMetadata,
  ScheduledEventEntityType,
  ScheduledEventStatus,
} from "../types/objects/scheduled_event.ts";
export type {
  StageInstance,
  StagePrivacyLevel,
} from "../types/objects/stage_instance.ts";
export type { VoiceState } from "../types/objects/voice.ts";
