/**
 * Voice states.
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";
import type { GuildMember } from "./member.ts";

/** A user's voice connection state. */
export interface VoiceState {
  /** Guild ID; absent in GUILD_CREATE's `voice_states`. */
  guild_id?: Snowflake;
  /** Channel the user is connected to; null when they left. */
  channel_id: Snowflake | null;
  /** User ID. */
  user_id: Snowflake;
  /** The guild member. */
  member?: GuildMember;
  /** Voice session ID. */
  session_id: string;
  /** Whether the user is server-deafened. */
  deaf: boolean;
  /** Whether the user is server-muted. */
  mute: boolean;
  /** Whether the user deafened themselves. */
  self_deaf: boolean;
  /** Whether the user muted themselves. */
  self_mute: boolean;
  /** Whether the user is streaming ("Go Live"). */
  self_stream?: boolean;
  /** Whether the user's camera is on. */
  self_video: boolean;
  /** Whether the current user suppressed this user (stage audience). */
  suppress: boolean;
  /** When the user asked to speak in a stage. */
  request_to_speak_timestamp: string | null;
}
