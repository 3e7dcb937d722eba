/**
 * The state cache: one pure core ({@linkcode reduceDispatch}) turns each
 * dispatch into changes and the previous state; stores keep the changes —
 * {@linkcode MemoryCache} in this process (the Client's `cache` option), or
 * {@linkcode RedisCache} in Redis with twilight-dispatch's key layout.
 *
 * ```ts
 * import { MemoryCache } from "@disruption/disruption/cache";
 * import assert from "node:assert/strict";
 *
 * const cache = new MemoryCache({ resources: ["guilds", "roles"] });
 * cache.apply("GUILD_CREATE", { id: "1", name: "Home", roles: [{ id: "1", name: "@everyone" }] });
 * assert.deepEqual(cache.guild("1"), { id: "1", name: "Home" });
 * assert.equal(cache.roles("1").length, 1);
 * ```
 *
 * The `old` a store hands out (`ctx.old`) is the caller's own copy. Event
 * payloads are kept as sent, not copied: the Client hands handlers the
 * payload the cache keeps, so a handler must treat its event's data as
 * read-only (an edit of it edits the cache).
 *
 * @module
 */
export {
  type CacheChange,
  type CacheConfig,
  type CachedValue,
  type CacheKind,
  type CacheLookup,
  type CacheRead,
  type CacheUpdate,
} from "./changes.ts";
export type { CachedGuild } from "./cached_guild.ts";
export { type CacheEffect, EVENT_CACHE_EFFECTS } from "./event_effects.ts";
export {
  type CachedChannel,
  type CachedIntegration,
  type CachedMember,
  type CachedMessage,
  type CacheSizes,
  MemoryCache,
} from "./memory_store.ts";
export type { CachedOldState, OldState } from "./old_state.ts";
export type { CacheOptions, ResolvedCacheOptions } from "./options.ts";
export { cacheReads, reduceDispatch } from "./reduce.ts";
export { RedisCache } from "./redis_store.ts";
export type { RedisCacheOptions } from "./redis_cache_options.ts";
export { redisKey } from "./redis_layout.ts";
export {
  CACHE_RESOURCES,
  cacheIntentWarnings,
  type CacheResource,
  RESOURCE_INTENTS,
} from "./resources.ts";

// Types its public signatures use, so this entry documents itself on its own.
export type { Scheduler, TimerId } from "../base/scheduler.ts";
export type { RedisConnection } from "../redis/connection.ts";
// The two consts among them are values: `deno doc` shows a const, and it
// must import as one.
export { ChannelType, InteractionType } from "../types/mod.ts";
export type {
  Activity,
  ActivityAssets,
  ActivityButton,
  ActivityEmoji,
  ActivityParty,
  ActivitySecrets,
  ActivityTimestamps,
  ActivityType,
  Application,
  ApplicationCommandInteractionMetadata,
  ApplicationIntegrationTypeConfiguration,
  ApplicationIntegrationTypesConfig,
  Attachment,
  AvatarDecorationData,
  BaseMessageInteractionMetadata,
  BaseTheme,
  Channel,
  ChannelMention,
  ClientStatus,
  Collectibles,
  Component,
  DefaultReaction,
  Embed,
  EmbedAuthor,
  EmbedField,
  EmbedFooter,
  EmbedImage,
  EmbedProvider,
  EmbedVideo,
  Emoji,
  ForumTag,
  Guild,
  GuildFeature,
  GuildMember,
  GuildScheduledEvent,
  IncidentsData,
  InstallParams,
  Integration,
  IntegrationAccount,
  IntegrationApplication,
  IntegrationCreateDispatch,
  IntegrationType,
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
  NameplateData,
  Overwrite,
  PartialEmoji,
  PartialUser,
  Poll,
  PollAnswer,
  PollAnswerCount,
  PollMedia,
  PollResults,
  PremiumTier,
  PremiumType,
  PresenceUpdate,
  Reaction,
  ReactionCountDetails,
  ReceivedPresenceStatus,
  RecurrenceRule,
  RecurrenceRuleNWeekday,
  ResolvedChannel,
  ResolvedData,
  ResolvedMember,
  Role,
  RoleColors,
  RoleSubscriptionData,
  RoleTags,
  ScheduledEventEntityMetadata,
  ScheduledEventEntityType,
  ScheduledEventStatus,
  SharedClientTheme,
  Snowflake,
  SoundboardSound,
  StageInstance,
  StagePrivacyLevel,
  Sticker,
  StickerFormatType,
  StickerItem,
  StickerType,
  Team,
  TeamMember,
  ThreadAutoArchiveDuration,
  ThreadMember,
  ThreadMetadata,
  UnavailableGuild,
  UnavailableGuildCreate,
  User,
  UserPrimaryGuild,
  VerificationLevel,
  VoiceState,
  WelcomeScreen,
  WelcomeScreenChannel,
} from "../types/mod.ts";
