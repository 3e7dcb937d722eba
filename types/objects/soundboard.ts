/**
 * Soundboard sounds.
 *
 * @module
 */
import type { Snowflake } from "../gateway_payloads.ts";
import type { User } from "./user.ts";

/** A soundboard sound (a guild's own or a default one). */
export interface SoundboardSound {
  /** Sound name. */
  name: string;
  /** Sound ID. */
  sound_id: Snowflake;
  /** Volume, from 0 to 1. */
  volume: number;
  /** ID of the sound's custom emoji. */
  emoji_id: Snowflake | null;
  /** Unicode character of the sound's standard emoji. */
  emoji_name: string | null;
  /** ID of the guild the sound belongs to; absent for default sounds. */
  guild_id?: Snowflake;
  /** Whether the sound can be used; false when boosts were lost. */
  available: boolean;
  /** The user who created the sound. */
  user?: User;
}
