/**
 * Guild settings routes: prune, regions, integrations, widget, vanity URL, welcome screen, onboarding.
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
import type { Integration } from "../../types/objects/integration.ts";
import type {
  WelcomeScreen,
  WelcomeScreenChannel,
} from "../../types/objects/guild.ts";
import type { VoiceRegion } from "./voice.ts";

/**
 * `days` of Get Guild Prune Count ("number of days to count prune for
 * (1-30)") and Begin Guild Prune ("number of days to prune (1-30)").
 */
const PRUNE_DAYS: NumberRules = { days: { min: 1, max: 30 } };

/** Body of {@linkcode beginGuildPrune}. */
export interface BeginGuildPruneBody {
  /** Days of inactivity (1-30, default 7). */
  days?: number;
  /** Return the count (slow on large guilds). */
  compute_prune_count?: boolean;
  /** Roles whose members may be pruned too. */
  include_roles?: Snowflake[];
}

/** A guild's widget settings. */
export interface GuildWidgetSettings {
  /** Whether the widget is enabled. */
  enabled: boolean;
  /** The invite channel. */
  channel_id: Snowflake | null;
}

/** A guild's public widget. */
export interface GuildWidget {
  /** Guild ID. */
  id: Snowflake;
  /** Guild name. */
  name: string;
  /** Invite URL. */
  instant_invite: string | null;
  /** Voice and stage channels. */
  channels: { id: Snowflake; name: string; position: number }[];
  /** Online members (100 at most, anonymized). */
  members: { id: string; username: string; status: string }[];
  /** Online member count. */
  presence_count: number;
}

/** A guild's onboarding settings. */
export interface GuildOnboarding {
  /** Guild ID. */
  guild_id: Snowflake;
  /** Prompts. */
  prompts: Record<string, unknown>[];
  /** Channels members get by default. */
  default_channel_ids: Snowflake[];
  /** Whether onboarding is on. */
  enabled: boolean;
  /** 0 default, 1 advanced. */
  mode: 0 | 1;
}

/**
 * Count the members a prune would kick (`GET /guilds/{guildId}/prune`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 * @throws {TypeError} When `days` is not a number, before anything is sent.
 * @throws {RangeError} When `days` is not an integer from 1 to 30 (the docs'
 *   "number of days to count prune for (1-30)"), before anything is sent.
 */
export async function getGuildPruneCount(
  rest: RestClient,
  guildId: Snowflake,
  query: { days?: number; include_roles?: string } = {},
  options: RouteOptions = {},
): Promise<{ pruned: number }> {
  query = checkNumbers("get guild prune count", query, PRUNE_DAYS);
  return await rest.request<{ pruned: number }>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/prune`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * Kick inactive members (`POST /guilds/{guildId}/prune`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 * @throws {TypeError} When `days` is not a number, before anything is sent.
 * @throws {RangeError} When `days` is not an integer from 1 to 30 (the docs'
 *   "number of days to prune (1-30)"), before anything is sent.
 */
export async function beginGuildPrune(
  rest: RestClient,
  guildId: Snowflake,
  body: BeginGuildPruneBody,
  options: AuditedRouteOptions = {},
): Promise<{ pruned: number | null }> {
  body = checkNumbers("begin guild prune", body, PRUNE_DAYS);
  return await rest.request<{ pruned: number | null }>(
    "POST",
    `/guilds/${snowflake("guildId", guildId)}/prune`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * List the voice regions of a guild (`GET /guilds/{guildId}/regions`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildVoiceRegions(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<VoiceRegion[]> {
  return await rest.request<VoiceRegion[]>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/regions`,
    routeOptions(options),
  );
}

/**
 * List a guild's integrations (`GET /guilds/{guildId}/integrations`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildIntegrations(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<Integration[]> {
  return await rest.request<Integration[]>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/integrations`,
    routeOptions(options),
  );
}

/**
 * Remove an integration (and its bot and webhooks) (`DELETE /guilds/{guildId}/integrations/{integrationId}`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param integrationId The integration.
 * @param options Signal, audit-log reason.
 * @returns A promise that resolves when Discord accepted it.
 */
export async function deleteGuildIntegration(
  rest: RestClient,
  guildId: Snowflake,
  integrationId: Snowflake,
  options: AuditedRouteOptions = {},
): Promise<void> {
  await rest.request(
    "DELETE",
    `/guilds/${snowflake("guildId", guildId)}/integrations/${
      snowflake("integrationId", integrationId)
    }`,
    auditedRouteOptions(options),
  );
}

/**
 * Get the widget settings (`GET /guilds/{guildId}/widget`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildWidgetSettings(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<GuildWidgetSettings> {
  return await rest.request<GuildWidgetSettings>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/widget`,
    routeOptions(options),
  );
}

/**
 * Change the widget settings (`PATCH /guilds/{guildId}/widget`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function modifyGuildWidget(
  rest: RestClient,
  guildId: Snowflake,
  body: Partial<GuildWidgetSettings>,
  options: AuditedRouteOptions = {},
): Promise<GuildWidgetSettings> {
  return await rest.request<GuildWidgetSettings>(
    "PATCH",
    `/guilds/${snowflake("guildId", guildId)}/widget`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Get the public widget (`GET /guilds/{guildId}/widget.json`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildWidget(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<GuildWidget> {
  return await rest.request<GuildWidget>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/widget.json`,
    routeOptions(options),
  );
}

/**
 * Get the vanity invite (`GET /guilds/{guildId}/vanity-url`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildVanityUrl(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<{ code: string | null; uses: number }> {
  return await rest.request<{ code: string | null; uses: number }>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/vanity-url`,
    routeOptions(options),
  );
}

/**
 * Get the welcome screen (`GET /guilds/{guildId}/welcome-screen`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildWelcomeScreen(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<WelcomeScreen> {
  return await rest.request<WelcomeScreen>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/welcome-screen`,
    routeOptions(options),
  );
}

/**
 * Change the welcome screen (`PATCH /guilds/{guildId}/welcome-screen`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function modifyGuildWelcomeScreen(
  rest: RestClient,
  guildId: Snowflake,
  body: {
    enabled?: boolean | null;
    welcome_channels?: WelcomeScreenChannel[] | null;
    description?: string | null;
  },
  options: AuditedRouteOptions = {},
): Promise<WelcomeScreen> {
  return await rest.request<WelcomeScreen>(
    "PATCH",
    `/guilds/${snowflake("guildId", guildId)}/welcome-screen`,
    auditedRouteOptions(options, { body }),
  );
}

/**
 * Get the onboarding settings (`GET /guilds/{guildId}/onboarding`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getGuildOnboarding(
  rest: RestClient,
  guildId: Snowflake,
  options: RouteOptions = {},
): Promise<GuildOnboarding> {
  return await rest.request<GuildOnboarding>(
    "GET",
    `/guilds/${snowflake("guildId", guildId)}/onboarding`,
    routeOptions(options),
  );
}

/**
 * Replace the onboarding settings (`PUT /guilds/{guildId}/onboarding`).
 *
 * @param rest The REST client.
 * @param guildId The guild.
 * @param body The fields to send.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function modifyGuildOnboarding(
  rest: RestClient,
  guildId: Snowflake,
  body: Partial<Omit<GuildOnboarding, "guild_id">>,
  options: AuditedRouteOptions = {},
): Promise<GuildOnboarding> {
  return await rest.request<GuildOnboarding>(
    "PUT",
    `/guilds/${snowflake("guildId", guildId)}/onboarding`,
    auditedRouteOptions(options, { body }),
  );
}
