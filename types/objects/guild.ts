/**
 * Guilds.
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";
import type { Emoji } from "./emoji.ts";
import type { Role } from "./role.ts";
import type { Sticker } from "./sticker.ts";

/** A guild that is unavailable (outage) or not yet loaded. */
export interface UnavailableGuild {
  /** Guild ID. */
  id: Snowflake;
  /** Whether the guild is unavailable; absent in GUILD_DELETE means "removed". */
  unavailable: boolean;
}

/**
 * A guild feature string such as `"COMMUNITY"` or `"ANIMATED_ICON"`. Discord
 * adds features often, so this is any string.
 */
export type GuildFeature = string;

/** A channel shown on the welcome screen. */
export interface WelcomeScreenChannel {
  /** Channel ID. */
  channel_id: Snowflake;
  /** Description shown for the channel. */
  description: string;
  /** Custom emoji ID. */
  emoji_id: Snowflake | null;
  /** Unicode emoji, or the custom emoji's name. */
  emoji_name: string | null;
}

/** The welcome screen of a community guild. */
export interface WelcomeScreen {
  /** Server description shown on the welcome screen. */
  description: string | null;
  /** Up to 5 channels shown on the welcome screen. */
  welcome_channels: WelcomeScreenChannel[];
}

/** Moderation incidents of a guild. */
export interface IncidentsData {
  /** When invites become enabled again. */
  invites_disabled_until: string | null;
  /** When direct messages become enabled again. */
  dms_disabled_until: string | null;
  /** When DM spam was detected. */
  dm_spam_detected_at?: string | null;
  /** When raid activity was detected. */
  raid_detected_at?: string | null;
}

/** Verification level: 0 none to 4 very high. */
export type VerificationLevel = 0 | 1 | 2 | 3 | 4;

/** Boost tier: 0 none to 3. */
export type PremiumTier = 0 | 1 | 2 | 3;

/** A guild ("server"). */
export interface Guild {
  /** Guild ID. */
  id: Snowflake;
  /** Guild name (2-100 characters). */
  name: string;
  /** Icon hash. */
  icon: string | null;
  /** Icon hash, in template objects. */
  icon_hash?: string | null;
  /** Splash hash. */
  splash: string | null;
  /** Discovery splash hash (discoverable guilds). */
  discovery_splash: string | null;
  /** Whether the current user owns the guild (from GET /users/@me/guilds). */
  owner?: boolean;
  /** Owner's user ID. */
  owner_id: Snowflake;
  /** The current user's permissions (from GET /users/@me/guilds). */
  permissions?: string;
  /** Voice region (deprecated). */
  region?: string | null;
  /** AFK channel ID. */
  afk_channel_id: Snowflake | null;
  /** AFK timeout in seconds. */
  afk_timeout: number;
  /** Whether the server widget is enabled. */
  widget_enabled?: boolean;
  /** Channel the widget invite points to. */
  widget_channel_id?: Snowflake | null;
  /** Verification level required to talk. */
  verification_level: VerificationLevel;
  /** Default notifications: 0 all messages, 1 only mentions. */
  default_message_notifications: 0 | 1;
  /** Explicit content filter: 0 disabled, 1 members without roles, 2 all. */
  explicit_content_filter: 0 | 1 | 2;
  /** Roles. */
  roles: Role[];
  /** Custom emoji. */
  emojis: Emoji[];
  /** Enabled guild features. */
  features: GuildFeature[];
  /** Required MFA level for moderation: 0 none, 1 elevated. */
  mfa_level: 0 | 1;
  /** Application ID of the bot that created the guild. */
  application_id: Snowflake | null;
  /** Channel for system messages. */
  system_channel_id: Snowflake | null;
  /** System channel flags bitfield. */
  system_channel_flags: number;
  /** Rules channel of a community guild. */
  rules_channel_id: Snowflake | null;
  /** Maximum presences (null except for the largest guilds). */
  max_presences?: number | null;
  /** Maximum members. */
  max_members?: number;
  /** Vanity invite code. */
  vanity_url_code: string | null;
  /** Description of a guild. */
  description: string | null;
  /** Banner hash. */
  banner: string | null;
  /** Boost tier. */
  premium_tier: PremiumTier;
  /** Number of boosts. */
  premium_subscription_count?: number;
  /** Preferred locale of a community guild. */
  preferred_locale: string;
  /** Channel for Discord's notices to community guild moderators. */
  public_updates_channel_id: Snowflake | null;
  /** Maximum users in a video channel. */
  max_video_channel_users?: number;
  /** Maximum users in a stage video channel. */
  max_stage_video_channel_users?: number;
  /** Approximate member count (GET /guilds/{id} with `with_counts`). */
  approximate_member_count?: number;
  /** Approximate online member count (with `with_counts`). */
  approximate_presence_count?: number;
  /** Welcome screen of a community guild. */
  welcome_screen?: WelcomeScreen;
  /** NSFW level: 0 default, 1 explicit, 2 safe, 3 age restricted. */
  nsfw_level: 0 | 1 | 2 | 3;
  /** Custom stickers. */
  stickers?: Sticker[];
  /** Whether the boost progress bar is shown. */
  premium_progress_bar_enabled: boolean;
  /** Channel for safety alerts to community guild moderators. */
  safety_alerts_channel_id: Snowflake | null;
  /** Moderation incidents. */
  incidents_data: IncidentsData | null;
}
