/**
 * Voice region and voice state routes.
 *
 * @module
 */
import type { RestClient } from "../rest_client.ts";
import { type RouteOptions, routeOptions, snowflake } from "./_route.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type { VoiceState } from "../../types/objects/voice.ts";
/** A voice region. */
export interface VoiceRegion {
  /** Region ID. */
  id: string;
  /** Name. */
  name: string;
  /** Closest to the current user's client. */
  optimal: boolean;
  /** Deprecated. */
  deprecated: boolean;
  /** Custom (events). */
  custom: boolean;
}

/**
 * List voice regions (`GET /voice/regions`).
 *
 * @param rest The REST client.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function listVoiceRegions(
  rest: RestClient,
  options: RouteOptions = {},
): Promise<VoiceRegion[]> {
  return await rest.request<VoiceRegion[]>(
    "GET",
    `/voice/regions`,
    routeOptions(options),
  );
}

/**
 * Get the bot's voice state in a guild (`GET /guilds/{guildId}/voice-states/@me`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getCurrentUserVoiceState(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<VoiceState> {
  return await rest.request<VoiceState>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/voice-states/@me`,
    routeOptions(options),
  );
}

/**
 * Get a user's voice state (`GET /guilds/{guildId}/voice-states/{userId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param userId The user.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getUserVoiceState(
  rest: RestClient,
  guildId: Snowflake,
  userId: Snowflake,
  options: RouteOptions = {},
): Promise<VoiceState> {
  return await rest.request<VoiceState>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/voice-states/${
      snowflake("userId", userId)
    }`,
    routeOptions(options),
  );
}

/**
 * Change the bot's stage state (suppress, request to speak) (`PATCH /guilds/{guildId}/voice-states/@me`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param body The fields to send.
 * @param options Signal.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function modifyCurrentUserVoiceState(
  rest: RestClient,
  guildId: Snowflake,
  body: {
    channel_id?: Snowflake;
    suppress?: boolean;
    request_to_speak_timestamp?: string | null;
  },
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "PATCH",
    `/guilds/${snowflake("guildId", guildId)}/voice-states/@me`,
    routeOptions(options, { body }),
  );
}

/**
 * Change a user's stage state (`PATCH /guilds/{guildId}/voice-states/{userId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param userId The user.
 * @param body The fields to send.
 * @param options Signal.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function modifyUserVoiceState(
  rest: RestClient,
  guildId: Snowflake,
  userId: Snowflake,
  body: { channel_id: Snowflake; suppress?: boolean },
  options: RouteOptions = {},
): Promise<void> {
  await rest.request(
    "PATCH",
    `/guilds/${snowflake("guildId", guildId)}/voice-states/${
      snowflake("userId", userId)
    }`,
    routeOptions(options, { body }),
  );
}
