/**
 * Applications and teams.
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";
import type { Guild } from "./guild.ts";
import type { User } from "./user.ts";

/** A member of a developer team. */
export interface TeamMember {
  /** 1 invited, 2 accepted. */
  membership_state: 1 | 2;
  /** Team ID. */
  team_id: Snowflake;
  /** The member's user (avatar, discriminator, id, username). */
  user: Partial<User>;
  /** Role in the team: `"admin"`, `"developer"` or `"read_only"`. */
  role: string;
}

/** A developer team that owns an application. */
export interface Team {
  /** Team icon hash. */
  icon: string | null;
  /** Team ID. */
  id: Snowflake;
  /** Team members. */
  members: TeamMember[];
  /** Team name. */
  name: string;
  /** User ID of the team owner. */
  owner_user_id: Snowflake;
}

/** The scopes and permissions of the in-app "Add to server" link. */
export interface InstallParams {
  /** OAuth2 scopes. */
  scopes: string[];
  /** Permission bitfield, as a string. */
  permissions: string;
}

/** Install settings for one installation context. */
export interface ApplicationIntegrationTypeConfiguration {
  /** Install parameters for this context. */
  oauth2_install_params?: InstallParams;
}

/** Install settings keyed by installation context: `"0"` guild, `"1"` user. */
export interface ApplicationIntegrationTypesConfig {
  /** Guild install settings. */
  "0"?: ApplicationIntegrationTypeConfiguration;
  /** User install settings. */
  "1"?: ApplicationIntegrationTypeConfiguration;
}

/** An application (an app or bot registered in the Developer Portal). */
export interface Application {
  /** Application ID. */
  id: Snowflake;
  /** Application name. */
  name: string;
  /** Icon hash. */
  icon: string | null;
  /** Description. */
  description: string;
  /** RPC origin URLs. */
  rpc_origins?: string[];
  /** Whether anyone can add the bot, not only the owner. */
  bot_public: boolean;
  /** Whether adding the bot needs the full OAuth2 code grant. */
  bot_require_code_grant: boolean;
  /** The bot user. */
  bot?: Partial<User>;
  /** Terms of service URL. */
  terms_of_service_url?: string;
  /** Privacy policy URL. */
  privacy_policy_url?: string;
  /** The owner (when not owned by a team). */
  owner?: Partial<User>;
  /** Hex key for verifying interactions and GameSDK tickets. */
  verify_key: string;
  /** The owning team, if any. */
  team: Team | null;
  /** Linked guild ID. */
  guild_id?: Snowflake;
  /** Linked guild. */
  guild?: Partial<Guild>;
  /** Game SKU ID, for games sold on Discord. */
  primary_sku_id?: Snowflake;
  /** Store page slug, for games sold on Discord. */
  slug?: string;
  /** Default rich presence invite cover image hash. */
  cover_image?: string;
  /** Public application flags bitfield (bits 0-30 only; see `flags_new`). */
  flags?: number;
  /** Every public application flag bit, as a decimal string (bits above 30 appear only here). */
  flags_new?: string;
  /** Approximate number of guilds the app is in. */
  approximate_guild_count?: number;
  /** Approximate number of users who installed the app. */
  approximate_user_install_count?: number;
  /** Approximate number of users who authorized the app. */
  approximate_user_authorization_count?: number;
  /** OAuth2 redirect URIs. */
  redirect_uris?: string[];
  /** Interactions endpoint URL. */
  interactions_endpoint_url?: string | null;
  /** Role connection verification URL. */
  role_connections_verification_url?: string | null;
  /** Webhook events URL. */
  event_webhooks_url?: string | null;
  /** Webhook events status: 1 disabled, 2 enabled, 3 disabled by Discord. */
  event_webhooks_status?: 1 | 2 | 3;
  /** Webhook event types the app subscribes to. */
  event_webhooks_types?: string[];
  /** Up to 5 tags describing the app. */
  tags?: string[];
  /** Settings of the in-app authorization link. */
  install_params?: InstallParams;
  /** Install settings per installation context. */
  integration_types_config?: ApplicationIntegrationTypesConfig;
  /** Default custom authorization URL. */
  custom_install_url?: string;
}
