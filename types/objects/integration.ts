/**
 * Guild integrations.
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";
import type { User } from "./user.ts";

/** The kind of integration. */
export type IntegrationType =
  | "twitch"
  | "youtube"
  | "discord"
  | "guild_subscription";

/** The external account of an integration. */
export interface IntegrationAccount {
  /** Account ID. */
  id: string;
  /** Account name. */
  name: string;
}

/** The bot/OAuth2 application of a Discord integration. */
export interface IntegrationApplication {
  /** Application ID. */
  id: Snowflake;
  /** Application name. */
  name: string;
  /** Icon hash. */
  icon: string | null;
  /** Application description. */
  description: string;
  /** The bot user. */
  bot?: User;
}

/** An integration (Twitch, YouTube, a bot or a role subscription) in a guild. */
export interface Integration {
  /** Integration ID. */
  id: Snowflake;
  /** Integration name. */
  name: string;
  /** Integration type. */
  type: IntegrationType;
  /** Whether the integration is enabled. */
  enabled: boolean;
  /** Whether the integration is syncing (Twitch/YouTube). */
  syncing?: boolean;
  /** Role used for subscribers (Twitch/YouTube). */
  role_id?: Snowflake;
  /** Whether emoticons are synced (Twitch only). */
  enable_emoticons?: boolean;
  /** What happens when a subscription expires: 0 remove role, 1 kick. */
  expire_behavior?: 0 | 1;
  /** Grace period in days before expiring subscribers. */
  expire_grace_period?: number;
  /** The user who added the integration. */
  user?: User;
  /** The external account. */
  account: IntegrationAccount;
  /** When the integration last synced. */
  synced_at?: string;
  /** Number of subscribers. */
  subscriber_count?: number;
  /** Whether the integration was revoked. */
  revoked?: boolean;
  /** The bot/OAuth2 application, for Discord integrations. */
  application?: IntegrationApplication;
  /** OAuth2 scopes the application was authorized with. */
  scopes?: string[];
}
