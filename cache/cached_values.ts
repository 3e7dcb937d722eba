/**
 * The types of the values the stores hand back where Discord's own object
 * needs a field more: a member's `user` and `guild_id`, a voice channel's
 * status, a message's `guild_id`, an integration's `guild_id`.
 *
 * @module
 */
import type { Snowflake } from "../types/gateway_payloads.ts";
import type { IntegrationCreateDispatch } from "../types/dispatch_payloads.ts";
import type { Channel } from "../types/objects/channel.ts";
import type { GuildMember } from "../types/objects/member.ts";
import type { Message } from "../types/objects/message.ts";
import type { User } from "../types/objects/user.ts";

/** A cached member: Discord's member object with its `user` and `guild_id`. */
export interface CachedMember extends GuildMember {
  /** The member's user. */
  user: User;
  /** The member's guild. */
  guild_id: Snowflake;
}

/**
 * A cached channel: Discord's channel object, and for a voice channel the
 * ephemeral fields its own events bring (not part of the channel object).
 */
export interface CachedChannel extends Channel {
  /** The voice channel's status (VOICE_CHANNEL_STATUS_UPDATE, CHANNEL_INFO). */
  status?: string | null;
  /**
   * Unix time in seconds the voice session started, or null when none runs
   * (VOICE_CHANNEL_START_TIME_UPDATE, CHANNEL_INFO).
   */
  voice_start_time?: number | null;
}

/** A cached message: Discord's message object, with `guild_id` in guilds. */
export interface CachedMessage extends Message {
  /** The guild, for a message in a guild. */
  guild_id?: Snowflake;
}

/**
 * A cached integration: INTEGRATION_CREATE/UPDATE's payload, Discord's
 * integration object without `user`, with `guild_id`.
 */
export type CachedIntegration = IntegrationCreateDispatch;
