/**
 * Webhooks.
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";
import type { Channel } from "./channel.ts";
import type { Guild } from "./guild.ts";
import type { User } from "./user.ts";

/** Webhook type: 1 incoming, 2 channel follower, 3 application (interactions). */
export type WebhookType = 1 | 2 | 3;

/** A webhook: a low-effort way to post messages to a channel. */
export interface Webhook {
  /** Webhook ID. */
  id: Snowflake;
  /** Webhook type. */
  type: WebhookType;
  /** Guild the webhook is for, if any. */
  guild_id?: Snowflake | null;
  /** Channel the webhook is for, if any. */
  channel_id: Snowflake | null;
  /** The user who created it (absent when fetched with its token). */
  user?: User;
  /** Default name. */
  name: string | null;
  /** Default avatar hash. */
  avatar: string | null;
  /** Secure token (incoming webhooks). */
  token?: string;
  /** The application that created it. */
  application_id: Snowflake | null;
  /** Guild of the followed channel (channel follower webhooks). */
  source_guild?: Partial<Guild>;
  /** The followed channel (channel follower webhooks). */
  source_channel?: Partial<Channel>;
  /** URL for executing it (from the OAuth2 webhook flow). */
  url?: string;
}
