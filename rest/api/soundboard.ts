/**
 * Soundboard routes.
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
import { checkNumbers, type NumberRules } from "./_numbers.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type { SoundboardSound } from "../../types/objects/soundboard.ts";
/**
 * A sound's `volume`, typed `?double`: "the volume of the soundboard sound,
 * from 0 to 1".
 */
const VOLUME: NumberRules = {
  volume: { min: 0, max: 1, fraction: true, nullable: true },
};

/** Body of {@linkcode createGuildSoundboardSound}. */
export interface CreateSoundboardSoundBody {
  /** Name (2-32 characters). */
  name: string;
  /** MP3 or OGG as a data URI. */
  sound: string;
  /** Volume 0-1 (default 1). */
  volume?: number | null;
  /** Custom emoji ID. */
  emoji_id?: Snowflake | null;
  /** Unicode emoji. */
  emoji_name?: string | null;
}

/**
 * Play a soundboard sound in the voice channel the bot is in (`POST /channels/{channelId}/send-soundboard-sound`).
 *
 * @param rest The REST client.
 * @param channelId The channel.
 * @param body The fields to send.
 * @param options Signal.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function sendSoundboardSound(
  rest: RestClient,
  channelId: Snowflake,
  body: { sound_id: Snowflake; source_guild_id?: Snowflake },
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "POST",
    `/channels/${snowflake("channelId", channelId)}/send-soundboard-sound`,
    routeOptions(options, { body }),
  );
}

/**
 * List Discord's default sounds (`GET /soundboard-default-sounds`).
 *
 * @param rest The REST client.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function listDefaultSoundboardSounds(
  rest: RestClient,
  options: RouteOptions = {},
): Promise<SoundboardSound[]> {
  return await rest.request<SoundboardSound[]>(
    "GET",
    `/soundboard-default-sounds`,
    routeOptions(options),
  );
}

/**
 * List a guild's sounds (`GET /guilds/{guildId}/soundboard-sounds`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function listGuildSoundboardSounds(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<{ items: SoundboardSound[] }> {
  return await rest.request<{ items: SoundboardSound[] }>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/soundboard-sounds`,
    routeOptions(options),
  );
}

/**
 * Get one sound (`GET /guilds/{guildId}/soundboard-sounds/{soundId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param soundId The soundboard sound.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildSoundboardSound(
  rest: RestClient,
  guildId: Snowflake,
  soundId: Snowflake,
  options: RouteOptions = {},
): Promise<SoundboardSound> {
  return await rest.request<SoundboardSound>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/soundboard-sounds/${
      snowflake("soundId", soundId)
    }`,
    routeOptions(options),
  );
}

/**
 * Add a sound (MP3 or OGG data URI, 512 KB at most) (`POST /guilds/{guildId}/soundboard-sounds`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 * @throws {TypeError} When `volume` is neither a number nor `null`, before
 *   anything is sent.
 * @throws {RangeError} When `volume` is not a number from 0 to 1 (the docs'
 *   "the volume of the soundboard sound, from 0 to 1"), before anything is
 *   sent.
 */
export async function createGuildSoundboardSound(
  rest: RestClient,
  guildId: Snowflake,
  body: CreateSoundboardSoundBody,
  options: AuditedRouteOptions = {},
): Promise<SoundboardSound> {
  body = checkNumbers("create guild soundboard sound", body, VOLUME);
  return await rest.request<SoundboardSound>(
    "POST",
    `/guilds/${snowflake("guildId", guildId)}/soundboard-sounds`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Change a sound (`PATCH /guilds/{guildId}/soundboard-sounds/{soundId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param soundId The soundboard sound.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 * @throws {TypeError} When `volume` is neither a number nor `null`, before
 *   anything is sent.
 * @throws {RangeError} When `volume` is not a number from 0 to 1 (the docs'
 *   "the volume of the soundboard sound, from 0 to 1"), before anything is
 *   sent.
 */
export async function modifyGuildSoundboardSound(
  rest: RestClient,
  guildId: Snowflake,
  soundId: Snowflake,
  body: Partial<Omit<CreateSoundboardSoundBody, "sound">>,
  options: AuditedRouteOptions = {},
): Promise<SoundboardSound> {
  body = checkNumbers("modify guild soundboard sound", body, VOLUME);
  return await rest.request<SoundboardSound>(
    "PATCH",
    `/guilds/${snowflake("guildId", guildId)}/soundboard-sounds/${
      snowflake("soundId", soundId)
    }`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Delete a sound (`DELETE /guilds/{guildId}/soundboard-sounds/{soundId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param soundId The soundboard sound.
 * @param options Signal, audit-log reason.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function deleteGuildSoundboardSound(
  rest: RestClient,
  guildId: Snowflake,
  soundId: Snowflake,
  options: AuditedRouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/guilds/${snowflake("guildId", guildId)}/soundboard-sounds/${
      snowflake("soundId", soundId)
    }`,
    auditedRouteOptions(options),
  );
}
