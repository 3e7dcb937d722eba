/**
 * Guild routes: get, preview, modify, channels and their positions, invites.
 *
 * @module
 */
import type { RestClient } from "../rest_client.ts";
import {
  type AuditedRouteOptions,
  auditedRouteOptions,
  type RouteOptions,
  routeOptions,
  snowflake,
} from "./_route.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type { Guild } from "../../types/objects/guild.ts";
import type {
  Channel,
  DefaultReaction,
  ForumTag,
  Overwrite,
} from "../../types/objects/channel.ts";
import type { Emoji } from "../../types/objects/emoji.ts";
import type { Sticker } from "../../types/objects/sticker.ts";
import type { InviteWithMetadata } from "../../types/objects/invite.ts";
/** Answer of {@linkcode getGuildPreview}. */
export interface GuildPreview {
  /** Guild ID. */
  id: Snowflake;
  /** Name. */
  name: string;
  /** Icon hash. */
  icon: string | null;
  /** Splash hash. */
  splash: string | null;
  /** Discovery splash hash. */
  discovery_splash: string | null;
  /** Custom emojis. */
  emojis: Emoji[];
  /** Enabled features. */
  features: string[];
  /** Approximate member count. */
  approximate_member_count: number;
  /** Approximate online member count. */
  approximate_presence_count: number;
  /** Description. */
  description: string | null;
  /** Custom stickers. */
  stickers: Sticker[];
}

/** Body of {@linkcode modifyGuild} (every field optional). */
export interface ModifyGuildBody {
  /** Name. */
  name?: string;
  /** Voice region id (deprecated). */
  region?: string | null;
  /** Verification level 0-4. */
  verification_level?: number | null;
  /** Default notification level (0 all, 1 mentions). */
  default_message_notifications?: number | null;
  /** Explicit content filter level 0-2. */
  explicit_content_filter?: number | null;
  /** AFK channel. */
  afk_channel_id?: Snowflake | null;
  /** AFK timeout in seconds. */
  afk_timeout?: number;
  /** Icon as a data URI. */
  icon?: string | null;
  /** Invite splash as a data URI (16:9 png/jpeg; needs the INVITE_SPLASH feature). */
  splash?: string | null;
  /** Discovery splash as a data URI (16:9 png/jpeg; needs the DISCOVERABLE feature). */
  discovery_splash?: string | null;
  /** Banner as a data URI (16:9 png/jpeg; needs the BANNER feature, a gif ANIMATED_BANNER). */
  banner?: string | null;
  /** System channel. */
  system_channel_id?: Snowflake | null;
  /** System channel flags. */
  system_channel_flags?: number;
  /** Rules channel. */
  rules_channel_id?: Snowflake | null;
  /** Community updates channel. */
  public_updates_channel_id?: Snowflake | null;
  /** Preferred locale. */
  preferred_locale?: string | null;
  /** Enabled features. */
  features?: string[];
  /** Description. */
  description?: string | null;
  /** Whether the guild's boost progress bar is shown. */
  premium_progress_bar_enabled?: boolean;
  /** Community guilds: where admins and moderators receive safety alerts from Discord. */
  safety_alerts_channel_id?: Snowflake | null;
}

/** Body of {@linkcode createGuildChannel}. */
export interface CreateGuildChannelBody {
  /** Name (1-100 characters). */
  name: string;
  /** Channel type (0 text by default). */
  type?: number;
  /** Topic. */
  topic?: string | null;
  /** Voice bitrate. */
  bitrate?: number | null;
  /** Voice user limit. */
  user_limit?: number | null;
  /** Slow mode in seconds. */
  rate_limit_per_user?: number | null;
  /** Sorting position. */
  position?: number | null;
  /** Permission overwrites. */
  permission_overwrites?: Partial<Overwrite>[] | null;
  /** Parent category. */
  parent_id?: Snowflake | null;
  /** Age-restricted. */
  nsfw?: boolean | null;
  /** Default archive duration of new threads. */
  default_auto_archive_duration?: number | null;
  /** Voice and stage: voice region id, `null` for automatic. */
  rtc_region?: string | null;
  /** Voice and stage: the camera video quality mode (1 auto, 2 full). */
  video_quality_mode?: 1 | 2 | null;
  /**
   * Forum and media: the emoji of a post's add reaction button (exactly
   * one of `emoji_id` and `emoji_name`).
   */
  default_reaction_emoji?: Partial<DefaultReaction> | null;
  /** Forum and media: the tags threads may have (20 at most; each needs only `name`). */
  available_tags?: (Partial<ForumTag> & Pick<ForumTag, "name">)[] | null;
  /** Forum and media: the default sort order of posts (0 latest activity, 1 creation date). */
  default_sort_order?: 0 | 1 | null;
  /** Forum: the default layout of posts (0 not set, 1 list, 2 gallery). */
  default_forum_layout?: 0 | 1 | 2 | null;
  /** The initial `rate_limit_per_user` of new threads, copied at their creation. */
  default_thread_rate_limit_per_user?: number | null;
  /** Channel flags. */
  flags?: number | null;
}

/** One entry of {@linkcode modifyGuildChannelPositions}. */
export interface ChannelPosition {
  /** The channel. */
  id: Snowflake;
  /** New position. */
  position?: number | null;
  /** Sync permissions with the new parent. */
  lock_permissions?: boolean | null;
  /** New parent category. */
  parent_id?: Snowflake | null;
  /** Channel flags. */
  flags?: number | null;
}

/**
 * Get a guild (`GET /guilds/{guildId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuild(
  rest: RestClient,
  guildId: Snowflake,
  query: { with_counts?: boolean } = {},
  options: RouteOptions = {},
): Promise<Guild> {
  return await rest.request<Guild>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * Get a guild's public preview (`GET /guilds/{guildId}/preview`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildPreview(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<GuildPreview> {
  return await rest.request<GuildPreview>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/preview`,
    routeOptions(options),
  );
}

/**
 * Change a guild's settings (`PATCH /guilds/{guildId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function modifyGuild(
  rest: RestClient,
  guildId: Snowflake,
  body: ModifyGuildBody,
  options: AuditedRouteOptions = {},
): Promise<Guild> {
  return await rest.request<Guild>(
    "PATCH",
    `/guilds/${snowflake("guildId", guildId)}`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * List a guild's channels (not threads) (`GET /guilds/{guildId}/channels`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildChannels(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<Channel[]> {
  return await rest.request<Channel[]>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/channels`,
    routeOptions(options),
  );
}

/**
 * Create a channel (`POST /guilds/{guildId}/channels`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function createGuildChannel(
  rest: RestClient,
  guildId: Snowflake,
  body: CreateGuildChannelBody,
  options: AuditedRouteOptions = {},
): Promise<Channel> {
  return await rest.request<Channel>(
    "POST",
    `/guilds/${snowflake("guildId", guildId)}/channels`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Move channels (`PATCH /guilds/{guildId}/channels`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param body The fields to send.
 * @param options Signal (Discord documents no audit-log reason here).
 * @returns A promise that resolves when Discord accepted it.
 */
export async function modifyGuildChannelPositions(
  rest: RestClient,
  guildId: Snowflake,
  body: ChannelPosition[],
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "PATCH",
    `/guilds/${snowflake("guildId", guildId)}/channels`,
    routeOptions(options, { body }),
  );
}

/**
 * List a guild's invites (`GET /guilds/{guildId}/invites`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildInvites(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<InviteWithMetadata[]> {
  return await rest.request<InviteWithMetadata[]>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/invites`,
    routeOptions(options),
  );
}
