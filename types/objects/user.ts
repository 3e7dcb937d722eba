/**
 * The user object and the small objects hanging off it.
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";
import type { Integration } from "./integration.ts";

/** A user's Nitro tier: 0 None, 1 Nitro Classic, 2 Nitro, 3 Nitro Basic. */
export type PremiumType = 0 | 1 | 2 | 3;

/** The avatar decoration a user or member shows. */
export interface AvatarDecorationData {
  /** Avatar decoration hash. */
  asset: string;
  /** ID of the decoration's SKU. */
  sku_id: Snowflake;
}

/** A nameplate collectible. */
export interface NameplateData {
  /** ID of the nameplate's SKU. */
  sku_id: Snowflake;
  /** Path to the nameplate asset. */
  asset: string;
  /** Label of the nameplate (currently unused). */
  label: string;
  /** Background colour name, e.g. `"crimson"` or `"berry"`. */
  palette: string;
}

/** The collectibles a user or member has. */
export interface Collectibles {
  /** The nameplate, if any. */
  nameplate?: NameplateData;
}

/** The server tag a user shows next to their name ("primary guild"). */
export interface UserPrimaryGuild {
  /** ID of the guild whose tag is shown. */
  identity_guild_id: Snowflake | null;
  /** Whether the user shows the tag; null when it was cleared by the system. */
  identity_enabled: boolean | null;
  /** Tag text, up to 4 characters. */
  tag: string | null;
  /** Tag badge hash. */
  badge: string | null;
}

/** A Discord user (a person, a bot or a system account). */
export interface User {
  /** The user's ID. */
  id: Snowflake;
  /** Username; not unique across the platform for legacy users. */
  username: string;
  /** Legacy 4-digit tag, or `"0"` for migrated users. */
  discriminator: string;
  /** Display name; for bots, the application name. */
  global_name: string | null;
  /** Avatar hash. */
  avatar: string | null;
  /** Whether the user belongs to an OAuth2 application. */
  bot?: boolean;
  /** Whether the user is an official Discord system user. */
  system?: boolean;
  /** Whether two-factor authentication is on. */
  mfa_enabled?: boolean;
  /** Banner hash. */
  banner?: string | null;
  /** Banner colour as an integer. */
  accent_color?: number | null;
  /** Chosen language. */
  locale?: string;
  /** Whether the email is verified. */
  verified?: boolean;
  /** Email address (needs the `email` scope). */
  email?: string | null;
  /** User flags bitfield. */
  flags?: number;
  /** Nitro tier. */
  premium_type?: PremiumType;
  /** Public user flags bitfield. */
  public_flags?: number;
  /** Avatar decoration. */
  avatar_decoration_data?: AvatarDecorationData | null;
  /** Collectibles. */
  collectibles?: Collectibles | null;
  /** The server tag the user shows. */
  primary_guild?: UserPrimaryGuild | null;
}

/** A user of which only `id` is guaranteed (e.g. in PRESENCE_UPDATE). */
export interface PartialUser extends Partial<User> {
  /** The user's ID. */
  id: Snowflake;
}

/**
 * A third-party service a user can connect to their account, as the docs
 * list them (`instagram` and `skype` can no longer be added, but old
 * connections remain). Riot Games and League of Legends connections are not
 * returned by `GET /users/@me/connections` (since July 10, 2026).
 */
export type ConnectionService =
  | "amazon-music"
  | "battlenet"
  | "bungie"
  | "bluesky"
  | "crunchyroll"
  | "domain"
  | "ebay"
  | "epicgames"
  | "facebook"
  | "github"
  | "instagram"
  | "mastodon"
  | "paypal"
  | "playstation"
  | "reddit"
  | "roblox"
  | "spotify"
  | "skype"
  | "steam"
  | "tiktok"
  | "twitch"
  | "twitter"
  | "xbox"
  | "youtube";

/**
 * Who sees a connection: 0 only the user, 1 everyone.
 */
export type ConnectionVisibility = 0 | 1;

/**
 * An account on another service that a user connected to their Discord
 * account (read with the user's `connections` OAuth2 scope).
 */
export interface Connection {
  /** ID of the account on the service. */
  id: string;
  /** The account's user name. */
  name: string;
  /** The service. */
  type: ConnectionService;
  /** Whether the connection is revoked. */
  revoked?: boolean;
  /** Partial guild integrations of the connection. */
  integrations?: Partial<Integration>[];
  /** Whether the connection is verified. */
  verified: boolean;
  /** Whether friend sync is on. */
  friend_sync: boolean;
  /** Whether activities of the connection show in presence updates. */
  show_activity: boolean;
  /** Whether it has a matching third-party OAuth2 token. */
  two_way_link: boolean;
  /** Who sees it. */
  visibility: ConnectionVisibility;
}
