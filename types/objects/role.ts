/**
 * Guild roles.
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";

/** Extra facts about a role; the `null` fields mean "true" when present. */
export interface RoleTags {
  /** ID of the bot the role belongs to. */
  bot_id?: Snowflake;
  /** ID of the integration the role belongs to. */
  integration_id?: Snowflake;
  /** Present (as null) on the guild's booster role. */
  premium_subscriber?: null;
  /** ID of the role's subscription SKU listing. */
  subscription_listing_id?: Snowflake;
  /** Present (as null) when the role can be purchased. */
  available_for_purchase?: null;
  /** Present (as null) on a guild's linked role. */
  guild_connections?: null;
}

/** A role's colours (gradient roles use all three). */
export interface RoleColors {
  /** Primary colour. */
  primary_color: number;
  /** Secondary colour, for gradients. */
  secondary_color: number | null;
  /** Tertiary colour, for the holographic style. */
  tertiary_color: number | null;
}

/** A guild role. */
export interface Role {
  /** Role ID. */
  id: Snowflake;
  /** Role name. */
  name: string;
  /** Colour as an integer (deprecated; use `colors`). */
  color: number;
  /** The role's colours. */
  colors: RoleColors;
  /** Whether the role is shown separately in the member list. */
  hoist: boolean;
  /** Role icon hash. */
  icon?: string | null;
  /** Role unicode emoji. */
  unicode_emoji?: string | null;
  /** Position in the role list. */
  position: number;
  /** Permission bitfield, as a decimal string (see {@linkcode hasPermission}). */
  permissions: string;
  /** Whether an integration manages the role. */
  managed: boolean;
  /** Whether the role is mentionable. */
  mentionable: boolean;
  /** Extra facts about the role. */
  tags?: RoleTags;
  /** Role flags bitfield. */
  flags: number;
}
